"""The ``sim`` command line: one typer app; each command lives in its own module."""

from __future__ import annotations

import typer

from sim.cli.catalogue_cmd import mechanisms, scenarios
from sim.cli.compare_cmd import compare
from sim.cli.explore_cmd import explore
from sim.cli.flags import FlagCommand, FlagGroup
from sim.cli.play import play
from sim.cli.run_cmd import run
from sim.cli.sweep import report, sweep
from sim.cli.validate_cmd import validate
from sim.cli.validate_external import validate_external

# rich_markup_mode=None: plain click help; typer's rich panels import rich.markdown and markdown_it (~0.35 s)
app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False, cls=FlagGroup,
                  rich_markup_mode=None, help="Stakeholder negotiation simulator: Russia's bases in Syria after Assad.")
app.command(cls=FlagCommand)(run)
app.command(cls=FlagCommand)(compare)
app.command(cls=FlagCommand)(validate)
app.command(cls=FlagCommand)(scenarios)
app.command(cls=FlagCommand)(mechanisms)
app.command("validate-external", cls=FlagCommand)(validate_external)
app.command(cls=FlagCommand)(sweep)
app.command(cls=FlagCommand)(report)
app.command(cls=FlagCommand)(play)
app.command(cls=FlagCommand)(explore)


def _print_version(value: bool) -> None:
    if value:
        from sim.experiments.manifest import PACKAGE, git_state, package_version

        git = git_state()
        suffix = f" (git {git['commit'][:12]}{', modified' if git['dirty'] else ''})" if git else ""
        typer.echo(f"{PACKAGE} {package_version()}{suffix}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(False, "--version", callback=_print_version, is_eager=True,
                                 help="Print the version (and the git commit of a checkout) and exit."),
) -> None:
    """Stakeholder negotiation simulator: Russia's bases in Syria after Assad."""
