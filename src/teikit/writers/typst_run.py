"""One Typst run: markup in, PDF and the probe's answer out.

Kept apart, and light (it imports only `typst`), because the parts of a long volume are each
typeset by a fresh Python process running this file (`python typst_run.py FOLDER`): a
process of its own gives each part all of its memory back when it ends (Typst keeps its
layout caches for the life of the process) and needs no `if __name__ == "__main__"` guard in
the caller's script, as multiprocessing would. Typst reads only the generated `.typ`, in an
empty temporary folder, with its bundled fonts (no system fonts: the output is the same on
every machine).
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
from pathlib import Path

_TYPST_NAME = "edition.typ"

# Appended to every source: its page count, and where each footnote call and note text, each
# label a link may point at (tk-anchor-names), each bookmark and each index mark landed
# (page, x, y in pt).
PROBE = """
#let tk-where(loc) = { let p = loc.position(); (p.page, p.x.pt(), p.y.pt()) }
#context [#metadata((
  pages: counter(page).final().first(),
  calls: query(<tk-fn-call>).map(m => (m.value, m.location().page())),
  texts: query(<tk-fn-text>).map(m => (m.value, m.location().page())),
  anchors: tk-anchor-names.map(a => (a, query(label(a)))).filter(((a, q)) => q.len() > 0)
    .map(((a, q)) => (a, ..tk-where(q.first().location()))),
  headings: query(heading).filter(h => h.bookmarked == true)
    .map(h => (h.level, if h.body.has("text") { h.body.text } else { "" }, ..tk-where(h.location()))),
  marks: query(<tk-i>).map(m => (m.value, ..tk-where(m.location()))),
)) <tk-probe>]
"""


class TypstFailure(Exception):
    """Typst refused the markup: the message says where (line and column of the markup)."""


def run(source: str, sys_inputs: dict[str, str] | None = None, probe: bool = True) -> tuple[bytes, list[str], dict]:
    """Compile markup to PDF; returns the PDF, Typst's warnings and the probe's answer (empty
    when `probe` is false). Raises TypstFailure."""
    import typst

    with tempfile.TemporaryDirectory(prefix="teikit-pdf-") as tmp:
        typ = Path(tmp) / _TYPST_NAME
        typ.write_text(source + (PROBE if probe else ""), encoding="utf-8")
        try:
            compiler = typst.Compiler(str(typ), root=tmp, ignore_system_fonts=True, font_paths=[],
                                      sys_inputs=sys_inputs or {})
            pdf, warnings = compiler.compile_with_warnings(format="pdf")
            answer = compiler.query("<tk-probe>", field="value", one=True) if probe else {}
        except typst.TypstError as exc:
            raise TypstFailure(message(exc)) from None
    answer = json.loads(answer) if isinstance(answer, str) else answer
    return pdf, [message(w) for w in warnings or ()], answer


def message(exc) -> str:
    """A Typst error or warning as one line: message, place in the generated markup, hints."""
    text = f"Typst: {getattr(exc, 'message', None) or exc}"
    diagnostic = getattr(exc, "diagnostic", "") or ""
    where = re.search(r"┌─ .*?:(\d+):(\d+)", diagnostic)
    if where:
        text += f" (line {where.group(1)}, column {where.group(2)} of the generated Typst; keep it with keep_typst)"
    hints = [h for h in (getattr(exc, "hints", None) or []) if h]
    if hints:
        text += "; hint: " + "; hint: ".join(hints)
    return text


def run_in_folder(folder: Path) -> int:
    """The worker's side: folder/job.json (source, inputs) → folder/out.pdf + folder/result.json."""
    job = json.loads((folder / "job.json").read_text(encoding="utf-8"))
    try:
        pdf, warnings, probe = run(job["source"], job["inputs"])
    except TypstFailure as exc:
        (folder / "result.json").write_text(json.dumps({"error": str(exc)}), encoding="utf-8")
        return 1
    (folder / "out.pdf").write_bytes(pdf)
    (folder / "result.json").write_text(json.dumps({"warnings": warnings, "probe": probe}), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(run_in_folder(Path(sys.argv[1])))
