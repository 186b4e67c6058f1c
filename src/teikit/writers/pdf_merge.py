"""Join the separately typeset parts of a volume into one PDF (pikepdf, qpdf underneath).

What one Typst run would have made and separate runs cannot, the merge adds: the body's page
numbers (stamped from a PDF that holds only them, as artifacts), links between parts (the
parts carry `teikit-label:NAME` and `teikit-mark:N` placeholders, resolved here from the
positions the parts reported), bookmarks, one tag tree (the parts' trees in order, their
parent-tree keys renumbered), and page labels (i, ii … for the front matter, 1, 2 … after).

The merge runs in a process of its own (`python -m teikit.writers.pdf_merge`, driven by
pdf_parts through JSON lines on its standard input, see `serve`): it joins each part while
the others are still typeset, and it ends without freeing the hundred thousand PDF objects
it holds (some 70,000 for the benchmark volume), which took half a second.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass, field

import pikepdf
from pikepdf import Array, Dictionary, Name

LABEL_LINK = "teikit-label:"
MARK_LINK = "teikit-mark:"


def _even(n: int) -> int:
    return n + n % 2


@dataclass
class Layout:
    """Where the body parts land in the book: part k starts at printed page starts[k]."""
    pages: list[int]
    probes: list[dict]
    starts: list[int] = field(default_factory=list)

    @classmethod
    def of_body(cls, pages: list[int], probes: list[dict]) -> "Layout":
        starts, at = [], 1
        for count in pages:
            starts.append(at)
            at += _even(count)          # every part begins on a right-hand (odd) page
        return cls(pages, probes, starts)

    @property
    def body_pages(self) -> int:
        return self.starts[-1] - 1 + _even(self.pages[-1])

    def printed(self, part: int, page: int) -> int:
        return self.starts[part] + page - 1

    def anchors(self, has_back: bool) -> dict[str, dict]:
        """Every link target: its printed page, piece (0-based: the body parts, then the index),
        and page, x, y in that piece. The index of persons opens the page after the body."""
        found = {}
        for part, probe in enumerate(self.probes):
            for name, page, x, y in probe["anchors"]:
                found[name] = {"page": str(self.printed(part, page)), "part": part, "at": [page, x, y]}
        if has_back:
            found.setdefault("tk-index", {"page": str(self.body_pages + 1), "part": len(self.probes), "at": [1, 0, 0]})
        return found

    def marks(self) -> list[list]:
        """The index marks of all parts, in order: [person id, printed page, mark number]."""
        out = []
        for part, probe in enumerate(self.probes):
            for person, page, _, _ in probe["marks"]:
                out.append([person, str(self.printed(part, page)), len(out)])
        return out

    def mark_places(self) -> list[tuple[int, list]]:
        return [(part, [page, x, y]) for part, probe in enumerate(self.probes) for _, page, x, y in probe["marks"]]


@dataclass
class Merged:
    """Where the body parts' pages landed in the merged PDF."""
    front_pages: int
    layout: Layout

    def page_number(self, part: int, page: int) -> int:
        """The 1-based physical page of a part's page in the merged PDF."""
        return self.front_pages + self.layout.printed(part, page)


class Book:
    """The merged PDF, built as the pieces arrive: body parts in order (each joined while the
    next ones are still being typeset), then the front matter and the index. The page numbers
    are stamped on from a PDF of numbers alone (`set_stamp`) as soon as both are there. Each
    piece is a PDF file and the probe its Typst run answered (see typst_run)."""

    def __init__(self):
        self.out = pikepdf.new()
        self.tags = _TagTree(self.out)
        self.probes: list[dict] = []                     # body part → its probe
        self.first_page: list[int] = []                  # body part → index of its first page
        self.size = None
        self.stamp: list[pikepdf.Page] = []              # page n: the number n alone
        self.unstamped: list[tuple[pikepdf.Page, int]] = []     # (page, printed number)
        self.sources: list[pikepdf.Pdf] = []             # open until saved: qpdf copies stream data then

    def _open(self, path: str, probe: dict | None = None) -> pikepdf.Pdf:
        source = pikepdf.open(path)
        if probe is not None and len(source.pages) != probe["pages"]:
            raise ValueError(f"{path} has {len(source.pages)} pages, its Typst run counted {probe['pages']}")
        self.sources.append(source)
        return source

    def set_stamp(self, path: str) -> None:
        self.stamp = list(self._open(path).pages)
        self._number([])

    def _number(self, pages: list[tuple[pikepdf.Page, int]]) -> None:
        """Stamp the numbers of these pages and of those waiting, as far as the stamp goes."""
        waiting, self.unstamped = self.unstamped + pages, []
        for page, number in waiting:
            if number <= len(self.stamp):
                _stamp(self.out, page, self.stamp[number - 1])
            else:
                self.unstamped.append((page, number))

    def _append(self, source: pikepdf.Pdf) -> int:
        """Add a piece's pages and tags after those so far, from a right-hand page; the index of
        its first page."""
        self.size = self.size or source.pages[0].mediabox
        _pad(self.out, self.size)
        start = len(self.out.pages)
        self.out.pages.extend(source.pages)
        pages = self.out.pages[start:]
        self.tags.add(source, pages)
        self._number([(page, start + i + 1) for i, page in enumerate(pages)])
        return start

    def add_part(self, path: str, probe: dict) -> None:
        self.first_page.append(self._append(self._open(path, probe)))
        self.probes.append(probe)

    def finish(self, front: str, back: str | None, back_probe: dict | None, out_path: str) -> int:
        """Add the index and the front matter, write the whole PDF to `out_path`; the number of
        pages before the body."""
        out = self.out
        layout = Layout.of_body([probe["pages"] for probe in self.probes], self.probes)
        first_page = {i + 1: start for i, start in enumerate(self.first_page)}
        if back:
            first_page[len(self.first_page) + 1] = self._append(self._open(back, back_probe))
        assert not self.unstamped, "the stamp of page numbers is too short"
        # Before the body: the front matter, and a blank verso so that the body opens on a recto.
        source = self._open(front)
        pages = list(source.pages)
        if len(pages) % 2:
            blank = pikepdf.new()
            self.sources.append(blank)
            pages.append(blank.add_blank_page(page_size=_size(self.size)))
        for index, page in enumerate(pages):
            out.pages.insert(index, page)
        front_pages = len(pages)
        first_page = {piece: start + front_pages for piece, start in first_page.items()}
        self.tags.add(source, out.pages[:len(source.pages)], first=True)
        for key in ("/Lang", "/MarkInfo", "/ViewerPreferences", "/Metadata"):
            if key in source.Root:
                value = source.Root[key]
                out.Root[key] = out.copy_foreign(value if value.is_indirect else source.make_indirect(value))
        out.trailer.Info = out.copy_foreign(source.trailer.Info)
        self.tags.finish()
        pages = list(out.pages)
        _resolve_links(pages, _targets(pages, layout, first_page, back is not None))
        pieces = [*layout.probes, *([back_probe] if back else [])]
        _outline(out, pages, [(first_page[index] + page - 1, level, title, x, y)
                              for index, probe in enumerate(pieces, 1) for level, title, page, x, y in probe["headings"]])
        out.Root.PageLabels = Dictionary(Nums=Array([0, Dictionary(S=Name.r), front_pages, Dictionary(S=Name.D, St=1)]))
        out.save(out_path, linearize=False, object_stream_mode=pikepdf.ObjectStreamMode.generate,
                 stream_decode_level=pikepdf.StreamDecodeLevel.none)
        return front_pages


def _size(mediabox) -> tuple[float, float]:
    return float(mediabox[2]) - float(mediabox[0]), float(mediabox[3]) - float(mediabox[1])


def _pad(pdf: pikepdf.Pdf, size) -> None:
    """A blank verso when the pages so far end on a right-hand page."""
    if len(pdf.pages) % 2:
        pdf.add_blank_page(page_size=_size(size))


def _stamp(pdf: pikepdf.Pdf, page: pikepdf.Page, number_page: pikepdf.Page) -> None:
    """Draw the number page over the page, as an artifact (no part of the tagged text)."""
    form = pdf.copy_foreign(number_page.as_form_xobject())
    name = page.add_resource(form, Name.XObject, prefix="TkNum")
    page.contents_add(b"q\n", prepend=True)
    page.contents_add(b"\nQ\n/Artifact BMC q " + bytes(name) + b" Do Q EMC\n")


def _xyz(page: pikepdf.Page, x: float, y: float) -> Array:
    """A destination at (x, y) of a page, y measured from the top as Typst reports it."""
    return Array([page.obj, Name.XYZ, x, float(page.mediabox[3]) - y, 0])


def _targets(pages: list[pikepdf.Page], layout: Layout, first_page: dict[int, int], has_back: bool) -> dict[str, Array]:
    """Placeholder link → destination array."""
    def dest(piece: int, at: list) -> Array:
        page, x, y = at
        return _xyz(pages[first_page[piece] + page - 1], x, y)

    found = {LABEL_LINK + name: dest(info["part"] + 1, info["at"]) for name, info in layout.anchors(has_back).items()}
    for number, (part, at) in enumerate(layout.mark_places()):
        found[f"{MARK_LINK}{number}"] = dest(part + 1, at)
    return found


def _resolve_links(pages: list[pikepdf.Page], targets: dict[str, Array]) -> None:
    for page in pages:
        for annot in page.obj.get("/Annots", []):
            action = annot.get("/A")
            uri = str(action.get("/URI", "")) if action is not None else ""
            if uri.startswith((LABEL_LINK, MARK_LINK)) and uri in targets:
                del annot["/A"]
                annot.Dest = targets[uri]


def _outline(out: pikepdf.Pdf, pages: list[pikepdf.Page], headings: list[tuple[int, int, str, float, float]]) -> None:
    """Bookmarks from the pieces' headings (page index, level, title, x, y), nested by level,
    all open. Written as plain dictionaries: pikepdf's outline objects took three times longer."""
    root = out.make_indirect(Dictionary(Type=Name.Outlines))
    kids: dict[int, list] = {}                           # id of an item → its children
    stack: list[tuple[int, Dictionary]] = []
    for index, level, title, x, y in headings:
        item = out.make_indirect(Dictionary(Title=pikepdf.String(title), Dest=_xyz(pages[index], x, y)))
        while stack and stack[-1][0] >= level:
            stack.pop()
        parent = stack[-1][1] if stack else root
        item.Parent = parent
        kids.setdefault(parent.objgen, []).append(item)
        stack.append((level, item))

    def link(parent: Dictionary) -> int:
        """Chain the children of `parent`; the number of items below it."""
        children = kids.get(parent.objgen, [])
        if not children:
            return 0
        for before, after in zip(children, children[1:]):
            before.Next, after.Prev = after, before
        parent.First, parent.Last = children[0], children[-1]
        count = len(children) + sum(link(child) for child in children)
        parent.Count = count
        return count

    link(root)
    out.Root.Outlines = root


class _TagTree:
    """The tag tree of the merged PDF: each piece's top elements, in reading order. Each piece
    numbers its marked content from 0 (a page's /StructParents, an annotation's /StructParent,
    the keys of its parent tree); the merge shifts each piece's keys past those before it."""

    def __init__(self, out: pikepdf.Pdf):
        self.out = out
        self.root = out.make_indirect(Dictionary(Type=Name.StructTreeRoot, RoleMap=Dictionary()))
        out.Root.StructTreeRoot = self.root
        self.kids: list = []
        self.nums: list[tuple[int, object]] = []
        self.next_key = 0

    def add(self, source: pikepdf.Pdf, pages, first: bool = False) -> None:
        """Take over the tags of `source`, whose pages are now `pages` of the merged PDF;
        `first`: they come before those taken so far."""
        theirs = source.Root.get("/StructTreeRoot")
        if theirs is None:
            return
        offset = self.next_key
        for page in pages:
            if "/StructParents" in page.obj:
                page.obj.StructParents = int(page.obj.StructParents) + offset
            for annot in page.obj.get("/Annots", []):
                if "/StructParent" in annot:
                    annot.StructParent = int(annot.StructParent) + offset
        # One copy of their whole tree (a copy per object costs 0.2 ms); the objects the pages
        # already brought over (pages, annotations) are reused, not duplicated.
        copied = self.out.copy_foreign(theirs)
        kids = list(copied.K) if isinstance(copied.K, Array) else [copied.K]
        for kid in kids:
            kid.P = self.root
        self.kids = kids + self.kids if first else self.kids + kids
        self.nums += [(key + offset, value) for key, value in _numbers(copied.ParentTree)]
        for role, standard in (copied.get("/RoleMap") or {}).items():
            if role not in self.root.RoleMap:
                self.root.RoleMap[role] = standard
        self.next_key = offset + int(copied.get("/ParentTreeNextKey", 0))

    def finish(self) -> None:
        self.root.K = Array(self.kids)
        flat = Array()
        for key, value in sorted(self.nums, key=lambda kv: kv[0]):
            flat.append(key)
            flat.append(value)
        self.root.ParentTree = self.out.make_indirect(Dictionary(Nums=flat))
        self.root.ParentTreeNextKey = self.next_key


def _numbers(tree):
    """(key, value) pairs of a number tree, its kids included."""
    if "/Nums" in tree:
        nums = list(tree.Nums)
        for key, value in zip(nums[::2], nums[1::2]):
            yield int(key), value
    for kid in tree.get("/Kids", []):
        yield from _numbers(kid)


def serve(commands, reply) -> None:
    """The merge process: one JSON object per line of `commands`, answered through `reply`:
    {"stamp": PDF} the stamp of page numbers (again when the first one fell short);
    {"part": PDF, "probe": …} the next body part, answered {"joined": parts so far};
    {"finish": {"front": PDF, "back": PDF or null, "back_probe": …, "out_path": PDF}} answered
    {"front_pages": N} once the whole PDF is written."""
    book = Book()
    for line in commands:
        command = json.loads(line)
        if "stamp" in command:
            book.set_stamp(command["stamp"])
        elif "part" in command:
            book.add_part(command["part"], command["probe"])
            reply({"joined": len(book.probes)})
        elif "finish" in command:
            reply({"front_pages": book.finish(**command["finish"])})
            return


def _reply(answer: dict) -> None:
    sys.stdout.write(json.dumps(answer) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    try:
        serve(sys.stdin, _reply)
    except Exception as exc:                 # the caller shows this line (no traceback for users)
        print(f"{type(exc).__name__}: {exc}", file=sys.stderr, flush=True)
        os._exit(1)
    # Written and answered: the objects need not be freed one by one.
    os._exit(0)
