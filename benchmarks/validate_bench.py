"""Benchmark: `teikit validate` against Jing + the same Schematron, end to end.

    python benchmarks/validate_bench.py [--bench build/bench] [--runs 1] [--jobs N]

Inputs (built by `python benchmarks/corpus.py -o build/bench` when missing):
  volume.xml     the 1,000-document volume in teikit's TEI (one file)
  docs/dN.xml    the same 1,000 documents as 1,000 files, written here from volume.xml:
                 the volume header with only the document's own source entry, and the
                 document (corpus.py's files/ repeat the whole 1,000-entry header in every
                 file, which makes each file 170 KB of header and 1,000 unresolved pointers)
Schemas: schemas/teikit.rng + schemas/teikit.sch.

teikit: one `teikit validate -s teikit.rng -s teikit.sch -f json` process per input (all
cores). Java: `jing teikit.rng …` (one JVM for all files) then the same Schematron, compiled
to XSLT by teikit.schematron, run by Saxon-HE/Java over the same files (one JVM,
`-s:folder`): the usual Java toolchain for RelaxNG + ISO Schematron. Both sides' verdicts
(valid / invalid per file) must be identical. Wall-clock times include process start-up.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lxml import etree

REPO = Path(__file__).resolve().parent.parent
TEI = "http://www.tei-c.org/ns/1.0"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
SVRL = "http://purl.oclc.org/dsdl/svrl"
SAXON_JARS = ["/usr/share/java/Saxon-HE.jar", "/usr/share/java/saxon9he.jar", "/usr/share/java/saxonhe.jar"]


def split_volume(volume: Path, out: Path) -> list[Path]:
    """One file per document: the header (its sourceDesc keeps the document's own entry) + the document."""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    tree = etree.parse(str(volume))
    root = tree.getroot()
    header = root.find(f"{{{TEI}}}teiHeader")
    written = []
    for div in root.iterfind(f".//{{{TEI}}}div[@type='document']"):
        doc_id = div.get(XML_ID)
        single = etree.Element(f"{{{TEI}}}TEI", nsmap={None: TEI})
        for key, value in root.attrib.items():
            single.set(key, value)
        head = copy.deepcopy(header)
        for bibl in head.iterfind(f".//{{{TEI}}}sourceDesc/{{{TEI}}}bibl[@corresp]"):
            if bibl.get("corresp") != f"#{doc_id}":
                bibl.getparent().remove(bibl)
        single.append(head)
        body = etree.SubElement(etree.SubElement(single, f"{{{TEI}}}text"), f"{{{TEI}}}body")
        body.append(copy.deepcopy(div))
        path = out / f"{doc_id}.xml"
        etree.ElementTree(single).write(str(path), encoding="UTF-8", xml_declaration=True)
        written.append(path)
    return written


def timed(cmd: list[str], **kw) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    result = subprocess.run(cmd, capture_output=True, text=True, **kw)
    return time.perf_counter() - start, result


def teikit_run(inputs: list[Path], jobs: int | None) -> tuple[float, dict[str, bool]]:
    exe = Path(sys.executable).parent / "teikit"
    cmd = [str(exe) if exe.exists() else "teikit", "validate", "-f", "json",
           "-s", str(REPO / "schemas" / "teikit.rng"), "-s", str(REPO / "schemas" / "teikit.sch")]
    if jobs:
        cmd += ["-j", str(jobs)]
    seconds, result = timed(cmd + [str(p) for p in inputs])
    if result.returncode not in (0, 1):
        sys.exit(f"teikit failed ({result.returncode}): {result.stderr[-2000:]}")
    data = json.loads(result.stdout)
    bad = set(data["invalid_files"])
    files = [str(p) for p in inputs] if all(p.is_file() for p in inputs) else \
        [str(f) for p in inputs for f in sorted(p.rglob("*.xml"))]
    return seconds, {str(Path(f).resolve()): f not in bad for f in files}


def java_run(inputs: list[Path], files: list[Path], xsl: Path, saxon: str, work: Path) -> tuple[float, dict[str, bool]]:
    rng = REPO / "schemas" / "teikit.rng"
    start = time.perf_counter()
    jing = subprocess.run(["jing", str(rng), *map(str, files)], capture_output=True, text=True)
    invalid = set()
    for line in jing.stdout.splitlines():
        path = line.split(":", 1)[0]
        if ": error:" in line or ": fatal:" in line:
            invalid.add(str(Path(path).resolve()))
    out = work / "svrl"
    if out.exists():
        shutil.rmtree(out)
    out.mkdir()
    for item in inputs:  # one JVM per input (a folder or the volume)
        target = out / item.name
        if item.is_dir():
            target.mkdir()
        cmd = ["java", "-cp", saxon, "net.sf.saxon.Transform", f"-xsl:{xsl}", f"-s:{item}", f"-o:{target}"]
        result = subprocess.run(cmd, capture_output=True, text=True)
        if result.returncode != 0:
            sys.exit(f"Saxon/Java failed: {result.stderr[-2000:]}")
    seconds = time.perf_counter() - start
    verdicts = {}
    for f in files:
        relative = f.name if len(inputs) == 1 and inputs[0].is_file() else f.relative_to(inputs[0]).as_posix()
        svrl_path = out / (relative if len(inputs) == 1 and inputs[0].is_file() else Path(inputs[0].name) / relative)
        svrl = etree.parse(str(svrl_path))
        failed = [x for x in svrl.iter(f"{{{SVRL}}}failed-assert", f"{{{SVRL}}}successful-report")
                  if (x.get("role") or "").lower() not in ("warning", "warn", "info", "information")]
        verdicts[str(f.resolve())] = not failed and str(f.resolve()) not in invalid
    return seconds, verdicts


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bench", type=Path, default=REPO / "build" / "bench")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=None, help="teikit --jobs (default: all cores)")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(REPO / "src"))
    from teikit.schematron import compile_schematron

    saxon = next((j for j in SAXON_JARS if os.path.exists(j)), None)
    if not shutil.which("jing") or not saxon:
        sys.exit("needs jing and Saxon-HE for Java (Debian packages jing, libsaxonhe-java)")
    volume = args.bench / "volume.xml"
    if not volume.exists():
        subprocess.run([sys.executable, str(REPO / "benchmarks" / "corpus.py"), "-o", str(args.bench)], check=True)
    docs = split_volume(volume, args.bench / "docs")
    size_docs = sum(p.stat().st_size for p in docs)
    work = Path(tempfile.mkdtemp(prefix="teikit-bench-"))
    xsl = work / "teikit-sch.xsl"
    xsl.write_text(compile_schematron(REPO / "schemas" / "teikit.sch").xslt, encoding="utf-8")

    # Byte-compile teikit as pip does on installation: a development checkout run with
    # PYTHONDONTWRITEBYTECODE would otherwise compile its modules again in every process.
    import compileall
    import teikit

    compileall.compile_dir(str(Path(teikit.__file__).parent), quiet=1)

    cases = [("volume", [volume], [volume]), ("1,000 files", [args.bench / "docs"], docs)]
    rows = []
    for label, inputs, files in cases:
        t_times, j_times = [], []
        for _ in range(args.runs):
            t, t_verdicts = teikit_run(inputs, args.jobs)
            j, j_verdicts = java_run(inputs, files, xsl, saxon, work)
            t_times.append(t)
            j_times.append(j)
        same = t_verdicts == j_verdicts
        differ = sorted(k for k in t_verdicts if t_verdicts.get(k) != j_verdicts.get(k))
        invalid = sum(1 for ok in t_verdicts.values() if not ok)
        rows.append((label, statistics.median(t_times), statistics.median(j_times), same, len(files), invalid, differ,
                     (min(t_times), max(t_times)), (min(j_times), max(j_times))))
    shutil.rmtree(work, ignore_errors=True)

    print(f"inputs: volume.xml {volume.stat().st_size / 1e6:.1f} MB; docs/ {len(docs)} files, {size_docs / 1e6:.1f} MB; "
          f"cores: {os.cpu_count()}; runs: {args.runs} (median)")
    print("| input | teikit | Jing + Saxon/Java | speed-up | files invalid | identical verdicts |")
    print("|---|---|---|---|---|---|")
    for label, t, j, same, n, invalid, differ, t_range, j_range in rows:
        print(f"| {label} | {t:.2f} s | {j:.2f} s | {j / t:.1f}× | {invalid} of {n} | {'yes' if same else 'NO'} |")
        print(f"  ranges: teikit {t_range[0]:.2f}–{t_range[1]:.2f} s, Java {j_range[0]:.2f}–{j_range[1]:.2f} s")
        for k in differ[:10]:
            print(f"  verdicts differ: {k}")
    if not all(r[3] for r in rows):
        sys.exit(1)


if __name__ == "__main__":
    main()
