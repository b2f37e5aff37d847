"""Pure rules that tell a genuine change from the sources' noise; the store applies them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import Enum

from advisor_cli.model import Advisory, normalise

# How far ahead of today an issued date may be before it counts as impossible (time zones, and
# advisories published a day early): Chad was dated "Sun, 15 Sep 2030" for one day (2026).
FUTURE_SLACK = timedelta(days=3)
# When the current rendering has not been seen for this long, the other one takes over silently.
RENDERING_SWITCH_AFTER = timedelta(days=7)
_PLACEHOLDER = re.compile(r"summary not available|content not available|lorem ipsum", re.I)


class Outcome(Enum):
    FIRST = "first"  # nothing stored yet: becomes current, nothing to compare with
    UNCHANGED = "unchanged"
    NEW = "new"  # a genuine change: becomes current and is reported
    RETURN = "return"  # seen before: becomes current again (reported only if the level moved)
    ALTERNATE = "alternate"  # the other rendering of the current advisory: kept, not current
    SWITCH = "switch"  # the other rendering takes over after the current one stopped appearing
    REDATED = "redated"  # the same text under a newer date: becomes current, not reported
    STALE = "stale"  # an older issue of the advisory: kept, never current, never reported


@dataclass(frozen=True)
class Known:
    """A stored version, as much of it as the rules need."""

    fingerprint: str
    body: str  # the fingerprint without the issued date
    level: int
    issued: date | None
    rendering: str
    last_seen: datetime


@dataclass(frozen=True)
class Decision:
    outcome: Outcome

    @property
    def becomes_current(self) -> bool:
        return self.outcome in (
            Outcome.FIRST,
            Outcome.NEW,
            Outcome.RETURN,
            Outcome.SWITCH,
            Outcome.REDATED,
        )


def anomaly(advisory: Advisory, today: date) -> str | None:
    """Why an advisory that parsed cannot be trusted as current, or None when it can."""
    body = " ".join([advisory.summary, *(s.text for s in advisory.sections)])
    if not normalise(body):
        return "empty description"
    if _PLACEHOLDER.search(body) and len(normalise(body)) < 400:
        return "placeholder text instead of an advisory"
    if advisory.issued and advisory.issued > today + FUTURE_SLACK:
        return f"issued date {advisory.issued.isoformat()} is in the future"
    return None


def decide(
    candidate: Advisory,
    fingerprint: str,
    current: Known | None,
    seen: Known | None,
    now: datetime,
) -> Decision:
    """What recording `candidate` does, given the current version and any earlier equal one."""
    if current is None:
        return Decision(Outcome.FIRST)
    if fingerprint == current.fingerprint:
        return Decision(Outcome.UNCHANGED)
    if candidate.issued and current.issued and candidate.issued < current.issued:
        return Decision(Outcome.STALE)
    if (
        candidate.level == current.level
        and candidate.issued == current.issued
        and candidate.rendering != current.rendering
    ):
        if now - current.last_seen > RENDERING_SWITCH_AFTER:
            return Decision(Outcome.SWITCH)
        return Decision(Outcome.ALTERNATE)
    # A pubDate that moves while nothing else does (Finland, one day of Dec 2025) is no news.
    if candidate.level == current.level and candidate.body_fingerprint() == current.body:
        return Decision(Outcome.REDATED)
    if seen is not None:
        return Decision(Outcome.RETURN)
    return Decision(Outcome.NEW)


def silent(decision: Decision, candidate: Advisory, current: Known | None) -> bool:
    """True when a move of the current version is noise nobody should be told about."""
    if decision.outcome in (Outcome.SWITCH, Outcome.REDATED):
        return True
    if decision.outcome is Outcome.RETURN:
        return current is not None and candidate.level == current.level
    return False


def choose(candidates: list[tuple[Advisory, str]], current: Known | None) -> int:
    """Index of the candidate to record as this fetch's advisory when an item comes twice."""

    def rank(i: int) -> tuple[date, bool, bool, bool]:
        adv, fp = candidates[i]
        return (
            adv.issued or date.min,
            current is not None and fp == current.fingerprint,
            current is not None and adv.rendering == current.rendering,
            adv.rendering == "new",
        )

    return max(range(len(candidates)), key=rank)
