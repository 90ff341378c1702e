"""The explorer page (Solara): sliders and choices on the left, the live comparison with the original on the right.

Serve it with ``sim explore SCENARIO``. The page only reads and sets :class:`sim.explore.state.Explorer`; every
change starts a background computation, and the hub re-renders each tab when progress or a result arrives.
"""

from __future__ import annotations

from typing import Any

import reacton.ipyvuetify as rv
import solara

from sim.errors import SimError
from sim.explore import host
from sim.explore.charts import difference_figure, distribution_figure, months_figure
from sim.explore.child import show_value
from sim.explore.results import Comparison
from sim.explore.sliders import issue_name
from sim.explore.state import Explorer
from sim.mechanisms.registry import available

version = solara.reactive(0)  # one per tab: bumped by the hub after any change, progress or result


def _md(text: str, classes: list[str] | None = None) -> None:
    """Markdown rendered on the server (escaped: scenario text is shown as text, never as markup)."""
    import markdown

    safe = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    solara.HTML(tag="div", unsafe_innerHTML=markdown.markdown(safe, extensions=["tables"]), classes=classes or [])


def _changed(explorer: Explorer, action: Any, *args: Any) -> None:
    action(*args)
    explorer.submit()
    version.set(version.value + 1)


@solara.component
def ParameterSlider(explorer: Explorer, path: str, changes: int) -> None:
    slider = explorer.sliders[path]
    value = explorer.value(path)
    with solara.Column(gap="0px", classes=["explore-slider"], style={"margin-bottom": "0.4em"}):
        solara.Text(slider.label, style={"font-weight": "500"})
        solara.SliderFloat("", value=value, min=slider.low, max=slider.high, step=slider.step,
                           on_value=lambda v: _changed(explorer, explorer.set_value, path, v))
        with solara.Row(justify="space-between", style={"align-items": "center"}):
            now = "unchanged" if path not in explorer.values else \
                f"at {value:g}: {show_value(slider.scenario_value(value))}"
            solara.Text(f"{path} · scenario {show_value(slider.value)} · {now}",
                        style={"font-size": "0.75em", "color": "#555"})
            solara.Button(icon_name="mdi-close", text=True, small=True,
                          on_click=lambda: _changed(explorer, explorer.hide, path))


@solara.component
def Controls(explorer: Explorer, changes: int) -> None:
    message, set_message = solara.use_state(("", ""))
    out, set_out = solara.use_state(str(host.out_path()))

    def write() -> None:
        try:
            written = explorer.write(out)
        except (SimError, OSError) as exc:
            set_message(("error", str(exc)))
            return
        set_message(("ok", f"Wrote {written}: it extends the original and validates (`sim validate {written}`)."))

    solara.InputInt("Replications (the original and the explored scenario each)", value=explorer.n,
                    on_value=lambda n: _changed(explorer, explorer.set_replications, max(2, n or 2)))
    solara.Select("Mechanism", values=list(available()), value=explorer.mechanism_name,
                  on_value=lambda name: _changed(explorer, explorer.set_mechanism, name))
    for name, choices in explorer.option_choices().items():
        labels = [str(c) for c in choices]
        solara.Text(f"{explorer.mechanism_name} setting: {name}", style={"font-size": "0.8em", "color": "#555"})
        solara.ToggleButtonsSingle(value=str(explorer.option(name)), values=labels,
                                   on_value=lambda v, n=name, c=choices, lab=labels: _changed(
                                       explorer, explorer.set_option, n, c[lab.index(v)]))
    solara.Markdown("#### Parameters")
    for path in list(explorer.shown):
        ParameterSlider(explorer, path, changes)
    picker = {f"{explorer.sliders[p].label} ({p})": p for p in explorer.pickable() if p not in explorer.shown}
    rv.Autocomplete(label="Add a parameter (type to search)", items=list(picker), v_model=None, clearable=True,
                    on_v_model=lambda key: _changed(explorer, explorer.show, picker[key]) if key in picker else None,
                    class_="explore-picker")
    with solara.Row():
        solara.Button("Reset to the original", on_click=lambda: _changed(explorer, explorer.reset), text=True)
    solara.Markdown("#### Save")
    solara.InputText("Scenario file to write", value=out, on_value=set_out, continuous_update=True)
    solara.Button("Write scenario file", on_click=write, color="primary", classes=["explore-write"])
    kind, text = message
    if text:
        (solara.Error if kind == "error" else solara.Success)(text, classes=["explore-write-message"])


@solara.component
def Status(explorer: Explorer, changes: int) -> None:
    status = explorer.status
    if status.error:
        solara.Error(f"The last computation failed: {status.error}", classes=["explore-status"])
        return
    if explorer.stale:
        share = 100 * status.done / status.total if status.total else 0
        solara.ProgressLinear(share)
        solara.Text(f"Computing: {status.done} of {status.total} runs", classes=["explore-status"])
        return
    changes_text = "; ".join(f"{p} = {show_value(explorer.sliders[p].scenario_value(v))}"
                             for p, v in explorer.values.items())
    if explorer.mechanism:
        changes_text += f"{'; ' if changes_text else ''}mechanism {explorer.mechanism}"
    if explorer.options:
        changes_text += f"{'; ' if changes_text else ''}" + "; ".join(f"{k} = {v}" for k, v in explorer.options.items())
    solara.Text(f"Up to date: {explorer.n} runs each, seed {explorer.seed}, settings #{status.generation}. "
                f"Changes: {changes_text or 'none'}", classes=["explore-status"])


@solara.component
def Results(result: Comparison, titles: dict[str, str], short: dict[str, str]) -> None:
    figures = solara.use_memo(lambda: (distribution_figure(result, titles), difference_figure(result, short),
                                       months_figure(result, short)), dependencies=[id(result)])
    distribution, difference, rounds = figures
    solara.Markdown("### State of each base at the end")
    solara.FigureMatplotlib(distribution, format="png")
    solara.Markdown("### Difference against the original (same seeds)")
    moved = result.difference[(result.difference["ci_low"] > 0) | (result.difference["ci_high"] < 0)]
    lines = [f"| {short.get(r.issue, 'Talks' if r.issue == '(all)' else r.issue)} | {r.label} | "
             f"{_signed(r.difference, r.outcome)} | {_signed(r.ci_low, r.outcome)} to {_signed(r.ci_high, r.outcome)} |"
             for r in moved.itertuples()]
    summary = ("Changes whose paired 95% interval excludes zero (shares in percentage points of runs):\n\n"
               "| issue | outcome | explored − original | 95% interval |\n|---|---|---|---|\n" + "\n".join(lines)
               if lines else "No difference whose 95% interval excludes zero.")
    with solara.Column(classes=["explore-difference"]):
        if result.explored is result.original:
            _md("No changes yet: move a slider, add a parameter or choose another mechanism.")
        else:
            _md(summary)
            solara.FigureMatplotlib(difference, format="png")
    solara.Markdown("### Month by month")
    solara.Text("Share of runs with a signed agreement, broken-down talks or talks still open at each month, and the "
                "mean physical presence at each base (0 withdrawal … 100 the 2017 terms); dashed: the original.",
                style={"font-size": "0.85em", "color": "#555"})
    solara.FigureMatplotlib(rounds, format="png")


@solara.component
def Page() -> None:
    def subscribe():  # use_effect cleanup
        return host.hub.subscribe("state", lambda: version.set(version.value + 1))

    solara.use_effect(subscribe, [])
    changes = version.value
    explorer = host.current()
    scenario = explorer.scenario
    titles = {i: issue.label for i, issue in scenario.issues.items()}
    short = {i: issue_name(i, scenario) for i in scenario.issues}
    solara.Title(f"Explore: {scenario.name}")
    with solara.Column(style={"padding": "1em"}):
        _md(f"## Explore: {scenario.title}\n\n*{scenario.question}*  \n`{explorer.path}` · mechanism "
            f"{scenario.mechanism.name} · {scenario.rounds} rounds")
        with solara.Columns([1, 2]):
            with solara.Column():
                Controls(explorer, changes)
            with solara.Column():
                Status(explorer, changes)
                if explorer.result is not None:
                    Results(explorer.result, titles, short)


def _signed(value: float, outcome: str) -> str:
    """Percentage points for a share, points on the 0-100 scale for a mean final value."""
    return f"{value:+.1f}" if outcome == "mean" else f"{100 * value:+.0f} pp"
