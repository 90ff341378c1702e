"""Scenario discovery: which region of parameter space leads to an outcome such as a base's withdrawal.

A shallow CART regression tree (scikit-learn's ``DecisionTreeRegressor``) is fitted to the per-point
probability of the target; each leaf is an axis-aligned box, reported PRIM-style with its density (target
probability inside the box), coverage (share of all target cases that fall inside) and support (share of
points inside). Reference: Bryant & Lempert (2010), Technological Forecasting & Social Change 77(1).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sim.sweeps.analysis import open_sweep, point_results
from sim.sweeps.evaluators import ARM_COLUMN
from sim.sweeps.outputs import parse_output


@dataclass
class Discovery:
    """Boxes (one per tree leaf) sorted by density, the tree as text and the target definition."""

    target: str
    boxes: pd.DataFrame
    rules: str
    base_rate: float
    features: tuple[str, ...] = ()  # the columns the tree split on (parameters, and ``arm`` in a comparison)

    @property
    def best(self) -> pd.Series | None:
        return None if self.boxes.empty else self.boxes.iloc[0]


def default_target(columns: list[str]) -> str | None:
    """``category.tartus == withdrawal`` (or the first category column) when the runs have categories."""
    cats = [c for c in columns if c.startswith("category.")]
    if not cats:
        return None
    col = "category.tartus" if "category.tartus" in cats else cats[0]
    return f"{col} == withdrawal"


def discover(X: pd.DataFrame, p: np.ndarray, target: str = "target", max_depth: int = 3,
             min_leaf: float = 0.05, seed: int = 0) -> Discovery:
    """Fit the tree on parameters ``X`` (one row per point) and target probabilities ``p``."""
    from sklearn.tree import DecisionTreeRegressor, export_text  # optional dependency

    n = len(X)
    tree = DecisionTreeRegressor(max_depth=max_depth, min_samples_leaf=max(2, int(min_leaf * n)),
                                 random_state=seed).fit(X.to_numpy(float), p)
    t = tree.tree_
    names = list(X.columns)
    leaves = tree.apply(X.to_numpy(float))
    total = float(p.sum()) or 1.0
    rows = []

    def walk(node: int, box: dict[str, list[float]]) -> None:
        if t.children_left[node] == -1:
            inside = leaves == node
            row = {"leaf": node, "density": float(p[inside].mean()), "coverage": float(p[inside].sum() / total),
                   "support": float(inside.mean()), "points": int(inside.sum())}
            desc = [f"{lo:.3g} <= {k} <= {hi:.3g}" if np.isfinite(lo) and np.isfinite(hi)
                    else (f"{k} <= {hi:.3g}" if np.isfinite(hi) else f"{k} > {lo:.3g}")
                    for k, (lo, hi) in box.items()]
            row["box"] = " and ".join(desc) or "(everywhere)"
            for k, (lo, hi) in box.items():
                row[f"{k}.low"], row[f"{k}.high"] = lo, hi
            rows.append(row)
            return
        k, thr = names[t.feature[node]], float(t.threshold[node])
        lo, hi = box.get(k, [-np.inf, np.inf])
        walk(t.children_left[node], {**box, k: [lo, min(hi, thr)]})
        walk(t.children_right[node], {**box, k: [max(lo, thr), hi]})

    walk(0, {})
    boxes = pd.DataFrame(rows).sort_values(["density", "coverage"], ascending=False, ignore_index=True)
    return Discovery(target, boxes, export_text(tree, feature_names=names, decimals=3), float(p.mean()),
                     tuple(names))


def discover_sweep(directory: str | Path, target: str | None = None, **kwargs) -> Discovery | None:
    """Scenario discovery on a sweep directory; ``target`` like ``category.tartus == withdrawal``."""

    store, spec = open_sweep(directory)
    if not store.has_parts(store.generation):
        return None
    target = target or spec.discovery
    if target is None:
        cols = [c[0] for c in store.sql("DESCRIBE runs").fetchall()]
        target = default_target(cols)
    if target is None:
        return None
    out = parse_output(f"P({target})")
    pts = point_results(store, [out]).dropna(subset=[out.name])
    if len(pts) < 10:
        return None
    features = [*spec.names, ARM_COLUMN] if spec.arm_list else spec.names  # the mechanism/scenario is a factor
    return discover(pts[features], pts[out.name].to_numpy(float), target=target, seed=spec.seed, **kwargs)
