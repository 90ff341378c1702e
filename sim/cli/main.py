"""The ``sim`` command line: one typer app; each command lives in its own module."""

from __future__ import annotations

import typer

from sim.cli.catalogue_cmd import mechanisms, scenarios
from sim.cli.explore_cmd import explore
from sim.cli.play import play
from sim.cli.run_cmd import run
from sim.cli.sweep import report, sweep
from sim.cli.validate_cmd import validate
from sim.cli.validate_external import validate_external

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Stakeholder negotiation simulator: Russia's bases in Syria after Assad.")
app.command()(run)
app.command()(validate)
app.command()(scenarios)
app.command()(mechanisms)
app.command("validate-external")(validate_external)
app.command()(sweep)
app.command()(report)
app.command()(play)
app.command()(explore)


@app.callback()
def main() -> None:
    """Stakeholder negotiation simulator: Russia's bases in Syria after Assad."""
