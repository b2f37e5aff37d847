"""The database schema, as migrations: the database's user_version says how many are applied."""

from __future__ import annotations

V1 = """
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

V2 = """
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    consumer TEXT NOT NULL,                 -- who delivers it: "check"
    source TEXT NOT NULL,
    destination TEXT NOT NULL DEFAULT '',   -- empty for source events
    kind TEXT NOT NULL,                     -- "change", "failure" or "recovery"
    from_version INTEGER REFERENCES versions(id),
    to_version INTEGER REFERENCES versions(id),
    message TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    delivered_at TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT
);
CREATE INDEX outbox_pending ON outbox (consumer, delivered_at)
"""

V3 = """
CREATE TABLE validators (
    url TEXT PRIMARY KEY,                   -- a per-destination page, for conditional requests
    etag TEXT,
    last_modified TEXT,
    fetched_at TEXT NOT NULL
)
"""

MIGRATIONS = (V1, V2, V3)


def statements(script: str) -> list[str]:
    """The statements of a migration (no semicolons inside comments or strings)."""
    return [s for s in script.split(";") if s.strip()]
