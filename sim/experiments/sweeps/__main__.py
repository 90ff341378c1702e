"""``python -m sim.experiments.sweeps sweep|report ...``: the sweep commands without the main ``sim`` app."""

import typer

from sim.cli.sweep import report, sweep

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False)
app.command()(sweep)
app.command()(report)

if __name__ == "__main__":
    app()
