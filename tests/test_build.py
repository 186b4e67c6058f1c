"""The builder converts a seed only when its TEI is missing or untouched since teikit wrote it."""

from __future__ import annotations

from teikit.build import build

from .conftest import SEED_TEXT


def run(project, **kw):
    log: list[str] = []
    report = build(project, html=False, pdf=False, log=log.append, **kw)
    return report, [line for line in log if line.startswith("convert")]


def test_missing_tei_is_converted_then_left_alone(project):
    report, converted = run(project)
    assert report.ok and len(converted) == 1 and "no TEI yet" in converted[0]
    tei = project / "tei" / "frus1981-88v04-d321.xml"
    before = tei.read_bytes()
    report, converted = run(project)
    assert report.ok and converted == [] and tei.read_bytes() == before


def test_changed_seed_reconverts_untouched_tei(project):
    run(project)
    seed = project / "seeds" / SEED_TEXT.name
    seed.write_text(seed.read_text("utf-8").replace("Dobrynin said", "Dobrynin stated"), "utf-8")
    report, converted = run(project)
    assert report.ok and "seed changed" in converted[0]
    assert "Dobrynin stated" in (project / "tei" / "frus1981-88v04-d321.xml").read_text("utf-8")


def test_edited_tei_is_kept_and_a_changed_seed_is_a_warning(project):
    run(project)
    tei = project / "tei" / "frus1981-88v04-d321.xml"
    edited = tei.read_text("utf-8").replace("Dobrynin said", "Dobrynin (editor's fix) said")
    tei.write_text(edited, "utf-8")
    report, converted = run(project)
    assert converted == [] and report.warnings == []
    seed = project / "seeds" / SEED_TEXT.name
    seed.write_text(seed.read_text("utf-8") + "\n", "utf-8")
    report, converted = run(project)
    assert converted == [] and tei.read_text("utf-8") == edited
    assert len(report.warnings) == 1
    assert "has been edited, so it is kept" in report.warnings[0].message
    report, converted = run(project, force=True)
    assert converted and "editor's fix" not in tei.read_text("utf-8")


def test_many_seeds_convert_in_parallel_processes(project):
    seed = project / "seeds" / SEED_TEXT.name
    for k in range(2, 6):  # the same document under other numbers
        text = seed.read_text("utf-8").replace("321. ", f"{320 + k}. ", 1)
        (project / "seeds" / f"doc{k}.txt").write_text(text, "utf-8")
    seen: list[tuple[int, int]] = []
    report = build(project, html=False, pdf=False, jobs=2, progress=lambda done, total: seen.append((done, total)))
    assert report.ok, [d.format() for d in report.errors]
    assert seen[-1] == (5, 5) and len(seen) == 5
    assert sorted(p.name for p in (project / "tei").glob("*.xml")) == [
        "doc2.xml", "doc3.xml", "doc4.xml", "doc5.xml", "frus1981-88v04-d321.xml"]
    assert 'n="324"' in (project / "tei" / "doc4.xml").read_text("utf-8")


def test_outputs_render_again_only_when_their_inputs_change(project):
    messages: list[str] = []
    assert build(project, log=messages.append).ok
    pdf = next((project / "build" / "pdf").glob("*.pdf"))
    page = project / "build" / "html" / "d321.html"
    before = (pdf.stat().st_mtime_ns, page.stat().st_mtime_ns)
    messages.clear()
    assert build(project, log=messages.append).ok
    assert "HTML in build/html is up to date" in messages and "PDF in build/pdf is up to date" in messages
    assert (pdf.stat().st_mtime_ns, page.stat().st_mtime_ns) == before
    tei = project / "tei" / "frus1981-88v04-d321.xml"
    tei.write_text(tei.read_text("utf-8").replace("Dobrynin said", "Dobrynin (corrected) said"), "utf-8")
    messages.clear()
    assert build(project, log=messages.append).ok
    assert "render HTML → build/html" in messages and "render PDF → build/pdf" in messages
    assert "Dobrynin (corrected) said" in page.read_text("utf-8")
