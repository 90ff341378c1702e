"""``sim sweep`` and ``sim report``: run or resume a sensitivity sweep; render a sweep's report."""

from __future__ import annotations

from pathlib import Path

import typer

from sim.cli.console import console, progress_bar, reported_errors


def sweep(
    sweep_file: Path = typer.Argument(..., help="Sweep YAML (own file, name->sweep file, or scenario with sweeps:)."),
    executor: str = typer.Option("serial", "--executor", "-e", help="serial | processes | dask."),
    workers: int = typer.Option(2, "--workers", "-w", min=1, help="Worker processes (processes, local Dask)."),
    out: Path | None = typer.Option(None, "--out", "-o", help="Sweep directory (default runs/sweeps/<name>)."),
    scheduler: str | None = typer.Option(None, "--scheduler", help="Dask scheduler address (tcp://host:8786)."),
    name: str | None = typer.Option(None, "--name", help="Which sweep, when the file declares several."),
    force_new: bool = typer.Option(False, "--force-new", help="Move old results of a changed sweep aside."),
    allow_mixed: bool = typer.Option(False, "--allow-mixed", help="Keep old results beside a changed sweep."),
    chunk_size: int | None = typer.Option(None, "--chunk-size", min=1, help="Runs per task (default: ~0.5 s)."),
    report: bool = typer.Option(True, "--report/--no-report", help="Render the report when done."),
) -> None:
    """Run (or resume) the sweep in SWEEP_FILE; finished runs are never repeated."""
    from sim.sweeps import load_sweep, run_sweep  # noqa: PLC0415

    if executor not in ("serial", "processes", "dask"):
        raise typer.BadParameter(f"{executor!r}; expected serial, processes or dask", param_hint="--executor")
    if scheduler and executor != "dask":
        executor = "dask"
    with reported_errors():
        spec = load_sweep(sweep_file, name)
        folder = out or Path("runs") / "sweeps" / spec.name
        with progress_bar(f"{spec.name} ({spec.design}, {executor})") as bar:
            task = bar.add_task("runs", total=None)
            result = run_sweep(spec, folder, executor=executor, workers=workers, scheduler=scheduler,
                               force_new=force_new, allow_mixed=allow_mixed, chunk_size=chunk_size,
                               progress=lambda done, total: bar.update(task, completed=done, total=total))
        console.print(f"{result.n_ran} runs in {result.seconds:.1f} s ({result.runs_per_second:.0f} runs/s); "
                      f"{result.n_done_before} were already done; results in [bold]{folder}[/]")
        if report:
            from sim.sweeps.report import render_report  # noqa: PLC0415

            console.print(f"report: [bold]{render_report(folder)}[/]")


def report(
    directory: Path = typer.Argument(..., help="A sweep directory (finished or partial)."),
    out: Path | None = typer.Option(None, "--out", "-o", help="Report folder (default DIRECTORY/report)."),
) -> None:
    """Render a Markdown report with tables and PNG plots for the sweep in DIRECTORY."""
    from sim.sweeps.report import render_report  # noqa: PLC0415

    with reported_errors():
        console.print(f"report: [bold]{render_report(directory, out)}[/]")
