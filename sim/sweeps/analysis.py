"""Sensitivity analysis of a sweep directory: per-point outputs, design indices, the seed's share of variance.

Everything is computed by DuckDB over the Parquet parts (per-point aggregates only reach pandas), so it works
on sweeps of any size, finished or partial. Index estimation is delegated to the design modules (SALib).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sim.core.intervals import Z95, wilson_interval
from sim.sweeps import designs
from sim.sweeps.evaluators import ARM_COLUMN
from sim.sweeps.outputs import Output
from sim.sweeps.spec import SweepSpec, spec_from_manifest
from sim.sweeps.store import SweepStore, read_store


def open_sweep(directory: str | Path | SweepStore) -> tuple[SweepStore, SweepSpec]:
    """The store and the spec of a sweep directory (or an open store)."""
    store = directory if isinstance(directory, SweepStore) else read_store(directory)
    return store, spec_from_manifest(store.manifest)


def load_results(directory: str | Path, columns: list[str] | None = None) -> pd.DataFrame:
    """One row per finished run (newest generation) with the design point's parameters, by run id."""
    store, _ = open_sweep(directory)
    if not store.has_parts(store.generation):
        return pd.DataFrame()
    cols = "r.*" if not columns else ", ".join(f'r."{c}"' for c in ["run_id", "point", "rep", *columns])
    return store.sql(f"SELECT {cols}, d.* EXCLUDE (point) FROM runs r JOIN design d USING (point) "
                     "ORDER BY run_id").df()


def _agg(store: SweepStore, outputs: list[Output]) -> pd.DataFrame:
    sel = ", ".join(f'AVG({o.sql()}) AS "{o.name}", VAR_POP({o.sql()}) AS "{o.name}__var"' for o in outputs)
    query = f"SELECT point, COUNT(*) AS n, {sel} FROM runs GROUP BY point ORDER BY point"
    return store.memo(query, lambda: store.sql(query).df()).copy()  # several report sections ask for the same


def point_results(directory: str | Path, outputs: list[Output] | None = None) -> pd.DataFrame:
    """Per design point: parameters, replications done (``n``), each output's mean and within-point variance;
    in a comparison also the point's ``arm`` and its label (column ``mechanism`` or ``scenario``)."""
    store, spec = open_sweep(directory)
    outputs = list(outputs or spec.outputs)
    design = store.design()
    if spec.arm_list:
        design[spec.arm_factor] = [spec.arm_labels[int(a)] for a in design[ARM_COLUMN]]
    if not store.has_parts(store.generation):
        return design.assign(n=0)
    return design.merge(_agg(store, outputs), on="point", how="left").fillna({"n": 0})


def seed_share(directory: str | Path | SweepStore) -> pd.DataFrame:
    """How much of each output's run-to-run variance is the seed (replication noise), not the parameters.

    ``seed_share_runs`` = mean within-point variance / total variance of per-run values; ``noise_in_means`` =
    (within-point variance / replications) / variance of the point means, i.e. how much noise is left in the
    per-point means that the indices are computed from (it inflates total-order indices).
    """
    store, spec = open_sweep(directory)
    if not spec.outputs or not store.has_parts(store.generation):
        return pd.DataFrame()
    per_point = _agg(store, spec.outputs)  # one scan for the per-point moments, one for the totals, all outputs
    totals = store.sql("SELECT " + ", ".join(f"VAR_POP({o.sql()})" for o in spec.outputs) + " FROM runs").fetchone()
    rows = []
    for o, total in zip(spec.outputs, totals, strict=True):
        v, m = per_point[f"{o.name}__var"].dropna(), per_point[o.name].dropna()
        within = float(v.mean()) if len(v) else None
        between = float(m.var(ddof=0)) if len(m) else None
        r = spec.replications
        share = within / total if r > 1 and total else np.nan
        noise = (within / r) / between if r > 1 and between else np.nan
        rows.append({"output": o.text, "total_variance": total, "within_point_variance": within,
                     "seed_share_runs": share, "noise_in_means": noise, "replications": r})
    return pd.DataFrame(rows)


@dataclass
class SweepAnalysis:
    """The result of :func:`analyze`: index tables per output plus bookkeeping."""

    design: str
    indices: dict[str, pd.DataFrame] = field(default_factory=dict)  # key: output, or "output [mechanism]"
    seed_share: pd.DataFrame = field(default_factory=pd.DataFrame)
    mechanisms: pd.DataFrame = field(default_factory=pd.DataFrame)  # compare_mechanisms() of a comparison
    points_complete: int = 0
    points_total: int = 0
    runs_done: int = 0
    runs_total: int = 0

    @property
    def complete(self) -> bool:
        return self.runs_done >= self.runs_total


def analyze(directory: str | Path) -> SweepAnalysis:
    """Design-appropriate indices for every output: OAT tornado, grid main effects, LHS RBD-FAST S1,
    Sobol S1/ST with intervals, Morris mu*/sigma; only points with all replications done are used.

    In a mechanism comparison the indices are estimated per mechanism (keys ``"output [label]"``) and
    :func:`compare_mechanisms` fills ``mechanisms``.
    """
    store, spec = open_sweep(directory)
    pts = point_results(store)
    full = (pts["n"] >= spec.replications).to_numpy()
    out = SweepAnalysis(spec.design, points_complete=int(full.sum()), points_total=len(pts),
                        runs_done=int(pts["n"].sum()), runs_total=len(pts) * spec.replications)
    if not full.any():
        return out
    module = designs.get(spec.design)
    if spec.arm_list:
        arms = [(label, pts[ARM_COLUMN].to_numpy() == k) for k, label in enumerate(spec.arm_labels)]
    else:
        arms = [(None, np.ones(len(pts), dtype=bool))]
    for label, rows in arms:
        X = pts.loc[rows, spec.names].to_numpy(float)
        for o in spec.outputs:
            Y = np.where(full[rows], pts.loc[rows, o.name].to_numpy(float), np.nan)
            out.indices[o.text if label is None else f"{o.text} [{label}]"] = module.analyze(spec, X, Y)
    out.seed_share = seed_share(store)
    out.mechanisms = compare_mechanisms(store)
    return out


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _normal_interval(mean: float, sd: float | None, n: int) -> tuple[float, float]:
    half = Z95 * sd / np.sqrt(n) if n > 1 and sd is not None else np.nan
    return mean - half, mean + half


def compare_mechanisms(directory: str | Path | SweepStore) -> pd.DataFrame:
    """Each output under each arm of a comparison sweep (each mechanism of ``mechanisms:`` or scenario of
    ``scenarios:``; the label column is named after the factor), with 95% intervals (Wilson for ``P(...)``,
    normal otherwise), and the difference from the first arm paired by design point and seed (every arm runs
    the same points with the same seeds, so the paired interval excludes seed noise)."""
    store, spec = open_sweep(directory)
    if not spec.arm_list or not store.has_parts(store.generation):
        return pd.DataFrame()
    factor = f'"{spec.arm_factor}"'

    per_arm = int(store.manifest["n_points"]) // spec.arms
    first = spec.arm_labels[0]
    rows = []
    for o in spec.outputs:
        e = o.sql()
        level = store.sql(f"SELECT {factor}, COUNT({e}), AVG({e}), STDDEV_SAMP({e}) FROM runs "
                          f"GROUP BY {factor}").fetchall()
        paired = store.sql(
            f"WITH v AS (SELECT point % {per_arm} AS base, rep, {factor} AS arm_label, {e} AS y FROM runs) "
            "SELECT b.arm_label, COUNT(*), AVG(b.y - a.y), STDDEV_SAMP(b.y - a.y) FROM v a JOIN v b "
            f"USING (base, rep) WHERE a.arm_label = {_quoted(first)} AND b.arm_label <> {_quoted(first)} "
            "AND a.y IS NOT NULL AND b.y IS NOT NULL GROUP BY b.arm_label").fetchall()
        stats = {m: (n, mean, sd) for m, n, mean, sd in level}
        diffs = {m: (n, d, sd) for m, n, d, sd in paired}
        for label in spec.arm_labels:
            n, mean, sd = stats.get(label, (0, np.nan, None))
            low, high = wilson_interval(round(mean * n), n) if o.fn == "P" and n else _normal_interval(mean, sd, n)
            if label == first:
                d, d_low, d_high = 0.0, 0.0, 0.0
            else:
                dn, d, dsd = diffs.get(label, (0, np.nan, None))
                d_low, d_high = _normal_interval(d, dsd, dn)
            rows.append({"output": o.text, spec.arm_factor: label, "runs": int(n), "value": mean, "low": low,
                         "high": high, f"minus {first}": d, "diff_low": d_low, "diff_high": d_high})
    return pd.DataFrame(rows)


def heatmap_table(directory: str | Path, output: str, x: str, y: str, bins: int = 8,
                  mechanism: str | None = None) -> pd.DataFrame:
    """Mean of ``output`` over a 2-parameter plane (exact levels for grids, quantile bins otherwise); in a
    comparison for one arm ``mechanism`` (a mechanism's or a scenario's label; default: the first)."""
    store, spec = open_sweep(directory)
    o = next((o for o in spec.outputs if o.text == output), None) or spec.outputs[0]
    pts = point_results(store, [o]).dropna(subset=[o.name])
    if spec.arm_list:
        pts = pts[pts[spec.arm_factor] == (mechanism or spec.arm_labels[0])]
    if pts.empty:
        return pd.DataFrame()
    frame = pts[[x, y, o.name]].copy()
    for c in (x, y):
        if frame[c].nunique() > bins:
            frame[c] = pd.qcut(frame[c], bins, duplicates="drop").apply(lambda iv: round(iv.mid, 3))
    table = frame.pivot_table(index=y, columns=x, values=o.name, aggfunc="mean", observed=True)
    table.attrs["output"] = o.text
    return table.sort_index(ascending=False)
