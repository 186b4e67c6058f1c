"""A long volume typeset in parts, each by a Typst process of its own, then merged.

One Typst run holds the layout of every page at once: a 1,800-page volume took 2.2 GB. So
`xslt/pdf/typst.xsl` cuts the markup into pieces, each opening with a marker line (a
comment: one Typst run over all the pieces still works):

    preamble  // tk-front  title page, contents
              // tk-part D P  a body part (D documents and P page breaks before it)  …
              // tk-back D P  index of persons

Every part starts on a right-hand page, so its pages keep their parity wherever it lands.
The work, in order:

1. the body parts, as the stylesheet writes them, each in a fresh process (`typst_run`), as
   many at a time as there are cores; each reports its page count and where its footnotes,
   link targets, bookmarks and index marks landed (the probe of `typst_run`). The merge
   process (`pdf_merge`) joins the parts done so far while the others are typeset;
2. the printed page numbers follow from the parts' page counts (a part with an odd number
   of pages is followed by a blank verso);
3. the front matter (its contents now know every page number) and the index; a stamp of
   the body's page numbers (a part could not know them while it was typeset) was made first,
   while one core waited for the stylesheet;
4. `pdf_merge.Book` puts the front matter and the index around the body, stamps the page
   numbers, resolves links between parts, and rebuilds bookmarks, tags and page labels.
"""

from __future__ import annotations

import json
import os
import queue
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from . import pdf_merge, typst_run
from .typst_run import TypstFailure

_MARK = re.compile(r"\n// tk-(front|part|back)(?: (\d+) (\d+))?(?=\n)")

# Characters of text per part: about 250 FRUS documents, 450 pages, 600 MB of Typst memory.
# pdf.part_starts() spreads a longer volume evenly over a multiple of the cores.
MAX_PART_CHARS = 2_400_000


@dataclass
class Piece:
    """A stretch of the markup that opens with a marker line."""
    kind: str                  # "front", "part" or "back"
    text: str
    docs_before: int = 0
    pbs_before: int = 0

    @classmethod
    def of(cls, text: str) -> "Piece":
        mark = _MARK.search(text)
        return cls(mark.group(1), text, int(mark.group(2) or 0), int(mark.group(3) or 0))


@dataclass
class TypesetPiece:
    """One piece typeset: its PDF file (kept until the merge is done), Typst's warnings, the
    probe's answer (its page count among them)."""
    pdf: Path
    warnings: list[str] = field(default_factory=list)
    probe: dict = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return self.probe["pages"]


def has_parts(source: str) -> bool:
    """True when the markup holds more than one body part."""
    return sum(1 for m in _MARK.finditer(source) if m.group(1) == "part") > 1


def split(source: str) -> tuple[str, list[Piece]]:
    """The preamble and the pieces of the whole markup, in order."""
    marks = list(_MARK.finditer(source))
    starts = [m.start() for m in marks] + [len(source)]
    return source[:starts[0]], [Piece.of(source[a:b]) for a, b in zip(starts, starts[1:])]


class _Processes:
    """Typst runs in fresh processes (see typst_run), at most `slots` at a time, in the order
    they were queued."""

    def __init__(self, slots: int):
        self.slots = slots
        self.queued: list[tuple[object, Path]] = []
        self.running: dict[object, tuple[subprocess.Popen, Path, bool]] = {}   # … in a slot
        self.done: dict[object, TypesetPiece] = {}
        self.tmp = Path(tempfile.mkdtemp(prefix="teikit-parts-"))
        self.jobs = 0

    def queue(self, key, source: str, inputs: dict[str, str], now: bool = False) -> None:
        """Run when a slot is free; `now`: at once, beside the slots (a short run that must not
        hold up a part: nothing starts queued runs while the stylesheet writes a piece)."""
        self.jobs += 1
        folder = self.tmp / str(self.jobs)
        folder.mkdir()
        (folder / "job.json").write_text(json.dumps({"source": source, "inputs": inputs}), encoding="utf-8")
        if now:
            self._start(key, folder, in_slot=False)
        else:
            self.queued.append((key, folder))
        self.poll()

    def _start(self, key, folder: Path, in_slot: bool) -> None:
        # One Typst alone lays out on every core (rayon); side by side, each keeps to its share:
        # 2 cores, 2 parts, one thread each was 1-2 s faster on the benchmark volume.
        threads = str(max(1, (os.cpu_count() or 1) // self.slots))
        env = {**os.environ, "RAYON_NUM_THREADS": os.environ.get("RAYON_NUM_THREADS") or threads}
        with open(folder / "stderr.txt", "wb") as stderr:      # a file: a full pipe would stall the child
            proc = subprocess.Popen([sys.executable, typst_run.__file__, str(folder)],
                                    stdout=subprocess.DEVNULL, stderr=stderr, env=env)
        self.running[key] = (proc, folder, in_slot)

    def poll(self) -> None:
        """Collect finished runs; start queued ones in free slots."""
        for key, (proc, folder, _) in list(self.running.items()):
            if proc.poll() is not None:
                del self.running[key]
                self.done[key] = _result(proc, folder)
        while self.queued and sum(in_slot for _, _, in_slot in self.running.values()) < self.slots:
            self._start(*self.queued.pop(0), in_slot=True)

    def wait(self, keys) -> None:
        """Until all `keys` are done."""
        while not all(k in self.done for k in keys):
            time.sleep(0.01)
            self.poll()

    def close(self) -> None:
        for proc, _, _ in self.running.values():
            proc.kill()
            proc.wait()
        shutil.rmtree(self.tmp, ignore_errors=True)


def _result(proc: subprocess.Popen, folder: Path) -> TypesetPiece:
    result_file = folder / "result.json"
    if not result_file.exists():
        stderr = (folder / "stderr.txt").read_text(encoding="utf-8", errors="replace")
        raise TypstFailure(f"Typst process failed (exit {proc.returncode}): {stderr.strip()[-2000:]}")
    result = json.loads(result_file.read_text(encoding="utf-8"))
    if "error" in result:
        raise TypstFailure(result["error"])
    return TypesetPiece(folder / "out.pdf", result["warnings"], result["probe"])


def _inputs(piece: Piece, kind: str, **data) -> dict[str, str]:
    inputs = {"tk-part": kind, "tk-docs-before": str(piece.docs_before), "tk-pbs-before": str(piece.pbs_before)}
    inputs.update({key: json.dumps(value) for key, value in data.items()})
    return inputs


def typeset_parts(source: str, jobs: int | None = None, pages_hint: int | None = None):
    """Typeset whole markup that holds parts; returns a `pdf.Typeset`."""
    preamble, pieces = split(source)
    return typeset_pieces(preamble, pieces, jobs, pages_hint or stamp_pages(len(source)))


def typeset_pieces(preamble: str, pieces: Iterable[Piece], jobs: int | None = None, pages_hint: int = 100,
                   progress=None, parts: int = 0):
    """Typeset the pieces as they come (an iterator may still be writing the later ones) and
    merge; returns a `pdf.Typeset`. `pages_hint`: more pages than the volume will have, for
    the stamp of page numbers made first (while one core waits for the stylesheet).
    `progress(done, total)`: called as each of the `parts` body parts is joined, and once more
    when the PDF is whole."""
    reported = [0]

    def step(done: int) -> None:
        while progress is not None and parts and reported[0] < done:
            reported[0] += 1
            progress(reported[0], parts + 1)

    from .pdf import Typeset as Result, footnotes

    processes = _Processes(max(1, jobs or os.cpu_count() or 1))
    merger = _Merger(processes.tmp)
    body: list[TypesetPiece] = []                        # the parts handed to the merge, in order
    front = back = None
    queued = 0
    stamp_pages = 0
    lines = preamble.count("\n")

    def forward() -> None:
        """Hand the merge the stamp and the parts finished so far, in order."""
        nonlocal stamp_pages
        processes.poll()
        if not stamp_pages and "numbers" in processes.done:
            merger.send(stamp=str(processes.done["numbers"].pdf))
            stamp_pages = processes.done["numbers"].pages
        while ("part", len(body)) in processes.done:
            body.append(processes.done[("part", len(body))])
            merger.send(part=str(body[-1].pdf), probe=body[-1].probe)
        step(merger.joined())

    processes.queue("numbers", preamble + _number_pages(pages_hint), {"tk-part": "numbers"}, now=True)
    try:
        for piece in pieces:
            # Blank lines before the piece: Typst's line numbers are those of the whole markup.
            text = preamble + "\n" * (lines - preamble.count("\n")) + piece.text
            lines += piece.text.count("\n")
            if piece.kind == "part":
                processes.queue(("part", queued), text, _inputs(piece, "body"))
                queued += 1
            elif piece.kind == "front":
                front = (piece, text)
            else:
                back = (piece, text)
            forward()
        while len(body) < queued:
            time.sleep(0.01)
            forward()
        # Every page number is known now: the front matter and the index are typeset while the
        # merge joins the last parts.
        layout = pdf_merge.Layout.of_body([p.pages for p in body], [p.probe for p in body])
        anchors = layout.anchors(has_back=back is not None)
        processes.queue("front", front[1], _inputs(front[0], "front", **{"tk-anchors": anchors}))
        if back:
            processes.queue("back", back[1], _inputs(back[0], "back", **{"tk-marks": layout.marks()}))
        while not all(k in processes.done for k in ["front", "numbers", *(["back"] if back else [])]):
            time.sleep(0.01)
            forward()
        back_pdf = processes.done.get("back")
        needed = layout.body_pages + (back_pdf.pages if back_pdf else 0)
        if stamp_pages < needed:                       # the hint was short: a stamp for all
            processes.queue("more numbers", preamble + _number_pages(needed), {"tk-part": "numbers"})
            processes.wait(["more numbers"])
            merger.send(stamp=str(processes.done["more numbers"].pdf))
        out = processes.tmp / "merged.pdf"
        front_pages = merger.finish(front=str(processes.done["front"].pdf), back=back_pdf and str(back_pdf.pdf),
                                    back_probe=back_pdf and back_pdf.probe, out_path=str(out))
        merged = pdf_merge.Merged(front_pages, layout)
        pdf = out.read_bytes()
    finally:
        merger.close()
        processes.close()
    step(parts + 1)
    warnings = [w for piece in [processes.done["front"], *body, *([back_pdf] if back_pdf else [])]
                for w in piece.warnings]
    notes = []
    for index, part in enumerate(body):
        notes += footnotes(part.probe, lambda page, index=index: merged.page_number(index, page))
    return Result(pdf, warnings, notes)


class _Merger:
    """The merge process (`python -m teikit.writers.pdf_merge`, see pdf_merge.serve): told of
    each piece as it is ready, it answers as each body part is joined and when the PDF is written."""

    def __init__(self, folder: Path):
        self.stderr_path = folder / "merge-stderr.txt"
        package_root = str(Path(__file__).resolve().parents[2])
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [package_root, os.environ.get("PYTHONPATH")]))}
        with open(self.stderr_path, "wb") as stderr:
            self.proc = subprocess.Popen([sys.executable, "-m", "teikit.writers.pdf_merge"], env=env, text=True,
                                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr)
        self.answers: queue.Queue = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.parts_joined = 0
        self.done = False

    def _read(self) -> None:
        with self.proc.stdout:
            for line in self.proc.stdout:
                self.answers.put(json.loads(line))
        self.answers.put(None)                          # the process ended

    def send(self, **command) -> None:
        try:
            self.proc.stdin.write(json.dumps(command) + "\n")
            self.proc.stdin.flush()
        except BrokenPipeError:
            self._failed()

    def _answer(self, block: bool):
        answer = self.answers.get(block)
        if answer is None:
            self._failed()
        self.parts_joined = answer.get("joined", self.parts_joined)
        return answer

    def joined(self) -> int:
        """How many body parts are joined so far."""
        while not self.answers.empty():
            self._answer(block=False)
        return self.parts_joined

    def finish(self, **pieces) -> int:
        """Write the whole PDF; the number of front-matter pages before the body."""
        self.send(finish=pieces)
        while "front_pages" not in (answer := self._answer(block=True)):
            pass
        self.done = True
        return answer["front_pages"]

    def _failed(self):
        self.proc.wait()
        stderr = self.stderr_path.read_text(encoding="utf-8", errors="replace").strip()
        raise TypstFailure(f"merging the typeset parts failed (exit {self.proc.returncode}): {stderr[-2000:]}")

    def close(self) -> None:
        try:
            self.proc.stdin.close()
        except BrokenPipeError:
            pass
        if self.done:
            # The PDF is written; the process is ending (giving back its memory took 0.4 s).
            threading.Thread(target=self.proc.wait, daemon=True).start()
            return
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()


def stamp_pages(chars: int) -> int:
    """More pages than `chars` characters of the documents' text (or of markup) will fill: a
    page of the benchmark volume holds 3,500 (teikit TEI) to 5,100 (FRUS TEI, more whitespace)
    of them. Too few costs a second stamp at the end (half a second), too many little."""
    return chars // 3000 + 100


def _number_pages(count: int) -> str:
    """The stamp of page numbers: `count` pages with nothing but the header's number."""
    return f"\n#number-pages({count})\n"
