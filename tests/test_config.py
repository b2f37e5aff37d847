"""config.toml: every problem named with its line, the environment, passwords, the watchlist."""

from __future__ import annotations

import json
import os
import shlex
import stat
import sys
from pathlib import Path

import pytest
import tomlkit

from advisor_cli import config, watchlist
from advisor_cli.config import ConfigError, EmailConfig, PasswordError
from advisor_cli.destinations import by_code
from advisor_cli.errors import ExitStatus, UnknownDestination, UsageError

VALID = """\
# Where to look, and whom to tell.
watch = ["mali", "NE", "côte d'ivoire"]
sources = ["us"]

[email]
to = ["me@example.com", "Other <other@example.com>"]
from = "advisor@example.com"
host = "smtp.example.com"
port = 2525
security = "none"
username = "me@example.com"
password_env = "MY_SMTP_PASSWORD"
timeout = 10
"""

# An [email] table whose next line is line 5.
EMAIL = """\
[email]
to = "me@example.com"
from = "advisor@example.com"
host = "smtp.example.com"
"""

PYTHON = shlex.quote(sys.executable)


def write(tmp_path: Path, text: str | bytes, name: str = "config.toml") -> Path:
    path = tmp_path / name
    if isinstance(text, str):
        text = text.encode("utf-8")
    path.write_bytes(text)
    return path


def email(**changes: object) -> EmailConfig:
    values: dict[str, object] = {
        "to": ("me@example.com",),
        "sender": "advisor@example.com",
        "host": "127.0.0.1",
        "port": 25,
        "security": "none",
        "username": "me",
    }
    return EmailConfig(**(values | changes))  # type: ignore[arg-type]


# -- loading ------------------------------------------------------------------------------------


def test_a_valid_file(tmp_path: Path) -> None:
    path = write(tmp_path, VALID)
    cfg = config.load(path)
    assert cfg.watch == ("mali", "niger", "cote-d-ivoire")
    assert cfg.sources == ("us",)
    assert cfg.email == EmailConfig(
        to=("me@example.com", "Other <other@example.com>"),
        sender="advisor@example.com",
        host="smtp.example.com",
        port=2525,
        security="none",
        username="me@example.com",
        password_env="MY_SMTP_PASSWORD",
        timeout=10.0,
    )
    assert config.problems(path) == []


def test_no_file_is_an_empty_configuration(advisor_env: Path) -> None:
    cfg = config.load()
    assert cfg == config.Config(advisor_env / "config.toml")
    assert cfg.email is None and cfg.sources == ("us",)
    assert config.problems() == []


def test_defaults_follow_security(tmp_path: Path) -> None:
    for security, port in (("starttls", 587), ("ssl", 465), ("none", 25)):
        cfg = config.load(write(tmp_path, f'{EMAIL}security = "{security}"\n'))
        assert cfg.email is not None
        assert (cfg.email.port, cfg.email.timeout, cfg.email.to) == (
            port,
            30.0,
            ("me@example.com",),
        )


BAD = [
    ('watch = "mali"\n', "line 1: watch must be a list of destinations, not 'mali'."),
    (
        'watch = [\n  "mali",  # home\n  "mlai",\n]\n',
        "line 3: watch: Unknown destination 'mlai'. Did you mean: Mali, Malta, Malawi?",
    ),
    ("watch = [1]\n", "line 1: watch entries must be names, not 1."),
    (
        '\n\nsources = ["us", "fr"]\n',
        "line 3: sources: unknown source 'fr'; choose from: us, uk, ca, de.",
    ),
    ("sources = []\n", "line 1: sources must list some of us, uk, ca, de, not an empty list."),
    ("# hello\nemial = {}\n", "line 2: unknown key 'emial'. Did you mean 'email'?"),
    ("colour = true\n", "line 1: unknown key 'colour' (known keys: watch, sources, email)."),
    (
        'email = "me@example.com"\n',
        "line 1: email must be a table ([email]), not 'me@example.com'.",
    ),
    (
        f'{EMAIL}port = "abc"\n',
        "line 5: email.port must be a whole number from 1 to 65535, not 'abc'.",
    ),
    (f"{EMAIL}port = 0\n", "line 5: email.port must be a whole number from 1 to 65535, not 0."),
    (
        f"{EMAIL}port = 70000\n",
        "line 5: email.port must be a whole number from 1 to 65535, not 70000.",
    ),
    (
        f"{EMAIL}port = true\n",
        "line 5: email.port must be a whole number from 1 to 65535, not true.",
    ),
    (
        f"{EMAIL}port = 25.5\n",
        "line 5: email.port must be a whole number from 1 to 65535, not 25.5.",
    ),
    (
        f'{EMAIL}security = "tls"\n',
        'line 5: email.security must be "starttls", "ssl" or "none", not \'tls\'.',
    ),
    (f"{EMAIL}timeout = 0\n", "line 5: email.timeout must be a number of seconds above 0, not 0."),
    (
        f'{EMAIL}timeout = "30"\n',
        "line 5: email.timeout must be a number of seconds above 0, not '30'.",
    ),
    (
        f'{EMAIL}username = ""\n',
        "line 5: email.username must be a user name, not ''.",
    ),
    (
        '[email]\nto = "me"\nfrom = "advisor@example.com"\nhost = "h"\n',
        "line 2: email.to must be an email address or a list of them, not 'me'.",
    ),
    (
        '[email]\nto = ["me@example.com", "nope"]\nfrom = "a@example.com"\nhost = "h"\n',
        "line 2: email.to: 'nope' is not an email address.",
    ),
    (
        '[email]\nto = []\nfrom = "a@example.com"\nhost = "h"\n',
        "line 2: email.to must be an email address or a list of them, not an empty list.",
    ),
    (
        '[email]\nto = "me@example.com"\nfrom = "advisor"\nhost = "h"\n',
        "line 3: email.from must be an email address, not 'advisor'.",
    ),
    (
        '[email]\nto = "me@x.org"\nfrom = "a@example.com\\r\\nBcc: x@example.com"\nhost = "h"',
        "line 3: email.from must be an email address, not 'a@example.com\\r\\nBcc: x@example.com'.",
    ),
    (
        '[email]\nto = "me@example.com"\nfrom = "a@example.com"\nhost = "smtp example.com"\n',
        "line 4: email.host must be a host name, not 'smtp example.com'.",
    ),
    (f'{EMAIL}hots = "x"\n', "line 5: unknown key 'email.hots'. Did you mean 'email.host'?"),
    (f'{EMAIL}sender = "x"\n', "line 5: unknown key 'email.sender'. Did you mean 'email.from'?"),
    (
        f"{EMAIL}\n[email.extra]\nx = 1\n",
        "line 6: unknown key 'email.extra' (known keys: to, from, host, port, security, username, "
        "password_env, password_file, password_command, timeout).",
    ),
    (
        f'{EMAIL}username = "me"\npassword_env = "1ST"\n',
        "line 6: email.password_env must be the name of an environment variable, not '1ST'.",
    ),
    (
        f'{EMAIL}username = "me"\npassword_command = \'pass "smtp\'\n',
        "line 6: email.password_command must be a command line, not 'pass \"smtp'.",
    ),
    (
        f'{EMAIL}username = "me"\npassword_env = "A"\n\npassword_file = "pw"\n',
        "line 8: email: use only one of password_env, password_file.",
    ),
    (f'{EMAIL}password_env = "A"\n', "line 5: email.password_env is set, email.username is not."),
    (
        f'{EMAIL}password = "hunter2"\n',
        "line 5: email.password: keep the password out of this file: use password_env, "
        "password_file, or password_command.",
    ),
    (
        '[email]\nto = "me@example.com"\nhost = "h"\n',
        "line 1: email.from is missing: set it in [email] or ADVISOR_EMAIL_FROM.",
    ),
    (
        'email = { to = "me@example.com", from = "a@example.com", host = "h", port = -1 }\n',
        "line 1: email.port must be a whole number from 1 to 65535, not -1.",
    ),
    (
        'watch = ["mali"\nsources = ["us"]\n',
        "line 2: not valid TOML: Unexpected character: 's'.",
    ),
    (
        'watch = ["mali"]\nwatch = ["niger"]\n',
        'line 2: not valid TOML: Key "watch" already exists.',
    ),
    (
        'watch = ["mal\ni"]\n',
        "line 1: not valid TOML: Control characters (codes less than 0x1f and 0x7f) are not "
        "allowed in strings, use \\u000a instead.",
    ),
    ('[email]\nhost = "h"\n[email]\n', 'line 3: not valid TOML: Key "email" already exists.'),
    (b"# caf\xe9\nwatch = []\n", "line 1: not UTF-8 text."),
]


@pytest.mark.parametrize(("text", "problem"), BAD)
def test_each_problem_is_named_with_its_line(
    tmp_path: Path, text: str | bytes, problem: str
) -> None:
    path = write(tmp_path, text)
    assert config.problems(path) == [problem]
    with pytest.raises(ConfigError) as caught:
        config.load(path)
    line, _, message = problem.partition(": ")
    assert str(caught.value) == f"{path}, {line}: {message}"
    assert caught.value.exit_status == ExitStatus.USAGE
    assert "hunter2" not in str(caught.value)


def test_every_problem_is_listed_in_order_and_load_counts_them(tmp_path: Path) -> None:
    path = write(tmp_path, f'watch = ["mlai"]\nsorces = []\n{EMAIL}port = 0\nsecurity = "tls"\n')
    assert config.problems(path) == [
        "line 1: watch: Unknown destination 'mlai'. Did you mean: Mali, Malta, Malawi?",
        "line 2: unknown key 'sorces'. Did you mean 'sources'?",
        "line 7: email.port must be a whole number from 1 to 65535, not 0.",
        'line 8: email.security must be "starttls", "ssl" or "none", not \'tls\'.',
    ]
    with pytest.raises(ConfigError, match=r", line 1: watch: .* \(3 more problems: see advisor"):
        config.load(path)


def test_lines_skip_multi_line_strings_and_find_quoted_keys(tmp_path: Path) -> None:
    text = f'{EMAIL}"port" = "x"\n' + 'username = """\nport = 1\n"""\n' + "timeout = -1\n"
    assert config.problems(write(tmp_path, text)) == [
        "line 5: email.port must be a whole number from 1 to 65535, not 'x'.",
        "line 6: email.username must be a user name, not 'port = 1\\n'.",
        "line 9: email.timeout must be a number of seconds above 0, not -1.",
    ]


def test_an_unreadable_file(tmp_path: Path) -> None:
    (tmp_path / "config.toml").mkdir()
    with pytest.raises(ConfigError, match=r"^Could not read .*config.toml: Is a directory\.$"):
        config.load(tmp_path / "config.toml")


# -- the environment ----------------------------------------------------------------------------


def test_the_environment_wins_over_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ADVISOR_SMTP_PORT", "2526")
    monkeypatch.setenv("ADVISOR_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("ADVISOR_SMTP_SECURITY", "SSL")
    monkeypatch.setenv("ADVISOR_EMAIL_TO", "a@example.com, b@example.com")
    monkeypatch.setenv("ADVISOR_EMAIL_FROM", "env@example.com")
    monkeypatch.setenv("ADVISOR_SMTP_USERNAME", "env-user")
    cfg = config.load(write(tmp_path, VALID))
    assert cfg.email is not None
    assert cfg.email.port == 2526 and cfg.email.host == "127.0.0.1"
    assert cfg.email.security == "ssl" and cfg.email.username == "env-user"
    assert cfg.email.to == ("a@example.com", "b@example.com")
    assert cfg.email.sender == "env@example.com"
    assert cfg.overrides == (
        "ADVISOR_EMAIL_TO",
        "ADVISOR_EMAIL_FROM",
        "ADVISOR_SMTP_HOST",
        "ADVISOR_SMTP_PORT",
        "ADVISOR_SMTP_SECURITY",
        "ADVISOR_SMTP_USERNAME",
    )


def test_the_environment_alone_configures_email(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADVISOR_EMAIL_TO", "me@example.com")
    monkeypatch.setenv("ADVISOR_EMAIL_FROM", "advisor@example.com")
    assert config.problems() == ["email.host is missing: set it in [email] or ADVISOR_SMTP_HOST."]
    monkeypatch.setenv("ADVISOR_SMTP_HOST", "smtp.example.com")
    cfg = config.load()
    assert cfg.email == EmailConfig(
        ("me@example.com",), "advisor@example.com", "smtp.example.com", 587, "starttls"
    )


def test_a_password_alone_does_not_configure_email(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADVISOR_SMTP_PASSWORD", "s3cret")
    cfg = config.load()
    assert cfg.email is None and cfg.overrides == ("ADVISOR_SMTP_PASSWORD",)


def test_a_bad_environment_value_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADVISOR_SMTP_PORT", "abc")
    monkeypatch.setenv("ADVISOR_SMTP_SECURITY", "tls")
    path = write(tmp_path, VALID)
    assert config.problems(path) == [
        "ADVISOR_SMTP_PORT must be a whole number from 1 to 65535, not 'abc'.",
        'ADVISOR_SMTP_SECURITY must be "starttls", "ssl" or "none", not \'tls\'.',
    ]
    with pytest.raises(ConfigError) as caught:
        config.load(path)
    assert str(caught.value) == (
        "ADVISOR_SMTP_PORT must be a whole number from 1 to 65535, not 'abc'. "
        "(1 more problem: see advisor config check.)"
    )


# -- passwords ----------------------------------------------------------------------------------


def test_password_from_the_named_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = email(password_env="MY_SMTP_PASSWORD")
    with pytest.raises(PasswordError, match=r"^email.password_env: MY_SMTP_PASSWORD is unset\.$"):
        cfg.password()
    monkeypatch.setenv("MY_SMTP_PASSWORD", "s3cret")
    assert cfg.password() == "s3cret"
    monkeypatch.setenv("ADVISOR_SMTP_PASSWORD", "from-advisor")
    assert cfg.password() == "from-advisor"


def test_no_password_configured() -> None:
    assert email().password() is None


def test_password_from_a_file_next_to_the_config(tmp_path: Path) -> None:
    write(tmp_path, "s3cret\nsecond line\n", "smtp-password")
    path = write(tmp_path, f'{EMAIL}username = "me"\npassword_file = "smtp-password"\n')
    cfg = config.load(path)
    assert cfg.email is not None and cfg.email.password_file == tmp_path / "smtp-password"
    assert cfg.email.password() == "s3cret"
    missing = email(password_file=tmp_path / "nope")
    with pytest.raises(
        PasswordError, match=r"^Could not read .*nope: No such file or directory\.$"
    ):
        missing.password()
    write(tmp_path, "\n", "empty")
    with pytest.raises(PasswordError, match=r"^The password file .*empty is empty\.$"):
        email(password_file=tmp_path / "empty").password()


def test_password_from_a_command(tmp_path: Path) -> None:
    command = f"{PYTHON} -c \"print('s3cret'); print('url: x')\""
    text = tomlkit.dumps({"email": {"username": "me", "password_command": command}})
    cfg = config.load(write(tmp_path, EMAIL + text.removeprefix("[email]\n")))
    assert cfg.email is not None and cfg.email.password_command == command
    assert cfg.email.password() == "s3cret"


@pytest.mark.parametrize(
    ("command", "message"),
    [
        (
            f"{PYTHON} -c \"import sys; sys.stderr.write('gpg: no secret key\\n'); sys.exit(2)\"",
            "email.password_command failed (exit status 2): gpg: no secret key",
        ),
        (f'{PYTHON} -c "raise SystemExit(1)"', "email.password_command failed (exit status 1)."),
        (f"{PYTHON} -c pass", "email.password_command printed nothing."),
        (
            "no-such-command-for-advisor show smtp",
            "email.password_command: no-such-command-for-advisor: No such file or directory.",
        ),
    ],
)
def test_a_failing_password_command(command: str, message: str) -> None:
    with pytest.raises(PasswordError) as caught:
        email(password_command=command).password()
    assert str(caught.value) == message
    assert caught.value.exit_status == ExitStatus.FAILURE


def test_effective_masks_secrets_and_runs_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    marker = tmp_path / "ran"
    command = f"{PYTHON} -c \"open({str(marker)!r}, 'w')\""
    text = tomlkit.dumps({"email": {"username": "me", "password_command": command}})
    path = write(tmp_path, 'watch = ["ML"]\n' + EMAIL + text.removeprefix("[email]\n"))
    shown = config.effective(config.load(path))
    assert shown == {
        "file": str(path),
        "watch": ["mali"],
        "sources": ["us"],
        "email": {
            "to": ["me@example.com"],
            "from": "advisor@example.com",
            "host": "smtp.example.com",
            "port": 587,
            "security": "starttls",
            "username": "me",
            "password_env": None,
            "password_file": None,
            "password_command": command,
            "timeout": 30.0,
            "password": "********",
        },
        "environment": [],
    }
    assert not marker.exists()
    monkeypatch.setenv("ADVISOR_SMTP_PASSWORD", "s3cret-from-env")
    monkeypatch.setenv("MY_SMTP_PASSWORD", "s3cret-from-var")
    for text in (VALID, EMAIL):
        shown = config.effective(config.load(write(tmp_path, text)))
        assert shown["email"]["password"] == "********"
        assert "s3cret" not in json.dumps(shown)
        assert shown["environment"] == ["ADVISOR_SMTP_PASSWORD"]


def test_effective_without_email() -> None:
    shown = config.effective(config.load())
    assert shown["email"] is None and shown["watch"] == [] and shown["sources"] == ["us"]


# -- the watchlist ------------------------------------------------------------------------------

COMMENTED = """\
# advisor's configuration

# Places I travel to.
watch = [
    "mali",     # family
    # "togo",   # maybe next year
    "niger",
]

sources = ["us"]   # the only one so far

[email]
to = ["me@example.com"]
from = "advisor@example.com"
host = "smtp.example.com"   # my provider
"""


def test_add_keeps_comments_blank_lines_and_other_tables(tmp_path: Path) -> None:
    path = write(tmp_path, COMMENTED)
    added = watchlist.watch_add(["Chad", "côte d'ivoire"], path)
    assert added == ["Chad", "Côte d'Ivoire"]
    assert path.read_text(encoding="utf-8") == COMMENTED.replace(
        '    "niger",\n', '    "niger",\n    "chad",\n    "cote-d-ivoire",\n'
    )
    assert watchlist.watch_list(path) == [by_code(c) for c in ("ML", "NE", "TD", "CI")]


def test_add_creates_the_file_and_its_directory(advisor_env: Path) -> None:
    assert watchlist.watch_add(["ML", "niger", "mali"]) == ["Mali", "Niger"]
    path = advisor_env / "config.toml"
    assert path.read_text(encoding="utf-8") == 'watch = ["mali", "niger"]\n'
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in advisor_env.iterdir()] == ["config.toml"]  # no temporary file left


def test_add_to_a_file_without_watch_keeps_the_rest(tmp_path: Path) -> None:
    path = write(tmp_path, "# just email for now\n\n" + EMAIL)
    path.chmod(0o644)
    watchlist.watch_add(["mali"], path)
    assert path.read_text(encoding="utf-8") == '# just email for now\nwatch = ["mali"]\n\n' + EMAIL
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


def test_add_nothing_new_leaves_the_file_alone(tmp_path: Path) -> None:
    path = write(tmp_path, COMMENTED)
    before = path.stat().st_mtime_ns
    assert watchlist.watch_add(["ML", "Niger"], path) == []
    assert path.read_text(encoding="utf-8") == COMMENTED
    assert path.stat().st_mtime_ns == before


def test_add_refuses_an_unknown_destination_and_changes_nothing(tmp_path: Path) -> None:
    path = write(tmp_path, COMMENTED)
    with pytest.raises(UnknownDestination) as caught:
        watchlist.watch_add(["chad", "mlai"], path)
    assert str(caught.value) == "Unknown destination 'mlai'. Did you mean: Mali, Malta, Malawi?"
    assert caught.value.exit_status == ExitStatus.USAGE
    assert path.read_text(encoding="utf-8") == COMMENTED


def test_add_through_a_symlink_and_keeps_crlf(tmp_path: Path) -> None:
    real = write(tmp_path, b'# dotfiles\r\nwatch = ["mali"]\r\n', "real.toml")
    link = tmp_path / "config.toml"
    link.symlink_to(real)
    watchlist.watch_add(["niger"], link)
    assert link.is_symlink()
    assert real.read_bytes() == b'# dotfiles\r\nwatch = ["mali", "niger"]\r\n'


def test_remove_by_code_keeps_comments(tmp_path: Path) -> None:
    path = write(tmp_path, COMMENTED)
    assert watchlist.watch_remove(["NE"], path) == ["Niger"]
    assert path.read_text(encoding="utf-8") == COMMENTED.replace('    "niger",\n', "")
    assert watchlist.watch_remove(["MLI"], path) == ["Mali"]
    assert path.read_text(encoding="utf-8") == COMMENTED.replace(
        '    "mali",     # family\n', ""
    ).replace('    "niger",\n', "")
    assert watchlist.watch_list(path) == []


def test_remove_what_is_not_watched(tmp_path: Path) -> None:
    path = write(tmp_path, COMMENTED)
    with pytest.raises(UsageError) as caught:
        watchlist.watch_remove(["mali", "chad"], path)
    assert str(caught.value) == f"Chad is not on the watchlist in {path}."
    with pytest.raises(UnknownDestination, match="Did you mean: Mali, Malta, Malawi"):
        watchlist.watch_remove(["mlai"], path)
    assert path.read_text(encoding="utf-8") == COMMENTED
    with pytest.raises(UsageError, match="Mali is not on the watchlist"):
        watchlist.watch_remove(["mali"], tmp_path / "missing.toml")
    assert not (tmp_path / "missing.toml").exists()


def test_remove_a_typo_the_file_holds(tmp_path: Path) -> None:
    path = write(tmp_path, 'watch = ["mali", "mlai", "Mali"]\n')
    with pytest.raises(ConfigError, match="line 1: watch: Unknown destination 'mlai'"):
        watchlist.watch_list(path)
    assert watchlist.watch_remove(["mlai"], path) == ["mlai"]
    assert watchlist.watch_remove(["ml"], path) == ["Mali"]
    assert path.read_text(encoding="utf-8") == "watch = []\n"


def test_watch_that_is_not_a_list(tmp_path: Path) -> None:
    path = write(tmp_path, '# hi\nwatch = "mali"\n')
    for edit in (watchlist.watch_add, watchlist.watch_remove):
        with pytest.raises(ConfigError) as caught:
            edit(["niger"], path)
        assert str(caught.value) == f"{path}, line 2: watch must be a list of destinations."


def test_editing_a_broken_file_is_a_usage_error(tmp_path: Path) -> None:
    path = write(tmp_path, "watch = [\n")
    with pytest.raises(ConfigError, match=r"line \d: not valid TOML"):
        watchlist.watch_add(["mali"], path)
    assert path.read_text(encoding="utf-8") == "watch = [\n"


def test_a_write_failure_is_reported(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root writes anywhere")
    folder = tmp_path / "locked"
    folder.mkdir()
    path = write(folder, "watch = []\n")
    folder.chmod(0o500)
    try:
        with pytest.raises(
            Exception, match=r"^Could not write .*config.toml: Permission denied\.$"
        ):
            watchlist.watch_add(["mali"], path)
    finally:
        folder.chmod(0o700)
    assert path.read_text(encoding="utf-8") == "watch = []\n"
