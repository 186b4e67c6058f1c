"""Datelines of the text form: "Washington, April 8, 1985", "Geneva, March 12, 1985, 2019Z"."""

from __future__ import annotations

import re

from lxml import etree

from ...xmlio import TEI_NS

T = f"{{{TEI_NS}}}"
MONTHS = ("January February March April May June July August September October November December").split()
_MONTH = "|".join(MONTHS)
DATELINE = re.compile(
    rf"^(?:(?P<place>[A-Z][\w .’'-]*?), )?(?P<date>(?:(?P<month>{_MONTH}) (?P<day>\d{{1,2}}), (?P<year>\d{{4}})"
    rf"(?:, (?P<time>\d{{4}}Z|\d{{1,2}}(?::\d\d)?(?:–\d{{1,2}}(?::\d\d)?)? ?[ap]\.m\.))?)|[Uu]ndated)(?P<end>\.?)$"
)


def parse_dateline(text: str) -> etree._Element | None:
    """`<dateline>` with `<placeName>` and `<date>` carrying ISO values, or None if not a dateline."""
    m = DATELINE.match(text)
    if not m:
        return None
    dateline = etree.Element(T + "dateline")
    if m.group("place"):
        place = etree.SubElement(dateline, T + "placeName")
        place.text = m.group("place")
        place.tail = text[m.end("place") : m.start("date")]
    date = etree.SubElement(dateline, T + "date")
    date.text = m.group("date")
    date.tail = m.group("end") or None  # 1969–76 datelines end with a period outside the date
    if m.group("year"):
        day = f"{m.group('year')}-{MONTHS.index(m.group('month')) + 1:02d}-{int(m.group('day')):02d}"
        for key, value in _times(day, m.group("time")).items():
            date.set(key, value)
    return dateline


def _times(day: str, time: str | None) -> dict[str, str]:
    if not time:
        return {"when": day}
    if time.endswith("Z"):  # telegram time, UTC
        return {"when": f"{day}T{time[:2]}:{time[2:4]}:00+00:00"}
    pm = time.endswith("p.m.")
    parts = time.rstrip(" apm.").split("–")
    iso = [_clock(day, p, pm) for p in parts]
    if len(iso) == 2:
        return {"from": iso[0], "to": iso[1]}
    return {"when": iso[0]}


def _clock(day: str, text: str, pm: bool) -> str:
    hour, _, minute = text.partition(":")
    h = int(hour) % 12 + (12 if pm else 0)
    return f"{day}T{h:02d}:{int(minute or 0):02d}:00"
