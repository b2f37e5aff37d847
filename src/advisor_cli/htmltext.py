"""HTML fragments from the sources → blocks of clean text, with the bold runs that mark headings."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

BLOCK_TAGS = frozenset(
    "p div li ul ol h1 h2 h3 h4 h5 h6 table thead tbody tr td th blockquote section article "
    "header footer dl dt dd pre figure figcaption hr".split()
)
HEADING_TAGS = frozenset("h1 h2 h3 h4 h5 h6".split())
BOLD_TAGS = frozenset(("b", "strong"))
SKIP_TAGS = frozenset(("script", "style", "head", "title", "noscript", "template"))
# Bahrain's 2026 rendering marks headings with a class instead of a tag.
HEADER_CLASSES = ("header-paragraph",)

# C0/C1 controls (bar newline, tab) and the escape sequences they start: source text is untrusted.
_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")
# Bidi overrides and isolates too (render.safe drops them as well): they can reorder what is shown.
_CONTROL = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]"
)
_SPACE = re.compile(r"[ \t\r\n\u00a0\u2000-\u200a\u202f\u205f\u3000]+")


def clean(text: str) -> str:
    """Return text without control characters or escape sequences, spaces folded to one."""
    text = _ANSI.sub("", text)
    text = _CONTROL.sub("", text)
    return _SPACE.sub(" ", text)


@dataclass(frozen=True)
class Run:
    text: str
    bold: bool


@dataclass(frozen=True)
class Block:
    """One paragraph, list item or heading; `lines` are split at <br>."""

    kind: str  # "p", "li" or "h"
    lines: tuple[tuple[Run, ...], ...]

    @property
    def text(self) -> str:
        return "\n".join(line_text(line) for line in self.lines if line_text(line))

    def first_line_bold(self) -> bool:
        return bool(self.lines) and is_bold(self.lines[0])


def line_text(runs: tuple[Run, ...]) -> str:
    return "".join(r.text for r in runs).strip()


def is_bold(runs: tuple[Run, ...]) -> bool:
    """True when every word of the line is bold (punctuation outside the bold does not count)."""
    words = [r for r in runs if re.search(r"\w", r.text)]
    return bool(words) and all(r.bold for r in words)


class _Builder:
    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.lines: list[list[Run]] = [[]]
        self.kind = "p"

    def add(self, text: str, bold: bool) -> None:
        text = clean(text)
        if not text:
            return
        line = self.lines[-1]
        if line and line[-1].bold == bold:
            line[-1] = Run(line[-1].text + text, bold)
        else:
            line.append(Run(text, bold))

    def newline(self) -> None:
        self.lines.append([])

    def flush(self, next_kind: str = "p") -> None:
        lines = tuple(tuple(_trim(line)) for line in self.lines)
        lines = tuple(line for line in lines if line_text(line))
        if lines:
            self.blocks.append(Block(self.kind, lines))
        self.lines = [[]]
        self.kind = next_kind


def _trim(line: list[Run]) -> list[Run]:
    runs = [Run(r.text, r.bold) for r in line]
    if runs:
        runs[0] = Run(runs[0].text.lstrip(), runs[0].bold)
        runs[-1] = Run(runs[-1].text.rstrip(), runs[-1].bold)
    return [r for r in runs if r.text]


def blocks(fragment: str) -> list[Block]:
    """Split an HTML fragment into blocks; inline tags never add spaces, block tags always do."""
    if not fragment.strip():
        return []
    from lxml import html as lxml_html

    try:
        root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    except Exception:  # lxml raises ParserError or ValueError on fragments it cannot read
        return []
    builder = _Builder()
    _walk(root, builder, bold=False, kind="p")
    builder.flush()
    return builder.blocks


def _walk(el: Any, b: _Builder, bold: bool, kind: str) -> None:
    tag = el.tag.lower() if isinstance(el.tag, str) else ""
    if tag in SKIP_TAGS or not isinstance(el.tag, str):
        if el.tail:
            b.add(el.tail, bold)
        return
    is_block = tag in BLOCK_TAGS
    if tag == "li":
        kind = "li"
    elif tag in HEADING_TAGS and kind != "li":
        kind = "h"
    classes = (el.get("class") or "").split()
    own_bold = bold or tag in BOLD_TAGS or any(c in HEADER_CLASSES for c in classes)
    if is_block:
        b.flush(kind)
    if tag == "br":
        b.newline()
    if el.text:
        b.add(el.text, own_bold)
    for child in el:
        _walk(child, b, own_bold, kind)
    if is_block:
        b.flush(kind if kind == "li" and tag != "li" else "p")
    if any(c in HEADER_CLASSES for c in classes):
        b.newline()
    if el.tail:
        b.add(el.tail, bold)


def join_blocks(items: list[Block]) -> str:
    """Text of several blocks: paragraphs apart by a blank line, list items as "- " lines."""
    out: list[str] = []
    prev = ""
    for block in items:
        text = block.text
        if not text:
            continue
        if block.kind == "li":
            text = "- " + text.replace("\n", "\n  ")
            sep = "\n" if prev == "li" else "\n\n"
        else:
            sep = "\n\n"
        out.append((sep if out else "") + text)
        prev = block.kind
    return "".join(out)
