"""The seed through the converter: golden TEI, exact round trip, decisions, no loss."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from lxml import etree

from teikit import config as teikit_config
from teikit.convert import convert_text, read_source
from teikit.writers.text import to_text
from teikit.xmlio import parse_bytes

from .conftest import REPO, SEED_TEXT

GOLDEN = REPO / "tests" / "golden" / "frus1981-88v04-d321.xml"
NS = {"tei": "http://www.tei-c.org/ns/1.0"}
GOLDEN_DATE_EPOCH = "1795824000"  # 2026-11-28, the day the golden file was reviewed


def convert_seed(text: str | None = None):
    os.environ["SOURCE_DATE_EPOCH"] = GOLDEN_DATE_EPOCH
    try:
        raw_text, raw = read_source(SEED_TEXT)
        if text is not None:
            raw_text, raw = text, text.encode("utf-8")
        return convert_text(raw_text, source="seeds/frus1981-88v04-d321.txt", config=teikit_config.load(REPO),
                            out_path=REPO / "tei" / "frus1981-88v04-d321.xml", source_bytes=raw)
    finally:
        del os.environ["SOURCE_DATE_EPOCH"]


@pytest.fixture(scope="module")
def seed_tei():
    conversion = convert_seed()
    return conversion, parse_bytes(conversion.data).getroot()


def test_golden_tei(seed_tei, request):
    """The reviewed TEI of the seed; regenerate only with --update-golden, then read the diff."""
    conversion, _ = seed_tei
    if request.config.getoption("--update-golden"):
        GOLDEN.write_bytes(conversion.data)
    assert conversion.data.decode() == GOLDEN.read_text("utf-8")


def test_export_reproduces_the_seed_byte_for_byte(seed_tei):
    conversion, root = seed_tei
    assert to_text(root.getroottree(), conversion.data).encode("utf-8") == SEED_TEXT.read_bytes()


def test_crlf_and_final_newline_survive_the_round_trip():
    text = SEED_TEXT.read_text("utf-8").replace("\n", "\r\n") + "\r\n"
    conversion = convert_seed(text)
    assert to_text(parse_bytes(conversion.data), conversion.data) == text


def test_document_div_and_heads(seed_tei):
    _, root = seed_tei
    div = root.find(".//tei:div[@type='document']", NS)
    assert div.get("n") == "321" and div.get("subtype") == "historical-document"
    assert div.get("{http://www.w3.org/XML/1998/namespace}id") == "d321"
    head = div.find("tei:head", NS)
    assert head.text == "Note Prepared in the White House Situation Room"
    note = head.find("tei:note", NS)
    assert (note.get("type"), note.get("n"), note.get("place")) == ("source", "1", "foot")
    assert note.get("{http://www.w3.org/XML/1998/namespace}id") == "d321fn1"
    assert "".join(note.itertext()).startswith("Source: Reagan Library")
    assert note.find("tei:seg[@type='classification']", NS).text == "Confidential"
    assert note.find("tei:quote", NS).text.startswith("Bud, You probably saw this last night.")
    subject = div.find("tei:head[@type='subject']", NS)
    assert subject.text == "Kremlin Desires Backchannel Link with Washington"


def test_redaction_is_a_measured_gap(seed_tei):
    _, root = seed_tei
    gap = root.find(".//tei:gap", NS)
    assert gap.get("reason") == "not-declassified"
    assert gap.get("extent") == "1 paragraph (8 lines)"
    assert (gap.get("unit"), gap.get("quantity")) == ("line", "8")
    measures = {(m.get("unit"), m.get("quantity")) for m in gap.iterfind(".//tei:measure", NS)}
    assert measures == {("paragraph", "1"), ("line", "8")}
    assert "".join(gap.find("tei:desc", NS).itertext()) == "1 paragraph (8 lines) not declassified"


def test_bullets_and_page_break_between_items(seed_tei):
    _, root = seed_tei
    lists = root.findall(".//tei:list[@rend='bulleted']", NS)
    assert [len(lst.findall("tei:item", NS)) for lst in lists] == [1, 2]
    children = [etree.QName(c).localname for c in lists[1]]
    assert children == ["item", "pb", "item"]
    pb = lists[1][1]
    assert pb.get("n") == "1149" and pb.get("{http://www.w3.org/XML/1998/namespace}id") == "pg_1149"
    assert "[Page" not in "".join(root.find("tei:text", NS).itertext())


def test_classification_marking(seed_tei):
    _, root = seed_tei
    seg = root.find(".//tei:p/tei:seg[@type='classification-marking']", NS)
    assert seg.text == "C"
    assert seg.getparent().text.endswith("Washington. (") and seg.tail == ")"


def test_header_from_config_and_text(seed_tei):
    _, root = seed_tei
    header = root.find("tei:teiHeader", NS)
    assert header.findtext(".//tei:title[@type='main']", namespaces=NS) == "Note Prepared in the White House Situation Room"
    assert header.findtext(".//tei:idno[@type='volume']", namespaces=NS) == "frus1981-88v04"
    assert header.findtext(".//tei:publicationStmt/tei:date", namespaces=NS) == "2021"
    bibl = header.findtext(".//tei:sourceDesc/tei:bibl", namespaces=NS)
    assert bibl == ("Reagan Library, Executive Secretariat, NSC Country File, Europe and Soviet Union, "
                    "USSR (11/27/84–12/04/84); NLR–748–25A–42–3–0.")
    app = header.find(".//tei:application", NS)
    assert app.get("ident") == "teikit" and app.get("version")
    assert header.find(".//tei:revisionDesc/tei:change", NS).get("when") == "2026-11-28"


def test_xml_model_processing_instructions(seed_tei):
    conversion, _ = seed_tei
    head = conversion.data.decode().split("<TEI", 1)[0]
    assert '<?xml-model href="../schemas/teikit.rng"' in head
    assert '<?xml-model href="../schemas/teikit.sch"' in head


def test_no_character_of_the_seed_is_lost(seed_tei):
    """Every character of the seed that is not markup convention is in the TEI text."""
    conversion, root = seed_tei
    seed = SEED_TEXT.read_text("utf-8")
    tei_text = "".join(root.find("tei:text", NS).itertext())
    # markup conventions: the number (in @n), the marker digit, bullets, brackets, the page marker
    conventions = ["321. ", "[Page 1149]", "[", "]", "• ", "Room1", "  1. "]
    kept = seed
    for c in conventions:
        kept = kept.replace(c, "")
    squeeze = lambda s: "".join(s.split())
    tei_squeezed = squeeze(tei_text).replace("[", "").replace("]", "")
    for word in kept.split():
        assert squeeze(word) in tei_squeezed, word


def test_every_decision_is_located(seed_tei):
    conversion, _ = seed_tei
    kinds = {d.rule for d in conversion.report.diagnostics}
    assert {"boundary", "footnote", "subject", "redaction", "page-break", "classification"} <= kinds
    for d in conversion.report.diagnostics:
        assert d.path == "seeds/frus1981-88v04-d321.txt" and d.line >= 1 and d.col >= 1
    footnote = next(d for d in conversion.report.diagnostics if d.rule == "footnote")
    assert (footnote.line, footnote.col) == (1, 53)  # the "1" glued to "Room"


def test_footnote_without_marker_is_a_warning_and_kept():
    text = "5. A Title\n\nSome text without a marker.\n\n  1. Source: Somewhere; nowhere. Secret."
    conversion = convert_seed(text)
    warnings = conversion.report.warnings
    assert any("footnote 1 of document 5 has no marker" in w.message for w in warnings)
    assert "Source: Somewhere" in conversion.data.decode()


def test_numbers_in_text_are_not_markers():
    text = ("7. Telegram1\n\nRoom 208 was booked on May 14th, 1984. It cost 3,000 dollars, NST–I–005 said.2\n\n"
            "  1. Source: Files; NLR–1. Secret.\n\n  2. Second note.")
    root = parse_bytes(convert_seed(text).data).getroot()
    notes = root.findall(".//tei:note", NS)
    assert [n.get("n") for n in notes] == ["1", "2"]
    p = root.find(".//tei:body//tei:p", NS)
    assert p.text == "Room 208 was booked on May 14th, 1984. It cost 3,000 dollars, NST–I–005 said."


def test_inline_page_break_inside_a_word():
    text = "8. Memo1\n\nThey pro[Page 53]vide evidence [3 lines not declassified] here.\n\n  1. Source: X; Y. Secret."
    root = parse_bytes(convert_seed(text).data).getroot()
    p = root.find(".//tei:body//tei:p", NS)
    pb = p.find("tei:pb", NS)
    assert p.text == "They pro" and pb.get("n") == "53" and pb.tail == "vide evidence "
    gap = p.find("tei:gap", NS)
    assert (gap.get("unit"), gap.get("quantity"), gap.get("extent")) == ("line", "3", "3 lines")


def test_unrecognised_bracket_is_a_warning_and_insertions_stay_text():
    text = ("9. Memo1\n\nStraits of Tehran [Tiran] and [Page12] and [1 line not declasified].\n\n"
            "  1. Source: X; Y. Secret.")
    conversion = convert_seed(text)
    warned = {(d.line, d.col) for d in conversion.report.warnings if d.rule == "bracket"}
    assert warned == {(3, 31), (3, 44)}  # "[Page12]", "[1 line not declasified]": misspelt, so kept as text
    p = parse_bytes(conversion.data).getroot().find(".//tei:body//tei:p", NS)
    assert "".join(p.itertext()) == "Straits of Tehran [Tiran] and [Page12] and [1 line not declasified]."


def test_strict_turns_uncertain_decisions_into_errors():
    text = "5. A Title\n\nText without a marker.\n\n  1. Source: Somewhere; nowhere. Secret."
    os.environ["SOURCE_DATE_EPOCH"] = GOLDEN_DATE_EPOCH
    try:
        conversion = convert_text(text, source="s.txt", config=teikit_config.load(REPO),
                                  out_path=REPO / "tei" / "s.xml", strict=True)
    finally:
        del os.environ["SOURCE_DATE_EPOCH"]
    assert not conversion.report.ok and conversion.report.exit_code == 1


def test_facs_from_the_configured_scan_offset():
    from dataclasses import replace

    cfg = teikit_config.load(REPO)
    cfg = replace(cfg, edition=replace(cfg.edition, facs_offset=31))
    text = "8. Memo1\n\nThey pro[Page 53]vide evidence.\n\n  1. Source: X; Y. Secret."
    data = convert_text(text, source="x.txt", config=cfg, out_path=REPO / "tei" / "x.xml").data
    pb = parse_bytes(data).getroot().find(".//tei:pb", NS)
    assert (pb.get("n"), pb.get("facs")) == ("53", "0084")  # as the publisher numbers its scans


def test_multi_paragraph_footnote_keeps_its_paragraphs():
    text = ("12. Memo1\n\nBody text.2\n\n  1. Source: X; Y. Secret.\n\n  2. First paragraph of the note.\n\n"
            "  Second paragraph, with [Page 7] a page break.")
    conversion = convert_seed(text)
    root = parse_bytes(conversion.data).getroot()
    note = root.find(".//tei:note[@n='2']", NS)
    paras = note.findall("tei:p", NS)
    assert ["".join(p.itertext()) for p in paras] == ["First paragraph of the note.", "Second paragraph, with  a page break."]
    assert paras[1].find("tei:pb", NS).get("n") == "7"
    assert to_text(root.getroottree(), conversion.data) == text
