"""Real-looking State Department feeds rebuilt from the shared daily archive.

The shared folder ``../shared/data/us`` holds ``feed-archive-2025-12-12--2026-08-22.json.gz``:
254 daily captures of ``https://travel.state.gov/_res/rss/TAsTWs.xml`` as kept by a public
archive, which stored each item's title, link, pubDate and level and converted its description
to Markdown with html2text (the HTML itself was not kept). Its layout::

    {"about": str, "days": [ISO date, ...],
     "countries": {key: {"versions": [{title, link, pubDate, level, content_md}, ...],
                         "timeline": {day: version_index}}}}

This module turns that back into RSS documents shaped like the live feed (envelope, CDATA
descriptions, categories, guid, dc:identifier), so that tests and benchmarks can run the real
parser over every version the archive recorded. The Markdown goes back to HTML with the
``markdown`` package (a test dependency), after repairing the html2text quirks that Markdown
would otherwise print literally (see `markdown_to_html`).

The archive is read where it lies and never copied into the project; callers skip when
`ARCHIVE` does not exist (a fresh clone has no ``../shared``).
"""

from __future__ import annotations

import functools
import gzip
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timezone
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

ARCHIVE = (
    Path(__file__).resolve().parents[1].parent
    / "shared"
    / "data"
    / "us"
    / "feed-archive-2025-12-12--2026-08-22.json.gz"
)

CHANNEL_TITLE = "travel.state.gov: Travel Advisories"
CHANNEL_LINK = "https://travel.state.gov/content/travel/en/traveladvisories/traveladvisories.html"
CHANNEL_DESCRIPTION = (
    "As a first step in planning any trip abroad, check the Travel Advisories for your intended "
    "destination."
)
LEVEL_LABELS = {
    1: "Exercise Normal Precautions",
    2: "Exercise Increased Caution",
    3: "Reconsider Travel",
    4: "Do Not Travel",
}


@dataclass(frozen=True)
class ArchiveVersion:
    """One distinct version of one destination's item, as the archive stored it."""

    key: str  # the archive's destination key ("mali", "antigua_and_barbuda")
    index: int  # position in that destination's list of versions
    title: str
    link: str
    pub_date: str  # as in the feed: "Mon, 08 Jun 2026"
    level: int
    content_md: str  # the description as html2text Markdown; "\n" when it was empty


class Archive:
    """The whole archive, read once: capture days, and every destination's versions."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.about: str = data.get("about", "")
        self.days: list[str] = list(data["days"])
        self._days = frozenset(self.days)
        self._versions: dict[str, list[ArchiveVersion]] = {}
        self._timeline: dict[str, dict[str, int]] = {}
        for key in sorted(data["countries"]):
            entry = data["countries"][key]
            self._versions[key] = [
                ArchiveVersion(
                    key=key,
                    index=i,
                    title=v["title"],
                    link=v["link"],
                    pub_date=v["pubDate"],
                    level=int(v["level"]),
                    content_md=v["content_md"],
                )
                for i, v in enumerate(entry["versions"])
            ]
            self._timeline[key] = dict(entry["timeline"])

    @property
    def keys(self) -> list[str]:
        """Every destination key, sorted."""
        return list(self._versions)

    def items_on(self, day: str) -> list[ArchiveVersion]:
        """The item of every destination present on `day`, sorted by key (a stable order)."""
        if day not in self._days:
            raise KeyError(f"{day} is not a capture day of the archive")
        return [
            self._versions[key][timeline[day]]
            for key, timeline in self._timeline.items()
            if day in timeline
        ]

    def versions(self, key: str) -> list[ArchiveVersion]:
        """Every distinct version of one destination, in the archive's order."""
        return list(self._versions[key])

    def all_versions(self) -> list[ArchiveVersion]:
        """Every distinct version of every destination (each once, whatever its days)."""
        return [v for versions in self._versions.values() for v in versions]

    def version_on(self, key: str, day: str) -> ArchiveVersion | None:
        """The version of one destination in the feed on `day`, or None when it was absent."""
        index = self._timeline[key].get(day)
        return None if index is None else self._versions[key][index]

    def days_of(self, v: ArchiveVersion) -> list[str]:
        """The capture days on which this version was the one in the feed."""
        return [d for d, i in self._timeline[v.key].items() if i == v.index]


@functools.lru_cache(maxsize=4)
def load(path: Path = ARCHIVE) -> Archive:
    """Read the archive (cached per path); FileNotFoundError when it is absent."""
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return Archive(json.load(fh))


# --- Markdown (html2text) -> HTML -------------------------------------------------------------

_LIST_LINE = re.compile(r"^ {0,8}(?:[*+-]|\d+\.) ")
_HEADING_LINE = re.compile(r"^ {0,3}#{1,6} ")
# Link destinations and autolinks: never look for emphasis inside them.
_LINK_TARGET = re.compile(r"\]\((?:[^()\s]|\([^()\s]*\))*(?:\s+\"[^\"]*\")?\)|<https?://[^>\s]+>")
# Delimiters as html2text writes them: ** for <strong>/<b>, _ for <em>/<i> (an underscore
# inside a word, as in a URL or "snake_case", is not one).
_STRONG = re.compile(r"\*\*")
_EM = re.compile(r"(?<![^\W_])_+|_+(?![^\W_])")
_WORD_WORD = re.compile(r"[^\W_]{2}")


def _marks(chunk: str, delim: re.Pattern[str]) -> list[tuple[int, int]]:
    """Spans of the chunk's delimiters; a run of underscores is one delimiter per underscore."""
    spans: list[tuple[int, int]] = []
    for m in delim.finditer(chunk):
        width = 1 if delim is _EM else len(m[0])
        spans.extend((i, i + width) for i in range(m.start(), m.end(), width))
    return spans


def _fix_delimiters(chunk: str, delim: re.Pattern[str]) -> str:
    """Pair a chunk's delimiters in order and move the spaces inside each pair outside it.

    html2text keeps the spaces that were inside the tag (``<b>cannot </b>provide`` becomes
    ``**cannot **provide``, ``<b>Crime<br></b>Violent`` becomes ``**Crime  \\n**Violent``), and
    Markdown reads neither as bold. A pair with nothing but spaces inside is dropped. With an
    odd number of delimiters, one left dangling at the very end or start of the chunk (an
    emphasis html2text opened in one paragraph and closed in another) is dropped first;
    otherwise the chunk is left alone.
    """
    marks = _marks(chunk, delim)
    if len(marks) % 2:
        if not chunk[marks[-1][1] :].strip():
            chunk = chunk[: marks[-1][0]] + chunk[marks[-1][1] :]
            marks.pop()
        elif not chunk[: marks[0][0]].strip():
            chunk = chunk[: marks[0][0]] + chunk[marks[0][1] :]
            marks = _marks(chunk, delim)
        else:
            return chunk
    out: list[str] = []
    pos = 0
    for (o_start, o_end), (c_start, c_end) in zip(marks[::2], marks[1::2]):
        out.append(chunk[pos:o_start])
        inner = chunk[o_end:c_start]
        core = inner.strip()
        lead = inner[: len(inner) - len(inner.lstrip())]
        trail = inner[len(inner.rstrip()) :]
        if core:
            if delim is _STRONG and core.startswith("* "):
                core = "\\" + core  # "*** The city": a literal asterisk inside the bold
            if (
                delim is _STRONG
                and not lead
                and o_start
                and _WORD_WORD.match(chunk[o_start - 1] + core[0])
            ):
                lead = " "  # "due to**terrorism**": html2text dropped "<b> terrorism</b>"'s space
            out.append(f"{lead}{chunk[o_start:o_end]}{core}{chunk[c_start:c_end]}{trail}")
        else:
            out.append(inner if "\n" in inner else (" " if inner else ""))
        pos = c_end
        if core and not trail and re.match(r" [,;:]", chunk[c_end : c_end + 2]):
            pos += 1  # "**crime** , **terrorism**": html2text's space after an emphasis
    out.append(chunk[pos:])
    return "".join(out)


def _fix_emphasis(chunk: str) -> str:
    """`_fix_delimiters` for <em> and <strong> (nested either way), link targets out of reach."""
    saved: list[str] = []

    def hide(m: re.Match[str]) -> str:
        saved.append(m[0])
        return f"\x00{len(saved) - 1}\x00"

    chunk = _LINK_TARGET.sub(hide, chunk)
    for _ in range(3):  # "_**text  **_": the inner pair's spaces land inside the outer one
        before = chunk
        chunk = _fix_delimiters(_fix_delimiters(chunk, _EM), _STRONG)
        if chunk == before:
            break
    return re.sub("\x00(\\d+)\x00", lambda m: saved[int(m[1])], chunk)


def _chunks(lines: list[str]) -> list[list[str]]:
    """Group lines into paragraphs: a blank line, a list item or a heading starts a new one.

    A line of spaces after a hard line break is html2text's ``<br><br>`` inside one paragraph,
    not a paragraph break: it is dropped (the parser skips empty lines anyway).
    """
    chunks: list[list[str]] = []
    for line in lines:
        if line and not line.strip() and chunks and chunks[-1][-1].endswith("  "):
            continue
        starts = not line.strip() or _LIST_LINE.match(line) or _HEADING_LINE.match(line)
        if starts or not chunks or not chunks[-1][-1].strip():
            chunks.append([line])
        else:
            chunks[-1].append(line)
    return chunks


def _repair(md: str) -> str:
    """Rewrite what html2text writes but Markdown cannot read back as intended."""
    md = md.replace("\r\n", "\n").replace("****", "")
    out: list[str] = []
    for chunk in _chunks(md.split("\n")):
        lines = _fix_emphasis("\n".join(chunk)).split("\n")
        # A list straight after a paragraph line: Markdown needs a blank line between them.
        if _LIST_LINE.match(lines[0]) and out and out[-1].strip() and not _in_list(out):
            out.append("")
        out.extend(lines)
    return "\n".join(out)


def _in_list(out: list[str]) -> bool:
    """True when the text above belongs to a list item (no blank line since one started)."""
    for prev in reversed(out):
        if not prev.strip():
            return False
        if _LIST_LINE.match(prev):
            return True
    return False


@functools.lru_cache(maxsize=4096)
def markdown_to_html(md: str) -> str:
    """HTML for an html2text Markdown description; "" for an empty one ("\\n").

    Repairs first: bold spanning a hard line break (``**Crime  \\n**Violent crime``), spaces
    just inside a bold or italic (``** _text_**``, ``**cannot **provide``), empty emphasis
    (``****``, ``_ _``), a space html2text dropped before a bold (``due to**terrorism**``) or
    added before a comma after one, lists right after a paragraph line. Headings
    (``##### **Crime**``), ``  * item`` lists, nested lists and links with titles are read by
    Markdown as they are.
    """
    if not md.strip():
        return ""
    import markdown

    return str(markdown.markdown(_repair(md), output_format="html"))


# --- RSS --------------------------------------------------------------------------------------

_TITLE_LEVEL = re.compile(r"Level\s*(?P<level>[1-4])\s*:\s*(?P<label>.*?)\s*$", re.I)


def _cdata(text: str) -> str:
    """A CDATA section holding `text` exactly ("]]>" is split across two sections)."""
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _threat_level(v: ArchiveVersion) -> str:
    m = _TITLE_LEVEL.search(v.title)
    if m and int(m["level"]) == v.level and m["label"]:
        return f"Level {v.level}: {m['label']}"
    return f"Level {v.level}: {LEVEL_LABELS.get(v.level, '')}".rstrip(": ")


def _country_tag(v: ArchiveVersion) -> str:
    """Two letters standing in for the State Department's own code (the parser ignores it)."""
    letters = re.sub(r"[^A-Za-z]", "", v.key).upper()
    return (letters + "XX")[:2]


@functools.lru_cache(maxsize=8192)
def item_xml(v: ArchiveVersion, *, link: str | None = None) -> str:
    """One ``<item>`` as the live feed writes it (description as CDATA, categories, guid).

    `link` replaces the item's link and guid (`synthetic_feed` uses it for distinct copies).
    """
    link = v.link if link is None else link
    tag = _country_tag(v)
    return (
        "<item>\n"
        f"      <title>{escape(v.title)}</title>\n"
        f"      <link>{escape(link)}</link>\n"
        f"      <pubDate>{escape(v.pub_date)}</pubDate>\n"
        f"      <description>{_cdata(markdown_to_html(v.content_md))}</description>\n"
        f'      <category domain="Threat-Level">{escape(_threat_level(v))}</category>\n'
        f'      <category domain="Country-Tag">{tag}</category>\n'
        '      <category domain="Keyword">advisory</category>\n'
        f"      <guid>{escape(link)}</guid>\n"
        f"      <dc:identifier>{tag},advisory</dc:identifier>\n"
        "    </item>"
    )


def _dc_date(pub_date: str) -> str:
    try:
        when = parsedate_to_datetime(pub_date)
    except (TypeError, ValueError, IndexError):
        return ""
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _feed(items: Iterable[str], pub_date: str) -> bytes:
    dc_date = _dc_date(pub_date)
    head = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<rss xmlns:dc="http://purl.org/dc/elements/1.1/" version="2.0">',
        "  <channel>",
        f"    <title>{escape(CHANNEL_TITLE)}</title>",
        f"    <link>{escape(CHANNEL_LINK)}</link>",
        f"    <description>{escape(CHANNEL_DESCRIPTION)}</description>",
        f"    <pubDate>{escape(pub_date)}</pubDate>",
    ]
    if dc_date:
        head.append(f"    <dc:date>{dc_date}</dc:date>")
    body = "\n".join(head) + "\n    " + "\n".join(items) + "\n  </channel>\n</rss>\n"
    # The live feed is served with CRLF line endings, descriptions included.
    return body.replace("\n", "\r\n").encode("utf-8")


def feed_xml(items: Iterable[ArchiveVersion], *, pub_date: str) -> bytes:
    """The whole RSS document (UTF-8, CRLF, dc: declared) holding `items` in the given order.

    `pub_date` is the channel's RFC 822 date ("Sat, 22 Aug 2026 21:02:01 GMT").
    """
    return _feed((item_xml(v) for v in items), pub_date)


def channel_date(day: str) -> str:
    """The channel pubDate for a capture day (the archive keeps no time; 21:02:01 GMT is used)."""
    d = date.fromisoformat(day)
    return format_datetime(datetime(d.year, d.month, d.day, 21, 2, 1, tzinfo=timezone.utc), True)


def feed_for_day(day: str) -> bytes:
    """The feed as it was served on a capture day (every destination present that day)."""
    return feed_xml(load().items_on(day), pub_date=channel_date(day))


def _copy_link(link: str, n: int) -> str:
    """A distinct link that still names the same destination (the parser searches links)."""
    return f"{link}{'&' if '?' in link else '?'}copy={n}"


def synthetic_feed(multiplier: int, day: str | None = None) -> bytes:
    """A feed `multiplier` times the size of a real one, for parse-speed measurements.

    The items of `day` (default: the last capture day) are repeated; copy n > 1 of an item keeps
    its real title, so that it resolves to the same destination, and gets a distinct link and
    guid (``…/destination.mli.html?copy=2``), which the parser still reads as that destination.
    """
    if multiplier < 1:
        raise ValueError("multiplier must be at least 1")
    archive = load()
    day = day or archive.days[-1]
    items = archive.items_on(day)
    xml = [item_xml(v) for v in items]
    for n in range(2, multiplier + 1):
        xml.extend(item_xml(v, link=_copy_link(v.link, n)) for v in items)
    return _feed(xml, channel_date(day))
