"""Join the separately typeset parts of a volume into one PDF (pikepdf, qpdf underneath).

What one Typst run would have made and separate runs cannot, the merge adds: the body's page
numbers (stamped from a PDF that holds only them, as artifacts), links between parts (the
parts carry `teikit-label:NAME` and `teikit-mark:N` placeholders, resolved here from the
positions the parts reported), bookmarks, one tag tree (the parts' trees in order, their
parent-tree keys renumbered), and page labels (i, ii … for the front matter, 1, 2 … after).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import pikepdf
from pikepdf import Array, Dictionary, Name

LABEL_LINK = "teikit-label:"
MARK_LINK = "teikit-mark:"


def page_count(pdf: bytes) -> int:
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        return len(doc.pages)


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

    def anchors(self, back_first_page: int | None) -> dict[str, dict]:
        """Every link target the parts hold: its printed page, part, page in the part, x, y."""
        found = {}
        for part, probe in enumerate(self.probes):
            for name, page, x, y in probe["anchors"]:
                found[name] = {"page": str(self.printed(part, page)), "part": part, "at": [page, x, y]}
        if back_first_page is not None:
            found.setdefault("tk-index", {"page": str(back_first_page), "part": "back", "at": [1, 0, 0]})
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
    pdf: bytes
    front_pages: int
    layout: Layout

    def page_number(self, part: int, page: int) -> int:
        """The 1-based physical page of a part's page in the merged PDF."""
        return self.front_pages + self.layout.printed(part, page)


def merge(front, parts, back, numbers, layout: Layout) -> Merged:
    """One PDF from the typeset pieces (`pdf_parts.Typeset`: .pdf, .pages, .probe)."""
    out = pikepdf.open(io.BytesIO(front.pdf))
    sources = [out] + [pikepdf.open(io.BytesIO(p.pdf)) for p in [*parts, *([back] if back else [])]]
    stamp = pikepdf.open(io.BytesIO(numbers.pdf))
    size = out.pages[0].mediabox
    tree = _TagTree(out)
    first_page = {}                                       # piece index → its first page index in `out`
    numbered = []                                         # (page index in `out`, printed number)
    _pad(out, size)
    front_pages = len(out.pages)
    for index, source in enumerate(sources[1:], 1):
        first_page[index] = len(out.pages)
        start = len(out.pages)
        out.pages.extend(source.pages)
        tree.add(source, out.pages[start:])
        numbered += [(start + i, start + i - front_pages + 1) for i in range(len(source.pages))]
        if index < len(sources) - 1:
            _pad(out, size)
    tree.finish()
    for page_index, number in numbered:
        _stamp(out, out.pages[page_index], stamp.pages[number - 1])
    merged = Merged(b"", front_pages, layout)
    targets = _targets(out, layout, first_page, back is not None)
    _resolve_links(out, targets)
    _outline(out, [(index, h) for index, piece in enumerate([*parts, *([back] if back else [])], 1)
                   for h in piece.probe["headings"]], first_page)
    out.Root.PageLabels = Dictionary(Nums=Array([0, Dictionary(S=Name.r), front_pages, Dictionary(S=Name.D, St=1)]))
    if "/Names" in out.Root:
        del out.Root["/Names"]                            # the front's named destinations: pages moved
    buffer = io.BytesIO()
    out.save(buffer, linearize=False, object_stream_mode=pikepdf.ObjectStreamMode.generate,
             stream_decode_level=pikepdf.StreamDecodeLevel.none)
    merged.pdf = buffer.getvalue()
    for source in sources + [stamp]:
        source.close()
    return merged


def _pad(pdf: pikepdf.Pdf, size) -> None:
    """A blank verso when the pages so far end on a right-hand page."""
    if len(pdf.pages) % 2:
        pdf.add_blank_page(page_size=(float(size[2]) - float(size[0]), float(size[3]) - float(size[1])))


def _stamp(pdf: pikepdf.Pdf, page: pikepdf.Page, number_page: pikepdf.Page) -> None:
    """Draw the number page over the page, as an artifact (no part of the tagged text)."""
    form = pdf.copy_foreign(number_page.as_form_xobject())
    name = page.add_resource(form, Name.XObject, prefix="TkNum")
    page.contents_add(b"q\n", prepend=True)
    page.contents_add(b"\nQ\n/Artifact BMC q " + bytes(name) + b" Do Q EMC\n")


def _targets(out: pikepdf.Pdf, layout: Layout, first_page: dict[int, int], has_back: bool) -> dict[str, Array]:
    """Placeholder link → destination array."""
    pages = list(out.pages)

    def dest(piece: int, at: list) -> Array:
        page, x, y = at
        target = pages[first_page[piece] + page - 1]
        top = float(target.mediabox[3])
        return Array([target.obj, Name.XYZ, x, top - y, 0])

    back_piece = len(layout.probes) + 1
    found = {}
    for name, info in layout.anchors(None).items():
        found[LABEL_LINK + name] = dest(info["part"] + 1, info["at"])
    if has_back:
        found.setdefault(LABEL_LINK + "tk-index", dest(back_piece, [1, 0, 0]))
    for number, (part, at) in enumerate(layout.mark_places()):
        found[f"{MARK_LINK}{number}"] = dest(part + 1, at)
    return found


def _resolve_links(out: pikepdf.Pdf, targets: dict[str, Array]) -> None:
    for page in out.pages:
        for annot in page.obj.get("/Annots", []):
            action = annot.get("/A")
            uri = str(action.get("/URI", "")) if action is not None else ""
            if uri.startswith((LABEL_LINK, MARK_LINK)) and uri in targets:
                del annot["/A"]
                annot.Dest = targets[uri]


def _outline(out: pikepdf.Pdf, headings: list[tuple[int, list]], first_page: dict[int, int]) -> None:
    """Bookmarks from the parts' headings, nested by level."""
    with out.open_outline() as outline:
        outline.root.clear()
        stack: list[tuple[int, pikepdf.OutlineItem]] = []
        for piece, (level, title, page, x, y) in headings:
            index = first_page[piece] + page - 1
            top = float(out.pages[index].mediabox[3])
            item = pikepdf.OutlineItem(title, index, "XYZ", left=x, top=top - y)
            while stack and stack[-1][0] >= level:
                stack.pop()
            (stack[-1][1].children if stack else outline.root).append(item)
            stack.append((level, item))


class _TagTree:
    """The tag tree of the merged PDF: the front's, then each part's top elements in order.
    Each piece numbers its marked content from 0 (a page's /StructParents, an annotation's
    /StructParent, keys of the parent tree); the merge shifts each piece's keys past those
    before it."""

    def __init__(self, out: pikepdf.Pdf):
        self.out = out
        self.root = out.Root.get("/StructTreeRoot")
        if self.root is None:
            return
        self.kids = self.root.K if isinstance(self.root.K, Array) else Array([self.root.K])
        self.nums = list(_numbers(self.root.ParentTree))
        self.next_key = int(self.root.get("/ParentTreeNextKey", 0))

    def add(self, source: pikepdf.Pdf, pages) -> None:
        theirs = source.Root.get("/StructTreeRoot")
        if self.root is None or theirs is None:
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
        kids = copied.K if isinstance(copied.K, Array) else [copied.K]
        for kid in kids:
            kid.P = self.root
            self.kids.append(kid)
        for key, value in _numbers(copied.ParentTree):
            self.nums.append((key + offset, value))
        for role, standard in (copied.get("/RoleMap") or {}).items():
            if "/RoleMap" in self.root and role not in self.root.RoleMap:
                self.root.RoleMap[role] = standard
        self.next_key = offset + int(copied.get("/ParentTreeNextKey", 0))

    def finish(self) -> None:
        if self.root is None:
            return
        self.root.K = self.kids
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
