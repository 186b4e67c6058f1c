"""The benchmark volume: N documents built from the 18 gold FRUS documents, renumbered.

    python benchmarks/corpus.py [-n 1000] [-o build/bench]

writes, in the output folder:
  frus-volume.xml   the FRUS publisher's dialect: one TEI, N documents (v05 header)
  volume.txt        the plain-text form of the same N documents (`export --to text`)
  volume.xml        teikit's TEI of volume.txt (`teikit convert`)
  files/dN.xml      the same N documents as N teikit TEI files
Documents cycle through the gold corpus; document numbers run 1…N, page numbers run on
from 1 in document order, and every id is rewritten to match, so the volume is consistent.
"""

from __future__ import annotations

import argparse
import copy
import itertools
import os
import re
import sys
from pathlib import Path

from lxml import etree

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("TEIKIT_SHARED", REPO.parent / "shared"))
GOLD = SHARED / "corpus" / "frus-gold"
TEI = "http://www.tei-c.org/ns/1.0"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
NS = {"tei": TEI}


def gold_documents() -> list[etree._Element]:
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    files = sorted(GOLD.glob("*-d*.xml"), key=lambda p: (p.name.split("-d")[0], int(p.stem.split("-d")[1])))
    if not files:
        sys.exit(f"no gold documents in {GOLD}")
    return [etree.parse(str(f), parser).getroot() for f in files]


def renumbered(template: etree._Element, number: int, first_page: int) -> tuple[etree._Element, int]:
    """A copy of a gold document as document `number`, its pages from `first_page` on."""
    div = copy.deepcopy(template)
    old = div.get("n")
    div.set("n", str(number))
    div.set(XML_ID, f"d{number}")
    for note in div.iter(f"{{{TEI}}}note"):
        if note.get(XML_ID):
            note.set(XML_ID, re.sub(rf"^d{old}fn", f"d{number}fn", note.get(XML_ID)))
    page = first_page
    for pb in div.iter(f"{{{TEI}}}pb"):
        pb.set("n", str(page))
        pb.set(XML_ID, f"pg_{page}")
        if pb.get("facs"):
            pb.set("facs", f"{page + 31:04d}")
        page += 1
    head = div.find(f"{{{TEI}}}head")
    if head is not None and head.text and head.text.startswith(f"{old}. "):
        head.text = f"{number}. " + head.text[len(old) + 2:]
    # pointers into other documents of the gold volume do not exist here: keep them as text
    for ref in div.iter(f"{{{TEI}}}ref"):
        target = ref.get("target", "")
        if target.startswith("#d"):
            ref.set("target", f"frus1981-88v05{target}")
    return div, page


def frus_volume(count: int) -> etree._ElementTree:
    header_tree = etree.parse(str(GOLD / "frus1981-88v05-header.xml"))
    root = header_tree.getroot()
    text = etree.SubElement(root, f"{{{TEI}}}text")
    body = etree.SubElement(text, f"{{{TEI}}}body")
    comp = etree.SubElement(body, f"{{{TEI}}}div", type="compilation")
    comp.set(XML_ID, "comp1")
    etree.SubElement(comp, f"{{{TEI}}}head").text = "Benchmark volume"
    page = 1
    for number, template in zip(range(1, count + 1), itertools.cycle(gold_documents())):
        div, page = renumbered(template, number, page)
        comp.append(div)
    return header_tree


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--documents", type=int, default=1000)
    parser.add_argument("-o", "--output", type=Path, default=REPO / "build" / "bench")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(REPO / "src"))
    from teikit import config
    from teikit.api import convert
    from teikit.writers.text import to_text

    out: Path = args.output
    (out / "files").mkdir(parents=True, exist_ok=True)
    volume = frus_volume(args.documents)
    volume.write(str(out / "frus-volume.xml"), encoding="UTF-8", xml_declaration=True)
    (out / "volume.txt").write_text(to_text(volume), "utf-8")
    cfg = config.load(REPO)
    report = convert(out / "volume.txt", out / "volume.xml", config=cfg, force=True)
    for div in volume.getroot().iterfind(".//tei:div[@type='document']", NS):
        # each document converted on its own: a file with its own header, as an editor has it
        single = out / "files" / f"d{div.get('n')}.txt"
        single.write_text(to_text(div), "utf-8")
        convert(single, single.with_suffix(".xml"), config=cfg, force=True)
        single.unlink()
    size = (out / "volume.txt").stat().st_size
    print(f"{args.documents} documents: frus-volume.xml {(out / 'frus-volume.xml').stat().st_size:,} bytes, "
          f"volume.txt {size:,} bytes, volume.xml {(out / 'volume.xml').stat().st_size:,} bytes; "
          f"converter warnings: {len(report.warnings)}")


if __name__ == "__main__":
    main()
