"""Loader for the DEU data set (Decision-making in the European Union I-III).

Thomson, Arregui, Leuffen, Costello, Cross, Hertz, Jensen et al., *The European Union Decides* data sets,
doi:10.34810/data53 (CC BY 4.0). The copy read here is the tab-separated table ``deu3.csv``: one row per
controversial issue with positions ``p<actor>`` and saliences ``s<actor>`` (0-100) for 30 actors (Commission,
Parliament, member states), blank = actor not active on the issue; ``rp`` = reference point, ``out`` = adopted
outcome; the first data row (no issue id) holds a GDP-based capability proxy per actor, aligned with the ``p``
columns.

The project does not ship the data: it is read from ``../shared/data/deu3.csv`` beside the repository (or any
path given explicitly); :func:`default_path` finds it and :class:`DataMissing` says clearly when it is absent.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sim.errors import SimError

CITATION = ("Thomson et al., The European Union Decides (DEU I-III) data sets, doi:10.34810/data53, "
            "CC BY 4.0")
REPO_ROOT = Path(__file__).resolve().parents[2]
_META = {"prnrnmc", "prnr", "prname", "proc", "proccde"}


class DataMissing(SimError):
    """The DEU table is not where it was looked for."""


@dataclass(frozen=True)
class DEUIssue:
    """One scorable issue: the active actors only."""

    issue_id: str
    proposal: str
    proposal_id: str
    actors: tuple[str, ...]
    position: np.ndarray  # (N,) 0-100
    salience: np.ndarray  # (N,) 0-1
    capability: np.ndarray  # (N,) GDP-based proxy
    reference: float | None  # reference point (status quo) when recorded
    outcome: float  # adopted outcome, 0-100
    procedure: str = ""
    voting_rule: str = ""


def default_path() -> Path:
    """``../shared/data/deu3.csv`` relative to the repository root (or, for an installed package, to the
    working directory); the first that exists, else the repository-relative one."""
    candidates = [REPO_ROOT.parent / "shared" / "data" / "deu3.csv",
                  Path.cwd().parent / "shared" / "data" / "deu3.csv"]
    return next((c for c in candidates if c.is_file()), candidates[0])


def resolve_path(path: Path | str | None = None) -> Path:
    """The table to read; raises :class:`DataMissing` with a clear message when it does not exist."""
    target = Path(path) if path is not None else default_path()
    if not target.is_file():
        raise DataMissing(
            f"DEU data not found at {target}. Put deu3.csv there (see ../shared/data/README.md; "
            f"{CITATION}) or pass --data PATH.")
    return target


def _num(series: pd.Series) -> pd.Series:
    return pd.to_numeric(series, errors="coerce")


def load_deu(path: Path | str | None = None, *, min_actors: int = 2) -> list[DEUIssue]:
    """All issues with an outcome on 0-100 and at least ``min_actors`` active actors, in file order."""
    frame = pd.read_csv(resolve_path(path), sep="\t", dtype=str, keep_default_na=True)
    codes = [c[1:] for c in frame.columns if c.startswith("p") and c not in _META]
    missing = [c for c in codes if f"s{c}" not in frame.columns]
    if missing or "out" not in frame.columns:
        raise SimError(f"DEU table has an unexpected layout (missing columns for {missing or ['out']})")
    cap_row = frame[frame["isnr"].isna()].iloc[0]
    capability = _num(cap_row[[f"p{c}" for c in codes]]).to_numpy(dtype=float)
    rows = frame[frame["isnr"].notna()]
    pos = rows[[f"p{c}" for c in codes]].apply(_num).to_numpy(dtype=float)
    sal = rows[[f"s{c}" for c in codes]].apply(_num).to_numpy(dtype=float)
    out = _num(rows["out"]).to_numpy(dtype=float)
    ref = _num(rows["rp"]).to_numpy(dtype=float) if "rp" in rows else np.full(len(rows), np.nan)
    issues: list[DEUIssue] = []
    for k, (_, row) in enumerate(rows.iterrows()):
        active = ~np.isnan(pos[k]) & ~np.isnan(capability)
        if not (0.0 <= out[k] <= 100.0) or active.sum() < min_actors:
            continue
        sal_k = np.nan_to_num(sal[k][active], nan=0.0)
        issues.append(DEUIssue(
            issue_id=str(row["isnr"]), proposal=str(row.get("prname", "")),
            proposal_id=str(row.get("prnrnmc", row.get("prnr", ""))),
            actors=tuple(c for c, a in zip(codes, active, strict=True) if a),
            position=pos[k][active], salience=np.clip(sal_k / 100.0, 0.0, 1.0),
            capability=capability[active],
            reference=None if np.isnan(ref[k]) else float(ref[k]), outcome=float(out[k]),
            procedure=str(row.get("proc", "")), voting_rule=str(row.get("counvte", ""))))
    return issues
