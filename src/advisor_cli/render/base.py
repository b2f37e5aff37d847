"""Shared output plumbing: terminal detection, safe text, stderr messages, level badges.

Text from a source is untrusted: it is stripped of control characters and always passed to rich
as Text, never as markup. rich is imported only when stdout is a terminal.
"""

from __future__ import annotations

import json
import os
import re
import sys
from datetime import date, datetime, timezone
from typing import Any

LEVEL_COLOURS = {1: "blue", 2: "yellow", 3: "dark_orange", 4: "red"}
LEVEL_TEXT = {1: "white", 2: "black", 3: "black", 4: "white"}
_UNSAFE = re.compile(
    r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])"
    r"|[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


def safe(text: str) -> str:
    """Text fit for a terminal: escape sequences and control characters removed."""
    return _UNSAFE.sub("", text)


def use_rich() -> bool:
    """Rich output on a terminal (or with FORCE_COLOR); NO_COLOR and pipes get plain text."""
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    return bool(os.environ.get("FORCE_COLOR")) or sys.stdout.isatty()


def terminal() -> Any:
    from rich.console import Console

    return Console(highlight=False, emoji=False, markup=False)


def echo(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def raw(data: bytes) -> None:
    """A source's own bytes: exact when piped; on a terminal, without control characters."""
    if sys.stdout.isatty():
        echo(safe(data.decode("utf-8", errors="replace")))
        return
    sys.stdout.flush()
    sys.stdout.buffer.write(data if data.endswith(b"\n") else data + b"\n")
    sys.stdout.buffer.flush()


def warn(message: str) -> None:
    sys.stderr.write(f"Warning: {safe(message)}\n")


def note(message: str) -> None:
    sys.stderr.write(f"{safe(message)}\n")


def print_json(data: Any) -> None:
    echo(json.dumps(data, ensure_ascii=False, indent=2))


def age(since: datetime, now: datetime | None = None) -> str:
    """'3 hours', '2 days': how long ago something happened, in words."""
    seconds = int(((now or datetime.now(timezone.utc)) - since).total_seconds())
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            n = seconds // size
            return f"{n} {unit}{'s' if n != 1 else ''}"
    return "moments"


def badge(level: int) -> Any:
    from rich.text import Text

    colour = LEVEL_COLOURS.get(level, "grey50")
    return Text(f" LEVEL {level} ", style=f"bold {LEVEL_TEXT.get(level, 'white')} on {colour}")


def fmt_date(d: date | None) -> str:
    return d.isoformat() if d else "unknown"


def iso_date(d: date | None) -> str | None:
    """A date for JSON: ISO 8601, or null."""
    return d.isoformat() if d else None


def one_line(text: str, limit: int = 80) -> str:
    """Text fit for a header: control characters, line breaks and runs of spaces folded."""
    text = " ".join(safe(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
