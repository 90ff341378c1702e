"""``sim explore``: a browser explorer for researchers (Solara), on a state object that works without a browser.

:mod:`~sim.explore.state` holds the settings and runs both arms; :mod:`~sim.explore.sliders` turns parameter paths
into sliders; :mod:`~sim.explore.results` pairs the runs; :mod:`~sim.explore.child` writes the scenario file;
:mod:`~sim.explore.charts` draws; :mod:`~sim.explore.host` and :mod:`~sim.explore.app` serve the page.
"""

from sim.explore.state import Explorer

__all__ = ["Explorer"]
