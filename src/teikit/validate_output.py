"""Output formats of `teikit validate`: text (default), json, junit, github.

    render(report, fmt, *, verbose=False, colour=False) -> str
"""

from __future__ import annotations

import json
from collections import defaultdict

from lxml import etree

from .report import ERROR, INFO, WARNING, Diagnostic, Report

FORMATS = ("text", "json", "junit", "github")

_COLOURS = {ERROR: "\x1b[31m", WARNING: "\x1b[33m", INFO: "\x1b[36m"}
_BOLD, _RESET = "\x1b[1m", "\x1b[0m"


def _paths(report: Report) -> list[str]:
    paths = list(getattr(report, "paths", []) or [])
    for d in report.diagnostics:
        if d.path not in paths and not _is_schema_note(d):
            paths.append(d.path)
    return paths


def _is_schema_note(d: Diagnostic) -> bool:
    return bool(d.rule and d.rule.startswith("skipped"))


def _sorted(report: Report) -> list[Diagnostic]:
    return sorted(report.diagnostics, key=lambda d: (_is_schema_note(d), d.path, d.line, d.col))


def text(report: Report, *, verbose: bool = False, colour: bool = False) -> str:
    lines = []
    for d in _sorted(report):
        line = d.format(verbose=verbose)
        if colour:
            location, _, rest = line.partition(f": {d.severity}: ")
            line = f"{_BOLD}{location}:{_RESET} {_COLOURS.get(d.severity, '')}{d.severity}:{_RESET} {rest}"
        lines.append(line)
    errors = len(report.errors)
    warnings = len(report.warnings)
    bad = len({d.path for d in report.errors})
    summary = (f"{report.files} file(s) checked: "
               + ("all valid" if not errors else f"{bad} invalid, {errors} error(s)")
               + (f", {warnings} warning(s)" if warnings else ""))
    skipped = sum(1 for d in report.diagnostics if _is_schema_note(d))
    if skipped:
        summary += f", {skipped} schema check(s) skipped (they read other files or web services)"
    if colour:
        summary = ("\x1b[32m" if not errors else "\x1b[31m") + summary + _RESET
    lines.append(summary)
    return "\n".join(lines) + "\n"


def as_json(report: Report) -> str:
    return json.dumps({
        "files": report.files,
        "valid": report.ok,
        "errors": len(report.errors),
        "warnings": len(report.warnings),
        "invalid_files": sorted({d.path for d in report.errors}),
        "diagnostics": [
            {"path": d.path, "line": d.line, "col": d.col, "severity": d.severity, "message": d.message,
             "rule": d.rule, "xpath": d.xpath}
            for d in _sorted(report)
        ],
    }, indent=2, ensure_ascii=False) + "\n"


def junit(report: Report) -> str:
    """One test case per file; its errors are one <failure>, warnings go to system-out."""
    by_path: dict[str, list[Diagnostic]] = defaultdict(list)
    for d in report.diagnostics:
        by_path[d.path].append(d)
    paths = _paths(report)
    suites = etree.Element("testsuites", name="teikit validate")
    suite = etree.SubElement(suites, "testsuite", name="teikit validate")
    failures = 0
    for path in paths:
        case = etree.SubElement(suite, "testcase", classname="teikit.validate", name=path, file=path)
        found = sorted(by_path.get(path, []), key=lambda d: (d.line, d.col))
        errors = [d for d in found if d.severity == ERROR]
        others = [d for d in found if d.severity != ERROR]
        if errors:
            failures += 1
            first = errors[0]
            failure = etree.SubElement(case, "failure", type=first.rule or "invalid",
                                       message=f"{len(errors)} error(s); first: {first.line}:{first.col}: {first.message}")
            failure.text = "\n".join(d.format(verbose=True) for d in errors)
        if others:
            etree.SubElement(case, "system-out").text = "\n".join(d.format(verbose=True) for d in others)
    notes = [d for d in report.diagnostics if _is_schema_note(d)]
    if notes:
        etree.SubElement(suite, "system-out").text = "\n".join(d.format(verbose=True) for d in notes)
    for elem in (suite, suites):
        elem.set("tests", str(len(paths)))
        elem.set("failures", str(failures))
        elem.set("errors", "0")
    return etree.tostring(suites, encoding="unicode", pretty_print=True, doctype='<?xml version="1.0" encoding="UTF-8"?>')


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def github(report: Report, *, verbose: bool = False) -> str:
    """GitHub Actions workflow commands: ::error file=…,line=…,col=…,title=…::message"""
    level = {ERROR: "error", WARNING: "warning", INFO: "notice"}
    lines = []
    for d in _sorted(report):
        props = [f"file={_escape_property(d.path)}"]
        if d.line:
            props.append(f"line={d.line}")
        if d.col:
            props.append(f"col={d.col}")
        props.append(f"title={_escape_property('teikit validate' + (f' ({d.rule})' if d.rule else ''))}")
        message = d.message + (f" [{d.xpath}]" if verbose and d.xpath else "")
        lines.append(f"::{level.get(d.severity, 'notice')} {','.join(props)}::{_escape_data(message)}")
    return "\n".join(lines) + ("\n" if lines else "")


def render(report: Report, fmt: str = "text", *, verbose: bool = False, colour: bool = False) -> str:
    if fmt == "json":
        return as_json(report)
    if fmt == "junit":
        return junit(report)
    if fmt == "github":
        return github(report, verbose=verbose)
    return text(report, verbose=verbose, colour=colour)
