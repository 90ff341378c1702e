"""Classroom war game: an exercise session (framework-free) driving the research model, and its Solara app.

``ExerciseSession`` holds roles, phases, the countdown, facilitator actions and the append-only log; the web app
(``sim.classroom.app``, served by ``sim play``) only renders the views in ``sim.classroom.views``.
"""

from sim.classroom.session import DEBRIEF, PHASES, ExerciseSession, Settings

__all__ = ["DEBRIEF", "PHASES", "ExerciseSession", "Settings"]
