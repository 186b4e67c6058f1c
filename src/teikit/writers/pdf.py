"""TEI → one typeset PDF through Typst.

`xslt/pdf/typst.xsl` turns the TEI into Typst markup (every text node escaped); the `typst`
wheel compiles it with its bundled fonts only (no system fonts, so the output is the same on
every machine) in a temporary folder that holds nothing but the generated `.typ`: the
typesetter can read no other file.

Several inputs make one PDF: their documents are set in input order, as one volume; a folder
stands for its `*.xml` files in natural order (d2 before d10). A single document
(`div[@type='document']` as the root, as in the FRUS publisher's extracts) is accepted too.
With `per_document`, each document becomes a PDF of its own instead. A long volume is cut
into parts typeset side by side by separate Typst processes and merged (`pdf_parts`).

After typesetting, the writer asks Typst where every footnote call and every note text landed
and warns about each note that does not begin on the page of its call (Typst is known to
leave a few behind: see docs/toolchain-notes in the shared material).
"""

from __future__ import annotations

import copy
import os
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from .. import resources, xmlio
from ..config import Config
from ..errors import RenderError, TeikitError
from ..report import Report
from ..xslt import edition_params, stylesheet

STYLESHEET = "pdf/typst.xsl"
TEI = xmlio.TEI_NS


def _as_tei(root: etree._Element) -> etree._Element:
    """A root the stylesheet can take inside a teiCorpus: TEI and teiCorpus as they are,
    anything else (a bare `div`, `text` or `body`) wrapped into TEI/text/body."""
    if root.tag in (f"{{{TEI}}}TEI", f"{{{TEI}}}teiCorpus"):
        return copy.deepcopy(root)
    tei = etree.Element(f"{{{TEI}}}TEI", nsmap={None: TEI})
    if root.tag == f"{{{TEI}}}text":
        tei.append(copy.deepcopy(root))
        return tei
    text = etree.SubElement(tei, f"{{{TEI}}}text")
    if root.tag == f"{{{TEI}}}body":
        text.append(copy.deepcopy(root))
    else:
        etree.SubElement(text, f"{{{TEI}}}body").append(copy.deepcopy(root))
    return tei


def volume_tree(trees: list[etree._ElementTree]) -> etree._ElementTree:
    """One tree for the stylesheet: a single TEI file as it is, several in a teiCorpus."""
    if len(trees) == 1 and trees[0].getroot().tag in (f"{{{TEI}}}TEI", f"{{{TEI}}}teiCorpus"):
        return trees[0]
    corpus = etree.Element(f"{{{TEI}}}teiCorpus", nsmap={None: TEI})
    for tree in trees:
        corpus.append(_as_tei(tree.getroot()))
    return etree.ElementTree(corpus)


def _parse_all(tei_paths: list[Path], report: Report) -> list[etree._ElementTree]:
    trees = []
    for path in tei_paths:
        report.files += 1
        try:
            trees.append(xmlio.parse(path))
        except TeikitError as exc:
            report.error(exc.path or str(path), exc.line, exc.col, exc.message)
    return trees


def _params(config: Config, starts: list[int], piece: str = "") -> dict[str, object]:
    return {**edition_params(config), "pdf-part-starts": " ".join(map(str, starts[1:])), "pdf-piece": piece}


def _transform(tree: etree._ElementTree, config: Config, name: str, starts: list[int] | None = None) -> str:
    sheet = stylesheet(resources.xslt(STYLESHEET))
    return sheet.transform(tree, _params(config, starts or []), name)


def _doc_starts(tree: etree._ElementTree) -> list[etree._Element]:
    """What starts a document in the PDF (as $doc-starts in the stylesheet), in order: each
    document division, and the body of a TEI file that has none."""
    div, body = f"{{{TEI}}}div", f"{{{TEI}}}body"
    starts = []
    for el in tree.getroot().iter(div, body):
        if el.tag == div:
            if el.get("type") == "document":
                starts.append(el)
        elif el.getparent() is not None and el.getparent().tag == f"{{{TEI}}}text":
            tei = el.getparent().getparent()
            if tei is not None and tei.tag == f"{{{TEI}}}TEI" and not any(
                    d.get("type") == "document" for d in tei.iter(div)):
                starts.append(el)
    return starts


def doc_sizes(tree: etree._ElementTree) -> list[int]:
    """The characters of text of each document, in order."""
    return [len("".join(doc.itertext())) for doc in _doc_starts(tree)]


def part_starts(tree: etree._ElementTree, parts: int | None = None, sizes: list[int] | None = None) -> list[int]:
    """Where a volume is cut into parts typeset by separate processes (see pdf_parts): the
    positions (1-based) of the documents that begin them, [1] or [] for one part. By default
    as few parts as keep each under pdf_parts.MAX_PART_CHARS characters of text, a multiple
    of the cores in number so that none runs alone at the end; the parts are as even as whole
    documents allow. `sizes`: doc_sizes(tree), when known."""
    from .pdf_parts import MAX_PART_CHARS

    sizes = doc_sizes(tree) if sizes is None else sizes
    if parts is None:
        cores = os.cpu_count() or 1
        parts = 1 if sum(sizes) <= MAX_PART_CHARS else cores * -(-sum(sizes) // (cores * MAX_PART_CHARS))
    parts = min(parts, len(sizes))
    if parts <= 1:
        return [1] if sizes else []

    def cut(limit: int) -> list[int]:
        starts, size = [1], 0
        for position, length in enumerate(sizes, 1):
            if size and size + length > limit:
                starts.append(position)
                size = 0
            size += length
        return starts

    low, high = max(sizes), sum(sizes)                   # the smallest limit giving `parts` parts
    while low < high:
        middle = (low + high) // 2
        low, high = (middle + 1, high) if len(cut(middle)) > parts else (low, middle)
    return cut(low)


def _source_name(tei_paths: list[Path]) -> str:
    return str(tei_paths[0]) if len(tei_paths) == 1 else f"{tei_paths[0]} (+{len(tei_paths) - 1} more)"


def _volume(tei_paths: list[Path], report: Report) -> etree._ElementTree | None:
    trees = _parse_all(tei_paths, report)
    if not trees and not report.errors:
        report.error("<pdf>", 0, 0, "no TEI input to render")
    return None if report.errors else volume_tree(trees)


def to_typst(tei_paths: list[Path], config: Config, report: Report | None = None,
             parts: int | None = None) -> str | None:
    """The Typst markup for the inputs, all its pieces (see pdf_parts; `parts`: how many body
    parts, by default from the volume's size); None (with errors in `report`) when an input
    is unreadable."""
    report = report if report is not None else Report()
    tei_paths = xmlio.xml_files(tei_paths)
    volume = _volume(tei_paths, report)
    if volume is None:
        return None
    return _transform(volume, config, _source_name(tei_paths), part_starts(volume, parts))


def _typeset_volume(volume: etree._ElementTree, config: Config, name: str, starts: list[int],
                    text_size: int, progress=None) -> Typeset:
    """A volume in parts: each body part is typeset as soon as the stylesheet has written it."""
    from . import pdf_parts
    from .typst_run import TypstFailure

    sheet = stylesheet(resources.xslt(STYLESHEET))
    names = ["preamble", *map(str, range(1, len(starts) + 1)), "front", "back"]
    texts = sheet.transforms(volume, [_params(config, starts, piece) for piece in names], name)
    preamble = next(texts)
    try:
        return pdf_parts.typeset_pieces(preamble, (pdf_parts.Piece.of(text) for text in texts if text),
                                        pages_hint=pdf_parts.stamp_pages(text_size), progress=progress,
                                        parts=len(starts))
    except TypstFailure as exc:
        raise RenderError(str(exc), name, 0, 0) from None


@dataclass
class Typeset:
    """A compiled PDF, Typst's warnings, and every footnote as (key, call page, text page)."""
    pdf: bytes
    warnings: list[str] = field(default_factory=list)
    notes: list[tuple[str, int, int | None]] = field(default_factory=list)

    @property
    def misplaced(self) -> list[tuple[str, int, int | None]]:
        return [note for note in self.notes if note[1] != note[2]]


def footnotes(probe: dict, page_of=lambda page: page) -> list[tuple[str, int, int | None]]:
    """(key, call page, text page) of every footnote the probe saw; `page_of` maps its pages."""
    texts = {key: page_of(page) for key, page in probe["texts"]}
    return [(key, page_of(page), texts.get(key)) for key, page in probe["calls"]]


def typeset(source: str, source_name: str = "<pdf>") -> Typeset:
    """Compile Typst markup to PDF with only the bundled fonts, in an empty folder, then ask the
    same compiler (its layout cached) where the footnotes went. A long volume whose markup is
    cut into parts is typeset part by part in parallel and merged (`pdf_parts`).

    A failure raises RenderError with the message, its location in the generated markup and
    Typst's hints.
    """
    from . import pdf_parts
    from .typst_run import TypstFailure, run

    try:
        if pdf_parts.has_parts(source):
            return pdf_parts.typeset_parts(source)
        pdf, warnings, probe = run(source)
    except TypstFailure as exc:
        raise RenderError(str(exc), source_name, 0, 0) from None
    return Typeset(pdf, warnings, footnotes(probe))


def compile_typst(source: str, source_name: str = "<pdf>") -> tuple[bytes, list[str]]:
    """Compile Typst markup to PDF bytes; returns the PDF and the typesetter's warnings."""
    result = typeset(source, source_name)
    return result.pdf, result.warnings


def _note_name(key: str) -> str:
    doc, n, _ = (key.split("/") + ["", "", ""])[:3]
    return f"footnote {n} of {doc}" if doc else f"footnote {n}"


def _write(source: str, out_pdf: Path, report: Report, keep_typst: bool) -> Typeset:
    typ_path = out_pdf.with_suffix(".typ")
    if keep_typst:
        xmlio.atomic_write(typ_path, source)
        report.written.append(str(typ_path))
    where = str(typ_path) if keep_typst else str(out_pdf)
    return _save(typeset(source, where), out_pdf, where, report)


def _save(result: Typeset, out_pdf: Path, where: str, report: Report) -> Typeset:
    for message in result.warnings:
        report.warning(where, 0, 0, message)
    for key, call, text in result.misplaced:
        report.warning(str(out_pdf), 0, 0, f"{_note_name(key)}: called on PDF page {call}, "
                       + (f"its text begins on page {text}" if text else "its text is missing"))
    xmlio.atomic_write(out_pdf, result.pdf)
    report.written.append(str(out_pdf))
    return result


def render_pdf(tei_paths: list[Path], out_pdf: Path, config: Config, keep_typst: bool = False,
               per_document: bool = False, parts: int | None = None, progress=None) -> Report:
    """Typeset TEI files (single documents, volumes, folders of them, or a mix) as one PDF at
    `out_pdf`; with `per_document`, one PDF per document in the folder `out_pdf`, named by the
    document's xml:id (else its input file and position).

    Unreadable inputs are reported as errors and nothing is written; a stylesheet or Typst
    failure raises RenderError. A footnote whose text Typst set on another page than its call
    is a warning naming both pages. With `keep_typst`, the generated markup is also written
    next to each PDF (`<name>.typ`) for debugging, even when Typst fails on it. `parts`: see
    `to_typst`; `progress(done, total)` is told of each part joined (see pdf_parts).
    """
    report = Report()
    out_pdf = Path(out_pdf)
    tei_paths = xmlio.xml_files([Path(p) for p in tei_paths])
    if not per_document:
        volume = _volume(tei_paths, report)
        if volume is None:
            return report
        sizes = doc_sizes(volume)
        starts = part_starts(volume, parts, sizes)
        if len(starts) > 1 and not keep_typst:
            _save(_typeset_volume(volume, config, _source_name(tei_paths), starts, sum(sizes), progress),
                  out_pdf, str(out_pdf), report)
        else:
            _write(_transform(volume, config, _source_name(tei_paths), starts), out_pdf, report, keep_typst)
        return report
    trees = _parse_all(tei_paths, report)
    if report.errors:
        return report
    for name, tree in document_trees(tei_paths, trees):
        _write(_transform(tree, config, name), out_pdf / f"{name}.pdf", report, keep_typst)
    return report


def document_trees(paths: list[Path], trees: list[etree._ElementTree]):
    """(name, tree) for each document of the inputs: its TEI with the teiHeader it came with."""
    seen: set[str] = set()
    for path, tree in zip(paths, trees):
        root = tree.getroot()
        docs = [root] if root.get("type") == "document" else root.findall(f".//{{{TEI}}}div[@type='document']")
        header = root.find(f".//{{{TEI}}}teiHeader")
        if not docs:
            docs = [root]
        for index, div in enumerate(docs, 1):
            name = div.get("{http://www.w3.org/XML/1998/namespace}id") or (
                path.stem if len(docs) == 1 else f"{path.stem}-{index}")
            while name in seen:
                name += "_"
            seen.add(name)
            if div is root:
                yield name, tree
                continue
            tei = etree.Element(f"{{{TEI}}}TEI", nsmap={None: TEI})
            if header is not None:
                tei.append(copy.deepcopy(header))
            body = etree.SubElement(etree.SubElement(tei, f"{{{TEI}}}text"), f"{{{TEI}}}body")
            body.append(copy.deepcopy(div))
            yield name, etree.ElementTree(tei)
