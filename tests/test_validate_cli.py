"""`teikit validate` on the command line: formats, exit codes, -v, time limit, progress."""

from __future__ import annotations

import json
import re
import shutil
import time

import pytest
from click.testing import CliRunner
from lxml import etree

from .conftest import REPO, SEED_TEI, need_shared
from teikit.cli import main
from teikit.report import ERROR, WARNING, Diagnostic, Report
from teikit import validate_output

INVALID = REPO / "tests" / "data" / "invalid"
BACKWARDS = INVALID / "sch-page-backwards.xml"


@pytest.fixture
def runner():
    return CliRunner()


def run(runner, *args):
    return runner.invoke(main, [str(a) for a in args])


def test_text_format_exit_codes_and_summary(runner):
    ok = run(runner, "validate", SEED_TEI)
    assert ok.exit_code == 0, ok.output
    assert "1 file(s) checked: all valid" in ok.output
    bad = run(runner, "validate", BACKWARDS, SEED_TEI)
    assert bad.exit_code == 1
    line = next(l for l in bad.output.splitlines() if ": error: " in l)
    assert re.match(rf"{re.escape(str(BACKWARDS))}:25:9: error: page 10 comes after page 12", line)
    assert "[page-backwards" not in bad.output  # rule ids only with -v
    assert "\x1b[" not in bad.output  # no colour when not on a terminal


def test_verbose_adds_rule_id_and_xpath(runner):
    result = run(runner, "-v", "validate", BACKWARDS)
    assert "[page-backwards, /TEI/text[1]/body[1]/div[1]/pb[1]]" in result.output


def test_colour_on_a_terminal():
    report = Report(diagnostics=[Diagnostic("a.xml", 3, 4, ERROR, "wrong")], files=1)
    coloured = validate_output.render(report, "text", colour=True)
    assert "\x1b[31merror:" in coloured and "a.xml:3:4:" in coloured


def test_json_format(runner):
    result = run(runner, "validate", "-f", "json", BACKWARDS, SEED_TEI)
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["files"] == 2 and data["valid"] is False and data["errors"] == 1
    [d] = data["diagnostics"]
    assert (d["line"], d["col"], d["rule"], d["severity"]) == (25, 9, "page-backwards", "error")
    assert d["path"] == str(BACKWARDS) and "/pb[1]" in d["xpath"]


def test_junit_format_is_one_test_case_per_file(runner):
    result = run(runner, "validate", "-f", "junit", BACKWARDS, SEED_TEI)
    assert result.exit_code == 1
    suites = etree.fromstring(result.stdout.encode())
    suite = suites.find("testsuite")
    assert (suite.get("tests"), suite.get("failures")) == ("2", "1")
    cases = {c.get("name"): c for c in suite.iter("testcase")}
    assert set(cases) == {str(BACKWARDS), str(SEED_TEI)}
    failure = cases[str(BACKWARDS)].find("failure")
    assert failure.get("type") == "page-backwards" and "25:9" in failure.get("message")
    assert f"{BACKWARDS}:25:9: error: page 10 comes after page 12" in failure.text
    assert cases[str(SEED_TEI)].find("failure") is None


def test_github_format_is_workflow_annotations(runner):
    result = run(runner, "validate", "-f", "github", BACKWARDS, SEED_TEI)
    assert result.exit_code == 1
    [line] = result.stdout.splitlines()
    assert line == (f"::error file={BACKWARDS},line=25,col=9,title=teikit validate (page-backwards)::"
                    "page 10 comes after page 12: page numbers must never go backwards")


def test_github_format_escapes_what_would_break_a_command():
    report = Report(diagnostics=[Diagnostic("a,b:c.xml", 1, 2, WARNING, "50% of\nthe text", rule="r:1")], files=1)
    out = validate_output.render(report, "github")
    assert out == "::warning file=a%2Cb%3Ac.xml,line=1,col=2,title=teikit validate (r%3A1)::50%25 of%0Athe text\n"


def test_broken_schema_is_exit_2_not_an_invalid_file(runner, tmp_path):
    schema = tmp_path / "broken.sch"
    schema.write_text("<schema xmlns='http://purl.oclc.org/dsdl/schematron' queryBinding='xslt3'>"
                      "<pattern><rule context='p'><assert test='(('>x</assert></rule></pattern></schema>")
    result = run(runner, "validate", "-s", schema, SEED_TEI)
    assert result.exit_code == 2
    assert str(schema) in result.output and "broken Schematron schema" in result.output
    assert "XPST0003" in result.output  # Saxon's own error code says what is wrong


def test_schema_that_compiles_too_slowly_is_stopped_and_named(runner, tmp_path):
    # libxml2 takes ~15 s on tei_all.rng; a copy, so that no schema compiled earlier in this
    # process (the cache) is reused
    tei_all = tmp_path / "tei_all.rng"
    shutil.copy(need_shared("schemas/tei_all.rng"), tei_all)
    started = time.monotonic()
    result = run(runner, "validate", "--schema-timeout", "1", "-s", tei_all, SEED_TEI)
    assert time.monotonic() - started < 8
    assert result.exit_code == 2
    assert f"{tei_all}:1:1:" in result.output and "did not compile within 1 s" in result.output


def test_progress_callback_counts_every_file():
    from teikit import validation

    seen = []
    report = validation.validate([INVALID], jobs=2, progress=seen.append)
    assert seen == list(range(1, report.files + 1))


def test_validating_leaves_no_file_behind(tmp_path):
    """The Schematron rules are compiled to a stylesheet file Saxon reads; runs reuse one
    file per schema and leave nothing else in the temporary folder (forked workers end
    without running clean-up code)."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "TMPDIR": str(tmp_path)}
    for _ in range(2):
        done = subprocess.run([sys.executable, "-c", "from teikit.cli import main; main()", "validate", "-j", "2",
                               str(SEED_TEI), str(BACKWARDS)], env=env, capture_output=True, text=True)
        assert done.returncode == 1, done.stderr
    left = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*"))
    assert len(left) == 2 and left[1].startswith(left[0] + "/teikit-") and left[1].endswith(".xsl"), left
