"""`teikit package`: a BagIt bag of the example edition, its Dublin Core records, and
`--verify` naming every missing, extra or altered file."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree

from teikit.dublincore import creator, records
from teikit.package import verify_package
from teikit.xmlio import parse

from .conftest import REPO, SEED_TEI

DC = "http://purl.org/dc/elements/1.1/"


@pytest.fixture(scope="module")
def bag(tmp_path_factory) -> Path:
    """The example edition (a copy of the project) packaged once for the module."""
    root = tmp_path_factory.mktemp("project")
    for name in ("teikit.toml", "seeds", "tei", "schemas"):
        source = REPO / name
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, root / name)
    out = root.parent / "bag"
    result = subprocess.run([str(Path(sys.executable).parent / "teikit"), "package", str(root), "-o", str(out)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture
def copy_of(bag, tmp_path) -> Path:
    target = tmp_path / "bag"
    shutil.copytree(bag, target)
    return target


def _verify(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(Path(sys.executable).parent / "teikit"), "package", "--verify", str(path)],
                          capture_output=True, text=True)


def test_bag_holds_the_edition(bag):
    data = bag / "data"
    assert (data / "tei" / "frus1981-88v04-d321.xml").read_bytes() == SEED_TEI.read_bytes()
    assert {p.name for p in (data / "schemas").iterdir()} == {"teikit.rnc", "teikit.rng", "teikit.sch"}
    assert (data / "html" / "d321.html").is_file() and (data / "html" / "index.html").is_file()
    assert (data / "pdf" / "frus1981-88v04-d321.pdf").read_bytes().startswith(b"%PDF")
    assert sorted(p.name for p in bag.glob("*manifest-*.txt")) == [
        "manifest-sha256.txt", "manifest-sha512.txt", "tagmanifest-sha256.txt", "tagmanifest-sha512.txt"]
    info = (bag / "bag-info.txt").read_text("utf-8")
    for line in ("External-Identifier: frus1981-88v04", "Source-Organization: United States Government Publishing Office",
                 "Editor: Elizabeth C. Charles", "Publication-Year: 2021",
                 "Title: Foreign Relations of the United States, 1981–1988, Volume IV, Soviet Union"):
        assert line in info


def test_dublin_core_record(bag):
    record = parse(bag / "data" / "dc" / "frus1981-88v04-d321.xml").getroot()
    assert record.tag == "{http://www.openarchives.org/OAI/2.0/oai_dc/}dc"
    values = {}
    for el in record:
        values.setdefault(etree.QName(el).localname, []).append(el.text)
    assert values["title"] == ["Note Prepared in the White House Situation Room"]
    assert values["source"] == ["Reagan Library, Executive Secretariat, NSC Country File, Europe and Soviet Union, "
                                "USSR (11/27/84–12/04/84); NLR–748–25A–42–3–0."]
    assert values["identifier"][0] == "../html/d321.html"
    assert (bag / "data" / "dc" / values["identifier"][0]).resolve() == (bag / "data" / "html" / "d321.html").resolve()
    assert values["rights"] == ["Public domain: a work of the United States Government."]


def test_dublin_core_creator_and_date():
    assert creator("Memorandum From Secretary of State Shultz to President Reagan") == "Secretary of State Shultz"
    assert creator("Telegram From the Delegation at the Nuclear and Space Talks to the Department of State") == \
        "Delegation at the Nuclear and Space Talks"
    assert creator("Memorandum of Conversation") is None
    volume = etree.fromstring(
        '<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader/><text><body><div type="document" n="4" xml:id="d4">'
        '<head>Telegram From Ambassador Hartman to the Department of State</head><opener><dateline>Moscow, '
        '<date when="1985-03-12T20:19:00+00:00">March 12</date></dateline></opener><p>x</p></div></body></text></TEI>')
    (doc_id, record), = records(volume, base_url="https://example.org/edition")
    assert doc_id == "d4"
    assert record.findtext(f"{{{DC}}}creator") == "Ambassador Hartman"
    assert record.findtext(f"{{{DC}}}date") == "1985-03-12T20:19:00+00:00"
    assert record.findtext(f"{{{DC}}}identifier") == "https://example.org/edition/d4.html"
    assert record.find(f"{{{DC}}}source") is None  # no source note, no source


def test_intact_bag_verifies(bag):
    result = _verify(bag)
    assert result.returncode == 0, result.stderr
    assert verify_package(bag).ok


@pytest.mark.parametrize("name", [
    "data/tei/frus1981-88v04-d321.xml", "data/html/d321.html", "data/pdf/frus1981-88v04-d321.pdf",
    "data/dc/frus1981-88v04-d321.xml", "data/schemas/teikit.rng", "bag-info.txt", "bagit.txt",
    "manifest-sha256.txt", "manifest-sha512.txt", "tagmanifest-sha256.txt", "tagmanifest-sha512.txt",
])
def test_flipped_byte_is_named(copy_of, name):
    path = copy_of / name
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle] ^= 0x01
    path.write_bytes(bytes(data))
    result = _verify(copy_of)
    assert result.returncode == 1
    assert f"{path}:0:0: error: altered" in result.stderr, result.stderr


def test_deleted_file_is_named(copy_of):
    path = copy_of / "data" / "html" / "d321.html"
    path.unlink()
    result = _verify(copy_of)
    assert result.returncode == 1
    assert f"{path}:0:0: error: missing" in result.stderr


def test_added_files_are_named(copy_of):
    added = [copy_of / "data" / "tei" / "extra.xml", copy_of / "notes.txt"]
    for path in added:
        path.write_text("not in the manifests\n")
    result = _verify(copy_of)
    assert result.returncode == 1
    for path in added:
        assert f"{path}:0:0: error: extra" in result.stderr


def test_package_refuses_an_existing_folder_and_a_missing_output(tmp_path):
    (tmp_path / "bag").mkdir()
    (tmp_path / "bag" / "x").write_text("x")
    teikit = str(Path(sys.executable).parent / "teikit")
    result = subprocess.run([teikit, "package", str(REPO), "-o", str(tmp_path / "bag")], capture_output=True, text=True)
    assert result.returncode == 2 and "already exists" in result.stderr
    result = subprocess.run([teikit, "package", str(REPO)], capture_output=True, text=True)
    assert result.returncode == 2 and "-o BAG" in result.stderr
    result = subprocess.run([teikit, "package", "--verify", str(tmp_path)], capture_output=True, text=True)
    assert result.returncode == 2 and "not a BagIt bag" in result.stderr
