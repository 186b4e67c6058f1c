"""The builder: seeds → tei → validate → build/html + build/pdf, doing only what is stale.

Kept apart from the translators (`convert`, `writers`): this module decides *which* files to
touch and in what order; it knows nothing of their content.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from . import api, provenance
from .__about__ import __version__
from .config import load
from .report import Report


def build(project: str | Path = ".", *, force: bool = False, html: bool = True, pdf: bool = True,
          log: Callable[[str], None] = lambda message: None) -> Report:
    config = load(project)
    root = config.root
    report = Report()
    seeds = sorted((root / config.seeds_dir).glob("*.txt"))
    for seed in seeds:
        target = api.default_tei_path(seed, config)
        reason = _stale_reason(seed, target, force, report)
        if reason:
            log(f"convert {_rel(seed, root)} → {_rel(target, root)} ({reason})")
            report.merge(api.convert(seed, target, config=config, force=True))
    tei_files = sorted((root / config.tei_dir).glob("*.xml"))
    if not tei_files:
        report.error(str(root / config.tei_dir), 0, 0, "no TEI files to build; expected seeds/*.txt or tei/*.xml")
        return report
    log(f"validate {len(tei_files)} TEI file(s)")
    report.merge(api.validate(tei_files))
    if not report.ok:
        return report
    if html:
        log("render HTML → " + _rel(root / config.build_dir / "html", root))
        report.merge(api.render(tei_files, "html", config=config))
    if pdf:
        log("render PDF → " + _rel(root / config.build_dir / "pdf", root))
        report.merge(api.render(tei_files, "pdf", config=config))
    return report


def _stale_reason(seed: Path, target: Path, force: bool, report: Report) -> str | None:
    """Why `seed` must be converted again, or None to keep `target` as it is."""
    if not target.exists():
        return "no TEI yet"
    origin = provenance.read(target)
    seed_sha = provenance.sha256(seed.read_bytes())
    if origin is None or origin.edited:
        if force:
            return "--force"
        if origin is None or origin.source_sha256 != seed_sha:
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
