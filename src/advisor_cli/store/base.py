"""The connection, migrations, transactions, content-addressed blobs and fetch bookkeeping."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from advisor_cli.errors import StorageError
from advisor_cli.model import Advisory
from advisor_cli.store.schema import MIGRATIONS, statements

if TYPE_CHECKING:
    from typing_extensions import Self

# Seconds a write waits for another process's transaction before the database counts as busy.
BUSY_TIMEOUT = 15.0


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
class PageValidators:
    """What a conditional request for one page needs next time."""

    url: str
    etag: str | None
    last_modified: str | None


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


class StoreBase:
    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            why = "a file is in the way" if isinstance(exc, FileExistsError) else exc.strerror
            raise StorageError(f"Could not create {path.parent}: {why}.") from None
        try:
            self.db = sqlite3.connect(path, timeout=BUSY_TIMEOUT, isolation_level=None)
        except sqlite3.Error as exc:
            raise StorageError(self._cannot_open(exc)) from None
        try:
            self.db.execute("PRAGMA foreign_keys = ON")
            self.db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT * 1000)}")
            self._migrate()
            self.db.execute("PRAGMA journal_mode = WAL")
        except BaseException as exc:
            self.db.close()
            if isinstance(exc, sqlite3.Error):
                raise StorageError(self._cannot_open(exc)) from None
            raise

    def _cannot_open(self, exc: sqlite3.Error) -> str:
        # SQLite says "unable to open database file" whatever the cause; a read-only folder
        # (or file system) is the common one, and SQLite needs to write next to the database.
        folder = self.path.parent
        why = f"{folder} is read-only" if not os.access(folder, os.W_OK) else str(exc)
        return f"Could not open the database at {self.path}: {why}."

    def _migrate(self) -> None:
        """Apply the migrations this database has not seen, each in its own transaction."""
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version > len(MIGRATIONS):
            raise StorageError(
                f"The database at {self.path} was written by a newer advisor; upgrade advisor."
            )
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            with self.transaction():
                for statement in statements(script):
                    self.db.execute(statement)
                self.db.execute(f"PRAGMA user_version = {number}")

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Self:
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
        except sqlite3.OperationalError as exc:  # a full disk, an I/O error, a read-only file
            self._rollback()
            raise StorageError(f"Could not write to the database at {self.path}: {exc}.") from None
        except BaseException:
            self._rollback()
            raise
        else:
            try:
                self.db.execute("COMMIT")
            except sqlite3.Error as exc:
                self._rollback()
                raise StorageError(
                    f"Could not write to the database at {self.path}: {exc}."
                ) from None

    def _rollback(self) -> None:
        """Undo the open transaction, unless SQLite already has (it does on a full disk)."""
        if self.db.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                self.db.execute("ROLLBACK")

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

    # -- reading -------------------------------------------------------------------------------

    def _version(self, row: tuple[int, int | None, str, str, str]) -> Version:
        advisory = Advisory.from_dict(json.loads(self._get_blob(row[2])))
        return Version(row[0], row[1], advisory, parse_stamp(row[3]), parse_stamp(row[4]))

    def page_validators(self, url: str) -> PageValidators | None:
        row = self.db.execute(
            "SELECT url, etag, last_modified FROM validators WHERE url = ?", (url,)
        ).fetchone()
        return PageValidators(*row) if row else None

    def touch(self, source: str, destinations: Sequence[str], now: datetime) -> None:
        """A 304 for these destinations' pages: their current versions were seen again now."""
        with self.transaction():
            self.db.executemany(
                "UPDATE versions SET last_seen = ? WHERE id IN (SELECT version_id FROM current"
                " WHERE source = ? AND destination = ?)",
                [(stamp(now), source, d) for d in destinations],
            )

    def version(self, version_id: int) -> Version | None:
        row = self.db.execute(
            "SELECT v.id, v.seq, v.advisory, v.first_seen, v.last_seen FROM versions v"
            " WHERE v.id = ?",
            (version_id,),
        ).fetchone()
        return self._version(row) if row else None

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

    def destinations(self, source: str) -> set[str]:
        rows = self.db.execute("SELECT destination FROM current WHERE source = ?", (source,))
        return {r[0] for r in rows}
