"""The converter against the publisher's own TEI: each of the 18 gold FRUS documents is
exported to the text form (one line per block, and hard-wrapped at 72 columns), converted
back, and compared with the gold on every feature an editor checks."""

from __future__ import annotations

import os
import re
import textwrap
from pathlib import Path

import pytest
from lxml import etree

from teikit import config as teikit_config
from teikit.convert import convert_text
from teikit.writers.text import ITEM_PREFIX, to_text
from teikit.xmlio import parse, parse_bytes

from .conftest import REPO, need_shared

TEI = "http://www.tei-c.org/ns/1.0"
NS = {"t": TEI}
GOLD_NAMES = [
    "frus1969-76v12-d134", "frus1969-76v12-d208", "frus1969-76v12-d87", "frus1981-88v03-d132",
    "frus1981-88v03-d133", "frus1981-88v03-d134", "frus1981-88v03-d245", "frus1981-88v05-d1",
    "frus1981-88v05-d111", "frus1981-88v05-d16", "frus1981-88v05-d17", "frus1981-88v05-d18",
    "frus1981-88v05-d19", "frus1981-88v05-d2", "frus1981-88v05-d20", "frus1981-88v05-d21",
    "frus1981-88v05-d3", "frus1981-88v05-d4",
]
REDACTION = re.compile(r"\[([^\[\]]*not declassified)\]")
BLOCKS = {f"{{{TEI}}}{n}" for n in "p head item label dateline salute signed closer opener list quote".split()}


def gold(name: str) -> etree._Element:
    return parse(need_shared(f"corpus/frus-gold/{name}.xml")).getroot()


def convert(text: str) -> etree._Element:
    os.environ["SOURCE_DATE_EPOCH"] = "1795824000"
    try:
        data = convert_text(text, source="gold.txt", config=teikit_config.load(REPO), out_path=REPO / "x.xml").data
    finally:
        del os.environ["SOURCE_DATE_EPOCH"]
    return parse_bytes(data).getroot().find(".//t:div[@type='document']", NS)


def wrapped(text: str, width: int = 72) -> str:
    """The typed form: each one-line block hard-wrapped, hyphenated compounds broken at their hyphen."""
    out = []
    for block in text.split("\n\n"):
        if "\n" in block.strip("\n"):
            out.append(block)  # a labelled list: its lines are its items
            continue
        indent = " " * (len(block) - len(block.lstrip(" ")))
        out.append(textwrap.fill(block.strip(), width, initial_indent=indent, subsequent_indent=indent,
                                 break_long_words=False, break_on_hyphens=True))
    return "\n\n".join(out)


class Features:
    """What an editor compares, read the same way from either dialect."""

    def __init__(self, div: etree._Element):
        self.number = div.get("n")
        raw: list[str] = []
        # a page break just before the document (teikit, v05) is one at its start (v03)
        before = div.getprevious()
        while before is not None and before.tag == f"{{{TEI}}}pb":
            raw.insert(0, f"\x00pb{len(raw)}\x01")
            before = before.getprevious()
        self._pb_numbers = [pb.get("n") for pb in div.itersiblings(f"{{{TEI}}}pb", preceding=True)][::-1]
        self._pb_numbers = self._pb_numbers[: len(raw)]
        self._note_texts = []
        self._walk(div, raw)
        self.body, positions = _positions("".join(raw))
        self.pages = [(n, positions[f"pb{i}"]) for i, n in enumerate(self._pb_numbers)]
        self.notes = [(n, text, positions[f"note{i}"]) for i, (n, text) in enumerate(self._note_texts)]
        self.redactions = [(m.group(1), m.start()) for m in REDACTION.finditer(self.body)]
        self.note_redactions = [m.group(1) for _, t, _ in self.notes for m in REDACTION.finditer(t)]
        head = div.find("t:head", NS)
        self.head = re.sub(rf"^{re.escape(self.number)}\. ", "", _text(head))
        self.dateline = [_text(d) for d in div.iterfind(".//t:dateline", NS)]
        self.dates = [tuple((k, d.get(k)[:19]) for k in ("when", "from", "to") if d.get(k))
                      for d in div.iterfind(".//t:dateline/t:date", NS)]
        self.signed = [_text(s) for s in div.iterfind(".//t:closer/t:signed", NS)]

    def _walk(self, el: etree._Element, raw: list[str]) -> None:
        text = el.text or ""
        if el.tag == f"{{{TEI}}}head" and el.getparent().get("type") == "document":
            text = re.sub(rf"^\s*{re.escape(self.number)}\. ", "", text)  # the number lives in @n
        raw.append(text)
        for child in el:
            if child.tag == f"{{{TEI}}}note" and child.get("rend") == "inline":
                raw.append(f"\n{_text(child)}\n")  # printed in the text ("Attachment")
            elif child.tag == f"{{{TEI}}}note":
                raw.append(f"\x00note{len(self._note_texts)}\x01")
                self._note_texts.append((child.get("n"), _text(child)))
            elif child.tag == f"{{{TEI}}}pb":
                raw.append(f"\x00pb{len(self._pb_numbers)}\x01")
                self._pb_numbers.append(child.get("n"))
            elif child.tag == f"{{{TEI}}}gap":
                if child.get("reason") != "deleted":
                    raw.append(f"[{_text(child)}]")
            elif isinstance(child.tag, str):
                if child.get("type") == "attachment" and child.get("n"):
                    raw.append(f"\n{child.get('n')}\n")  # teikit's attachment label
                block = child.tag in BLOCKS
                raw.append("\n" if block else "")
                # teikit's list items print their bullet; the gold keeps it as text
                raw.append(ITEM_PREFIX.get(el.get("rend"), "") if child.tag == f"{{{TEI}}}item" else "")
                self._walk(child, raw)
                raw.append("\n" if block else "")
            if child.tail:
                raw.append(child.tail)


def _text(el: etree._Element | None) -> str:
    if el is None:
        return ""
    parts = [el.text or ""]
    for child in el:
        if child.tag == f"{{{TEI}}}note":
            pass
        elif child.tag == f"{{{TEI}}}gap":
            parts.append(f"[{_text(child)}]" if child.get("reason") != "deleted" else "")
        elif isinstance(child.tag, str):
            parts.append(_text(child))
        parts.append(child.tail or "")
    return " ".join("".join(parts).split())


def _positions(raw: str) -> tuple[str, dict[str, int]]:
    """Body text with white space normalised; where each sentinel stood in it."""
    raw = re.sub("\\s+(?=\x00note)", "", raw)  # a note is glued to what precedes it
    text = " ".join(raw.split())
    positions: dict[str, int] = {}
    out = ""
    for piece in re.split("(\x00[a-z0-9]+\x01)", text):
        if piece.startswith("\x00"):
            positions[piece[1:-1]] = len(out)
        elif out.endswith(" ") or not out:
            out += piece.lstrip(" ")
        else:
            out += piece
    return out.rstrip(), positions


FORMS = {"one line per block": lambda t: t, "wrapped at 72 columns": wrapped}


@pytest.mark.parametrize("form", sorted(FORMS))
@pytest.mark.parametrize("name", GOLD_NAMES)
def test_gold_document_survives_text_and_back(name, form):
    original = gold(name)
    expected = Features(original)
    got = Features(convert(FORMS[form](to_text(original.getroottree()))))
    assert got.number == expected.number
    assert got.head == expected.head
    assert [(n, t) for n, t, _ in got.notes] == [(n, t) for n, t, _ in expected.notes]
    assert got.body == expected.body
    assert got.notes == expected.notes, "a footnote is anchored at another position"
    assert got.pages == expected.pages
    assert got.redactions == expected.redactions
    assert got.note_redactions == expected.note_redactions
    assert got.dateline[:1] == expected.dateline[:1]
    assert got.dates[:1] == expected.dates[:1]
    assert got.signed == expected.signed


@pytest.mark.parametrize("name", GOLD_NAMES)
def test_redactions_and_omissions_become_gaps(name):
    """Every bracketed redaction of the gold is a measured <gap> in teikit's TEI."""
    original = gold(name)
    div = convert(to_text(original.getroottree()))
    phrases = [m.group(1) for m in REDACTION.finditer(" ".join("".join(original.itertext()).split()))]
    gaps = div.findall(".//t:gap[@reason='not-declassified']", NS)
    assert [_text(g) for g in gaps] == phrases
    for gap in gaps:
        assert gap.get("unit") and (gap.get("quantity") or gap.get("atMost"))
    omissions = [p for p in original.iterfind(".//t:p", NS) if _text(p).startswith("[Omitted here")]
    assert len(div.findall(".//t:gap[@reason='editorial-omission']", NS)) == len(omissions)


@pytest.mark.parametrize("name", GOLD_NAMES)
def test_every_gold_text_round_trips_exactly(name):
    text = to_text(gold(name).getroottree())
    os.environ["SOURCE_DATE_EPOCH"] = "1795824000"
    try:
        data = convert_text(text, source="gold.txt", config=teikit_config.load(REPO), out_path=REPO / "x.xml").data
    finally:
        del os.environ["SOURCE_DATE_EPOCH"]
    assert to_text(parse_bytes(data), data) == text


def test_concatenated_volume_has_every_boundary_right():
    texts = [to_text(gold(name).getroottree()).rstrip("\n") for name in GOLD_NAMES]
    volume = "\n\n".join(texts) + "\n"
    os.environ["SOURCE_DATE_EPOCH"] = "1795824000"
    try:
        conversion = convert_text(volume, source="volume.txt", config=teikit_config.load(REPO),
                                  out_path=REPO / "x.xml")
    finally:
        del os.environ["SOURCE_DATE_EPOCH"]
    root = parse_bytes(conversion.data).getroot()
    numbers = [d.get("n") for d in root.iterfind(".//t:div[@type='document']", NS)]
    assert numbers == [gold(name).get("n") for name in GOLD_NAMES]
    notes = [len(d.findall(".//t:note", NS)) for d in root.iterfind(".//t:div[@type='document']", NS)]
    assert notes == [len(gold(name).xpath(".//t:note[not(@rend='inline')]", namespaces=NS)) for name in GOLD_NAMES]
    ids = root.xpath("//@xml:id")
    assert len(ids) == len(set(ids)), "ids repeat"
    assert to_text(root.getroottree(), conversion.data) == volume
    boundary_warnings = [d for d in conversion.report.warnings if d.rule == "boundary"]
    # the corpus jumps between volumes: each jump is reported, each at the heading's line
    assert all("out of sequence" in d.message or "occurs twice" in d.message for d in boundary_warnings)


def test_converted_gold_corpus_is_valid_teikit_tei(tmp_path):
    """teikit's own schema and rules accept what the converter makes of the publisher's
    documents; the only remark left is the publisher's own page-break spacing."""
    from teikit.validation import validate

    os.environ["SOURCE_DATE_EPOCH"] = "1795824000"
    try:
        for name in GOLD_NAMES:
            out = tmp_path / f"{name}.xml"
            text = to_text(gold(name).getroottree())
            out.write_bytes(convert_text(text, source=f"{name}.txt", config=teikit_config.load(REPO), out_path=out).data)
    finally:
        del os.environ["SOURCE_DATE_EPOCH"]
    report = validate([tmp_path])
    assert report.files == len(GOLD_NAMES)
    assert [d.format() for d in report.errors] == []
    assert {d.rule for d in report.warnings} <= {"pb-spacing"}
