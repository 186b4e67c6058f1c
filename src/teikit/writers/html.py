"""TEI → a static HTML5 web edition: one page per document, an index, one CSS file.

The stylesheet `xslt/html/edition.xsl` does the work; this module runs it, merges the tables
of contents of several inputs, serialises each page as HTML5 and writes it atomically.

Two passes over the inputs (each transform is about a millisecond per document):
1. `html-pass=toc` on every input gives its documents (id, page, number, title) and header
   metadata; they are merged in input order into one table of contents.
2. `html-pass=site` on every input, with the merged table as `html-toc`, gives its document
   pages (prev/next cross file boundaries) and, on the first input only, the index.
"""

from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path

from lxml import etree
from lxml import html as lxml_html

from .. import resources, xmlio
from ..config import Config
from ..errors import TeikitError
from ..report import INFO, Diagnostic, Report
from ..xslt import stylesheet

STYLESHEET = "html/edition.xsl"
CSS = "html/edition.css"
TK_NS = "urn:teikit"
_SAFE_PAGE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*\.html$")


def html_params(config: Config) -> dict[str, object]:
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


def render_html(tei_paths: list[Path], out_dir: Path, config: Config) -> Report:
    """Render TEI files (single documents, volumes or a mix) as one web edition in `out_dir`.

    Writes one page per `div[@type='document']` (named after its xml:id), `index.html` listing
    every document of every input in input order, and `edition.css`. Problems are reported,
    not raised: an input that cannot be read or rendered is an error and the others go on.
    """
    report = Report()
    out_dir = Path(out_dir)
    sheet = stylesheet(resources.xslt(STYLESHEET))
    params = html_params(config)

    # Pass 1: the table of contents of each input.
    tocs: list[tuple[Path, etree._Element]] = []
    for path in map(Path, tei_paths):
        report.files += 1
        try:
            tree = xmlio.parse(path)
            toc = etree.fromstring(
                sheet.transform(tree, {**params, "html-pass": "toc"}, str(path)).encode("utf-8")
            )
        except TeikitError as exc:
            report.error(exc.path or str(path), exc.line, exc.col, exc.message)
            continue
        if toc.find(f"{{{TK_NS}}}doc") is None:
            volume = toc.find(f"{{{TK_NS}}}volume")
            if volume is not None and any(v for k, v in volume.attrib.items() if k != "lang"):
                report.add(Diagnostic(str(path), 0, 0, INFO, "no document in this file; its header is used for the index"))
            else:
                report.warning(str(path), 0, 0, "no div[@type='document'] to render")
        tocs.append((path, toc))

    if not tocs:
        return report
    merged = _merge_tocs(tocs, report)
    toc_text = etree.tostring(merged, encoding="unicode")

    # Pass 2: the pages.
    written: set[str] = set()
    for path, _ in tocs:
        try:
            tree = xmlio.parse(path)
            # The index comes with the first input that renders (it is built from the merged table).
            with_index = "index.html" not in written
            result = sheet.transform(
                tree, {**params, "html-pass": "site", "html-toc": toc_text, "html-index": with_index}, str(path)
            )
            site = etree.fromstring(result.encode("utf-8"))
        except TeikitError as exc:
            report.error(exc.path or str(path), exc.line, exc.col, exc.message)
            continue
        for page in site.iterfind("page"):
            href = page.get("href", "")
            root = page.find("html")
            if not _SAFE_PAGE.match(href) or root is None:
                report.error(str(path), 0, 0, f"stylesheet produced an unusable page {href!r}")
                continue
            if href in written:
                continue  # a duplicate id, already reported by _merge_tocs
            target = out_dir / href
            xmlio.atomic_write(target, serialize_page(root))
            written.add(href)
            report.written.append(str(target))

    css_target = out_dir / Path(CSS).name
    css_source = resources.xslt(CSS)
    out_dir.mkdir(parents=True, exist_ok=True)
    xmlio.atomic_write(css_target, css_source.read_bytes())
    report.written.append(str(css_target))
    return report


def serialize_page(root: etree._Element) -> bytes:
    """An `<html>` element as an HTML5 file: doctype, UTF-8, void elements without end tags."""
    return lxml_html.tostring(root, doctype="<!DOCTYPE html>", encoding="utf-8", method="html") + b"\n"


def _merge_tocs(tocs: list[tuple[Path, etree._Element]], report: Report) -> etree._Element:
    """One table of contents: header metadata from the first input that has each value,
    then every document in input order. Two documents with the same page name are an error."""
    q = f"{{{TK_NS}}}"
    merged = etree.Element(q + "toc", nsmap={"tk": TK_NS})
    volume = etree.SubElement(merged, q + "volume")
    seen: dict[str, Path] = {}
    for path, toc in tocs:
        for vol in toc.iterfind(q + "volume"):
            for name, value in vol.attrib.items():
                if value and not volume.get(name):
                    volume.set(name, value)
        for doc in toc.iterfind(q + "doc"):
            href = doc.get("href", "")
            if href in seen:
                report.error(
                    str(path), 0, 0,
                    f"document {doc.get('id')!r} would overwrite {href} from {seen[href]}; "
                    "document ids must be unique across the inputs of one edition",
                )
                continue
            seen[href] = path
            merged.append(doc)
    return merged

