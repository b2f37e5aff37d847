"""Reading the past: versions by number or date, the level over time, marks, and pruning."""

from __future__ import annotations

from datetime import datetime

from advisor_cli.store.base import Anomaly, StoreBase, Version, parse_stamp, stamp


class History(StoreBase):
    _VERSION_COLUMNS = "v.id, v.seq, v.advisory, v.first_seen, v.last_seen"

    def history(self, source: str, destination: str) -> list[Version]:
        """Every version that has been current, oldest first (numbered by `seq`)."""
        rows = self.db.execute(
            f"SELECT {self._VERSION_COLUMNS} FROM versions v WHERE v.source = ?"
            " AND v.destination = ? AND v.seq IS NOT NULL ORDER BY v.seq",
            (source, destination),
        ).fetchall()
        return [self._version(r) for r in rows]

    def by_seq(self, source: str, destination: str, seq: int) -> Version | None:
        row = self.db.execute(
            f"SELECT {self._VERSION_COLUMNS} FROM versions v WHERE v.source = ?"
            " AND v.destination = ? AND v.seq = ?",
            (source, destination, seq),
        ).fetchone()
        return self._version(row) if row else None

    def current_on(self, source: str, destination: str, until: datetime) -> Version | None:
        """The version that was current at `until` (the last one made current before it)."""
        row = self.db.execute(
            f"SELECT {self._VERSION_COLUMNS} FROM current_log l JOIN versions v"
            " ON v.id = l.version_id WHERE l.source = ? AND l.destination = ? AND l.at <= ?"
            " ORDER BY l.at DESC, l.id DESC LIMIT 1",
            (source, destination, stamp(until)),
        ).fetchone()
        return self._version(row) if row else None

    def timeline(self, source: str, destination: str) -> list[tuple[datetime, int]]:
        """(when, level) each time the current version changed, oldest first."""
        rows = self.db.execute(
            "SELECT l.at, v.level FROM current_log l JOIN versions v ON v.id = l.version_id"
            " WHERE l.source = ? AND l.destination = ? ORDER BY l.at, l.id",
            (source, destination),
        ).fetchall()
        return [(parse_stamp(at), level) for at, level in rows]

    def mark(self, consumer: str, source: str, destination: str) -> tuple[Version, datetime] | None:
        """The version `consumer` last reported for a destination, and when."""
        row = self.db.execute(
            f"SELECT {self._VERSION_COLUMNS}, m.at FROM marks m JOIN versions v"
            " ON v.id = m.version_id WHERE m.consumer = ? AND m.source = ? AND m.destination = ?",
            (consumer, source, destination),
        ).fetchone()
        return (self._version(row[:5]), parse_stamp(row[5])) if row else None

    def set_mark(
        self, consumer: str, source: str, destination: str, version_id: int, now: datetime
    ) -> None:
        with self.transaction():
            self.db.execute(
                "INSERT INTO marks (consumer, source, destination, version_id, at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (consumer, source, destination)"
                " DO UPDATE SET version_id = excluded.version_id, at = excluded.at",
                (consumer, source, destination, version_id, stamp(now)),
            )

    def anomalies(self, source: str, destination: str) -> list[Anomaly]:
        rows = self.db.execute(
            "SELECT source, destination, title, reason, first_seen FROM anomalies"
            " WHERE source = ? AND destination = ? ORDER BY first_seen",
            (source, destination),
        ).fetchall()
        return [Anomaly(r[0], r[1], r[2], r[3], parse_stamp(r[4])) for r in rows]

    # -- maintenance ---------------------------------------------------------------------------

    def gc(self, keep: int) -> tuple[int, int]:
        """Drop all but the `keep` newest versions per destination; never a current or marked one.

        Returns (versions removed, bytes freed in the database file).
        """
        before = self.path.stat().st_size if self.path.exists() else 0
        with self.transaction():
            doomed = [
                r[0]
                for r in self.db.execute(
                    "SELECT id FROM (SELECT v.id, ROW_NUMBER() OVER (PARTITION BY v.source,"
                    " v.destination ORDER BY COALESCE(v.seq, 0) DESC, v.last_seen DESC) AS rank"
                    " FROM versions v) WHERE rank > ?"
                    " AND id NOT IN (SELECT version_id FROM current)"
                    " AND id NOT IN (SELECT version_id FROM marks)"
                    " AND id NOT IN (SELECT from_version FROM outbox WHERE delivered_at IS NULL"
                    " AND from_version IS NOT NULL)"
                    " AND id NOT IN (SELECT to_version FROM outbox WHERE delivered_at IS NULL"
                    " AND to_version IS NOT NULL)",
                    (keep,),
                )
            ]
            for chunk in range(0, len(doomed), 500):
                ids = doomed[chunk : chunk + 500]
                marks = ",".join("?" * len(ids))
                self.db.execute(f"DELETE FROM current_log WHERE version_id IN ({marks})", ids)
                self.db.execute(
                    f"DELETE FROM outbox WHERE from_version IN ({marks})"
                    f" OR to_version IN ({marks})",
                    ids + ids,
                )
                self.db.execute(f"DELETE FROM versions WHERE id IN ({marks})", ids)
            self.db.execute(
                "DELETE FROM blobs WHERE hash NOT IN (SELECT advisory FROM versions)"
                " AND hash NOT IN (SELECT raw FROM versions WHERE raw IS NOT NULL)"
                " AND hash NOT IN (SELECT raw FROM anomalies WHERE raw IS NOT NULL)"
            )
        self.db.execute("VACUUM")
        after = self.path.stat().st_size
        return len(doomed), max(0, before - after)
