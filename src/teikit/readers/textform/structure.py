"""Pass 2: blocks → documents → TEI `div`s (headings, footnotes, lists, datelines, closers)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Iterator

from lxml import etree

from ...report import ERROR, INFO, WARNING, Diagnostic
from .blocks import Block
from .dates import parse_dateline
from .inline import OMISSION, PAGE, REDACTION, T, XML_ID, InlineParser, glued, omission, page_break, redaction

HEADING = re.compile(r"^(\d+[A-Z]?)\. (\S.*)$")
FOOTNOTE = re.compile(r"^(\d+)\.\s+")
BULLET = "• "
DASH = "—"
LIST_LABELS = {
    "SUBJECT": "subject",
    "PARTICIPANTS": "participants",
    "PARTICIPATION": "participants",
    "PRESENT": "participants",
    "SUMMARY OF CONCLUSIONS": "conclusions",
}
ATTACHMENT = re.compile(r"Attachments?|Tab [A-Z0-9]+|Enclosure(?: \d+)?")
SHORT_ITEM_WORDS = 25  # a label's item on a block of its own is a line, not a paragraph
CLOSES = ("Sincerely", "Sincerely yours", "Respectfully", "Respectfully yours", "Best regards", "Warm regards")


@dataclass
class Document:
    number: str
    blocks: list[Block]
    footnotes: list[tuple[int, list[Block]]] = field(default_factory=list)  # (n, blocks)
    _markers: list[int] = field(default_factory=lambda: [0], repr=False)  # markers in blocks[:i]

    def markers(self, end: int | None = None) -> int:
        """How many footnote markers 1, 2, … the first `end` blocks carry (memoised: the
        boundary tests ask this for every numbered block of a growing document)."""
        end = len(self.blocks) if end is None else end
        while len(self._markers) <= end:
            self._markers.append(_scan(self.blocks[len(self._markers) - 1], self._markers[-1]))
        return self._markers[end]


class Decisions:
    """Every decision of the converter, located in the source; uncertain ones are warnings."""

    def __init__(self, path: str, strict: bool = False):
        self.path = path
        self.strict = strict
        self.items: list[Diagnostic] = []

    def __call__(self, kind: str, block: Block, offset: int, message: str, warn: bool = False) -> None:
        line, col = block.position(offset)
        severity = (ERROR if self.strict else WARNING) if warn else INFO
        self.items.append(Diagnostic(self.path, line, col, severity, message, rule=kind))


class MarkerSequence:
    """Footnote markers run 1, 2, 3 … in document order; each takes its prepared note."""

    def __init__(self, notes: dict[int, etree._Element], decide: Decisions):
        self.notes = notes
        self.expected = 1
        self.decide = decide

    def take(self, block: Block, offset: int) -> etree._Element:
        note = self.notes.pop(self.expected)
        self.decide("footnote", block, offset, f"footnote {self.expected} attached at its marker")
        self.expected += 1
        while self.expected not in self.notes and self.expected <= max(self.notes, default=0):
            self.expected += 1
        return note


def split_documents(blocks: Iterable[Block], decide: Decisions) -> Iterator[Document | Block]:
    """Documents, in order, with the page breaks that stand between them (as bare Blocks),
    each yielded as soon as the next heading closes it.

    A boundary is a heading `N. Title` once the current document ends in a complete footnote
    run (see `_starts_document`). Never guessed silently: each boundary and each near miss is
    a decision in the report."""
    current: Document | None = None
    pending: list[Block] = []  # page breaks not yet known to be inside or between documents
    seen: set[str] = set()
    for block in blocks:
        if PAGE.fullmatch(block.text):
            pending.append(block)
            continue
        m = HEADING.match(block.text)
        if current is None or (m and _starts_document(current, block, int(re.match(r"\d+", m.group(1)).group()), decide)):
            if current is None and not m:
                decide("boundary", block, 0, "the text does not begin with a document heading "
                       "'N. Title'; expected for example '321. Note Prepared …'", warn=True)
            if current is not None:
                _split_footnotes(current)
                yield current
            yield from pending
            pending = []
            previous = current.number if current else None
            current = Document(m.group(1) if m else "", [block])
            if m:
                decide("boundary", block, 0, f"document {m.group(1)} begins")
                _check_number(previous, current.number, seen, block, decide)
                seen.add(current.number)
            continue
        current.blocks.extend(pending)
        pending = []
        current.blocks.append(block)
    if current is not None:
        _split_footnotes(current)
        yield current
    yield from pending


def _check_number(previous: str | None, number: str, seen: set[str], block: Block, decide: Decisions) -> None:
    if number in seen:
        decide("boundary", block, 0, f"document number {number} occurs twice; its ids get the suffix _2", warn=True)
    elif previous and not _follows(previous, number):
        decide("boundary", block, 0, f"document {number} follows document {previous}: out of sequence", warn=True)


def _follows(previous: str, number: str) -> bool:
    """`number` may follow `previous`: the next integer, or a lettered insert (14 → 14A)."""
    p, n = re.match(r"\d+", previous), re.match(r"\d+", number)
    if not p or not n:
        return False
    return int(n.group()) == int(p.group()) + 1 or (number != previous and n.group() == p.group())


def _starts_document(current: Document, block: Block, number: int, decide: Decisions) -> bool:
    """Is this `N. …` block the heading of a new document, rather than a footnote or a
    numbered paragraph? Yes when what precedes it ends in a complete footnote run: numbered
    1…k, no marker inside, and exactly k markers in the body before it."""
    if block.indent:  # footnotes may be indented, headings never are
        return False
    start = _footnote_start(current.blocks)
    title_like = block.text[-1] not in ".:;" and len(block.text.split()) <= 40
    if start is not None and _complete(current, start):
        first = current.blocks[start]
        # a run that looks like footnotes (indented, or a source note) ends the document; a
        # bare "1. …" paragraph only when the heading's number follows this document's
        if first.indent or first.text.startswith("1. Source:") or (_follows(current.number, str(number)) and title_like):
            return True
    if start is not None and _follows(current.number, str(number)) and title_like:
        decide("boundary", block, 0, f"document {number} begins although the footnotes of document "
               f"{current.number} do not match its markers", warn=True)
        return True
    if start is None and title_like and current.markers() == 0 and _follows(current.number, str(number)):
        decide("boundary", block, 0, f"document {current.number} ends without footnotes; "
               f"'{block.text[:40]}' read as the next document's heading", warn=True)
        return True
    if _follows(current.number, str(number)) and title_like:
        decide("boundary", block, 0, f"'{block.text[:40]}' could begin document {number}, but document "
               f"{current.number}'s footnotes are not complete before it; read as part of document "
               f"{current.number}", warn=True)
    return False


def _footnote_start(blocks: list[Block]) -> int | None:
    """Start of the trailing run of blocks numbered 1, 2, … k (indented continuation
    paragraphs allowed inside), or None."""
    last = None
    for j in range(len(blocks) - 1, 0, -1):
        block = blocks[j]
        m = FOOTNOTE.match(block.text)
        if m:
            n = int(m.group(1))
            if last is not None and n != last - 1:
                return None
            last = n
            if n == 1:
                return j
        elif not block.indent:  # an indented block is a further paragraph of a footnote
            return None
    return None


def _complete(doc: Document, start: int) -> bool:
    """The run from `start` holds footnotes 1…k for exactly the k markers before it. A run
    that seems to carry marker k+1 itself is body text ("1. The paper2 should …"), unless it
    looks like footnotes (indented, or a source note)."""
    k = sum(1 for b in doc.blocks[start:] if FOOTNOTE.match(b.text))
    if doc.markers(start) != k:
        return False
    first = doc.blocks[start]
    return doc.markers() == k or bool(first.indent) or first.text.startswith("1. Source:")


def _scan(block: Block, found: int) -> int:
    """Markers found after `block`, given `found` before it (markers run 1, 2, … in order)."""
    text = block.text
    for m in re.finditer(r"\d+", text):
        if int(m.group()) == found + 1 and glued(text, m.start(), m.end()):
            found += 1
    return found


def _split_footnotes(doc: Document) -> None:
    """Footnotes are the trailing run of blocks numbered 1, 2, … k (with continuation blocks)."""
    blocks = doc.blocks
    start = _footnote_start(blocks)
    if start is None or not (_complete(doc, start) or blocks[start].indent
                             or blocks[start].text.startswith("1. Source:") or doc.markers(start)):
        return  # numbered paragraphs that end the body, not footnotes
    expected = 1
    notes: list[tuple[int, list[Block]]] = []
    for block in blocks[start:]:
        m = FOOTNOTE.match(block.text)
        if m and int(m.group(1)) == expected:
            notes.append((expected, [block]))
            expected += 1
        else:
            notes[-1][1].append(block)  # a further paragraph of the same footnote
    doc.footnotes = notes
    doc.blocks = blocks[:start]


class DocumentBuilder:
    """Builds one `<div type="document">` from a Document."""

    def __init__(self, decide: Decisions, facs_offset: int | None = None):
        self.decide = decide
        self.facs_offset = facs_offset

    def build(self, doc: Document) -> etree._Element:
        n = doc.number
        div = etree.Element(T + "div", type="document")
        div.set("subtype", "historical-document")
        if n:
            div.set("n", n)
            div.set(XML_ID, f"d{n}")
        notes = self._notes(doc)
        markers = MarkerSequence(notes, self.decide)
        inline = InlineParser(markers, self.decide, self.facs_offset)
        blocks = list(doc.blocks)
        if blocks and (m := HEADING.match(blocks[0].text)):
            head = etree.SubElement(div, T + "head")
            inline.fill(head, blocks[0], m.start(2))
            if "Editorial Note" == _plain(head).strip():
                div.set("subtype", "editorial-note")
            blocks = blocks[1:]
        if blocks and self._is_subject(blocks[0], blocks[1:]):
            head = etree.SubElement(div, T + "head", type="subject")
            inline.fill(head, blocks[0])
            self.decide("subject", blocks[0], 0, "short untitled line after the heading read as the subject heading")
            blocks = blocks[1:]
        self._body(div, blocks, inline)
        for number, note in sorted(markers.notes.items()):
            self.decide("footnote", doc.footnotes[number - 1][1][0], 0,
                        f"footnote {number} of document {n} has no marker in the text; kept at the end of the document",
                        warn=True)
            target = div[-1] if len(div) and div[-1].tag == T + "p" else etree.SubElement(div, T + "p")
            target.append(note)
        return div

    def _notes(self, doc: Document) -> dict[int, etree._Element]:
        notes: dict[int, etree._Element] = {}
        plain = InlineParser(None, self.decide, self.facs_offset)
        for number, blocks in doc.footnotes:
            first = blocks[0]
            offset = FOOTNOTE.match(first.text).end()
            is_source = first.text.startswith("Source:", offset)
            note = etree.Element(T + "note")
            if is_source:
                note.set("type", "source")
            note.set("n", str(number))
            if doc.number:
                note.set(XML_ID, f"d{doc.number}fn{number}")
            note.set("place", "foot")
            if len(blocks) == 1:
                plain.fill(note, first, offset, source_note=is_source)
            else:
                for i, block in enumerate(blocks):
                    p = etree.SubElement(note, T + "p")
                    plain.fill(p, block, offset if i == 0 else 0, source_note=is_source and i == 0)
            notes[number] = note
        return notes

    def _is_subject(self, block: Block, rest: list[Block]) -> bool:
        text = block.text
        if not rest or block.indent or _special(text) or parse_dateline(text) is not None:
            return False
        if text.upper() in LIST_LABELS or text[-1] in ".:;,?!" or len(text.split()) > 20:
            return False
        return text[0].isupper()

    def _body(self, div: etree._Element, blocks: list[Block], inline: InlineParser) -> None:
        attachment = next((k for k, b in enumerate(blocks) if ATTACHMENT.fullmatch(b.text)), None)
        if attachment is not None:
            main = blocks[:attachment]
            if self._closer_start(main) is not None:
                inline.decide("signature", main[-1], 0, "a signature before an attachment is kept as a "
                              "paragraph (TEI allows a closer only at the end of a div)", warn=True)
            self._body_blocks(div, main, inline, None)  # first: footnote markers run in reading order
            self._attachment(div, blocks[attachment:], inline)
            return
        self._body_blocks(div, blocks, inline, self._closer_start(blocks))

    def _attachment(self, div: etree._Element, blocks: list[Block], inline: InlineParser) -> None:
        """`Attachment` / `Tab A` and what follows: a div of its own, with head and dateline."""
        label = blocks[0]
        att = etree.SubElement(div, T + "div", type="attachment", n=label.text)
        inline.decide("attachment", label, 0, f"attachment labelled “{label.text}” begins")
        rest = blocks[1:]
        if rest and self._is_subject(rest[0], rest[1:]):
            inline.fill(etree.SubElement(att, T + "head"), rest[0])
            rest = rest[1:]
        self._body(att, rest, inline)

    def _body_blocks(self, div: etree._Element, blocks: list[Block], inline: InlineParser,
                     closer_from: int | None) -> None:
        current_list: etree._Element | None = None
        i = 0
        while i < len(blocks):
            block = blocks[i]
            text = block.text
            if closer_from is not None and i == closer_from:
                self._closer(div, blocks[i:], inline)
                return
            rend = _item_rend(text)
            if rend:
                if current_list is None or current_list.get("rend") != rend:
                    current_list = etree.SubElement(div, T + "list", rend=rend)
                item = etree.SubElement(current_list, T + "item")
                inline.fill(item, block, len(BULLET) if rend == "bulleted" else len(DASH))
                i += 1
                continue
            if PAGE.fullmatch(text) and current_list is not None and i + 1 < len(blocks) \
                    and _item_rend(blocks[i + 1].text) == current_list.get("rend"):
                current_list.append(page_break(PAGE.fullmatch(text).group(1), inline.facs_offset))
                inline.decide("page-break", block, 0, f"page break {PAGE.fullmatch(text).group(1)} inside a list")
                i += 1
                continue
            current_list = None
            if m := PAGE.fullmatch(text):
                div.append(page_break(m.group(1), inline.facs_offset))
                inline.decide("page-break", block, 0, f"page break {m.group(1)}")
            elif m := REDACTION.fullmatch(text):
                div.append(redaction(m.group(1)))
                inline.decide("redaction", block, 0, f"redaction filling a block: [{m.group(1)} not declassified]")
            elif m := OMISSION.fullmatch(text):
                div.append(omission(m.group(1)))
                inline.decide("omission", block, 0, f"editorial omission filling a block: [{m.group(1)}]")
            elif (dateline := parse_dateline(text)) is not None:
                opener = etree.SubElement(div, T + "opener")
                opener.append(dateline)
                inline.decide("dateline", block, 0, f"dateline: {text}")
            elif block.lines[0] in LIST_LABELS:
                i = self._labelled_list(div, blocks, i, inline)
                continue
            else:
                p = etree.SubElement(div, T + "p")
                inline.fill(p, block)
            i += 1

    def _labelled_list(self, div, blocks: list[Block], i: int, inline: InlineParser) -> int:
        block = blocks[i]
        label = block.lines[0]
        lst = etree.SubElement(div, T + "list", type=LIST_LABELS[label])
        head = etree.SubElement(lst, T + "head")
        head.text = label
        inline.decide("list", block, 0, f"labelled list {label}")
        if len(block.lines) > 1:
            # items on the label block's own lines, one per line; deeper-indented lines are
            # the members of the group named on the line above (participants by agency)
            group: etree._Element | None = None
            for k, (start, end) in enumerate(block.line_spans()[1:], start=1):
                if group is not None and block.indents[k] > block.indents[0]:
                    sub = group.find(T + "list")
                    item = etree.SubElement(sub if sub is not None else etree.SubElement(group, T + "list"), T + "item")
                else:
                    item = group = etree.SubElement(lst, T + "item")
                inline.fill(item, block, start, end)
            return i + 1
        following = blocks[i + 1] if i + 1 < len(blocks) else None
        if following is not None and len(following.text.split()) <= SHORT_ITEM_WORDS and not _special(following.text):
            inline.fill(etree.SubElement(lst, T + "item"), following)
            inline.decide("list", following, 0, f"the block after the label {label} read as its item", warn=True)
            return i + 2
        if LIST_LABELS[label] == "subject":  # a subject line left blank (or crossed out) in the original
            etree.SubElement(lst, T + "item")
            inline.decide("list", block, 0, f"labelled list {label} has no item (the next block is not a short line)",
                          warn=True)
        else:  # a label standing alone is a caption of what follows, e.g. SUMMARY OF CONCLUSIONS
            div.remove(lst)
            inline.fill(etree.SubElement(div, T + "p"), block)
            inline.decide("list", block, 0, f"label {label} without items read as a paragraph")
        return i + 1

    def _closer_start(self, blocks: list[Block]) -> int | None:
        """A signature: one or two short name-like lines at the very end, maybe after a close."""
        if len(blocks) < 2:
            return None
        last = blocks[-1].text
        if not _name_like(last):
            return None
        start = len(blocks) - 1
        if blocks[start - 1].text.rstrip(",") in CLOSES:
            start -= 1
        return start

    def _closer(self, div, blocks: list[Block], inline: InlineParser) -> None:
        closer = etree.SubElement(div, T + "closer")
        for block in blocks:
            if block.text.rstrip(",") in CLOSES:
                el = etree.SubElement(closer, T + "salute")
            else:
                el = etree.SubElement(closer, T + "signed")
            inline.fill(el, block)
            inline.decide("signature", block, 0, f"closing block read as {etree.QName(el).localname}: {block.text}")


def _item_rend(text: str) -> str | None:
    if text.startswith(BULLET):
        return "bulleted"
    if text.startswith(DASH) and len(text) > 1 and text[1].isalpha():
        return "dashed"
    return None


def _special(text: str) -> bool:
    return bool(PAGE.fullmatch(text) or REDACTION.fullmatch(text) or OMISSION.fullmatch(text)
                or _item_rend(text) or text.startswith("["))


def _name_like(text: str) -> bool:
    words = text.split()
    return (0 < len(words) <= 4 and text[-1] not in ".:;,?!)" and all(w[:1].isupper() for w in words)
            and not _special(text) and parse_dateline(text) is None and text.upper() != text)


def _plain(el: etree._Element) -> str:
    return "".join(el.itertext())
