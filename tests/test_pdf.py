"""PDF output: TEI → Typst → PDF, checked in the PDF itself (pypdf, page by page)."""

from __future__ import annotations

import dataclasses
import re
import tempfile
from pathlib import Path

import pypdf
import pytest
from lxml import etree

from teikit import config as config_mod
from teikit.config import Config
from teikit.errors import RenderError
from teikit.writers import pdf as pdf_writer
from teikit.writers.pdf import compile_typst, render_pdf, to_typst

from .conftest import REPO, SEED_TEI, need_shared

DATA = REPO / "tests" / "data" / "pdf"
TITLE = "Note Prepared in the White House Situation Room"


def _read(path: Path) -> tuple[pypdf.PdfReader, list[str]]:
    reader = pypdf.PdfReader(path)
    return reader, [page.extract_text() or "" for page in reader.pages]


def _flat(text: str) -> str:
    """Page text as one line: hyphenated line ends joined, whitespace collapsed.

    Typst's hyphen glyph can come back from extraction as U+00AD; it is read as "-"."""
    return re.sub(r"\s+", " ", re.sub(r"-\n", "", text.replace("\xad", "-")))


def _outline(reader: pypdf.PdfReader) -> list[tuple[str, int]]:
    entries = []

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                entries.append((item.title, reader.get_destination_page_number(item)))

    walk(reader.outline)
    return entries


def _page_of(pages: list[str], needle: str) -> list[int]:
    return [i for i, text in enumerate(pages) if needle in _flat(text)]


@pytest.fixture(scope="module")
def project_config() -> Config:
    return config_mod.load(REPO)


@pytest.fixture(scope="module")
def bare_config(tmp_path_factory) -> Config:
    """No teikit.toml: everything comes from the teiHeader."""
    return Config(root=tmp_path_factory.mktemp("bare"))


@pytest.fixture(scope="module")
def seed_pdf(tmp_path_factory, project_config) -> Path:
    out = tmp_path_factory.mktemp("pdf") / "d321.pdf"
    report = render_pdf([SEED_TEI], out, project_config)
    assert report.ok and not report.warnings, [d.format() for d in report.diagnostics]
    assert report.written == [str(out)]
    return out


# --- the seed document -------------------------------------------------------------------

def test_seed_pdf_has_pages_and_letter_size(seed_pdf):
    reader, pages = _read(seed_pdf)
    assert len(pages) >= 1
    for page in reader.pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (612, 792)


def test_seed_text_as_printed(seed_pdf):
    _, pages = _read(seed_pdf)
    text = _flat("\n".join(pages))
    assert f"321. {TITLE}" in text
    assert "Kremlin Desires Backchannel Link with Washington" in text
    assert "[1 paragraph (8 lines) not declassified]" in text
    assert "[Page 1149]" in text
    assert "to travel to Washington. (C)" in text
    assert "Chetverikov stated that messages relayed" in text


def test_seed_source_note_on_the_page_of_its_heading(seed_pdf):
    reader, pages = _read(seed_pdf)
    (title, page), = _outline(reader)
    assert title == f"321. {TITLE}"
    assert f"321. {TITLE}" in _flat(pages[page])
    assert _page_of(pages, "1Source: Reagan Library") == [page]
    # The call: the note's number right after the title, as printed.
    assert f"{TITLE}1" in _flat(pages[page])


def test_seed_page_marker_on_the_page_of_the_break(seed_pdf):
    _, pages = _read(seed_pdf)
    (marker_page,) = _page_of(pages, "[Page 1149]")
    assert "The source noted Dobrynin" in _flat(pages[marker_page])


def test_seed_metadata(seed_pdf, project_config):
    reader, _ = _read(seed_pdf)
    assert reader.metadata.title == f"321. {TITLE}"
    assert reader.metadata.author == "Elizabeth C. Charles"


def test_seed_title_page_and_running_head(seed_pdf):
    _, pages = _read(seed_pdf)
    first = _flat(pages[0])
    assert "Foreign Relations of the United States, 1981–1988" in first
    assert "Volume IV, Soviet Union, January 1983–March 1985" in first
    assert "Elizabeth C. Charles" in first
    body = [i for i, text in enumerate(pages) if f"321. {TITLE}" in _flat(text)]
    # the running head repeats the document on its pages, with the page number
    assert re.search(r"321\. Note Prepared in the White House Situation Room \d+", _flat(pages[body[0]]))


def test_only_bundled_fonts_are_embedded(seed_pdf):
    reader, _ = _read(seed_pdf)
    fonts = set()
    for page in reader.pages:
        for font in (page.get("/Resources", {}).get("/Font", {}) or {}).values():
            fonts.add(str(font.get_object().get("/BaseFont")))
    assert fonts and all("Libertinus" in name for name in fonts), fonts


def test_output_is_reproducible(tmp_path, project_config):
    a, b = tmp_path / "a.pdf", tmp_path / "b.pdf"
    render_pdf([SEED_TEI], a, project_config)
    render_pdf([SEED_TEI], b, project_config)
    assert a.read_bytes() == b.read_bytes()


def test_paper_follows_config(tmp_path, project_config):
    out = tmp_path / "a4.pdf"
    render_pdf([SEED_TEI], out, dataclasses.replace(project_config, paper="a4"))
    reader, _ = _read(out)
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)


def test_keep_typst(tmp_path, project_config):
    out = tmp_path / "out" / "d321.pdf"
    report = render_pdf([SEED_TEI], out, project_config, keep_typst=True)
    typ = out.with_suffix(".typ")
    assert typ.is_file() and str(typ) in report.written
    assert "#doc-start(" in typ.read_text("utf-8")
    out2 = tmp_path / "plain" / "d321.pdf"
    render_pdf([SEED_TEI], out2, project_config)
    assert sorted(p.name for p in out2.parent.iterdir()) == ["d321.pdf"]


# --- escaping ----------------------------------------------------------------------------

def test_typst_special_characters_print_literally(tmp_path, bare_config):
    out = tmp_path / "special.pdf"
    report = render_pdf([DATA / "special-characters.xml"], out, bare_config)
    assert report.ok
    reader, pages = _read(out)
    text = "\n".join(pages)
    lines = [line.strip() for line in text.splitlines()]
    assert "Hash # dollar $ star * underscore _ backtick ` less < greater > at @ open [ close ]" in _flat(text)
    assert "backslash \\ tilde ~ slash /" in _flat(text)
    assert "1. This paragraph starts like an enumeration." in lines
    assert "= This paragraph starts like a heading." in lines
    assert "- This paragraph starts like a list item." in lines
    assert "+ This paragraph starts like a numbered item." in lines
    flat = _flat(text)
    for literal in ("a--b", "a---b", "wait...", "minus -1", "'single'", '"double"', "#set text(red)",
                    "#let x = 1", "<label>", "@ref", "$x^2$", "\\u{41}", "//comment", "/* block */",
                    "http://example.org/x_y", "italic [with] brackets.", "strong *stars*(paren)"):
        assert literal in flat, literal
    assert "1Source: note with #hash and $dollar and `tick` and [brackets] and @at." in flat
    assert _outline(reader)[0][0] == "7. Special #characters $in *the* _title_ [x]"
    assert reader.metadata.title == "7. Special #characters $in *the* _title_ [x]"
    assert reader.metadata.author == 'A. "Quote" Editor'


def test_escape_function_covers_markup_characters():
    """Every ASCII character that Typst markup can read as syntax is backslash-escaped."""
    xsl = (REPO / "xslt" / "pdf" / "typst.xsl").read_text("utf-8")
    assert "tkp:esc" in xsl
    source = to_typst([DATA / "special-characters.xml"], Config(root=REPO / "tests"))
    body = source.split("#metadata(\"body\") <tk-body>", 1)[1]
    assert "Hash \\# dollar \\$ star \\* underscore \\_ backtick \\` less \\< greater \\>" in body
    assert "1\\. This paragraph" in body


# --- volumes -----------------------------------------------------------------------------

def test_two_document_volume(tmp_path, bare_config):
    out = tmp_path / "two.pdf"
    assert render_pdf([DATA / "two-documents.xml"], out, bare_config).ok
    reader, pages = _read(out)
    outline = _outline(reader)
    assert [t for t, _ in outline] == ["1. Memorandum From Alpha to Beta", "2. Letter From Gamma to Delta"]
    flat = [_flat(p) for p in pages]
    # footnotes restart in each document: both documents print notes 1 and 2
    for title, page in outline:
        assert title in flat[page]
    assert _page_of(pages, "1Source: First archive") == [outline[0][1]]
    assert _page_of(pages, "1Source: Second archive") == [outline[1][1]]
    assert _page_of(pages, "2Second note of the first document.")
    assert _page_of(pages, "2Second note of the second document.")
    assert "Alpha to Beta1" in flat[outline[0][1]] and "Gamma to Delta1" in flat[outline[1][1]]
    text = " ".join(flat)
    assert "3Second note" not in text and "4Second note" not in text
    # contents built from labels, and header metadata used when the config has none
    assert "Contents" in text
    assert reader.metadata.title == "Volume T, Two Documents"
    assert reader.metadata.author in ("Ann Editor, Bob Editor", "Ann Editor; Bob Editor")
    assert "Test Series" in flat[0] and "Nowhere 2024" in flat[0]


def test_several_files_make_one_pdf_in_order(tmp_path, bare_config):
    out = tmp_path / "several.pdf"
    report = render_pdf([DATA / "two-documents.xml", SEED_TEI], out, bare_config)
    assert report.ok and report.files == 2
    reader, _ = _read(out)
    assert [t for t, _ in _outline(reader)] == [
        "1. Memorandum From Alpha to Beta", "2. Letter From Gamma to Delta", f"321. {TITLE}"]


def test_unreadable_input_is_reported_and_nothing_written(tmp_path, bare_config):
    bad = tmp_path / "bad.xml"
    bad.write_text("<TEI><text>", "utf-8")
    out = tmp_path / "bad.pdf"
    report = render_pdf([bad], out, bare_config)
    assert not report.ok and report.errors[0].path == str(bad)
    assert not out.exists()


def test_typst_error_becomes_render_error():
    with pytest.raises(RenderError) as info:
        compile_typst("#let x = \n#foo(", "broken.typ")
    assert "Typst:" in info.value.message and "line 1" in info.value.message


# --- the FRUS publisher's dialect --------------------------------------------------------

def _footnote_call_pages(source: str) -> list[int]:
    """The page of every footnote call, asked of Typst itself."""
    import typst

    probe = source + "\n#context [#metadata(query(footnote).map(f => f.location().page())) <tk-probe>]\n"
    with tempfile.TemporaryDirectory() as tmp:
        typ = Path(tmp) / "probe.typ"
        typ.write_text(probe, "utf-8")
        return typst.query(str(typ), "<tk-probe>", field="value", one=True, root=tmp, ignore_system_fonts=True)


def test_frus_volume_every_footnote_on_the_page_of_its_call(tmp_path, bare_config):
    gold = need_shared("corpus/frus-gold")
    files = [gold / "frus1981-88v05-header.xml", *sorted(gold.glob("frus1981-88v05-d*.xml"))]
    out = tmp_path / "v05.pdf"
    report = render_pdf(files, out, bare_config)
    assert report.ok and not report.warnings, [d.format() for d in report.diagnostics]
    reader, pages = _read(out)
    outline = _outline(reader)
    assert len(outline) == len(files) - 1
    assert outline[0][0].startswith("1. Letter From President Reagan")  # number not doubled
    flat = [_flat(p) for p in pages]

    notes = []
    for path in files[1:]:
        for note in etree.parse(str(path)).iter("{http://www.tei-c.org/ns/1.0}note"):
            if note.get("rend") == "inline" or note.get("place") == "inline":
                continue
            words = " ".join("".join(note.itertext()).split()).split()[:8]
            notes.append(note.get("n", "") + " ".join(words))
    import json

    calls = _footnote_call_pages(to_typst(files, bare_config))
    if isinstance(calls, str):
        calls = json.loads(calls)
    assert len(calls) == len(notes)
    # the note's opening words are on the page of its call (and, for notes whose opening is
    # shared with another note, at least one such page is the call's)
    misplaced = [(n, p) for n, p in zip(notes, calls) if n not in flat[p - 1]]
    assert not misplaced, misplaced
    # each bookmark leads to the page where its title begins
    for title, page in outline:
        assert " ".join(title.split()[:4]) in flat[page]


# --- a long volume in parts ------------------------------------------------------------------

@pytest.mark.parametrize("name", ["persons", "gold"])
def test_pieces_written_one_by_one_are_the_whole_markup(name):
    """The stylesheet writes a long volume piece by piece (so that each body part is typeset
    while the next is written); the pieces, in order, are exactly the markup written at once."""
    from teikit import xmlio
    from teikit.writers import pdf_parts

    if name == "persons":
        paths = [DATA / "persons.xml"]
    else:
        gold = need_shared("corpus/frus-gold")
        paths = [gold / "frus1981-88v05-header.xml", *sorted(gold.glob("frus1981-88v05-d*.xml"))]
    volume = pdf_writer.volume_tree([xmlio.parse(p) for p in paths])
    starts = pdf_writer.part_starts(volume, 3)
    assert len(starts) == 3 and starts[0] == 1
    whole = pdf_writer._transform(volume, Config(root=REPO), "x", starts)
    preamble, pieces = pdf_parts.split(whole)
    sheet = pdf_writer.stylesheet(pdf_writer.resources.xslt(pdf_writer.STYLESHEET))
    names = ["preamble", "front", "1", "2", "3", "back"]
    written = dict(zip(names, sheet.transforms(volume, [pdf_writer._params(Config(root=REPO), starts, n) for n in names])))
    assert written["preamble"] == preamble
    assert "".join(written[n] for n in names[1:]) == whole[len(preamble):]
    assert [p.kind for p in pieces] == ["front", "part", "part", "part"] + (["back"] if written["back"] else [])
    assert [p.text for p in pieces if p.kind == "part"] == [written[n] for n in ("1", "2", "3")]


def test_part_starts_are_even_and_whole_documents():
    sizes_volume = etree.ElementTree(etree.fromstring(
        '<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><body>'
        + "".join(f'<div type="document" n="{i}"><p>{"x" * size}</p></div>' for i, size in enumerate([5, 5, 5, 5, 20, 5, 5, 5, 5], 1))
        + "</body></text></TEI>"))
    assert pdf_writer.part_starts(sizes_volume, 1) == [1]
    assert pdf_writer.part_starts(sizes_volume, 3) == [1, 5, 6]      # 20 | 20 | 20
    assert pdf_writer.part_starts(sizes_volume, 2) == [1, 6]         # 40 | 20: no part larger than needed
    assert pdf_writer.part_starts(sizes_volume, 20) == [1, 5, 6]     # the largest document sets the size
    assert pdf_writer.part_starts(sizes_volume) == [1]                # by default: one run when short


def test_typst_error_in_a_part_names_the_line_of_the_whole_markup():
    """A part is typeset by a process of its own; its error still points into the whole markup
    (the one keep_typst writes)."""
    source = to_typst([DATA / "persons.xml"], Config(root=REPO), parts=3)
    lines = source.split("\n")
    second_part = [i for i, line in enumerate(lines) if line.startswith("// tk-part ")][1]
    broken = second_part + 3
    lines[broken] = "#undefined-function-of-teikit()"
    with pytest.raises(RenderError) as failure:
        pdf_writer.typeset("\n".join(lines), "persons.typ")
    assert f"line {broken + 1}, column 1 of the generated Typst" in failure.value.message
    assert "unknown variable" in failure.value.message


def test_a_failing_merge_process_says_why(tmp_path):
    """The parts are joined by a process of its own; when it fails, the error it printed is
    the message, and the caller is not left waiting."""
    from teikit.writers import pdf_parts
    from teikit.writers.typst_run import TypstFailure

    merger = pdf_parts._Merger(tmp_path)
    try:
        merger.send(part=str(tmp_path / "no-such-part.pdf"), probe={"pages": 1})
        with pytest.raises(TypstFailure, match=r"merging the typeset parts failed \(exit 1\).*no-such-part\.pdf"):
            merger.finish(front=str(tmp_path / "front.pdf"), back=None, back_probe=None, out_path=str(tmp_path / "out.pdf"))
    finally:
        merger.close()
    assert merger.proc.returncode == 1
