"""Reading the JSON that per-destination sources send: every shape problem is a FeedError."""

from __future__ import annotations

import json
from typing import Any, TypeVar

from advisor_cli.errors import FeedError

T = TypeVar("T")


def load(body: bytes, what: str) -> Any:
    """The parsed JSON document; empty, HTML or invalid bodies are errors naming `what`."""
    text = body.decode("utf-8", errors="replace").strip() if body else ""
    if not text:
        raise FeedError(f"The {what} is empty.")
    if text[:1] == "<":
        raise FeedError(f"The {what} is an HTML or XML page, not JSON.")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise FeedError(f"The {what} is not valid JSON ({exc.msg}, line {exc.lineno}).") from None


def field(obj: Any, key: str, kind: type[T], what: str) -> T:
    """obj[key], which must be of `kind`; otherwise a FeedError saying what was expected."""
    if not isinstance(obj, dict):
        raise FeedError(f"The {what} has the wrong shape: expected an object.")
    value = obj.get(key)
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise FeedError(
            f"The {what} has the wrong shape: {key!r} should be {kind.__name__}, "
            f"not {type(value).__name__}."
        )
    return value
