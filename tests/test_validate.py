"""validate(): what an editor sees when a file breaks teikit's schemas.

Each file in tests/data/invalid/ breaks one thing on purpose (its first comment says what).
Expected locations are read from the file itself: the diagnostic must point at the start
tag (or the attribute) an editor has to fix.
"""

from __future__ import annotations

import copy
import importlib
import os
import shutil
from pathlib import Path

import pytest
from lxml import etree

from .conftest import REPO, SEED_TEI
from teikit.errors import SchemaError, UsageError
from teikit.schematron import compile_schematron
from teikit.report import ERROR

# The module, not the function of the same name that teikit/__init__.py exports.
v = importlib.import_module("teikit.validation")

INVALID = REPO / "tests" / "data" / "invalid"
SCHEMAS = REPO / "schemas"


def where(path: Path, anchor: str, occurrence: int = 1) -> tuple[int, int]:
    """Line and 1-based column of the n-th occurrence of `anchor` in the file, outside the
    comment that says what is wrong."""
    seen = 0
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.lstrip().startswith("<!--"):
            continue
        start = 0
        while (col := line.find(anchor, start)) >= 0:
            seen += 1
            if seen == occurrence:
                return number, col + 1
            start = col + 1
    raise AssertionError(f"{anchor!r} not in {path}")


def errors_of(path: Path, schemas=None):
    report = v.validate([path], schemas)
    return [d for d in report.diagnostics if d.severity == ERROR]


# file, rule id, text the diagnostic must point at (occurrence), words the message must contain
CASES = [
    ("rng-unknown-element.xml", "relaxng:unknown-element", ("<table", 1),
     ['element "table" is not allowed in "div"', "expected one of:", "p"]),
    ("rng-missing-element.xml", "relaxng:missing-element", ("<titleStmt", 1),
     ['"titleStmt" lacks the required element "title"']),
    ("rng-bad-attribute-value.xml", "relaxng:bad-attribute-value", ('reason="classified"', 1),
     ['attribute "reason" of "gap"', '"classified"', "not-declassified"]),
    ("rng-unknown-attribute.xml", "relaxng:attribute-not-allowed", ('color="red"', 1),
     ['attribute "color" is not allowed on "p"']),
    ("rng-misplaced-element.xml", "relaxng:element-out-of-place", ('<head type="subject"', 1),
     ['element "head" is not allowed here', 'not after "p"']),
    ("sch-unique-id.xml", "unique-id", ('<p xml:id="pg_12"', 1), ['"pg_12" is already used']),
    ("sch-target-resolves.xml", "target-resolves", ('<ref target="#d17fn9"', 1),
     ['"#d17fn9"', 'xml:id="d17fn9"']),
    ("sch-corresp-resolves.xml", "corresp-resolves", ("<persName", 1), ['"#p_NOBODY_1"']),
    ("sch-note-id-prefix.xml", "note-id-prefix", ('<note n="2"', 1),
     ["footnote 2 of document 17", '"d7fn2"', '"d17fn"']),
    ("sch-note-number-sequence.xml", "note-number-sequence", ('<note n="4"', 1),
     ["footnote 4 of document 17 should be numbered 3"]),
    ("sch-page-repeated.xml", "page-repeated", ('<pb n="12"', 2), ["page 12 begins twice"]),
    ("sch-page-backwards.xml", "page-backwards", ('<pb n="10"', 1), ["page 10 comes after page 12"]),
    ("sch-pb-not-first-in-p.xml", "pb-not-first-in-p", ('<pb n="13"', 1),
     ["page 13 is the first thing in its paragraph"]),
    ("sch-pb-not-last-in-p.xml", "pb-not-last-in-p", ('<pb n="13"', 1),
     ["page 13 is the last thing in its paragraph"]),
    ("sch-gap-quantity-numeric.xml", "gap-quantity-numeric", ("<gap", 1), ['quantity="two"', "not a number"]),
    ("sch-gap-quantity-unit.xml", "gap-quantity-unit", ("<gap", 1), ["add a unit"]),
    ("sch-source-note-present.xml", "source-note-present", ('<div type="document"', 1),
     ["document 17", "no source note"]),
    ("sch-source-note-text.xml", "source-note-text", ('<note type="source"', 1), ['begin with "Source:"']),
    ("sch-gap-unit-known.xml", "gap-unit-known", ("<gap", 1), ['unit="lines"', "not one of the units", "line, paragraph"]),
    ("sch-gap-measure-agrees.xml", "gap-measure-agrees", ("<gap", 1), ["says 6 line", '"8 lines"']),
    ("sch-gap-extent-phrase.xml", "gap-extent-phrase", ("<gap", 1), ['extent "1 paragraph (9 lines)"', 'does not say "8 lines"']),
    ("sch-gap-measure-phrase.xml", "gap-measure-phrase", ('<measure unit="line"', 1), ['"8 lines" is tagged as 3 line']),
    ("sch-document-numbers-consecutive.xml", "document-numbers-consecutive", ('<div type="document"', 2),
     ["document 19 follows document 17", "should be 18"]),
]

# Files that also break the grammar on purpose (the grammar states the same constraint).
ALSO_GRAMMAR = {"sch-gap-quantity-numeric.xml", "sch-gap-unit-known.xml"}


@pytest.mark.parametrize("name, rule, anchor, words", CASES, ids=[c[0] for c in CASES])
def test_invalid_document_is_reported_where_the_editor_must_fix_it(name, rule, anchor, words):
    path = INVALID / name
    found = [d for d in errors_of(path) if d.rule == rule]
    assert len(found) == 1, [d.format(verbose=True) for d in errors_of(path)]
    d = found[0]
    assert (d.line, d.col) == where(path, *anchor)
    assert d.col > 0
    for word in words:
        assert word in d.message
    assert d.format().startswith(f"{path}:{d.line}:{d.col}: error: ")


@pytest.mark.parametrize("name", [c[0] for c in CASES if c[0].startswith("sch-") and c[0] not in ALSO_GRAMMAR])
def test_each_schematron_file_breaks_only_its_own_rule(name):
    """The rules do not fire on what is right in these files (and the grammar accepts them)."""
    rule = next(c[1] for c in CASES if c[0] == name)
    assert {d.rule for d in errors_of(INVALID / name)} == {rule}


@pytest.mark.parametrize("name", sorted(ALSO_GRAMMAR))
def test_files_that_also_break_the_grammar_break_one_schematron_rule(name):
    rule = next(c[1] for c in CASES if c[0] == name)
    assert {d.rule for d in errors_of(INVALID / name, [SCHEMAS / "teikit.sch"])} == {rule}


def test_page_break_spacing_is_a_warning_where_the_editor_must_look():
    """"identify <pb/>US" occurs in the publisher's own volumes: a warning, never an error."""
    path = REPO / "tests" / "data" / "warning" / "sch-pb-spacing.xml"
    report = v.validate([path])
    assert report.errors == []
    found = [d for d in report.warnings if d.rule == "pb-spacing"]
    assert len(found) == 1 and (found[0].line, found[0].col) == where(path, '<pb n="12"')
    assert "white space on one side only" in found[0].message
    assert found[0].format().startswith(f"{path}:{found[0].line}:{found[0].col}: warning: ")


def test_every_form_of_gap_teikit_writes_is_valid():
    assert v.validate([REPO / "tests" / "data" / "sch-gap-valid-forms.xml"]).diagnostics == []


def test_every_assert_in_teikit_sch_has_a_broken_example():
    ids = set(etree.parse(str(SCHEMAS / "teikit.sch")).xpath(
        "//sch:assert/@id | //sch:report/@id", namespaces={"sch": "http://purl.oclc.org/dsdl/schematron"}))
    assert ids == {c[1] for c in CASES if c[0].startswith("sch-")} | {"pb-spacing"}


def test_schematron_failures_carry_rule_and_xpath():
    d = next(d for d in errors_of(INVALID / "sch-page-backwards.xml") if d.rule == "page-backwards")
    assert d.xpath and "pb" in d.xpath
    assert "[page-backwards" in d.format(verbose=True)


def test_seed_is_valid_through_its_xml_model_instructions():
    report = v.validate([SEED_TEI])
    assert report.diagnostics == []
    assert report.ok and report.exit_code == 0 and report.files == 1


def test_seed_is_valid_against_each_schema_given_explicitly():
    for schema in ("teikit.rng", "teikit.rnc", "teikit.sch"):
        assert v.validate([SEED_TEI], [SCHEMAS / schema]).diagnostics == [], schema


def test_missing_xml_model_schema_falls_back_to_the_bundled_one(tmp_path):
    copy = tmp_path / "d321.xml"  # its PIs say ../schemas/teikit.rng, which is not there
    shutil.copy(SEED_TEI, copy)
    assert v.validate([copy]).diagnostics == []
    broken = tmp_path / "broken.xml"
    shutil.copy(INVALID / "sch-page-backwards.xml", broken)
    text = broken.read_text(encoding="utf-8").replace(
        "<TEI ", '<?xml-model href="../schemas/teikit.sch" schematypens="http://purl.oclc.org/dsdl/schematron"?>\n<TEI ', 1)
    broken.write_text(text, encoding="utf-8")
    assert {d.rule for d in v.validate([broken]).errors} == {"page-backwards"}


def test_xml_model_naming_an_unknown_missing_schema_is_reported(tmp_path):
    doc = tmp_path / "doc.xml"
    doc.write_text('<?xml-model href="nowhere/other.rng" schematypens="http://relaxng.org/ns/structure/1.0"?>\n'
                   + SEED_TEI.read_text(encoding="utf-8").split("\n", 3)[3], encoding="utf-8")
    [d] = v.validate([doc]).errors
    assert d.line == 1 and "nowhere/other.rng" in d.message and "not found" in d.message


def test_file_without_xml_model_uses_teikit_schemas(tmp_path):
    doc = tmp_path / "plain.xml"
    doc.write_text(SEED_TEI.read_text(encoding="utf-8").replace("<?xml-model", "<?ignored"), encoding="utf-8")
    assert v.validate([doc]).diagnostics == []
    (tmp_path / "bad.xml").write_text((INVALID / "rng-unknown-element.xml").read_text(encoding="utf-8"))
    assert any(d.rule == "relaxng:unknown-element" for d in v.validate([tmp_path / "bad.xml"]).errors)


def test_malformed_file_is_an_error_with_its_location_not_an_exception():
    path = INVALID / "malformed.xml"
    report = v.validate([path])
    [d] = report.diagnostics
    assert d.severity == ERROR and report.exit_code == 1
    assert "not well-formed" in d.message
    assert d.line == where(path, "</body>")[0] and d.col > 0
    assert d.format().startswith(f"{path}:{d.line}:{d.col}: error: not well-formed")


def test_doctype_and_external_entity_are_refused():
    path = INVALID / "doctype-entity.xml"
    [d] = v.validate([path]).diagnostics
    assert d.severity == ERROR and "DOCTYPE" in d.message
    assert "root:" not in d.message  # /etc/passwd was never read


def test_duplicate_id_is_reported_once_when_both_schemas_run():
    found = errors_of(INVALID / "sch-unique-id.xml")
    assert [d.rule for d in found] == ["unique-id"]


def test_grammar_alone_reports_a_duplicate_id_plainly():
    found = errors_of(INVALID / "sch-unique-id.xml", [SCHEMAS / "teikit.rng"])
    assert [d.rule for d in found] == ["relaxng:duplicate-id"]
    assert found[0].line == where(INVALID / "sch-unique-id.xml", '<p xml:id="pg_12"')[0]


def test_rnc_schema_gives_the_same_findings_as_the_generated_rng():
    path = INVALID / "rng-bad-attribute-value.xml"
    assert errors_of(path, [SCHEMAS / "teikit.rnc"]) == errors_of(path, [SCHEMAS / "teikit.rng"])


def test_folder_is_searched_recursively_and_every_invalid_file_fails(tmp_path):
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    for f in INVALID.glob("*.xml"):
        shutil.copy(f, nested / f.name)
    (tmp_path / "notes.txt").write_text("not xml")
    report = v.validate([tmp_path])
    count = len(list(INVALID.glob("*.xml")))
    assert report.files == count
    assert {Path(d.path).name for d in report.errors} == {f.name for f in INVALID.glob("*.xml")}


def test_parallel_jobs_give_the_same_report():
    one = v.validate([INVALID], jobs=1)
    two = v.validate([INVALID], jobs=2)
    assert two.diagnostics == one.diagnostics and two.files == one.files


def test_missing_path_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError):
        v.validate([tmp_path / "nope.xml"])


def test_schema_is_compiled_once_and_again_when_it_changes(tmp_path):
    rng = tmp_path / "teikit.rng"
    shutil.copy(SCHEMAS / "teikit.rng", rng)
    first = v.load_schema(rng)
    assert v.load_schema(rng) is first
    v.validate([SEED_TEI], [rng])
    assert v.load_schema(rng) is first
    stat = rng.stat()
    os.utime(rng, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert v.load_schema(rng) is not first


@pytest.mark.parametrize("name, text", [
    ("broken.rng", "<grammar xmlns='http://relaxng.org/ns/structure/1.0'><start><ref name='nothing'/></start></grammar>"),
    ("broken2.rng", "<grammar"),
    ("broken.rnc", "start = element a { "),
    ("broken.sch", "<schema xmlns='http://purl.oclc.org/dsdl/schematron'><pattern><rule context='['><assert test='('/></rule></pattern></schema>"),
    ("schema.xsd", "<x/>"),
])
def test_broken_schema_raises_schema_error(tmp_path, name, text):
    schema = tmp_path / name
    schema.write_text(text, encoding="utf-8")
    with pytest.raises(SchemaError) as info:
        v.validate([SEED_TEI], [schema])
    assert info.value.exit_code == 2
    assert str(schema) in str(info.value)


def test_missing_schema_raises_schema_error(tmp_path):
    with pytest.raises(SchemaError):
        v.validate([SEED_TEI], [tmp_path / "absent.rng"])


def test_is_valid_tree_checks_a_tree_built_in_memory():
    tree = etree.parse(str(SEED_TEI))
    assert v.is_valid_tree(tree, SCHEMAS / "teikit.rng") == []
    gap = tree.find(".//{http://www.tei-c.org/ns/1.0}gap")
    gap.set("unit", "lines")
    [d] = v.is_valid_tree(tree.getroot(), SCHEMAS / "teikit.rng", path="built.xml")
    assert d.path == "built.xml" and 'attribute "unit" of "gap"' in d.message and "allowed values: line," in d.message


def test_external_dtd_is_refused_not_fetched(tmp_path):
    doc = tmp_path / "dtd.xml"
    doc.write_text('<!DOCTYPE TEI SYSTEM "http://127.0.0.1:9/tei.dtd">\n'
                   '<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><body><p>x</p></body></text></TEI>\n')
    [d] = v.validate([doc]).diagnostics
    assert (d.line, d.col) == (1, 1) and "DOCTYPE" in d.message


def _mutations(tree: etree._ElementTree):
    """Copies of a valid document, each changed in one place: elements dropped, repeated,
    moved and renamed; attributes dropped, added and given values of the wrong type."""
    elements = [e for e in tree.getroot().iter(etree.Element) if e.getparent() is not None]
    for i, elem in enumerate(elements):
        k = elements.index(elem)
        for change in ("drop", "repeat", "first", "last", "rename", "drop-attrs", "add-attr", "bad-value"):
            doc = etree.ElementTree(copy.deepcopy(tree.getroot()))
            target = [e for e in doc.getroot().iter(etree.Element) if e.getparent() is not None][k]
            parent = target.getparent()
            if change == "drop":
                parent.remove(target)
            elif change == "repeat":
                target.addnext(copy.deepcopy(target))
            elif change == "first":
                parent.insert(0, target)
            elif change == "last":
                parent.append(target)
            elif change == "rename":
                target.tag = parent.tag if i % 2 else "{http://www.tei-c.org/ns/1.0}seg"
            elif change == "drop-attrs":
                target.attrib.clear()
            elif change == "add-attr":
                target.set(["type", "unit", "when", "rend", "reason"][i % 5], "x y")
            elif change == "bad-value":
                for name in list(target.attrib)[:1]:
                    target.set(name, "?")
            yield f"{change} {etree.QName(target).localname} #{k}", doc


def test_split_grammar_gives_the_full_grammars_verdict():
    """teikit.rng is checked as a content grammar (on a copy without attributes) plus an
    attribute grammar, because libxml2 backtracks through every paragraph otherwise; the
    two together must accept exactly what the grammar accepts."""
    rng = v.load_schema(SCHEMAS / "teikit.rng")
    assert rng._split is not None
    documents = [(p.name, v._parse(str(p))) for p in sorted((REPO / "tests" / "data").rglob("*.xml"))
                 if p.name not in ("malformed.xml", "doctype-entity.xml")]
    documents += list(_mutations(v._parse(str(SEED_TEI))))
    verdicts = {True: 0, False: 0}
    for name, doc in documents:
        full = bool(rng.rng.validate(doc))
        assert rng.is_valid(doc) == full, name
        verdicts[full] += 1
    assert verdicts[True] > 100 and verdicts[False] > 100, verdicts  # both kinds were tried


def test_grammars_that_cannot_be_split_are_run_whole(tmp_path):
    """A choice between attribute and content alternatives, or an element name with two
    definitions, would make the split grammars accept more: such grammars are not split."""
    linked = tmp_path / "linked.rng"
    linked.write_text(
        '<grammar xmlns="http://relaxng.org/ns/structure/1.0"><start><element name="a"><choice>'
        '<group><attribute name="x"/><element name="b"><empty/></element></group>'
        '<element name="c"><empty/></element></choice></element></start></grammar>', encoding="utf-8")
    twice = tmp_path / "twice.rng"
    twice.write_text(
        '<grammar xmlns="http://relaxng.org/ns/structure/1.0"><start><element name="a">'
        '<element name="b"><attribute name="x"/></element><element name="c"><element name="b"><empty/></element>'
        '</element></element></start></grammar>', encoding="utf-8")
    for schema, bad in ((linked, '<a x="1"><c/></a>'), (twice, '<a><b/><c><b x="1"/></c></a>')):
        loaded = v.load_schema(schema)
        assert loaded._split is None
        assert not loaded.is_valid(etree.ElementTree(etree.fromstring(bad)))


def test_schematron_patterns_visit_only_the_elements_their_rules_can_match(tmp_path):
    """Patterns whose rules name their elements visit only those (a superset of what the
    rules match); the rest visit every node. Either way the first rule that matches a node
    is the one that fires, and predicates, unions and paths in contexts keep their meaning."""
    sch = tmp_path / "rules.sch"
    sch.write_text(
        '<schema xmlns="http://purl.oclc.org/dsdl/schematron" queryBinding="xslt3">'
        '<ns prefix="t" uri="urn:t"/>'
        '<pattern id="named">'
        '<rule context="t:a/t:b[1]"><report id="first-b" test="true()">first b</report></rule>'
        '<rule context="t:b[@k = \'x|y\'] | t:c"><report id="b-or-c" test="true()">b or c</report></rule>'
        '</pattern>'
        '<pattern id="any"><rule context="*[@k]"><report id="has-k" test="true()">k</report></rule></pattern>'
        '<pattern id="root"><rule context="/"><assert id="root-a" test="t:a">root</assert></rule></pattern>'
        '<pattern id="attr"><rule context="@k"><report id="k-attr" test=". = \'z\'">k z</report></rule></pattern>'
        '</schema>', encoding="utf-8")
    doc = tmp_path / "doc.xml"
    doc.write_text('<a xmlns="urn:t"><b k="x|y"/><b k="x|y"/><c k="z"/><d><b/></d></a>', encoding="utf-8")
    xslt = compile_schematron(sch).xslt
    assert 'select="//t:b | //t:c"' in xslt and 'select="$tk_nodes"' in xslt
    found = sorted((d.rule, d.xpath) for d in v.validate([doc], [sch]).diagnostics)
    assert found == [
        ("b-or-c", "/a/b[2]"), ("b-or-c", "/a/c[1]"),  # not d/b: no @k, and not a child of a
        ("first-b", "/a/b[1]"),  # b[1] matches both rules: the first one fires
        ("has-k", "/a/b[1]"), ("has-k", "/a/b[2]"), ("has-k", "/a/c[1]"),
        ("k-attr", "/a/c[1]/@k"),
    ]


def _large_volume(tmp_path: Path, copies: int = 120) -> Path:
    """The seed's document repeated: over OVERLAP_FROM, with ids, notes, pages and
    document numbers that break teikit.sch many times over."""
    tree = etree.parse(str(SEED_TEI))
    body = tree.find(".//{http://www.tei-c.org/ns/1.0}body")
    div = body.find("{http://www.tei-c.org/ns/1.0}div")
    for _ in range(copies):
        body.append(copy.deepcopy(div))
    path = tmp_path / "large.xml"
    tree.write(str(path), encoding="UTF-8", xml_declaration=True)
    assert path.stat().st_size >= v.OVERLAP_FROM
    return path



_CHILD_SCRIPT = """
import json, os, sys
from teikit import validation as v

used = []

class Recorded(v._RulesApart):
    def failures(self, schema):
        found = super().failures(schema)
        used.append(found is not None)
        return found

v._RulesApart = Recorded
if sys.argv[2] == "crash":
    v._send = lambda fd, message: os._exit(3)
schemas = [sys.argv[3], sys.argv[4]]
apart = v.validate([sys.argv[1]], schemas, jobs=2)  # first: Saxon has not run in this process
alone = v.validate([sys.argv[1]], schemas, jobs=1)
print(json.dumps({"used": used, "same": apart.diagnostics == alone.diagnostics,
                  "rules": sorted({d.rule for d in alone.errors})}))
"""


def _run_apart(path: Path, mode: str) -> dict:
    import json
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-c", _CHILD_SCRIPT, str(path), mode,
                             str(SCHEMAS / "teikit.rng"), str(SCHEMAS / "teikit.sch")],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_rules_run_in_a_child_process_give_the_same_report(tmp_path):
    """With a core to spare, a large file's Schematron runs in a forked child beside the
    grammar (in a fresh process: never after Saxon has run in it): the report is the one
    a single process gives."""
    outcome = _run_apart(_large_volume(tmp_path), "normal")
    assert outcome["used"] == [True] and outcome["same"]
    assert {"unique-id", "document-numbers-consecutive"} <= set(outcome["rules"])


def test_rules_in_a_child_that_dies_run_here(tmp_path):
    outcome = _run_apart(_large_volume(tmp_path), "crash")
    assert outcome["used"] == [False] and outcome["same"]
