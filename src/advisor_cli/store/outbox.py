"""The outbox: changes and source events waiting to be delivered, durable until acknowledged."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from advisor_cli.store.base import StoreBase, parse_stamp, stamp


@dataclass(frozen=True)
class Entry:
    id: int
    source: str
    destination: str
    kind: str  # "change", "failure" or "recovery"
    from_version: int | None
    to_version: int | None
    message: str
    created_at: datetime
    attempts: int


class Outbox(StoreBase):
    def _enqueue_changes(
        self, consumer: str, source: str, destinations: Iterable[str], now: datetime
    ) -> int:
        """Queue what `consumer` has not been given yet and move its marks; inside a transaction."""
        queued = 0
        for destination in destinations:
            row = self.db.execute(
                "SELECT c.version_id, m.version_id FROM current c LEFT JOIN marks m"
                " ON m.consumer = ? AND m.source = c.source AND m.destination = c.destination"
                " WHERE c.source = ? AND c.destination = ?",
                (consumer, source, destination),
            ).fetchone()
            if row is None or row[0] == row[1]:
                continue
            current, marked = row
            if marked is not None:
                self.db.execute(
                    "INSERT INTO outbox (consumer, source, destination, kind, from_version,"
                    " to_version, created_at) VALUES (?, ?, ?, 'change', ?, ?, ?)",
                    (consumer, source, destination, marked, current, stamp(now)),
                )
                queued += 1
            self.db.execute(
                "INSERT INTO marks (consumer, source, destination, version_id, at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (consumer, source, destination)"
                " DO UPDATE SET version_id = excluded.version_id, at = excluded.at",
                (consumer, source, destination, current, stamp(now)),
            )
        return queued

    def enqueue_changes(
        self, consumer: str, source: str, destinations: Iterable[str], now: datetime
    ) -> int:
        """Queue changes not yet given to `consumer` (a first sight only starts watching)."""
        with self.transaction():
            return self._enqueue_changes(consumer, source, destinations, now)

    def enqueue_event(
        self, consumer: str, source: str, kind: str, message: str, now: datetime
    ) -> None:
        with self.transaction():
            self.db.execute(
                "INSERT INTO outbox (consumer, source, kind, message, created_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (consumer, source, kind, message, stamp(now)),
            )

    def last_event(self, consumer: str, source: str) -> str | None:
        """The kind of the latest failure or recovery queued for a source, if any."""
        row = self.db.execute(
            "SELECT kind FROM outbox WHERE consumer = ? AND source = ? AND kind != 'change'"
            " ORDER BY id DESC LIMIT 1",
            (consumer, source),
        ).fetchone()
        return row[0] if row else None

    def pending(self, consumer: str) -> list[Entry]:
        rows = self.db.execute(
            "SELECT id, source, destination, kind, from_version, to_version, message, created_at,"
            " attempts FROM outbox WHERE consumer = ? AND delivered_at IS NULL ORDER BY id",
            (consumer,),
        ).fetchall()
        return [
            Entry(r[0], r[1], r[2], r[3], r[4], r[5], r[6], parse_stamp(r[7]), r[8]) for r in rows
        ]

    def delivered(self, ids: Sequence[int], now: datetime) -> None:
        with self.transaction():
            self.db.executemany(
                "UPDATE outbox SET delivered_at = ?, attempts = attempts + 1 WHERE id = ?",
                [(stamp(now), i) for i in ids],
            )

    def delivery_failed(self, ids: Sequence[int], error: str, now: datetime) -> None:
        with self.transaction():
            self.db.executemany(
                "UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE id = ?",
                [(f"{stamp(now)} {error}", i) for i in ids],
            )
