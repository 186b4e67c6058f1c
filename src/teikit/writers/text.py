"""Writer: TEI → the FRUS plain-text form (one line per block, footnotes after each document).

The inverse of `readers.textform`: what the reader took as markup convention (a marker, a
bullet, "[Page N]", a redaction's brackets) is printed back the same way.
"""

from __future__ import annotations

import re

from lxml import etree

from .. import provenance
from ..xmlio import ELEMENT_ONLY, TEI_NS

T = f"{{{TEI_NS}}}"
FRUS_NS = "http://history.state.gov/frus/ns/1.0"
_LAYOUT_WS = re.compile(r"[ \t\r]*\n[ \t\r\n]*")  # a line break in the XML source is layout
ITEM_PREFIX = {"bulleted": "• ", "dashed": "—"}


def gap_label(gap: etree._Element) -> str:
    desc = gap.find(T + "desc")
    if desc is not None:
        return _squash("".join(desc.itertext()))
    if gap.get("reason") == "not-declassified":
        return f"{gap.get('extent', 'text')} not declassified"
    return gap.get("extent", "")


def _squash(text: str) -> str:
    return _LAYOUT_WS.sub(" ", text)


class _Document:
    def __init__(self):
        self.blocks: list[str] = []
        self.notes: list[tuple[str, list[str]]] = []

    def inline(self, el: etree._Element, skip_head_number: str | None = None, skip_lists: bool = False) -> str:
        parts: list[str] = []
        self._inline(el, parts, skip_lists)
        text = _squash("".join(parts)).strip()
        if skip_head_number and text.startswith(f"{skip_head_number}. "):
            text = text[len(skip_head_number) + 2:]
        return text

    def _inline(self, el: etree._Element, parts: list[str], skip_lists: bool = False) -> None:
        if el.text and not (el.tag in ELEMENT_ONLY and not el.text.strip()):
            parts.append(el.text)
        for child in el:
            tag = child.tag
            if tag == T + "note":
                self.notes.append((child.get("n", ""), self._note_blocks(child)))
                if parts:  # a marker is glued to what precedes it, whatever the XML's layout
                    parts[-1] = parts[-1].rstrip()
                parts.append(child.get("n", ""))
            elif tag == T + "list" and skip_lists:
                pass
            elif tag == T + "pb":
                parts.append(f"[Page {child.get('n', '')}]")
            elif tag == T + "gap":
                parts.append(f"[{gap_label(child)}]" if child.get("reason") != "deleted" else "")
            elif tag == T + "lb":
                parts.append(" ")
            elif isinstance(child.tag, str):
                self._inline(child, parts)
            if child.tail and not (el.tag in ELEMENT_ONLY and not child.tail.strip()):
                parts.append(child.tail)

    def _note_blocks(self, note: etree._Element) -> list[str]:
        paras = note.findall(T + "p")
        if not paras:
            return [self.inline(note)]
        return [self.inline(p) for p in paras]


def _blocks(doc: _Document, container: etree._Element) -> None:
    """Block-level content of a div (or opener, closer, attachment) in document order."""
    n = container.get("n")
    for child in container:
        if not isinstance(child.tag, str):
            continue
        tag = child.tag
        if tag == T + "head" and child.get("type") is None and container.get("type") == "document":
            doc.blocks.append(f"{n}. {doc.inline(child, skip_head_number=n)}" if n else doc.inline(child))
        elif tag in (T + "p", T + "head", T + "dateline", T + "salute", T + "signed", T + "label"):
            doc.blocks.append(doc.inline(child))
        elif tag == T + "pb":
            doc.blocks.append(f"[Page {child.get('n', '')}]")
        elif tag == T + "gap":
            if child.get("reason") != "deleted":
                doc.blocks.append(f"[{gap_label(child)}]")
        elif tag == T + "list":
            _list(doc, child)
        elif tag == T + "div" and child.get("type") == "attachment" and child.get("n"):
            doc.blocks.append(child.get("n"))  # the attachment's label: "Attachment", "Tab A"
            _blocks(doc, child)
        elif tag in (T + "opener", T + "closer", T + "div", T + "quote", f"{{{FRUS_NS}}}attachment"):
            _blocks(doc, child)
        else:
            doc.blocks.append(doc.inline(child))


def _list(doc: _Document, lst: etree._Element) -> None:
    head = lst.find(T + "head")
    if head is not None:  # a labelled list: label and items on the lines of one block
        doc.blocks.append("\n".join([doc.inline(head), *_item_lines(doc, lst, "")]))
        return
    prefix = ITEM_PREFIX.get(lst.get("rend", ""), "")
    label = ""
    for child in lst:
        if child.tag == T + "item":
            doc.blocks.append(prefix + label + doc.inline(child))
            label = ""
        elif child.tag == T + "pb":
            doc.blocks.append(f"[Page {child.get('n', '')}]")
        elif child.tag == T + "label":  # "1." printed before its item, as one paragraph
            label = doc.inline(child) + " "


def _item_lines(doc: _Document, lst: etree._Element, indent: str) -> list[str]:
    """One line per item; a nested list's items indented under their group's line."""
    lines: list[str] = []
    for item in lst.findall(T + "item"):
        text = doc.inline(item, skip_lists=True)
        if text:
            lines.append(indent + text)
        for sub in item.findall(T + "list"):
            lines.extend(_item_lines(doc, sub, indent + "  "))
    return lines


def document_text(div: etree._Element) -> list[str]:
    """The blocks of one document: its body, then its footnotes."""
    doc = _Document()
    _blocks(doc, div)
    blocks = [b for b in doc.blocks if b]
    for n, paras in doc.notes:
        blocks.append(f"  {n}. {paras[0]}")
        blocks.extend(f"  {p}" for p in paras[1:])
    return blocks


def _volume(container: etree._Element, blocks: list[str]) -> None:
    """Documents and the page breaks between them, through compilation and chapter divs."""
    for child in container:
        if child.tag == T + "div" and child.get("type") == "document":
            blocks.extend(document_text(child))
        elif child.tag == T + "pb":
            blocks.append(f"[Page {child.get('n', '')}]")
        elif child.tag in (T + "div", T + "body", T + "text", T + "group"):
            _volume(child, blocks)


def to_text(tree: etree._ElementTree, raw: bytes | None = None) -> str:
    root = tree.getroot() if isinstance(tree, etree._ElementTree) else tree
    blocks: list[str] = []
    if root.tag == T + "div" and root.get("type") == "document":
        blocks = document_text(root)
    else:
        _volume(root, blocks)
    text = "\n\n".join(blocks)
    origin = provenance.read(raw) if raw is not None else None
    eol, final = (origin.eol, origin.final_newline) if origin else ("\n", True)
    if final:
        text += "\n"
    return text.replace("\n", eol) if eol != "\n" else text
