"""HTML fragments from the sources → blocks of clean text, with the bold runs that mark headings."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from typing import Any, NamedTuple

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
_WORD = re.compile(r"\w")
# What lxml.html.fragment_fromstring parses as a whole document rather than wrapping in a body.
_FULL_HTML = re.compile(r"^\s*<(?:html|!doctype)", re.I)


def clean(text: str) -> str:
    """Return text without control characters or escape sequences, spaces folded to one."""
    # Fast paths for most text nodes of a page: printable ASCII (no controls, tabs or line
    # breaks), and the line breaks between tags.
    if text.isascii() and text.isprintable():
        return _SPACE.sub(" ", text) if "  " in text else text
    if not text.strip(" \t\r\n"):
        return " " if text else ""
    if "\x1b" in text:  # every escape sequence starts with ESC; most text has none
        text = _ANSI.sub("", text)
    text = _CONTROL.sub("", text)
    return _SPACE.sub(" ", text)


class Run(NamedTuple):
    text: str
    bold: bool


@dataclass(frozen=True)
class Block:
    """One paragraph, list item or heading; `lines` are split at <br>."""

    kind: str  # "p", "li" or "h"
    lines: tuple[tuple[Run, ...], ...]
    # The lines' text joined by newlines, computed once: the parser reads it many times.
    text: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if not self.text:
            text = "\n".join(t for t in map(line_text, self.lines) if t)
            object.__setattr__(self, "text", text)

    def first_line_bold(self) -> bool:
        return bool(self.lines) and is_bold(self.lines[0])


def line_text(runs: tuple[Run, ...]) -> str:
    return "".join([r.text for r in runs]).strip()


def is_bold(runs: tuple[Run, ...]) -> bool:
    """True when every word of the line is bold (punctuation outside the bold does not count)."""
    words = [r for r in runs if _WORD.search(r.text)]
    return bool(words) and all(r.bold for r in words)


class _Builder:
    """Collects runs into lines and lines into blocks; a run is [bold, pieces] until flushed."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.lines: list[list[list[Any]]] = [[]]
        self.kind = "p"
        self.empty = True  # nothing but spaces since the last flush: flushing has nothing to do

    def add(self, text: str, bold: bool) -> None:
        line = self.lines[-1]
        if not line and not text.strip(" \t\r\n"):  # a line's leading space is trimmed anyway
            return
        text = clean(text)
        if not text or (text == " " and not line):
            return
        if line and line[-1][0] == bold:
            line[-1][1].append(text)
        else:
            line.append([bold, [text]])
        if text != " ":
            self.empty = False

    def newline(self) -> None:
        self.lines.append([])

    def flush(self, next_kind: str = "p") -> None:
        if not self.empty:
            lines = []
            texts = []
            for line in self.lines:
                runs = _trim(line)
                text = "".join([r.text for r in runs]).strip()
                if text:
                    lines.append(runs)
                    texts.append(text)
            if lines:
                self.blocks.append(Block(self.kind, tuple(lines), "\n".join(texts)))
            self.empty = True
        self.lines = [[]]
        self.kind = next_kind


def _trim(line: list[list[Any]]) -> tuple[Run, ...]:
    """The line's runs with the spaces at its ends removed, and runs left empty dropped."""
    texts = ["".join(pieces) for _, pieces in line]
    if texts:
        texts[0] = texts[0].lstrip()
        texts[-1] = texts[-1].rstrip()
    return tuple([Run(t, run[0]) for t, run in zip(texts, line) if t])


_local = threading.local()  # lxml parsers must not be shared between threads


def _parser() -> Any:
    parser = getattr(_local, "parser", None)
    if parser is None:
        from lxml import etree

        parser = _local.parser = etree.HTMLParser()
    return parser


def blocks(fragment: str) -> list[Block]:
    """Split an HTML fragment into blocks; inline tags never add spaces, block tags always do."""
    if not fragment.strip():
        return []
    from lxml import etree

    # As lxml.html.fragment_fromstring reads a fragment, with one plain parser for every call.
    if not _FULL_HTML.match(fragment):
        fragment = f"<html><body>{fragment}</body></html>"
    try:
        root = etree.fromstring(fragment, _parser())
    except Exception:  # lxml raises XMLSyntaxError or ValueError on fragments it cannot read
        return []
    bodies = [] if root is None else [e for e in root if e.tag == "body"]
    if len(bodies) != 1:
        return []
    body = bodies[0]
    builder = _Builder()
    if body.text and body.text.strip():
        builder.add(body.text, False)
    for child in body:
        _walk(child, builder, False, "p")
    builder.flush()
    return builder.blocks


def _walk(el: Any, b: _Builder, bold: bool, kind: str) -> None:
    tag = el.tag
    if not isinstance(tag, str) or (tag := tag.lower()) in SKIP_TAGS:
        if el.tail:
            b.add(el.tail, bold)
        return
    is_block = tag in BLOCK_TAGS
    if tag == "li":
        kind = "li"
    elif kind != "li" and tag in HEADING_TAGS:
        kind = "h"
    cls = el.get("class")
    header = cls is not None and any(c in HEADER_CLASSES for c in cls.split())
    own_bold = bold or header or tag in BOLD_TAGS
    if is_block:
        b.flush(kind)
    elif tag == "br":
        b.newline()
    text = el.text
    if text:
        b.add(text, own_bold)
    for child in el:
        _walk(child, b, own_bold, kind)
    if is_block:
        b.flush(kind if kind == "li" and tag != "li" else "p")
    if header:
        b.newline()
    tail = el.tail
    if tail:
        b.add(tail, bold)


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
