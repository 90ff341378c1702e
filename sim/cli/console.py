"""Console helpers shared by CLI commands: error reporting and progress bars.

Every text that may hold user input (messages, names, paths) is escaped before Rich sees it (``esc``), so
``[first, last]`` prints as written and a value containing ``[/`` cannot turn an error into a MarkupError.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.markup import escape as esc

from sim.errors import SimError, SimWarning

if TYPE_CHECKING:
    from rich.progress import Progress

console = Console()
if not console.is_terminal:  # piped or captured: wide enough for the tables instead of 80 columns
    console = Console(width=120)
err_console = Console(stderr=True)


@contextlib.contextmanager
def reported_errors() -> Iterator[None]:
    """Turn the project's errors into a clear message and exit code 2 — never a traceback; print the project's
    warnings (a damaged file set aside) as one ``warning:`` line each, as they happen."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("always", SimWarning)
            shown = warnings.showwarning

            def show(message, category, filename, lineno, file=None, line=None):
                if issubclass(category, SimWarning):
                    warn(str(message))
                else:
                    shown(message, category, filename, lineno, file, line)

            warnings.showwarning = show
            yield
    except SimError as exc:
        error(str(exc))
        raise typer.Exit(code=2) from None
    except OSError as exc:  # the disk, not the input: a full disk, a folder removed under us, a permission
        where = f"{exc.filename}: " if exc.filename else ""
        error(f"{where}{exc.strerror or exc}")
        raise typer.Exit(code=2) from None


def error(message: str) -> None:
    """Print ``error: message`` on stderr; the message is escaped, so brackets in it print as written."""
    err_console.print(f"[bold red]error:[/] {esc(message)}", highlight=False, markup=True, soft_wrap=True)


def warn(message: str) -> None:
    """Print ``warning: message`` on stderr (escaped like :func:`error`)."""
    err_console.print(f"[yellow]warning:[/] {esc(message)}", highlight=False, markup=True, soft_wrap=True)


def progress_bar(description: str, auto_refresh: bool = True) -> Progress:
    """A progress bar on stderr. ``auto_refresh=False`` draws only on updates and runs no refresh thread: use it
    when worker processes will be forked while it shows (a fork copies no other thread, but keeps its locks)."""
    from rich import progress as bars  # here, not at the top: keeps `sim --help` light

    return bars.Progress(bars.TextColumn(f"[bold]{esc(description)}"), bars.BarColumn(), bars.MofNCompleteColumn(),
                         bars.TextColumn("•"), bars.TimeElapsedColumn(), bars.TextColumn("eta"),
                         bars.TimeRemainingColumn(), console=err_console, transient=False, auto_refresh=auto_refresh)
