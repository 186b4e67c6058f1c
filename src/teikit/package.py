"""Archive packages: a project as a BagIt bag (Library of Congress `bagit`), and its check.

``teikit package PROJECT -o BAG`` builds the project (seeds → TEI → validation → HTML + PDF,
through `teikit.build`), then bags, under ``data/``:

    tei/          the TEI files
    schemas/      the schemas they validate against (teikit.rnc, teikit.rng, teikit.sch)
    html/         the HTML edition
    pdf/          the PDF(s)
    dc/           one Dublin Core (oai_dc) record per document

with SHA-256 and SHA-512 manifests and the edition's metadata in ``bag-info.txt``.

``teikit package --verify BAG`` checks completeness and fixity and names every file that is
missing, extra or altered. With two checksum algorithms it can also tell an altered file (both
of its checksums are wrong) from an altered manifest (only that manifest's checksum is wrong).
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from typing import Callable

from lxml import etree

from .config import load
from .errors import UsageError
from .report import Report
from .xmlio import TEI_NS, atomic_write, parse, serialize

ALGORITHMS = ("sha256", "sha512")
NS = {"tei": TEI_NS}
SCHEMA_FILES = ("teikit.rnc", "teikit.rng", "teikit.sch")


def _text(root: etree._Element, xpath: str) -> str:
    return " ".join(root.xpath(f"string({xpath})", namespaces=NS).split())


def bag_info(config, tei_files: list[Path], documents: int) -> dict[str, str | list[str]]:
    """bag-info.txt: who made the edition and what it is (from teikit.toml and the headers)."""
    ed = config.edition
    header = parse(tei_files[0]).getroot() if tei_files else None
    series = ed.series or (_text(header, ".//tei:titleStmt/tei:title[@type='series']") if header is not None else "")
    volume = ed.volume_title or (_text(header, ".//tei:titleStmt/tei:title[@type='volume']")
                                 if header is not None else "")
    title = ", ".join(x for x in (series, volume) if x)
    info: dict[str, str | list[str]] = {
        "Source-Organization": ed.publisher or "Unknown",
        "External-Identifier": ed.volume_id or config.root.name,
        "External-Description": f"{title or config.root.name}: a TEI P5 scholarly edition of {documents} "
                                "document(s) with its schemas, HTML edition, PDF and Dublin Core records.",
        "Title": title or config.root.name,
    }
    if ed.editors:
        info["Editor"] = list(ed.editors)
    if ed.general_editor:
        info["General-Editor"] = ed.general_editor
    if ed.pub_place:
        info["Publication-Place"] = ed.pub_place
    if ed.publication_year:
        info["Publication-Year"] = str(ed.publication_year)
    if ed.availability:
        info["Rights"] = ed.availability
    info["Internal-Sender-Description"] = "Made by teikit package; verify with: teikit package --verify BAG"
    return info


def make_package(project: Path, output: Path | None, *, base_url: str | None = None,
                 log: Callable[[str], None] = lambda message: None) -> Report:
    import bagit

    from .build import build
    from .dublincore import records

    if output is None:
        raise UsageError("no bag folder given; expected -o BAG")
    if output.exists() and (not output.is_dir() or any(output.iterdir())):
        raise UsageError(f"{output} already exists; a bag is written to a new folder", str(output), 0, 0)
    config = load(project)
    report = build(project, log=log)
    if not report.ok:
        return report
    tei_files = sorted((config.root / config.tei_dir).glob("*.xml"))
    build_dir = config.root / config.build_dir
    output.mkdir(parents=True, exist_ok=True)
    try:
        log(f"package → {output}")
        for path in tei_files:
            _copy(path, output / "tei" / path.name)
        for name in SCHEMA_FILES:
            own = config.root / "schemas" / name
            from .resources import schema

            source = own if own.is_file() else schema(name)
            if source.is_file():
                _copy(source, output / "schemas" / name)
        if (build_dir / "html").is_dir():
            shutil.copytree(build_dir / "html", output / "html")
        for pdf in sorted((build_dir / "pdf").glob("*.pdf")):
            _copy(pdf, output / "pdf" / pdf.name)
        count = 0
        for path in tei_files:
            for doc_id, record in records(parse(path), base_url=base_url or "../html"):
                atomic_write(output / "dc" / f"{path.stem}.{doc_id}.xml" if not path.stem.endswith(f"-{doc_id}")
                             else output / "dc" / f"{path.stem}.xml", serialize(etree.ElementTree(record)))
                count += 1
        bagit.make_bag(str(output), bag_info=bag_info(config, tei_files, count), checksums=list(ALGORITHMS))
    except BaseException:
        shutil.rmtree(output, ignore_errors=True)  # never leave half a bag behind
        raise
    report.written.append(str(output))
    return report


def _copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, target)


# ---------------------------------------------------------------------------------------------
# Verification


def _hash(path: Path, algorithm: str) -> str:
    digest = hashlib.new(algorithm)
    with open(path, "rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _manifest(path: Path, report: Report, bag: Path) -> dict[str, str] | None:
    entries: dict[str, str] = {}
    try:
        lines = path.read_text("utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        report.error(str(path), 0, 0, "altered: the manifest is not readable UTF-8 text")
        return None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        checksum, _, name = line.partition(" ")
        name = name.strip()
        if not name or not all(c in "0123456789abcdef" for c in checksum.lower()):
            report.error(str(path), number, 1, f"altered: line {number} is not 'CHECKSUM PATH'")
            continue
        entries[name] = checksum.lower()
    return entries


def verify_package(bag: Path) -> Report:
    """Completeness and fixity of a bag made by `make_package`: every missing, extra or
    altered file is an error naming it."""
    report = Report()
    if not (bag / "bagit.txt").is_file() and not (bag / "data").is_dir():
        raise UsageError(f"{bag} is not a BagIt bag (no bagit.txt, no data/)", str(bag), 0, 0)
    manifests: dict[str, dict[str, dict[str, str]]] = {"manifest": {}, "tagmanifest": {}}
    for kind in manifests:
        for algorithm in ALGORITHMS:
            path = bag / f"{kind}-{algorithm}.txt"
            if not path.is_file():
                report.error(str(path), 0, 0, f"missing: the {algorithm.upper()} {kind} of the bag is not there")
                continue
            entries = _manifest(path, report, bag)
            if entries is not None:
                manifests[kind][algorithm] = entries
    listed: dict[str, dict[str, str]] = {}  # file → {algorithm: checksum}, payload and tag files
    for kind in manifests:
        for algorithm, entries in manifests[kind].items():
            for name, checksum in entries.items():
                listed.setdefault(name, {})[algorithm] = checksum
    present = {p.relative_to(bag).as_posix() for p in bag.rglob("*") if p.is_file()}
    own = {f"{kind}-{a}.txt" for kind in ("tagmanifest",) for a in ALGORITHMS}
    explained: set[str] = set()
    for kind, by_algorithm in manifests.items():
        if len(by_algorithm) != len(ALGORITHMS):
            continue
        sets = {a: set(entries) for a, entries in by_algorithm.items()}
        for name in sorted(set.union(*sets.values()) - set.intersection(*sets.values())):
            # the manifests disagree on a name: the one that lists a file the bag lacks, or
            # that leaves out a file the bag has, is the altered one
            for algorithm, names in sets.items():
                if (name in names) != (name in present):
                    how = "lists" if name in names else "does not list"
                    report.error(str(bag / f"{kind}-{algorithm}.txt"), 0, 0,
                                 f"altered: it {how} {name}, unlike the other algorithm's {kind}")
            explained.add(name)
    for name in sorted(set(listed) - present - explained):
        report.error(str(bag / name), 0, 0, "missing: listed in the bag's manifests but not in the bag")
    for name in sorted(present - set(listed) - own - explained):
        report.error(str(bag / name), 0, 0, "extra: in the bag but in none of its manifests")
    report.files = sum(1 for name in present if name.startswith("data/"))
    for name in sorted(set(listed) & present):
        expected = listed[name]
        wrong = [a for a, checksum in expected.items() if _hash(bag / name, a) != checksum]
        if not wrong:
            continue
        if len(wrong) == len(expected):
            report.error(str(bag / name), 0, 0, f"altered: its {' and '.join(a.upper() for a in wrong)} "
                                                "checksums differ from the manifests")
            continue
        for algorithm in wrong:  # the file agrees with the other manifest: this manifest changed
            kind = "manifest" if name.startswith("data/") else "tagmanifest"
            report.error(str(bag / f"{kind}-{algorithm}.txt"), 0, 0,
                         f"altered: its {algorithm.upper()} checksum of {name} is wrong, while the other "
                         "algorithm's manifest agrees with the file")
    if report.ok:
        _bagit_check(bag, report)
    return report


def _bagit_check(bag: Path, report: Report) -> None:
    """The Library of Congress validator as a second opinion (bagit.txt, bag-info, Oxum)."""
    import bagit

    try:
        bagit.Bag(str(bag)).validate(processes=1)
    except (bagit.BagError, bagit.BagValidationError) as exc:
        details = getattr(exc, "details", None) or []
        if details:
            for detail in details:
                report.error(str(bag / getattr(detail, "path", "")), 0, 0, str(detail))
        else:
            report.error(str(bag), 0, 0, f"not a valid bag: {exc}")
