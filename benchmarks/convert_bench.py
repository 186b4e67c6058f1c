"""Converter speed and memory on the benchmark volume (issue 3's target: ≤ 1 s per MB of
text on one core, peak memory ≤ 10× the input size).

    python benchmarks/corpus.py            # once: writes build/bench/volume.txt
    python benchmarks/convert_bench.py [build/bench/volume.txt] [--runs 3]

Each run is a fresh process (imports done before the clock starts); memory is the growth of
the process's peak resident set during the conversion, so lxml's C allocations count too.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

CHILD = r"""
import json, resource, sys, time
from pathlib import Path
from teikit import config
from teikit.convert import convert_text, read_source
source = Path(sys.argv[1])
cfg = config.load(sys.argv[2])
text, raw = read_source(source)
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
conversion = convert_text(text, source=source.name, config=cfg, out_path=source.with_suffix(".xml"), source_bytes=raw)
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": seconds, "rss_growth_kb": peak - before, "bytes": len(raw),
                  "documents": conversion.data.count(b'type="document"'),
                  "warnings": len(conversion.report.warnings)}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", nargs="?", type=Path, default=REPO / "build" / "bench" / "volume.txt")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if not args.source.is_file():
        sys.exit(f"{args.source} is missing: run python benchmarks/corpus.py first")
    results = []
    for _ in range(args.runs):
        out = subprocess.run([sys.executable, "-c", CHILD, str(args.source), str(REPO)],
                             capture_output=True, text=True, check=True, env={"PYTHONPATH": str(REPO / "src"), "PATH": ""})
        results.append(json.loads(out.stdout))
    mb = results[0]["bytes"] / 1e6
    seconds = statistics.median(r["seconds"] for r in results)
    growth_mb = statistics.median(r["rss_growth_kb"] for r in results) / 1024
    print(f"input: {mb:.2f} MB, {results[0]['documents']} documents, {results[0]['warnings']} warnings")
    print(f"convert: {seconds:.2f} s median of {args.runs} = {seconds / mb:.2f} s per MB (target ≤ 1.00)")
    print(f"peak memory growth: {growth_mb:.0f} MB = {growth_mb / mb:.1f}× the input (target ≤ 10×)")


if __name__ == "__main__":
    main()
