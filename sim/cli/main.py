"""The ``sim`` command line: one typer app; each command lives in its own module."""

from __future__ import annotations

import typer

from sim.cli.catalogue_cmd import mechanisms, scenarios
from sim.cli.run_cmd import run
from sim.cli.validate_cmd import validate

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Stakeholder negotiation simulator: Russia's bases in Syria after Assad.")
app.command()(run)
app.command()(validate)
app.command()(scenarios)
app.command()(mechanisms)


@app.callback()
def main() -> None:
    """Stakeholder negotiation simulator: Russia's bases in Syria after Assad."""
