"""The email of a `check` run: its subject, and its plain-text and HTML bodies.

HTML uses inline styles only, since mail clients drop style sheets; all source text is escaped.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from advisor_cli import sources
from advisor_cli.errors import UsageError
from advisor_cli.model import SourceEvent
from advisor_cli.render.base import one_line, safe
from advisor_cli.render.changes import change_plain

if TYPE_CHECKING:
    from advisor_cli.diff import Change, TextChange
    from advisor_cli.monitor import Report

SUBJECT_LIMIT = 150
BADGES = {1: "#1f6feb", 2: "#d4a72c", 3: "#e8590c", 4: "#d1242f"}  # level: background
BADGE_TEXT = {2: "#1f2328"}  # dark text on yellow; white on the others
RED, GREEN, GREY = "#d1242f", "#1a7f37", "#59636e"
DEL = f"color:{RED};background:#ffebe9;text-decoration:line-through"
INS = f"color:{GREEN};background:#dafbe1;text-decoration:none"
CONTEXT = 160  # characters of unchanged text kept on each side of a change in the HTML


def _title(source: str) -> str:
    try:
        return str(sources.get(source).TITLE)
    except UsageError:
        return source


def _event_title(event: SourceEvent) -> str:
    state = "failing" if event.kind == "failure" else "recovered"
    return f"{_title(event.source)} feed {state}"


def _changed(reports: Sequence[Report]) -> list[tuple[Report, Change]]:
    return [(r, r.change) for r in reports if r.change is not None and r.change.changed]


def subject(reports: Sequence[Report], events: Sequence[SourceEvent]) -> str:
    """Level moves first: "Travel advisories: Mali raised to Level 4; Niger updated"."""
    changed = _changed(reports)
    moved = [(r, c) for r, c in changed if c.level_moved]
    moved.sort(key=lambda rc: (-rc[1].new.level, one_line(rc[0].name)))
    items = [f"{one_line(r.name)} {c.direction.lower()} to Level {c.new.level}" for r, c in moved]
    updated = [one_line(r.name) for r, c in changed if not c.level_moved]
    items += [*updated, *(_event_title(e) for e in events)]
    first_event = len(items) - len(events)
    for shown in range(len(items), 0, -1):
        parts = items[:shown]
        names = parts[len(moved) : first_event]
        if names:  # the updated destinations share one "updated"
            parts[len(moved) : first_event] = [f"{', '.join(names)} updated"]
        if shown < len(items):
            parts.append(f"and {len(items) - shown} more")
        text = "Travel advisories: " + "; ".join(parts)
        if len(text) <= SUBJECT_LIMIT:
            return text
    return one_line(text, SUBJECT_LIMIT) if items else "Travel advisories: no changes"


def _when(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def _event_text(event: SourceEvent) -> str:
    if event.kind == "failure":
        return f"{_event_title(event)} since {_when(event.since)}: {safe(event.message)}"
    return f"{_event_title(event)}: working again since {_when(event.since)}."


def plain(reports: Sequence[Report], events: Sequence[SourceEvent]) -> str:
    """The text/plain part: each change as `advisor diff` prints it, then a link."""
    blocks = [f"{change_plain(c)}\nLink: {safe(c.new.url)}" for _, c in _changed(reports)]
    blocks += [_event_text(e) for e in events]
    return "\n\n".join([*blocks, "-- \nSent by advisor."]) + "\n"


def _esc(text: str) -> str:
    return html.escape(safe(text))


def _badge(level: int) -> str:
    style = (
        f"background:{BADGES.get(level, GREY)};color:{BADGE_TEXT.get(level, '#ffffff')};"
        "border-radius:4px;padding:1px 6px;font-size:12px;font-weight:bold;white-space:nowrap"
    )
    return f'<span style="{style}">LEVEL {level}</span>'


def _link(url: str, text: str) -> str:
    if not re.match(r"https?://", url, re.IGNORECASE):
        return _esc(text)
    return f'<a href="{html.escape(safe(url), quote=True)}" style="color:#0969da">{_esc(text)}</a>'


def _elide(text: str, keep_start: bool, keep_end: bool) -> str:
    """Unchanged text between changes, shortened to the context around them."""
    if len(text) <= 2 * CONTEXT + 20:
        return text
    start = text[:CONTEXT].rsplit(" ", 1)[0] + " " if keep_start else ""
    end = " " + text[-CONTEXT:].split(" ", 1)[-1] if keep_end else ""
    return f"{start}…{end}"


def _words(change: TextChange) -> str:
    runs = change.words()
    out = []
    for i, (op, text) in enumerate(runs):
        if op == "=":
            out.append(_esc(_elide(text, keep_start=i > 0, keep_end=i < len(runs) - 1)))
        else:
            out.append(f'<{"del" if op == "-" else "ins"} style="{DEL if op == "-" else INS}">')
            out.append(f"{_esc(text)}</{'del' if op == '-' else 'ins'}>")
    return f'<p style="white-space:pre-wrap;margin:4px 0 12px">{"".join(out)}</p>'


def _heading(title: str, note: str = "", colour: str = GREY) -> str:
    extra = f' <span style="color:{colour};font-weight:normal">({note})</span>' if note else ""
    return f'<h3 style="font-size:15px;margin:16px 0 4px">{title}{extra}</h3>'


def _change_html(change: Change) -> str:
    old, new = change.old, change.new
    parts = [f'<h2 style="font-size:18px;margin:28px 0 6px">{_link(new.url, new.name)}</h2>']
    if change.level_moved:
        colour = RED if change.direction == "RAISED" else GREEN
        parts.append(
            f"<p>{_badge(old.level)} &rarr; {_badge(new.level)} "
            f'<strong style="color:{colour}">{change.direction}</strong> '
            f'<span style="color:{GREY}">{_esc(old.label)} &rarr; {_esc(new.label)}</span></p>'
        )
    else:
        parts.append(
            f'<p>{_badge(new.level)} <span style="color:{GREY}">level unchanged</span></p>'
        )
    if change.issued_moved:
        dates = " &rarr; ".join(str(d or "undated") for d in (old.issued, new.issued))
        parts.append(f'<p style="color:{GREY}">Issued {dates}</p>')
    if change.change_note:
        parts.append(f"<p><em>{_esc(change.change_note)}</em></p>")
    regions = [
        f'<ins style="{INS}">+</ins> {_badge(r.level)} {_esc(r.name)}' for r in change.regions_added
    ]
    regions += [
        f'<del style="{DEL}">{_esc(r.name)}</del> (level {r.level})' for r in change.regions_removed
    ]
    for r in change.regions_changed:
        move = f"{_badge(r.old)} &rarr; {_badge(r.new)}" if r.level_moved else _badge(r.new)
        text = f"<br>{_words(r.text)}" if r.text else ""
        regions.append(f"{_esc(r.name)}: {move}{text}")
    if regions:
        parts.append(
            _heading("Regions") + "<ul>" + "".join(f"<li>{r}</li>" for r in regions) + "</ul>"
        )
    for s in change.sections_added:
        parts.append(_heading(_esc(s.title), "added", GREEN))
        parts.append(f'<p style="white-space:pre-wrap"><ins style="{INS}">{_esc(s.text)}</ins></p>')
    for s in change.sections_removed:
        parts.append(_heading(f'<del style="{DEL}">{_esc(s.title)}</del>', "removed", RED))
    for c in change.sections_changed:
        parts += [_heading(_esc(c.title), "changed"), _words(c)]
    if n := change.sections_unchanged:
        parts.append(f'<p style="color:{GREY}">{n} section{"s" if n != 1 else ""} unchanged</p>')
    parts.append(f"<p>{_link(new.url, 'Read the full advisory')}</p>")
    return "\n".join(parts)


def html_body(reports: Sequence[Report], events: Sequence[SourceEvent]) -> str:
    """The text/html part."""
    blocks = [_change_html(c) for _, c in _changed(reports)]
    for e in events:
        colour = RED if e.kind == "failure" else GREEN
        box = f"border-left:4px solid {colour};padding:4px 12px;margin:16px 0"
        blocks.append(f'<p style="{box}">{_esc(_event_text(e))}</p>')
    font = "font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif"
    body = f"{font};font-size:14px;line-height:1.5;color:#1f2328;max-width:720px"
    footer = f'<p style="color:{GREY};font-size:12px;margin-top:32px">Sent by advisor.</p>'
    return (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8"></head>\n'
        f'<body style="{body}">\n' + "\n".join([*blocks, footer]) + "\n</body></html>\n"
    )
