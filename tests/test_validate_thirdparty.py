"""Third-party schemas on real TEI: the FRUS publisher's grammar and Schematron, and the full
TEI schema, on the gold corpus wrapped into volumes; verdicts compared with Jing."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from .conftest import need_shared, need_tool
from .gold_volumes import VOLUMES, write_volumes
from teikit import validation as v
from teikit.report import ERROR


@pytest.fixture(scope="module")
def volumes(tmp_path_factory) -> dict[str, Path]:
    gold = need_shared("corpus/frus-gold")
    return write_volumes(gold, tmp_path_factory.mktemp("volumes"))


def jing_valid(schema: Path, doc: Path) -> bool:
    jing = need_tool("jing", "jing")
    result = subprocess.run([jing, str(schema), str(doc)], capture_output=True, text=True, timeout=300)
    assert result.returncode in (0, 1), result.stderr
    return result.returncode == 0


def test_frus_grammar_gives_jings_verdicts_and_says_why(volumes):
    schema = need_shared("schemas/frus/frus.rng")
    for volume, path in volumes.items():
        report = v.validate([path], [schema])
        assert report.ok == jing_valid(schema, path), (volume, [d.format() for d in report.errors])
    v12 = v.validate([volumes["frus1969-76v12"]], [schema]).errors
    messages = [d.message for d in v12]
    assert 'element "revisionDesc" lacks required attribute "status"' in messages
    assert 'element "change" lacks required attribute "status"' in messages
    assert v.validate([volumes["frus1981-88v05"]], [schema]).diagnostics == []


def test_failed_xinclude_is_reported_at_the_include_not_a_crash(volumes):
    schema = need_shared("schemas/frus/frus.rng")
    path = volumes["frus1981-88v03"]
    [include] = [d for d in v.validate([path], [schema]).errors if d.rule == "xinclude"]
    line_text = path.read_text(encoding="utf-8").splitlines()[include.line - 1]
    assert line_text[include.col - 1:].startswith("<xi:include")
    assert '"../shared/frus-dates.xml" failed' in include.message and "does not exist" in include.message


def test_resolved_xinclude_makes_v03_valid(volumes, tmp_path):
    schema = need_shared("schemas/frus/frus.rng")
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "frus-dates.xml").write_text(
        '<taxonomy xmlns="http://www.tei-c.org/ns/1.0" xml:id="frus-dates">'
        '<category xml:id="date_x"><catDesc>x</catDesc></category></taxonomy>', encoding="utf-8")
    (tmp_path / "vol").mkdir()
    copy = tmp_path / "vol" / "frus1981-88v03.xml"
    copy.write_bytes(volumes["frus1981-88v03"].read_bytes())
    assert v.validate([copy], [schema]).diagnostics == []


def test_every_gold_document_is_valid_on_its_own_against_the_frus_grammar_started_at_div(tmp_path):
    gold = need_shared("corpus/frus-gold")
    rng = need_shared("schemas/frus/frus.rng").read_text(encoding="utf-8")
    # the same grammar whose start also allows div (as the publisher's README describes)
    start = rng.index("<start>")
    end = rng.index("</start>") + len("</start>")
    div_start = rng[start:end].replace("<start>", "<start><choice>").replace("</start>", '<ref name="div"/></choice></start>')
    schema = tmp_path / "frus-div.rng"
    schema.write_text(rng[:start] + div_start + rng[end:], encoding="utf-8")
    documents = sorted(gold.glob("*-d*.xml"))
    report = v.validate(documents, [schema])
    assert report.files == 18 and report.diagnostics == []


EXPECTED_SCHEMATRON = {
    # schema: {volume: rule ids or message fragments every failure of that volume must carry}
    "frus-signatures.sch": {"frus1969-76v12": set(), "frus1981-88v03": {"signed-corresp", "persnames-child-hi-rend-strong"},
                            "frus1981-88v05": set()},
}


def test_frus_signatures_flags_v03_old_style_signed_corresp(volumes):
    schema = need_shared("schemas/frus/frus-signatures.sch")
    for volume, path in volumes.items():
        report = v.validate([path], [schema])
        rules = {d.rule for d in report.diagnostics if not (d.rule or "").startswith(("skipped", "xinclude"))}
        assert rules == EXPECTED_SCHEMATRON["frus-signatures.sch"][volume], volume
    errors = [d for d in v.validate([volumes["frus1981-88v03"]], [schema]).errors if d.rule != "xinclude"]
    assert errors and all(d.rule == "signed-corresp" for d in errors)
    path = volumes["frus1981-88v03"]
    for d in errors:  # located at the <signed> start tag
        assert path.read_text(encoding="utf-8").splitlines()[d.line - 1][d.col - 1:].startswith("<signed")


def test_frus_dates_flags_one_undefined_date_category_in_v05(volumes):
    schema = need_shared("schemas/frus/frus-dates.sch")
    assert [d.rule for d in v.validate([volumes["frus1969-76v12"]], [schema]).errors] == ["xinclude"]
    [d] = v.validate([volumes["frus1981-88v05"]], [schema]).errors
    assert "date/@ana='#date_undated-inferred-from-editorial-annotation'" in d.message
    assert d.xpath.endswith("/date[1]") or "/date[" in d.xpath


def test_frus_sch_runs_its_xslt2_rules_and_own_function_and_skips_what_is_online(volumes):
    schema = need_shared("schemas/frus/frus.sch")
    report = v.validate([volumes["frus1981-88v05"]], [schema])
    skipped = [d for d in report.diagnostics if (d.rule or "").startswith("skipped")]
    # $vol-ids and $available-images read web services; the cross-volume rules read ../volumes/
    assert {d.line for d in skipped} == {31, 60, 181, 204, 257, 258}
    assert all(Path(d.path).resolve() == schema.resolve() and d.severity == "info" for d in skipped)
    assert any("$vol-ids" in d.message for d in skipped) and any("doc-available()" in d.message for d in skipped)
    messages = [d.message for d in report.errors]
    # an XPath 2 rule (count(...) eq 1) that fires on this header
    assert "publicationStmt needs exactly one date" in messages
    # the file-name rule uses base-uri(): the volume is written as VOLUMEID.xml, so it is silent
    assert not any("does not match filename" in m for m in messages)


def test_roman_page_ranges_use_the_schemas_own_function(tmp_path):
    """frus.sch's ckbk:roman-to-number reads document('') (the schema's own data)."""
    schema = need_shared("schemas/frus/frus.sch")
    doc = tmp_path / "frusX.xml"
    doc.write_text(
        '<TEI xmlns="http://www.tei-c.org/ns/1.0" xml:id="frusX"><text><body><div type="section" xml:id="index">'
        '<head>Index</head><list type="index"><item>Adams, <ref target="#pg_xii">xii</ref>–<ref target="#pg_ix">ix</ref>'
        '</item></list></div></body></text></TEI>', encoding="utf-8")
    found = [d for d in v.validate([doc], [schema]).errors if "Invalid page range" in d.message]
    assert len(found) == 1 and "(12–9;" in found[0].message


def test_full_tei_schema_gives_jings_verdicts(volumes):
    """tei_all.rng takes libxml2 ~15-20 s to compile: compiled once for the three volumes."""
    schema = need_shared("schemas/tei_all.rng")
    report = v.validate(list(volumes.values()), [schema], jobs=1)
    invalid = {Path(d.path).stem for d in report.errors}
    for volume, path in volumes.items():
        assert (volume not in invalid) == jing_valid(schema, path), volume
    # the publisher's own extensions are what TEI does not allow
    assert any('"attachment" (namespace http://history.state.gov/frus/ns/1.0)' in d.message for d in report.errors)
    assert any('attribute "doc-dateTime-max" is not allowed on "div"' in d.message for d in report.errors)


# The five broken documents, against teikit.rng: teikit and Jing must point at the
# same element, and teikit must name what Jing says was expected.
REPO = Path(__file__).resolve().parent.parent
JING_CASES = {
    "rng-unknown-element.xml": "names",        # Jing: expected element "closer", "dateline", ...
    "rng-missing-element.xml": "names",        # Jing: missing required element "title"
    "rng-bad-attribute-value.xml": "names",    # Jing: must be equal to "cancelled", ...
    "rng-bad-date.xml": "date",                # Jing: must be an ISO date, a year, ...
    "rng-misplaced-element.xml": "order",      # Jing: element "head" not allowed here
}


def _tag_ends(text: str, line: int, col: int) -> set[tuple[int, int]]:
    """Where Jing may report the element whose start tag holds (line, col): just after the
    `>` of its start tag or of its end tag (1-based line and column, as Jing gives them)."""
    lines = text.splitlines(keepends=True)
    offset = sum(len(x) for x in lines[:line - 1]) + col - 1
    start = text.rindex("<", 0, offset + 1)
    name = re.match(r"<([\w:.-]+)", text[start:]).group(1)
    tag_end = text.index(">", start)

    def position(index: int) -> tuple[int, int]:  # of the character after text[index]
        before = text[:index + 1]
        return before.count("\n") + 1, index + 1 - (before.rfind("\n") + 1) + 1

    ends = {position(tag_end)}
    if text[tag_end - 1] != "/":
        depth, i = 1, tag_end
        for m in re.finditer(r"<(/?)" + re.escape(name) + r"(?=[\s/>])[^>]*?(/?)>", text[tag_end:]):
            if m.group(1):
                depth -= 1
            elif not m.group(2):
                depth += 1
            if depth == 0:
                ends.add(position(tag_end + m.end() - 1))
                break
    return ends


@pytest.mark.parametrize("name", sorted(JING_CASES))
def test_broken_documents_are_reported_as_precisely_as_jing_does(name):
    path = REPO / "tests" / "data" / "invalid" / name
    schema = REPO / "schemas" / "teikit.rng"
    jing = need_tool("jing", "jing")
    out = subprocess.run([jing, str(schema), str(path)], capture_output=True, text=True, timeout=120).stdout
    [jing_line] = [line for line in out.splitlines() if ": error:" in line]
    m = re.match(r".*?:(\d+):(\d+): error: (.*)", jing_line)
    jing_pos, jing_message = (int(m.group(1)), int(m.group(2))), m.group(3)
    [d] = v.validate([path], [schema]).errors
    text = path.read_text(encoding="utf-8")
    assert jing_pos in _tag_ends(text, d.line, d.col), (d.format(), jing_line)
    if JING_CASES[name] == "names":
        expected = re.findall(r'"([^"]+)"', jing_message.split(";", 1)[1])
        assert expected and all(f'"{n}"' in d.message or re.search(rf"\b{re.escape(n)}\b", d.message)
                                for n in expected), (d.message, jing_message)
    elif JING_CASES[name] == "date":
        kinds = {"ISO date": "YYYY-MM-DD", "year": "YYYY", "ISO year and month": "YYYY-MM",
                 "ISO date and time": "hh:mm:ss"}
        named = re.findall(r"must be (?:an? )?([\w ]+?)(?=,| or |$)", jing_message)
        assert len(named) == 4 and all(kinds[k] in d.message for k in named), (d.message, jing_message)
        assert '"when"' in d.message and "1983-02-30" in d.message
    else:  # the element out of place, and what it may not follow
        assert re.findall(r'element "([^"]+)"', jing_message)[0] == "head"
        assert 'element "head"' in d.message and 'not after "p"' in d.message
