"""The translator: plain text → a complete TEI document (header from the config, provenance)."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from . import provenance
from .__about__ import __version__
from .config import Config
from .errors import InvalidInput
from .readers import textform
from .report import Report
from .xmlio import TEI_NS, XML_NS, indent, serialize, xml_model_pis

T = f"{{{TEI_NS}}}"


@dataclass
class Conversion:
    data: bytes  # the TEI file, sealed with its provenance
    report: Report = field(default_factory=Report)


def conversion_date() -> str:
    """Today, or SOURCE_DATE_EPOCH's day for reproducible output."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    when = dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc) if epoch else dt.datetime.now(dt.timezone.utc)
    return when.date().isoformat()


def convert_text(text: str, *, source: str, config: Config, out_path: Path, strict: bool = False,
                 source_bytes: bytes | None = None) -> Conversion:
    """Convert the text form; `source` is the seed's name as recorded (project-relative)."""
    reading = textform.read(text, source, facs_offset=config.edition.facs_offset, strict=strict)
    report = Report(files=1)
    report.extend(reading.decisions)
    root = _tei(reading.body, reading.documents, config, source)
    for pi in xml_model_pis(*_schema_hrefs(config, out_path)):
        root.addprevious(pi)
    raw = source_bytes if source_bytes is not None else text.encode("utf-8")
    root.addprevious(etree.ProcessingInstruction(
        provenance.PI_TARGET, provenance.pi_content(source, provenance.sha256(raw), __version__, reading.layout)))
    indent(root)
    return Conversion(provenance.seal(serialize(root.getroottree())), report)


def read_source(path: Path) -> tuple[str, bytes]:
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8"), raw
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InvalidInput(f"not UTF-8 text (byte 0x{raw[exc.start]:02x}); expected UTF-8", str(path), line, col) from None


def _schema_hrefs(config: Config, out_path: Path) -> tuple[str, str]:
    """Relative to the written file when the project has its own schemas/, else the bare
    names, which `teikit validate` maps to the schemas it ships."""
    folder = config.root / "schemas"
    names = ("teikit.rng", "teikit.sch")
    if (folder / names[0]).is_file():
        return tuple(Path(os.path.relpath(folder / n, out_path.resolve().parent)).as_posix() for n in names)
    return names


def _el(parent, tag, text=None, **attrs):
    el = etree.SubElement(parent, T + tag)
    for key, value in attrs.items():
        el.set(key.replace("_", ":") if key == "xml_id" else key, value)
    if text is not None:
        el.text = text
    return el


def document_title(div: etree._Element) -> str:
    head = div.find(T + "head")
    if head is None:
        return ""
    parts = [head.text or ""]
    for child in head:
        if child.tag != T + "note":
            parts.append("".join(child.itertext()))
        parts.append(child.tail or "")
    return " ".join("".join(parts).split())


def archival_citation(div: etree._Element) -> str | None:
    note = div.find(f".//{T}note[@type='source']")
    if note is None:
        return None
    text = "".join(note.itertext())
    end = textform.inline.citation_end(text)
    cited = text[: end].strip() if end else text
    return cited.removeprefix("Source:").strip()


def _tei(body_items: list[etree._Element], documents: list[etree._Element], config: Config,
         source: str) -> etree._Element:
    ed = config.edition
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
    if len(documents) == 1 and documents[0].get("n"):
        _el(pub, "idno", f"d{documents[0].get('n')}", type="document")
    if ed.availability:
        _el(_el(pub, "availability"), "p", ed.availability)
    source_desc = _el(file_desc, "sourceDesc")
    cited = False
    for div in documents:
        citation = archival_citation(div)
        if citation:
            bibl = _el(source_desc, "bibl", citation, type="archival")
            if len(documents) > 1 and div.get(f"{{{XML_NS}}}id"):
                bibl.set("corresp", "#" + div.get(f"{{{XML_NS}}}id"))
            cited = True
    if not cited:
        _el(source_desc, "p", f"Converted from the plain text {source}; no source note names the archival original.")
    app = _el(_el(_el(header, "encodingDesc"), "appInfo"), "application", ident="teikit", version=__version__)
    _el(app, "label", "teikit")
    _el(_el(header, "revisionDesc"), "change", f"Converted from {source} by teikit {__version__}.",
        when=conversion_date())
    body = _el(_el(root, "text"), "body")
    body.extend(body_items)
    return root


