"""A long volume typeset in parts, each by a Typst process of its own, then merged.

One Typst run holds the layout of every page at once: a 1,800-page volume took 2.2 GB and
used the second core only part of the time. `xslt/pdf/typst.xsl` marks where the markup may
be cut (comment lines, so one Typst run over the whole source still works):

    preamble  // tk-front  title page, contents
              // tk-part D P  body part (D documents and P page breaks before it)  …
              // tk-back D P  index of persons

Every part starts on a right-hand page, so its pages keep their parity wherever it lands.
The work, in order:

1. the body parts, in parallel (one process per core); each reports where its footnotes,
   link targets, bookmarks and index marks landed (the probe of `typst_run`);
2. the printed page numbers follow from the parts' page counts (a part with an odd number
   of pages is followed by a blank verso);
3. in parallel: the front matter (its contents now know every page number), the index, and
   a stamp of the body's page numbers (a part could not know them while it was typeset);
4. `pdf_merge` joins the PDFs, stamps the numbers, resolves links between parts and
   rebuilds bookmarks, the tag tree and page labels.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from . import pdf_merge, typst_run
from .typst_run import TypstFailure

_MARK = re.compile(r"^// tk-(front|part|back)(?: (\d+) (\d+))?$", re.M)

# A part is at most this many characters of text: about 250 FRUS documents, 450 pages,
# 600 MB of Typst memory. pdf.part_chars() spreads a volume evenly over the cores.
MAX_PART_CHARS = 2_400_000


@dataclass
class Piece:
    """A stretch of the markup between two marker lines."""
    kind: str                  # "front", "part" or "back"
    text: str                  # the markup, preceded by blank lines so line numbers match the whole source
    docs_before: int = 0
    pbs_before: int = 0


@dataclass
class Typeset:
    pdf: bytes
    pages: int
    warnings: list[str] = field(default_factory=list)
    probe: dict = field(default_factory=dict)


def has_parts(source: str) -> bool:
    """True when the markup holds more than one body part."""
    return sum(1 for m in _MARK.finditer(source) if m.group(1) == "part") > 1


def split(source: str) -> tuple[str, list[Piece]]:
    """The preamble and the pieces of the markup, in order."""
    marks = list(_MARK.finditer(source))
    preamble = source[:marks[0].start()]
    pieces = []
    for mark, following in zip(marks, marks[1:] + [None]):
        end = following.start() if following else len(source)
        lines_before = source.count("\n", len(preamble), mark.start())
        pieces.append(Piece(mark.group(1), "\n" * lines_before + source[mark.start():end],
                            int(mark.group(2) or 0), int(mark.group(3) or 0)))
    return preamble, pieces


def _typeset(job: tuple[str, dict[str, str]]) -> Typeset | str:
    """One piece, typeset by a fresh process (see typst_run); a Typst failure comes back as
    its message."""
    source, inputs = job
    with tempfile.TemporaryDirectory(prefix="teikit-part-") as tmp:
        folder = Path(tmp)
        (folder / "job.json").write_text(json.dumps({"source": source, "inputs": inputs}), encoding="utf-8")
        proc = subprocess.run([sys.executable, typst_run.__file__, str(folder)], capture_output=True, text=True)
        result_file = folder / "result.json"
        if not result_file.exists():
            return f"Typst process failed (exit {proc.returncode}): {proc.stderr.strip()[-2000:]}"
        result = json.loads(result_file.read_text(encoding="utf-8"))
        if "error" in result:
            return result["error"]
        pdf = (folder / "out.pdf").read_bytes()
    return Typeset(pdf, pdf_merge.page_count(pdf), result["warnings"], result["probe"])


def _inputs(piece: Piece, kind: str, **data) -> dict[str, str]:
    inputs = {"tk-part": kind, "tk-docs-before": str(piece.docs_before), "tk-pbs-before": str(piece.pbs_before)}
    inputs.update({key: json.dumps(value) for key, value in data.items()})
    return inputs


def typeset_parts(source: str, jobs: int | None = None):
    """Typeset marked-up markup part by part and merge; returns a `pdf.Typeset`."""
    from .pdf import Typeset as Result, footnotes

    preamble, pieces = split(source)
    front = next(p for p in pieces if p.kind == "front")
    body = [p for p in pieces if p.kind == "part"]
    back = next((p for p in pieces if p.kind == "back"), None)
    workers = max(1, min(jobs or os.cpu_count() or 1, len(body)))
    with ThreadPoolExecutor(max_workers=workers) as pool:      # each thread waits on a process
        parts = _done(pool.map(_typeset, [(preamble + p.text, _inputs(p, "body")) for p in body]))
        layout = pdf_merge.Layout.of_body([part.pages for part in parts], [part.probe for part in parts])
        anchors = layout.anchors(back_first_page=layout.body_pages + 1 if back else None)
        marks = layout.marks()
        later = [(preamble + front.text, _inputs(front, "front", **{"tk-anchors": anchors})),
                 (preamble + _number_pages(layout.body_pages + (_BACK_PAGES_GUESS if back else 0)),
                  {"tk-part": "numbers"})]
        if back:
            later.append((preamble + back.text, _inputs(back, "back", **{"tk-marks": marks})))
        front_pdf, numbers, *back_pdf = _done(pool.map(_typeset, later))
    back_pdf = back_pdf[0] if back_pdf else None
    if back_pdf and back_pdf.pages > _BACK_PAGES_GUESS:
        numbers = _done([_typeset((preamble + _number_pages(layout.body_pages + back_pdf.pages), {"tk-part": "numbers"}))])[0]
    merged = pdf_merge.merge(front_pdf, parts, back_pdf, numbers, layout)
    warnings = [w for piece in [front_pdf, *parts, *([back_pdf] if back_pdf else [])] for w in piece.warnings]
    notes = []
    for index, part in enumerate(parts):
        notes += footnotes(part.probe, lambda page, index=index: merged.page_number(index, page))
    return Result(merged.pdf, warnings, notes)


# The index of persons rarely runs past this many pages; the numbers stamp is made again if it does.
_BACK_PAGES_GUESS = 60


def _number_pages(count: int) -> str:
    """The stamp of page numbers: `count` pages with nothing but the header's number."""
    return f"\n#metadata(\"body\") <tk-body>\n#for _ in range({count - 1}) {{ pagebreak() }}\n"


def _done(results) -> list[Typeset]:
    results = list(results)
    for result in results:
        if isinstance(result, str):
            raise TypstFailure(result)
    return results
