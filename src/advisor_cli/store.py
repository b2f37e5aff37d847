"""The SQLite database: every version seen, which one is current, validators and anomalies."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

from advisor_cli import noise
from advisor_cli.errors import StorageError
from advisor_cli.model import Advisory, BrokenItem, FeedResult, Item

SCHEMA = """
CREATE TABLE IF NOT EXISTS blobs (
    hash TEXT PRIMARY KEY,
    data BLOB NOT NULL                      -- zlib-compressed, identical content stored once
);
CREATE TABLE IF NOT EXISTS versions (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    destination TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    body_fingerprint TEXT NOT NULL,         -- the fingerprint without the issued date
    level INTEGER NOT NULL,
    issued TEXT,
    rendering TEXT NOT NULL DEFAULT '',
    advisory TEXT NOT NULL REFERENCES blobs(hash),
    raw TEXT REFERENCES blobs(hash),
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    seq INTEGER,                            -- the number history shows, set once it is current
    UNIQUE (source, destination, fingerprint)
);
CREATE TABLE IF NOT EXISTS current (
    source TEXT NOT NULL,
    destination TEXT NOT NULL,
    version_id INTEGER NOT NULL REFERENCES versions(id),
    since TEXT NOT NULL,
    PRIMARY KEY (source, destination)
);
CREATE TABLE IF NOT EXISTS current_log (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    destination TEXT NOT NULL,
    version_id INTEGER NOT NULL REFERENCES versions(id),
    at TEXT NOT NULL,
    silent INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS current_log_dest ON current_log (source, destination, at);
CREATE TABLE IF NOT EXISTS marks (
    consumer TEXT NOT NULL,                 -- "diff", "check": what each has already reported
    source TEXT NOT NULL,
    destination TEXT NOT NULL,
    version_id INTEGER NOT NULL REFERENCES versions(id),
    at TEXT NOT NULL,
    PRIMARY KEY (consumer, source, destination)
);
CREATE TABLE IF NOT EXISTS anomalies (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    destination TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    title TEXT NOT NULL,
    reason TEXT NOT NULL,
    raw TEXT REFERENCES blobs(hash),
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    reported INTEGER NOT NULL DEFAULT 0,
    UNIQUE (source, destination, fingerprint)
);
CREATE TABLE IF NOT EXISTS fetches (
    source TEXT PRIMARY KEY,
    url TEXT,
    etag TEXT,
    last_modified TEXT,
    last_attempt TEXT,
    last_success TEXT,
    last_error TEXT,
    item_count INTEGER
);
"""
SCHEMA_VERSION = 1


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def stamp(when: datetime) -> str:
    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_stamp(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)


@dataclass(frozen=True)
class Version:
    """A stored advisory version with its bookkeeping."""

    id: int
    seq: int | None
    advisory: Advisory
    first_seen: datetime
    last_seen: datetime


@dataclass(frozen=True)
class Fetch:
    source: str
    url: str | None
    etag: str | None
    last_modified: str | None
    last_attempt: datetime | None
    last_success: datetime | None
    last_error: str | None
    item_count: int | None


@dataclass(frozen=True)
class Anomaly:
    source: str
    destination: str
    title: str
    reason: str
    first_seen: datetime


@dataclass(frozen=True)
class Recorded:
    """What one fetch changed in the store."""

    changed: tuple[str, ...]  # destinations whose current version moved and should be reported
    anomalies: tuple[Anomaly, ...]  # anomalies seen for the first time


class Store:
    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(path, timeout=15, isolation_level=None)
            self.db.execute("PRAGMA foreign_keys = ON")
            self.db.execute("PRAGMA busy_timeout = 15000")
            version = self.db.execute("PRAGMA user_version").fetchone()[0]
            if version < SCHEMA_VERSION:
                with self.transaction():
                    for statement in SCHEMA.split(";"):
                        if statement.strip():
                            self.db.execute(statement)
                    self.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            elif version > SCHEMA_VERSION:
                raise StorageError(
                    f"The database at {path} was written by a newer advisor; upgrade advisor."
                )
            self.db.execute("PRAGMA journal_mode = WAL")
        except sqlite3.Error as exc:
            raise StorageError(f"Could not open the database at {path}: {exc}.") from None
        except OSError as exc:
            raise StorageError(f"Could not create {path.parent}: {exc.strerror}.") from None

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE … COMMIT: writers queue up, and a failure rolls everything back."""
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise StorageError(
                f"The database at {self.path} is busy or unwritable: {exc}."
            ) from None
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        else:
            try:
                self.db.execute("COMMIT")
            except sqlite3.Error as exc:
                self.db.execute("ROLLBACK")
                raise StorageError(
                    f"Could not write to the database at {self.path}: {exc}."
                ) from None

    # -- blobs ---------------------------------------------------------------------------------

    def _put_blob(self, data: bytes) -> str:
        digest = hashlib.sha256(data).hexdigest()
        self.db.execute(
            "INSERT OR IGNORE INTO blobs (hash, data) VALUES (?, ?)",
            (digest, zlib.compress(data, 6)),
        )
        return digest

    def _get_blob(self, digest: str) -> bytes:
        row = self.db.execute("SELECT data FROM blobs WHERE hash = ?", (digest,)).fetchone()
        if row is None:
            raise StorageError(f"The database at {self.path} is missing stored content {digest}.")
        return zlib.decompress(row[0])

    def raw_item(self, version_id: int) -> bytes | None:
        row = self.db.execute("SELECT raw FROM versions WHERE id = ?", (version_id,)).fetchone()
        return self._get_blob(row[0]) if row and row[0] else None

    # -- fetch bookkeeping ---------------------------------------------------------------------

    def fetch_info(self, source: str) -> Fetch | None:
        row = self.db.execute(
            "SELECT source, url, etag, last_modified, last_attempt, last_success, last_error,"
            " item_count FROM fetches WHERE source = ?",
            (source,),
        ).fetchone()
        if row is None:
            return None
        return Fetch(
            row[0],
            row[1],
            row[2],
            row[3],
            parse_stamp(row[4]) if row[4] else None,
            parse_stamp(row[5]) if row[5] else None,
            row[6],
            row[7],
        )

    def fetch_failed(self, source: str, url: str, error: str, now: datetime) -> None:
        with self.transaction():
            self.db.execute(
                "INSERT INTO fetches (source, url, last_attempt, last_error) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (source) DO UPDATE SET url = excluded.url,"
                " last_attempt = excluded.last_attempt, last_error = excluded.last_error",
                (source, url, stamp(now), error),
            )

    def fetch_not_modified(self, source: str, now: datetime) -> None:
        with self.transaction():
            self.db.execute(
                "UPDATE fetches SET last_attempt = ?, last_success = ?, last_error = NULL"
                " WHERE source = ?",
                (stamp(now), stamp(now), source),
            )
            self.db.execute(
                "UPDATE versions SET last_seen = ? WHERE id IN"
                " (SELECT version_id FROM current WHERE source = ?)",
                (stamp(now), source),
            )

    # -- recording -----------------------------------------------------------------------------

    def record(
        self,
        source: str,
        result: FeedResult,
        now: datetime,
        *,
        url: str = "",
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> Recorded:
        """Record one successful fetch: new versions, the current one per destination, anomalies."""
        groups: dict[str, list[Item]] = {}
        for item in result.items:
            groups.setdefault(item.advisory.destination, []).append(item)
        changed: list[str] = []
        anomalies: list[Anomaly] = []
        with self.transaction():
            for broken in result.broken:
                if a := self._anomaly(broken, b"", now):
                    anomalies.append(a)
            for destination, items in groups.items():
                moved, found = self._record_destination(source, destination, items, now)
                if moved:
                    changed.append(destination)
                anomalies.extend(found)
            self.db.execute(
                "INSERT INTO fetches (source, url, etag, last_modified, last_attempt, last_success,"
                " last_error, item_count) VALUES (?, ?, ?, ?, ?, ?, NULL, ?)"
                " ON CONFLICT (source) DO UPDATE SET url = excluded.url, etag = excluded.etag,"
                " last_modified = excluded.last_modified, last_attempt = excluded.last_attempt,"
                " last_success = excluded.last_success, last_error = NULL,"
                " item_count = excluded.item_count",
                (
                    source,
                    url,
                    etag,
                    last_modified,
                    stamp(now),
                    stamp(now),
                    len(result.items) + len(result.broken),
                ),
            )
        return Recorded(tuple(changed), tuple(anomalies))

    def _record_destination(
        self, source: str, destination: str, items: list[Item], now: datetime
    ) -> tuple[bool, list[Anomaly]]:
        current = self._current_known(source, destination)
        anomalies: list[Anomaly] = []
        usable: list[tuple[Item, str]] = []
        for item in items:
            reason = noise.anomaly(item.advisory, now.date())
            if reason:
                adv = item.advisory
                broken = BrokenItem(source, adv.name, reason, destination)
                if a := self._anomaly(broken, item.raw, now):
                    anomalies.append(a)
            else:
                usable.append((item, item.advisory.fingerprint()))
        if not usable:
            return False, anomalies
        chosen = noise.choose(
            [(i.advisory, fp) for i, fp in usable], current[1] if current else None
        )
        moved = False
        for index, (item, fp) in enumerate(usable):
            version_id, seen = self._upsert_version(source, item, fp, now)
            if index != chosen:
                continue
            decision = noise.decide(item.advisory, fp, current[1] if current else None, seen, now)
            if decision.becomes_current:
                silent = noise.silent(decision, item.advisory, current[1] if current else None)
                self._make_current(
                    source,
                    destination,
                    version_id,
                    now,
                    silent=silent,
                    previous=current[0] if current else None,
                )
                moved = not silent and decision.outcome is not noise.Outcome.FIRST
        return moved, anomalies

    _KNOWN_COLUMNS = (
        "v.id, v.fingerprint, v.body_fingerprint, v.level, v.issued, v.rendering, v.last_seen"
    )

    @staticmethod
    def _known(row: tuple[int, str, str, int, str | None, str, str]) -> tuple[int, noise.Known]:
        issued = date.fromisoformat(row[4]) if row[4] else None
        return row[0], noise.Known(row[1], row[2], row[3], issued, row[5], parse_stamp(row[6]))

    def _current_known(self, source: str, destination: str) -> tuple[int, noise.Known] | None:
        row = self.db.execute(
            f"SELECT {self._KNOWN_COLUMNS} FROM current c JOIN versions v ON v.id = c.version_id"
            " WHERE c.source = ? AND c.destination = ?",
            (source, destination),
        ).fetchone()
        return self._known(row) if row else None

    def _upsert_version(
        self, source: str, item: Item, fp: str, now: datetime
    ) -> tuple[int, noise.Known | None]:
        """Insert the version or touch its last_seen; also return it as it was before, if known."""
        adv = item.advisory
        row = self.db.execute(
            f"SELECT {self._KNOWN_COLUMNS} FROM versions v"
            " WHERE v.source = ? AND v.destination = ? AND v.fingerprint = ?",
            (source, adv.destination, fp),
        ).fetchone()
        if row is not None:
            self.db.execute("UPDATE versions SET last_seen = ? WHERE id = ?", (stamp(now), row[0]))
            return self._known(row)
        body = json.dumps(adv.to_dict(), ensure_ascii=False, sort_keys=True).encode("utf-8")
        cursor = self.db.execute(
            "INSERT INTO versions (source, destination, fingerprint, body_fingerprint, level,"
            " issued, rendering, advisory, raw, first_seen, last_seen)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                source,
                adv.destination,
                fp,
                adv.body_fingerprint(),
                adv.level,
                adv.issued.isoformat() if adv.issued else None,
                adv.rendering,
                self._put_blob(body),
                self._put_blob(item.raw) if item.raw else None,
                stamp(now),
                stamp(now),
            ),
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid, None

    def _make_current(
        self,
        source: str,
        destination: str,
        version_id: int,
        now: datetime,
        *,
        silent: bool,
        previous: int | None,
    ) -> None:
        self.db.execute(
            "UPDATE versions SET seq = (SELECT COALESCE(MAX(seq), 0) + 1 FROM versions"
            " WHERE source = ? AND destination = ?) WHERE id = ? AND seq IS NULL",
            (source, destination, version_id),
        )
        self.db.execute(
            "INSERT INTO current (source, destination, version_id, since) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (source, destination) DO UPDATE SET version_id = excluded.version_id,"
            " since = excluded.since",
            (source, destination, version_id, stamp(now)),
        )
        self.db.execute(
            "INSERT INTO current_log (source, destination, version_id, at, silent)"
            " VALUES (?, ?, ?, ?, ?)",
            (source, destination, version_id, stamp(now), int(silent)),
        )
        if silent and previous is not None:
            # Noise moved the current version: whoever had seen the old one has seen this one.
            self.db.execute(
                "UPDATE marks SET version_id = ? WHERE source = ? AND destination = ?"
                " AND version_id = ?",
                (version_id, source, destination, previous),
            )

    def _anomaly(self, broken: BrokenItem, raw: bytes, now: datetime) -> Anomaly | None:
        """Record an unusable item; return it only the first time it is seen."""
        fp = hashlib.sha256(f"{broken.title}\x1f{broken.reason}\x1e".encode() + raw).hexdigest()[
            :32
        ]
        key = (broken.source, broken.destination, fp)
        updated = self.db.execute(
            "UPDATE anomalies SET last_seen = ? WHERE source = ? AND destination = ?"
            " AND fingerprint = ?",
            (stamp(now), *key),
        )
        if updated.rowcount:
            return None
        self.db.execute(
            "INSERT INTO anomalies (source, destination, fingerprint, title, reason, raw,"
            " first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                *key,
                broken.title,
                broken.reason,
                self._put_blob(raw) if raw else None,
                stamp(now),
                stamp(now),
            ),
        )
        return Anomaly(broken.source, broken.destination, broken.title, broken.reason, now)

    # -- reading -------------------------------------------------------------------------------

    def _version(self, row: tuple[int, int | None, str, str, str]) -> Version:
        advisory = Advisory.from_dict(json.loads(self._get_blob(row[2])))
        return Version(row[0], row[1], advisory, parse_stamp(row[3]), parse_stamp(row[4]))

    def current(self, source: str, destination: str) -> Version | None:
        row = self.db.execute(
            "SELECT v.id, v.seq, v.advisory, v.first_seen, v.last_seen"
            " FROM current c JOIN versions v ON v.id = c.version_id"
            " WHERE c.source = ? AND c.destination = ?",
            (source, destination),
        ).fetchone()
        return self._version(row) if row else None

    def all_current(self, source: str) -> list[Version]:
        rows = self.db.execute(
            "SELECT v.id, v.seq, v.advisory, v.first_seen, v.last_seen"
            " FROM current c JOIN versions v ON v.id = c.version_id WHERE c.source = ?",
            (source,),
        ).fetchall()
        return [self._version(r) for r in rows]

    def current_summary(self, source: str) -> list[tuple[str, int, str | None]]:
        """(destination, level, issued) of every current version, without decoding the text."""
        return self.db.execute(
            "SELECT c.destination, v.level, v.issued FROM current c"
            " JOIN versions v ON v.id = c.version_id WHERE c.source = ?",
            (source,),
        ).fetchall()

    def destinations(self, source: str) -> set[str]:
        rows = self.db.execute("SELECT destination FROM current WHERE source = ?", (source,))
        return {r[0] for r in rows}

    # -- history and marks ---------------------------------------------------------------------

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
                    " AND id NOT IN (SELECT version_id FROM marks)",
                    (keep,),
                )
            ]
            for chunk in range(0, len(doomed), 500):
                ids = doomed[chunk : chunk + 500]
                marks = ",".join("?" * len(ids))
                self.db.execute(f"DELETE FROM current_log WHERE version_id IN ({marks})", ids)
                self.db.execute(f"DELETE FROM versions WHERE id IN ({marks})", ids)
            self.db.execute(
                "DELETE FROM blobs WHERE hash NOT IN (SELECT advisory FROM versions)"
                " AND hash NOT IN (SELECT raw FROM versions WHERE raw IS NOT NULL)"
                " AND hash NOT IN (SELECT raw FROM anomalies WHERE raw IS NOT NULL)"
            )
        self.db.execute("VACUUM")
        after = self.path.stat().st_size
        return len(doomed), max(0, before - after)
