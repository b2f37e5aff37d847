"""The governments advisor reads; each module knows its endpoints and how to parse them."""

from __future__ import annotations

import importlib
import os
from types import ModuleType

from advisor_cli.errors import UsageError

NAMES = ("us", "uk", "ca", "de")


def expand(name: str) -> list[str]:
    """The sources a --source value stands for: "all" is every one."""
    return list(NAMES) if name == "all" else [name]


def get(name: str) -> ModuleType:
    """The module of a source, by its short name."""
    if name not in NAMES:
        raise UsageError(f"Unknown source {name!r}; choose from: {', '.join(NAMES)}.")
    return importlib.import_module(f"advisor_cli.sources.{name}")


def base_url(source: ModuleType) -> str:
    """The source's base URL, or the override from its environment variable (mirrors, tests)."""
    return (os.environ.get(source.BASE_ENV) or source.BASE_URL).rstrip("/")


def endpoints(source: ModuleType) -> list[str]:
    """The URLs a source is read from, with the base in force (placeholders for per-page ones)."""
    base = base_url(source)
    if getattr(source, "KIND", "feed") == "per-destination":
        return [source.index_url(base), base + source.PAGE_PATH]
    return [source.feed_url(base)]


def covering(source: ModuleType, destination: str) -> list[str]:
    """Destinations whose item also speaks for `destination` (Hong Kong inside China's)."""
    covers: dict[str, tuple[str, ...]] = getattr(source, "COVERS", {})
    return [code for code, covered in covers.items() if destination in covered]
