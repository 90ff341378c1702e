"""``sim explore``: a browser explorer of SCENARIO for researchers (Solara, 127.0.0.1 by default).

Sliders for any parameter path, the mechanism and its options, the number of replications; the live outcome
distribution, the per-round view and the paired difference against the unmodified scenario (same seeds); a button
that writes the settings as a scenario file that ``extends:`` the original. See docs/explore.md.
"""

from __future__ import annotations

from pathlib import Path

import typer


def explore(
    scenario: Path = typer.Argument(..., help="Scenario YAML file."),
    host: str = typer.Option("127.0.0.1", help="Address to listen on (127.0.0.1: this machine only)."),
    port: int = typer.Option(8766, help="Port to listen on."),
    n: int = typer.Option(100, "--n", "-n", min=2, help="Replications of each arm (changeable on the page)."),
    seed: int = typer.Option(0, help="Master seed shared by the original and the explored scenario."),
    out: Path | None = typer.Option(None, help="Default file the page writes "
                                               "(default: explored/<scenario>_explored.yaml)."),
    show: str | None = typer.Option(None, help="Parameter paths with a slider at start, comma-separated "
                                               "(default: the veto players' positions and bottom lines on the "
                                               "base issues and their outside options)."),
) -> None:
    """Explore SCENARIO in the browser: move parameters, compare with the original, save as a scenario file."""
    from sim.cli.console import console, esc, reported_errors
    from sim.explore import host as explore_host
    from sim.explore.state import Explorer

    with reported_errors():
        explorer = Explorer(scenario, n=n, seed=seed)
        for path in [p.strip() for p in (show or "").split(",") if p.strip()]:
            explorer.show(path)
        explore_host.start(explorer, out)
    console.print(f"[bold]Exploring[/] {esc(explorer.scenario.title)} · {n} replications per arm · seed {seed}")
    if host not in ("127.0.0.1", "localhost", "::1"):
        console.print(f"[yellow]listening on {esc(host)}: anyone who can reach this address can run the model[/]")
    console.print(esc(f"open http://{host}:{port}/ in your browser (Ctrl-C stops the server)"))
    serve(host, port)


def serve(host: str, port: int) -> None:
    """Run the Solara server for :mod:`sim.explore.app` in this process (blocks until stopped)."""
    from solara.__main__ import cli as solara_cli

    solara_cli.main(args=["run", "sim.explore.app", "--host", host, "--port", str(port), "--production",
                           "--no-open", "--log-level", "warning", "--no-check-version"],
                    standalone_mode=False)


if __name__ == "__main__":
    typer.run(explore)
