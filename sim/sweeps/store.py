"""The result store: immutable Parquet part files plus a JSON manifest, queried with DuckDB.

Layout of a sweep directory::

    manifest.json                       scenario hash, sweep hash, package version, seed rule, generations
    design-g00.parquet                  the design points (point index + one column per parameter)
    parts/part-g00-000000123-<uid>.parquet   one file per finished chunk (written as .tmp-*, then renamed)

Only the driver process writes (workers return Arrow tables), each part appears atomically, and "which runs
are done" is read back from the parts themselves, so a sweep killed at any instant resumes without losing or
repeating a finished run. DuckDB reads the parts lazily: nothing holds all rows in memory.
"""

from __future__ import annotations

import json
import os
import shutil
import time
import uuid
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sim.errors import SimError, SimWarning
from sim.experiments.manifest import package_version

from .integrity import LOCK_NAME, DamagedManifest, read_manifest, sound_parts

FORMAT = 1
SEED_RULE = "SeedSequence(seed, spawn_key=(point, rep)).generate_state(1, uint64)[0] >> 1"


class StoreMismatchError(SimError):
    """An output directory holds results of a different scenario or sweep."""


def _atomic_write_text(path: Path, text: str) -> None:
    tmp = path.with_name(f".tmp-{uuid.uuid4().hex}-{path.name}")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


@dataclass
class SweepStore:
    """A sweep directory opened for one generation (a generation = one scenario+sweep identity)."""

    root: Path
    generation: int
    manifest: dict[str, Any]
    _sound: dict[int, list[Path]] = field(default_factory=dict, repr=False)
    _con: Any = field(default=None, repr=False)  # one DuckDB connection with the views, while the parts stay the same
    _con_key: tuple = field(default=(), repr=False)
    _memo: dict[Any, Any] = field(default_factory=dict, repr=False)

    @property
    def parts(self) -> Path:
        return self.root / "parts"

    def design_path(self, generation: int | None = None) -> Path:
        return self.root / f"design-g{self.generation if generation is None else generation:02d}.parquet"

    def part_files(self, generation: int | None = None) -> list[Path]:
        """The sound part files of ``generation`` (default: this store's); damaged ones are left out."""
        g = self.generation if generation is None else generation
        if g not in self._sound:
            self._sound[g] = sound_parts(self.parts, f"part-g{g:02d}-*.parquet", repair=False)
        return self._sound[g]

    def has_parts(self, generation: int | None = None) -> bool:
        g = "" if generation is None else f"{generation:02d}"
        return any(self.parts.glob(f"part-g{g}*.parquet"))

    # -- writing -------------------------------------------------------------------------------------------
    def write_design(self, X: np.ndarray, names: list[str]) -> None:
        path = self.design_path()
        if path.exists():
            return
        df = pd.DataFrame(X, columns=names)
        df.insert(0, "point", np.arange(len(X), dtype=np.int64))
        tmp = path.with_name(f".tmp-{uuid.uuid4().hex}.parquet")
        df.to_parquet(tmp, index=False)
        os.replace(tmp, path)

    def write_part(self, table: pa.Table) -> Path:
        """Write one finished chunk atomically (temporary name, flush, rename)."""
        first = int(table.column("run_id")[0].as_py())
        final = self.parts / f"part-g{self.generation:02d}-{first:09d}-{uuid.uuid4().hex[:8]}.parquet"
        tmp = self.parts / f".tmp-{uuid.uuid4().hex}.parquet"
        with open(tmp, "wb") as fh:
            pq.write_table(table, fh, compression="zstd")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, final)
        self._sound.get(self.generation, []).append(final)
        return final

    # -- reading -------------------------------------------------------------------------------------------
    def sql(self, query: str) -> duckdb.DuckDBPyConnection:
        """Execute ``query`` where ``runs`` names this generation's rows (one per run id, whatever duplicates the
        part files hold) and ``design`` its points; fetch with ``.df()``, ``.fetchnumpy()`` or ``.fetchall()``.

        File names reach DuckDB as Python values, never spliced into SQL text (a quote in a path is harmless).
        The connection and its views are kept while the part files stay the same (a report runs dozens of
        queries; binding the views and reading every footer each time cost more than the queries).
        """
        return self._connection().execute(query)

    def _connection(self) -> duckdb.DuckDBPyConnection:
        """The cached connection, made afresh (and the memo dropped) when the design or the part files changed."""
        key = (self.design_path().exists(), tuple(self.part_files()))
        if self._con is None or key != self._con_key:
            self.close()
            self._con, self._con_key = self._connect(), key
        return self._con

    def memo(self, key: Any, compute: Any) -> Any:
        """``compute()``, kept until the part files change (per-point aggregates asked for by several sections)."""
        self._connection()  # drops the memo if the parts changed
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def close(self) -> None:
        """Drop the cached connection (and its DuckDB threads), e.g. before forking worker processes."""
        if self._con is not None:
            self._con.close()
        self._con, self._con_key, self._memo = None, (), {}

    def _connect(self) -> duckdb.DuckDBPyConnection:
        con = duckdb.connect()
        if self.design_path().exists():
            con.read_parquet(str(self.design_path())).create_view("design")
        files = [str(p) for p in self.part_files()]
        if files:
            con.read_parquet(files, union_by_name=True, filename=True).create_view("run_rows")
            con.execute("CREATE VIEW runs AS SELECT * EXCLUDE (filename, _copy) FROM (SELECT *, row_number() "
                        "OVER (PARTITION BY run_id ORDER BY filename) AS _copy FROM run_rows) WHERE _copy = 1"
                        if _may_overlap(self.part_files()) else
                        "CREATE VIEW runs AS SELECT * EXCLUDE (filename) FROM run_rows")
        else:
            con.execute("CREATE VIEW runs AS SELECT NULL::BIGINT AS run_id, NULL::BIGINT AS point WHERE false")
        return con

    def done_run_ids(self) -> np.ndarray:
        """Run ids already on disk for this generation (sorted)."""
        if not self.part_files():
            return np.empty(0, dtype=np.int64)
        return self.sql("SELECT run_id FROM runs ORDER BY run_id").fetchnumpy()["run_id"].astype(np.int64)

    def n_done(self) -> int:
        return int(self.sql("SELECT count(*) FROM runs").fetchone()[0])

    def design(self) -> pd.DataFrame:
        return self.memo("design", lambda: pd.read_parquet(self.design_path())).copy()


def _may_overlap(files: list[Path]) -> bool:
    """Whether two part files could hold the same run id, judged from their footers' run_id min/max (cheap):
    without overlapping ranges no run can appear twice, and the runs view can skip de-duplication."""
    ranges = []
    for path in files:
        meta = pq.read_metadata(path)
        col = meta.schema.names.index("run_id")
        for g in range(meta.num_row_groups):
            stats = meta.row_group(g).column(col).statistics
            if stats is None or not stats.has_min_max:
                return True
            ranges.append((stats.min, stats.max))
    ranges.sort()
    return any(b[0] <= a[1] for a, b in zip(ranges, ranges[1:], strict=False))


def _seed_rule(spec: Any, n_points: int) -> str:
    """The seed rule as stored; with mechanism arms every arm reuses the seeds of its design point."""
    return SEED_RULE if spec.arms == 1 else SEED_RULE.replace("(point,", f"(point % {n_points // spec.arms},")


def _manifest_for(spec: Any, scenario_hash: str, n_points: int) -> dict[str, Any]:
    return {"sweep_hash": spec.hash, "scenario_hash": scenario_hash, "version": package_version(),
            "name": spec.name, "source": spec.source, "scenario": spec.scenario, "sweep": spec.identity(),
            "outputs": [o.text for o in spec.outputs], "discovery": spec.discovery, "n_points": n_points,
            "replications": spec.replications, "n_runs": n_points * spec.replications, "seed": spec.seed,
            "seed_rule": _seed_rule(spec, n_points), "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}


def open_store(root: str | Path, spec: Any, scenario_hash: str, n_points: int, *,
               force_new: bool = False, allow_mixed: bool = False, design: np.ndarray | None = None) -> SweepStore:
    """Create or resume the sweep directory ``root`` for ``spec`` (the caller holds its :func:`folder_lock`).

    If it holds results of another scenario or sweep: refuse (:class:`StoreMismatchError`), or with
    ``force_new`` move the old directory aside to ``ROOT.superseded-<time>``, or with ``allow_mixed`` add a
    new generation next to the old one (analyses read the newest generation). A damaged ``manifest.json`` is
    rebuilt when ``design`` equals the stored first-generation design (else refused); damaged part files are
    moved to ``ROOT/damaged/`` and their runs run again.
    """
    root = Path(root)
    path = root / "manifest.json"
    gen_info = _manifest_for(spec, scenario_hash, n_points)
    if path.exists():
        try:
            manifest = read_manifest(root)
        except DamagedManifest as exc:
            manifest = _rebuilt(root, exc, gen_info, design)
        current = manifest["generations"][-1]
        same = (current["sweep_hash"], current["scenario_hash"]) == (spec.hash, scenario_hash)
        if same:
            store = SweepStore(root, len(manifest["generations"]) - 1, manifest)
            for tmp in store.parts.glob(".tmp-*"):
                tmp.unlink(missing_ok=True)  # debris of a write interrupted by a kill
            sound_parts(store.parts, f"part-g{store.generation:02d}-*.parquet", repair=True)
            return store
        what = "sweep" if current["sweep_hash"] != spec.hash else "scenario"
        if force_new:
            aside = root.with_name(f"{root.name}.superseded-{time.strftime('%Y%m%dT%H%M%S')}")
            shutil.move(str(root), aside)
        elif allow_mixed:
            manifest["generations"].append(gen_info)
            manifest.update({k: v for k, v in gen_info.items() if k != "created"})
            _atomic_write_text(path, json.dumps(manifest, indent=2, default=str))
            return SweepStore(root, len(manifest["generations"]) - 1, manifest)
        else:
            raise StoreMismatchError(
                f"{root} holds results of a different {what} (stored {what} hash "
                f"{current[what + '_hash']}, now {spec.hash if what == 'sweep' else scenario_hash}); "
                "use another --out, --force-new to move the old results aside, or --allow-mixed to add a new "
                "generation beside them")
    elif root.is_dir() and any(p.name not in (LOCK_NAME, "parts") for p in root.iterdir()):
        raise StoreMismatchError(f"{root} is not empty and holds no sweep (no manifest.json); give another --out")
    (root / "parts").mkdir(parents=True, exist_ok=True)
    manifest = {"format": FORMAT, **gen_info, "generations": [gen_info]}
    _atomic_write_text(path, json.dumps(manifest, indent=2, default=str))
    return SweepStore(root, 0, manifest)


def _rebuilt(root: Path, damage: DamagedManifest, gen_info: dict[str, Any], design: np.ndarray | None) -> dict:
    """A new manifest for a directory whose manifest is damaged, when its only design is this sweep's design."""
    stored = sorted(root.glob("design-g*.parquet"))
    same = False
    if design is not None and [p.name for p in stored] == ["design-g00.parquet"]:
        try:
            old = pd.read_parquet(stored[0]).drop(columns="point").to_numpy(float)
            same = old.shape == design.shape and bool(np.array_equal(old, design, equal_nan=True))
        except Exception:  # a damaged design file is no evidence either way
            same = False
    if not same:
        raise StoreMismatchError(f"{damage}; the stored design does not show it is this sweep, so it cannot be "
                                 "rebuilt: use --force-new to move the folder aside, or another --out") from None
    warnings.warn(f"{damage}; rebuilt it from the sweep file (design-g00.parquet matches this sweep; the scenario "
                  "is assumed unchanged)", SimWarning, stacklevel=3)
    manifest = {"format": FORMAT, **gen_info, "generations": [gen_info]}
    _atomic_write_text(root / "manifest.json", json.dumps(manifest, indent=2, default=str))
    return manifest


def read_store(root: str | Path) -> SweepStore:
    """Open an existing sweep directory (newest generation) for reading; damaged parts are left out."""
    root = Path(root)
    manifest = read_manifest(root)
    return SweepStore(root, len(manifest["generations"]) - 1, manifest)
