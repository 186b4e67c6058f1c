"""The translator: plain text → a complete TEI document (header from the config, provenance)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from . import provenance
from .__about__ import __version__
from .config import Config
from .errors import InvalidInput
from .header import tei_document
from .readers import textform
from .report import Report
from .xmlio import indent, serialize, xml_model_pis


@dataclass
class Conversion:
    data: bytes  # the TEI file, sealed with its provenance
    report: Report = field(default_factory=Report)


def convert_text(text: str, *, source: str, config: Config, out_path: Path, strict: bool = False,
                 source_bytes: bytes | None = None) -> Conversion:
    """Convert the text form; `source` is the seed's name as recorded (project-relative)."""
    reading = textform.read(text, source, facs_offset=config.edition.facs_offset, strict=strict)
    report = Report(files=1)
    report.extend(reading.decisions)
    root = tei_document(reading.body, reading.documents, config.edition, f"Converted from {source}")
    for pi in xml_model_pis(*_schema_hrefs(config, out_path)):
        root.addprevious(pi)
    raw = source_bytes if source_bytes is not None else text.encode("utf-8")
    root.addprevious(etree.ProcessingInstruction(
        provenance.PI_TARGET, provenance.pi_content(source, provenance.sha256(raw), __version__, reading.layout)))
    indent(root)
    return Conversion(provenance.seal(serialize(root.getroottree())), report)


def read_source(path: Path) -> tuple[str, bytes]:
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8"), raw
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InvalidInput(f"not UTF-8 text (byte 0x{raw[exc.start]:02x}); expected UTF-8", str(path), line, col) from None


def _schema_hrefs(config: Config, out_path: Path) -> tuple[str, str]:
    """Relative to the written file when the project has its own schemas/, else the bare
    names, which `teikit validate` maps to the schemas it ships."""
    folder = config.root / "schemas"
    names = ("teikit.rng", "teikit.sch")
    if (folder / names[0]).is_file():
        return tuple(Path(os.path.relpath(folder / n, out_path.resolve().parent)).as_posix() for n in names)
    return names
