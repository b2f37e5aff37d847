"""Where advisor keeps its files: platform directories, or everything under $ADVISOR_HOME."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

APP = "advisor"


@dataclass(frozen=True)
class Paths:
    data: Path
    cache: Path
    config: Path

    @property
    def database(self) -> Path:
        return self.data / "advisor.sqlite3"

    @property
    def config_file(self) -> Path:
        return self.config / "config.toml"


def paths() -> Paths:
    """Return the directories for this environment (they are created when first written)."""
    home = os.environ.get("ADVISOR_HOME")
    if home:
        base = Path(home).expanduser()
        return Paths(data=base, cache=base / "cache", config=base)
    import platformdirs

    return Paths(
        data=platformdirs.user_data_path(APP),
        cache=platformdirs.user_cache_path(APP),
        config=platformdirs.user_config_path(APP),
    )
