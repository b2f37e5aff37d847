"""Region names in State Department advisories: which of them name one place."""

from __future__ import annotations

import difflib
import functools
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
# "north" and "northern", "Colombia" and "Colombian", "Thai" and "Thailand": one word, two forms.
_WORD_ENDINGS = ("ern", "n", "an", "ian", "land")
_WORDS = re.compile(r"[^\W_]+")
_GUIDANCE_TO = re.compile(
    r"^\W*(?:do not travel|reconsider travel|exercise (?:normal precautions?|increased caution))"
    r"\s+(?:to|in)\s+",
    re.I,
)


@functools.lru_cache(maxsize=8192)  # merge compares each pair of regions' names
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


# Headings under a bare level heading ("Level 4: Do Not Travel") name places, until one that
# plainly does not: a topic, advice, a sentence. A wrong region is worse than a missing one, so a
# heading must pass every test below to count as a place.
_NOT_A_PLACE = re.compile(
    # advice and sentences: "If you decide to travel …", "For U.S. citizens …", "Exercise a high …"
    r"^(?:if|for|when|while|before|after|during|read|visit|review|enroll|exercise|do|don't|avoid"
    r"|reconsider|be|stay|keep|follow|use|check|have|consider|monitor|prepare|please|see|learn"
    r"|contact|call|get|make|take|know|there|this|we|you|what|how|why|who|other|general)\b"
    r"|\b(?:is|are|was|were|has|have|had|may|might|should|must|can|cannot|will|would|remains?"
    r"|continues?|occurs?)\b"
    # parts of an advisory, and topics that are never places
    r"|\b(?:summary|advisory|advisories|overview|background|updated?|updates|notes?|level|risks?"
    r"|u\.\s?s\b|americans?|government|embassy|consulate|consular|employees?|citizens?|personnel"
    r"|staff|travell?(?:ers?|ing)?|restrictions?|information|assistance|insurance|checklist"
    r"|enrollment|health|medical|hospitals?|safety|security|aviation|flights?|airports?"
    r"|transportation|emergency|emergencies|evacuations?|communications?|laws?|visas?|passports?"
    r"|entry|exit|departure|curfew|martial|dual|citizenship|nationality|detentions?"
    r"|arrests?|hostages?|notice|exception|exemption|annexation|vaccinations?|polio|healthcare"
    r"|technology|power|usage)\b",
    re.I,
)
# Risks name a topic ("Crime", "Terrorism", "Landmines") unless a place word goes with them
# ("High crime areas", "Areas designated off-limits by the military").
_RISK = re.compile(
    r"\b(?:crimes?|criminals?|terror\w*|kidnap\w*|unrest|conflicts?|war|fighting|landmines?"
    r"|mines|ordnance|demonstrations?|protests?|riots?|disasters?|hurricanes?|earthquakes?"
    r"|floods?|flooding|weather|piracy|pirates|gangs?|violence|violent|militan\w*|insurgen\w*"
    r"|extremis\w*|armed|military|bandit\w*|scams?|fraud|drugs?|narcotic\w*|wildlife|diseases?"
    r"|outbreaks?|harassment|discrimination|ordnances?|ordinances?|attacks?|missiles?|drones?"
    r"|explosives?|devices?|weapons?|ammunition|firearms?)\b",
    re.I,
)
_PLACE_WORD = re.compile(
    r"\b(?:areas?|regions?|borders?|frontiers?|provinces?|districts?|county|counties|states?"
    r"|city|cities|towns?|villages?|zones?|parish(?:es)?|departments?|governorates?|oblasts?"
    r"|territory|territories|neighbou?rhoods?|islands?|parks?|valleys?|coast(?:al)?|camps?"
    r"|municipality|municipalities)\b",
    re.I,
)


# A name without a place word is a proper name: each word capitalised but these.
_SMALL_WORDS = frozenset(
    "a al an and as at by de del du el for in la le of on or the to with".split()
)
_NAME_WORDS = re.compile(r"[^\W\d_][\w'’-]*")
_SPLIT_CAPITAL = re.compile(r"\b([B-HJ-Z]) (?=[a-z])")  # "Southeast T urkiye" (the archive)


def is_place_name(title: str) -> bool:
    """True when a heading may name a place ("Musanze District", "Transnistria")."""
    if len(title) < 3 or title.endswith(("?", "!")) or _NOT_A_PLACE.search(title):
        return False
    if not _PLACE_WORD.search(title) and (_RISK.search(title) or not _is_proper_name(title)):
        return False  # "Crime", "Debit and credit cards"; but "High crime areas" is a place
    return bool(_words(place_key(title)))  # not generic words alone ("Border areas")


def _is_proper_name(title: str) -> bool:
    """True for "Nagorno-Karabakh", "Vicinity of Line of Control"; False for "Weapons and ammo"."""
    words = _NAME_WORDS.findall(_SPLIT_CAPITAL.sub(r"\1", title))
    words = [re.sub(r"^[dl]['’]", "", w) for w in words]  # "Côte d'Ivoire"
    return bool(words) and all(w[:1].isupper() or w.lower() in _SMALL_WORDS for w in words)


def same_place(item: Region, region: Region) -> bool:
    """True when a region item and a region heading name one place at one level."""
    return item.level == region.level and _same_place(item, region) > 0


def _same_place(listed: Region, heading: Region, fuzzy: bool = True) -> float:
    """How surely two regions are one place: 1 for equal names, down to 0 for surely not."""
    # `fuzzy=False` skips the last, slow test (words spelt two ways, scored 0.8).
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
    # The heading's text opens by naming the listed place (Azerbaijan, 2026: "Border with Iran",
    # then "Do not travel to the southern border region due to …").
    said = _GUIDANCE_TO.sub("", heading.text[: len(listed.name) + 60], count=1)
    opened = said != heading.text[: len(listed.name) + 60]
    if opened and len(x) >= 12 and f"{place_key(said)} ".startswith(f"{x} "):
        return 0.85
    # One holds the other's words, spelt another way ("north", "northern"); a single word
    # alone is too weak a sign ("Areas north of Kande", "Northern Border Region").
    if (
        fuzzy
        and small
        and _share(small, large) == 1
        and (len(small) > 1 or _share(large, small) >= 2 / 3)
    ):
        return 0.8
    return 0.0


@functools.lru_cache(maxsize=4096)
def _words(key: str) -> frozenset[str]:
    return frozenset(key.split()) - _GENERIC_WORDS


def _share(words: frozenset[str], others: frozenset[str]) -> float:
    """The share of `words` that have a close word among `others`."""
    return sum(any(_close(w, v) for v in others) for w in words) / len(words)


@functools.lru_cache(maxsize=4096)
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
    into: dict[int, int] = {}
    # Pairs are taken best first; the slow fuzzy test only scores 0.8, below every other, so
    # it runs only for the regions that the other tests left unpaired.
    for fuzzy in (False, True):
        pairs = sorted(
            (-score, i, j)
            for i, (listed, detailed) in enumerate(found)
            if not detailed and i not in into
            for j, (heading, is_heading) in enumerate(found)
            if is_heading
            and j not in into.values()
            and heading.level == listed.level
            and (score := _same_place(listed, heading, fuzzy))
            and (not fuzzy or score < 0.85)
        )
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
