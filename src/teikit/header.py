"""The teiHeader teikit writes around documents, whichever reader brought them in, and the
facts it reads back from a document div (title, archival citation)."""

from __future__ import annotations

import datetime as dt
import os

from lxml import etree

from .__about__ import __version__
from .config import Edition
from .xmlio import TEI_NS, XML_NS

T = f"{{{TEI_NS}}}"
XML_ID = f"{{{XML_NS}}}id"


def conversion_date() -> str:
    """Today, or SOURCE_DATE_EPOCH's day for reproducible output."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    when = dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc) if epoch else dt.datetime.now(dt.timezone.utc)
    return when.date().isoformat()


def document_title(div: etree._Element) -> str:
    """The heading as printed, without its footnotes and without the document number."""
    head = div.find(T + "head")
    if head is None:
        return ""
    parts = [head.text or ""]
    for child in head:
        if child.tag != T + "note":
            parts.append("".join(child.itertext()))
        parts.append(child.tail or "")
    text = " ".join("".join(parts).split())
    n = div.get("n")
    return text[len(n) + 2:] if n and text.startswith(f"{n}. ") else text


def archival_citation(div: etree._Element) -> str | None:
    """Where the original is kept: the source note up to its first sentence end."""
    from .readers.textform.inline import citation_end

    note = div.find(f".//{T}note[@type='source']")
    if note is None:
        return None
    text = "".join(note.itertext())
    end = citation_end(text)
    cited = text[:end].strip() if end else text
    return " ".join(cited.removeprefix("Source:").split())


def _el(parent, tag, text=None, **attrs):
    el = etree.SubElement(parent, T + tag, attrs)
    if text is not None:
        el.text = text
    return el


def tei_document(body_items: list[etree._Element], documents: list[etree._Element], ed: Edition,
                 origin: str) -> etree._Element:
    """`<TEI>` with teikit's header (from the edition config and the documents) and a body.
    `origin` says where the text came from: "Converted from seeds/x.txt"."""
    root = etree.Element(T + "TEI", nsmap={None: TEI_NS})
    root.set(f"{{{XML_NS}}}lang", ed.language or "en")
    header = _el(root, "teiHeader")
    file_desc = _el(header, "fileDesc")
    title_stmt = _el(file_desc, "titleStmt")
    main = document_title(documents[0]) if len(documents) == 1 else (ed.volume_title or ed.series)
    _el(title_stmt, "title", main or "Untitled", type="main")
    if ed.series:
        _el(title_stmt, "title", ed.series, type="series")
    if ed.volume_title:
        _el(title_stmt, "title", ed.volume_title, type="volume")
    for name in ed.editors:
        _el(title_stmt, "editor", name, role="primary")
    if ed.general_editor:
        _el(title_stmt, "editor", ed.general_editor, role="general")
    pub = _el(file_desc, "publicationStmt")
    _el(pub, "publisher", ed.publisher or "Unpublished")
    if ed.pub_place:
        _el(pub, "pubPlace", ed.pub_place)
    if ed.publication_year:
        _el(pub, "date", str(ed.publication_year), when=str(ed.publication_year))
    if ed.volume_id:
        _el(pub, "idno", ed.volume_id, type="volume")
    if len(documents) == 1 and documents[0].get(XML_ID):
        _el(pub, "idno", documents[0].get(XML_ID), type="document")
    if ed.availability:
        _el(_el(pub, "availability"), "p", ed.availability)
    source_desc = _el(file_desc, "sourceDesc")
    for div in documents:
        citation = archival_citation(div)
        if citation:
            bibl = _el(source_desc, "bibl", citation, type="archival")
            if len(documents) > 1 and div.get(XML_ID):
                bibl.set("corresp", "#" + div.get(XML_ID))
    if not len(source_desc):
        _el(source_desc, "p", f"{origin}; no source note names the archival original.")
    app = _el(_el(_el(header, "encodingDesc"), "appInfo"), "application", ident="teikit", version=__version__)
    _el(app, "label", "teikit")
    _el(_el(header, "revisionDesc"), "change", f"{origin} by teikit {__version__}.", when=conversion_date())
    _el(_el(root, "text"), "body").extend(body_items)
    return root
