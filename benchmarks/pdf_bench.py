"""The print-edition benchmark: the 1,000-document volume to one PDF, timed.

    python benchmarks/pdf_bench.py [-n 1000] [--dialect frus|teikit|files] [--runs 3] [-o build/bench]

Builds the benchmark volume with benchmarks/corpus.py when it is missing, then renders it
`--runs` times, each in a fresh process (`teikit.writers.pdf.render_pdf`, no teikit.toml: the
metadata come from the teiHeader), and prints for each run the wall time and the peak memory
(maximum resident set of the rendering process, which runs Typst in-process), then the median, the page count, the
footnotes Typst set on another page than their call, and the machine's load average
before and after (the machine is shared: figures taken under load are slower).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# Run in the child: render, then print pages and misplaced footnotes on one line.
CHILD = r"""
import resource, sys, time
from pathlib import Path
from teikit.config import Config
from teikit.writers.pdf import render_pdf
import pypdf
inputs, out = [Path(p) for p in sys.argv[1:-1]], Path(sys.argv[-1])
t = time.perf_counter()
report = render_pdf(inputs, out, Config(root=out.parent))
elapsed = time.perf_counter() - t
misplaced = [d for d in report.warnings if "footnote" in d.message]
for d in report.diagnostics:
    print(d.format(), file=sys.stderr)
peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss    # before pypdf reads the PDF back
print(elapsed, peak_kb, len(pypdf.PdfReader(out).pages), len(misplaced), int(report.ok))
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--documents", type=int, default=1000)
    parser.add_argument("--dialect", choices=["frus", "teikit", "files"], default="frus",
                        help="frus-volume.xml (one FRUS-dialect TEI), volume.xml (teikit TEI) or files/ (N files)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("-o", "--output", type=Path, default=REPO / "build" / "bench")
    args = parser.parse_args(argv)

    out: Path = args.output
    if not (out / "frus-volume.xml").exists() or not (out / "files" / f"d{args.documents}.xml").exists():
        subprocess.run([sys.executable, str(REPO / "benchmarks" / "corpus.py"), "-n", str(args.documents),
                        "-o", str(out)], check=True)
    source = {"frus": out / "frus-volume.xml", "teikit": out / "volume.xml", "files": out / "files"}[args.dialect]
    pdf = out / f"bench-{args.dialect}.pdf"
    env = dict(os.environ, PYTHONPATH=str(REPO / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""))

    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; cores: {os.cpu_count()}")
    walls, rss = [], []
    for run in range(1, args.runs + 1):
        t = time.perf_counter()
        proc = subprocess.run([sys.executable, "-c", CHILD, str(source), str(pdf)], env=env,
                              capture_output=True, text=True)
        wall = time.perf_counter() - t
        if proc.returncode != 0:
            print(proc.stderr, file=sys.stderr)
            return 1
        render_s, peak_kb, pages, misplaced, ok = proc.stdout.split()
        peak_mb = int(peak_kb) / 1024
        walls.append(wall)
        rss.append(peak_mb)
        print(f"run {run}: {wall:.1f} s wall (render_pdf {float(render_s):.1f} s), peak RSS "
              f"{peak_mb:,.0f} MB, {pages} pages, footnotes off their call's page: {misplaced}, ok={ok}")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"median {statistics.median(walls):.1f} s wall, peak RSS {max(rss):,.0f} MB "
          f"({args.documents} documents, {args.dialect}, {pdf})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
