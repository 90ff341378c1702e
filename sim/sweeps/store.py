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
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sim.errors import SimError

FORMAT = 1
SEED_RULE = "SeedSequence(seed, spawn_key=(point, rep)).generate_state(1, uint64)[0] >> 1"


class StoreMismatchError(SimError):
    """An output directory holds results of a different scenario or sweep."""


def package_version() -> str:
    try:
        return metadata.version("syria-bases-sim")
    except metadata.PackageNotFoundError:
        return "0+unknown"


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

    @property
    def parts(self) -> Path:
        return self.root / "parts"

    def design_path(self, generation: int | None = None) -> Path:
        return self.root / f"design-g{self.generation if generation is None else generation:02d}.parquet"

    def _glob(self, generation: int | None) -> str:
        g = "*" if generation is None else f"{generation:02d}"
        return str(self.parts / f"part-g{g}-*.parquet")

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
        return final

    # -- reading -------------------------------------------------------------------------------------------
    def sql(self, query: str) -> duckdb.DuckDBPyConnection:
        """Execute ``query`` where ``runs`` names this generation's rows (a DuckDB view over the parts) and
        ``design`` its points; fetch with ``.df()``, ``.fetchnumpy()`` or ``.fetchall()``."""
        con = duckdb.connect()
        if self.design_path().exists():
            con.execute(f"CREATE VIEW design AS SELECT * FROM read_parquet('{self.design_path()}')")
        if self.has_parts(self.generation):
            con.execute(f"CREATE VIEW runs AS SELECT * FROM read_parquet('{self._glob(self.generation)}', "
                        "union_by_name=true)")
        else:
            con.execute("CREATE VIEW runs AS SELECT NULL::BIGINT AS run_id, NULL::BIGINT AS point WHERE false")
        return con.execute(query)

    def done_run_ids(self) -> np.ndarray:
        """Run ids already on disk for this generation (sorted)."""
        if not self.has_parts(self.generation):
            return np.empty(0, dtype=np.int64)
        return self.sql("SELECT run_id FROM runs ORDER BY run_id").fetchnumpy()["run_id"].astype(np.int64)

    def n_done(self) -> int:
        return int(self.sql("SELECT count(*) FROM runs").fetchone()[0])

    def design(self) -> pd.DataFrame:
        return pd.read_parquet(self.design_path())


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
               force_new: bool = False, allow_mixed: bool = False) -> SweepStore:
    """Create or resume the sweep directory ``root`` for ``spec``.

    If it holds results of another scenario or sweep: refuse (:class:`StoreMismatchError`), or with
    ``force_new`` move the old directory aside to ``ROOT.superseded-<time>``, or with ``allow_mixed`` add a
    new generation next to the old one (analyses read the newest generation).
    """
    root = Path(root)
    path = root / "manifest.json"
    gen_info = _manifest_for(spec, scenario_hash, n_points)
    if path.exists():
        manifest = json.loads(path.read_text())
        current = manifest["generations"][-1]
        same = (current["sweep_hash"], current["scenario_hash"]) == (spec.hash, scenario_hash)
        if same:
            store = SweepStore(root, len(manifest["generations"]) - 1, manifest)
            for tmp in store.parts.glob(".tmp-*"):
                tmp.unlink(missing_ok=True)  # debris of a write interrupted by a kill
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
    (root / "parts").mkdir(parents=True, exist_ok=True)
    manifest = {"format": FORMAT, **gen_info, "generations": [gen_info]}
    _atomic_write_text(path, json.dumps(manifest, indent=2, default=str))
    return SweepStore(root, 0, manifest)


def read_store(root: str | Path) -> SweepStore:
    """Open an existing sweep directory (newest generation) for reading."""
    root = Path(root)
    path = root / "manifest.json"
    if not path.exists():
        raise SimError(f"{root} is not a sweep directory (no manifest.json)")
    manifest = json.loads(path.read_text())
    return SweepStore(root, len(manifest["generations"]) - 1, manifest)
