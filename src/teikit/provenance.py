"""Which TEI files teikit generated, from what, and whether an editor has changed them since.

A generated file carries `<?teikit-generated …?>` with the seed's SHA-256 and the file's own
SHA-256 (computed with that value left empty). An editor's change breaks the second hash.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

PI_TARGET = "teikit-generated"
_PI = re.compile(rb"<\?teikit-generated ([^?]*)\?>")
_ATTR = re.compile(r'([\w-]+)="([^"]*)"')
_SELF = re.compile(rb'(<\?teikit-generated [^?]*? sha256=")([0-9a-f]*)(")')


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def pi_content(source: str, source_sha: str, version: str, layout) -> str:
    eol = "crlf" if layout.eol == "\r\n" else "lf"
    return (f'source="{source}" source-sha256="{source_sha}" teikit="{version}" eol="{eol}" '
            f'final-newline="{"yes" if layout.final_newline else "no"}" sha256=""')


def seal(data: bytes) -> bytes:
    """Fill in the file's own hash."""
    digest = sha256(data).encode()
    return _SELF.sub(lambda m: m.group(1) + digest + m.group(3), data, count=1)


@dataclass(frozen=True)
class Provenance:
    source: str
    source_sha256: str
    teikit: str
    eol: str
    final_newline: bool
    edited: bool  # the file no longer matches what teikit wrote


def read(path: Path | bytes) -> Provenance | None:
    data = path if isinstance(path, bytes) else Path(path).read_bytes()
    m = _PI.search(data)
    if not m:
        return None
    attrs = dict(_ATTR.findall(m.group(1).decode("utf-8", "replace")))
    blank = _SELF.sub(lambda m: m.group(1) + m.group(3), data, count=1)
    return Provenance(
        source=attrs.get("source", ""),
        source_sha256=attrs.get("source-sha256", ""),
        teikit=attrs.get("teikit", ""),
        eol="\r\n" if attrs.get("eol") == "crlf" else "\n",
        final_newline=attrs.get("final-newline") == "yes",
        edited=sha256(blank) != attrs.get("sha256"),
    )
