"""Region names in State Department advisories: which of them name one place."""

from __future__ import annotations

import difflib
import re
import unicodedata

from advisor_cli.model import Region

SAME_WORD_RATIO = 0.8
# Words that say what kind of place, or qualify it, but not which place: they do not tell two
# places apart ("Areas marked off-limits …", "Areas designated off-limits …").
_GENERIC_WORDS = frozenset(
    "a adjacent all an and any area areas at border bordering borders by certain city counties "
    "county department departments designated district districts except excluding for from "
    "immediate in including includes inside located marked most near neighborhood "
    "neighborhoods of on or other part parts province provinces region regions some specific "
    "state states surrounding than the to town towns vicinity which within zone zones".split()
)
# "north" and "northern", "Colombia" and "Colombian": one word, two forms.
_WORD_ENDINGS = ("ern", "n", "an", "ian")
_WORDS = re.compile(r"[^\W_]+")


def place_key(name: str) -> str:
    """A place name for comparing: lower case, no accents or punctuation, no leading "the"."""
    name = name.lower()
    if not name.isascii():
        name = unicodedata.normalize("NFKD", name)
        name = "".join(c for c in name if not unicodedata.combining(c))
    words = _WORDS.findall(name)
    if words[:1] == ["the"]:
        words = words[1:]
    return " ".join(words)


def _same_place(listed: Region, heading: Region) -> float:
    """How surely two regions are one place: 1 for equal names, down to 0 for surely not."""
    # Names that differ only in generic words ("The border region with Armenia", "Border with
    # Armenia") count, and so do names where one holds the other's words; a distinctive word
    # of its own ("Border with Iraq", "Border with Iran") keeps a name apart.
    x, y = place_key(listed.name), place_key(heading.name)
    if not x or not y:
        return 0.0
    if x == y:
        return 1.0
    small, large = sorted((_words(x), _words(y)), key=len)
    if small and small <= large:
        return 0.9
    # The listed sentence opens the heading's text (Benin, 2026: "areas bordering Burkina Faso"
    # in the list, "Benin's northern and northeastern border regions" as the heading).
    sentence = place_key(listed.text)
    opening = place_key(heading.text[: len(listed.text) + 20])
    if len(sentence) >= 20 and opening.startswith(sentence):
        return 0.85
    # One holds the other's words, spelt another way ("north", "northern"); a single word
    # alone is too weak a sign ("Areas north of Kande", "Northern Border Region").
    if small and _share(small, large) == 1 and (len(small) > 1 or _share(large, small) >= 2 / 3):
        return 0.8
    return 0.0


def _words(key: str) -> frozenset[str]:
    return frozenset(key.split()) - _GENERIC_WORDS


def _share(words: frozenset[str], others: frozenset[str]) -> float:
    """The share of `words` that have a close word among `others`."""
    return sum(any(_close(w, v) for v in others) for w in words) / len(words)


def _close(a: str, b: str) -> bool:
    """True for one word spelt two ways ("Compeche", "Campeche"); False for "Iraq", "Iran"."""
    if a == b:
        return True
    short, long = sorted((a, b), key=len)
    if len(short) >= 4 and long.startswith(short) and long[len(short) :] in _WORD_ENDINGS:
        return True
    if 2 * len(short) < SAME_WORD_RATIO * (len(short) + len(long)):
        return False  # the ratio cannot reach the bar: most pairs of words end here
    matcher = difflib.SequenceMatcher(None, a, b)
    return matcher.quick_ratio() >= SAME_WORD_RATIO and matcher.ratio() >= SAME_WORD_RATIO


def merge(found: list[tuple[Region, bool]]) -> tuple[Region, ...]:
    """One region per place: a region's heading and text replace its entry in a list."""
    # Classic items list each region under "Do Not Travel To:", then head it again with its
    # paragraphs ("… inside Niassa" in the list, "… within Niassa" in the heading, 2026). The
    # merged region takes the heading's name and text, at the list's position. `found` holds
    # each region and whether it came from a heading.
    pairs = sorted(
        (
            (-score, i, j)
            for i, (listed, detailed) in enumerate(found)
            if not detailed
            for j, (heading, is_heading) in enumerate(found)
            if is_heading
            and heading.level == listed.level
            and (score := _same_place(listed, heading))
        ),
    )
    into: dict[int, int] = {}
    for _, i, j in pairs:
        if i not in into and j not in into.values():
            into[i] = j
    merged = set(into.values())
    out: list[Region] = []
    seen: set[tuple[str, int]] = set()
    for i, (region, detailed) in enumerate(found):
        if i in merged:
            continue
        if i in into:
            heading = found[into[i]][0]
            region = Region(heading.name, heading.level, heading.text or region.text)
        key = (place_key(region.name), region.level)
        # The 2026 classic rendering repeats its "Do Not Travel to …" lines at the end.
        if key in seen and not detailed and i not in into:
            continue
        seen.add(key)
        out.append(region)
    return tuple(out)
