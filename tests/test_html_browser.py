"""The HTML edition in a real browser: headless Chromium (Debian `chromium` + `chromium-driver`)
driven by Selenium, pages served over http from 127.0.0.1 (the search reads its index with fetch,
which file:// forbids), and axe-core (npm) for accessibility.

What a reader does: open the index, follow the link to d321, bring up footnote 1 (hover/focus
preview, then the link itself), see the page marker and the redaction, search for "Backchannel"
and reach d321. Screenshots are saved and compared loosely; no page may log a console error.
The same accessibility check runs on the seed, the FRUS gold corpus and the 1,000-document
benchmark volume.
"""

from __future__ import annotations

import functools
import http.server
import io
import json
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest

from .conftest import IN_CI, REPO, SEED_TEI, need_shared, need_tool
from teikit import config as teikit_config
from teikit.config import Config
from teikit.writers.html import render_html

CHROMIUM = "/usr/bin/chromium"
AXE_DIR = REPO / "build" / "test-tools"  # git-ignored; axe-core installed here by npm
AXE_JS = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"
REFERENCE = REPO / "docs" / "img" / "d321-html.png"
SHOTS = REPO / "build" / "test-screenshots"
WIDE, PHONE = (1280, 1400), (390, 844)


# ---------- fixtures: a browser, a server, axe ----------

@pytest.fixture(scope="module")
def driver():
    need_tool("chromium", "chromium")
    chromedriver = need_tool("chromedriver", "chromium-driver")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:  # the test extra installs it
        if IN_CI:
            raise
        pytest.skip("selenium is not installed (pip install '.[test]')")
    profile = tempfile.mkdtemp(prefix="teikit-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 f"--user-data-dir={profile}", f"--window-size={WIDE[0]},{WIDE[1]}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    browser = webdriver.Chrome(service=Service(executable_path=chromedriver), options=options)
    browser.set_page_load_timeout(60)
    browser.set_script_timeout(120)
    try:
        yield browser
    finally:
        browser.quit()
        shutil.rmtree(profile, ignore_errors=True)


class Site:
    """A folder served over http on 127.0.0.1 (a free port), stopped with the fixture."""

    def __init__(self, folder: Path):
        self.folder = folder
        handler = functools.partial(_QuietHandler, directory=str(folder))
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(folder: Path):
    site = Site(folder)
    try:
        yield site
    finally:
        site.close()


@pytest.fixture(scope="module")
def seed_site(tmp_path_factory):
    out = tmp_path_factory.mktemp("browser-seed")
    report = render_html([SEED_TEI], out, teikit_config.load(REPO))
    assert report.ok, [d.format() for d in report.diagnostics]
    yield from serve(out)


@pytest.fixture(scope="module")
def gold_site(tmp_path_factory):
    gold = need_shared("corpus/frus-gold")
    out = tmp_path_factory.mktemp("browser-gold")
    files = sorted(gold.glob("frus1981-88v03-*.xml"))  # header first: "header" sorts after "d…"
    files = [f for f in files if f.name.endswith("header.xml")] + [f for f in files if not f.name.endswith("header.xml")]
    report = render_html(files, out, Config(root=out))
    assert report.ok, [d.format() for d in report.diagnostics]
    yield from serve(out)


@pytest.fixture(scope="module")
def bench_site(tmp_path_factory):
    need_shared("corpus/frus-gold")
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        import corpus
    finally:
        sys.path.pop(0)
    out = tmp_path_factory.mktemp("browser-bench")
    volume = out.parent / "bench-frus-volume.xml"
    corpus.frus_volume(1000).write(str(volume), encoding="UTF-8", xml_declaration=True)
    report = render_html([volume], out / "site", Config(root=out))
    assert report.ok, [d.format() for d in report.diagnostics]
    yield from serve(out / "site")


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core from npm, installed once into build/test-tools (git-ignored)."""
    if not AXE_JS.is_file():
        npm = need_tool("npm", "npm")
        AXE_DIR.mkdir(parents=True, exist_ok=True)
        run = subprocess.run([npm, "install", "--no-audit", "--no-fund", "--prefix", str(AXE_DIR), "axe-core@4"],
                             capture_output=True, text=True, timeout=300)
        assert run.returncode == 0 and AXE_JS.is_file(), f"npm could not install axe-core: {run.stderr[-2000:]}"
    return AXE_JS.read_text("utf-8")


# ---------- helpers ----------

def console_errors(driver) -> list[str]:
    return [e["message"] for e in driver.get_log("browser") if e.get("level") == "SEVERE"]


def open_page(driver, url: str):
    driver.get(url)
    assert driver.execute_script("return document.readyState") == "complete"


def axe_violations(driver, axe_source: str) -> list[dict]:
    driver.execute_script(axe_source)
    return driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations.map(v => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))))
          .catch(e => done([{id: 'axe-error', impact: 'critical', help: String(e), nodes: []}]));
    """)


def assert_accessible(driver, axe_source: str, url: str):
    open_page(driver, url)
    serious = [v for v in axe_violations(driver, axe_source) if v["impact"] in ("serious", "critical")]
    assert not serious, f"{url}: " + json.dumps(serious, indent=1)
    assert not console_errors(driver), url


def grey(png: bytes):
    from PIL import Image

    return Image.open(io.BytesIO(png)).convert("L")


def grey_thumbnail(png: bytes, size=(48, 48)) -> list[int]:
    return list(grey(png).resize(size).tobytes())


def wait_for(driver, script: str, timeout: float = 10):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(lambda d: d.execute_script(script))


# ---------- what a reader does ----------

def test_reader_path_index_document_footnote_marker_redaction(driver, seed_site):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    driver.set_window_size(*WIDE)
    open_page(driver, seed_site.url + "index.html")
    assert "Volume IV" in driver.title
    driver.find_element(By.CSS_SELECTOR, "nav.toc a[href='d321.html']").click()
    wait_for(driver, "return location.pathname.endsWith('/d321.html') && document.readyState === 'complete'")
    assert driver.find_element(By.TAG_NAME, "h1").text.startswith("321. Note Prepared in the White House")

    # footnote 1: hovering the marker shows its text beside it
    marker = driver.find_element(By.CSS_SELECTOR, "a.noteref[href='#d321fn1']")
    ActionChains(driver).move_to_element(marker).perform()
    wait_for(driver, "const p = document.getElementById('fn-preview'); return p && !p.hidden")
    preview = driver.find_element(By.ID, "fn-preview")
    assert preview.is_displayed() and "Source: Reagan Library" in preview.text
    assert marker.get_attribute("aria-describedby") == "fn-preview"
    # the preview sits below the marker, inside the window
    assert preview.rect["y"] >= marker.rect["y"] + marker.rect["height"] - 1
    assert 0 <= preview.rect["x"] and preview.rect["x"] + preview.rect["width"] <= WIDE[0]
    # Escape hides it; keyboard focus brings it back (no mouse needed)
    driver.find_element(By.TAG_NAME, "body").send_keys(Keys.ESCAPE)
    wait_for(driver, "return document.getElementById('fn-preview').hidden")
    ActionChains(driver).move_by_offset(0, 300).perform()
    driver.execute_script("document.activeElement && document.activeElement.blur()")
    body = driver.find_element(By.TAG_NAME, "body")
    for _ in range(40):  # Tab through the page until the marker has the focus
        body = driver.switch_to.active_element
        if body.get_attribute("class") == "noteref":
            break
        body.send_keys(Keys.TAB)
    assert driver.switch_to.active_element.get_attribute("href").endswith("#d321fn1"), "the marker is not reachable by Tab"
    wait_for(driver, "return !document.getElementById('fn-preview').hidden")
    # activating the marker (Enter) goes to the footnote, which is shown on screen
    driver.switch_to.active_element.send_keys(Keys.ENTER)
    wait_for(driver, "return location.hash === '#d321fn1'")
    note = driver.find_element(By.ID, "d321fn1")
    assert note.is_displayed() and note.text.startswith("1.")
    in_view = driver.execute_script(
        "const r = arguments[0].getBoundingClientRect(); return r.top >= 0 && r.top < innerHeight", note)
    assert in_view, "the footnote is not scrolled into view"
    # ... and its back-link returns to the marker
    note.find_element(By.CSS_SELECTOR, "a.backref").click()
    wait_for(driver, "return location.hash === '#d321fn1-ref'")

    # the page marker: "[Page 1149]" in the right margin, level with the bullet where the page turns
    pb = driver.find_element(By.ID, "pg_1149")
    assert pb.text.strip().endswith("[Page 1149]")
    text_box = driver.find_element(By.CSS_SELECTOR, "div.doc-body").rect
    assert pb.rect["x"] >= text_box["x"] + text_box["width"] - 1, "the page marker is not in the right margin"
    bullet = driver.find_element(By.XPATH, "//li[starts-with(normalize-space(), 'The source noted Dobrynin')]")
    assert abs(pb.rect["y"] - bullet.rect["y"]) < 30

    # the redaction: the label italic, the brackets roman
    gap = driver.find_element(By.CSS_SELECTOR, ".gap")
    assert gap.text == "[1 paragraph (8 lines) not declassified]"
    label = gap.find_element(By.TAG_NAME, "i")
    assert label.value_of_css_property("font-style") == "italic"
    assert gap.value_of_css_property("font-style") == "normal"
    assert not console_errors(driver)


def test_search_finds_backchannel_and_leads_to_the_document(driver, seed_site):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    open_page(driver, seed_site.url + "index.html")
    box = driver.find_element(By.CSS_SELECTOR, "header form[role='search'] input[name='q']")
    box.send_keys("Backchannel", Keys.ENTER)
    wait_for(driver, "return location.pathname.endsWith('/search.html')")
    wait_for(driver, "return document.querySelectorAll('#search-results a').length > 0")
    status = driver.find_element(By.ID, "search-status").text
    assert status == "1 document contains “Backchannel”."
    hit = driver.find_element(By.CSS_SELECTOR, "#search-results a")
    assert hit.text == "321. Note Prepared in the White House Situation Room"
    hit.click()
    wait_for(driver, "return location.pathname.endsWith('/d321.html')")
    # a word in no document finds nothing, and says so; a prefix finds the word
    open_page(driver, seed_site.url + "search.html?q=zanzibar")
    wait_for(driver, "return document.getElementById('search-status').textContent.startsWith('No document')")
    open_page(driver, seed_site.url + "search.html?q=dobryn")
    wait_for(driver, "return document.querySelectorAll('#search-results a').length === 1")
    assert not console_errors(driver)


def test_pages_work_without_javascript(seed_site):
    """Without JavaScript the marker is still a link to the note and the note is on the page."""
    from lxml import html

    page = html.fromstring((seed_site.folder / "d321.html").read_bytes())
    ref = page.xpath("//a[@class='noteref']")[0]
    assert ref.get("href") == "#d321fn1" and page.xpath("//li[@id='d321fn1']")
    search = html.fromstring((seed_site.folder / "search.html").read_bytes())
    assert "needs JavaScript" in search.xpath("string(//noscript)")


def test_screenshots_layout_present(driver, seed_site):
    """Screenshots of d321, wide and phone-sized, saved in build/test-screenshots and compared
    loosely with docs/img/d321-html.png: the page is styled, the text column and the margin are
    where they belong, nothing overflows at phone width."""
    from selenium.webdriver.common.by import By

    SHOTS.mkdir(parents=True, exist_ok=True)
    driver.set_window_size(*WIDE)
    open_page(driver, seed_site.url + "d321.html")
    assert driver.execute_script("return getComputedStyle(document.body).backgroundColor") == "rgb(253, 252, 248)"
    wide = driver.get_screenshot_as_png()
    (SHOTS / "d321-wide.png").write_bytes(wide)
    shot, ref = grey_thumbnail(wide), grey_thumbnail(REFERENCE.read_bytes())
    darkest, lightest = grey(wide).getextrema()
    assert darkest < 80 and lightest > 240, "the screenshot is blank"
    diff = sum(abs(a - b) for a, b in zip(shot, ref)) / len(shot)
    # same browser, same page: ~0-4; the page without its stylesheet: ~11
    assert diff < 6, f"the page looks unlike docs/img/d321-html.png (mean difference {diff:.1f}/255)"
    article = driver.find_element(By.TAG_NAME, "article").rect
    assert 500 < article["width"] < 800 and article["x"] > 100, "the text column is not centred"
    assert not console_errors(driver)

    driver.set_window_size(*PHONE)
    open_page(driver, seed_site.url + "d321.html")
    phone = driver.get_screenshot_as_png()
    (SHOTS / "d321-phone.png").write_bytes(phone)
    assert driver.execute_script("return document.documentElement.scrollWidth <= innerWidth"), "the page scrolls sideways"
    pb = driver.find_element(By.ID, "pg_1149").rect
    assert 0 <= pb["x"] and pb["x"] + pb["width"] <= PHONE[0]
    driver.set_window_size(*WIDE)


# ---------- accessibility (axe-core) on the seed, the gold corpus and the benchmark volume ----------

@pytest.mark.parametrize("name", ["index.html", "d321.html", "about.html", "search.html?q=soviet"])
def test_axe_seed(driver, seed_site, axe_source, name):
    assert_accessible(driver, axe_source, seed_site.url + name)


def test_axe_gold(driver, gold_site, axe_source):
    for name in ("index.html", "d134.html", "d245.html", "persons.html", "about.html"):
        assert_accessible(driver, axe_source, gold_site.url + name)


def test_benchmark_volume_in_the_browser(driver, bench_site, axe_source):
    from selenium.webdriver.common.by import By

    open_page(driver, bench_site.url + "index.html")
    assert len(driver.find_elements(By.CSS_SELECTOR, "nav.toc li")) == 1000
    for name in ("index.html", "d500.html", "persons.html"):
        assert_accessible(driver, axe_source, bench_site.url + name)
    open_page(driver, bench_site.url + "search.html?q=Gromyko")
    wait_for(driver, "return document.querySelectorAll('#search-results a').length > 0", timeout=30)
    assert "documents contain" in driver.find_element(By.ID, "search-status").text
    assert not console_errors(driver)
