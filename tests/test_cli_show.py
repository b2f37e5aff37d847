"""show, list and paths through the real command, against a feed server on 127.0.0.1."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from conftest import FeedServer, Run, fixture_bytes
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from advisor_cli import __version__
from advisor_cli.sources import us

NOW = "2026-10-20T12:00:00Z"
LATER = "2026-10-20T14:00:00Z"  # two hours on
MALI_HEAD = "Mali — Level 4: Do Not Travel"
MALI_CRIME = (
    "Armed robbery and carjacking happen in every region, in daylight too.\n\n"
    "- Robberies peak around market days.\n"
    "- Checkpoints run by armed men are common after dark."
)
MALI_SECTIONS = (
    "Crime",
    "Terrorism",
    "Kidnapping",
    "Health",
    "Travel by U.S. government employees",
    "Aviation safety",
)
ORDER = [  # full.xml, by level (highest first), then by name
    "Mali",
    "Niger",
    "Yemen",
    "Bahrain",
    "Colombia",
    "Côte d’Ivoire",
    "Kingdom of Denmark",
    "Mexico",
    "Peru",
    "Japan",
    "Malta",
    "São Tomé and Príncipe",
]
BROKEN_ITEM = b"""<item>
<title>Atlantis - Level 2: Exercise Increased Caution</title>
<link>https://travel.state.gov/content/travel/en/traveladvisories/traveladvisories/atlantis-travel-advisory.html</link>
<pubDate>Mon, 13 Jul 2026</pubDate>
<description><![CDATA[<p>Exercise increased caution in Atlantis.</p>]]></description>
</item>
"""


@pytest.fixture(autouse=True)
def pinned_now(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADVISOR_NOW", NOW)


@pytest.fixture
def served(feed_server: FeedServer) -> FeedServer:
    """The loopback server answering with the 12-item feed."""
    feed_server.serve("full.xml")
    return feed_server


@pytest.fixture
def fetched(served: FeedServer, run: Run) -> FeedServer:
    """A good fetch is stored; the server has seen exactly one request."""
    result = run("show", "mali")
    assert result.exit_code == 0, result.stderr
    assert len(served.requests) == 1
    return served


def point_at_closed_port(monkeypatch: pytest.MonkeyPatch, port: int) -> None:
    monkeypatch.setenv(us.BASE_ENV, f"http://127.0.0.1:{port}")


def one_error_line(stderr: str) -> str:
    """stderr must be exactly one "Error: …" line, without a traceback."""
    assert stderr.startswith("Error: "), stderr
    assert stderr.endswith("\n") and stderr.count("\n") == 1, stderr
    assert "Traceback" not in stderr
    return stderr


# -- show ---------------------------------------------------------------------------------------


def test_show_mali(served: FeedServer, run: Run) -> None:
    result = run("show", "mali")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    out = result.stdout
    assert out.startswith(MALI_HEAD + "\n")
    assert "Issued:  2026-06-08\n" in out
    assert "Source:  U.S. Department of State\n" in out
    assert "destination.mli.html" in out
    assert "Do not travel to Mali for any reason." in out
    assert f"Crime\n-----\n{MALI_CRIME}\n" in out
    positions = [out.index(f"\n{title}\n{'-' * len(title)}\n") for title in MALI_SECTIONS]
    assert positions == sorted(positions)
    assert len(served.requests) == 1


def test_show_two_destinations(served: FeedServer, run: Run) -> None:
    result = run("show", "ML", "niger")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert out.index(MALI_HEAD) < out.index("Niger — Level 4: Do Not Travel")
    assert "Regions with their own level\n- Level 4: the Tillabéri and Tahoua regions\n" in out
    assert len(served.requests) == 1  # one fetch serves both


def test_show_json(served: FeedServer, run: Run) -> None:
    result = run("show", "mali", "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {
        "source",
        "destination",
        "code",
        "level",
        "label",
        "issued",
        "url",
        "summary",
        "change_note",
        "sections",
        "regions",
        "fetched_at",
    }
    assert data["source"] == "us"
    assert (data["destination"], data["code"]) == ("Mali", "ML")
    assert (data["level"], data["label"], data["issued"]) == (4, "Do Not Travel", "2026-06-08")
    assert data["url"].endswith("/destination.mli.html")
    assert data["summary"].startswith("Do not travel to Mali for any reason.")
    assert data["change_note"] == ""
    assert [s["title"] for s in data["sections"]] == list(MALI_SECTIONS)
    assert data["sections"][0] == {"title": "Crime", "text": MALI_CRIME}
    assert data["regions"] == []
    assert data["fetched_at"] == NOW


def test_show_json_regions_and_several(served: FeedServer, run: Run) -> None:
    result = run("show", "niger", "colombia", "--json")
    assert result.exit_code == 0, result.stderr
    niger, colombia = json.loads(result.stdout)
    assert niger["regions"][0] == {
        "name": "the Tillabéri and Tahoua regions",
        "level": 4,
        "text": "Do Not Travel to the Tillabéri and Tahoua regions due to terrorism.",
    }
    assert colombia["change_note"] == "Updated to add the border areas to the Do Not Travel list."
    assert [r["level"] for r in colombia["regions"]] == [4, 4]  # listed, then detailed: merged


def test_show_section(served: FeedServer, run: Run) -> None:
    result = run("show", "mali", "--section", "crime")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"{MALI_HEAD}\n\nCrime\n-----\n{MALI_CRIME}\n"


def test_show_section_json(served: FeedServer, run: Run) -> None:
    result = run("show", "mali", "--section", "CRIME", "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["sections"] == [{"title": "Crime", "text": MALI_CRIME}]


def test_show_unknown_section(served: FeedServer, run: Run) -> None:
    result = run("show", "mali", "--section", "weather")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert one_error_line(result.stderr) == (
        "Error: Mali has no section starting with 'weather'; its sections: "
        + ", ".join(MALI_SECTIONS)
        + ".\n"
    )


def test_show_unknown_destination(feed_server: FeedServer, run: Run) -> None:
    result = run("show", "mlai")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        "Error: Unknown destination 'mlai'. Did you mean: Mali, Malta, Malawi?\n"
    )
    assert feed_server.requests == []  # a typo costs no request


def test_show_needs_a_destination(run: Run) -> None:
    result = run("show")
    assert result.exit_code == 2
    assert "Missing argument" in result.stderr


def test_show_unicode_names_and_text(feed_server: FeedServer, run: Run) -> None:
    # The feed is served as text/xml without a charset: the bytes are UTF-8 all the same.
    feed_server.serve("full.xml", content_type="text/xml")
    assert (
        requests.get(feed_server.base_url + us.FEED_PATH, timeout=2).headers["Content-Type"]
        == "text/xml"
    )
    result = run("show", "côte d'ivoire", "são tomé and príncipe", "--json")
    assert result.exit_code == 0, result.stderr
    ci, st = json.loads(result.stdout)
    assert ci["destination"] == "Côte d’Ivoire"
    assert ci["summary"] == "Exercise increased caution in Côte d’Ivoire due to crime."
    assert st["destination"] == "São Tomé and Príncipe"
    plain = run("show", "CI", "ST", "--offline").stdout
    assert "Côte d’Ivoire — Level 2: Exercise Increased Caution" in plain
    assert "São Tomé is generally calm" in plain
    assert "Ã" not in plain  # no mojibake


# -- offline and network failures --------------------------------------------------------------


def test_offline_with_nothing_stored(feed_server: FeedServer, run: Run) -> None:
    result = run("show", "mali", "--offline")
    assert result.exit_code == 3
    assert result.stdout == ""
    assert "--offline" in one_error_line(result.stderr)
    assert feed_server.requests == []


def test_offline_after_a_fetch_makes_no_request(fetched: FeedServer, run: Run) -> None:
    result = run("show", "mali", "--offline")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert MALI_HEAD in result.stdout
    assert len(fetched.requests) == 1


def test_network_down_with_nothing_stored(
    run: Run, monkeypatch: pytest.MonkeyPatch, closed_port: int
) -> None:
    point_at_closed_port(monkeypatch, closed_port)
    result = run("show", "mali")
    assert result.exit_code == 3
    assert result.stdout == ""
    line = one_error_line(result.stderr)
    assert f"127.0.0.1:{closed_port}" in line
    assert "connection refused" in line


def test_network_down_after_a_good_fetch(
    fetched: FeedServer, run: Run, monkeypatch: pytest.MonkeyPatch, closed_port: int
) -> None:
    point_at_closed_port(monkeypatch, closed_port)
    monkeypatch.setenv("ADVISOR_NOW", LATER)
    result = run("show", "mali")
    assert result.exit_code == 0, result.stderr
    assert MALI_CRIME in result.stdout
    assert re.fullmatch(
        r"Warning: Could not update from the U\.S\. Department of State \(.*connection refused.*\);"
        r" showing what was stored 2 hours ago\.\n",
        result.stderr,
    ), result.stderr


def test_http_403(feed_server: FeedServer, run: Run) -> None:
    feed_server.serve(b"<html><body>Forbidden</body></html>", status=403, content_type="text/html")
    result = run("show", "mali")
    assert result.exit_code == 3
    assert "refused the request (HTTP 403" in one_error_line(result.stderr)
    assert len(feed_server.requests) == 1  # a refusal is not retried


def test_http_404(feed_server: FeedServer, run: Run) -> None:
    feed_server.serve(b"not here", status=404, content_type="text/plain")
    result = run("show", "mali")
    assert result.exit_code == 3
    assert "HTTP 404" in one_error_line(result.stderr)


def test_server_errors_then_success(feed_server: FeedServer, run: Run) -> None:
    feed_server.serve(b"oops", status=500, content_type="text/plain", ordered=True)
    feed_server.serve(b"oops", status=503, content_type="text/plain", ordered=True)
    feed_server.serve("full.xml", ordered=True)
    result = run("show", "mali")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert MALI_HEAD in result.stdout
    assert len(feed_server.requests) == 3


def test_server_errors_forever(feed_server: FeedServer, run: Run) -> None:
    feed_server.serve(b"oops", status=500, content_type="text/plain")
    result = run("show", "mali")
    assert result.exit_code == 3
    assert "500" in one_error_line(result.stderr)
    assert len(feed_server.requests) == 4  # the first try and three retries


def test_rate_limited_then_success(feed_server: FeedServer, run: Run) -> None:
    feed_server.serve("full.xml")
    feed_server.serve(
        b"slow down",
        status=429,
        headers={"Retry-After": "0"},
        content_type="text/plain",
        once=True,
    )
    result = run("show", "mali")
    assert result.exit_code == 0, result.stderr
    assert MALI_HEAD in result.stdout
    assert len(feed_server.requests) == 2


@pytest.fixture
def slow_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[HTTPServer]:
    """A threaded loopback server whose feed answers only after the client has given up."""
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    release = threading.Event()

    def slow(request: Request) -> Response:
        release.wait(5)
        return Response(fixture_bytes("us/full.xml"), content_type="text/xml")

    server.expect_request(us.FEED_PATH).respond_with_handler(slow)
    server.start()
    monkeypatch.setenv(us.BASE_ENV, server.url_for("/").rstrip("/"))
    monkeypatch.setenv("ADVISOR_HTTP_TIMEOUT", "0.3")
    try:
        yield server
    finally:
        release.set()
        server.clear()
        server.stop()


def test_read_timeout(slow_server: HTTPServer, run: Run) -> None:
    result = run("show", "mali")
    assert result.exit_code == 3
    assert "did not answer" in one_error_line(result.stderr)


# -- bad answers never replace good data -------------------------------------------------------

BAD_FEEDS = [
    pytest.param("truncated.xml", "not valid XML", id="truncated"),
    pytest.param("empty.xml", "empty response", id="empty"),
    pytest.param("html-page.xml", "HTML page", id="html"),
    pytest.param("not-rss.xml", "Expected an RSS feed", id="atom"),
    pytest.param("no-items.xml", "no advisories", id="no-items"),
    pytest.param("xxe.xml", "DTD", id="xxe"),
    pytest.param("billion-laughs.xml", "", id="billion-laughs"),
    pytest.param("raw-escape-byte.xml", "not valid XML", id="raw-esc-byte"),
]


@pytest.mark.parametrize(("fixture", "message"), BAD_FEEDS)
def test_bad_feed_with_nothing_stored(
    feed_server: FeedServer, run: Run, fixture: str, message: str
) -> None:
    feed_server.serve(fixture)
    result = run("show", "mali")
    assert result.exit_code == 3
    assert result.stdout == ""
    assert message in one_error_line(result.stderr)
    assert "root:" not in result.stderr


@pytest.mark.parametrize(("fixture", "message"), BAD_FEEDS)
def test_bad_feed_keeps_the_good_version(
    fetched: FeedServer, run: Run, fixture: str, message: str
) -> None:
    fetched.serve(fixture)
    result = run("show", "mali")
    assert result.exit_code == 0, result.stderr
    assert MALI_CRIME in result.stdout
    assert result.stderr.startswith("Warning: Could not update from the U.S. Department of State (")
    assert message in result.stderr
    assert result.stderr.endswith("showing what was stored moments ago.\n")
    assert result.stderr.count("\n") == 1
    offline = run("show", "mali", "--offline")
    assert (offline.exit_code, offline.stderr) == (0, "")
    assert MALI_CRIME in offline.stdout
    assert len(json.loads(run("list", "--offline", "--json").stdout)) == 12


def test_shrunken_feed_is_an_error_not_data(fetched: FeedServer, run: Run) -> None:
    fetched.serve("shrunk.xml")
    result = run("show", "mali")
    assert result.exit_code == 0, result.stderr
    assert "holds only 2 items, far fewer than the 12" in result.stderr
    assert MALI_CRIME in result.stdout
    assert "shrunken answer" not in result.stdout
    listed = json.loads(run("list", "--json", "--offline").stdout)
    assert len(listed) == 12


def test_shrunken_feed_with_nothing_stored_is_used(feed_server: FeedServer, run: Run) -> None:
    feed_server.serve("shrunk.xml")
    result = run("list", "--json")
    assert result.exit_code == 0, result.stderr
    assert [a["destination"] for a in json.loads(result.stdout)] == ["Mali", "Niger"]


def test_broken_item_is_reported_once(feed_server: FeedServer, run: Run) -> None:
    body = fixture_bytes("us/full.xml").replace(b"</channel>", BROKEN_ITEM + b"</channel>")
    feed_server.serve(body)
    result = run("show", "mali")
    assert result.exit_code == 0, result.stderr
    assert MALI_HEAD in result.stdout
    # One line that names the item and says why (the wording around them may change).
    warning = r"Warning: [^\n]*'Atlantis'[^\n]*: destination not recognised\.\n"
    assert re.fullmatch(warning, result.stderr), result.stderr
    again = run("show", "niger")
    assert again.exit_code == 0, again.stderr
    assert again.stderr == ""
    assert len(feed_server.requests) == 2
    assert len(json.loads(run("list", "--json", "--offline").stdout)) == 12


# -- conditional GET ---------------------------------------------------------------------------


def test_conditional_get(feed_server: FeedServer, run: Run) -> None:
    etag, modified = '"feed-v1"', "Wed, 07 Oct 2026 21:00:00 GMT"
    feed_server.serve("full.xml", headers={"ETag": etag, "Last-Modified": modified}, ordered=True)
    feed_server.serve(b"", status=304, ordered=True)
    assert run("show", "mali").exit_code == 0
    result = run("show", "mali")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert f"Crime\n-----\n{MALI_CRIME}\n" in result.stdout
    first, second = feed_server.requests
    assert "If-None-Match" not in first.headers
    assert "If-Modified-Since" not in first.headers
    assert second.headers["If-None-Match"] == etag
    assert second.headers["If-Modified-Since"] == modified


def test_no_validators_no_conditional_get(fetched: FeedServer, run: Run) -> None:
    assert run("show", "mali").exit_code == 0
    second = fetched.requests[1]
    assert "If-None-Match" not in second.headers
    assert "If-Modified-Since" not in second.headers


def test_user_agent(fetched: FeedServer) -> None:
    agent = fetched.requests[0].headers["User-Agent"]
    assert agent.startswith(f"advisor/{__version__} ")
    assert "requests" not in agent.lower()


# -- hostile text ------------------------------------------------------------------------------

UNSAFE = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@pytest.mark.parametrize("args", [(), ("--json",), ("--section", "[bold")], ids=str)
def test_escape_sequences_never_reach_stdout(
    feed_server: FeedServer, run: Run, args: tuple[str, ...]
) -> None:
    feed_server.serve("escapes.xml")
    result = run("show", "mali", *args)
    assert result.exit_code == 0, result.stderr
    assert not UNSAFE.search(result.stdout), repr(result.stdout)
    assert not UNSAFE.search(result.stderr), repr(result.stderr)
    assert "\\u001b" not in result.stdout and "pwned" not in result.stdout
    assert "[bold red]Crime[/bold red]" in result.stdout


def test_rich_markup_is_printed_literally_on_a_terminal(
    feed_server: FeedServer, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    feed_server.serve("escapes.xml")
    monkeypatch.setenv("FORCE_COLOR", "1")
    result = run("show", "mali")
    assert result.exit_code == 0, result.stderr
    # rich's own colours and hyperlinks are expected; nothing else may reach the terminal.
    text = re.sub(r"\x1b\[[0-9;]*m|\x1b\]8;[^\x1b]*\x1b\\", "", result.stdout)
    assert " LEVEL 4 " in text  # the rich layout, not the plain one
    assert "[bold red]ALERT[/bold red]" in text
    assert "[link=http://attacker.example/]here[/link]" in text
    assert not UNSAFE.search(text), repr(text)


# -- list --------------------------------------------------------------------------------------


def test_list(served: FeedServer, run: Run) -> None:
    result = run("list")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["Level", "Destination", "Issued", "Advice"]
    assert len(lines) == 1 + len(ORDER)
    for line, name in zip(lines[1:], ORDER):
        assert f" {name} " in line, (line, name)
    assert re.match(r"4 +Mali +2026-06-08 +Do Not Travel$", lines[1])


def test_list_json(served: FeedServer, run: Run) -> None:
    result = run("list", "--json")
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [r["destination"] for r in rows] == ORDER
    for row in rows:
        assert set(row) == {"source", "destination", "code", "level", "label", "issued", "url"}
    assert rows[0] == {
        "source": "us",
        "destination": "Mali",
        "code": "ML",
        "level": 4,
        "label": "Do Not Travel",
        "issued": "2026-06-08",
        "url": "https://travel.state.gov/content/tsg_aem/us/en/home/international-travel/"
        "travel-advisories/destination.mli.html",
    }


@pytest.mark.parametrize(
    ("args", "names"),
    [
        (("--level", "4"), ["Mali", "Niger", "Yemen"]),
        (("--level", "1"), ["Japan", "Malta", "São Tomé and Príncipe"]),
        (("--min-level", "3"), ["Mali", "Niger", "Yemen", "Bahrain", "Colombia"]),
        (("--min-level", "1"), ORDER),
    ],
)
def test_list_filters(
    served: FeedServer, run: Run, args: tuple[str, ...], names: list[str]
) -> None:
    result = run("list", "--json", *args)
    assert result.exit_code == 0, result.stderr
    assert [r["destination"] for r in json.loads(result.stdout)] == names


@pytest.mark.parametrize("args", [("--level", "5"), ("--min-level", "0"), ("--level", "x")])
def test_list_bad_level(run: Run, args: tuple[str, ...]) -> None:
    result = run("list", *args)
    assert result.exit_code == 2
    assert "Invalid value" in result.stderr


def test_list_offline_with_nothing_stored(run: Run) -> None:
    result = run("list", "--offline")
    assert result.exit_code == 3
    assert "--offline" in one_error_line(result.stderr)


# -- paths, help, version, debug ---------------------------------------------------------------


def test_paths(run: Run, advisor_env: Path) -> None:
    result = run("paths")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"data      {advisor_env}",
        f"database  {advisor_env / 'advisor.sqlite3'}",
        f"cache     {advisor_env / 'cache'}",
        f"config    {advisor_env / 'config.toml'}",
    ]


def test_paths_json(run: Run, advisor_env: Path) -> None:
    result = run("paths", "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == {
        "data": str(advisor_env),
        "database": str(advisor_env / "advisor.sqlite3"),
        "cache": str(advisor_env / "cache"),
        "config": str(advisor_env / "config.toml"),
    }


def test_version(run: Run) -> None:
    result = run("--version")
    assert result.exit_code == 0
    assert result.stdout == f"advisor, version {__version__}\n"


@pytest.mark.parametrize("command", [[], ["show"], ["list"], ["paths"]])
def test_help(run: Run, command: list[str]) -> None:
    result = run(*command, "--help")
    assert result.exit_code == 0
    assert result.stdout.startswith("Usage: advisor")
    assert result.stderr == ""


def _advisor(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "advisor_cli", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=60,
        check=False,
    )


def test_python_m_help() -> None:
    done = _advisor("--help", env=dict(os.environ))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Usage: advisor")
    for command in ("show", "list", "paths"):
        assert re.search(rf"^  {command}\b", done.stdout, re.M), command


def test_debug_shows_the_traceback(closed_port: int) -> None:
    env = dict(os.environ, **{us.BASE_ENV: f"http://127.0.0.1:{closed_port}"})
    plain = _advisor("show", "mali", env=env)
    assert plain.returncode == 3
    assert "Traceback" not in plain.stderr
    assert plain.stderr.startswith("Error: Could not connect to 127.0.0.1:")
    debug = _advisor("--debug", "show", "mali", env=env)
    assert debug.returncode != 0
    assert "Traceback (most recent call last)" in debug.stderr
    assert "FetchError" in debug.stderr


def test_show_raw_prints_the_item_as_the_source_sent_it(served: FeedServer, run: Run) -> None:
    run("show", "mali")
    result = run("show", "mali", "--raw", "--offline")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("<item")
    assert "<title>Mali - Level 4: Do Not Travel</title>" in result.stdout
    assert result.stdout.rstrip().endswith("</item>")
