"""Small State Department feeds built in code, for tests that need versions to change."""

from __future__ import annotations

from dataclasses import dataclass

MALI_NEW = "https://travel.state.gov/content/tsg_aem/us/en/home/destination.mli.html"
MALI_CLASSIC = "https://travel.state.gov/content/travel/en/mali-travel-advisory.html"
LABELS = {
    1: "Exercise Normal Precautions",
    2: "Exercise Increased Caution",
    3: "Reconsider Travel",
    4: "Do Not Travel",
}


@dataclass(frozen=True)
class Item:
    name: str = "Mali"
    level: int = 3
    date: str = "Mon, 08 Jun 2026"
    link: str = MALI_NEW
    body: str = (
        "Reconsider travel<p>to <b>Mali</b> due to crime.</p>"
        "<h5><b>Crime</b></h5><p>Violent crime is common.</p>"
        "<h5><b>Terrorism</b></h5><p>Terrorists may attack.</p>"
    )

    def xml(self) -> str:
        return (
            f"<item><title>{self.name} - Level {self.level}: {LABELS[self.level]}</title>"
            f"<link>{self.link}</link><pubDate>{self.date}</pubDate>"
            f"<description><![CDATA[{self.body}]]></description>"
            f'<category domain="Threat-Level">Level {self.level}: {LABELS[self.level]}</category>'
            "</item>"
        )


NIGER = Item(
    name="Niger",
    level=4,
    link="https://travel.state.gov/x/destination.ner.html",
    body="Do not travel<p>to <b>Niger</b>.</p><h5><b>Crime</b></h5><p>Crime is common.</p>",
)
RAISED = Item(
    level=4,
    date="Fri, 20 Nov 2026",
    body=(
        "<p><b><i>The advisory level was increased to 4.</i></b></p>"
        "<p>Do not travel to <b>Mali</b> for any reason.</p>"
        "<h5><b>Crime</b></h5><p>Violent crime is very common.</p>"
        "<h5><b>Terrorism</b></h5><p>Terrorists may attack.</p>"
        "<h5><b>Health</b></h5><p>Clinics are scarce.</p>"
    ),
)


def feed(*items: Item) -> bytes:
    body = "".join(i.xml() for i in items)
    return f'<?xml version="1.0"?><rss version="2.0"><channel>{body}</channel></rss>'.encode()
