"""Writing result tables in the formats a replication needs: Parquet (always), CSV, Excel (with openpyxl)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import TYPE_CHECKING

from sim.errors import SimError

if TYPE_CHECKING:  # pandas is loaded where a table is written: parsing ``--format`` must not load it (``sim run``
    import pandas as pd  # starts its workers before the main process loads pandas)

TABLE_FORMATS = ("parquet", "csv", "xlsx")
EXCEL_MAX_ROWS = 1_048_575  # one header row below Excel's 1,048,576-row sheet


def parse_formats(text: str, allowed: tuple[str, ...] = TABLE_FORMATS, always: tuple[str, ...] = ()) -> tuple[str, ...]:
    """``"parquet,csv"`` -> ``("parquet", "csv")``; unknown names are a one-line error naming the choices."""
    names = [part.strip().lower().lstrip(".") for part in text.split(",") if part.strip()]
    bad = [name for name in names if name not in allowed]
    if bad:
        raise SimError(f"unknown format {', '.join(map(repr, bad))}; expected a comma-separated list of "
                       f"{', '.join(allowed)}")
    if "xlsx" in names and importlib.util.find_spec("openpyxl") is None:
        raise SimError("the xlsx format needs openpyxl: pip install 'syria-bases-sim[excel]' (or openpyxl)")
    return tuple(dict.fromkeys([*always, *names]))


def write_table(frame: pd.DataFrame, stem: Path, formats: tuple[str, ...] = ("parquet",)) -> list[Path]:
    """Write ``frame`` as ``stem.<format>`` for each format; return the paths written."""
    paths = []
    for fmt in formats:
        path = stem.with_name(f"{stem.name}.{fmt}")
        if fmt == "parquet":
            frame.to_parquet(path, index=False)
        elif fmt == "csv":
            frame.to_csv(path, index=False)
        elif fmt == "xlsx":
            if len(frame) > EXCEL_MAX_ROWS:
                raise SimError(f"{stem.name} has {len(frame)} rows, more than an Excel sheet holds; use csv")
            _plain(frame).to_excel(path, index=False)
        else:
            raise SimError(f"unknown table format {fmt!r}; expected one of {', '.join(TABLE_FORMATS)}")
        paths.append(path)
    return paths


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Categoricals and timezone-aware times as plain values (Excel keeps neither)."""
    import pandas as pd

    out = frame.copy()
    for column in out.columns:
        if isinstance(out[column].dtype, pd.CategoricalDtype):
            out[column] = out[column].astype(object)
    return out
