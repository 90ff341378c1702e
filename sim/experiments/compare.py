"""Compare scenarios on common random numbers: every scenario runs the same replication seeds, and each one is
set against the first (the reference) with paired differences and 95% intervals.

Which outcomes are compared is read from the run tables, not listed here: every text column (a category per
base today; a state per base and month when the run tables carry them) becomes one proportion per value, every
true/false column one proportion, every other numeric column a mean. So new outcome columns need no change here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.core.categories import CATEGORIES
from sim.experiments.manifest import make_manifest, resolved_scenario
from sim.experiments.paired import paired_mean_difference, paired_proportion_difference
from sim.experiments.runner import run
from sim.experiments.tables_io import write_table
from sim.scenario.loader import load_scenario
from sim.scenario.schema import Scenario

IDENTIFIERS = ("replication",)
SKIPPED_PREFIXES = ("level.",)  # the numeric code of a category column: the category itself is compared
DIFFERENCE_COLUMNS = ["reference", "scenario", "outcome", "value", "kind", "reference_value", "scenario_value",
                      "difference", "ci_low", "ci_high", "pairs"]
Progress = Callable[[str, int, int], None]


@dataclass
class Comparison:
    """The result of :func:`compare`: per-run rows of every scenario and the paired differences."""

    scenarios: list[Scenario]
    replications: pd.DataFrame  # one row per scenario and replication; column ``scenario`` names it
    differences: pd.DataFrame  # DIFFERENCE_COLUMNS, one row per compared scenario, outcome and value
    manifest: dict[str, Any]

    @property
    def reference(self) -> str:
        return self.scenarios[0].name

    def category_differences(self) -> pd.DataFrame:
        """The differences in the share of runs per outcome category of each base issue (at the end of the run),
        plus agreement and the talks' status where the run tables have them."""
        frame = self.differences
        keep = frame["outcome"].str.fullmatch(r"category\.[^.]+") | frame["outcome"].isin(["agreed", "status"])
        return frame[keep & (frame["kind"] == "probability")].reset_index(drop=True)

    def significant(self) -> pd.DataFrame:
        """Rows whose 95% interval excludes zero."""
        frame = self.differences
        return frame[(frame["ci_low"] > 0) | (frame["ci_high"] < 0)].reset_index(drop=True)

    def save(self, out: str | Path, formats: tuple[str, ...] = ("parquet",)) -> Path:
        """Write ``replications`` (Parquet and ``formats``), ``differences.csv`` and ``manifest.json``."""
        import json

        out = Path(out)
        out.mkdir(parents=True, exist_ok=True)
        write_table(self.replications, out / "replications", tuple(dict.fromkeys(("parquet", *formats))))
        self.differences.to_csv(out / "differences.csv", index=False)
        if "xlsx" in formats:
            write_table(self.differences, out / "differences", ("xlsx",))
        (out / "manifest.json").write_text(json.dumps(self.manifest, indent=2, default=str) + "\n")
        return out


def compare(scenarios: Sequence[str | Path | Scenario], n: int = 1000, seed: int = 0, mechanism: str | None = None,
            workers: int = 1, out: str | Path | None = None, formats: tuple[str, ...] = ("parquet",),
            progress: Progress | None = None) -> Comparison:
    """Run every scenario with the same ``n`` replication seeds and compare each with the first.

    Replication ``r`` of every scenario uses ``SeedSequence(seed, spawn_key=(r,))``, the seeds ``sim run`` uses,
    so a scenario run alone reproduces its rows here.
    """
    if len(scenarios) < 2:
        raise ValueError("compare needs at least two scenarios (the first is the reference)")
    loaded = [s if isinstance(s, Scenario) else load_scenario(s) for s in scenarios]
    names = _unique_names(loaded)
    frames = []
    for name, scenario in zip(names, loaded, strict=True):
        def tick(done: int, total: int, name: str = name) -> None:
            if progress is not None:
                progress(name, done, total)

        result = run(scenario, n=n, seed=seed, mechanism=mechanism, trajectories=False, workers=workers,
                     progress=tick)
        frames.append(result.replications.assign(scenario=name))
    replications = pd.concat(frames, ignore_index=True)
    replications.insert(0, "scenario", replications.pop("scenario"))
    differences = paired_differences(replications, names)
    manifest = make_manifest(
        kind="compare", scenarios=names, scenario_paths=[s.path for s in loaded],
        scenario_hashes=[s.hash for s in loaded], seed=seed, replications=n,
        mechanism=mechanism or [s.mechanism.name for s in loaded],
        seed_scheme="common random numbers: replication r of every scenario uses "
                    "SeedSequence(entropy=seed, spawn_key=(r,))",
        resolved_scenarios={name: resolved_scenario(s) for name, s in zip(names, loaded, strict=True)})
    comparison = Comparison(loaded, replications, differences, manifest)
    if out is not None:
        comparison.save(out, formats)
    return comparison


def paired_differences(replications: pd.DataFrame, names: Sequence[str] | None = None) -> pd.DataFrame:
    """Paired differences of every outcome column between each scenario and the first, matched by replication."""
    names = list(names or replications["scenario"].unique())
    indexed = {name: part.set_index("replication").sort_index()
               for name, part in replications.groupby("scenario", sort=False)}
    reference = indexed[names[0]]
    rows = []
    for name in names[1:]:
        other = indexed[name]
        common = reference.index.intersection(other.index)
        ref, oth = reference.loc[common], other.loc[common]
        for column in outcome_columns(replications):
            rows.extend(_column_rows(names[0], name, column, ref[column], oth[column]))
    return pd.DataFrame(rows, columns=DIFFERENCE_COLUMNS)


def outcome_columns(frame: pd.DataFrame) -> list[str]:
    """The columns compared: everything but identifiers and the numeric codes of categories."""
    return [c for c in frame.columns
            if c not in (*IDENTIFIERS, "scenario") and not c.startswith(SKIPPED_PREFIXES)]


def _column_rows(reference: str, scenario: str, column: str, x: pd.Series, y: pd.Series) -> list[dict[str, Any]]:
    base = {"reference": reference, "scenario": scenario, "outcome": column}
    if pd.api.types.is_bool_dtype(x) and pd.api.types.is_bool_dtype(y):
        return [_proportion_row(base, "true", x.to_numpy(bool), y.to_numpy(bool))]
    if pd.api.types.is_numeric_dtype(x) and pd.api.types.is_numeric_dtype(y):
        xs, ys = x.to_numpy(float), y.to_numpy(float)
        diff, low, high, pairs = paired_mean_difference(xs, ys)
        both = ~np.isnan(xs) & ~np.isnan(ys)  # the means shown are over the same pairs as the difference
        return [{**base, "value": "mean", "kind": "mean",
                 "reference_value": float(xs[both].mean()) if pairs else np.nan,
                 "scenario_value": float(ys[both].mean()) if pairs else np.nan,
                 "difference": diff, "ci_low": low, "ci_high": high, "pairs": pairs}]
    values = list(CATEGORIES) if column.startswith("category.") else []  # every category, zeros included
    values += sorted({str(v) for v in set(x) | set(y) if pd.notna(v)} - set(values))
    return [_proportion_row(base, value, (x.astype(str) == value).to_numpy(), (y.astype(str) == value).to_numpy())
            for value in values]


def _proportion_row(base: dict[str, Any], value: str, x: np.ndarray, y: np.ndarray) -> dict[str, Any]:
    diff, low, high = paired_proportion_difference(x, y)
    return {**base, "value": value, "kind": "probability", "reference_value": float(x.mean()),
            "scenario_value": float(y.mean()), "difference": diff, "ci_low": low, "ci_high": high, "pairs": len(x)}


def _unique_names(scenarios: Sequence[Scenario]) -> list[str]:
    names: list[str] = []
    for scenario in scenarios:
        name, k = scenario.name, 2
        while name in names:
            name, k = f"{scenario.name}#{k}", k + 1
        names.append(name)
    return names


@dataclass(frozen=True)
class ChangeEffect:
    """Whether a scenario's change over the file it extends moves the base outcomes, on common seeds."""

    scenario: str
    parent: str
    moved: bool  # some category share (or the agreement rate) differs with a 95% interval excluding zero
    largest: str  # the largest such difference, described; or the largest difference inside noise
    pairs: int


def defining_change_effects(paths: Sequence[str | Path], n: int = 200, seed: int = 0,
                            mechanism: str | None = None) -> dict[str, ChangeEffect]:
    """For each scenario file that ``extends:`` another, compare it with its parent on ``n`` common seeds.

    Keyed by the file path as given; files that extend nothing are left out. Each parent runs once.
    """
    parents: dict[Path, pd.DataFrame] = {}
    effects = {}
    for path in paths:
        scenario = load_scenario(path)
        if scenario.extends is None:
            continue
        parent_path = (Path(path).parent / scenario.extends).resolve()
        if parent_path not in parents:
            parents[parent_path] = run(parent_path, n=n, seed=seed, mechanism=mechanism,
                                       trajectories=False).replications
        mine = run(scenario, n=n, seed=seed, mechanism=mechanism, trajectories=False).replications
        frame = pd.concat([parents[parent_path].assign(scenario="parent"), mine.assign(scenario="child")],
                          ignore_index=True)
        diffs = Comparison([scenario], frame, paired_differences(frame, ["parent", "child"]), {}
                           ).category_differences()
        moved = diffs[(diffs["ci_low"] > 0) | (diffs["ci_high"] < 0)]
        pool = moved if len(moved) else diffs
        top = pool.loc[pool["difference"].abs().idxmax()]
        what = "agreement" if top["outcome"] == "agreed" else \
            f"{top['outcome'].removeprefix('category.')} {top['value']}"
        effects[str(path)] = ChangeEffect(scenario.name, parent_path.stem, bool(len(moved)),
                                          f"{what} {100 * top['difference']:+.1f} pp "
                                          f"[{100 * top['ci_low']:+.1f}, {100 * top['ci_high']:+.1f}]", n)
    return effects
