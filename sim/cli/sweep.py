"""``sim sweep`` and ``sim report``: run or resume a sensitivity sweep; render a sweep's report."""

from __future__ import annotations

from pathlib import Path

import typer

from sim.cli.console import console, esc, progress_bar, reported_errors
from sim.names import named_folder


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
    fmt: str = typer.Option("png", "--format", help="Report figure formats, comma-separated: png, pdf, svg."),
) -> None:
    """Run (or resume) the sweep in SWEEP_FILE; finished runs are never repeated."""
    from sim.sweeps import load_sweep, run_sweep

    if executor not in ("serial", "processes", "dask"):
        raise typer.BadParameter(f"{executor!r}; expected serial, processes or dask", param_hint="--executor")
    if scheduler and executor != "dask":
        executor = "dask"
    with reported_errors():
        formats = figure_formats(fmt)
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

            console.print(f"report: [bold]{esc(str(render_report(folder, formats=formats)))}[/]")


def report(
    directory: Path = typer.Argument(..., help="A sweep directory (finished or partial)."),
    out: Path | None = typer.Option(None, "--out", "-o", help="Report folder (default DIRECTORY/report)."),
    fmt: str = typer.Option("png", "--format", help="Figure formats, comma-separated: png, pdf, svg."),
) -> None:
    """Render a Markdown report with tables and figures for the sweep in DIRECTORY."""
    from sim.sweeps.report import render_report

    with reported_errors():
        console.print(f"report: [bold]{esc(str(render_report(directory, out, figure_formats(fmt))))}[/]")


def figure_formats(text: str) -> tuple[str, ...]:
    """``"png,pdf"`` -> ("png", "pdf"); a one-line error for anything but png, pdf, svg."""
    from sim.experiments.tables_io import parse_formats
    from sim.plots.formats import FIGURE_FORMATS

    return parse_formats(text, allowed=FIGURE_FORMATS) or ("png",)
