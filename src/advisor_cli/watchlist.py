"""The watchlist: `watch = [...]` in config.toml, edited in place keeping comments and layout."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import tomlkit
from tomlkit.items import Array

from advisor_cli import destinations
from advisor_cli.config import ConfigError, Lines, load, located, parse_document, read_text
from advisor_cli.destinations import Destination
from advisor_cli.errors import AdvisorError, UsageError
from advisor_cli.paths import paths


def watch_list(path: Path | None = None) -> list[Destination]:
    """The watched destinations in the file's order (the whole configuration must be valid)."""
    return [destinations.resolve(slug) for slug in load(path).watch]


def watch_add(names: Sequence[str], path: Path | None = None) -> list[str]:
    """Add destinations to `watch` as slugs, creating the file if need be; the names added."""
    wanted = [destinations.resolve(name) for name in names]
    path, doc, entries = _watch_document(path)
    have = {dest.code for entry in entries if (dest := _lookup(entry))}
    added = [d for d in dict.fromkeys(wanted) if d.code not in have]
    if added:
        if "watch" in doc:
            entries.extend(d.slug for d in added)
        else:
            doc["watch"] = [d.slug for d in added]
        _write(path, doc)
    return [d.name for d in added]


def watch_remove(names: Sequence[str], path: Path | None = None) -> list[str]:
    """Remove the entries naming these destinations (by any name or code); the names removed."""
    path, doc, entries = _watch_document(path)
    doomed: set[int] = set()
    for name in names:
        matches = {i for i, entry in enumerate(entries) if _same(entry, name)}
        if not matches:
            dest = destinations.resolve(name)  # an unknown name raises UnknownDestination
            raise UsageError(f"{dest.name} is not on the watchlist in {path}.")
        doomed |= matches
    removed = [d.name if (d := _lookup(entries[i])) else str(entries[i]) for i in sorted(doomed)]
    for i in sorted(doomed, reverse=True):
        del entries[i]
    _write(path, doc)
    return list(dict.fromkeys(removed))


def _lookup(entry: Any) -> Destination | None:
    return destinations.lookup(entry) if isinstance(entry, str) else None


def _same(entry: Any, name: str) -> bool:
    """The entry names the destination `name` does, or is `name` (a typo in the file, say)."""
    dest, wanted = _lookup(entry), destinations.lookup(name)
    if dest is not None and wanted is not None:
        return dest.code == wanted.code
    return isinstance(entry, str) and destinations.key(entry) == destinations.key(name)


def _watch_document(path: Path | None) -> tuple[Path, tomlkit.TOMLDocument, Array]:
    path = path or paths().config_file
    text = read_text(path) or ""
    doc = parse_document(path, text)
    entries = doc.get("watch", tomlkit.array())
    if not isinstance(entries, Array):
        line = Lines(text).find(("watch",))
        raise ConfigError(located(path, line, "watch must be a list of destinations."))
    return path, doc, entries


def _write(path: Path, doc: tomlkit.TOMLDocument) -> None:
    """Replace the file atomically (through a symlink), keeping its mode; a new file gets 0600."""
    target = Path(os.path.realpath(path))
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        mode = stat.S_IMODE(target.stat().st_mode) if target.exists() else 0o600
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
                f.write(doc.as_string())
                f.flush()
                os.fsync(f.fileno())
            os.chmod(tmp, mode)
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    except OSError as exc:
        raise AdvisorError(f"Could not write {path}: {exc.strerror or exc}.") from None
