"""Reader for the FRUS plain-text form, as a pipeline of small passes:

1. `blocks`: lines → blocks (blank-line separated, wrapped lines joined, positions kept);
2. `structure`: blocks → documents (boundaries, footnote runs) → `div` per document;
3. `inline`: block text → mixed content (page breaks, gaps, footnote markers, markings).
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from ...report import Diagnostic
from .blocks import Layout, split_blocks
from .inline import PAGE, page_break
from .structure import Decisions, Document, DocumentBuilder, split_documents


@dataclass
class TextReading:
    body: list[etree._Element]  # the documents and the page breaks between them, in order
    documents: list[etree._Element]  # div type="document", in order
    layout: Layout
    decisions: list[Diagnostic]


def read(text: str, path: str, *, facs_offset: int | None = None, strict: bool = False) -> TextReading:
    decide = Decisions(path, strict=strict)
    blocks, layout = split_blocks(text)
    for block in blocks:
        for offset, how in block.joins:
            if how == "hyphen":
                decide("hyphenation", block, offset - 1,
                       "line-end hyphen kept and the word joined without a space (rule: never drop a hyphen)")
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
    return TextReading(body, documents, layout, decide.items)
