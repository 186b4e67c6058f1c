"""The print-edition benchmark: the 1,000-document volume to one PDF, timed.

    python benchmarks/pdf_bench.py [-n 1000] [--dialect frus|teikit|files] [--runs 3] [--parts N] [-o build/bench]

Builds the benchmark volume with benchmarks/corpus.py when it is missing, then renders it
`--runs` times, each in a fresh process (`teikit.writers.pdf.render_pdf`, no teikit.toml: the
metadata come from the teiHeader), and prints for each run the wall time, the CPU time of all
its processes and the peak memory, then the median, the page count, the footnotes Typst set on another page than their call, and
the machine's load average before and after (the machine is shared: figures taken under load
are slower).

Peak memory is that of the whole process tree: the rendering process and the Typst processes
it starts for the parts of a long volume, their resident sets summed, sampled every 50 ms
(2 ms a sample).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import pikepdf

REPO = Path(__file__).resolve().parent.parent

# Run in the child: render, then print pages and misplaced footnotes on one line.
CHILD = r"""
import sys, time
from pathlib import Path
from teikit.config import Config
from teikit.writers.pdf import render_pdf
parts, out = sys.argv[1], Path(sys.argv[-1])
inputs = [Path(p) for p in sys.argv[2:-1]]
t = time.perf_counter()
report = render_pdf(inputs, out, Config(root=out.parent), parts=int(parts) if parts else None)
elapsed = time.perf_counter() - t
misplaced = [d for d in report.warnings if "footnote" in d.message]
for d in report.diagnostics:
    print(d.format(), file=sys.stderr)
print(elapsed, len(misplaced), int(report.ok))
"""


_PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


def _tree_rss_kb(pid: int) -> int:
    """Resident memory of a process and all its descendants, in kB, from /proc/N/stat (one
    line per process: reading /proc/N/status took 4 ms a sample, a fifth of a core at 20 ms)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as stat:
                line = stat.read()
        except OSError:
            continue
        fields = line[line.rindex(b")") + 2:].split()      # from field 3 (state) on
        children.setdefault(int(fields[1]), []).append(int(entry))
        rss[int(entry)] = int(fields[21]) * _PAGE_KB
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        total += rss.get(p, 0)
        todo += children.get(p, [])
    return total


class PeakMemory(threading.Thread):
    """Samples a process tree's resident memory until the process ends; .peak_kb."""

    def __init__(self, proc: subprocess.Popen):
        super().__init__(daemon=True)
        self.proc, self.peak_kb = proc, 0

    def run(self):
        while self.proc.poll() is None:
            self.peak_kb = max(self.peak_kb, _tree_rss_kb(self.proc.pid))
            time.sleep(0.05)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--documents", type=int, default=1000)
    parser.add_argument("--dialect", choices=["frus", "teikit", "files"], default="frus",
                        help="frus-volume.xml (one FRUS-dialect TEI), volume.xml (teikit TEI) or files/ (N files)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--parts", type=int, default=None,
                        help="typeset the volume in this many parts (default: teikit's choice for the machine)")
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
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-c", CHILD, str(args.parts or ""), str(source), str(pdf)], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        sampler = PeakMemory(proc)
        sampler.start()
        stdout, stderr = proc.communicate()
        wall = time.perf_counter() - t
        sampler.join()
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
        if proc.returncode != 0:
            print(stderr, file=sys.stderr)
            return 1
        render_s, misplaced, ok = stdout.split()
        pages = len(pikepdf.open(pdf).pages)
        peak_mb = sampler.peak_kb / 1024
        walls.append(wall)
        rss.append(peak_mb)
        print(f"run {run}: {wall:.1f} s wall (render_pdf {float(render_s):.1f} s, {cpu:.1f} CPU-s), peak memory of the process tree "
              f"{peak_mb:,.0f} MB, {pages} pages, footnotes off their call's page: {misplaced}, ok={ok}")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"median {statistics.median(walls):.1f} s wall, peak memory {max(rss):,.0f} MB "
          f"({args.documents} documents, {args.dialect}, {pdf})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
