"""A minimal ISO Schematron (queryBinding xslt2/xslt3) runner for tests, through saxonche.

teikit's own XSLT-3 Schematron compiler is being built in `teikit.validation`; until it runs
the FRUS publisher's rules, the exchange tests use this one. It supports what
frus-signatures.sch and frus-dates.sch use: ns, global and rule-level let, pattern/rule/assert/
report with value-of in messages, first-matching-rule-per-pattern semantics, @role.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import quoteattr

from lxml import etree

SCH = "http://purl.oclc.org/dsdl/schematron"
S = f"{{{SCH}}}"


@dataclass(frozen=True)
class Finding:
    id: str
    role: str
    location: str
    message: str


def _message(node: etree._Element) -> str:
    parts = [_escape(node.text or "")]
    for child in node:
        if child.tag == S + "value-of":
            parts.append(f'<xsl:value-of select={quoteattr(child.get("select"))}/>')
        elif child.tag == S + "name":
            parts.append('<xsl:value-of select="name()"/>')
        parts.append(_escape(child.tail or ""))
    return "".join(parts)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def compile_schematron(path: Path) -> str:
    sch = etree.parse(str(path)).getroot()
    ns = {n.get("prefix"): n.get("uri") for n in sch.iter(S + "ns")}
    decl = " ".join(f'xmlns:{p}="{u}"' for p, u in ns.items() if p != "xml")
    out = [f'<xsl:stylesheet version="3.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform" '
           f'xmlns:xs="http://www.w3.org/2001/XMLSchema" {decl}>',
           '<xsl:output method="xml"/>']
    for let in sch.findall(S + "let"):
        out.append(f'<xsl:variable name="{let.get("name")}" select={quoteattr(let.get("value"))}/>')
    patterns = sch.findall(S + "pattern")
    out.append('<xsl:template match="/"><findings>')
    for i, _ in enumerate(patterns):
        out.append(f'<xsl:apply-templates select="/" mode="p{i}"/>')
    out.append('</findings></xsl:template>')
    for i, pattern in enumerate(patterns):
        rules = pattern.findall(S + "rule")
        for j, rule in enumerate(rules):
            body = []
            for child in rule:
                if child.tag == S + "let":
                    body.append(f'<xsl:variable name="{child.get("name")}" select={quoteattr(child.get("value"))}/>')
                elif child.tag in (S + "assert", S + "report"):
                    test = child.get("test")
                    cond = f"not({test})" if child.tag == S + "assert" else test
                    body.append(
                        f'<xsl:if test={quoteattr(cond)}><finding id={quoteattr(child.get("id", ""))} '
                        f'role={quoteattr(child.get("role", "error"))} location="{{path()}}">'
                        f'{_message(child)}</finding></xsl:if>')
            out.append(f'<xsl:template match={quoteattr(rule.get("context"))} mode="p{i}" priority="{len(rules) - j}">'
                       + "".join(body) + '<xsl:apply-templates select="@*|node()" mode="p{i}"/></xsl:template>'
                       .replace("{i}", str(i)))
        out.append(f'<xsl:template match="@*|node()" mode="p{i}" priority="-10">'
                   f'<xsl:apply-templates select="@*|node()" mode="p{i}"/></xsl:template>')
    out.append("</xsl:stylesheet>")
    return "\n".join(out)


_compiled: dict[Path, object] = {}


def run(schema: Path, document: bytes) -> list[Finding]:
    from saxonche import PySaxonProcessor

    proc = _processor()
    if schema not in _compiled:
        xslt = proc.new_xslt30_processor()
        _compiled[schema] = xslt.compile_stylesheet(stylesheet_text=compile_schematron(schema))
    executable = _compiled[schema]
    node = proc.parse_xml(xml_text=document.decode("utf-8"))
    result = executable.transform_to_string(xdm_node=node)
    root = etree.fromstring(result.encode("utf-8"))
    return [Finding(f.get("id"), f.get("role"), f.get("location"), " ".join("".join(f.itertext()).split()))
            for f in root]


_proc = None


def _processor():
    global _proc
    if _proc is None:
        from saxonche import PySaxonProcessor

        _proc = PySaxonProcessor(license=False)
    return _proc
