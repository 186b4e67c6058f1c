"""Dublin Core (`oai_dc`) records, one per document, for OAI-PMH harvesters and catalogues.

Each record is derived from the TEI: title = the document's heading (without its number and
notes), date = its dateline date, creator = the sender the heading names ("Memorandum From
Secretary of State Shultz to President Reagan" → "Secretary of State Shultz"), source = the
archival citation of the source note, identifier = the document's page in the HTML edition
(and its TEI id), rights = the edition's availability statement.
"""

from __future__ import annotations

import re

from lxml import etree

from .header import archival_citation, document_title
from .xmlio import TEI_NS, XML_NS

T = f"{{{TEI_NS}}}"
NS = {"tei": TEI_NS}
OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC = "http://purl.org/dc/elements/1.1/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_LOCATION = f"{OAI_DC} http://www.openarchives.org/OAI/2.0/oai_dc.xsd"
XML_ID = f"{{{XML_NS}}}id"

_FROM = re.compile(r"\bFrom (?:the )?(?P<who>.+?)(?= to (?:the )?[A-Z]|$)")
_PREPARED = re.compile(r"\bPrepared (?:by|in) (?:the )?(?P<who>.+?)$")


def _squash(text: str) -> str:
    return " ".join(text.split())


def creator(title: str) -> str | None:
    """The sender a FRUS heading names, if it names one."""
    for pattern in (_FROM, _PREPARED):
        m = pattern.search(title)
        if m:
            return m.group("who").strip()
    return None


def document_date(div: etree._Element) -> str | None:
    """The dateline's date as ISO 8601 (a range "from/to" when the document spans one)."""
    from .writers.frus_tei import dateline_date

    date = dateline_date(div)
    if date is None:
        return None
    if date.get("when"):
        return date.get("when")
    for lo, hi in (("from", "to"), ("notBefore", "notAfter")):
        if date.get(lo) and date.get(hi):
            return f"{date.get(lo)}/{date.get(hi)}"
    return None


def source_citation(div: etree._Element) -> str | None:

    cited = archival_citation(div)
    return _squash(cited) if cited else None


def record(div: etree._Element, header: etree._Element | None, *, base_url: str = "html") -> etree._Element:
    """The `oai_dc:dc` record of one document."""
    dc = etree.Element(f"{{{OAI_DC}}}dc", nsmap={"oai_dc": OAI_DC, "dc": DC, "xsi": XSI})
    dc.set(f"{{{XSI}}}schemaLocation", SCHEMA_LOCATION)

    def add(name: str, value: str | None) -> None:
        if value:
            etree.SubElement(dc, f"{{{DC}}}{name}").text = value

    def from_header(xpath: str) -> str:
        return _squash(header.xpath(f"string({xpath})", namespaces=NS)) if header is not None else ""

    title = document_title(div)
    add("title", title)
    add("creator", creator(title))
    add("date", document_date(div))
    add("type", "Text")
    add("format", "application/tei+xml")
    doc_id = div.get(XML_ID) or (f"d{div.get('n')}" if div.get("n") else "")
    volume = from_header(".//tei:publicationStmt/tei:idno[@type='volume']")
    if doc_id:
        add("identifier", f"{base_url.rstrip('/')}/{doc_id}.html")
        add("identifier", f"{volume}#{doc_id}" if volume else doc_id)
    add("source", source_citation(div))
    series = from_header(".//tei:titleStmt/tei:title[@type='series']")
    volume_title = from_header(".//tei:titleStmt/tei:title[@type='volume']")
    add("relation", ", ".join(x for x in (series, volume_title) if x))
    add("publisher", from_header(".//tei:publicationStmt/tei:publisher"))
    add("language", div.xpath("string(ancestor-or-self::*[@xml:lang][1]/@xml:lang)") or "en")
    add("rights", from_header(".//tei:publicationStmt/tei:availability"))
    return dc


def records(tree: etree._ElementTree | etree._Element, *, base_url: str = "html") -> list[tuple[str, etree._Element]]:
    """(document id, record) for every document of a TEI file."""
    root = tree.getroot() if isinstance(tree, etree._ElementTree) else tree
    header = root.find(T + "teiHeader")
    found = []
    for div in root.iterfind(".//tei:div[@type='document']", NS):
        doc_id = div.get(XML_ID) or f"d{div.get('n', len(found) + 1)}"
        found.append((doc_id, record(div, header, base_url=base_url)))
    return found
