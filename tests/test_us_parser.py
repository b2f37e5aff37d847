"""The State Department feed parser, table-driven over the project's own small fixtures."""

from __future__ import annotations

import functools
import re
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest
from conftest import fixture_bytes
from pytest_httpserver import HTTPServer

from advisor_cli.errors import FeedError
from advisor_cli.htmltext import blocks
from advisor_cli.model import Advisory, FeedResult
from advisor_cli.sources.us import parse_date, parse_feed
from advisor_cli.sources.us_text import describe

GOOD_FIXTURES = (
    "full.xml",
    "classic-escaped-crlf.xml",
    "odd-titles.xml",
    "broken-items.xml",
    "region-shapes.xml",
    "summary-shapes.xml",
    "level-headings.xml",
)
# What no parsed text may hold: raw no-break or odd spaces, CR, tabs, doubled spaces, HTML
# entities left undecoded, C0/C1 controls and bidi overrides.
UNCLEAN = re.compile(
    r"[\xa0\u202f\u2007\u2009\r\t\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]"
    r"| {2}|&nbsp;|&#\d+;|&[lg]t;|&quot;"
)


@functools.cache
def parsed(name: str) -> FeedResult:
    return parse_feed(fixture_bytes(f"us/{name}"))


@dataclass(frozen=True)
class Expected:
    """What one item of a fixture must parse into."""

    head: tuple[str, int, str, date | None, str]  # name, level, label, issued, rendering
    summary: str
    change_note: str = ""
    sections: tuple[str, ...] = ()
    texts: dict[str, str] = field(default_factory=dict)  # section title -> its exact text
    regions: tuple[tuple[str, int], ...] = ()
    region_texts: dict[str, str] = field(default_factory=dict)


L1, L2, L3, L4 = (
    "Exercise Normal Precautions",
    "Exercise Increased Caution",
    "Reconsider Travel",
    "Do Not Travel",
)

EXPECTED: dict[tuple[str, str], Expected] = {
    # -- new rendering: bare guidance phrase, "<p>to <b>Mal</b>i …", headed sections -------------
    ("full.xml", "ML"): Expected(
        ("Mali", 4, L4, date(2026, 6, 8), "new"),
        summary="Do not travel to Mali for any reason. "
        "Family members may not join U.S. government staff posted in Mali.",
        sections=(
            "Crime",
            "Terrorism",
            "Kidnapping",
            "Health",
            "Travel by U.S. government employees",
            "Aviation safety",
        ),
        texts={
            "Crime": "Armed robbery and carjacking happen in every region, in daylight too.\n\n"
            "- Robberies peak around market days.\n"
            "- Checkpoints run by armed men are common after dark.",
            # The bold "…include:" line leads into a list; it is not a heading. Link text stays.
            "Terrorism": "Armed groups plan attacks on places foreigners visit. Read the country "
            "reports on terrorism to learn more.\n\nLikely targets include:\n\n"
            "- Hotels and restaurants\n- Places of worship",
            "Kidnapping": "- Kidnapping for ransom pays for armed groups.",
            "Health": "Hospitals outside Bamako lack basic supplies.",
            "Travel by U.S. government employees": "Staff need written approval to leave Bamako.",
            "Aviation safety": "The FAA has issued a flight restriction for Mali.",
        },
    ),
    ("full.xml", "NE"): Expected(
        ("Niger", 4, L4, date(2026, 5, 14), "new"),
        summary="Do not travel to Niger due to crime, terrorism, and kidnapping.",
        sections=("Overview", "Crime"),
        texts={
            "Overview": "Some areas carry their own level.",
            "Crime": "Street crime targets people who look like visitors.",
        },
        regions=(("the Tillabéri and Tahoua regions", 4), ("Niamey", 3)),
        region_texts={"Niamey": "Reconsider travel in Niamey due to crime."},
    ),
    ("full.xml", "CI"): Expected(
        ("Côte d’Ivoire", 2, L2, date(2026, 2, 18), "new"),
        summary="Exercise increased caution in Côte d’Ivoire due to crime.",
        sections=("Crime",),
        texts={
            "Crime": "Pickpockets work the Plateau district of Abidjan and the ferry to "
            "Grand-Bassam."
        },
    ),
    ("full.xml", "ST"): Expected(
        ("São Tomé and Príncipe", 1, L1, date(2025, 10, 8), "new"),
        summary="Exercise normal precautions in São Tomé and Príncipe.",
        sections=("Overview",),
        texts={"Overview": "São Tomé is generally calm; the roads of Príncipe are narrow."},
    ),
    ("full.xml", "BH"): Expected(
        ("Bahrain", 3, L3, date(2026, 3, 2), "new"),
        summary="Reconsider travel to Bahrain due to armed conflict.",
        sections=("Overview", "Armed Conflict", "Terrorism"),
        texts={
            "Overview": "Non-emergency staff were ordered to leave in March.",
            "Armed Conflict": "Drone attacks from across the Gulf remain possible.",
            "Terrorism": "Attacks could come with little warning.",
        },
    ),
    ("full.xml", "PE"): Expected(
        ("Peru", 2, L2, date(2026, 6, 19), "new"),
        summary="Exercise increased caution in Peru due to crime and civil unrest.",
        sections=("Civil unrest",),
        texts={"Civil unrest": "Road blockades can strand travelers for days."},
    ),
    ("full.xml", "JP"): Expected(
        ("Japan", 1, L1, date(2026, 7, 6), "new"),
        summary="Exercise normal precautions in Japan.",
        sections=("Overview",),
        # "&amp;" in CDATA is one "&"; "&amp;amp;" is the text "&amp;": decoded once, not twice.
        texts={
            "Overview": "Tokyo & Osaka are safe; a sign at the shrine reads &amp; and nothing more."
        },
    ),
    # -- classic rendering: change note, "Country Summary:", "If you decide to travel to X:" ----
    ("full.xml", "DK"): Expected(
        ("Kingdom of Denmark", 2, L2, date(2024, 9, 17), "classic"),
        summary="Exercise increased caution in the Kingdom of Denmark due to terrorism.",
        change_note="Reissued after periodic review with minor edits.",
        sections=("Country Summary", "If you decide to travel to the Kingdom of Denmark"),
        texts={
            "Country Summary": "Terrorist groups keep plotting attacks in the Kingdom of Denmark "
            "and could strike with little warning.\n\nRead the country information page for "
            "more on travel to the Kingdom of Denmark.",
            "If you decide to travel to the Kingdom of Denmark": "- Stay alert in tourist spots.\n"
            "- Enroll in the Smart Traveler Enrollment Program (STEP).",
        },
    ),
    ("full.xml", "YE"): Expected(  # <strong>/<em> instead of <b>/<i>
        ("Yemen", 4, L4, date(2026, 7, 3), "classic"),
        summary="Do not travel to Yemen for any reason due to terrorism, unrest, and landmines.",
        change_note="The advisory level was raised to 4 and the kidnapping indicator was added.",
        sections=("Country Summary", "If you decide to travel to Yemen"),
        texts={
            "Country Summary": "The embassy in Sanaa has been closed for years and cannot help.",
            "If you decide to travel to Yemen": "- Write a will.\n- Carry a satellite phone.",
        },
    ),
    ("full.xml", "CO"): Expected(
        ("Colombia", 3, L3, date(2026, 4, 21), "classic"),
        summary="Reconsider travel to Colombia due to crime and terrorism. "
        "Some areas have increased risk.",
        change_note="Updated to add the border areas to the Do Not Travel list.",
        sections=("Country Summary", "If you decide to travel to Colombia"),
        texts={
            "Country Summary": "Armed robbery is common in the cities.",
            "If you decide to travel to Colombia": "- Avoid walking alone at night.",
        },
        # Each region is listed under "Do Not Travel To:" and then has its own heading: one
        # region each, with the heading's name and text, where the list put it.
        regions=(
            ("Arauca and Cauca departments", 4),
            # A region heading longer than 120 characters is still a region heading.
            (
                "The border areas with Venezuela, including the crossings at Cúcuta and "
                "Paraguachón and every town within thirty kilometres of the frontier",
                4,
            ),
        ),
        region_texts={
            "Arauca and Cauca departments": "Armed groups fight over smuggling routes here.\n\n"
            "Visit our website for Travel to High-Risk Areas.",
        },
    ),
    ("full.xml", "MX"): Expected(  # "Mexico Travel Advisory - Level 2: …", summary in an <h2>
        ("Mexico", 2, L2, date(2025, 8, 12), "classic"),
        summary="Exercise increased caution in Mexico due to crime.",
        sections=("Advisory summary",),
        texts={
            "Advisory summary": "- Violent crime happens in many states.\n"
            "- Check the map of restricted areas."
        },
    ),
    ("full.xml", "MT"): Expected(
        ("Malta", 1, L1, date(2025, 7, 24), "classic"),
        summary="Exercise normal precautions in Malta.",
        change_note="Reissued after periodic review without changes.",
        sections=("Overview",),
        texts={"Overview": "Read the country information page for more on travel to Malta."},
    ),
    # -- entity-escaped descriptions, CRLF line endings ----------------------------------------
    ("classic-escaped-crlf.xml", "GN"): Expected(
        ("Guinea", 2, L2, date(2026, 3, 12), "classic"),
        summary="Exercise increased caution in Guinea due to crime and civil unrest. "
        "Some areas have increased risk.",
        change_note="Reissued after periodic review with minor edits.",  # "Last Update:" dropped
        sections=("Country Summary", "If you decide to travel to Guinea"),
        texts={
            "Country Summary": "Crime rises after dark. Police respond slowly.\n\n"
            "Guinea’s roads are poorly lit.",
            "If you decide to travel to Guinea": "- Keep a low profile.\n"
            "- Review the Country Security Report for Guinea.",
        },
        regions=(("Forest Region", 3),),  # listed "The Forest Region near the Liberian border"
        region_texts={"Forest Region": "Unrest flares around elections."},
    ),
    ("classic-escaped-crlf.xml", "QA"): Expected(  # <span class='header-paragraph'> headings
        ("Qatar", 3, L3, date(2026, 3, 3), "new"),
        summary="Reconsider travel to Qatar due to armed conflict.",
        sections=("Armed Conflict", "Aviation Safety"),
        texts={
            "Armed Conflict": "Missile debris has fallen near Doha.",
            "Aviation Safety": "Consult the FAA’s notices.",
        },
    ),
    ("classic-escaped-crlf.xml", "TT"): Expected(
        ("Trinidad & Tobago", 2, L2, date(2025, 11, 10), "classic"),
        summary="Exercise increased caution in Trinidad & Tobago due to crime.",
        sections=("Country Summary",),
        texts={
            "Country Summary": "Crime is high in Port of Spain & San Fernando. "
            "A sign at the ferry reads &amp; and nothing else."
        },
    ),
    # -- odd titles, State Department codes that are not ISO, dc: without a declaration --------
    ("odd-titles.xml", "CN"): Expected(
        ("Mainland China, Hong Kong & Macau", 2, L2, date(2024, 11, 27), "classic"),
        summary="Exercise increased caution when traveling to Mainland China due to the "
        "arbitrary enforcement of local laws.",
        change_note="Reissued after periodic review with minor edits.",
    ),
    ("odd-titles.xml", "HK"): Expected(
        ("Mainland China, Hong Kong & Macau", 2, L2, date(2024, 11, 27), "classic"),
        summary="Exercise increased caution in the Hong Kong SAR due to the arbitrary "
        "enforcement of local laws.",
    ),
    ("odd-titles.xml", "IL"): Expected(  # "See Individual Summaries - Level 4: Do Not Travel"
        ("Israel", 4, L4, date(2026, 3, 2), "classic"),
        summary="Attacks can come without warning, in the cities too.",
        change_note="Updated to reflect the departure of non-emergency staff and their families.",
        sections=("Country Summary",),
        regions=(("Israel", 3), ("The West Bank", 3), ("Gaza", 4)),
    ),
    ("odd-titles.xml", "CH"): Expected(  # "Switzerland\u00a0 - Level 1", Country-Tag SZ
        ("Switzerland", 1, L1, date(2025, 5, 20), "new"),
        summary="Exercise normal precautions in Switzerland.",
    ),
    ("odd-titles.xml", "KE"): Expected(  # "Kenya  - Level 2" (two spaces)
        ("Kenya", 2, L2, date(2026, 4, 30), "classic"),
        summary="Exercise increased caution in Kenya due to crime.",
    ),
    ("odd-titles.xml", "MM"): Expected(  # Country-Tag BM is Bermuda in ISO
        ("Burma (Myanmar)", 4, L4, date(2026, 5, 8), "classic"),
        summary="Do not travel to Burma due to armed conflict.",
    ),
    ("odd-titles.xml", "MA"): Expected(  # Country-Tag MO is Macau in ISO
        ("Morocco", 2, L2, date(2025, 4, 21), "new"),
        summary="Exercise increased caution in Morocco due to terrorism.",
    ),
    ("odd-titles.xml", "GB"): Expected(  # Country-Tag UK
        ("United Kingdom", 2, L2, date(2025, 5, 8), "classic"),
        summary="Exercise increased caution in the United Kingdom due to terrorism.",
    ),
    ("odd-titles.xml", "TD"): Expected(  # "Chad&#8239;- Level 4", Country-Tag CD, full pubDate
        ("Chad", 4, L4, date(2026, 4, 28), "classic"),
        summary="Do not travel to Chad for any reason.",
    ),
    ("odd-titles.xml", "PE"): Expected(  # "Peru Travel Advisory": the level is only in <category>
        ("Peru", 2, L2, date(2026, 6, 19), "classic"),
        summary="Exercise increased caution in Peru due to crime.",
    ),
    ("odd-titles.xml", "LI"): Expected(  # trailing spaces, capitalised link
        ("Liechtenstein", 1, L1, date(2026, 7, 27), "classic"),
        summary="Exercise normal precautions in Liechtenstein.",
    ),
    # -- the usable items of a feed that also holds broken ones --------------------------------
    ("broken-items.xml", "FJ"): Expected(
        ("Fiji", 1, L1, date(2026, 7, 13), "classic"),
        summary="Exercise normal precautions in Fiji.",
    ),
    ("broken-items.xml", "NP"): Expected(
        ("Nepal", 2, L2, date(2026, 4, 10), "classic"),
        summary="Exercise increased caution in Nepal due to unrest.",
    ),
    # -- region headings and region blocks in the shapes seen 2023-2026 ----------------------
    ("region-shapes.xml", "AZ"): Expected(  # "Level 4: Do Not Travel - <place>", listed first
        ("Azerbaijan", 3, L3, date(2026, 4, 28), "classic"),
        summary="Reconsider travel to Azerbaijan due to armed conflict. "
        "Some areas have increased risk.",
        change_note="There were no changes to the advisory level. "
        "Areas of increased risk were updated.",
        sections=("Country Summary",),
        regions=(
            ("Border with Armenia", 4),  # listed as "The border region with Armenia"
            ("The former Nagorno-Karabakh oblast and the districts around it", 4),
        ),
        region_texts={"Border with Armenia": "Mines lie unmarked along the border roads."},
    ),
    ("region-shapes.xml", "PY"): Expected(  # "Level 2 - Exercise Increased Caution -  <place>"
        ("Paraguay", 1, L1, date(2026, 8, 19), "classic"),
        summary="Exercise Normal Precautions in Paraguay. Some areas have increased risk.",
        change_note="There were no changes to the advisory level or risk indicators.",
        sections=("Advisory summary",),
        regions=(("Departments of Alto Parana and Amambay", 2),),
        region_texts={
            "Departments of Alto Parana and Amambay": "Smugglers move goods across the border "
            "with Brazil."
        },
    ),
    ("region-shapes.xml", "ET"): Expected(  # "<place> - Do Not Travel", "<place> -- Level 4: …"
        ("Ethiopia", 3, L3, date(2023, 7, 31), "classic"),
        summary="Reconsider travel to Ethiopia due to unrest.",
        regions=(("Amhara Region", 4), ("Border areas with Kenya", 4)),
        region_texts={"Border areas with Kenya": "Bandits cross the border at night."},
    ),
    ("region-shapes.xml", "MX"): Expected(  # "State of Colima: Do not travel due to …"
        ("Mexico", 2, L2, date(2025, 8, 12), "classic"),
        summary="Exercise increased caution in Mexico due to crime.",
        sections=("State of Emergency",),  # a section: no guidance follows the name
        regions=(
            ("State of Colima", 4),  # in an <h4>
            ("State of Guerrero", 4),  # "<strong>State of Guerrero:</strong> Do not travel …"
            ("State of Chiapas", 3),
            ("Mexico City (Ciudad de Mexico)", 2),  # no bold at all
            ("State of Campeche", 1),  # "State of Campeche:<strong>Exercise normal …"
        ),
        region_texts={
            "State of Colima": "Do not travel due to crime and kidnapping.\n\n"
            "- Shootings between gangs have hurt bystanders.",
            "State of Guerrero": "Do not travel due to crime.\n\n- Armed groups block roads.",
            "State of Chiapas": "Reconsider travel due to crime.",
            "State of Campeche": "Exercise normal precautions.\n\n"
            "- Staff may travel anywhere in the state.",
        },
    ),
    ("region-shapes.xml", "MZ"): Expected(  # listed "… inside …", headed "… within …"
        ("Mozambique", 2, L2, date(2025, 6, 16), "classic"),
        summary="Exercise increased caution in Mozambique due to crime. "
        "Some areas have increased risk.",
        change_note="Reissued after periodic review with minor edits.",
        regions=(
            ("Cabo Delgado Province and the Niassa Reserve within Niassa Province", 4),
            ("The Zimbabwe border of Manica Province", 4),  # listed only
        ),
        region_texts={
            "Cabo Delgado Province and the Niassa Reserve within Niassa Province": "Insurgents "
            "attack villages and roads.",
            "The Zimbabwe border of Manica Province": "The Zimbabwe border of Manica Province "
            "due to landmines.",
        },
    ),
    ("region-shapes.xml", "SA"): Expected(  # "<p><b>Do Not Travel</b> to the <b>Yemen border</b>"
        ("Saudi Arabia", 3, L3, date(2026, 3, 3), "new"),
        summary="Reconsider travel to Saudi Arabia due to armed conflict.",
        sections=("Terrorism", "Exercise increased caution due to exit bans", "Aviation safety"),
        texts={"Aviation safety": "Check the FAA notices before flying."},
        regions=(("the Yemen border", 4),),  # said twice, one region
        region_texts={
            "the Yemen border": "Do Not Travel to the Yemen border due to threat of terrorism."
        },
    ),
    ("region-shapes.xml", "KH"): Expected(  # the summary said again in bold: not a region
        ("Cambodia", 2, L2, date(2025, 7, 25), "new"),
        summary="Exercise increased caution in Cambodia due to crime and unrest.",
        sections=("Overview",),
        texts={
            "Overview": "Exercise increased caution in Cambodia due to crime and unrest. "
            "Some areas have increased risk."
        },
        regions=(("areas along the Thai border", 4), ("Phnom Penh", 2)),
    ),
    # -- summaries that lead into a list, and headings too long to be headings ----------------
    ("summary-shapes.xml", "RU"): Expected(  # "Do not travel to Russia due to:" and a list
        ("Russia", 4, L4, date(2025, 5, 8), "classic"),
        summary="Do not travel to Russia due to:\n\n- The war with Ukraine.\n- Arbitrary arrests.",
        change_note="Reissued after periodic review.",
        sections=("U.S. citizens in Russia should leave now.",),
        texts={"U.S. citizens in Russia should leave now.": "Embassy help is very limited."},
    ),
    ("summary-shapes.xml", "BY"): Expected(  # the same under an "Advisory summary" heading
        ("Belarus", 4, L4, date(2025, 12, 22), "classic"),
        summary="Do not travel to Belarus due to:\n\n"
        "- Harassment by security officials.\n- Unrest.",
        change_note="There were no changes to the advisory level or risk indicators.",
        sections=("Advisory summary",),
        texts={"Advisory summary": "Consular help is very limited."},
    ),
    ("summary-shapes.xml", "MY"): Expected(  # "…increased risk.<br>Exercise Increased Caution in:"
        ("Malaysia", 1, L1, date(2024, 7, 24), "classic"),
        summary="Exercise normal precautions in Malaysia. Some areas have increased risk.",
        change_note="Reissued after periodic review with minor edits.",
        sections=("Overview",),
        regions=(("The eastern area of Sabah State", 2),),
    ),
    ("summary-shapes.xml", "VE"): Expected(  # an <h4> of three sentences is a paragraph
        ("Venezuela", 4, L4, date(2026, 5, 18), "new"),
        summary="Do not travel to Venezuela due to crime.",
        sections=("U.S. embassy operations",),
        texts={
            "U.S. embassy operations": "In March 2026 the embassy in Caracas reopened after "
            "years of closure. Consular services there remain limited. Most services are still "
            "provided in Bogota.\n\n- Passport renewals are not offered in Caracas."
        },
    ),
    ("summary-shapes.xml", "DO"): Expected(  # a long "If you decide to travel …, note that …:"
        ("Dominican Republic", 2, L2, date(2025, 6, 12), "classic"),
        summary="Exercise increased caution in the Dominican Republic due to crime.",
        change_note="Updated after periodic review with minor edits.",
        sections=("Advisory Summary", "If you decide to travel to the Dominican Republic"),
        texts={
            "Advisory Summary": "Violent crime happens across the country.\n\nIf you decide "
            "to travel to the Dominican Republic, note that crime affects residents and visitors "
            "alike in every province, including:\n\n- Robbery\n- Assault",
        },
    ),
    ("summary-shapes.xml", "JP"): Expected(  # two sentences ending in ":" are not a heading
        ("Japan", 1, L1, date(2025, 5, 15), "new"),
        summary="Exercise normal precautions in Japan.",
        sections=("Overview",),
        texts={
            "Overview": "If you travel to Japan, stay alert. Use these tips:\n\n"
            "- Carry your passport."
        },
    ),
    ("summary-shapes.xml", "AR"): Expected(  # the guidance sentence comes after other news
        ("Argentina", 1, L1, date(2026, 5, 20), "classic"),
        summary="Exercise normal precautions in Argentina due to health.",
        change_note="The health risk indicator was added.",
        sections=("Overview",),
    ),
    # -- places under a bare level heading ("Level 4 - Do Not Travel", then "Musanze District") ----
    ("level-headings.xml", "RW"): Expected(  # listed first; each place its own region and text
        ("Rwanda", 2, L2, date(2026, 5, 6), "classic"),
        summary="Exercise increased caution in Rwanda due to crime and unrest. "
        "Some areas have increased risk.",
        change_note="There was no change to the advisory level. "
        "An area of increased risk was added.",
        sections=("Crime", "If you decide to travel to Rwanda"),
        texts={"Crime": "Pickpockets work the bus stations of Kigali."},
        regions=(("Musanze District", 4), ("Rubavu District", 4)),
        region_texts={
            "Musanze District": "Do not travel to Musanze District within 10 kilometers of the "
            "border due to unrest.\n\nArmed groups cross the border at night.",
            "Rubavu District": "Do not travel to Rubavu District within 10 kilometers of the "
            "border due to unrest.",
        },
    ),
    ("level-headings.xml", "KE"): Expected(  # "<b>Level 4 - Do Not Travel<br>Nairobi …</b>"
        ("Kenya", 2, L2, date(2026, 7, 28), "classic"),
        summary="Exercise increased caution in Kenya due to crime. Some areas have increased risk.",
        change_note="There was no change to the advisory level. Advisory summary was updated.",
        sections=("Crime", "If you decide to travel to Kenya"),
        regions=(
            ("Nairobi neighborhoods of Eastleigh and Kibera", 4),
            # Longer than a heading may be, but alone on the line under the level: a place.
            (
                "Counties of Garissa, Wajir, Mandera, Lamu, Tana River (except Tsavo National "
                "Park), Kilifi (north of highway C103), and coastal areas north of Malindi",
                4,
            ),
        ),
        region_texts={
            "Nairobi neighborhoods of Eastleigh and Kibera": "Do Not Travel to the Nairobi "
            "neighborhoods of Eastleigh and Kibera due to risk of crime."
        },
    ),
    ("level-headings.xml", "AZ"): Expected(  # "<b>Risks in specific areas<br>Level 4 - …</b>"
        ("Azerbaijan", 3, L3, date(2026, 3, 12), "classic"),
        summary="Reconsider Travel to Azerbaijan due to armed conflict. "
        "Some areas have increased risk.",
        change_note="The advisory level was increased to 3. Advisory summary was updated.",
        # A heading that is a sentence of advice is no place: it ends the places.
        sections=(
            "Terrorism",
            "Exercise a high degree of caution on roads near the Azerbaijan-Armenia border",
            "If you decide to travel to Azerbaijan",
        ),
        # "Border with Iran" is listed as "The southern border region", which its text names.
        regions=(("Border with Iran", 4), ("Border with Armenia", 4)),
        region_texts={
            "Border with Iran": "Do not travel to the southern border region due to risk of armed "
            "conflict.\n\nMissiles have struck near the border.",
        },
    ),
    ("level-headings.xml", "ET"): Expected(  # <h4> headings; two levels, places under each
        ("Ethiopia", 3, L3, date(2026, 4, 1), "classic"),
        summary="Reconsider travel to Ethiopia due to unrest and crime. "
        "Some areas have increased risk.",
        sections=("Advisory summary", "If you decide to travel to Ethiopia"),
        regions=(("Tigray Region", 4), ("Border with Somalia", 4), ("Afar Region", 3)),
        region_texts={
            # The region item that names the open region is its text, not a region of its own.
            "Tigray Region": "- Do not travel to the Tigray Region due to armed conflict.\n"
            "- Roads to Eritrea are closed.",
            "Afar Region": "Reconsider travel to the Afar Region due to unrest.",
        },
    ),
    ("level-headings.xml", "CI"): Expected(  # the place heading is a guidance sentence
        ("Côte d’Ivoire", 2, L2, date(2026, 2, 18), "new"),
        summary="Exercise increased caution in Côte d’Ivoire due to crime. "
        "Some areas have increased risk.",
        change_note="There was no change to the advisory level. Advisory summary was updated.",
        sections=("If you decide to travel to Côte d’Ivoire",),
        regions=(("areas of northern border region", 4),),
        region_texts={"areas of northern border region": "Armed groups cross from Burkina Faso."},
    ),
    ("level-headings.xml", "UA"): Expected(  # "Level 3: Reconsider Travel to …", 150 characters
        ("Ukraine", 4, L4, date(2024, 11, 14), "classic"),
        summary="Do not travel to Ukraine due to Russia's war against Ukraine. "
        "Frontline regions see daily shelling.",
        change_note="Reissued with updates after periodic review.",
        sections=(
            "Some regions may have lower level of risk due to air defense capabilities and "
            "distance from active combat zones.",
            "Occupied Territories",
        ),
        texts={
            "Some regions may have lower level of risk due to air defense capabilities and "
            "distance from active combat zones.": "Monitor local media for air alerts."
        },
        regions=(
            (
                "the regions of Volyn, Lviv, Zakarpattia, Ivano-Frankivsk, Chernivtsi, Ternopil, "
                "Rivne, Khmelnytskyi and Zhytomyr",
                3,
            ),
        ),
    ),
    ("level-headings.xml", "EC"): Expected(  # text, not a place, under the level: no region
        ("Ecuador", 2, L2, date(2025, 10, 14), "classic"),
        summary="Exercise increased caution in Ecuador due to crime. "
        "Some areas have increased risk.",
        change_note='There was no change to the advisory level. The "terrorism" risk indicator '
        "was added.",
        sections=("Level 4: Do Not Travel", "Terrorists and Local Gangs"),
    ),
    ("level-headings.xml", "SN"): Expected(  # a risk heading ends the places under the level
        ("Senegal", 1, L1, date(2025, 12, 1), "classic"),
        summary="Exercise normal precautions in Senegal. Some areas have increased risk.",
        change_note="Reissued after periodic review with minor edits.",
        sections=("Crime", "Ziguinchor city"),
        regions=(("Casamance region", 2),),
        region_texts={
            "Casamance region": "Exercise Increased Caution in the Casamance region due to crime "
            "and landmines.\n\nStaff travel only on main roads."
        },
    ),
}
CASES = [
    pytest.param(f, code, exp, id=f"{Path(f).stem}-{code}") for (f, code), exp in EXPECTED.items()
]


def advisory(fixture: str, code: str) -> Advisory:
    found = [i.advisory for i in parsed(fixture).items if i.advisory.destination == code]
    assert len(found) == 1, f"{fixture} holds {len(found)} items for {code}"
    return found[0]


@pytest.mark.parametrize(("fixture", "code", "exp"), CASES)
def test_item_header(fixture: str, code: str, exp: Expected) -> None:
    adv = advisory(fixture, code)
    assert (adv.source, adv.destination) == ("us", code)
    assert (adv.name, adv.level, adv.label, adv.issued, adv.rendering) == exp.head
    assert adv.url.startswith("https://travel.state.gov/")


@pytest.mark.parametrize(("fixture", "code", "exp"), CASES)
def test_item_summary_and_change_note(fixture: str, code: str, exp: Expected) -> None:
    adv = advisory(fixture, code)
    assert adv.summary == exp.summary
    assert adv.change_note == exp.change_note


@pytest.mark.parametrize(("fixture", "code", "exp"), CASES)
def test_item_sections(fixture: str, code: str, exp: Expected) -> None:
    adv = advisory(fixture, code)
    assert tuple(s.title for s in adv.sections) == exp.sections
    texts = {s.title: s.text for s in adv.sections}
    for title, text in exp.texts.items():
        assert texts[title] == text, title


@pytest.mark.parametrize(("fixture", "code", "exp"), CASES)
def test_item_regions(fixture: str, code: str, exp: Expected) -> None:
    adv = advisory(fixture, code)
    assert tuple((r.name, r.level) for r in adv.regions) == exp.regions
    texts = {r.name: r.text for r in adv.regions}
    for name, text in exp.region_texts.items():
        assert texts[name] == text, name


@pytest.mark.parametrize("fixture", GOOD_FIXTURES)
def test_table_covers_every_item(fixture: str) -> None:
    codes = [i.advisory.destination for i in parsed(fixture).items]
    assert len(codes) == len(set(codes))
    assert sorted(codes) == sorted(code for f, code in EXPECTED if f == fixture)


@pytest.mark.parametrize("fixture", GOOD_FIXTURES)
def test_text_is_clean(fixture: str) -> None:
    for item in parsed(fixture).items:
        adv = item.advisory
        texts = [adv.name, adv.label, adv.summary, adv.change_note]
        texts += [t for s in adv.sections for t in (s.title, s.text)]
        texts += [t for r in adv.regions for t in (r.name, r.text)]
        for text in texts:
            assert not UNCLEAN.search(text), (adv.destination, text)
            assert text == text.strip(), (adv.destination, text)
        assert item.raw.startswith(b"<item")


def test_no_fused_or_split_words() -> None:
    """Inline tags add no space ("<b>Mal</b>i" is Mali); block tags always separate words."""
    text = " ".join(
        t for a in parsed("full.xml").advisories for t in (a.summary, *(s.text for s in a.sections))
    )
    for fused in ("travelto", "travelin", "cautionin", "Mal i", "precautionsin", "conflict.Non"):
        assert fused not in text
    assert "Do not travel to Mali for any reason." in text


# A region listed under "Do Not Travel To:" and a region heading: one place, or two?
SAME_PLACE = [
    ("The border region with Armenia", "Border with Armenia", True),
    ("The border areas with Venezuela", "The border areas with Venezuela, near Cúcuta", True),
    (
        "Cabo Delgado and the reserve inside Niassa",
        "Cabo Delgado and the reserve within Niassa",
        True,
    ),
    ("Areas marked off-limits by the army", "Areas Designated Off-Limits by the Army", True),
    (
        "Districts in the north of Nampula and Niassa",
        "Northern districts of Nampula and Niassa",
        True,
    ),
    ("State of Compeche", "State of Campeche", True),
    ("Border with Iraq", "Border with Iran", False),
    ("North Kivu", "South Kivu", False),
    ("Rusizi District near the border", "Rubavu District near the border", False),
    ("Areas north of Kande", "Northern border region", False),
    ("Areas along Cambodian and Thai border", "Cambodia - Thailand Border", True),
]


@pytest.mark.parametrize(("listed", "heading", "same"), SAME_PLACE)
def test_listed_region_and_its_heading_merge(listed: str, heading: str, same: bool) -> None:
    html = (
        f"<p>Do not travel to:</p><ul><li>{listed} due to crime.</li></ul>"
        f"<p><b>{heading} &#8211; Level 4: Do Not Travel</b></p><p>Armed groups.</p>"
    )
    regions = describe(blocks(html), "Atlantis")["regions"]
    if same:
        assert [(r.name, r.level, r.text) for r in regions] == [(heading, 4, "Armed groups.")]
    else:
        assert [r.name for r in regions] == [listed, heading]


def test_heading_whose_text_names_the_listed_place_merges() -> None:
    # Azerbaijan, 2026: listed as "The southern border region", headed "Border with Iran".
    html = (
        "<p>Do not travel to:</p><ul><li>The southern border region due to conflict.</li></ul>"
        "<p><b>Level 4 - Do not travel</b></p><p><b>Border with Iran</b></p>"
        "<p>Do not travel to the southern border region due to conflict.</p>"
    )
    regions = describe(blocks(html), "Azerbaijan", "AZ")["regions"]
    assert [(r.name, r.level) for r in regions] == [("Border with Iran", 4)]


def test_regions_of_different_levels_do_not_merge() -> None:
    html = (
        "<p>Reconsider travel to:</p><ul><li>Border with Armenia due to crime.</li></ul>"
        "<p><b>Border with Armenia &#8211; Level 4: Do Not Travel</b></p><p>Mines.</p>"
    )
    regions = describe(blocks(html), "Azerbaijan")["regions"]
    assert [(r.name, r.level) for r in regions] == [
        ("Border with Armenia", 3),
        ("Border with Armenia", 4),
    ]


# Places under a bare level heading ("Level 4: Do Not Travel" alone, then "Nagorno-Karabakh"): each
# case is the item's blocks after its summary, and the regions and section titles they give.
LEVEL = "<p><b>Level 4: Do Not Travel</b></p>"
PLACE = "<p><b>Nagorno-Karabakh</b></p><p>Mines lie unmarked.</p>"
DECIDE = "<p><b>If you decide to travel to Azerbaijan:</b></p><ul><li>Stay on main roads.</li></ul>"
DECIDE_T = ("If you decide to travel to Azerbaijan",)


@dataclass(frozen=True)
class LevelCase:
    html: str
    regions: tuple[tuple[str, int], ...]
    sections: tuple[str, ...] = ()
    name: str = "Azerbaijan"  # the item's destination
    code: str = "AZ"


LEVEL_HEADINGS = {
    # -- the level heading in its shapes; the places after it are regions at that level ----------
    "level-colon": LevelCase(
        LEVEL + PLACE + DECIDE,
        (("Nagorno-Karabakh", 4),),
        DECIDE_T,
    ),
    "level-dash": LevelCase(
        "<p><b>Level 3 - Reconsider Travel</b></p>" + PLACE, (("Nagorno-Karabakh", 3),)
    ),
    "level-first-colon": LevelCase(
        "<p><b>Level: 4 - Do not travel</b></p>" + PLACE, (("Nagorno-Karabakh", 4),)
    ),
    "h4-tags": LevelCase(
        "<h4>Level 4 - Do Not Travel</h4><h4>Nagorno-Karabakh</h4><p>Mines lie unmarked.</p>",
        (("Nagorno-Karabakh", 4),),
    ),
    "several-places": LevelCase(
        LEVEL + PLACE + "<p><b>The border with Armenia</b></p><p>Shelling.</p>" + DECIDE,
        (("Nagorno-Karabakh", 4), ("The border with Armenia", 4)),
        DECIDE_T,
    ),
    "next-level": LevelCase(
        LEVEL + PLACE + "<p><b>Level 2: Exercise Increased Caution</b></p>"
        "<p><b>Baku old town</b></p><p>Pickpockets.</p>",
        (("Nagorno-Karabakh", 4), ("Baku old town", 2)),
    ),
    "place-on-the-level-line": LevelCase(
        "<p><b>Level 4 - Do Not Travel<br>Nagorno-Karabakh:</b></p><p>Mines lie unmarked.</p>",
        (("Nagorno-Karabakh", 4),),
    ),
    "level-under-a-heading": LevelCase(
        "<p><b>Risks in specific areas<br>Level 4 - Do not travel</b></p>" + PLACE,
        (("Nagorno-Karabakh", 4),),
    ),
    "place-and-text-in-one-block": LevelCase(
        LEVEL + "<p><b>Nagorno-Karabakh</b><br>Mines lie unmarked.</p>", (("Nagorno-Karabakh", 4),)
    ),
    "guidance-sentence-heading": LevelCase(
        LEVEL + "<p><b>Do Not Travel to the former Nagorno-Karabakh oblast due to mines</b></p>",
        (("the former Nagorno-Karabakh oblast", 4),),
    ),
    "risk-word-with-a-place-word": LevelCase(
        LEVEL + "<p><b>High crime areas</b></p><p>Gangs.</p>", (("High crime areas", 4),)
    ),
    # -- "Level N: <guidance> to <places>", of any length -----------------------------------
    "level-to-heading": LevelCase(
        "<p><b>Level 3: Reconsider Travel to Lviv</b></p><p>Air alerts.</p>", (("Lviv", 3),)
    ),
    "level-to-long-line": LevelCase(
        "<p><b>Level 3: Reconsider Travel to the regions of "
        + ", ".join(["Volyn", "Lviv"] * 12)
        + " and Zhytomyr.</b><br>Air alerts.</p><p>Monitor the media.</p>",
        (("the regions of " + ", ".join(["Volyn", "Lviv"] * 12) + " and Zhytomyr", 3),),
        ("Overview",),
    ),
    # -- not a region: each exclusion ends the places, and the heading is a section -------------
    "not-if-you-decide": LevelCase(LEVEL + DECIDE, (), DECIDE_T),
    "not-country-summary": LevelCase(
        LEVEL + "<p><b>Country Summary</b></p><p>Calm.</p>", (), ("Country Summary",)
    ),
    "not-advisory-summary": LevelCase(
        LEVEL + "<p><b>Advisory summary</b></p><p>Calm.</p>", (), ("Advisory summary",)
    ),
    "not-the-destination": LevelCase(
        LEVEL + "<p><b>Azerbaijan</b></p><p>Calm.</p>", (), ("Azerbaijan",)
    ),
    "not-another-country": LevelCase(
        LEVEL + "<p><b>Libya</b></p><p>Do not travel to Libya.</p>",
        (),
        ("Libya",),
        "Tunisia",
        "TN",
    ),
    **{
        f"not-risk-{risk.lower().replace(' ', '-')}": LevelCase(
            LEVEL + f"<p><b>{risk}</b></p><p>Take care.</p>", (), (risk,)
        )
        for risk in ("Crime", "Terrorism", "Health", "Kidnapping", "Unrest", "Armed Conflict")
    },
    # Topics that are no risk word: capitalised like a name, or with a place word in them.
    **{
        f"not-topic-{n}": LevelCase(LEVEL + f"<p><b>{topic}</b></p><p>Take care.</p>", (), (topic,))
        for n, topic in enumerate(
            (
                "Debit and credit cards",  # not a proper name
                "Arbitrary Detentions",
                "Missile and drone attacks from Yemen",
                "State of Exception",
                "Ordered Departure",
            )
        )
    },
    "not-government-restrictions": LevelCase(
        LEVEL + "<p><b>U.S. government employee travel restrictions</b></p><p>Permits.</p>",
        (),
        ("U.S. government employee travel restrictions",),
    ),
    "not-advice": LevelCase(
        LEVEL + "<p><b>Exercise a high degree of caution on roads near the border:</b></p>"
        "<ul><li>Roads close.</li></ul>",
        (),
        ("Exercise a high degree of caution on roads near the border",),
    ),
    "not-after-text": LevelCase(  # text, not a place, right under the level heading
        LEVEL + "<p>Do not travel to these areas.</p><ul><li>Guayaquil.</li></ul>"
        "<p><b>Nagorno-Karabakh</b></p><p>Mines.</p>",
        (),
        ("Level 4: Do Not Travel", "Nagorno-Karabakh"),
    ),
    "not-after-a-risk-heading": LevelCase(  # a place after a topic is a section again
        LEVEL + PLACE + "<p><b>Crime</b></p><p>Theft.</p><p><b>Baku old town</b></p><p>Calm.</p>",
        (("Nagorno-Karabakh", 4),),
        ("Crime", "Baku old town"),
    ),
    "not-guidance-of-another-level": LevelCase(
        LEVEL + "<p><b>Reconsider travel to Ganja due to crime</b></p><p>Theft.</p>",
        (),
        ("Reconsider travel to Ganja due to crime",),
    ),
    "not-a-level-that-contradicts-itself": LevelCase(
        "<p><b>Level 4: Reconsider Travel</b></p>" + PLACE,
        (),
        ("Nagorno-Karabakh",),  # the level heading holds no text: no section
    ),
    "not-level-to-the-destination": LevelCase(
        "<p><b>Level 4: Do Not Travel to Azerbaijan due to the war.</b></p><p>Leave now.</p>",
        (),
        ("Level 4: Do Not Travel to Azerbaijan due to the war.",),
    ),
}


@pytest.mark.parametrize("case", LEVEL_HEADINGS.values(), ids=LEVEL_HEADINGS.keys())
def test_places_under_a_level_heading(case: LevelCase) -> None:
    summary = f"<p>Reconsider travel to {case.name} due to crime.</p>"
    found = describe(blocks(summary + case.html), case.name, case.code)
    assert found["summary"] == f"Reconsider travel to {case.name} due to crime."
    assert tuple((r.name, r.level) for r in found["regions"]) == case.regions
    assert tuple(s.title for s in found["sections"]) == case.sections


def test_a_place_under_a_level_heading_keeps_its_own_text() -> None:
    html = LEVEL + PLACE + "<p><b>The border with Armenia</b><br>Shelling.</p><p>Mines.</p>"
    html = "<p>Reconsider travel to Azerbaijan due to crime.</p>" + html
    regions = describe(blocks(html), "Azerbaijan", "AZ")["regions"]
    assert [(r.name, r.text) for r in regions] == [
        ("Nagorno-Karabakh", "Mines lie unmarked."),
        ("The border with Armenia", "Shelling.\n\nMines."),
    ]


def test_broken_items_are_reported_and_the_rest_parse() -> None:
    result = parsed("broken-items.xml")
    assert [a.destination for a in result.advisories] == ["FJ", "NP"]
    assert [(b.source, b.title, b.reason) for b in result.broken] == [
        ("us", "Atlantis", "destination not recognised"),
        ("us", "Norway", "no advisory level in its title or category"),
        ("us", "Iceland", "empty description"),
        ("us", "Estonia", "empty description"),
    ]


def _passwd_lines() -> list[str]:
    try:
        lines = Path("/etc/passwd").read_text().splitlines()
    except OSError:
        return []
    return [line for line in lines if line.strip()]


FEED_ERRORS = [
    pytest.param("empty.xml", r"empty response", id="empty"),
    pytest.param(b" \r\n\t ", r"empty response", id="whitespace"),
    pytest.param("html-page.xml", r"HTML page", id="html-page"),
    pytest.param(b"<html><body>Service unavailable</body></html>", r"HTML page", id="html-bare"),
    pytest.param("truncated.xml", r"not valid XML", id="truncated"),
    pytest.param("not-rss.xml", r"Expected an RSS feed", id="atom"),
    pytest.param(b'{"advisories": []}', r"not valid XML", id="json"),
    pytest.param("no-items.xml", r"no advisories", id="no-items"),
    pytest.param("xxe.xml", r"DTD|entit", id="xxe"),
    pytest.param("billion-laughs.xml", r"DTD|entit|not valid XML", id="billion-laughs"),
    pytest.param("raw-escape-byte.xml", r"not valid XML", id="raw-esc-byte"),
]


@pytest.mark.parametrize(("body", "message"), FEED_ERRORS)
def test_feed_errors(body: str | bytes, message: str) -> None:
    data = fixture_bytes(f"us/{body}") if isinstance(body, str) else body
    started = time.perf_counter()
    with pytest.raises(FeedError, match=message) as caught:
        parse_feed(data)
    assert time.perf_counter() - started < 2.0
    text = str(caught.value)
    assert "\n" not in text
    for line in _passwd_lines():
        assert line not in text


def test_billion_laughs_finishes_fast() -> None:
    data = fixture_bytes("us/billion-laughs.xml")
    started = time.perf_counter()
    with pytest.raises(FeedError):
        parse_feed(data)
    assert time.perf_counter() - started < 2.0


def test_xxe_never_reads_the_file() -> None:
    with pytest.raises(FeedError) as caught:
        parse_feed(fixture_bytes("us/xxe.xml"))
    assert "root:" not in str(caught.value)


@pytest.mark.parametrize(
    "doctype",
    [
        '<!DOCTYPE rss [<!ENTITY ext SYSTEM "{url}">]>',
        '<!DOCTYPE rss [<!ENTITY % ext SYSTEM "{url}"> %ext;]>',
        '<!DOCTYPE rss SYSTEM "{url}">',
    ],
    ids=["external-entity", "parameter-entity", "external-dtd"],
)
def test_external_entities_are_never_fetched(httpserver: HTTPServer, doctype: str) -> None:
    httpserver.expect_request("/evil.dtd").respond_with_data('<!ENTITY ext "EXPANDED">')
    url = httpserver.url_for("/evil.dtd")
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        + doctype.format(url=url)
        + '<rss version="2.0"><channel><item><title>Mali - Level 4: Do Not Travel</title>'
        "<link>https://travel.state.gov/x/destination.mli.html</link>"
        "<description>Do not travel&lt;p&gt;to Mali&lt;/p&gt;</description>"
        + ("<guid>&ext;</guid>" if "ENTITY ext" in doctype else "")
        + "</item></channel></rss>"
    ).encode()
    with pytest.raises(FeedError):
        parse_feed(body)
    assert httpserver.log == []


def test_control_characters_and_escape_sequences_are_removed() -> None:
    result = parse_feed(fixture_bytes("us/escapes.xml"))
    assert result.broken == ()
    (adv,) = result.advisories
    assert adv.name == "Mali"  # the C1 control in the title is gone
    texts = [adv.name, adv.summary, *(t for s in adv.sections for t in (s.title, s.text))]
    for text in texts:
        assert not re.search(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", text), text
    assert adv.summary.startswith("Do not travel to Mali for any reason.")
    # Rich markup is plain text here; it must reach the user literally, never as markup.
    assert "[bold red]ALERT[/bold red]" in adv.summary
    assert "[link=http://attacker.example/]here[/link]" in adv.summary
    assert adv.sections[0].title == "[bold red]Crime[/bold red]"
    assert "pwned" not in adv.sections[0].text  # an OSC title sequence is dropped whole


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mon, 08 Jun 2026", date(2026, 6, 8)),
        (" Mon, 08 Jun 2026 \r\n", date(2026, 6, 8)),
        ("08 Jun 2026", date(2026, 6, 8)),
        ("2026-06-08", date(2026, 6, 8)),
        ("Tue, 28 Apr 2026 00:00:00 GMT", date(2026, 4, 28)),
        ("", None),
        ("soon", None),
    ],
)
def test_parse_date(text: str, expected: date | None) -> None:
    assert parse_date(text) == expected


# -- the real captures under ../shared/data/us (skipped when absent) ---------------------------

REAL = {
    "feed-excerpt-7-items-2026-10-07.xml": 7,
    "feed-subset-11-items-2026-05-25.xml": 11,
    "feed-trimmed-6-items-2026-09.xml": 6,
}


@functools.cache
def real(path: Path) -> FeedResult:
    return parse_feed(path.read_bytes())


def real_feed(shared_data: Path, name: str) -> FeedResult:
    path = shared_data / "us" / name
    if not path.exists():
        pytest.skip(f"{path} is absent")
    return real(path)


def by_name(result: FeedResult, name: str) -> Advisory:
    (adv,) = [a for a in result.advisories if a.name == name]
    return adv


@pytest.mark.shared
@pytest.mark.parametrize(("name", "count"), REAL.items())
def test_real_capture_parses_whole(shared_data: Path, name: str, count: int) -> None:
    result = real_feed(shared_data, name)
    assert result.broken == ()
    assert len(result.items) == count
    for item in result.items:
        adv = item.advisory
        assert adv.level in (1, 2, 3, 4)
        assert adv.issued is not None
        assert adv.summary, adv.name
        texts = [adv.name, adv.label, adv.summary, adv.change_note]
        texts += [t for s in adv.sections for t in (s.title, s.text)]
        texts += [t for r in adv.regions for t in (r.name, r.text)]
        for text in texts:
            for bad in ("\xa0", "\r", "  ", "&nbsp;", "&amp;"):
                assert bad not in text, (adv.name, bad, text)
        assert not adv.summary.endswith(":"), adv.name
        assert all(len(s.title) <= 120 for s in adv.sections), adv.name
        places = [(r.name.lower(), r.level) for r in adv.regions]
        assert len(places) == len(set(places)), adv.name


@pytest.mark.shared
def test_real_regions_in_the_new_rendering(shared_data: Path) -> None:
    result = real_feed(shared_data, "feed-excerpt-7-items-2026-10-07.xml")
    saudi = by_name(result, "Saudi Arabia")
    assert [(r.name, r.level) for r in saudi.regions] == [("the Yemen border", 4)]
    assert "Yemen border" not in next(
        s.text for s in saudi.sections if s.title == "Aviation safety"
    )
    cambodia = by_name(result, "Cambodia")
    assert cambodia.summary.startswith("Exercise increased caution in Cambodia due to crime")
    assert [r.level for r in cambodia.regions] == [4, 2, 2]
    assert not any(r.name.startswith("Cambodia") for r in cambodia.regions)


# Region headings that must never end up as section titles (all seen in 2024-2026).
REGION_TITLE = re.compile(
    r"^Level\s*:?\s*[1-4]\s*[-–—:]+\s*[A-Za-z ]+\s[-–—]+\s*\w|\s[-–—]+\s*Level\s*:?\s*[1-4]\b"
    r"|^State of [^:]+:\s*(Do not travel|Reconsider travel|Exercise)",
    re.I,
)


@pytest.mark.shared
def test_every_archived_version_reads_cleanly(shared_data: Path) -> None:
    """Each distinct version of the daily archive (about 1,800) parses, and reads sensibly."""
    import archive

    if not archive.ARCHIVE.exists():
        pytest.skip(f"{archive.ARCHIVE} is absent")
    arc = archive.load()
    versions = arc.all_versions()
    when = archive.channel_date(arc.days[-1])
    parsed = 0
    for start in range(0, len(versions), 200):
        result = parse_feed(archive.feed_xml(versions[start : start + 200], pub_date=when))
        for broken in result.broken:  # the archive's empty days and two impossible dates
            assert broken.reason == "empty description" or "issued date" in broken.reason
        for adv in result.advisories:
            parsed += 1
            assert adv.summary and not adv.summary.endswith(":"), adv.name
            for section in adv.sections:
                assert len(section.title) <= 120, (adv.name, section.title)
                assert not REGION_TITLE.search(section.title), (adv.name, section.title)
            places = [(r.name.lower(), r.level) for r in adv.regions]
            assert len(places) == len(set(places)), adv.name
    assert parsed > 800


@pytest.mark.shared
def test_real_mali(shared_data: Path) -> None:
    mali = by_name(real_feed(shared_data, "feed-excerpt-7-items-2026-10-07.xml"), "Mali")
    assert (mali.destination, mali.level, mali.rendering) == ("ML", 4, "new")
    assert mali.issued == date(2026, 6, 8)
    assert mali.summary.startswith("Do not travel to Mali for any reason. ")
    assert [s.title for s in mali.sections] == [
        "Crime",
        "Terrorism",
        "Kidnapping",
        "Unrest",
        "Armed Conflict",
        "Air Travel",
        "Health",
        "U.S. government employee travel restrictions",
    ]
    terrorism = next(s.text for s in mali.sections if s.title == "Terrorism")
    assert "country reports on terrorism to learn more" in terrorism
    assert "\n- Night clubs\n" in terrorism


@pytest.mark.shared
def test_real_denmark(shared_data: Path) -> None:
    denmark = by_name(
        real_feed(shared_data, "feed-excerpt-7-items-2026-10-07.xml"), "Kingdom of Denmark"
    )
    assert denmark.destination == "DK"
    assert denmark.change_note.startswith("Reissued after periodic review")
    assert [s.title for s in denmark.sections][:1] == ["Country Summary"]


@pytest.mark.shared
@pytest.mark.parametrize(
    ("name", "region", "level", "text"),
    [
        ("Mozambique", "Cabo Delgado Province, the Niassa Special Reserve within", 4, "Terrorists"),
        ("Ghana", "Areas Near the Northern Border", 3, "U.S. citizens in Ghana"),
        ("Armenia", "Border with Azerbaijan", 4, "Past military action"),
    ],
)
def test_real_region_headings(
    shared_data: Path, name: str, region: str, level: int, text: str
) -> None:
    adv = by_name(real_feed(shared_data, "feed-subset-11-items-2026-05-25.xml"), name)
    # Listed under "Do Not Travel To:" and headed again below: one region, the heading's.
    (found,) = adv.regions
    assert found.name.startswith(region)
    assert found.level == level
    assert found.text.startswith(text)
    assert not any("– Level" in s.text for s in adv.sections)


@pytest.mark.shared
@pytest.mark.parametrize(
    ("name", "code"),
    # The feed's Country-Tag for these is NS, CD, BG, GG: not ISO 3166, and not trusted.
    [("Suriname", "SR"), ("Chad", "TD"), ("Bangladesh", "BD"), ("Georgia", "GE"), ("Mexico", "MX")],
)
def test_real_codes_do_not_trust_country_tag(shared_data: Path, name: str, code: str) -> None:
    result = real_feed(shared_data, "feed-trimmed-6-items-2026-09.xml")
    assert by_name(result, name).destination == code


def test_unreadable_issued_date_is_a_broken_item() -> None:
    feed = (
        b'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><item>'
        b"<title>Cabo Verde - Level 1: Exercise Normal Precautions</title>"
        b"<link>https://travel.state.gov/x/cabo-verde-travel-advisory.html</link>"
        b"<pubDate>Wed, 15 Dec 20202</pubDate>"
        b"<description><![CDATA[<p>Exercise normal precautions in Cabo Verde.</p>]]></description>"
        b"</item></channel></rss>"
    )
    result = parse_feed(feed)
    assert result.items == ()
    (broken,) = result.broken
    assert broken.title == "Cabo Verde"
    assert broken.reason == "unreadable issued date 'Wed, 15 Dec 20202'"
