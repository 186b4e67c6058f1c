"""Pass 1: text → blocks. Blocks are separated by blank lines; wrapped lines are joined.

Every block keeps where its characters came from, so later passes can report `line:col`.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Iterator

# A line that ends in a hyphen glued to a word ("pro-", "U.S.-") continues without a space.
# Rule (stated in the README): the hyphen is always kept, because dropping it could destroy a
# real compound ("long-" / "term"); each case is reported so an editor can decide.
_LINE_END_HYPHEN = re.compile(r"\S-$")


@dataclass(slots=True)
class Block:
    """One block of the text form: its text (lines joined) and a map back to the source."""

    text: str
    line: int  # 1-based line of the first character
    indent: int  # leading spaces of the first line, stripped from `text`
    # (offset in text, source line, source column of that offset) for each joined line
    starts: list[tuple[int, int, int]] = field(default_factory=list, repr=False)
    joins: list[tuple[int, str]] = field(default_factory=list)  # (offset, "space"|"hyphen")
    lines: list[str] = field(default_factory=list)  # the stripped source lines
    indents: list[int] = field(default_factory=list)  # leading white space of each line

    def line_spans(self) -> list[tuple[int, int]]:
        """(start, end) offsets in `text` of each source line."""
        return [(start, start + len(line)) for (start, _, _), line in zip(self.starts, self.lines)]

    @property
    def end_line(self) -> int:
        return self.starts[-1][1]

    def position(self, offset: int) -> tuple[int, int]:
        """Source (line, column), both 1-based, of a character offset in `text`."""
        keys = [s[0] for s in self.starts]
        i = max(bisect.bisect_right(keys, offset) - 1, 0)
        start, line, col = self.starts[i]
        return line, col + (offset - start)


@dataclass
class Layout:
    """What the text form looked like, so `export --to text` can give the same bytes back."""

    eol: str = "\n"
    final_newline: bool = False
    wrapped: bool = False


def iter_blocks(text: str, layout: Layout) -> Iterator[Block]:
    """The blocks of `text`, one at a time (a volume is never held as a list of lines);
    `layout` is filled in as a side effect."""
    if "\r\n" in text:
        layout.eol = "\r\n"
        text = text.replace("\r\n", "\n")
    start = 1 if text.startswith("\ufeff") else 0
    layout.final_newline = text.endswith("\n")
    current: list[tuple[int, str]] = []
    for number, line in enumerate(_lines(text, start), start=1):
        if line.strip():
            current.append((number, line))
        elif current:
            block = _join(current)
            layout.wrapped = layout.wrapped or bool(block.joins)
            yield block
            current = []
    if current:
        block = _join(current)
        layout.wrapped = layout.wrapped or bool(block.joins)
        yield block


def split_blocks(text: str) -> tuple[list[Block], Layout]:
    layout = Layout()
    return list(iter_blocks(text, layout)), layout


def _lines(text: str, start: int) -> Iterator[str]:
    while True:
        end = text.find("\n", start)
        if end < 0:
            yield text[start:]
            return
        yield text[start:end]
        start = end + 1


def _join(lines: list[tuple[int, str]]) -> Block:
    first_line, first = lines[0]
    indent = len(first) - len(first.lstrip(" \t"))
    text = first.strip()
    starts = [(0, first_line, indent + 1)]
    joins: list[tuple[int, str]] = []
    for number, raw in lines[1:]:
        lead = len(raw) - len(raw.lstrip(" \t"))
        piece = raw.strip()
        if _LINE_END_HYPHEN.search(text):
            joins.append((len(text), "hyphen"))
        else:
            joins.append((len(text), "space"))
            text += " "
        starts.append((len(text), number, lead + 1))
        text += piece
    return Block(text=text, line=first_line, indent=indent, starts=starts, joins=joins,
                 lines=[raw.strip() for _, raw in lines],
                 indents=[len(raw) - len(raw.lstrip(" \t")) for _, raw in lines])
