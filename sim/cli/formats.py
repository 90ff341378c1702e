"""``--format``: one comma-separated list for tables (parquet, csv, xlsx) and figures (png, pdf, svg)."""

from __future__ import annotations

import typer

from sim.errors import SimError

FORMAT_HELP = ("Comma-separated output formats: tables in parquet (always), csv, xlsx (needs openpyxl); "
               "figures in png, pdf, svg (png when none is named).")


def format_option(default: str = "parquet,png") -> str:
    return typer.Option(default, "--format", help=FORMAT_HELP)


def split_formats(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """``"csv,pdf,svg"`` -> (("parquet", "csv"), ("pdf", "svg")). Raises SimError on an unknown name."""
    from sim.experiments.tables_io import TABLE_FORMATS, parse_formats
    from sim.plots.formats import FIGURE_FORMATS

    names = parse_formats(text, allowed=TABLE_FORMATS + FIGURE_FORMATS)
    tables = tuple(dict.fromkeys(("parquet", *(n for n in names if n in TABLE_FORMATS))))
    figures = tuple(n for n in names if n in FIGURE_FORMATS) or ("png",)
    if not names:
        raise SimError("--format is empty; expected e.g. parquet,csv,png")
    return tables, figures
