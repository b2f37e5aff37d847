"""Output: rich on a terminal, plain text when piped or with NO_COLOR, JSON on request.

The only package that imports rich, and only when stdout is a terminal.
"""

from __future__ import annotations

from advisor_cli.render.advisory import Row, Shown, advisory_json, listing, pick_sections, show
from advisor_cli.render.base import age, echo, iso_date, note, print_json, raw, safe, warn
from advisor_cli.render.changes import (
    change_plain,
    history,
    level_strip,
    local_time,
    no_change_line,
    report_json,
    reports,
)
from advisor_cli.render.compare import Opinion, SourceInfo, comparison, source_list

__all__ = [
    "Opinion",
    "Row",
    "Shown",
    "SourceInfo",
    "advisory_json",
    "age",
    "change_plain",
    "comparison",
    "echo",
    "history",
    "iso_date",
    "level_strip",
    "listing",
    "local_time",
    "no_change_line",
    "note",
    "pick_sections",
    "print_json",
    "raw",
    "report_json",
    "reports",
    "safe",
    "show",
    "source_list",
    "warn",
]
