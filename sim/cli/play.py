"""``sim play``: serve the classroom war game for SCENARIO in the browser (Solara, 127.0.0.1 by default).

Register in ``sim/cli/main.py`` with ``app.command()(play)``. Running it again with the same ``--log``
resumes the session from its log (same codes, same game), paused until the facilitator resumes the clock.
"""

from __future__ import annotations

import time
from pathlib import Path

import typer

PHASE_DEFAULTS = "10,3,2,2"


def _durations(minutes: str) -> dict[str, float]:
    from sim.classroom.errors import MoveError
    from sim.classroom.session import PHASES

    try:
        values = [float(m) * 60.0 for m in minutes.split(",")]
    except ValueError:
        raise MoveError(f"--minutes: expected four numbers like {PHASE_DEFAULTS}, got {minutes!r}") from None
    if len(values) != len(PHASES) or min(values) <= 0:
        raise MoveError(f"--minutes: give four positive durations (negotiate,submit,adjudicate,publish), "
                        f"got {minutes!r}")
    return dict(zip(PHASES, values, strict=True))


def play(
    scenario: Path = typer.Argument(..., help="Scenario YAML file."),
    host: str = typer.Option("127.0.0.1", help="Address to listen on (127.0.0.1: this machine only)."),
    port: int = typer.Option(8765, help="Port to listen on."),
    roles: str | None = typer.Option(None, help="Actor ids played by teams, comma-separated (default: all; "
                                                "teams that submit nothing are played by the model)."),
    seed: int = typer.Option(0, help="Master seed of the game and of the model-alone baseline."),
    log: Path | None = typer.Option(None, help="Session log (JSONL). An existing log is resumed "
                                               "(default: classroom/<scenario>-<time>.jsonl)."),
    rounds: int | None = typer.Option(None, min=1, help="Rounds the class plays; the model plays the rest "
                                                        "up to the scenario's deadline (default: all)."),
    minutes: str = typer.Option(PHASE_DEFAULTS, help="Minutes per phase: negotiate,submit,adjudicate,publish."),
    auto_advance: bool = typer.Option(False, help="Advance by itself when a phase's countdown runs out."),
    fallback: str = typer.Option("model", help="What a team that submits nothing does: 'model' or 'none'."),
    baseline: int = typer.Option(500, min=1, help="Model-alone runs for the debrief comparison."),
) -> None:
    """Serve the classroom war game for SCENARIO; prints the join codes."""
    from sim.classroom import server
    from sim.classroom.address import reachable_urls
    from sim.classroom.session import Settings
    from sim.cli.console import console, esc, reported_errors
    from sim.scenario import load_scenario

    with reported_errors():
        loaded = load_scenario(scenario)
        if fallback not in ("model", "none"):
            raise typer.BadParameter("--fallback must be 'model' or 'none'")
        log = log or Path("classroom") / f"{loaded.name}-{time.strftime('%Y%m%d-%H%M%S')}.jsonl"
        settings = Settings(durations=_durations(minutes), fallback=fallback, auto_advance=auto_advance,
                            class_rounds=rounds)
        team_roles = [r.strip() for r in roles.split(",") if r.strip()] if roles else None
        session, resumed = server.open_session(scenario, log, team_roles, seed, settings)
        urls = reachable_urls(host, port)
        server.start(session, baseline_n=baseline, urls=urls)
    codes = session.roster
    console.print(f"[bold]{'Resumed' if resumed else 'New'} session[/] {esc(loaded.title)} · log {esc(str(log))} · "
                  f"seed {session.seed}")
    console.print(f"facilitator code: [bold]{esc(codes.facilitator_code)}[/]")
    for actor_id, role in codes.roles.items():
        console.print(esc(f"  {actor_id:>5} {role.name:<28} {role.code or '(played by the model)'}"))
    console.print(esc("open " + " or ".join(urls) + " in each team's browser (keep the log and codes private)"))
    console.print(esc(f"projector view (no secrets): {urls[0]}projector · print code slips and briefs from the "
                      "console's Print-outs tab"))
    if session.phase == "lobby":
        console.print("the clock starts when you press 'Start the game' in the console")
    serve(host, port, urls)


class _StartLine:
    """Stands in for ``rich`` in Solara's CLI module: its start line names the listening address (``0.0.0.0``
    with ``--host 0.0.0.0``), which a browser cannot open; say where to open the app instead."""

    def __init__(self, urls: list[str]) -> None:
        import rich

        self._rich, self._urls = rich, urls

    def print(self, *args: object, **kwargs: object) -> None:
        if args and "server is starting at" in str(args[0]):
            from rich.markup import escape

            args = (escape("Serving the war game at " + " or ".join(self._urls)),)
        self._rich.print(*args, **kwargs)

    def __getattr__(self, name: str) -> object:
        return getattr(self._rich, name)


def serve(host: str, port: int, urls: list[str] | None = None) -> None:
    """Run the Solara server for :mod:`sim.classroom.app` in this process (blocks until stopped)."""
    import solara.__main__ as solara_main
    from solara.__main__ import cli as solara_cli

    if urls:
        solara_main.rich = _StartLine(urls)
    solara_cli.main(args=["run", "sim.classroom.app", "--host", host, "--port", str(port), "--production",
                           "--no-open", "--log-level", "warning", "--no-check-version"],
                     standalone_mode=False)


if __name__ == "__main__":
    typer.run(play)
