"""How long the 1,000-document benchmark volume takes to become a full web edition.

    python benchmarks/html_bench.py [-n 1000] [--runs 3] [--jobs N] [-o build/bench-html]

Builds the benchmark volume (benchmarks/corpus.py: the FRUS publisher's dialect, one TEI, N
documents; and teikit's TEI of the same documents when build/bench/volume.xml exists), then runs
`teikit render --to html` on it in a fresh process per run, as a user would, and reports the
median wall time of the whole process (Python start, stylesheet compile, parse, transform, pages,
search index). The load average is printed beside it: on a shared machine other processes count.
The target (issue 5) is ≤ 5 s for 1,000 documents on a 2-core machine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))


def run_once(volume: Path, out: Path, jobs: int | None) -> float:
    if out.exists():
        shutil.rmtree(out)
    code = ("import sys; from pathlib import Path; from teikit.config import Config; "
            "from teikit.writers.html import render_html; "
            f"r = render_html([Path({str(volume)!r})], Path({str(out)!r}), Config(root=Path({str(out.parent)!r})), "
            f"jobs={jobs!r}); sys.exit(0 if r.ok else 1)")
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, env={**os.environ, "PYTHONPATH": str(REPO / "src")})
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--documents", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=None, help="processes (default: teikit's own choice)")
    parser.add_argument("-o", "--output", type=Path, default=REPO / "build" / "bench-html")
    args = parser.parse_args(argv)
    import corpus

    args.output.mkdir(parents=True, exist_ok=True)
    volume = args.output / f"frus-volume-{args.documents}.xml"
    if not volume.exists():
        corpus.frus_volume(args.documents).write(str(volume), encoding="UTF-8", xml_declaration=True)
    inputs = [("FRUS dialect", volume)]
    teikit_volume = REPO / "build" / "bench" / "volume.xml"
    if args.documents == 1000 and teikit_volume.exists():
        inputs.append(("teikit TEI", teikit_volume))
    for label, path in inputs:
        times = []
        for _ in range(args.runs):
            times.append(run_once(path, args.output / "site", args.jobs))
        pages = len(list((args.output / "site").glob("*.html")))
        print(f"{label}: {path.stat().st_size / 1e6:.1f} MB TEI → {pages} pages + search index: "
              f"median {statistics.median(times):.2f} s (runs {', '.join(f'{t:.2f}' for t in times)}; "
              f"load average {os.getloadavg()[0]:.2f}, {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
