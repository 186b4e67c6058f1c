"""Reader for the FRUS plain-text form, as a pipeline of small passes:

1. `blocks`: lines → blocks (blank-line separated, wrapped lines joined, positions kept);
2. `structure`: blocks → documents (boundaries, footnote runs) → `div` per document;
3. `inline`: block text → mixed content (page breaks, gaps, footnote markers, markings).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from lxml import etree

from ...report import Diagnostic
from .blocks import Block, Layout, iter_blocks
from .inline import PAGE, T, XML_ID, page_break
from .structure import Decisions, Document, DocumentBuilder, split_documents


@dataclass
class TextReading:
    body: list[etree._Element]  # the documents and the page breaks between them, in order
    documents: list[etree._Element]  # div type="document", in order
    layout: Layout
    decisions: list[Diagnostic]


def read(text: str, path: str, *, facs_offset: int | None = None, strict: bool = False) -> TextReading:
    decide = Decisions(path, strict=strict)
    layout = Layout()
    blocks = _reported_joins(iter_blocks(text, layout), decide)
    builder = DocumentBuilder(decide, facs_offset)
    body: list[etree._Element] = []
    for item in split_documents(blocks, decide):
        if isinstance(item, Document):
            body.append(builder.build(item))
        else:  # a page break between documents
            n = PAGE.fullmatch(item.text).group(1)
            body.append(page_break(n, facs_offset))
            decide("page-break", item, 0, f"page break {n} between documents")
    documents = [el for el in body if el.get("type") == "document"]
    _unique_ids(body)
    return TextReading(body, documents, layout, decide.items)


def _reported_joins(blocks: Iterator[Block], decide: Decisions) -> Iterator[Block]:
    for block in blocks:
        for offset, how in block.joins:
            if how == "hyphen":
                decide("hyphenation", block, offset - 1,
                       "line-end hyphen kept and the word joined without a space (rule: never drop a hyphen)")
        yield block


def _unique_ids(body: list[etree._Element]) -> None:
    """A repeated document number (volumes concatenated) or page number must not repeat an
    id: the second `d134` becomes `d134_2`, its notes `d134_2fn1`; the repetition itself was
    reported when the heading was read."""
    seen: set[str] = set()

    def fresh(base: str) -> str:
        k = 2
        while f"{base}_{k}" in seen:
            k += 1
        return f"{base}_{k}"

    for top in body:
        if top.get("type") == "document" and top.get(XML_ID) in seen:
            old = top.get(XML_ID)
            new = fresh(old)
            top.set(XML_ID, new)
            for note in top.iter(T + "note"):
                if (note.get(XML_ID) or "").startswith(old + "fn"):
                    note.set(XML_ID, new + note.get(XML_ID)[len(old):])
        for el in top.iter():
            value = el.get(XML_ID)
            if value is None:
                continue
            if value in seen:
                value = fresh(value)
                el.set(XML_ID, value)
            seen.add(value)
