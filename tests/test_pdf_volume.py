"""The print edition at volume scale, checked in the PDF itself (pypdf): the gold corpus in both
dialects (every text node printed), the 1,000-document benchmark volume (footnotes on their
call's page, page markers in order, one bookmark per document, contents pointing at the right
pages), the index of persons, links, one PDF per document, and page images (pdftoppm)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pypdf
import pytest
from lxml import etree

from teikit.config import Config
from teikit.writers import pdf_parts, typst_run
from teikit.writers.pdf import render_pdf, to_typst, typeset

from .conftest import REPO, SEED_TEI, need_shared, need_tool

TEI_NS = "http://www.tei-c.org/ns/1.0"
NS = {"t": TEI_NS}
DATA = REPO / "tests" / "data" / "pdf"


# --- reading the PDF ---------------------------------------------------------------------

def _joined(text: str) -> str:
    """Page text with words hyphenated at a line end joined (Typst's hyphen may come back as U+00AD)."""
    return re.sub(r"[-\xad]\n", "", text)


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", _joined(text))


def _pages(pdf: Path) -> tuple[pypdf.PdfReader, list[str]]:
    reader = pypdf.PdfReader(pdf)
    return reader, [page.extract_text() or "" for page in reader.pages]


def _outline(reader: pypdf.PdfReader, depth: int | None = None) -> list[tuple[str, int, int]]:
    """(title, page index, depth) of every bookmark, in order."""
    out = []

    def walk(items, level):
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                out.append((item.title, reader.get_destination_page_number(item), level))

    walk(reader.outline, 0)
    return [e for e in out if depth is None or e[2] == depth]


def _links(reader: pypdf.PdfReader, page: int) -> list[tuple[list[float], int]]:
    """(rectangle, target page index) of each internal link on a page."""
    index = {p.indirect_reference.idnum: i for i, p in enumerate(reader.pages)}
    links = []
    for annot in reader.pages[page].get("/Annots", []) or []:
        annot = annot.get_object()
        dest = annot.get("/Dest")
        if dest is None and annot.get("/A", {}).get("/S") == "/GoTo":
            dest = annot["/A"]["/D"]
        if dest is None:
            continue
        dest = dest.get_object()
        if isinstance(dest, (str, bytes)):
            target = reader.named_destinations[str(dest)].page
            links.append(([float(x) for x in annot["/Rect"]], index[target.idnum]))
        else:
            links.append(([float(x) for x in annot["/Rect"]], index[dest[0].idnum]))
    return links


def _alnum(text: str) -> str:
    return re.sub(r"[\W_]+", "", text)


def _letters(pages: list[str]) -> str:
    """The PDF's text as letters and digits only: hyphenation, dashes and line breaks do not
    matter ("selec-/tive", "US-Soviet" printed with a soft hyphen, "counterproposal—/they")."""
    return _alnum(_joined("\n".join(pages)))


def _find_word(letters: str, word: str, start: int, window: int) -> int:
    """The end of `word` found after `start` within `window`, else -1. A word may be split in
    two with a page's notes between (hyphenated at the foot of a page: "selec-", "tive")."""
    at = letters.find(word, start, start + window + len(word))
    if at >= 0:
        return at + len(word)
    for k in range(2, len(word) - 1):
        head = letters.find(word[:k], start, start + window + k)
        if head >= 0 and letters.endswith(word[:k], 0, head + k):
            tail = letters.find(word[k:], head + k, head + k + window + len(word))
            if tail >= 0:
                return tail + len(word) - k
    return -1


def _missing_text(letters: str, texts: list[str], window: int = 8000) -> list[str]:
    """The texts whose words are not found in the PDF in order, each within `window` letters of
    the previous one (a page break puts notes, a marker and a running head between two words,
    and a note that runs over continues at the foot of the next page, a page of text later)."""
    missing = []
    for text in texts:
        words = [w for w in (_alnum(w) for w in text.split()) if w]
        if not words:
            continue
        found = False
        start = letters.find(words[0])
        while start >= 0 and not found:
            end = start + len(words[0])
            for word in words[1:]:
                end = _find_word(letters, word, end, window)
                if end < 0:
                    break
            else:
                found = True
            start = letters.find(words[0], start + 1)
        if not found:
            missing.append(text)
    return missing


def _doc_texts(div: etree._Element) -> list[str]:
    """Every text node of a document's body and notes."""
    return [t for t in div.xpath(".//text()") if t.strip()]


# --- gold corpus, FRUS publisher's dialect ------------------------------------------------

GOLD_VOLUMES = ["frus1981-88v05", "frus1981-88v03", "frus1969-76v12"]


@pytest.mark.parametrize("volume", GOLD_VOLUMES)
def test_gold_frus_dialect_every_text_node_printed(tmp_path, volume):
    gold = need_shared("corpus/frus-gold")
    docs = sorted(gold.glob(f"{volume}-d*.xml"), key=lambda p: int(p.stem.rsplit("-d", 1)[1]))
    out = tmp_path / f"{volume}.pdf"
    report = render_pdf([gold / f"{volume}-header.xml", *docs], out, Config(root=tmp_path))
    assert report.ok and not report.warnings, [d.format() for d in report.diagnostics]
    reader, pages = _pages(out)
    words = _letters(pages)
    missing = {}
    for path in docs:
        div = etree.parse(str(path)).getroot()
        lost = _missing_text(words, _doc_texts(div))
        if lost:
            missing[path.name] = lost
    assert not missing, missing
    # one bookmark per document, in order, each on the page where its title begins
    outline = _outline(reader)
    assert [t.split(".")[0] for t, _, _ in outline] == [p.stem.rsplit("-d", 1)[1] for p in docs]
    for title, page, _ in outline:
        assert " ".join(title.split()[:4]) in _flat(pages[page])


def _assert_tag_tree_whole(path: Path) -> None:
    """The tagged structure survived the merge: every page's and link's marked content is found
    in the parent tree, and every structure element refers to a page of the document."""
    reader = pypdf.PdfReader(path)
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] and str(root["/Lang"]).startswith("en")
    tree = root["/StructTreeRoot"]
    nums = tree["/ParentTree"]["/Nums"]
    keys = {int(nums[i]) for i in range(0, len(nums), 2)}
    assert max(keys) < int(tree["/ParentTreeNextKey"])
    pages = {p.indirect_reference.idnum for p in reader.pages}
    used = set()
    for page in reader.pages:
        if "/StructParents" in page:                  # not on a blank verso
            used.add(int(page["/StructParents"]))
        for annot in page.get("/Annots", []) or []:
            if "/StructParent" in annot.get_object():
                used.add(int(annot.get_object()["/StructParent"]))
    assert used <= keys
    stack, seen = list(tree["/K"]), 0
    while stack:
        element = stack.pop().get_object()
        if not hasattr(element, "get"):
            continue
        seen += 1
        if "/Pg" in element:
            assert element.raw_get("/Pg").idnum in pages
        kids = element.get("/K")
        if isinstance(kids, list):
            stack += kids
        elif kids is not None:
            stack.append(kids)
    assert seen > 100


def test_parts_make_the_pages_of_one_run(tmp_path):
    """A volume typeset in parts (each by its own Typst process, then merged) has the pages one
    Typst run over the same markup makes: the same words on every page (the merged PDF stamps
    the page numbers on; a blank verso before a part carries no running head), the same
    bookmarks, every link resolved to a page, and each footnote on the page of its call."""
    gold = need_shared("corpus/frus-gold")
    inputs = [gold / "frus1981-88v05-header.xml", *sorted(gold.glob("frus1981-88v05-d*.xml"))]
    source = to_typst(inputs, Config(root=tmp_path), parts=4)
    assert source.count("\n// tk-part ") >= 3
    parts = pdf_parts.typeset_parts(source, pages_hint=5)     # the first stamp of numbers falls short
    one_run, _, _ = typst_run.run(source)
    (tmp_path / "parts.pdf").write_bytes(parts.pdf)
    (tmp_path / "one.pdf").write_bytes(one_run)
    merged, merged_pages = _pages(tmp_path / "parts.pdf")
    single, single_pages = _pages(tmp_path / "one.pdf")
    assert len(merged_pages) == len(single_pages)
    blank = [i for i, text in enumerate(merged_pages) if not text.strip()]
    assert 0 < len(blank) < len(merged_pages) // 4
    words = lambda text: sorted(text.replace("\xad", "-").split())    # one hyphen glyph, two code points
    for i, (a, b) in enumerate(zip(merged_pages, single_pages)):
        if i not in blank:
            assert words(a) == words(b), i
    assert _outline(merged) == _outline(single)
    for i in range(len(merged.pages)):
        for annot in merged.pages[i].get("/Annots", []) or []:
            assert "teikit-" not in str(annot.get_object().get("/A", {}).get("/URI", "")), i
    assert [len(_links(merged, i)) for i in range(len(merged.pages))] == \
        [len(_links(single, i)) for i in range(len(single.pages))]
    _assert_tag_tree_whole(tmp_path / "parts.pdf")
    assert parts.notes and not parts.misplaced
    for key, call_page, _ in parts.notes:           # pages of the merged PDF
        number = key.split("/")[1]
        assert number in merged_pages[call_page - 1]


# --- gold corpus, teikit's dialect (the benchmark builder converts it) --------------------

@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory) -> Path:
    """The gold documents once each (18), in both dialects, by benchmarks/corpus.py."""
    need_shared("corpus/frus-gold")
    out = tmp_path_factory.mktemp("corpus18")
    subprocess.run([sys.executable, str(REPO / "benchmarks" / "corpus.py"), "-n", "18", "-o", str(out)],
                   check=True, capture_output=True)
    return out


def test_gold_teikit_dialect_folder_every_text_node_printed(tmp_path, small_corpus):
    out = tmp_path / "files.pdf"
    report = render_pdf([small_corpus / "files"], out, Config(root=tmp_path))   # a folder: natural order
    assert report.ok and report.files == 18
    assert not report.warnings, [d.format() for d in report.diagnostics]
    reader, pages = _pages(out)
    assert [t.split(".")[0] for t, _, _ in _outline(reader, depth=0)] == [str(n) for n in range(1, 19)]
    words = _letters(pages)
    missing = {}
    for n in range(1, 19):
        tree = etree.parse(str(small_corpus / "files" / f"d{n}.xml"))
        body = tree.getroot().find("t:text", NS)
        lost = _missing_text(words, [t for t in body.xpath(".//text()") if t.strip()])
        if lost:
            missing[f"d{n}"] = lost
    assert not missing, missing


# --- the 1,000-document benchmark volume ------------------------------------------------

@pytest.fixture(scope="module")
def bench(tmp_path_factory):
    """The benchmark volume (FRUS dialect) typeset once: source, Typst's footnote report, PDF."""
    need_shared("corpus/frus-gold")
    out = tmp_path_factory.mktemp("bench")
    subprocess.run([sys.executable, str(REPO / "benchmarks" / "corpus.py"), "-n", "1000", "-o", str(out)],
                   check=True, capture_output=True)
    volume = out / "frus-volume.xml"
    result = typeset(to_typst([volume], Config(root=out)))
    pdf = out / "volume.pdf"
    pdf.write_bytes(result.pdf)
    reader, pages = _pages(pdf)
    return etree.parse(str(volume)), result, reader, pages


def test_bench_every_footnote_on_its_calls_page(bench):
    tree, result, _, pages = bench
    notes = [n for n in tree.getroot().find("t:text", NS).iter(f"{{{TEI_NS}}}note")
             if n.get("rend") != "inline" and n.get("place") != "inline"]
    assert len(result.notes) == len(notes) > 3000
    # Typst's own account: the text of each note begins on the page of its call ...
    assert result.misplaced == [], "\n".join(f"{k}: call on page {c}, text on page {t}" for k, c, t in result.misplaced)
    # ... and the PDF agrees: the note's number and opening words are printed on that page.
    flat = [_flat(p) for p in pages]
    wrong = []
    for note, (key, call_page, _) in zip(notes, result.notes):
        assert key.split("/")[1] == note.get("n")
        opening = note.get("n") + " ".join(" ".join("".join(note.itertext()).split()).split()[:6])
        if opening not in flat[call_page - 1]:
            wrong.append((key, call_page, opening))
    assert not wrong, wrong


def test_bench_page_markers_in_order(bench):
    tree, _, _, pages = bench
    expected = [pb.get("n") for pb in tree.iter(f"{{{TEI_NS}}}pb") if pb.get("n")]
    printed = [m for page in pages for m in re.findall(r"\[Page (\d+)\]", page)]
    assert printed == expected


def test_bench_outline_one_entry_per_document(bench):
    tree, _, reader, pages = bench
    docs = tree.getroot().findall(".//t:div[@type='document']", NS)
    assert len(docs) == 1000
    entries = _outline(reader, depth=1)          # under the compilation's own bookmark
    assert [_outline(reader, depth=0)[0][0]] == ["Benchmark volume"]
    assert [t.split(".")[0] for t, _, _ in entries] == [d.get("n") for d in docs]
    for title, page, _ in entries:
        assert " ".join(title.split()[:4]) in _flat(pages[page]), title


def _opening_words(doc: etree._Element, count: int = 3) -> str:
    """The first words of a document's text after its title, notes left out."""
    text: list[str] = []

    def walk(el: etree._Element) -> None:
        if el.tag in (f"{{{TEI_NS}}}head", f"{{{TEI_NS}}}note"):
            return
        text.append(el.text or "")
        for child in el:
            walk(child)
            text.append(child.tail or "")

    for child in doc:
        walk(child)
    return " ".join("".join(text).split()[:count])


def test_bench_no_document_title_ends_a_page(bench):
    """A document's title and the beginning of its text stand on the same page."""
    tree, _, reader, pages = bench
    docs = tree.getroot().findall(".//t:div[@type='document']", NS)
    entries = _outline(reader, depth=1)
    stranded = [(title, page + 1) for doc, (title, page, _) in zip(docs, entries)
                if _opening_words(doc) not in _flat(pages[page])]
    assert not stranded, stranded


def test_bench_contents_page_numbers_and_links_point_at_the_documents(bench):
    _, _, reader, pages = bench
    outline = {t.split(".")[0]: page for t, page, _ in _outline(reader, depth=1)}
    first_body = outline["1"]                     # document 1 opens page 1
    contents = [i for i, p in enumerate(pages) if i < first_body and ". . ." in p]
    assert contents
    printed = {}
    for i in contents:
        for number, page in re.findall(r"(?ms)^(\d+)\. .*?(?:\. )+\s*(\d+)$", _joined(pages[i])):
            printed[number] = int(page)
    assert len(printed) == 1000, len(printed)
    wrong = {n: (p, outline[n] - first_body + 1) for n, p in printed.items() if outline[n] - first_body + 1 != p}
    assert not wrong, wrong
    # every entry links (title and page number) to the page of its document
    targets = sorted({page for i in contents for _, page in _links(reader, i)})
    assert targets == sorted(set(outline.values()) | {outline["1"]})


# --- index of persons, cross-references, per-document PDFs ---------------------------------

@pytest.mark.parametrize("parts", [None, 3], ids=["one-run", "parts"])
def test_index_of_persons_and_cross_references(tmp_path, parts):
    out = tmp_path / "persons.pdf"
    steps = []
    report = render_pdf([DATA / "persons.xml"], out, Config(root=tmp_path), parts=parts,
                        progress=lambda done, total: steps.append((done, total)))
    assert steps == ([(1, 4), (2, 4), (3, 4), (4, 4)] if parts else [])   # each part joined, then the whole
    assert report.ok and not report.warnings, [d.format() for d in report.diagnostics]
    reader, pages = _pages(out)
    outline = {t: page for t, page, _ in _outline(reader)}
    first_body = outline["Persons"]              # the front matter opens page 1
    index_page = outline["Index of Persons"]
    entries = {m[0]: m[1] for m in re.findall(r"(?m)^([A-Z]\w+), [A-Z][\w. ]+?(?:, ([\d, ]+))?$", pages[index_page])}
    assert set(entries) == {"Gromyko", "Shultz", "Nobody"}
    assert entries["Nobody"] == ""
    for name in ("Gromyko", "Shultz"):
        numbers = [int(n) for n in entries[name].split(", ")]
        assert numbers == sorted(set(numbers)) and len(numbers) >= 2
        for n in numbers:                               # each page printed mentions the person
            assert name in pages[first_body + n - 1], (name, n)
        mentioned = [i - first_body + 1 for i in range(first_body, index_page) if name in _flat(pages[i]).split("Index of")[0]]
        assert set(numbers) <= set(mentioned)
    # index numbers link to their pages
    index_links = {target - first_body + 1 for _, target in _links(reader, index_page)}
    assert index_links == {int(n) for v in entries.values() if v for n in v.split(", ")}
    # "Document 3", "footnote 2 to Document 2" and "page 7" link to the pages that hold them
    doc1 = outline["1. Memorandum From Shultz to the President"]
    targets = {target for _, target in _links(reader, doc1)}
    assert outline["3. Letter From Gromyko to Shultz"] in targets
    assert _page_with(pages, "2The note that Document 1 points at.") in targets
    assert _page_with(pages, "[Page 7]") in targets


def test_the_verso_before_the_index_is_blank(tmp_path):
    """A body that ends on a right-hand page is followed by an empty left-hand page (no
    running head, no number) so that the index opens on a right-hand page. (Typeset in
    parts, the merge adds that page, empty.)"""
    tree = etree.parse(str(DATA / "persons.xml"))
    for doc in tree.getroot().findall(".//t:div[@type='document']", NS)[1:]:
        doc.getparent().remove(doc)
    source = tmp_path / "one-document.xml"
    tree.write(str(source), encoding="UTF-8", xml_declaration=True)
    out = tmp_path / "one-document.pdf"
    assert render_pdf([source], out, Config(root=tmp_path)).ok
    reader, pages = _pages(out)
    index = {t: page for t, page, _ in _outline(reader)}["Index of Persons"]
    assert index % 2 == 0 and "Index of Persons" in pages[index]          # a recto (page 1 is one)
    assert pages[index - 2].strip() and not pages[index - 1].strip()      # the body ends on a recto


def _page_with(pages: list[str], needle: str) -> int:
    (page,) = [i for i, p in enumerate(pages) if needle in _flat(p)]
    return page


def test_one_pdf_per_document(tmp_path):
    out = tmp_path / "docs"
    report = render_pdf([DATA / "two-documents.xml", SEED_TEI], out, Config(root=tmp_path), per_document=True)
    assert report.ok, [d.format() for d in report.diagnostics]
    names = sorted(p.name for p in out.glob("*.pdf"))
    assert len(names) == 3 and "d321.pdf" in names
    for pdf in out.glob("*.pdf"):
        reader, pages = _pages(pdf)
        (title, page, _), = _outline(reader)
        assert title.split(".")[0] in pdf.stem or pdf.stem == "d321"
        assert " ".join(title.split()[:3]) in _flat(pages[page])
        assert "Contents" not in _flat(pages[2]) if len(pages) > 2 else True


def test_cli_render_per_document(tmp_path):
    from click.testing import CliRunner

    from teikit.cli import main

    result = CliRunner().invoke(main, ["render", str(DATA / "two-documents.xml"), "--to", "pdf",
                                       "--per-document", "-o", str(tmp_path / "each")])
    assert result.exit_code == 0, result.output
    assert len(list((tmp_path / "each").glob("*.pdf"))) == 2


def test_metadata_language_and_tags(tmp_path):
    out = tmp_path / "seed.pdf"
    render_pdf([SEED_TEI], out, Config(root=tmp_path))
    reader = pypdf.PdfReader(out)
    root = reader.trailer["/Root"]
    assert str(root.get("/Lang")).startswith("en")
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]


# --- page images ---------------------------------------------------------------------------

def _ink(pgm: bytes) -> float:
    """Share of dark pixels in a binary PGM (P5) image."""
    header = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", pgm)
    width, height = int(header.group(1)), int(header.group(2))
    pixels = pgm[header.end():header.end() + width * height]
    return sum(1 for b in pixels if b < 128) / (width * height)


@pytest.mark.parametrize("name", ["seed", "gold"])
def test_first_pages_as_images_are_not_blank(tmp_path, name):
    pdftoppm = need_tool("pdftoppm", "poppler-utils")
    if name == "seed":
        inputs = [SEED_TEI]
    else:
        gold = need_shared("corpus/frus-gold")
        inputs = [gold / "frus1981-88v05-header.xml", gold / "frus1981-88v05-d18.xml"]
    out = tmp_path / f"{name}.pdf"
    assert render_pdf(inputs, out, Config(root=tmp_path)).ok
    reader, pages = _pages(out)
    body = _outline(reader)[0][1]
    for page, least in ((0, 0.001), (body, 0.02)):     # title page; first page of the document
        subprocess.run([pdftoppm, "-r", "60", "-f", str(page + 1), "-l", str(page + 1), "-png", "-singlefile",
                        str(out), str(tmp_path / f"{name}-{page}")], check=True)
        png = tmp_path / f"{name}-{page}.png"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        subprocess.run([pdftoppm, "-r", "60", "-f", str(page + 1), "-l", str(page + 1), "-gray", "-singlefile",
                        str(out), str(tmp_path / f"{name}-{page}")], check=True)
        ink = _ink((tmp_path / f"{name}-{page}.pgm").read_bytes())
        assert least < ink < 0.5, (page, ink)
