"""The UK, Canada and Germany through the CLI: one loopback server plays all four governments."""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import FIXTURES, Run
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from advisor_cli import pages

UK = "/api/content/foreign-travel-advice"
CA = "/travel-voyage/"
DE = "/opendata/travelwarning"
DE_PAGES = {
    "204692": "page-afghanistan.json",
    "213032": "page-japan.json",
    "209460": "page-cote-divoire.json",
    "206810": "page-kuwait.json",
    "202350": "page-georgien.json",
    "221782": "page-mosambik.json",
    "212010": "page-no-flags.json",
    "211938": "page-peru.json",
    "200872": "page-empty-content.json",
}


@dataclass
class Governments:
    """Routes every government's paths to fixture files; keeps a log; honours ETags."""

    server: HTTPServer
    overrides: dict[str, bytes] = field(default_factory=dict)
    log: list[tuple[str, str | None]] = field(default_factory=list)  # (path, If-None-Match)
    delay: float = 0.0
    active: int = 0
    most_active: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def body(self, path: str) -> bytes | None:
        if path in self.overrides:
            return self.overrides[path]
        if path == "/_res/rss/TAsTWs.xml":
            return (FIXTURES / "us" / "full.xml").read_bytes()
        if path == UK:
            return (FIXTURES / "uk" / "index.json").read_bytes()
        if path.startswith(UK + "/"):
            file = FIXTURES / "uk" / f"{path.rsplit('/', 1)[1]}.json"
            return file.read_bytes() if file.exists() else None
        if path == CA + "index-alpha-eng.json":
            return (FIXTURES / "ca" / "index.json").read_bytes()
        if path.startswith(CA + "cta-cap-"):
            file = FIXTURES / "ca" / path.removeprefix(CA)
            return file.read_bytes() if file.exists() else None
        if path == DE:
            return (FIXTURES / "de" / "index.json").read_bytes()
        if path.startswith(DE + "/") and path.rsplit("/", 1)[1] in DE_PAGES:
            return (FIXTURES / "de" / DE_PAGES[path.rsplit("/", 1)[1]]).read_bytes()
        return None

    def __call__(self, request: Request) -> Response:
        with self.lock:
            self.log.append((request.path, request.headers.get("If-None-Match")))
            self.active += 1
            self.most_active = max(self.most_active, self.active)
        try:
            time.sleep(self.delay)
            body = self.body(request.path)
            if body is None:
                return Response(b"not found", status=404)
            etag = '"' + hashlib.sha1(body).hexdigest()[:12] + '"'
            if request.headers.get("If-None-Match") == etag:
                return Response(status=304, headers={"ETag": etag})
            return Response(body, headers={"ETag": etag}, content_type="application/json")
        finally:
            with self.lock:
                self.active -= 1

    def paths(self) -> list[str]:
        return [p for p, _ in self.log]


@pytest.fixture
def govs(monkeypatch: pytest.MonkeyPatch) -> Iterator[Governments]:
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)  # parallel pages need threads
    server.start()
    base = server.url_for("/").rstrip("/")
    for env in ("ADVISOR_US_URL", "ADVISOR_UK_URL", "ADVISOR_CA_URL", "ADVISOR_DE_URL"):
        monkeypatch.setenv(env, base)
    governments = Governments(server)
    server.expect_request(re.compile(r"^/.*$")).respond_with_handler(governments)
    yield governments
    server.clear()
    server.stop()


def test_show_uk_fetches_only_the_index_and_that_page(run: Run, govs: Governments) -> None:
    result = run("show", "haiti", "--source", "uk")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("Haiti — Level 4: FCDO advises against all travel to Haiti")
    assert govs.paths() == [UK, UK + "/haiti"]


def test_pages_are_conditional_and_a_304_reuses_what_is_stored(run: Run, govs: Governments) -> None:
    first = run("show", "haiti", "--source", "uk").stdout
    govs.log.clear()
    again = run("show", "haiti", "--source", "uk")
    assert again.exit_code == 0
    assert again.stdout == first
    assert all(etag is not None for _, etag in govs.log), govs.log  # both asked conditionally


@pytest.mark.parametrize(
    ("source", "name", "level", "label"),
    [
        ("uk", "mexico", "2", "FCDO advises against"),
        ("ca", "japan", "1", "Take normal security precautions"),
        ("de", "japan", "2", "Teilreisewarnung"),
        ("ca", "afghanistan", "4", "Avoid all travel"),
        ("de", "afghanistan", "4", "Reisewarnung"),
    ],
)
def test_show_each_government(
    run: Run, govs: Governments, source: str, name: str, level: str, label: str
) -> None:
    result = run("show", name, "--source", source, "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["source"] == source
    assert str(data["level"]) == level
    assert data["label"].startswith(label)


def test_compare_puts_every_government_side_by_side(run: Run, govs: Governments) -> None:
    result = run("compare", "japan", "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    rows = {row["source"]: row for row in data["sources"]}
    assert list(rows) == ["us", "uk", "ca", "de"]
    assert [rows[s]["level"] for s in ("us", "ca", "de")] == [1, 1, 2]
    assert rows["uk"]["error"] == "no advisory for this destination"
    assert rows["uk"]["title"] == "UK Foreign, Commonwealth & Development Office"
    text = run("compare", "japan").stdout
    assert "Canada (GAC)" in text and "Germany (AA)" in text


def test_show_all_sources(run: Run, govs: Governments) -> None:
    result = run("show", "mexico", "--source", "all", "--json")
    assert result.exit_code == 0, result.stderr
    assert [d["source"] for d in json.loads(result.stdout)] == ["us", "uk", "ca"]
    assert "no advisory for Mexico" in result.stderr  # Germany's index has none


def test_an_empty_german_answer_is_an_outage_not_good_news(run: Run, govs: Governments) -> None:
    assert run("show", "afghanistan", "--source", "de").exit_code == 0
    govs.overrides[DE] = b"{}"
    result = run("show", "afghanistan", "--source", "de")
    assert result.exit_code == 0
    assert "empty answer (an outage" in result.stderr
    assert "Reisewarnung" in result.stdout  # the stored advice, not "no warnings"
    diff = run("diff", "afghanistan", "--source", "de")
    assert diff.exit_code == 3


def test_a_field_that_changes_on_every_request_is_not_a_change(run: Run, govs: Governments) -> None:
    assert run("diff", "japan", "--source", "ca").exit_code == 0
    page = json.loads((FIXTURES / "ca" / "cta-cap-jp.json").read_text())
    page["metadata"]["generated"] = {"timestamp": 1999999999, "date": "2033-05-18 03:33:19"}
    govs.overrides[CA + "cta-cap-jp.json"] = json.dumps(page).encode()
    result = run("diff", "japan", "--source", "ca")
    assert result.exit_code == 0, result.stdout
    assert "no change" in result.stdout


def test_a_broken_page_never_replaces_good_data(run: Run, govs: Governments) -> None:
    assert run("show", "haiti", "--source", "uk").exit_code == 0
    govs.overrides[UK + "/haiti"] = b'{"details": "not what we expect"}'
    result = run("show", "haiti", "--source", "uk")
    assert result.exit_code == 0
    assert "Warning:" in result.stderr
    assert "Level 4" in result.stdout


def test_list_fetches_every_page_through_a_bounded_pool(run: Run, govs: Governments) -> None:
    govs.delay = 0.05
    result = run("list", "--source", "de")
    assert result.exit_code in (0, 3), result.stderr
    fetched = [p for p in govs.paths() if p.startswith(DE + "/")]
    assert len(fetched) >= 8
    assert 1 < govs.most_active <= pages.PER_HOST
    assert "Afghanistan" in result.stdout


def test_sources_lists_licences_and_last_fetch(run: Run, govs: Governments) -> None:
    run("show", "haiti", "--source", "uk")
    data = json.loads(run("sources", "--json").stdout)
    assert [s["source"] for s in data] == ["us", "uk", "ca", "de"]
    by = {s["source"]: s for s in data}
    assert "Open Government Licence v3.0" in by["uk"]["licence"]
    assert "Open Government Licence – Canada" in by["ca"]["licence"]
    assert "Auswärtiges Amt" in by["de"]["attribution"]
    assert by["uk"]["last_fetched"] is not None and by["ca"]["last_fetched"] is None
    assert by["uk"]["endpoints"][0].endswith(UK)


def test_check_watches_several_sources(run: Run, govs: Governments, advisor_env: Path) -> None:
    advisor_env.mkdir(parents=True, exist_ok=True)
    (advisor_env / "config.toml").write_text('watch = ["japan"]\nsources = ["us", "ca"]\n')
    first = run("check")
    assert (first.exit_code, first.stdout, first.stderr) == (0, "", "")
    page = json.loads((FIXTURES / "ca" / "cta-cap-jp.json").read_text())
    page["data"]["advisory-state"] = 2
    page["data"]["eng"]["advisory-text"] = "Avoid non-essential travel"
    govs.overrides[CA + "cta-cap-jp.json"] = json.dumps(page).encode()
    second = run("check")
    assert second.exit_code == 1, second.stderr
    assert "Level 1 → 3 RAISED" in second.stdout
