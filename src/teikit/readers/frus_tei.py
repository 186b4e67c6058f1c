"""Reader: the FRUS publisher's TEI dialect → teikit's TEI (the hub).

The FRUS dialect (``../shared/docs/frus-encoding.md``) keeps as typography what teikit
encodes as meaning. Reading it, each convention becomes the hub's element, and nothing else
changes, so that ``writers.frus_tei`` can give the publisher's document back:

* ``[<hi rend="italic">1 line not declassified</hi>]`` → ``<gap reason="not-declassified">``
  whose ``<desc>`` holds the printed phrase; a paragraph holding only that → a block gap;
* ``<p>[Omitted here is …]</p>`` → ``<gap reason="editorial-omission"><desc>``;
* ``<frus:attachment>`` → ``<div type="attachment">``;
* paragraphs opening with "• " → ``<list rend="bulleted">`` (page breaks between kept);
* "18. " at the start of the head → dropped (it is ``div/@n``);
* ``signed/persName/hi[@rend='strong']`` → the name itself (the bold face is house style);
* ``(<gloss target="#t_S_1">S</gloss>)`` → the gloss inside ``<seg type="classification-marking">``;
* pointers to the volume's persons, terms and other documents (``#p_GMS_1``, ``#d10``) →
  ``VOLUME#id``, since those ids live in the volume file, not in the one-document TEI file;
* ``frus:doc-dateTime-min/max`` → dropped when the dateline gives the same values (the
  writer computes them); a different value is a located warning.

Everything else (persNames, glosses, refs, datelines and dates, lists, page breaks with
@facs, quotes, rend values) is already teikit TEI and is kept as it is. Line breaks and
indentation inside running text are layout and become single spaces.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from ..report import INFO, WARNING, Diagnostic
from ..xmlio import TEI_NS, XML_NS
from .textform.inline import REDACTION, redaction

T = f"{{{TEI_NS}}}"
FRUS_NS = "http://history.state.gov/frus/ns/1.0"
F = f"{{{FRUS_NS}}}"
XML_ID = f"{{{XML_NS}}}id"
DOC_MIN, DOC_MAX = F + "doc-dateTime-min", F + "doc-dateTime-max"

OMISSION_P = re.compile(r"\[(Omitted here[^\[\]]*)\]")
BULLET = "• "
MARKINGS = {"U", "C", "S", "TS", "SBU", "LOU"}
LAYOUT = re.compile(r"[ \t\r]*\n[ \t\r\n]*")  # a line break in the XML source is layout
# Mixed-content elements whose leading and trailing layout belongs to no word.
BLOCKS = frozenset(T + n for n in "head p item label note dateline salute signed desc".split())
# Containers whose white-space-only text is indentation.
CONTAINERS = frozenset([T + n for n in "TEI teiHeader text front body back div list opener closer".split()]
                       + [F + "attachment"])
POINTER_ATTRS = ("corresp", "target")


@dataclass
class FrusReading:
    documents: list[etree._Element]
    volume_id: str
    header: etree._Element | None
    diagnostics: list[Diagnostic] = field(default_factory=list)


class _Notes:
    def __init__(self, path: str):
        self.path = path
        self.items: list[Diagnostic] = []

    def __call__(self, el, message: str, warn: bool = False, kind: str = "frus-import") -> None:
        line = getattr(el, "sourceline", None) or 0
        self.items.append(Diagnostic(self.path, line, 1 if line else 0, WARNING if warn else INFO, message, rule=kind))


def volume_id_of(root: etree._Element, path: str | Path) -> str:
    """The FRUS volume id: TEI/@xml:id, else the file name's "frus…-dN" prefix, else ''."""
    if root.tag == T + "TEI" and root.get(XML_ID):
        return root.get(XML_ID)
    m = re.match(r"^(frus[\w.]+?(?:-[\w.]+?)*?)-(?:d\d+\w*|header)$", Path(path).stem)
    return m.group(1) if m else ""


def read(tree: etree._ElementTree | etree._Element, path: str, *, volume_id: str | None = None) -> FrusReading:
    """Every `div type="document"` of a FRUS file (a volume, or one document as in the gold
    corpus) as teikit TEI. The input tree is changed in place."""
    root = tree.getroot() if isinstance(tree, etree._ElementTree) else tree
    notes = _Notes(path)
    vol = volume_id or volume_id_of(root, path)
    if not vol:
        notes(root, "no volume id (TEI/@xml:id or a file name like frus1981-88v05-d1.xml); pointers to "
                    "persons, terms and documents outside this file are kept as '#id'", warn=True)
    if root.tag == T + "div" and root.get("type") == "document":
        divs = [root]
    else:
        divs = root.xpath("//tei:div[@type='document'][not(ancestor::tei:div[@type='document'])]",
                          namespaces={"tei": TEI_NS})
    if not divs:
        notes(root, "no <div type=\"document\"> in this file; expected a FRUS volume or one document", warn=True)
    header = root.find(T + "teiHeader") if root.tag == T + "TEI" else None
    documents = [import_document(div, notes) for div in divs]
    local = {el.get(XML_ID) for doc in documents for el in doc.iter() if isinstance(el.tag, str) and el.get(XML_ID)}
    if vol:
        for doc in documents:
            _qualify_pointers(doc, vol, local)
    return FrusReading(documents, vol, header, notes.items)


def import_document(div: etree._Element, notes: _Notes) -> etree._Element:
    """One FRUS document div → teikit's div (changed in place and returned)."""
    from ..writers.frus_tei import doc_datetime  # one definition of the publisher's rule

    _layout(div)
    given = (div.get(DOC_MIN), div.get(DOC_MAX))
    computed = doc_datetime(div)
    if given != (None, None) and tuple(given) != computed:
        notes(div, f"frus:doc-dateTime-min/max of document {div.get('n')} are {given[0]} / {given[1]}, but its "
                   f"dateline gives {computed[0]} / {computed[1]}; teikit keeps the dateline, and the export "
                   "will write the dateline's values", warn=True, kind="doc-datetime")
    for attr in (DOC_MIN, DOC_MAX):
        div.attrib.pop(attr, None)
    _head_number(div, notes)
    for el in list(div.iter(F + "attachment")):
        el.tag = T + "div"
        el.set("type", "attachment")
    _redactions(div, notes)
    _block_gaps(div, notes)
    _bullets(div, notes)
    _signatures(div)
    _page_spacing(div, notes)
    _markings(div)
    for note in div.iter(T + "note"):
        if note.get("n") is not None and note.get("place") is None and note.get("rend") is None:
            note.set("place", "foot")
    etree.cleanup_namespaces(div, top_nsmap={None: TEI_NS})
    return div


# ---------------------------------------------------------------------------------------------
# White space

def _layout(root: etree._Element) -> None:
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        if el.text:
            el.text = LAYOUT.sub(" ", el.text)
        if el.tail:
            el.tail = LAYOUT.sub(" ", el.tail)
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        container = el.tag in CONTAINERS or (el.tag == T + "quote" and _block_children(el))
        if container:
            if el.text and not el.text.strip():
                el.text = None
            for child in el:
                if child.tail and not child.tail.strip():
                    child.tail = None
        elif el.tag in BLOCKS:
            if el.text:
                el.text = el.text.lstrip(" ") or None
            if len(el):
                if el[-1].tail:
                    el[-1].tail = el[-1].tail.rstrip(" ") or None
            elif el.text:
                el.text = el.text.rstrip(" ") or None


def _block_children(el: etree._Element) -> bool:
    return any(child.tag in (T + "p", T + "list", T + "lg") for child in el)


# ---------------------------------------------------------------------------------------------
# Head, redactions, omissions, bullets, signatures, markings

def _head_number(div: etree._Element, notes: _Notes) -> None:
    head = div.find(T + "head")
    n = div.get("n")
    if head is None or not n:
        return
    prefix = f"{n}. "
    if (head.text or "").startswith(prefix):
        head.text = head.text[len(prefix):] or None
    else:
        notes(head, f"the head of document {n} does not begin with its number \"{prefix.strip()}\"; "
                    "the export will print it there", warn=True, kind="head-number")


def _redactions(div: etree._Element, notes: _Notes) -> None:
    """`[<hi rend="italic">… not declassified</hi>]` → gap, the printed phrase in its desc."""
    for hi in list(div.iter(T + "hi")):
        if hi.get("rend") != "italic" or len(hi) or not hi.text:
            continue
        m = REDACTION.fullmatch(f"[{hi.text}]")
        if not m or not (hi.tail or "").startswith("]"):
            continue
        parent = hi.getparent()
        prev = hi.getprevious()
        before = prev.tail if prev is not None else parent.text
        if not (before or "").endswith("["):
            continue
        gap = redaction(m.group(1))
        if "".join(gap.find(T + "desc").itertext()) != hi.text:  # never alter the printed words
            continue
        if prev is not None:
            prev.tail = before[:-1] or None
        else:
            parent.text = before[:-1] or None
        gap.tail = hi.tail[1:] or None
        parent.replace(hi, gap)
        notes(gap, f"redaction [{hi.text}] read as a gap", kind="redaction")


def _block_gaps(div: etree._Element, notes: _Notes) -> None:
    """A paragraph holding only a redaction or an omission → the gap itself, as a block."""
    for p in list(div.iter(T + "p")):
        parent = p.getparent()
        if p.attrib or parent is None or parent.tag not in (T + "div", T + "quote"):
            continue
        if len(p) == 1 and not (p.text or "").strip() and not (p[0].tail or "").strip() \
                and p[0].tag == T + "gap" and p[0].get("reason") == "not-declassified":
            gap = p[0]
            gap.tail = p.tail
            parent.replace(p, gap)
        elif len(p) == 0 and p.text and (m := OMISSION_P.fullmatch(p.text)):
            gap = etree.Element(T + "gap", reason="editorial-omission")
            etree.SubElement(gap, T + "desc").text = m.group(1)
            gap.tail = p.tail
            notes(p, f"editorial omission [{m.group(1)}] read as a gap", kind="omission")
            parent.replace(p, gap)


def _is_bullet(el: etree._Element) -> bool:
    return el.tag == T + "p" and not el.attrib and (el.text or "").startswith(BULLET)


def _bullets(div: etree._Element, notes: _Notes) -> None:
    """Runs of paragraphs opening with "• " (page breaks between them) → one bulleted list."""
    for container in [div, *div.iter(T + "div")]:
        children = list(container)
        i = 0
        while i < len(children):
            if not _is_bullet(children[i]):
                i += 1
                continue
            run = [children[i]]
            j = i + 1
            while j < len(children):
                k = j
                while k < len(children) and children[k].tag == T + "pb":
                    k += 1
                if k < len(children) and _is_bullet(children[k]):
                    run.extend(children[j:k + 1])
                    j = k + 1
                else:
                    break
            lst = etree.Element(T + "list", rend="bulleted")
            container.insert(container.index(run[0]), lst)
            for el in run:
                if el.tag == T + "p":
                    el.tag = T + "item"
                    el.text = el.text[len(BULLET):] or None
                lst.append(el)
            notes(lst, f"{sum(1 for el in run if el.tag == T + 'item')} paragraph(s) opening with • read as a "
                       "bulleted list", kind="list")
            children = list(container)
            i = children.index(lst) + 1


def _signatures(div: etree._Element) -> None:
    """`signed/persName/hi[@rend='strong']` → the name: bold is the publisher's house style."""
    for pers in div.xpath(".//tei:signed//tei:persName[not(ancestor::tei:note)]", namespaces={"tei": TEI_NS}):
        if len(pers) == 1 and pers[0].tag == T + "hi" and pers[0].get("rend") == "strong" \
                and not (pers.text or "").strip() and not (pers[0].tail or "").strip():
            hi, after = pers[0], pers[0].tail or ""
            pers.text = (pers.text or "") + (hi.text or "")  # layout around the name is kept
            pers.remove(hi)
            pers.extend(list(hi))
            if len(pers):
                pers[-1].tail = (pers[-1].tail or "") + after or None
            else:
                pers.text += after


def _page_spacing(div: etree._Element, notes: _Notes) -> None:
    """A page break inside running text with white space on one side only is kept as printed
    in the source, but said: teikit's rules want spaces on both sides or on neither."""
    for pb in div.iter(T + "pb"):
        parent = pb.getparent()
        prev = pb.getprevious()
        before = prev.tail if prev is not None else parent.text
        after = pb.tail
        if not ((before or "").strip() or (after or "").strip()):
            continue
        if bool(before and before[-1:].isspace()) != bool(after and after[:1].isspace()):
            notes(pb, f"page break {pb.get('n')} has white space on one side only in the source; kept as it is "
                      "(teikit validate reports it): decide whether the break falls between words or inside one",
                  warn=True, kind="pb-spacing")


def _markings(div: etree._Element) -> None:
    """`(<gloss>S</gloss>)`: the gloss is a classification marking."""
    for gloss in list(div.iter(T + "gloss")):
        if len(gloss) or (gloss.text or "") not in MARKINGS or not (gloss.tail or "").startswith(")"):
            continue
        prev = gloss.getprevious()
        before = prev.tail if prev is not None else gloss.getparent().text
        if not (before or "").endswith("("):
            continue
        seg = etree.Element(T + "seg", type="classification-marking")
        seg.tail, gloss.tail = gloss.tail, None
        gloss.getparent().replace(gloss, seg)
        seg.append(gloss)


def _qualify_pointers(div: etree._Element, volume_id: str, local: set[str]) -> None:
    for el in div.iter():
        if not isinstance(el.tag, str):
            continue
        for attr in POINTER_ATTRS:
            value = el.get(attr)
            if value and value.startswith("#") and " " not in value and value[1:] not in local:
                el.set(attr, volume_id + value)


# ---------------------------------------------------------------------------------------------
# Files: `teikit import --from frus`


def edition_from_header(header: etree._Element, volume_id: str, base=None):
    """teikit's edition metadata from a FRUS volume teiHeader (typed titles, editors…)."""
    from ..config import Edition

    def text(xpath: str) -> str:
        return " ".join(header.xpath(f"string({xpath})", namespaces={"tei": TEI_NS}).split())

    series = ", ".join(x for x in (text(".//tei:titleStmt/tei:title[@type='series']"),
                                   text(".//tei:titleStmt/tei:title[@type='sub-series']")) if x)
    volume = ", ".join(x for x in (text(".//tei:titleStmt/tei:title[@type='volume-number']"),
                                   text(".//tei:titleStmt/tei:title[@type='volume']")) if x)
    year = text(".//tei:publicationStmt/tei:date[@type='publication-date']")
    primary = tuple(" ".join("".join(e.itertext()).split())
                    for e in header.iterfind(".//tei:titleStmt/tei:editor[@role='primary']", {"tei": TEI_NS}))
    base = base or Edition()
    return Edition(
        series=series or base.series, volume_title=volume or base.volume_title, volume_id=volume_id,
        editors=primary or base.editors,
        general_editor=text(".//tei:titleStmt/tei:editor[@role='general']") or base.general_editor,
        publisher=text(".//tei:publicationStmt/tei:publisher") or base.publisher,
        pub_place=text(".//tei:publicationStmt/tei:pubPlace") or base.pub_place,
        publication_year=int(year[:4]) if year[:4].isdigit() else base.publication_year,
        language=base.language or "en",
        availability=base.availability or "Public domain: a work of the United States Government.",
        facs_offset=base.facs_offset,
    )


def _edition_for(reading: FrusReading, path: Path, config, header_file: Path | None):
    from dataclasses import replace

    from ..config import Edition
    from ..xmlio import parse

    base = config.edition if config.edition.volume_id in ("", reading.volume_id) else Edition(
        availability=config.edition.availability, language=config.edition.language)
    header = reading.header
    candidate = header_file or (path.parent / f"{reading.volume_id}-header.xml" if reading.volume_id else None)
    if header is None and candidate is not None and candidate.is_file():
        header = parse(candidate).getroot().find(T + "teiHeader")
    if header is not None:
        return edition_from_header(header, reading.volume_id, base)
    return replace(base, volume_id=reading.volume_id or base.volume_id,
                   series=base.series or "Foreign Relations of the United States")


def hub_tei(doc: etree._Element, ed, source: str) -> etree._Element:
    """A teikit TEI file around one imported document, with the header the converter writes."""
    from ..header import tei_document

    return tei_document([doc], [doc], ed, f"Imported from the FRUS TEI file {source}")


def import_files(paths, output: Path | None = None, *, config=None, volume_id: str | None = None,
                 header: Path | None = None, force: bool = False):
    """Import FRUS files: one teikit TEI file per document, named VOLUME-dN.xml, in the
    project's tei/ folder or `output` (a folder; a file name when there is one document)."""
    from dataclasses import replace

    from .. import provenance
    from ..__about__ import __version__
    from ..api import may_overwrite
    from ..config import load
    from ..convert import _schema_hrefs
    from ..errors import InvalidInput, UsageError
    from ..report import Report
    from ..xmlio import atomic_write, indent, parse, serialize, xml_model_pis
    from types import SimpleNamespace

    paths = [Path(p) for p in paths]
    if not paths:
        raise UsageError("no FRUS files to import")
    config = config or load(paths[0].parent)
    report = Report()
    for path in paths:
        if not path.is_file():
            raise UsageError(f"no such file: {path}", str(path), 0, 0)
        raw = path.read_bytes()
        reading = read(parse(path), str(path), volume_id=volume_id)
        report.files += 1
        report.extend(reading.diagnostics)
        cfg = replace(config, edition=_edition_for(reading, path, config, header))
        for doc in reading.documents:
            name = f"{reading.volume_id or path.stem}-{doc.get(XML_ID) or 'd' + (doc.get('n') or '')}.xml"
            if output is None:
                target = config.root / config.tei_dir / name
            elif output.suffix == ".xml" and len(paths) == 1 and len(reading.documents) == 1:
                target = output
            else:
                target = output / name
            allowed, why = may_overwrite(target)
            if not allowed and not force:
                raise InvalidInput(f"{why}; not overwritten (use --force to replace it)", str(target), 1, 1)
            root = hub_tei(doc, cfg.edition, path.name)
            for pi in xml_model_pis(*_schema_hrefs(cfg, target)):
                root.addprevious(pi)
            root.addprevious(etree.ProcessingInstruction(provenance.PI_TARGET, provenance.pi_content(
                path.name, provenance.sha256(raw), __version__, SimpleNamespace(eol="\n", final_newline=True))))
            indent(root)
            atomic_write(target, provenance.seal(serialize(root.getroottree())))
            report.written.append(str(target))
    return report
