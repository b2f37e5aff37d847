"""The SQLite database: every version seen, which one is current, validators, marks, outbox."""

from __future__ import annotations

from advisor_cli.store.base import (
    Anomaly,
    Fetch,
    PageValidators,
    Recorded,
    Version,
    parse_stamp,
    stamp,
    utcnow,
)
from advisor_cli.store.history import History
from advisor_cli.store.record import Recording

__all__ = [
    "Anomaly",
    "Fetch",
    "PageValidators",
    "Recorded",
    "Store",
    "Version",
    "parse_stamp",
    "stamp",
    "utcnow",
]


class Store(Recording, History):
    """One advisor database; open it with `Store(path)` or `with Store(path) as store:`."""
