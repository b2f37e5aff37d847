"""Plain data: what a source says about a destination, and what advisor recorded of it."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

LEVEL_LABELS = {
    1: "Exercise Normal Precautions",
    2: "Exercise Increased Caution",
    3: "Reconsider Travel",
    4: "Do Not Travel",
}


@dataclass(frozen=True)
class Section:
    title: str
    text: str


@dataclass(frozen=True)
class Region:
    """Part of a destination that carries its own level ("Do Not Travel to: …")."""

    name: str
    level: int
    text: str


@dataclass(frozen=True)
class Advisory:
    source: str
    destination: str  # advisor's destination code (ISO 3166-1 alpha-2 where one exists)
    name: str  # the destination as the source names it
    level: int
    label: str
    issued: date | None
    url: str
    summary: str = ""
    change_note: str = ""
    sections: tuple[Section, ...] = ()
    regions: tuple[Region, ...] = ()
    rendering: str = ""  # which of a source's layouts this came in ("classic", "new")

    def fingerprint(self) -> str:
        """Hash of the content after normalisation: equal advisories, equal fingerprints."""
        return self._hash(with_issued=True)

    def body_fingerprint(self) -> str:
        """The fingerprint without the issued date: equal when only the date moved."""
        return self._hash(with_issued=False)

    def _hash(self, *, with_issued: bool) -> str:
        parts = [
            str(self.level),
            self.issued.isoformat() if self.issued and with_issued else "",
            self.summary,
            self.change_note,
            *(f"{s.title}\x1f{s.text}" for s in self.sections),
            *(f"{r.name}\x1f{r.level}\x1f{r.text}" for r in self.regions),
        ]
        text = "\x1e".join(normalise(p) for p in parts)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "destination": self.destination,
            "name": self.name,
            "level": self.level,
            "label": self.label,
            "issued": self.issued.isoformat() if self.issued else None,
            "url": self.url,
            "summary": self.summary,
            "change_note": self.change_note,
            "sections": [{"title": s.title, "text": s.text} for s in self.sections],
            "regions": [{"name": r.name, "level": r.level, "text": r.text} for r in self.regions],
            "rendering": self.rendering,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Advisory:
        return cls(
            source=d["source"],
            destination=d["destination"],
            name=d["name"],
            level=int(d["level"]),
            label=d["label"],
            issued=date.fromisoformat(d["issued"]) if d.get("issued") else None,
            url=d.get("url", ""),
            summary=d.get("summary", ""),
            change_note=d.get("change_note", ""),
            sections=tuple(Section(s["title"], s["text"]) for s in d.get("sections", ())),
            regions=tuple(
                Region(r["name"], int(r["level"]), r["text"]) for r in d.get("regions", ())
            ),
            rendering=d.get("rendering", ""),
        )


@dataclass(frozen=True)
class BrokenItem:
    """An item the source sent that could not be used, and why."""

    source: str
    title: str
    reason: str
    destination: str = ""


@dataclass(frozen=True)
class IndexEntry:
    """One destination in a per-destination source's index."""

    code: str  # advisor's destination code
    name: str  # as the source names it
    url: str  # where the source's machine-readable page for it is
    updated: str = ""  # the index's own change marker (a date or timestamp), as given
    level: int | None = None  # advisor's common level, when the index alone tells it


@dataclass(frozen=True)
class Item:
    """A usable advisory and the bytes of the item it came from."""

    advisory: Advisory
    raw: bytes = b""


@dataclass(frozen=True)
class FeedResult:
    items: tuple[Item, ...]
    broken: tuple[BrokenItem, ...] = ()

    @property
    def advisories(self) -> tuple[Advisory, ...]:
        return tuple(i.advisory for i in self.items)


@dataclass(frozen=True)
class SourceEvent:
    """A source started failing, or works again, as of `since`."""

    source: str
    kind: str  # "failure" or "recovery"
    message: str  # the failure's message; "" for a recovery
    since: datetime


_QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-"})
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Fold what carries no meaning: Unicode forms, curly quotes, dashes, spacing and case."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    return _SPACE.sub(" ", text).strip().casefold()
