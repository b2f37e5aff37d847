"""Recording a fetch: new versions, the current one per destination, anomalies (noise rules)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection, Mapping, Sequence
from datetime import date, datetime

from advisor_cli import noise
from advisor_cli.model import BrokenItem, FeedResult, Item
from advisor_cli.store.base import Anomaly, PageValidators, Recorded, parse_stamp, stamp
from advisor_cli.store.outbox import Outbox


class Recording(Outbox):
    def record(
        self,
        source: str,
        result: FeedResult,
        now: datetime,
        *,
        url: str = "",
        etag: str | None = None,
        last_modified: str | None = None,
        watch: Mapping[str, Collection[str]] | None = None,
        item_count: int | None = None,
        pages: Sequence[PageValidators] = (),
    ) -> Recorded:
        """Record one successful fetch: new versions, the current one per destination, anomalies.

        `watch` maps a consumer (such as "check") to the destinations it watches: their changes
        go into the outbox in this same transaction, so that none can be lost in between.
        `item_count` is the size of the source's list (default: the items given); `pages` are
        validators of per-destination pages, saved only together with what they describe.
        """
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
                    len(result.items) + len(result.broken) if item_count is None else item_count,
                ),
            )
            self.db.executemany(
                "INSERT INTO validators (url, etag, last_modified, fetched_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (url) DO UPDATE SET etag = excluded.etag,"
                " last_modified = excluded.last_modified, fetched_at = excluded.fetched_at",
                [(p.url, p.etag, p.last_modified, stamp(now)) for p in pages],
            )
            for consumer, destinations in (watch or {}).items():
                self._enqueue_changes(consumer, source, destinations, now)
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
