"""``python -m sim`` is the ``sim`` command."""

from sim.cli.main import app

app(prog_name="sim")
