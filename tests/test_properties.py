"""Property tests: documents generated from the text-form constructs, printed as text,
converted to TEI and printed back, must come back unchanged and with every construct found."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from teikit import config as teikit_config
from teikit.convert import convert_text
from teikit.writers.text import to_text
from teikit.xmlio import parse_bytes

from .conftest import REPO

NS = {"t": "http://www.tei-c.org/ns/1.0"}
WORDS = ("the", "ambassador", "said", "that", "relations", "were", "improving", "Soviet", "talks",
         "would", "continue", "in", "Geneva", "with", "both", "delegations", "present", "U.S.-Soviet")
REDACTIONS = ("1 line", "3 lines", "less than 1 line", "2 paragraphs (9 lines)", "1½ lines", "name", "1 page")
SOURCE = "Source: Reagan Library, NSC Files, USSR; NLR–748–25A–42–3–0. Secret."


@st.composite
def documents(draw):
    """A document as the text form prints it, and what it holds."""
    number = draw(st.integers(1, 1999))
    title = " ".join(draw(st.lists(st.sampled_from(("Memorandum", "From", "Shultz", "To", "Reagan")), min_size=2, max_size=6)))
    page = draw(st.integers(1, 900))
    held = {"notes": 1, "pages": [], "gaps": 0}
    blocks = [f"{number}. {title}1"]
    if draw(st.booleans()):
        blocks.append("Washington, April 8, 1985")
    for _ in range(draw(st.integers(1, 6))):
        words: list[str] = []
        for _ in range(draw(st.integers(3, 25))):
            choice = draw(st.integers(0, 12))
            if choice == 0:
                held["notes"] += 1
                words.append(draw(st.sampled_from(WORDS)) + f".{held['notes']}")
            elif choice == 1:
                page += 1
                held["pages"].append(str(page))
                words.append(f"[Page {page}]")
            elif choice == 2:
                held["gaps"] += 1
                words.append(f"[{draw(st.sampled_from(REDACTIONS))} not declassified]")
            else:
                words.append(draw(st.sampled_from(WORDS)))
        text = " ".join(words)
        if not text.startswith("["):  # a block that is only a bracket is its own construct
            blocks.append(("• " if draw(st.integers(0, 4)) == 0 else "") + text[0].upper() + text[1:] + ".")
        else:
            blocks.append("They said: " + text + ".")
    notes = [f"  1. {SOURCE}"] + [f"  {k}. See Document {k * 3}." for k in range(2, held["notes"] + 1)]
    return "\n\n".join(blocks + notes), held


def convert(text: str):
    os.environ["SOURCE_DATE_EPOCH"] = "1795824000"
    try:
        return convert_text(text, source="generated.txt", config=teikit_config.load(REPO), out_path=REPO / "x.xml")
    finally:
        del os.environ["SOURCE_DATE_EPOCH"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_generated_documents_round_trip_with_every_construct(doc):
    text, held = doc
    conversion = convert(text)
    root = parse_bytes(conversion.data).getroot()
    assert to_text(root.getroottree(), conversion.data) == text
    notes = root.findall(".//t:body//t:note", NS)
    assert [n.get("n") for n in notes] == [str(k) for k in range(1, held["notes"] + 1)]
    assert all(n.getparent().tag != "{http://www.tei-c.org/ns/1.0}p" or n.getparent().text for n in notes)
    assert [pb.get("n") for pb in root.iterfind(".//t:pb", NS)] == held["pages"]
    assert len(root.findall(".//t:gap[@reason='not-declassified']", NS)) == held["gaps"]
    assert not [w for w in conversion.report.warnings if "no marker" in w.message]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(documents(), min_size=2, max_size=4))
def test_generated_volumes_split_at_every_document(docs):
    numbers = list(range(100, 100 + len(docs)))
    texts = []
    for number, (text, _) in zip(numbers, docs):
        texts.append(f"{number}." + text.split(".", 1)[1])  # renumber: the volume runs 100, 101, …
    conversion = convert("\n\n".join(texts))
    root = parse_bytes(conversion.data).getroot()
    divs = root.findall(".//t:div[@type='document']", NS)
    assert [d.get("n") for d in divs] == [str(n) for n in numbers]
    assert [len(d.findall(".//t:note", NS)) for d in divs] == [held["notes"] for _, held in docs]
