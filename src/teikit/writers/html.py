"""TEI → a static HTML5 web edition: one page per document, an index, an about page, a persons
and terms page, a search page with its index, one CSS and one JavaScript file.

The stylesheet `xslt/html/edition.xsl` does the work, in one transform over the whole edition:
every input is parsed safely (lxml, no DTD, no entities), the inputs are wrapped in input order as
`<tk:edition><tk:input n="1">…</tk:input>…</tk:edition>` and transformed once, so that the table
of contents, prev/next and the persons index span every file and the stylesheet is compiled and
run once per run. This module then serialises each page as HTML5, writes it and builds the
offline search index (`search/`, read by `edition.js`) from the text of the pages.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree
from lxml import html as lxml_html

from .. import resources, xmlio
from ..config import Config
from ..errors import RenderError, TeikitError
from ..report import INFO, Diagnostic, Report
from ..xslt import edition_params, stylesheet

STYLESHEET = "html/edition.xsl"
ASSETS = ("html/edition.css", "html/edition.js")
TK_NS = "urn:teikit"
TEI_NS = "http://www.tei-c.org/ns/1.0"
SEARCH_DIR = "search"
_SAFE_PAGE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*\.html$")
_WORD = re.compile(r"[^\W_]+")
_NON_WORD = re.compile(r"\W+")


# Editions with at least this many documents are rendered by two processes (the stylesheet
# holds the GIL, so threads would not help); smaller ones in this process.
PARALLEL_FROM = 200


def render_html(tei_paths: list[Path], out_dir: Path, config: Config, *, jobs: int | None = None) -> Report:
    """Render TEI files (single documents, volumes or a mix) as one web edition in `out_dir`.

    Writes one page per `div[@type='document']` (named after its xml:id), `index.html` listing
    every document of every input in input order, `about.html`, `persons.html` (when persons or
    terms carry identifiers), `search.html` with its index in `search/`, `edition.css` and
    `edition.js`. Problems are reported, not raised: an input that cannot be read is an error and
    the others go on. `jobs`: processes for a large edition (default: 2 where there are 2 cores).
    """
    report = Report()
    out_dir = Path(out_dir)
    paths = [Path(p) for p in tei_paths]
    edition, inputs, count = _load(paths, report)
    if not inputs:
        return report
    if jobs is None:
        jobs = min(2, os.cpu_count() or 1)
    jobs = max(1, min(jobs, count // (PARALLEL_FROM // 2) or 1))
    params = edition_params(config)
    out_dir.mkdir(parents=True, exist_ok=True)
    # Parts 2…n in child processes (started first, so they parse while this one renders), part 1
    # and the other pages here.
    ranges = _split(count, jobs)
    children = [_start_part(paths, out_dir, params, r) for r in ranges[1:]]
    try:
        parts = [_render_part(edition, inputs, out_dir, params, ranges[0])]
        del edition
        parts.extend(_finish_part(child, k) for k, child in enumerate(children, start=2))
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
                child.wait()

    docs: list[list[str]] = []
    postings: dict[str, list[int]] = defaultdict(list)
    for part in parts:
        report.extend(part.diagnostics)
        report.written.extend(part.written)
        offset = len(docs)
        docs.extend(part.docs)
        for term, found in part.postings.items():
            postings[term].extend(i + offset for i in found)
    for asset in ASSETS:
        target = out_dir / Path(asset).name
        _write(target, resources.xslt(asset).read_bytes())
        report.written.append(str(target))
    report.written.extend(write_search_index(docs, postings, out_dir / SEARCH_DIR))
    return report


def _load(paths: list[Path], report: Report) -> tuple[etree._Element, dict[str, str], int]:
    """Parse the inputs safely and wrap them, in input order, as the stylesheet expects:
    `<tk:edition><tk:input n="1">…</tk:input>…</tk:edition>`. Returns the wrapper, input number →
    path, and the number of documents."""
    # TEI as the wrapper's default namespace: the inputs' own declarations become redundant and
    # are serialised once, not once per file.
    edition = etree.Element(f"{{{TK_NS}}}edition", nsmap={None: TEI_NS, "tk": TK_NS})
    inputs: dict[str, str] = {}
    full_header = False
    count = 0
    for number, path in enumerate(paths, start=1):
        report.files += 1
        try:
            root = xmlio.parse(path).getroot()
        except TeikitError as exc:
            report.error(exc.path or str(path), exc.line, exc.col, exc.message)
            continue
        if root.tag == f"{{{TEI_NS}}}div" and root.get("type") == "document":
            docs = 1 + sum(1 for _ in root.iterfind(f".//{{{TEI_NS}}}div[@type='document']"))
        else:
            docs = sum(1 for _ in root.iterfind(f".//{{{TEI_NS}}}div[@type='document']"))
        count += docs
        if not docs:
            if root.find(f".//{{{TEI_NS}}}teiHeader") is not None:
                report.add(Diagnostic(str(path), 0, 0, INFO, "no document in this file; its header is used for the index"))
            else:
                report.warning(str(path), 0, 0, "no div[@type='document'] to render")
        header = root.find(f"{{{TEI_NS}}}teiHeader")
        if header is not None:
            if full_header:
                _trim_header(header)
            full_header = True
        wrapper = etree.SubElement(edition, f"{{{TK_NS}}}input", n=str(number))
        wrapper.append(root)
        inputs[str(number)] = str(path)
    return edition, inputs, count


@dataclass
class _Part:
    """What one part of the rendering hands back: its diagnostics and files, and for the search
    index its documents ([href, label, date]) and their words (word → positions in `docs`)."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    docs: list[list[str]] = field(default_factory=list)
    postings: dict[str, list[int]] = field(default_factory=dict)


def _split(count: int, jobs: int) -> list[tuple[int, int]]:
    """Document positions (first, last) of each part. The first part, rendered by this process,
    also renders the index, about, persons and search pages and merges the search index, and the
    others start a process and parse the inputs again: it takes a smaller share of the documents."""
    if jobs == 1:
        return [(1, max(count, 1))]
    first = int(count * 0.8 / jobs)
    rest = count - first
    bounds = [(1, first)]
    for k in range(jobs - 1):
        start = first + 1 + (rest * k) // (jobs - 1)
        end = first + (rest * (k + 1)) // (jobs - 1)
        bounds.append((start, end))
    return bounds


def _start_part(paths: list[Path], out_dir: Path, params: dict, positions: tuple[int, int]) -> subprocess.Popen:
    """`python -m teikit.writers.html` renders one part in a child process (a process of its own,
    not multiprocessing: nothing of the caller's __main__ is re-imported, no Saxon state forked)."""
    job = {"paths": [str(p) for p in paths], "out_dir": str(out_dir), "params": params, "positions": list(positions)}
    child = subprocess.Popen([sys.executable, "-m", "teikit.writers.html"], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert child.stdin is not None
    child.stdin.write(json.dumps(job).encode("utf-8"))
    child.stdin.close()
    return child


def _finish_part(child: subprocess.Popen, part: int) -> _Part:
    out = child.stdout.read() if child.stdout else b""
    err = child.stderr.read() if child.stderr else b""
    child.wait()
    if child.returncode != 0:
        message = err.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no message"]
        raise RenderError(f"rendering part {part} of the HTML edition failed: {message[0]}", "", 0, 0)
    data = json.loads(out)
    return _Part([Diagnostic(*d) for d in data["diagnostics"]], data["written"], data["docs"], data["postings"])


def _worker() -> None:
    """The child process of `_start_part`: a job as JSON on stdin, the part as JSON on stdout."""
    job = json.loads(sys.stdin.buffer.read())
    edition, inputs, _ = _load([Path(p) for p in job["paths"]], Report())
    part = _render_part(edition, inputs, Path(job["out_dir"]), job["params"], tuple(job["positions"]))
    sys.stdout.write(json.dumps({
        "diagnostics": [[d.path, d.line, d.col, d.severity, d.message] for d in part.diagnostics],
        "written": part.written, "docs": part.docs, "postings": part.postings,
    }, ensure_ascii=False))


def _render_part(edition: etree._Element, inputs: dict[str, str], out_dir: Path, params: dict,
                 positions: tuple[int, int]) -> _Part:
    """Transform the edition (the stylesheet is compiled once per process), write the pages of the
    documents at `positions` (first, last; the first part also the other pages), and collect the
    words of its documents."""
    result = _Part()
    report = Report()
    first = next(iter(inputs.values()))
    sheet = stylesheet(resources.xslt(STYLESHEET))
    try:
        output = sheet.transform(edition, {**params, "html-from": positions[0], "html-to": positions[1],
                                           "html-first-part": positions[0] == 1}, first)
        site = etree.fromstring(output.encode("utf-8"))
    except TeikitError as exc:
        report.error(exc.path or first, exc.line, exc.col, exc.message)
        result.diagnostics = report.diagnostics
        return result

    for problem in site.iterfind("problem"):
        report.error(inputs.get(problem.get("input", ""), first), 0, 0, problem.get("message", ""))
    postings: dict[str, list[int]] = defaultdict(list)
    for page in site.iterfind("page"):
        href = page.get("href", "")
        root = page.find("html")
        if not _SAFE_PAGE.match(href) or root is None:
            report.error(first, 0, 0, f"stylesheet produced an unusable page {href!r}")
            continue
        _write(out_dir / href, serialize_page(root))
        result.written.append(str(out_dir / href))
        article = root.find("body/main/article")
        if article is not None:
            number, title = article.get("data-n", ""), article.get("data-title", "")
            index = len(result.docs)
            result.docs.append([href, f"{number}. {title}" if number else title or href, article.get("data-date", "")])
            for term in search_terms(" ".join(article.itertext())):
                postings[term].append(index)
    result.postings = dict(postings)
    result.diagnostics = report.diagnostics
    return result


def _trim_header(header: etree._Element) -> None:
    """Keep of a header only what the edition's title page reads (titleStmt, publicationStmt):
    the about page shows the first header in full, and a folder of files cut from one volume
    repeats the volume's header (with every document's source) in each file."""
    file_desc = header.find(f"{{{TEI_NS}}}fileDesc")
    for child in list(header):
        if child is not file_desc:
            header.remove(child)
    if file_desc is not None:
        for child in list(file_desc):
            if child.tag not in (f"{{{TEI_NS}}}titleStmt", f"{{{TEI_NS}}}publicationStmt"):
                file_desc.remove(child)


def serialize_page(root: etree._Element) -> bytes:
    """An `<html>` element as an HTML5 file: doctype, UTF-8, void elements without end tags."""
    return lxml_html.tostring(root, doctype="<!DOCTYPE html>", encoding="utf-8", method="html") + b"\n"


def _write(path: Path, data: bytes) -> None:
    """Atomic like xmlio.atomic_write (temporary file, then rename: never a half-written page) but
    without fsync: a site is rebuilt, not recovered, and a thousand fsyncs cost a second."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


# ---------- the search index ----------

def search_terms(text: str) -> set[str]:
    """The words of a text as the search matches them: lower-cased, accents removed, letters and
    digits only ("Shultz’s" → "shultz", "s"). edition.js folds the query the same way."""
    found = set(_NON_WORD.split(text.lower()))
    found.discard("")
    for word in [w for w in found if not (w.isascii() and w.isalnum())]:
        found.discard(word)
        decomposed = unicodedata.normalize("NFKD", word.replace("ß", "ss"))
        found.update(_WORD.findall("".join(c for c in decomposed if not unicodedata.combining(c))))
    return found


def shard_of(term: str) -> str:
    """The index file a word lives in: its first character, hex-encoded (UTF-8) so that any
    script makes a safe file name ("b" → "62")."""
    return term[:1].encode("utf-8").hex()


def write_search_index(docs: list[list[str]], postings: dict[str, list[int]], folder: Path) -> list[str]:
    """An inverted index of the documents' text, split by the first letter of each word so that
    a query loads only the files of its words:
      search/docs.json        {"docs": [[href, label, date], …], "shards": ["62", …]}
                              (label = number and title; shards = the t-XX files that exist)
      search/t-XX.json        {"word": [doc index, …], …}
    It is plain JSON read by edition.js over http(s); no server-side code, nothing fetched."""
    folder.mkdir(parents=True, exist_ok=True)
    shards: dict[str, dict[str, list[int]]] = defaultdict(dict)
    for term, found in postings.items():
        shards[shard_of(term)][term] = found
    written = []
    # Drop the index files of an earlier build: a word that is gone must not find a page.
    for old in folder.glob("t-*.json"):
        old.unlink()
    meta = {"docs": docs, "shards": sorted(shards)}
    _write(folder / "docs.json", json.dumps(meta, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    written.append(str(folder / "docs.json"))
    for shard, terms in shards.items():
        path = folder / f"t-{shard}.json"
        _write(path, json.dumps(terms, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
        written.append(str(path))
    return written


if __name__ == "__main__":
    _worker()
