"""Console helpers shared by CLI commands: error reporting and progress bars."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from sim.errors import SimError

console = Console()
if not console.is_terminal:  # piped or captured: wide enough for the tables instead of 80 columns
    console = Console(width=120)
err_console = Console(stderr=True)


@contextlib.contextmanager
def reported_errors() -> Iterator[None]:
    """Turn the project's errors into a clear message and exit code 2 — never a traceback."""
    try:
        yield
    except SimError as exc:
        err_console.print(f"[bold red]error:[/] {exc}", highlight=False, markup=True, soft_wrap=True)
        raise typer.Exit(code=2) from None


def progress_bar(description: str) -> Progress:
    return Progress(TextColumn(f"[bold]{description}"), BarColumn(), MofNCompleteColumn(), TextColumn("•"),
                    TimeElapsedColumn(), TextColumn("eta"), TimeRemainingColumn(), console=err_console,
                    transient=False)
