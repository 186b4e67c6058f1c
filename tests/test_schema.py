"""teikit's schemas: teikit.rng is generated from teikit.rnc, and teikit.rnc is a subset of TEI.

Every document valid against teikit.rng must be valid against the full TEI schema
(tei_all.rng). A grammar cannot be compared with another directly here, so the subset
claim is checked with a sample document that uses every element and every element-specific
attribute teikit.rnc defines (a test fails when the schema grows and the sample does not),
validated against both schemas.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from .conftest import REPO, SEED_TEI, need_shared
import importlib

from teikit.xmlio import parse_bytes

SCHEMAS = REPO / "schemas"
RNC = SCHEMAS / "teikit.rnc"
RNG = SCHEMAS / "teikit.rng"
TEI = "http://www.tei-c.org/ns/1.0"
# The module, not the function of the same name that teikit/__init__.py exports.
v = importlib.import_module("teikit.validation")

# Uses every element of teikit.rnc and every attribute specific to an element.
SAMPLE = """<TEI xmlns="http://www.tei-c.org/ns/1.0" xml:lang="en" version="4.3.0" n="sink" rend="plain" rendition="#r1" corresp="#vol" ana="#a1">
  <teiHeader>
    <fileDesc>
      <titleStmt>
        <title type="complete" level="m">Foreign Relations, <hi rend="italic">Volume IV</hi></title>
        <title type="volume-number">Volume IV</title>
        <editor role="primary">Elizabeth C. Charles</editor>
        <editor role="general">Adam M. Howard</editor>
        <respStmt><resp>Conversion to TEI</resp><name type="software" ref="#teikit" role="tool">teikit</name><persName ref="#p_X_1">A. Person</persName><orgName>Office</orgName></respStmt>
      </titleStmt>
      <publicationStmt>
        <publisher>United States Government Publishing Office</publisher>
        <pubPlace>Washington</pubPlace>
        <date when="2021" type="publication-date">2021</date>
        <idno type="volume">frus1981-88v04</idno>
        <idno type="isbn-13">978-0-16-095000-0</idno>
        <availability status="free"><p>Public domain.</p></availability>
      </publicationStmt>
      <sourceDesc>
        <bibl type="archival">Reagan Library, <title>NSC Country File</title>, <date when="1984-11">November 1984</date>; <idno type="nlr">NLR–748–25A–42–3–0</idno>. <editor>Ed.</editor> <publisher>Pub</publisher> <pubPlace>Here</pubPlace> <persName>P</persName> <placeName>Q</placeName> <orgName>R</orgName> <hi rend="italic">S</hi> <emph>T</emph> <ref target="#d1">U</ref><note>V</note><lb/><pb n="1"/></bibl>
      </sourceDesc>
    </fileDesc>
    <encodingDesc>
      <appInfo>
        <application ident="teikit" version="0.1.0"><label>teikit</label><p>Converter.</p></application>
      </appInfo>
    </encodingDesc>
    <profileDesc>
      <creation><date notBefore="1984-11-27" notAfter="1984-11-28">November 1984</date> in <placeName>Washington</placeName> by <persName>X</persName> of <orgName>Y</orgName></creation>
      <langUsage><language ident="en" usage="100">English</language></langUsage>
    </profileDesc>
    <revisionDesc status="draft">
      <change when="2026-11-28" who="#teikit">Converted by <name>teikit</name>.<p>Details.</p></change>
      <change from="2026-11-01" to="2026-11-28" calendar="gregorian">Edited.</change>
      <change notBefore="2026" notAfter="2027">Planned.</change>
    </revisionDesc>
  </teiHeader>
  <text xml:id="t1">
    <pb n="i" xml:id="pg_i" facs="0001"/>
    <front>
      <div type="section" xml:id="terms">
        <head>Abbreviations and Terms</head>
        <list type="terms">
          <label>C</label>
          <item><term xml:id="t_C_1" type="abbr" target="#terms">C</term>, Confidential</item>
        </list>
      </div>
    </front>
    <body>
      <pb n="1149" xml:id="pg_1149" facs="1180" break="yes"/>
      <div type="compilation" xml:id="comp1">
        <head type="main">Soviet Union</head>
        <div type="document" subtype="historical-document" n="321" xml:id="d321" corresp="#comp1">
          <head>321. Note<note type="source" n="1" xml:id="d321fn1" place="foot" target="#d321">Source: Archive. <seg type="classification" subtype="level">Confidential</seg>.</note></head>
          <head type="subject">Subject</head>
          <opener><dateline><placeName>Washington</placeName>, <date calendar="gregorian" when="1984-11-28T10:00:00-05:00">November 28, 1984</date></dateline><salute>Dear Sir:</salute><signed>Signed</signed></opener>
          <gap reason="not-declassified" extent="1 paragraph (8 lines)" unit="line" quantity="8" atLeast="7" atMost="9"><desc><measure unit="paragraph" quantity="1" type="extent">1 paragraph</measure> (<num type="cardinal" value="8">8</num> lines) of <hi rend="italic">text</hi>, <emph>not</emph> <foreign xml:lang="ru">da</foreign> <term>term</term> <gloss>gloss</gloss> <title>t</title> <persName>p</persName> <placeName>q</placeName> <orgName>o</orgName> <name>n</name> <date when="1984">1984</date> <idno>i</idno> declassified <list><item>x</item></list><quote>q</quote></desc></gap>
          <p rend="center">Text with <hi rend="strong italic">emphasis</hi>, <emph>stress</emph>, <foreign xml:lang="fr">mot</foreign>, <term>term</term>, <gloss target="#t_C_1" type="marking">C</gloss>, <title level="a">A Title</title>, <num value="3">three</num>, <measure unit="page" quantity="2">two pages</measure>, <ref target="#d321fn1" type="note">note 1</ref>, <persName corresp="#d321" type="from" role="sender">Shultz</persName>, <placeName ref="#moscow" role="capital" type="city">Moscow</placeName>, <orgName ref="#cia" role="agency" type="government">CIA</orgName>, <name>Name</name>, <date from="1984-11-27" to="1984-11-28" type="content-date">two days</date>, <idno type="document">d321</idno>, <seg type="classification-marking">C</seg><lb break="no"/>and a <gap reason="illegible"/> word<note n="2" xml:id="d321fn2" type="footnote"><p>Paragraph in a note.</p><p>Another.</p></note>; <quote type="speech">a quote <pb n="1150" xml:id="pg_1150"/> across pages</quote>, a list <list type="simple"><item>in a paragraph</item></list> and verse <lg><l>a line</l></lg>.</p>
          <list type="participants" rend="bulleted">
            <head>PARTICIPANTS</head>
            <item>One<list><item>nested</item></list></item>
            <pb n="1151" xml:id="pg_1151"/>
            <item>Two</item>
          </list>
          <list type="to" rend="numbered">
            <label>1.</label>
            <item>First</item>
            <label type="num">2.</label>
            <item>Second</item>
          </list>
          <quote><p>Quoted paragraph.</p></quote>
          <lg type="stanza"><head>Song</head><l>line one</l><lg><l>inner</l></lg></lg>
          <div type="attachment" xml:id="d321at1">
            <head>Attachment</head>
            <p rend="flushleft">Attached paper.</p>
            <closer rend="right">Sincerely,<signed><persName>Name</persName></signed><dateline>Moscow</dateline><salute>Regards</salute></closer>
          </div>
          <closer><signed>Ronald Reagan</signed></closer>
          <signed>Postscript signature</signed>
        </div>
        <div type="document" subtype="editorial-note" n="322" xml:id="d322">
          <head>322. Editorial Note</head>
          <p>Text.</p>
        </div>
      </div>
    </body>
    <back>
      <div type="section" xml:id="index"><head>Index</head><p>Entries.</p></div>
    </back>
  </text>
</TEI>
"""

# Attributes every element has (att.global in teikit.rnc); exercised on a few elements only.
GLOBAL_ATTRIBUTES = {"{http://www.w3.org/XML/1998/namespace}id", "n", "{http://www.w3.org/XML/1998/namespace}lang",
                     "rend", "rendition", "corresp", "ana"}


@pytest.fixture(scope="module")
def tei_all():
    """The full TEI schema, compiled once for this module (libxml2 needs ~16 s)."""
    return v.load_schema(need_shared("schemas/tei_all.rng"))


def _sample_tree():
    return parse_bytes(SAMPLE.encode("utf-8"), "sample.xml")


def _errors(schema_path, tree) -> list[str]:
    return [d.format() for d in v.is_valid_tree(tree, schema_path, path="sample.xml", source=SAMPLE)]


def test_committed_rng_is_generated_from_rnc():
    expected = v.generated_rng(RNC)
    assert RNG.read_text(encoding="utf-8") == expected, (
        "schemas/teikit.rng differs from what schemas/teikit.rnc generates; edit teikit.rnc only, "
        "then run: python -m teikit.validation --regenerate-rng"
    )


def test_regenerate_check_reports_drift(tmp_path):
    rnc = tmp_path / "teikit.rnc"
    rnc.write_text(RNC.read_text(encoding="utf-8"), encoding="utf-8")
    rng = tmp_path / "teikit.rng"
    rng.write_text("<stale/>", encoding="utf-8")
    assert v.regenerate_rng(rnc, rng, check=True) is False
    assert rng.read_text(encoding="utf-8") == "<stale/>"  # check only compares
    assert v.regenerate_rng(rnc, rng) is False  # rewrites
    assert v.regenerate_rng(rnc, rng, check=True) is True
    assert "Do not edit" in rng.read_text(encoding="utf-8") or "do not edit" in rng.read_text(encoding="utf-8")


def test_grammar_is_in_the_tei_namespace():
    root = etree.parse(str(RNG)).getroot()
    assert root.get("ns") == TEI
    assert 'default namespace = "http://www.tei-c.org/ns/1.0"' in RNC.read_text(encoding="utf-8")


def test_seed_is_valid_against_teikit_rng_and_rnc():
    tree = v._parse(str(SEED_TEI))
    assert v.is_valid_tree(tree, RNG) == []
    assert v.is_valid_tree(tree, RNC) == []


def test_seed_is_valid_against_tei_all(tei_all):
    tree = v._parse(str(SEED_TEI))
    assert tei_all.check(tree, str(SEED_TEI), v._Source(None)) == []


def test_sample_is_valid_against_teikit_rng():
    assert _errors(RNG, _sample_tree()) == []


def test_sample_is_valid_against_tei_all(tei_all):
    found = tei_all.check(_sample_tree(), "sample.xml", v._Source(SAMPLE))
    assert [d.format() for d in found] == []


def test_sample_uses_every_element_and_attribute_of_the_schema():
    grammar = v.load_schema(RNG).grammar
    tree = _sample_tree()
    used: dict[str, set[str]] = {}
    for elem in tree.getroot().iter(etree.Element):
        used.setdefault(elem.tag, set()).update(elem.attrib.keys())
    missing_elements = sorted(etree.QName(n).localname for n in grammar.elements if n not in used)
    assert missing_elements == [], "add these elements to SAMPLE so their TEI conformance is tested"
    missing_attributes = sorted(
        f"{etree.QName(name).localname}/@{v._shown(attr)}"
        for name in grammar.elements
        for attr in grammar.facts(name).attrs
        if attr not in GLOBAL_ATTRIBUTES and attr not in used.get(name, set())
    )
    assert missing_attributes == [], "add these attributes to SAMPLE so their TEI conformance is tested"


def _doc(fragment: str) -> bytes:
    return (
        '<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>T</title>'
        "</titleStmt><publicationStmt><publisher>P</publisher></publicationStmt><sourceDesc><bibl>B</bibl>"
        f"</sourceDesc></fileDesc></teiHeader><text><body><div><p>x</p>{fragment}</div></body></text></TEI>"
    ).encode("utf-8")


@pytest.mark.parametrize("fragment", [
    '<gap reason="not-declassified" unit="line" quantity="8"/>',
    '<gap reason="editorial-omission"/>',
    '<gap reason="deleted"/>',
    '<gap reason="illegible" unit="char" quantity="3"/>',
    '<gap unit="handling-restriction" quantity="1"/>',
    '<p><measure unit="paragraph" quantity="1">1 paragraph</measure> <measure unit="word" quantity="2">x</measure></p>',
    '<p><date when="1984-11-28" calendar="gregorian">Nov 28</date> <date notBefore="1984" notAfter="1985">undated</date></p>',
])
def test_values_editors_write_are_accepted(fragment):
    assert v.is_valid_tree(parse_bytes(_doc(fragment)), RNG, source=_doc(fragment).decode()) == []


@pytest.mark.parametrize("fragment, attribute", [
    ('<gap unit="lines" quantity="8"/>', "unit"),  # TEI's unit names are singular
    ('<gap reason="classified"/>', "reason"),
    ('<p><measure unit="pages" quantity="2">x</measure></p>', "unit"),
    ('<p><date when="28 November 1984">x</date></p>', "when"),
    ('<div type="doc"><p>x</p></div>', "type"),
])
def test_values_outside_the_lists_are_refused(fragment, attribute):
    found = v.is_valid_tree(parse_bytes(_doc(fragment)), RNG, source=_doc(fragment).decode())
    assert found, f"{fragment} should be refused"
    assert f'attribute "{attribute}"' in found[0].message
