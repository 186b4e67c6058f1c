"""The command line as a user meets it: exit codes, messages, help, safety."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from teikit import __version__
from teikit.cli import main

from .conftest import SEED_TEXT

COMMANDS = ["convert", "validate", "render", "export", "build"]


@pytest.fixture
def runner():
    return CliRunner()


def test_version(runner):
    result = runner.invoke(main, ["--version"])
    assert result.exit_code == 0 and __version__ in result.output


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_help_on_every_command(runner, command):
    result = runner.invoke(main, [command, "--help"] if command else ["--help"])
    assert result.exit_code == 0
    assert "Usage:" in result.output


def test_unknown_command_and_bad_option_are_usage_errors(runner):
    assert runner.invoke(main, ["frobnicate"]).exit_code == 2
    assert runner.invoke(main, ["render", "--to", "docx", str(SEED_TEXT)]).exit_code == 2
    assert runner.invoke(main, ["convert", "no-such-file.txt"]).exit_code == 2


def test_convert_then_export_round_trip(runner, project):
    seed = project / "seeds" / SEED_TEXT.name
    result = runner.invoke(main, ["convert", str(seed), "-o", str(project / "out.xml")])
    assert result.exit_code == 0, result.output
    exported = runner.invoke(main, ["export", "--to", "text", str(project / "out.xml"), "-o", str(project / "back.txt")])
    assert exported.exit_code == 0
    assert (project / "back.txt").read_bytes() == seed.read_bytes()


def test_convert_report_lists_decisions_with_locations(runner, project):
    seed = project / "seeds" / SEED_TEXT.name
    result = runner.invoke(main, ["convert", "--report", str(seed), "-o", str(project / "out.xml")])
    assert result.exit_code == 0
    assert re.search(r"frus1981-88v04-d321\.txt:1:53: info: footnote 1 attached", result.output)
    assert re.search(r"\.txt:15:1: info: page break 1149", result.output)


def test_convert_refuses_to_overwrite_edited_tei(runner, project):
    seed, out = project / "seeds" / SEED_TEXT.name, project / "out.xml"
    assert runner.invoke(main, ["convert", str(seed), "-o", str(out)]).exit_code == 0
    edited = out.read_text("utf-8").replace("Dobrynin said", "Dobrynin told us")
    out.write_text(edited, "utf-8")
    result = runner.invoke(main, ["convert", str(seed), "-o", str(out)])
    assert result.exit_code == 1
    assert re.search(r"out\.xml:1:1: has been edited since teikit generated it; not overwritten \(use --force", result.output)
    assert out.read_text("utf-8") == edited
    assert runner.invoke(main, ["convert", "--force", str(seed), "-o", str(out)]).exit_code == 0
    assert "Dobrynin said" in out.read_text("utf-8")


def test_malformed_xml_is_located_without_traceback(runner, tmp_path):
    bad = tmp_path / "bad.xml"
    bad.write_text('<TEI xmlns="http://www.tei-c.org/ns/1.0">\n  <text><body><p>open</body></text>\n</TEI>\n')
    result = runner.invoke(main, ["export", str(bad)])
    assert result.exit_code == 1
    assert re.search(r"bad\.xml:2:\d+: not well-formed XML", result.output)
    assert "Traceback" not in result.output


UNSAFE = {
    "external-entity": '<!DOCTYPE TEI [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
                       '<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><body><p>&x;</p></body></text></TEI>\n',
    "dtd-fetch": '<!DOCTYPE TEI SYSTEM "http://127.0.0.1:9/tei.dtd">\n'
                 '<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><body><p>x</p></body></text></TEI>\n',
}


@pytest.mark.parametrize("kind", sorted(UNSAFE))
@pytest.mark.parametrize("command", [["export"], ["validate"], ["render", "--to", "html"], ["render", "--to", "pdf"]])
def test_every_command_refuses_entities_and_dtds(runner, tmp_path, kind, command):
    bad = tmp_path / "unsafe.xml"
    bad.write_text(UNSAFE[kind])
    result = runner.invoke(main, [*command, str(bad), *(["-o", str(tmp_path / "out")] if command[0] == "render" else [])])
    assert result.exit_code == 1, result.output
    assert "unsafe.xml:1:1:" in result.output and "DOCTYPE" in result.output
    assert "root:" not in result.output  # /etc/passwd was never read


def test_build_makes_tei_html_and_pdf(runner, project):
    result = runner.invoke(main, ["build", str(project)])
    assert result.exit_code == 0, result.output
    assert (project / "tei" / "frus1981-88v04-d321.xml").is_file()
    assert (project / "build" / "html" / "index.html").is_file()
    assert (project / "build" / "html" / "d321.html").is_file()
    assert list((project / "build" / "pdf").glob("*.pdf"))


def test_quiet_build_says_nothing_on_success(runner, project):
    result = runner.invoke(main, ["-q", "build", str(project), "--no-pdf"])
    assert result.exit_code == 0 and result.output == ""
