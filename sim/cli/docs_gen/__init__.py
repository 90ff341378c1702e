"""Generate the reference pages that must not drift from the code: scenario schema, evidence ledger, CLI.

Each page keeps hand-written text around a generated block fenced by HTML comments; only the block is rewritten::

    python -m sim.cli.docs_gen            # rewrite the generated blocks in docs/
    python -m sim.cli.docs_gen --check    # exit 1 and name the stale pages (used by tests/test_docs.py)
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from sim.cli.docs_gen.cli_ref import cli_block, cli_commands
from sim.cli.docs_gen.common import DOCS, ROOT
from sim.cli.docs_gen.ledger import evidence_block, library_block
from sim.cli.docs_gen.schema_ref import paths_block, schema_block, schema_models

BEGIN = "<!-- BEGIN GENERATED {name}: python -m sim.cli.docs_gen rewrites this block; edit the code, not the block -->"
END = "<!-- END GENERATED {name} -->"

# --------------------------------------------------------------------------------------------- pages
PAGES: dict[str, tuple[str, list[tuple[str, Callable[[], str]]]]] = {
    "scenarios.md": ("# Scenario file reference", [("schema", schema_block), ("paths", paths_block)]),
    "evidence.md": ("# Evidence ledger", [("evidence", evidence_block)]),
    "cli.md": ("# Command line", [("cli", cli_block)]),
    "howto/scenario-library.md": ("# Start from a library scenario", [("library", library_block)]),
}


def render(text: str, name: str, body: str) -> str:
    """``text`` with the block called ``name`` replaced by ``body`` (appended if the page has no such block)."""
    begin, end = BEGIN.format(name=name), END.format(name=name)
    block = f"{begin}\n\n{body.strip()}\n\n{end}"
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        return head + block + rest.split(end, 1)[1]
    return text.rstrip() + "\n\n" + block + "\n"


def generate(docs: Path = DOCS) -> dict[Path, str]:
    """New content of every generated page."""
    out = {}
    for page, (title, blocks) in PAGES.items():
        path = docs / page
        text = path.read_text() if path.exists() else f"{title}\n"
        for name, make in blocks:
            text = render(text, name, make())
        out[path] = text
    return out


def stale_pages(docs: Path = DOCS) -> list[Path]:
    return [p for p, text in generate(docs).items() if not p.exists() or p.read_text() != text]



def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sim.cli.docs_gen", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report stale pages; exit 1 if any")
    args = parser.parse_args(argv)
    if args.check:
        stale = stale_pages()
        for path in stale:
            print(f"out of date: {path.relative_to(ROOT)} (run: python -m sim.cli.docs_gen)")
        return 1 if stale else 0
    for path, text in generate().items():
        if not path.exists() or path.read_text() != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
            print(f"wrote {path.relative_to(ROOT)}")


__all__ = ["PAGES", "cli_commands", "generate", "main", "render", "schema_models", "stale_pages"]
