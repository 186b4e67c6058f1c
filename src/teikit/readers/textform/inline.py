"""Pass 3: the text of one block → TEI mixed content (page breaks, gaps, markers, markings)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from lxml import etree

from ...xmlio import TEI_NS, XML_NS
from .blocks import Block

T = f"{{{TEI_NS}}}"
XML_ID = f"{{{XML_NS}}}id"

PAGE = re.compile(r"\[Page ([0-9]+|[ivxlcdm]+|[IVXLCDM]+)\]")
REDACTION = re.compile(r"\[([^\[\]]*?) not declassified\]")
OMISSION = re.compile(r"\[(Omitted here[^\[\]]*)\]")
MARKING = re.compile(r"\((U|C|S|TS)(?:/(?:NF|NOFORN|ORCON|WNINTEL|EXDIS|NODIS|LIMDIS))?\)")
_MEASURE = re.compile(r"(less than )?(\d+½?|½)\s+(paragraph|line|page|word|char)(?:acter)?s?\b")
_GLUE_BEFORE = set(".,;:!?)”’\"'»]")  # punctuation a footnote marker may follow directly
_CLASSIFICATION = re.compile(
    r"(?:Unclassified|Confidential|Secret|Top Secret|Limited Official Use|No classification marking)"
    r"(?:; (?:Sensitive|Eyes Only|Exdis|Nodis|Limdis|Noforn|[A-Z][a-z]+(?: [A-Z][a-z]+)*))*(?=\.)"
)
_BRACKET = re.compile(r"\[([^\[\]]*)\]")
_LOOKALIKE = re.compile(r"(?i)\bpage|declas|\bomitted\b")
_MARGIN_QUOTE = re.compile(r"(?<=: )“([^“”]+)”")


def gap_measure(phrase: str) -> dict[str, str]:
    """Machine-readable measure of a redaction phrase: the finest unit is the gap's own."""
    attrs: dict[str, str] = {}
    found = list(_MEASURE.finditer(phrase))
    if found:
        less, amount, unit = found[-1].groups()
        value = _number(amount)
        attrs["unit"] = unit
        attrs["atMost" if less else "quantity"] = value
    elif phrase in {"name", "names"}:
        attrs.update(unit="name", quantity="1")
    return attrs


def _number(amount: str) -> str:
    value = float(amount.replace("½", ".5") if amount != "½" else "0.5")
    return str(int(value)) if value.is_integer() else str(value)


def gap_desc(phrase: str, tail: str) -> etree._Element:
    """`<desc>` holding the printed words exactly, each measure tagged."""
    desc = etree.Element(T + "desc")
    pos = 0
    last = None
    for m in _MEASURE.finditer(phrase):
        # "less than" stays outside: the measure is "1 line", the gap says atMost="1"
        start = m.start(2)
        _append_text(desc, last, phrase[pos:start])
        _, amount, unit = m.groups()
        last = etree.SubElement(desc, T + "measure", unit=unit, quantity=_number(amount))
        last.text = phrase[start : m.end()]
        pos = m.end()
    _append_text(desc, last, phrase[pos:] + tail)
    return desc


def redaction(phrase: str) -> etree._Element:
    gap = etree.Element(T + "gap", reason="not-declassified", extent=phrase)
    for key, value in gap_measure(phrase).items():
        gap.set(key, value)
    gap.append(gap_desc(phrase, " not declassified"))
    return gap


def omission(sentence: str) -> etree._Element:
    gap = etree.Element(T + "gap", reason="editorial-omission")
    desc = etree.SubElement(gap, T + "desc")
    desc.text = sentence
    return gap


def page_break(n: str, facs_offset: int | None) -> etree._Element:
    pb = etree.Element(T + "pb", n=n)
    pb.set(XML_ID, f"pg_{n}")
    if facs_offset is not None and n.isdigit():
        pb.set("facs", f"{int(n) + facs_offset:04d}")
    return pb


def _append_text(parent: etree._Element, last: etree._Element | None, text: str) -> None:
    if not text:
        return
    if last is None:
        parent.text = (parent.text or "") + text
    else:
        last.tail = (last.tail or "") + text


@dataclass
class _Atom:
    start: int
    end: int
    make: Callable[[], etree._Element]
    kind: str


@dataclass
class _Container:
    start: int
    end: int
    inner_start: int
    inner_end: int
    make: Callable[[], etree._Element]


class InlineParser:
    """Turns block text into mixed content, reporting each decision through `decide`."""

    def __init__(self, markers, decide, facs_offset: int | None = None):
        self.markers = markers  # MarkerSequence or None (inside notes: no markers)
        self.decide = decide  # decide(kind, block, offset, message, warn=False)
        self.facs_offset = facs_offset

    def fill(self, parent: etree._Element, block: Block, start: int = 0, end: int | None = None,
             source_note: bool = False) -> None:
        text = block.text
        end = len(text) if end is None else end
        atoms = self._atoms(block, start, end)
        containers = self._containers(block, start, end, atoms) if source_note else []
        self._emit(parent, text, start, end, atoms, containers)

    def _atoms(self, block: Block, start: int, end: int) -> list[_Atom]:
        text = block.text
        atoms: list[_Atom] = []
        for m in PAGE.finditer(text, start, end):
            n = m.group(1)
            atoms.append(_Atom(m.start(), m.end(), lambda n=n: page_break(n, self.facs_offset), "pb"))
            space_before = m.start() == 0 or text[m.start() - 1].isspace()
            space_after = m.end() == len(text) or text[m.end()].isspace()
            if space_before != space_after:
                self.decide("page-break", block, m.start(), f"page break {n} has white space on one side only; "
                            "kept as written (is it between two words, or inside one?)", warn=True)
            else:
                self.decide("page-break", block, m.start(), f"page break {n}")
        for m in OMISSION.finditer(text, start, end):
            s = m.group(1)
            atoms.append(_Atom(m.start(), m.end(), lambda s=s: omission(s), "gap"))
            self.decide("omission", block, m.start(), f"editorial omission: [{s}]")
        for m in REDACTION.finditer(text, start, end):
            phrase = m.group(1)
            if not gap_measure(phrase) and phrase not in _UNMEASURED:
                self.decide("redaction", block, m.start(),
                            f"redaction phrase [{phrase} not declassified] has no measure teikit knows", warn=True)
            else:
                self.decide("redaction", block, m.start(), f"redaction [{phrase} not declassified]")
            atoms.append(_Atom(m.start(), m.end(), lambda p=phrase: redaction(p), "gap"))
        for m in MARKING.finditer(text, start, end):
            # the parentheses stay text, as printed; the letters are the marking
            code = m.group(0)[1:-1]
            atoms.append(_Atom(m.start() + 1, m.end() - 1, lambda c=code: _marking(c), "marking"))
        atoms.sort(key=lambda a: a.start)
        atoms = _drop_overlaps(atoms)
        self._other_brackets(block, start, end, atoms)
        if self.markers is not None:
            atoms = self._with_markers(block, start, end, atoms)
        return atoms

    def _other_brackets(self, block: Block, start: int, end: int, atoms: list[_Atom]) -> None:
        """Editorial insertions stay text; one that looks like a page marker, redaction or
        omission but is not in its form is reported, since it may be a typo."""
        for m in _BRACKET.finditer(block.text, start, end):
            if any(a.start <= m.start() < a.end for a in atoms):
                continue
            inner = m.group(1)
            if _LOOKALIKE.search(inner):
                self.decide("bracket", block, m.start(), f"[{inner}] is not a page marker, redaction or omission "
                            "as teikit knows them; kept as text", warn=True)
            else:
                self.decide("bracket", block, m.start(), f"editorial insertion [{inner}] kept as text")

    def _with_markers(self, block: Block, start: int, end: int, atoms: list[_Atom]) -> list[_Atom]:
        text = block.text
        taken = [(a.start, a.end) for a in atoms]
        for m in re.finditer(r"\d+", text[start:end]):
            s, e = start + m.start(), start + m.end()
            glue = glued(text, s, e)
            if any(a <= s < b for a, b in taken) or not glue:
                continue
            number = int(m.group())
            if number != self.markers.expected or number not in self.markers.notes:
                continue
            if glue == _AFTER_NUMBER:
                self.decide("footnote", block, s, f"“{text[max(s - 6, 0):e]}” read as footnote marker {number} "
                            "after a number, not as a decimal", warn=True)
            note = self.markers.take(block, s)
            atoms.append(_Atom(s, e, lambda note=note: note, "note"))
        atoms.sort(key=lambda a: a.start)
        return atoms

    def _containers(self, block: Block, start: int, end: int, atoms: list[_Atom]) -> list[_Container]:
        """In a source note: the classification sentence and quoted margin notes."""
        text = block.text
        found: list[_Container] = []
        cite_end = citation_end(text, start)
        if cite_end is not None:
            m = _CLASSIFICATION.match(text, cite_end)
            if m:
                found.append(_Container(m.start(), m.end(), m.start(), m.end(),
                                        lambda: etree.Element(T + "seg", type="classification")))
                self.decide("classification", block, m.start(), f"document classification: {m.group(0)}")
        for m in _MARGIN_QUOTE.finditer(text, start, end):
            found.append(_Container(m.start(1), m.end(1), m.start(1), m.end(1), lambda: etree.Element(T + "quote")))
        # a container may not cut through an atom
        return [c for c in found if not any(a.start < c.end and c.start < a.end and not
                                              (c.start <= a.start and a.end <= c.end) for a in atoms)]

    def _emit(self, parent, text, start, end, atoms, containers) -> None:
        last = None
        pos = start
        items = sorted(
            [(a.start, 0, a) for a in atoms if start <= a.start < end]
            + [(c.start, 1, c) for c in containers if start <= c.start < end],
            key=lambda x: (x[0], x[1]),
        )
        i = 0
        while i < len(items):
            s, _, item = items[i]
            if s < pos:
                i += 1
                continue
            _append_text(parent, last, text[pos:s])
            if isinstance(item, _Atom):
                last = item.make()
                parent.append(last)
                pos = item.end
            else:
                last = item.make()
                parent.append(last)
                inner_atoms = [a for a in atoms if item.inner_start <= a.start and a.end <= item.inner_end]
                self._emit(last, text, item.inner_start, item.inner_end, inner_atoms, [])
                pos = item.end
            i += 1
        _append_text(parent, last, text[pos:end])


_UNMEASURED = {"text", "name", "names", "handling restriction", "handling restrictions", "title", "date"}


def _marking(code: str) -> etree._Element:
    seg = etree.Element(T + "seg", type="classification-marking")
    seg.text = code
    return seg


def _drop_overlaps(atoms: list[_Atom]) -> list[_Atom]:
    kept: list[_Atom] = []
    for atom in atoms:
        if kept and atom.start < kept[-1].end:
            continue
        kept.append(atom)
    return kept


_AFTER_NUMBER = "after-number"


def glued(text: str, start: int, end: int) -> bool | str:
    """A footnote marker is digits glued to a word or punctuation, not part of a number.

    "1984.2 The" is ambiguous (a decimal, or a marker after a year): it is taken as a marker
    only at a word end, and the caller reports it (`_AFTER_NUMBER`)."""
    if start == 0 or (end < len(text) and (text[end].isalnum() or text[end] in "½/")):
        return False
    before = text[start - 1]
    if before.isalpha():
        return True
    if before in _GLUE_BEFORE:
        if before in ".,:" and start >= 2 and text[start - 2].isdigit():
            # "3,000" and "4:25" are numbers; "17.4 " and "1982,2 " may be markers
            at_word_end = end == len(text) or text[end] in " )”’\"'"
            maybe = before == "." or (before == "," and end - start != 3)
            return _AFTER_NUMBER if maybe and at_word_end else False
        return True
    return False


def citation_end(text: str, start: int = 0) -> int | None:
    """Offset just after the archival citation of a source note ("Source: …; NLR–…. ")."""
    if not text.startswith("Source:", start):
        return None
    depth = 0
    for i in range(start, len(text) - 1):
        ch = text[i]
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(depth - 1, 0)
        elif ch == "." and depth == 0 and text[i + 1] == " " and i + 2 < len(text) and text[i + 2].isupper():
            return i + 2
    return None
