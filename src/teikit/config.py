"""Edition metadata from `teikit.toml` (or `[tool.teikit]` in pyproject.toml)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .errors import UsageError

CONFIG_NAME = "teikit.toml"

PAPER_SIZES = {"us-letter", "a4", "a5", "us-legal", "iso-b5", "us-trade"}


@dataclass(frozen=True)
class Edition:
    series: str = ""
    volume_title: str = ""
    volume_id: str = ""
    editors: tuple[str, ...] = ()
    general_editor: str = ""
    publisher: str = ""
    pub_place: str = ""
    publication_year: int | None = None
    language: str = "en"
    availability: str = ""
    facs_offset: int | None = None  # scan number = printed page + offset, when known


@dataclass(frozen=True)
class Config:
    root: Path
    edition: Edition = field(default_factory=Edition)
    paper: str = "us-letter"
    seeds_dir: str = "seeds"
    tei_dir: str = "tei"
    build_dir: str = "build"
    source: Path | None = None  # the file the config came from


def find_root(start: Path) -> Path:
    """The nearest folder at or above `start` holding a teikit.toml; else `start` itself."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
    return start


def load(root: str | Path | None = None) -> Config:
    root = Path(root) if root is not None else Path.cwd()
    if root.is_file():
        root = root.parent
    root = find_root(root)
    data: dict = {}
    source = None
    toml_path = root / CONFIG_NAME
    pyproject = root / "pyproject.toml"
    try:
        if toml_path.is_file():
            data, source = tomllib.loads(toml_path.read_text("utf-8")), toml_path
        elif pyproject.is_file():
            tool = tomllib.loads(pyproject.read_text("utf-8")).get("tool", {})
            if "teikit" in tool:
                data, source = tool["teikit"], pyproject
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"invalid TOML: {exc}", str(toml_path if toml_path.is_file() else pyproject), 0, 0) from None
    return _from_dict(root, data, source)


def _from_dict(root: Path, data: dict, source: Path | None) -> Config:
    where = str(source) if source else str(root)
    ed = dict(data.get("edition", {}))
    known = {f.replace("_", "-") for f in Edition.__dataclass_fields__}
    unknown = set(ed) - known
    if unknown:
        raise UsageError(
            f"unknown key(s) in [edition]: {', '.join(sorted(unknown))}; expected one of {', '.join(sorted(known))}",
            where, 0, 0,
        )
    kwargs = {k.replace("-", "_"): v for k, v in ed.items()}
    if "editors" in kwargs:
        editors = kwargs["editors"]
        kwargs["editors"] = tuple([editors] if isinstance(editors, str) else editors)
    edition = Edition(**kwargs)
    pdf = data.get("pdf", {})
    paper = pdf.get("paper", "us-letter")
    if paper not in PAPER_SIZES:
        raise UsageError(f"unknown paper size {paper!r}; expected one of {', '.join(sorted(PAPER_SIZES))}", where, 0, 0)
    paths = data.get("paths", {})
    return Config(
        root=root,
        edition=edition,
        paper=paper,
        seeds_dir=paths.get("seeds", "seeds"),
        tei_dir=paths.get("tei", "tei"),
        build_dir=paths.get("build", "build"),
        source=source,
    )
