"""Solara components of the classroom app; each renders view dicts from :mod:`sim.classroom.views`."""
