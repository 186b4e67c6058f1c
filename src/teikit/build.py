"""The builder: seeds → tei → validate → build/html + build/pdf, doing only what is stale.

Kept apart from the translators (`convert`, `writers`): this module decides *which* files to
touch and in what order; it knows nothing of their content.
"""

from __future__ import annotations

import hashlib
import json
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Callable, Iterator

from . import api, provenance, resources
from .__about__ import __version__
from .config import load
from .report import Report
from .xmlio import atomic_write


FEW = 10  # up to this many seeds, say each one's name


def build(project: str | Path = ".", *, force: bool = False, html: bool = True, pdf: bool = True,
          jobs: int = 1, log: Callable[[str], None] = lambda message: None,
          progress: Callable[[int, int], None] = lambda done, total: None) -> Report:
    """`jobs` processes convert stale seeds in parallel; `progress(done, total)` follows them."""
    config = load(project)
    root = config.root
    report = Report()
    stale = []
    for seed in sorted((root / config.seeds_dir).glob("*.txt")):
        target = api.default_tei_path(seed, config)
        reason = _stale_reason(seed, target, force, report)
        if reason:
            stale.append((seed, target, reason))
    if len(stale) > FEW:
        log(f"convert {len(stale)} seeds")
    for seed, target, reason in stale if len(stale) <= FEW else ():
        log(f"convert {_rel(seed, root)} → {_rel(target, root)} ({reason})")
    stale = [(seed, target) for seed, target, _ in stale]
    for done, converted in enumerate(_convert_all(stale, config, jobs), start=1):
        report.merge(converted)
        progress(done, len(stale))
    tei_files = sorted((root / config.tei_dir).glob("*.xml"))
    if not tei_files:
        report.error(str(root / config.tei_dir), 0, 0, "no TEI files to build; expected seeds/*.txt or tei/*.xml")
        return report
    log(f"validate {len(tei_files)} TEI file(s)")
    report.merge(api.validate(tei_files))
    if not report.ok:
        return report
    stamps = _Stamps(root / config.build_dir / STAMPS_NAME)
    inputs = _inputs_digest(tei_files, config)
    for fmt, wanted in (("html", html), ("pdf", pdf)):
        out = root / config.build_dir / fmt
        if not wanted:
            continue
        if not force and stamps.get(fmt) == inputs and out.is_dir() and any(out.iterdir()):
            log(f"{fmt.upper()} in {_rel(out, root)} is up to date")
            continue
        log(f"render {fmt.upper()} → {_rel(out, root)}")
        rendered = api.render(tei_files, fmt, config=config)
        report.merge(rendered)
        if rendered.ok:
            stamps.set(fmt, inputs)
    return report


STAMPS_NAME = ".teikit-build.json"  # what each output in build/ was rendered from


class _Stamps:
    """Per output format, the digest of the inputs it was last rendered from."""

    def __init__(self, path: Path):
        self.path = path
        try:
            self.data = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            self.data = {}

    def get(self, fmt: str) -> str | None:
        return self.data.get(fmt)

    def set(self, fmt: str, digest: str) -> None:
        self.data[fmt] = digest
        atomic_write(self.path, json.dumps(self.data, indent=1, sort_keys=True) + "\n")


def _inputs_digest(tei_files: list[Path], config) -> str:
    """The TEI files (names and bytes), the edition config, the stylesheets and teikit's version."""
    digest = hashlib.sha256(__version__.encode())
    if config.source is not None:
        digest.update(config.source.read_bytes())
    for sheet in sorted(resources.data_dir("xslt").rglob("*")):
        if sheet.is_file():
            digest.update(hashlib.sha256(sheet.read_bytes()).digest())
    for path in tei_files:
        digest.update(path.name.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _convert_one(seed: Path, target: Path, config) -> Report:
    return api.convert(seed, target, config=config, force=True)


def _convert_all(stale: list[tuple[Path, Path]], config, jobs: int) -> Iterator[Report]:
    if jobs <= 1 or len(stale) <= 1:
        for seed, target in stale:
            yield _convert_one(seed, target, config)
        return
    with ProcessPoolExecutor(max_workers=min(jobs, len(stale))) as pool:
        yield from pool.map(_convert_one, *zip(*stale), [config] * len(stale))


def _stale_reason(seed: Path, target: Path, force: bool, report: Report) -> str | None:
    """Why `seed` must be converted again, or None to keep `target` as it is."""
    if not target.exists():
        return "no TEI yet"
    origin = provenance.read(target)
    seed_sha = provenance.sha256(seed.read_bytes())
    if origin is None or origin.edited:
        if force:
            return "--force"
        if origin is None:
            report.warning(str(target), 1, 1, f"{target.name} was not generated by teikit (or its "
                           "teikit-generated line was removed), so it is kept; build --force replaces it")
        elif origin.source_sha256 != seed_sha:
            report.warning(str(seed), 1, 1, f"the seed differs from the one {target.name} was made from, but "
                           f"{target.name} has been edited, so it is kept; convert with --force to replace it")
        return None
    if origin.source_sha256 != seed_sha:
        return "seed changed"
    if origin.teikit != __version__:
        return f"made by teikit {origin.teikit}"
    return "--force" if force else None


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)
