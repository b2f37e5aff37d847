"""Property-based tests (hypothesis): the parsers and the diff never fail with a traceback.

Whatever bytes a source sends, a parser returns a valid result or raises FeedError, the error a
user sees as one line; whatever two advisories are compared, the diff is consistent. Every
property is derandomized (the same examples on every run, so CI is deterministic) and sized to
run in a few seconds; the counts are in the README's "Reliability" section.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from copy import deepcopy
from dataclasses import replace
from datetime import date
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from conftest import fixture_bytes
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor_cli import config
from advisor_cli.diff import TextChange, compare
from advisor_cli.errors import AdvisorError, FeedError
from advisor_cli.model import (
    LEVEL_LABELS,
    Advisory,
    BrokenItem,
    FeedResult,
    IndexEntry,
    Item,
    Region,
    Section,
)
from advisor_cli.sources import ca, de, uk, us

# Examples per property; the README's Reliability section quotes these numbers.
FEED_EXAMPLES = 300
JSON_EXAMPLES = 150
DIFF_EXAMPLES = 200
WORD_EXAMPLES = 300
EDIT_EXAMPLES = 100
CONFIG_EXAMPLES = 200

PROPERTY = settings(
    derandomize=True,
    database=None,
    deadline=1000,  # ms per example; a parser that takes longer on a small input is a bug
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# What no parsed text may hold: C0/C1 controls (bar newline) and bidi overrides.
UNSAFE = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def advisory_texts(adv: Advisory) -> list[str]:
    return [
        adv.name,
        adv.label,
        adv.url,
        adv.summary,
        adv.change_note,
        *(t for s in adv.sections for t in (s.title, s.text)),
        *(t for r in adv.regions for t in (r.name, r.text)),
    ]


def assert_clean_item(item: Item | BrokenItem) -> None:
    if isinstance(item, BrokenItem):
        assert not UNSAFE.search(item.title), repr(item.title)
        return
    assert isinstance(item, Item)
    adv = item.advisory
    assert adv.level in LEVEL_LABELS
    for text in advisory_texts(adv):
        assert not UNSAFE.search(text), repr(text)
    for r in adv.regions:
        assert r.level in LEVEL_LABELS


def assert_one_line(exc: FeedError) -> None:
    text = str(exc)
    assert text and "\n" not in text and "Traceback" not in text


# -- the State Department feed: random bytes, XML-ish text, mutated real feeds ------------------

US_FEEDS = [
    "full.xml",
    "escapes.xml",
    "broken-items.xml",
    "odd-titles.xml",
    "region-shapes.xml",
    "summary-shapes.xml",
    "classic-escaped-crlf.xml",
]
# Fragments that XML parsers, entity handling and the feed's own layout care about.
XML_TOKENS = [
    '<?xml version="1.0"?>',
    '<?xml version="1.0" encoding="ISO-8859-1"?>',
    '<rss version="2.0">',
    "</rss>",
    "<channel>",
    "</channel>",
    "<item>",
    "</item>",
    "<title>",
    "</title>",
    "<link>",
    "</link>",
    "<pubDate>",
    "</pubDate>",
    "<description>",
    "</description>",
    '<category domain="Threat-Level">',
    "</category>",
    "<![CDATA[",
    "]]>",
    "<h5><b>",
    "</b></h5>",
    "<p>",
    "</p>",
    "Mali - Level 4: Do Not Travel",
    "Level 2: Exercise Increased Caution",
    "https://travel.state.gov/x/destination.mli.html",
    "https://travel.state.gov/content/travel/en/niger-travel-advisory.html",
    "Mon, 08 Jun 2026",
    "Wed, 15 Dec 20202",
    "Do not travel to Mali.",
    "&amp;",
    "&lt;p&gt;",
    "&#13;&#10;",
    "&#x1b;[31m",
    "&#0;",
    "&#xD800;",
    "&xxe;",
    "&nbsp;",
    '<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
    '<!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>',
    "<!-- comment -->",
    "<html>",
    "\x00",
    "\x1b]0;pwned\x07",
    "\u202e",
    "\r\n",
]
ENTITIES = [
    b"&xxe;",
    b"&lol9;",
    b"&#0;",
    b"&#x1b;",
    b"&#13;&#10;Bcc: evil@example.com",
    b"&#x202e;",
    b"&amp;amp;",
    b"&lt;script&gt;",
    b"&#xFFFF;",
    b"&#99999999;",
    b'<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
]
TAG = re.compile(rb"<[^<>]*>")
ELEMENT = re.compile(rb"<(title|link|pubDate|description|category|item)\b[^>]*>.*?</\1>", re.S)
# Any code point but surrogates (which UTF-8 cannot encode): controls, bidi, astral planes.
ANY_CHAR = st.characters(exclude_categories=["Cs"])


def _position(draw: st.DrawFn, data: bytes) -> int:
    return draw(st.integers(0, len(data)))


def _delete_tag(draw: st.DrawFn, data: bytes) -> bytes:
    tags = list(TAG.finditer(data))
    if not tags:
        return data
    m = draw(st.sampled_from(tags))
    return data[: m.start()] + data[m.end() :]


def _duplicate_element(draw: st.DrawFn, data: bytes) -> bytes:
    found = list(ELEMENT.finditer(data))
    if not found:
        return data
    m = draw(st.sampled_from(found))
    return data[: m.end()] + m.group(0) + data[m.end() :]


def _swap_tags(draw: st.DrawFn, data: bytes) -> bytes:
    tags = list(TAG.finditer(data))
    if len(tags) < 2:
        return data
    i, j = sorted(draw(st.lists(st.integers(0, len(tags) - 1), min_size=2, max_size=2)))
    if i == j:
        return data
    a, b = tags[i], tags[j]
    return data[: a.start()] + b.group(0) + data[a.end() : b.start()] + a.group(0) + data[b.end() :]


def _truncate(draw: st.DrawFn, data: bytes) -> bytes:
    return data[: _position(draw, data)]


def _inject_entity(draw: st.DrawFn, data: bytes) -> bytes:
    at = _position(draw, data)
    return data[:at] + draw(st.sampled_from(ENTITIES)) + data[at:]


def _inject_text(draw: st.DrawFn, data: bytes) -> bytes:
    at = _position(draw, data)
    text = draw(st.text(ANY_CHAR, min_size=1, max_size=20))
    return data[:at] + text.encode("utf-8") + data[at:]


def _replace_byte(draw: st.DrawFn, data: bytes) -> bytes:
    if not data:
        return data
    at = draw(st.integers(0, len(data) - 1))
    return data[:at] + bytes([draw(st.integers(0, 255))]) + data[at + 1 :]


MUTATIONS: list[Callable[[st.DrawFn, bytes], bytes]] = [
    _delete_tag,
    _duplicate_element,
    _swap_tags,
    _truncate,
    _inject_entity,
    _inject_text,
    _replace_byte,
]


@st.composite
def mutated_feeds(draw: st.DrawFn) -> bytes:
    """A real fixture feed after one to five random edits."""
    data = fixture_bytes(f"us/{draw(st.sampled_from(US_FEEDS))}")
    for _ in range(draw(st.integers(1, 5))):
        data = draw(st.sampled_from(MUTATIONS))(draw, data)
    return data


def _xml_char(c: str) -> bool:
    """Whether XML 1.0 allows the character (lxml refuses the others in text)."""
    n = ord(c)
    return n in (9, 10, 13) or 0x20 <= n <= 0xD7FF or 0xE000 <= n <= 0xFFFD or n >= 0x10000


# Text an element of a well-formed feed can hold: any XML character, HTML markup, entities that
# the HTML inside a description decodes (&#27; is ESC, &#x202e; a bidi override).
xml_text = st.lists(
    st.text(ANY_CHAR.filter(_xml_char), max_size=10)
    | st.sampled_from(
        [
            "<p>",
            "</p>",
            "<h5><b>Crime</b></h5>",
            "<b>",
            "<br>",
            "<li>",
            "&#27;[31m",
            "&#27;]0;pwned&#7;",
            "&#x202e;",
            "&#0;",
            "&#13;&#10;Bcc: evil@example.com",
            "[bold red]",
            "[link=http://attacker.example/]",
            "Level 4: Do Not Travel",
            "Mon, 08 Jun 2026",
            "Summary not available",
        ]
    ),
    max_size=12,
).map("".join)


@st.composite
def edited_trees(draw: st.DrawFn) -> bytes:
    """A real fixture feed, still well-formed, after edits of its elements: what gets past XML."""
    from lxml import etree

    lenient = etree.XMLParser(recover=True)  # one fixture uses dc: undeclared, as the feed did
    root = etree.fromstring(fixture_bytes(f"us/{draw(st.sampled_from(US_FEEDS))}"), lenient)
    for _ in range(draw(st.integers(1, 6))):
        elements = [el for el in root.iter() if el is not root and isinstance(el.tag, str)]
        if not elements:
            break
        el = draw(st.sampled_from(elements))
        parent = el.getparent()
        op = draw(st.sampled_from(["delete", "duplicate", "move", "text", "swap"]))
        if op == "delete":
            parent.remove(el)
        elif op == "duplicate":
            parent.insert(parent.index(el), deepcopy(el))
        elif op == "move":
            target = draw(st.sampled_from(elements))
            if el not in target.iterancestors() and el is not target:
                target.append(el)
        elif op == "text":
            el.text = draw(xml_text)
        else:
            other = draw(st.sampled_from(elements))
            el.text, other.text = other.text, el.text
    return bytes(etree.tostring(root, encoding="utf-8", xml_declaration=True))


xml_ish = st.lists(
    st.sampled_from(XML_TOKENS) | st.text(ANY_CHAR, max_size=12), min_size=1, max_size=40
).map(lambda parts: "".join(parts).encode("utf-8"))
feed_inputs = st.one_of(st.binary(max_size=2000), xml_ish, mutated_feeds(), edited_trees())


def assert_feed_result_or_error(body: bytes) -> None:
    try:
        result = us.parse_feed(body)
    except FeedError as exc:
        assert_one_line(exc)
        return
    assert isinstance(result, FeedResult)
    assert result.items or result.broken
    for item in (*result.items, *result.broken):
        assert_clean_item(item)


@settings(PROPERTY, max_examples=FEED_EXAMPLES)
@given(feed_inputs)
def test_us_feed_parser_never_fails_unexpectedly(body: bytes) -> None:
    assert_feed_result_or_error(body)


# -- the UK, Canada and Germany: random JSON, and mutations of real documents -----------------

BASE = "http://127.0.0.1:8123"
JSON_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63)
    | st.floats(allow_nan=False)
    | st.text(ANY_CHAR, max_size=30)
    | st.sampled_from(["", "2026-06-08", "2026-06-08T10:00:00Z", "<p>Do not travel</p>", "3"])
)
json_values = st.recursive(
    JSON_SCALARS,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(ANY_CHAR, max_size=10), children, max_size=4)
    ),
    max_leaves=15,
)


@cache
def json_fixture(name: str) -> Any:
    return json.loads(fixture_bytes(name))


def _paths(doc: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value inside the document (dict keys and list indices)."""
    found = [prefix]
    if isinstance(doc, dict):
        for key, value in doc.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(doc, list):
        for i, value in enumerate(doc):
            found += _paths(value, (*prefix, i))
    return found


def _set(doc: Any, path: tuple[Any, ...], value: Any, delete: bool) -> Any:
    if not path:
        return value
    *parents, last = path
    target = doc
    for key in parents:
        target = target[key]
    if delete:
        del target[last]
    else:
        target[last] = value
    return doc


@st.composite
def mutated_documents(draw: st.DrawFn, names: list[str]) -> bytes:
    """A real JSON document with a few values replaced by random ones, or deleted."""
    doc = json.loads(json.dumps(json_fixture(draw(st.sampled_from(names)))))  # a deep copy
    for _ in range(draw(st.integers(1, 4))):
        path = draw(st.sampled_from(_paths(doc)))
        delete = bool(path) and draw(st.booleans())
        doc = _set(doc, path, None if delete else draw(json_values), delete)
    body = json.dumps(doc, ensure_ascii=False).encode("utf-8")
    return draw(st.sampled_from([body, body[: draw(st.integers(0, len(body)))]]))


def _json_inputs(names: list[str]) -> st.SearchStrategy[bytes]:
    random_json = json_values.map(lambda v: json.dumps(v).encode("utf-8"))
    return st.one_of(random_json, st.binary(max_size=200), mutated_documents(names))


def _uk_entry() -> IndexEntry:
    return IndexEntry("FR", "France", f"{BASE}/api/content/foreign-travel-advice/france")


def _ca_entry() -> IndexEntry:
    return IndexEntry("JP", "Japan", f"{BASE}/travel-voyage/cta-cap-jp.json")


def _de_entry() -> IndexEntry:
    return IndexEntry("JP", "Japan", f"{BASE}/opendata/travelwarning/213032")


SOURCES: dict[str, tuple[Any, list[str], list[str], Callable[[], IndexEntry]]] = {
    "uk": (
        uk,
        ["uk/index.json", "uk/index-no-children.json"],
        ["uk/france.json", "uk/haiti.json", "uk/lebanon.json", "uk/old-layout.json"],
        _uk_entry,
    ),
    "ca": (
        ca,
        ["ca/index.json", "ca/index-2014.json"],
        ["ca/cta-cap-jp.json", "ca/cta-cap-af.json", "ca/cta-cap-mx.json", "ca/cta-cap-kv.json"],
        _ca_entry,
    ),
    "de": (
        de,
        ["de/index.json"],
        ["de/page-japan.json", "de/page-afghanistan.json", "de/page-peru.json"],
        _de_entry,
    ),
}


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_json_parsers_never_fail_unexpectedly(name: str) -> None:
    module, indexes, pages, entry = SOURCES[name]

    @settings(PROPERTY, max_examples=JSON_EXAMPLES)
    @given(index=_json_inputs(indexes), page=_json_inputs(pages))
    def check(index: bytes, page: bytes) -> None:
        try:
            entries = module.parse_index(index, BASE)
        except FeedError as exc:
            assert_one_line(exc)
        else:
            assert isinstance(entries, list)
            assert all(isinstance(e, IndexEntry) for e in entries)
        try:
            result = module.parse_page(page, entry())
        except FeedError as exc:
            assert_one_line(exc)
        else:
            assert_clean_item(result)

    check()


# XXE, billion laughs and escape sequences inside the HTML that every source embeds (the feed's
# CDATA descriptions; the JSON sources' HTML fields): parsed as HTML, never expanded or fetched.
HTML_TRICKS = [
    '<!DOCTYPE html [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><p>&xxe;</p>',
    '<!DOCTYPE p [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">'
    "]><p>&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;</p>",
    '<p><xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="/etc/passwd"/></p>',
    "<p>&#27;[31mred&#27;[0m &#27;]0;pwned&#7; &#x202e;evil [bold red]x[/bold red]</p>",
    '<svg onload="alert(1)"><script>alert(1)</script></svg><iframe src="file:///etc/passwd">',
]
PAGES_WITH_HTML = [name for _, _, pages, _ in SOURCES.values() for name in pages]


def _html_paths(doc: Any) -> list[tuple[Any, ...]]:
    return [p for p in _paths(doc) if p and isinstance(_get(doc, p), str) and "<" in _get(doc, p)]


def _get(doc: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        doc = doc[key]
    return doc


@settings(PROPERTY, max_examples=JSON_EXAMPLES)
@given(st.sampled_from(["us/full.xml", *PAGES_WITH_HTML]), st.sampled_from(HTML_TRICKS), st.data())
def test_entity_tricks_in_embedded_html_are_inert(
    page: str, trick: str, data: st.DataObject
) -> None:
    if page.startswith("us/"):
        body = fixture_bytes(page).replace(b"<![CDATA[", b"<![CDATA[" + trick.encode(), 1)
        results: list[Item | BrokenItem] = [*us.parse_feed(body).items]
    else:
        module, _, _, entry = SOURCES[page.partition("/")[0]]
        doc = json.loads(json.dumps(json_fixture(page)))
        path = data.draw(st.sampled_from(_html_paths(doc)))
        _set(doc, path, trick + _get(doc, path), delete=False)
        try:
            results = [module.parse_page(json.dumps(doc).encode(), entry())]
        except FeedError as exc:
            assert_one_line(exc)
            return
    for result in results:
        assert_clean_item(result)
        if isinstance(result, Item):
            text = " ".join(advisory_texts(result.advisory))
            assert "root:" not in text and "pwned" not in text and "aaaaaaaaaa" not in text


# -- the diff: random advisories ------------------------------------------------------------

TITLES = ["Summary", "Crime", "crime", "Terrorism", "Health", "Kidnapping", " Crime ", "Crime!"]
# Words, and what a diff marks lines with: text may start with "-", "+" or "@@" too.
WORDS = ["Crime", "is", "common", "very", "rare", "in", "Bamako", ".", "—", "- ", "--", "++", "@@"]
words_text = st.lists(
    st.tuples(
        st.sampled_from(WORDS) | st.text(ANY_CHAR, max_size=6),
        st.sampled_from([" ", "  ", "\n", "\n\n", "\t", ""]),
    ),
    max_size=15,
).map(lambda pairs: "".join(w + s for w, s in pairs))
levels = st.integers(1, 4)
# Titles as the parsers give them: one line, no controls (clean() folds every line break).
LINE_CHAR = st.characters(exclude_categories=["Cs", "Cc", "Zl", "Zp"])
sections = st.builds(Section, st.sampled_from(TITLES) | st.text(LINE_CHAR, max_size=8), words_text)
regions = st.builds(
    Region, st.sampled_from(["Kidal", "kidal", "Gao", "The north"]), levels, words_text
)
advisories = st.builds(
    Advisory,
    source=st.just("us"),
    destination=st.just("ML"),
    name=st.just("Mali"),
    level=levels,
    label=st.sampled_from(list(LEVEL_LABELS.values())),
    issued=st.none() | st.dates(date(2020, 1, 1), date(2030, 12, 31)),
    url=st.just("https://travel.state.gov/x/destination.mli.html"),
    summary=words_text,
    change_note=st.sampled_from(["", "Reissued after periodic review."]),
    sections=st.lists(sections, max_size=4).map(tuple),
    regions=st.lists(regions, max_size=2).map(tuple),
)


def rebuild(runs: list[tuple[str, str]]) -> tuple[str, str]:
    """The old and the new text from a word diff's runs: '=' is both, '-' old, '+' new."""
    old = "".join(text for op, text in runs if op in "=-")
    new = "".join(text for op, text in runs if op in "=+")
    return old, new


@settings(PROPERTY, max_examples=DIFF_EXAMPLES)
@given(advisories, advisories)
def test_compare_is_consistent_both_ways(a: Advisory, b: Advisory) -> None:
    for same in (compare(a, a), compare(b, b)):
        assert not same.changed and same.headline() == "no change"
        assert not same.level_moved and same.direction == "unchanged"
    forth, back = compare(a, b), compare(b, a)
    assert forth.changed == back.changed
    assert forth.level_moved == back.level_moved == (a.level != b.level)
    assert {forth.direction, back.direction} in (
        {"unchanged"},
        {"RAISED", "LOWERED"},
    )
    assert len(forth.sections_added) == len(back.sections_removed)
    assert len(forth.sections_changed) == len(back.sections_changed)
    assert len(forth.regions_added) == len(back.regions_removed)
    for change in (forth, back):
        line = change.headline()
        assert line and "\n" not in line
        assert (line == "no change") == (not change.changed)


@settings(PROPERTY, max_examples=WORD_EXAMPLES)
@given(words_text, words_text)
def test_word_and_line_diffs_give_back_both_texts(old: str, new: str) -> None:
    change = TextChange("Crime", old, new)
    runs = change.words()
    assert rebuild(runs) == (old, new)
    assert all(op in "=-+" and text for op, text in runs)
    assert all(a[0] != b[0] for a, b in pairwise(runs))  # adjacent runs are merged
    unified = change.unified(context=10**6).splitlines()
    if old.splitlines() != new.splitlines():
        body = [line for line in unified if not line.startswith("@@")]
        assert [line[1:] for line in body if line[:1] in " -"] == old.splitlines()
        assert [line[1:] for line in body if line[:1] in " +"] == new.splitlines()
    else:
        assert unified == []


@settings(PROPERTY, max_examples=EDIT_EXAMPLES)
@given(advisories, st.sampled_from(["level", "section", "region", "issued"]))
def test_a_single_edit_is_seen(a: Advisory, what: str) -> None:
    if what == "level":
        b = replace(a, level=a.level % 4 + 1)
    elif what == "section":
        b = replace(a, sections=(*a.sections, Section("Aviation safety", "Planes are old.")))
    elif what == "region":
        b = replace(a, regions=(*a.regions, Region("Atlantis", 4, "Do not travel.")))
    else:
        b = replace(a, issued=date(2031, 1, 1))
    change = compare(a, b)
    assert change.changed
    assert change.headline() != "no change"


# -- malformed configuration files -------------------------------------------------------------

TOML_TOKENS = [
    "watch",
    "sources",
    "[email]",
    "[email.extra]",
    "to",
    "from",
    "host",
    "port",
    "security",
    "username",
    "password",
    "password_env",
    "password_file",
    "password_command",
    "timeout",
    " = ",
    "=",
    '"mali"',
    '"mlai"',
    '["mali", "niger"]',
    '["us", "fr"]',
    '"me@example.com"',
    '"a@example.com\\r\\nBcc: x@example.com"',
    "25",
    "-1",
    "1e400",
    "true",
    '"starttls"',
    "[",
    "]",
    "{",
    "}",
    ",",
    '"""',
    "'",
    "#",
    "\n",
    "\r\n",
    "\x00",
]
toml_ish = st.lists(st.sampled_from(TOML_TOKENS) | st.text(ANY_CHAR, max_size=8), max_size=40).map(
    "".join
)
# Well-formed TOML of the right keys with values of every TOML type, right or wrong for the key.
TOML_VALUES = [
    '"mali"',
    '["mali", "niger"]',
    '["mali", 1]',
    "[]",
    '["us", "uk"]',
    '"me@example.com"',
    '["me@example.com", "You <you@example.com>"]',
    '"smtp.example.com"',
    "587",
    "0",
    "99999999999999999999",
    "-25",
    "3.5",
    "inf",
    "nan",
    "true",
    "1979-05-27",
    "1979-05-27T07:32:00Z",
    "07:32:00",
    '"ssl"',
    '"MY_PASSWORD"',
    "'echo secret'",
    '"""multi\nline"""',
    "{ a = 1 }",
    '"\u0000"',
    '"\u001b[31m"',
]
toml_keys = st.sampled_from(
    ["watch", "sources", "email", "colour", *(f"email.{k}" for k in config.EMAIL_KEYS), "x.y"]
)
toml_lines = st.lists(
    st.one_of(
        st.tuples(toml_keys, st.sampled_from(TOML_VALUES)).map(lambda kv: f"{kv[0]} = {kv[1]}"),
        st.sampled_from(["[email]", "[email.extra]", "[watch]", "# comment", ""]),
    ),
    max_size=12,
).map("\n".join)


@settings(PROPERTY, max_examples=CONFIG_EXAMPLES)
@given(st.one_of(toml_ish, toml_lines).map(lambda t: t.encode("utf-8")) | st.binary(max_size=300))
def test_config_files_are_valid_or_named_problems(tmp_path_factory: Any, data: bytes) -> None:
    path = Path(tmp_path_factory.getbasetemp()) / "fuzzed-config.toml"
    path.write_bytes(data)
    problems = config.problems(path)
    assert isinstance(problems, list)
    for problem in problems:
        assert problem and "\n" not in problem and "Traceback" not in problem
    try:
        config.load(path)
    except AdvisorError as exc:
        assert problems or "Could not read" in str(exc)
        assert exc.exit_status == 2
    else:
        assert problems == []
