"""TEI → one typeset PDF through Typst.

`xslt/pdf/typst.xsl` turns the TEI into Typst markup (every text node escaped); the `typst`
wheel compiles it with its bundled fonts only (no system fonts, so the output is the same on
every machine) in a temporary folder that holds nothing but the generated `.typ`: the
typesetter can read no other file.

Several inputs make one PDF: their documents are set in input order, as one volume. A single
document (`div[@type='document']` as the root, as in the FRUS publisher's extracts) is
accepted too.
"""

from __future__ import annotations

import copy
import re
import tempfile
from importlib import metadata
from pathlib import Path

from lxml import etree

from .. import resources, xmlio
from ..config import Config
from ..errors import RenderError, TeikitError
from ..report import Report
from ..xslt import stylesheet

STYLESHEET = "pdf/typst.xsl"
TEI = xmlio.TEI_NS
_TYPST_NAME = "edition.typ"


def pdf_params(config: Config) -> dict[str, object]:
    """Stylesheet parameters (xslt/common/params.xsl) from teikit.toml; empty ones fall back to the header."""
    ed = config.edition
    params: dict[str, object] = {
        "series": ed.series,
        "volume-title": ed.volume_title,
        "volume-id": ed.volume_id,
        "editors": "; ".join(ed.editors),
        "publisher": ed.publisher,
        "publication-year": "" if ed.publication_year is None else str(ed.publication_year),
        "paper": config.paper,
    }
    try:
        params["teikit-version"] = metadata.version("teikit")
    except metadata.PackageNotFoundError:
        params["teikit-version"] = ""
    return params


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


def to_typst(tei_paths: list[Path], config: Config, report: Report | None = None) -> str | None:
    """The Typst source for the inputs; None (with errors in `report`) when an input is unreadable."""
    report = report if report is not None else Report()
    trees = []
    for path in map(Path, tei_paths):
        report.files += 1
        try:
            trees.append(xmlio.parse(path))
        except TeikitError as exc:
            report.error(exc.path or str(path), exc.line, exc.col, exc.message)
    if not trees or report.errors:
        if not trees and not report.errors:
            report.error("<pdf>", 0, 0, "no TEI input to render")
        return None
    name = str(tei_paths[0]) if len(tei_paths) == 1 else f"{tei_paths[0]} (+{len(tei_paths) - 1} more)"
    sheet = stylesheet(resources.xslt(STYLESHEET))
    return sheet.transform(volume_tree(trees), pdf_params(config), name)


def compile_typst(source: str, source_name: str = "<pdf>") -> tuple[bytes, list[str]]:
    """Compile Typst markup to PDF bytes with only the bundled fonts, in an empty folder.

    Returns the PDF and the typesetter's warnings; a failure raises RenderError with the
    message, its location in the generated markup and Typst's hints.
    """
    import typst

    with tempfile.TemporaryDirectory(prefix="teikit-pdf-") as tmp:
        typ = Path(tmp) / _TYPST_NAME
        typ.write_text(source, encoding="utf-8")
        try:
            pdf, warnings = typst.compile_with_warnings(
                str(typ), root=tmp, ignore_system_fonts=True, format="pdf", font_paths=[]
            )
        except typst.TypstError as exc:
            raise RenderError(_typst_message(exc), source_name, 0, 0) from None
    return pdf, [_typst_message(w) for w in warnings or ()]


def _typst_message(exc) -> str:
    text = f"Typst: {getattr(exc, 'message', None) or exc}"
    diagnostic = getattr(exc, "diagnostic", "") or ""
    where = re.search(r"┌─ .*?:(\d+):(\d+)", diagnostic)
    if where:
        text += f" (line {where.group(1)}, column {where.group(2)} of the generated Typst; keep it with keep_typst)"
    hints = [h for h in (getattr(exc, "hints", None) or []) if h]
    if hints:
        text += "; hint: " + "; hint: ".join(hints)
    return text


def render_pdf(tei_paths: list[Path], out_pdf: Path, config: Config, keep_typst: bool = False) -> Report:
    """Typeset TEI files (single documents, volumes or a mix) as one PDF at `out_pdf`.

    Unreadable inputs are reported as errors and nothing is written; a stylesheet or Typst
    failure raises RenderError. With `keep_typst`, the generated markup is also written next
    to the PDF (`<name>.typ`) for debugging, even when Typst fails on it.
    """
    report = Report()
    out_pdf = Path(out_pdf)
    tei_paths = [Path(p) for p in tei_paths]
    source = to_typst(tei_paths, config, report)
    if source is None:
        return report
    typ_path = out_pdf.with_suffix(".typ")
    if keep_typst:
        xmlio.atomic_write(typ_path, source)
        report.written.append(str(typ_path))
    pdf, warnings = compile_typst(source, str(typ_path) if keep_typst else str(out_pdf))
    for message in warnings:
        report.warning(str(typ_path) if keep_typst else str(out_pdf), 0, 0, message)
    xmlio.atomic_write(out_pdf, pdf)
    report.written.append(str(out_pdf))
    return report
