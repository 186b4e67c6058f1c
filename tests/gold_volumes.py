"""The FRUS gold corpus wrapped into volumes, as ../shared/schemas/frus/README.md describes:
each volume's header (VOLUMEID-header.xml) with its gold documents, in document order, in
<text><body><div type="compilation">…</div></body></text>, written as VOLUMEID.xml (the
publisher's rules check that the file name is the volume id)."""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

TEI = "http://www.tei-c.org/ns/1.0"
VOLUMES = ("frus1969-76v12", "frus1981-88v03", "frus1981-88v05")


def _number(path: Path) -> int:
    return int(re.search(r"-d(\d+)\.xml$", path.name).group(1))


def wrap_volume(gold: Path, volume: str) -> etree._ElementTree:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    tree = etree.parse(str(gold / f"{volume}-header.xml"), parser)
    root = tree.getroot()
    text = etree.SubElement(root, f"{{{TEI}}}text")
    body = etree.SubElement(text, f"{{{TEI}}}body")
    body.text = "\n"
    comp = etree.SubElement(body, f"{{{TEI}}}div", type="compilation")
    comp.set("{http://www.w3.org/XML/1998/namespace}id", "compilation")
    comp.text = "\n"
    head = etree.SubElement(comp, f"{{{TEI}}}head")
    head.text = "Documents"
    head.tail = "\n"
    for doc in sorted(gold.glob(f"{volume}-d*.xml"), key=_number):
        div = etree.parse(str(doc), parser).getroot()
        div.tail = "\n"
        comp.append(div)
    return tree


def write_volumes(gold: Path, out: Path) -> dict[str, Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = {}
    for volume in VOLUMES:
        path = out / f"{volume}.xml"
        wrap_volume(gold, volume).write(str(path), encoding="UTF-8", xml_declaration=True)
        written[volume] = path
    return written
