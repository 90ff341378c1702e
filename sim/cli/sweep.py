"""``sim sweep`` and ``sim report``: run or resume a sensitivity sweep; render a sweep's report."""

from __future__ import annotations

from pathlib import Path

import typer

from sim.cli.console import console, esc, progress_bar, reported_errors
from sim.names import named_folder

REPORT_FORMAT_HELP = ("Report formats, comma-separated: figures png, pdf, svg; tables csv, xlsx (the per-point "
                      "and per-run tables beside report.md).")


def sweep(
    sweep_file: Path = typer.Argument(..., help="Sweep YAML (own file, name->sweep file, or scenario with sweeps:)."),
    executor: str = typer.Option("serial", "--executor", "-e", help="serial | processes | dask."),
    workers: int = typer.Option(2, "--workers", "-w", min=1, help="Worker processes (processes, local Dask)."),
    out: Path | None = typer.Option(None, "--out", "-o", help="Sweep directory (default runs/sweeps/<name>)."),
    scheduler: str | None = typer.Option(None, "--scheduler", help="Dask scheduler address (tcp://host:8786)."),
    name: str | None = typer.Option(None, "--name", help="Which sweep, when the file declares several."),
    force_new: bool = typer.Option(False, "--force-new", help="Move old results of a changed sweep aside."),
    allow_mixed: bool = typer.Option(False, "--allow-mixed", help="Keep old results beside a changed sweep."),
    chunk_size: int | None = typer.Option(None, "--chunk-size", min=1, help="Runs per task (default: by run count)."),
    report: bool = typer.Option(True, "--report/--no-report", help="Render the report when done."),
    fmt: str = typer.Option("png", "--format", help=REPORT_FORMAT_HELP),
) -> None:
    """Run (or resume) the sweep in SWEEP_FILE; finished runs are never repeated."""
    from sim.sweeps import load_sweep, run_sweep

    if executor not in ("serial", "processes", "dask"):
        raise typer.BadParameter(f"{executor!r}; expected serial, processes or dask", param_hint="--executor")
    if scheduler and executor != "dask":
        executor = "dask"
    with reported_errors():
        tables, formats = report_formats(fmt)
        spec = load_sweep(sweep_file, name)
        folder = out or named_folder(Path("runs") / "sweeps", spec.name, "sweep")
        bar = progress_bar(f"{spec.name} ({spec.design}, {executor})")
        task = bar.add_task("runs", total=None, start=False)

        def progress(done: int, total: int) -> None:  # the bar appears with the first runs, after every check
            if not bar.live.is_started:
                bar.start()
                bar.start_task(task)
            bar.update(task, completed=done, total=total)

        try:
            result = run_sweep(spec, folder, executor=executor, workers=workers, scheduler=scheduler,
                               force_new=force_new, allow_mixed=allow_mixed, chunk_size=chunk_size, progress=progress)
        finally:
            bar.stop()
        console.print(f"{result.n_ran} runs in {result.seconds:.1f} s ({result.runs_per_second:.0f} runs/s); "
                      f"{result.n_done_before} were already done; results in [bold]{esc(str(folder))}[/]")
        if report:
            from sim.sweeps.report import render_report

            written = render_report(folder, formats=formats)
            console.print(f"report: [bold]{esc(str(written))}[/]")
            _print_tables(export_tables(folder, written.parent, tables))


def report(
    directory: Path = typer.Argument(..., help="A sweep directory (finished or partial)."),
    out: Path | None = typer.Option(None, "--out", "-o", help="Report folder (default DIRECTORY/report)."),
    fmt: str = typer.Option("png", "--format", help=REPORT_FORMAT_HELP),
) -> None:
    """Render a Markdown report with tables and figures for the sweep in DIRECTORY."""
    from sim.sweeps.report import render_report

    with reported_errors():
        tables, figures = report_formats(fmt)
        written = render_report(directory, out, figures)
        console.print(f"report: [bold]{esc(str(written))}[/]")
        _print_tables(export_tables(directory, written.parent, tables))


def report_formats(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """``"png,pdf,csv"`` -> (("csv",), ("png", "pdf")); png when no figure format is named; a one-line error for
    anything but png, pdf, svg, csv, xlsx."""
    from sim.experiments.tables_io import parse_formats
    from sim.plots.formats import FIGURE_FORMATS

    names = parse_formats(text, allowed=(*FIGURE_FORMATS, "csv", "xlsx"))
    return (tuple(n for n in names if n in ("csv", "xlsx")),
            tuple(n for n in names if n in FIGURE_FORMATS) or ("png",))


def export_tables(directory: Path, out: Path, formats: tuple[str, ...]) -> list[Path]:
    """The sweep's tables beside its report: ``points`` (design values, runs done, each output's mean and
    within-point variance) and ``runs`` (one row per run, in run order), once per format."""
    if not formats:
        return []
    from sim.experiments.tables_io import write_table
    from sim.sweeps.analysis import point_results
    from sim.sweeps.store import read_store

    paths = write_table(point_results(directory), out / "points", formats)
    store = read_store(directory)
    if store.has_parts(store.generation):
        paths += write_table(store.sql("SELECT * FROM runs ORDER BY run_id").df(), out / "runs", formats)
    return paths


def _print_tables(paths: list[Path]) -> None:
    if paths:
        console.print("tables: " + ", ".join(esc(str(p)) for p in paths))
