"""Error classes and the exit codes they map to; every user-facing failure is one of these."""

from __future__ import annotations

from enum import IntEnum


class ExitStatus(IntEnum):
    OK = 0
    CHANGED = 1
    USAGE = 2
    FAILURE = 3


class AdvisorError(Exception):
    """An error whose message a user can read as it is."""

    exit_status = ExitStatus.FAILURE


class UsageError(AdvisorError):
    exit_status = ExitStatus.USAGE


class UnknownDestination(UsageError):
    def __init__(self, query: str, suggestions: list[str]) -> None:
        message = f"Unknown destination {query!r}."
        if suggestions:
            message += f" Did you mean: {', '.join(suggestions)}?"
        super().__init__(message)
        self.query = query
        self.suggestions = suggestions


class FetchError(AdvisorError):
    """The network, the server or its answer failed us."""


class FeedError(AdvisorError):
    """The source answered, but not with a usable feed."""


class StorageError(AdvisorError):
    """The local database could not be read or written."""


class NotStored(AdvisorError):
    """Offline use asked for something that was never fetched."""
