"""Safe rendering of text that people typed: scenario briefs, event text, injects, override reasons, names.

Every text the app shows as Markdown goes through :func:`render_markdown`: raw HTML is escaped before Markdown
sees it (so ``<script>`` or ``<img onerror=...>`` is shown as text), and after rendering every link or image
whose address is not ``http``, ``https`` or ``mailto`` (``javascript:``, ``data:``, ``vbscript:``, relative
tricks) loses its address and becomes plain text. :func:`cell` makes a text safe inside a Markdown table cell
(a ``|`` would end the cell), and :func:`chart_text` inside a matplotlib label (``$`` would start mathtext).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from typing import Any

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

SAFE_SCHEMES = ("http", "https", "mailto")
_CONTROL = re.compile(r"[\x00-\x20\x7f-\x9f]+")


def safe_url(url: str | None) -> bool:
    """Whether ``url`` has an allowed scheme (checked after removing whitespace and control characters)."""
    cleaned = _CONTROL.sub("", url or "").lower()
    scheme, sep, _ = cleaned.partition(":")
    return bool(sep) and scheme in SAFE_SCHEMES and re.fullmatch(r"[a-z][a-z0-9+.-]*", scheme) is not None


class _Neutralise(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            if element.tag == "a" and not safe_url(element.get("href")):
                element.tag = "span"
                element.attrib.clear()
                element.set("class", "neutralised-link")
            elif element.tag == "img" and not safe_url(element.get("src")):
                alt = element.get("alt", "")
                element.tag = "span"
                element.attrib.clear()
                element.set("class", "neutralised-link")
                element.text = alt
            else:
                for name in [n for n in element.attrib if n.lower().startswith("on")]:
                    del element.attrib[name]


class _SafeLinks(Extension):
    def extendMarkdown(self, md: Any) -> None:  # Markdown's API
        md.treeprocessors.register(_Neutralise(md), "classroom-safe-links", 0)  # after inline patterns


def escape_html(text: str) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def render_markdown(text: str) -> str:
    """HTML for ``text`` (Markdown with tables), with raw HTML escaped and unsafe links neutralised."""
    return markdown.markdown(escape_html(text or ""), extensions=["tables", _SafeLinks()])


def cell(value: Any) -> str:
    """``value`` as text fit for one Markdown table cell (no line breaks, ``|`` escaped)."""
    return " ".join(str(value).split()).replace("\\", "\\\\").replace("|", "\\|")


def chart_text(text: str) -> str:
    """``text`` for a matplotlib label: dollar signs shown as such, never parsed as math."""
    return str(text).replace("$", r"\$")
