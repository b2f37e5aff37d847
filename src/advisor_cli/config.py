"""config.toml: the watchlist, default sources and email settings, each problem with its line.

tomlkit edits the file keeping the user's comments and layout; ADVISOR_EMAIL_* and ADVISOR_SMTP_*
in the environment override the email settings.
"""

from __future__ import annotations

import contextlib
import difflib
import json
import os
import re
import shlex
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from email.utils import parseaddr
from pathlib import Path
from typing import Any

import tomlkit
from tomlkit.exceptions import ParseError, TOMLKitError

from advisor_cli import destinations, sources
from advisor_cli.destinations import Destination
from advisor_cli.errors import AdvisorError, UnknownDestination, UsageError
from advisor_cli.paths import paths

SECURITY = ("starttls", "ssl", "none")
PORTS = {"starttls": 587, "ssl": 465, "none": 25}
TIMEOUT = 30.0
MASK = "********"
PASSWORD_ENV = "ADVISOR_SMTP_PASSWORD"
COMMAND_TIMEOUT = 60.0  # a password command may wait for a passphrase prompt
TOP_KEYS = ("watch", "sources", "email")
PASSWORD_KEYS = ("password_env", "password_file", "password_command")
EMAIL_KEYS = ("to", "from", "host", "port", "security", "username", *PASSWORD_KEYS, "timeout")
ENV = {
    "to": "ADVISOR_EMAIL_TO",
    "from": "ADVISOR_EMAIL_FROM",
    "host": "ADVISOR_SMTP_HOST",
    "port": "ADVISOR_SMTP_PORT",
    "security": "ADVISOR_SMTP_SECURITY",
    "username": "ADVISOR_SMTP_USERNAME",
}
MUST = {
    "to": "must be an email address or a list of them",
    "from": "must be an email address",
    "host": "must be a host name",
    "port": "must be a whole number from 1 to 65535",
    "security": 'must be "starttls", "ssl" or "none"',
    "username": "must be a user name",
    "password_env": "must be the name of an environment variable",
    "password_file": "must be the path of a file",
    "password_command": "must be a command line",
    "timeout": "must be a number of seconds above 0",
}
# Names people reach for that difflib would not connect with ours.
_HINTS = {"sender": "from", "recipients": "to", "user": "username", "server": "host"}


class ConfigError(UsageError):
    """The configuration file or the environment holds something advisor cannot use."""


class PasswordError(AdvisorError):
    """The SMTP password could not be read from where the configuration says it is."""


@dataclass(frozen=True)
class EmailConfig:
    to: tuple[str, ...]
    sender: str
    host: str
    port: int
    security: str  # one of SECURITY
    username: str | None = None
    password_env: str | None = None
    password_file: Path | None = None
    password_command: str | None = None
    timeout: float = TIMEOUT

    def password(self) -> str | None:
        """The SMTP password (ADVISOR_SMTP_PASSWORD wins), or None when none is configured."""
        if os.environ.get(PASSWORD_ENV):
            return os.environ[PASSWORD_ENV]
        if name := self.password_env:
            return _first_line(os.environ.get(name, ""), f"email.password_env: {name} is unset.")
        if self.password_file:
            try:
                text = self.password_file.read_text(encoding="utf-8")
            except (OSError, UnicodeError) as exc:
                why = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
                raise PasswordError(f"Could not read {self.password_file}: {why}.") from None
            return _first_line(text, f"The password file {self.password_file} is empty.")
        if self.password_command:
            return _first_line(
                _run(self.password_command), "email.password_command printed nothing."
            )
        return None


def _first_line(text: str, empty: str) -> str:
    if not text.strip():
        raise PasswordError(empty)
    return text.splitlines()[0]


def _run(command: str) -> str:
    """What a password command prints; the last line of its stderr explains a failure."""
    args = shlex.split(command)
    try:
        done = subprocess.run(args, capture_output=True, text=True, timeout=COMMAND_TIMEOUT)
    except subprocess.TimeoutExpired:
        raise PasswordError(f"email.password_command ran over {COMMAND_TIMEOUT:g} s.") from None
    except OSError as exc:
        raise PasswordError(f"email.password_command: {args[0]}: {exc.strerror}.") from None
    if done.returncode != 0:
        said = (done.stderr.strip().splitlines() or [""])[-1][:200]
        raise PasswordError(
            f"email.password_command failed (exit status {done.returncode})"
            + (f": {said}" if said else ".")
        )
    return done.stdout


@dataclass(frozen=True)
class Config:
    path: Path
    watch: tuple[str, ...] = ()  # destination slugs ("mali"), checked, without duplicates
    sources: tuple[str, ...] = ("us",)
    email: EmailConfig | None = None
    overrides: tuple[str, ...] = ()  # the environment variables that were applied, by name


@dataclass(frozen=True)
class Problem:
    line: int | None  # None: not in the file (the environment, a missing key)
    text: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.text}" if self.line else self.text


def load(path: Path | None = None) -> Config:
    """The effective configuration; ConfigError names the first problem and counts the rest."""
    path = path or paths().config_file
    config, found = _evaluate(path, os.environ)
    if config is None:
        message = located(path, found[0].line, found[0].text)
        if len(found) > 1:
            n = len(found) - 1
            message += f" ({n} more problem{'s' if n > 1 else ''}: see advisor config check.)"
        raise ConfigError(message)
    return config


def problems(path: Path | None = None) -> list[str]:
    """Every problem with the configuration, as "line N: …"; empty when all is well."""
    path = path or paths().config_file
    try:
        return [str(p) for p in _evaluate(path, os.environ)[1]]
    except ConfigError as exc:  # unreadable, or not TOML: nothing more to say
        return [str(exc).removeprefix(f"{path}, ")]


def effective(config: Config) -> dict[str, Any]:
    """The configuration as `config show` prints it: secrets masked, no password command run."""
    email: dict[str, Any] | None = None
    if e := config.email:
        secret = os.environ.get(PASSWORD_ENV) or e.password_env or e.password_file
        shown: dict[str, Any] = {"to": list(e.to), "from": e.sender}
        shown["password"] = MASK if secret or e.password_command else None
        shown["password_file"] = str(e.password_file) if e.password_file else None
        email = {k: shown[k] if k in shown else getattr(e, k) for k in (*EMAIL_KEYS, "password")}
    return {
        "file": str(config.path),
        "watch": list(config.watch),
        "sources": list(config.sources),
        "email": email,
        "environment": list(config.overrides),
    }


# -- reading and checking -----------------------------------------------------------------------


def located(path: Path, line: int | None, text: str) -> str:
    return f"{path}, line {line}: {text}" if line else text


def read_text(path: Path) -> str | None:
    """The file's text (CRLF kept, no byte-order mark), or None when there is no file."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ConfigError(f"Could not read {path}: {exc.strerror}.") from None
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ConfigError(located(path, line, "not UTF-8 text.")) from None


def parse_document(path: Path, text: str) -> tomlkit.TOMLDocument:
    try:
        return tomlkit.parse(text)
    except ParseError as exc:
        what = re.sub(r" at line \d+ col \d+$", "", str(exc)).rstrip(".")
        what = "unexpected end of file" if "'\\x00'" in what else what  # tomlkit's EOF
        raise ConfigError(located(path, exc.line, f"not valid TOML: {what}.")) from None
    except TOMLKitError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None


def _evaluate(path: Path, env: Mapping[str, str]) -> tuple[Config | None, list[Problem]]:
    text = read_text(path) or ""
    data = parse_document(path, text).unwrap()
    check = _Checker(Lines(text), path.parent)
    for key in data:
        if key not in TOP_KEYS:
            check.problem((key,), _unknown(key, TOP_KEYS))
    watch = check.watch(data.get("watch", []))
    names = check.sources(data.get("sources", ["us"]))
    email, applied = check.email(data.get("email"), env)
    if check.found:
        return None, sorted(check.found, key=lambda p: (p.line is None, p.line or 0))
    return Config(path, watch, names, email, applied), []


def _unknown(key: str, known: Sequence[str], prefix: str = "") -> str:
    close = [_HINTS[key]] if prefix and key in _HINTS else difflib.get_close_matches(key, known, 1)
    if close:
        return f"unknown key {prefix + key!r}. Did you mean {prefix + close[0]!r}?"
    return f"unknown key {prefix + key!r} (known keys: {', '.join(known)})."


def _show(value: Any) -> str:
    """A value as a problem message quotes it."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (int, float, str)):
        return repr(value)
    if isinstance(value, list):
        return "a list" if value else "an empty list"
    return "a table" if isinstance(value, dict) else "a date"


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _address(value: Any) -> bool:
    """A plausible email address: "me@example.com" or "Me <me@example.com>"."""
    if not isinstance(value, str) or _CONTROL.search(value):
        return False
    local, _, domain = parseaddr(value)[1].rpartition("@")
    return bool(local and domain) and " " not in domain


class _Checker:
    """Converts the parsed values, noting every problem with its line."""

    def __init__(self, lines: Lines, base: Path) -> None:
        self.lines, self.base = lines, base
        self.found: list[Problem] = []

    def problem(self, key: tuple[str, ...], text: str, line: int | None = None) -> None:
        self.found.append(Problem(line or self.lines.find(key), text))

    def watch(self, value: Any) -> tuple[str, ...]:
        if not isinstance(value, list):
            self.problem(("watch",), f"watch must be a list of destinations, not {_show(value)}.")
            return ()
        found: dict[str, Destination] = {}
        for item in value:
            if dest := (destinations.lookup(item) if isinstance(item, str) else None):
                found.setdefault(dest.code, dest)
            elif isinstance(item, str):
                unknown = UnknownDestination(item, destinations.suggest(item))
                self.problem((), f"watch: {unknown}", self.lines.element(("watch",), item))
            else:
                self.problem(("watch",), f"watch entries must be names, not {_show(item)}.")
        return tuple(d.slug for d in found.values())

    def sources(self, value: Any) -> tuple[str, ...]:
        choices = ", ".join(sources.NAMES)
        if not isinstance(value, list) or not value:
            self.problem(("sources",), f"sources must list some of {choices}, not {_show(value)}.")
            return ()
        for item in value:
            if item not in sources.NAMES:
                line = self.lines.element(("sources",), item) if isinstance(item, str) else None
                text = f"sources: unknown source {_show(item)}; choose from: {choices}."
                self.problem(("sources",), text, line)
        return tuple(dict.fromkeys(v for v in value if v in sources.NAMES))

    def email(
        self, table: Any, env: Mapping[str, str]
    ) -> tuple[EmailConfig | None, tuple[str, ...]]:
        applied = tuple(name for name in (*ENV.values(), PASSWORD_ENV) if env.get(name))
        from_env = {key: env[name] for key, name in ENV.items() if env.get(name)}
        if table is None and not from_env:
            return None, applied
        if table is not None and not isinstance(table, dict):
            self.problem(("email",), f"email must be a table ([email]), not {_show(table)}.")
            return None, applied
        table = table or {}
        values: dict[str, Any] = {}
        entries: list[tuple[str, Any, tuple[str, ...], str]]
        entries = [(k, v, ("email", k), f"email.{k}") for k, v in table.items()]
        entries += [(k, v, (), ENV[k]) for k, v in from_env.items()]  # the environment wins
        for key, value, where, name in entries:
            if key == "password":
                text = "keep the password out of this file: use password_env, password_file, "
                self.problem(where, f"email.password: {text}or password_command.")
            elif key not in EMAIL_KEYS:
                self.problem(where, _unknown(key, EMAIL_KEYS, "email."))
            elif (converted := _convert(key, value, self.base)) is not None:
                values[key] = converted
            elif key == "to" and isinstance(value, list) and value:
                bad = next(item for item in value if not _address(item))
                self.problem(where, f"{name}: {_show(bad)} is not an email address.")
            else:
                self.problem(where, f"{name} {MUST[key]}, not {_show(value)}.")
        given = [key for key in PASSWORD_KEYS if key in table]
        if len(given) > 1:
            self.problem(("email", given[1]), f"email: use only one of {', '.join(given)}.")
        for key in ("to", "from", "host"):
            if key not in table and key not in from_env:
                self.problem(
                    ("email",), f"email.{key} is missing: set it in [email] or {ENV[key]}."
                )
        if given and "username" not in table and "username" not in from_env:
            self.problem(("email", given[0]), f"email.{given[0]} is set, email.username is not.")
        if self.found:
            return None, applied
        values["sender"] = values.pop("from")
        values.setdefault("port", PORTS[values.setdefault("security", "starttls")])
        return EmailConfig(**values), applied


def _convert(key: str, value: Any, base: Path) -> Any:
    """The value in the type `key` needs, or None when `key` cannot have it."""
    text = value.strip() if isinstance(value, str) and not _CONTROL.search(value) else ""
    number = value if isinstance(value, (int, float)) and not isinstance(value, bool) else None
    if key == "to":
        items = value.split(",") if isinstance(value, str) else value
        ok = isinstance(items, list) and items and all(_address(i) for i in items)
        return tuple(i.strip() for i in items) if ok else None
    if key == "port":
        port = int(text) if text.isdigit() else number
        return port if isinstance(port, int) and 0 < port < 65536 else None
    if key == "timeout":
        return float(number) if number and number > 0 else None
    if key == "password_file":
        return base / Path(text).expanduser() if text else None
    if key == "from":
        return text if _address(text) else None
    if key == "host":
        return text if text and " " not in text else None
    if key == "security":
        return text.lower() if text.lower() in SECURITY else None
    if key == "password_env":
        return text if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", text) else None
    if key == "password_command":
        with contextlib.suppress(ValueError):
            return text if shlex.split(text) else None
        return None
    return text or None  # username


_KEY_PART = r"""(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*')"""
_DOTTED = rf"{_KEY_PART}(?:\s*\.\s*{_KEY_PART})*"
_HEADER = re.compile(rf"\s*\[\[?\s*({_DOTTED})\s*\]")
_ASSIGN = re.compile(rf"\s*({_DOTTED})\s*=")


class Lines:
    """Where each key is: tomlkit keeps no line numbers, so scan the text for them."""

    def __init__(self, text: str) -> None:
        self.text = text.splitlines()
        self.keys: dict[tuple[str, ...], int] = {}
        table: tuple[str, ...] = ()
        closing = ""  # the delimiter of the multi-line string we are in
        for n, line in enumerate(self.text, 1):
            if closing:
                closing = "" if closing in line else closing
            elif header := _HEADER.match(line):
                table = _parts(header.group(1))
                self.keys.setdefault(table, n)
            elif assign := _ASSIGN.match(line):
                self.keys.setdefault(table + _parts(assign.group(1)), n)
                rest = line[assign.end() :]
                closing = next((q for q in ('"""', "'''") if rest.count(q) % 2), "")

    def find(self, key: tuple[str, ...]) -> int | None:
        """The line of the key, or else of the nearest table (or inline table) holding it."""
        for end in range(len(key), 0, -1):
            if key[:end] in self.keys:
                return self.keys[key[:end]]
        return None

    def element(self, key: tuple[str, ...], value: str) -> int | None:
        """The line of a string in the array at `key`, which may span lines."""
        start = self.find(key)
        if start is None:
            return None
        end = min((n for n in self.keys.values() if n > start), default=len(self.text) + 1)
        quoted = (json.dumps(value, ensure_ascii=False), f"'{value}'")
        found = (n for n in range(start, end) if any(q in self.text[n - 1] for q in quoted))
        return next(found, start)


def _parts(dotted: str) -> tuple[str, ...]:
    return tuple(p.strip("\"'") for p in re.findall(_KEY_PART, dotted))
