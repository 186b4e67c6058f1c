"""Safe XML parsing, TEI-aware pretty printing and atomic writes."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from lxml import etree

from .errors import InvalidInput, UnsafeXML, UsageError

TEI_NS = "http://www.tei-c.org/ns/1.0"
XML_NS = "http://www.w3.org/XML/1998/namespace"
NS = {"tei": TEI_NS}

# Elements whose content teikit writes as element-only: indentation inside them is layout,
# never text. Readers and writers both rely on this one list.
ELEMENT_ONLY = frozenset(
    f"{{{TEI_NS}}}{name}"
    for name in (
        "TEI teiHeader fileDesc titleStmt editionStmt publicationStmt availability sourceDesc "
        "encodingDesc appInfo application profileDesc langUsage textClass revisionDesc listChange "
        "text front body back div list opener closer respStmt"
    ).split()
)


def xml_files(paths, *, recursive: bool = False) -> list[Path]:
    """Files as given; a folder stands for its `*.xml` files (also in subfolders when
    `recursive`) in natural order, d2 before d10. A path that does not exist is a usage error."""
    def natural(path: Path):
        return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", str(path))]

    out: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found = path.rglob("*.xml") if recursive else path.glob("*.xml")
            out.extend(sorted((f for f in found if f.is_file()), key=natural))
        elif path.exists():
            out.append(path)
        else:
            raise UsageError(f"no such file or folder: {path}", str(path))
    return out


def _parser() -> etree.XMLParser:
    # No entity expansion, no DTD loading, no network: a TEI file never needs them.
    return etree.XMLParser(
        resolve_entities=False, load_dtd=False, no_network=True, dtd_validation=False, huge_tree=False
    )


def parse(path: str | os.PathLike) -> etree._ElementTree:
    """Parse an XML file safely; malformed or unsafe input raises InvalidInput with a location."""
    path = str(path)
    try:
        tree = etree.parse(path, _parser())
    except etree.XMLSyntaxError as exc:
        line, col = exc.position if exc.position else (0, 0)
        raise InvalidInput(f"not well-formed XML: {exc.msg}", path, line, col) from None
    except OSError as exc:
        raise InvalidInput(f"cannot read file: {exc.strerror or exc}", path, 0, 0) from None
    _refuse_doctype(tree, path)
    return tree


def parse_bytes(data: bytes, path: str = "<string>") -> etree._ElementTree:
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        line, col = exc.position if exc.position else (0, 0)
        raise InvalidInput(f"not well-formed XML: {exc.msg}", path, line, col) from None
    tree = root.getroottree()
    _refuse_doctype(tree, path)
    return tree


def _refuse_doctype(tree: etree._ElementTree, path: str) -> None:
    info = tree.docinfo
    if info.doctype or info.internalDTD is not None or info.system_url or info.public_id:
        raise UnsafeXML(
            "DOCTYPE declarations are refused (teikit never expands entities or fetches DTDs); "
            "expected a TEI document without a DOCTYPE",
            path, 1, 1,
        )


def indent(elem: etree._Element, level: int = 0, step: str = "  ") -> None:
    """Indent element-only containers; leave mixed content exactly as it is."""
    if elem.tag not in ELEMENT_ONLY or len(elem) == 0:
        return
    pad = "\n" + step * (level + 1)
    elem.text = pad
    for child in elem:
        indent(child, level + 1, step)
        child.tail = pad
    elem[-1].tail = "\n" + step * level


def serialize(tree: etree._ElementTree | etree._Element) -> bytes:
    """UTF-8 with a declaration, each prolog processing instruction on a line of its own."""
    root = tree.getroot() if isinstance(tree, etree._ElementTree) else tree
    prolog = []
    node = root.getprevious()
    while node is not None:
        prolog.insert(0, etree.tostring(node, encoding="unicode").strip())
        node = node.getprevious()
    head = '<?xml version="1.0" encoding="UTF-8"?>\n' + "".join(p + "\n" for p in prolog)
    body = etree.tostring(root, encoding="UTF-8", xml_declaration=False, with_tail=False)
    return b"".join((head.encode("utf-8"), body, b"\n"))


def xml_model_pis(rng_href: str, sch_href: str) -> list[etree._ProcessingInstruction]:
    """The `<?xml-model?>` lines that tell any TEI tool which schemas a file follows."""
    return [
        etree.ProcessingInstruction(
            "xml-model", f'href="{rng_href}" type="application/xml" schematypens="http://relaxng.org/ns/structure/1.0"'
        ),
        etree.ProcessingInstruction(
            "xml-model", f'href="{sch_href}" type="application/xml" schematypens="http://purl.oclc.org/dsdl/schematron"'
        ),
    ]


def atomic_write(path: str | os.PathLike, data: bytes | str) -> None:
    """Write through a temporary file in the same folder, then rename: never a half-written file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
