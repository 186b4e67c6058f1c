"""Writer: teikit's TEI → the FRUS publisher's dialect (``teikit export --to frus``).

The inverse of ``readers.frus_tei``, following the publisher's conventions
(``../shared/docs/frus-encoding.md``):

* ids ``d{n}``, ``d{n}fn{m}``, ``pg_{n}`` (kept where the TEI already has ids), ``pb/@facs``
  from the edition's facs offset when known;
* the document number printed at the start of the head ("18. Memorandum …");
* gaps: ``[<hi rend="italic">1 line not declassified</hi>]`` (a block gap becomes a paragraph),
  omissions ``[Omitted here …]`` in roman; other gaps (``reason="deleted"``) stay gaps;
* ``frus:doc-dateTime-min/max`` from the first dateline, always at -05:00 (`doc_datetime`);
* ``closer/signed/persName/hi[@rend='strong']``;
* bulleted and dashed lists as paragraphs opening with "• " / "—" (v05 practice), list types
  limited to the publisher's values;
* ``div type="attachment"`` → ``frus:attachment``; ``VOLUME#id`` pointers into the exported
  volume → ``#id``; teikit's classification segs → their content.
"""

from __future__ import annotations

import calendar
import copy
import datetime as dt
import re
from pathlib import Path

from lxml import etree

from ..report import Report
from ..xmlio import TEI_NS, XML_NS, indent, serialize

T = f"{{{TEI_NS}}}"
FRUS_NS = "http://history.state.gov/frus/ns/1.0"
F = f"{{{FRUS_NS}}}"
XML_ID = f"{{{XML_NS}}}id"
NS = {"tei": TEI_NS, "frus": FRUS_NS}
DOC_MIN, DOC_MAX = F + "doc-dateTime-min", F + "doc-dateTime-max"
EST = dt.timezone(dt.timedelta(hours=-5))
LIST_TYPES = {"participants", "subject", "index", "terms", "names", "toc", "references", "to", "simple",
              "sources", "from"}
ITEM_PREFIX = {"bulleted": "• ", "dashed": "—"}
_LAYOUT = re.compile(r"\s*\n\s*")

# ---------------------------------------------------------------------------------------------
# frus:doc-dateTime-min/max


def _instant(value: str, end: bool) -> dt.datetime | None:
    """An ISO date or dateTime as an aware datetime; a day/month/year stands for its first or
    last second; a dateTime without offset is read at -05:00, as the publisher does."""
    try:
        if re.fullmatch(r"\d{4}", value):
            return dt.datetime(int(value), 12, 31, 23, 59, 59, tzinfo=EST) if end else \
                dt.datetime(int(value), 1, 1, tzinfo=EST)
        if re.fullmatch(r"\d{4}-\d{2}", value):
            y, m = map(int, value.split("-"))
            return dt.datetime(y, m, calendar.monthrange(y, m)[1], 23, 59, 59, tzinfo=EST) if end else \
                dt.datetime(y, m, 1, tzinfo=EST)
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            day = dt.date.fromisoformat(value)
            return dt.datetime.combine(day, dt.time(23, 59, 59) if end else dt.time(0), EST)
        when = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        return when if when.tzinfo else when.replace(tzinfo=EST)
    except ValueError:
        return None


def _stamp(when: dt.datetime) -> str:
    return when.astimezone(EST).strftime("%Y-%m-%dT%H:%M:%S") + "-05:00"


def dateline_date(div: etree._Element) -> etree._Element | None:
    """The date of the document's own dateline (not an attachment's, not in a note)."""
    for date in div.iter(T + "date"):
        if date.xpath("ancestor::tei:dateline", namespaces=NS) and not date.xpath(
                "ancestor::tei:note | ancestor::frus:attachment | ancestor::tei:div[@type='attachment']",
                namespaces=NS):
            return date
    return None


def doc_datetime(div: etree._Element) -> tuple[str | None, str | None]:
    """`frus:doc-dateTime-min/max` the publisher's way: from the dateline's @when, @from/@to or
    @notBefore/@notAfter, always expressed at -05:00; (None, None) for an undated document."""
    date = dateline_date(div)
    if date is None:
        return None, None
    pairs = (("when", "when"), ("from", "to"), ("notBefore", "notAfter"))
    for lo, hi in pairs:
        if date.get(lo) and date.get(hi):
            start, end = _instant(date.get(lo), False), _instant(date.get(hi), True)
            if start and end:
                return _stamp(start), _stamp(end)
    return None, None


# ---------------------------------------------------------------------------------------------
# One document


class _Export:
    def __init__(self, volume_id: str, facs_offset: int | None, report: Report, path: str):
        self.volume_id = volume_id
        self.facs_offset = facs_offset
        self.report = report
        self.path = path

    def warn(self, el, message: str) -> None:
        line = getattr(el, "sourceline", None) or 0
        self.report.warning(self.path, line, 1 if line else 0, message, rule="frus-export")

    def document(self, hub: etree._Element) -> etree._Element:
        """A FRUS `div type="document"` from teikit's (the input is not changed)."""
        div = etree.Element(T + "div", nsmap={None: TEI_NS, "frus": FRUS_NS})  # frus: prefix in place
        div.attrib.update(hub.attrib)
        div.text = hub.text
        div.extend(copy.deepcopy(child) for child in hub)
        n = div.get("n")
        if n and not div.get(XML_ID):
            div.set(XML_ID, f"d{n}")
        doc_id = div.get(XML_ID, "")
        self._head(div, n)
        self._notes(div, doc_id)
        self._pages(div)
        self._signatures(div)  # before the gaps: a redacted name is a gap inside persName
        self._gaps(div)
        self._segs(div)
        self._lists(div)
        self._datelines(div)
        self._late_openers(div)
        for el in list(div.iter(T + "div")):
            if el.get("type") == "attachment":
                el.tag = F + "attachment"
                del el.attrib["type"]
        self._pointers(div)
        low, high = doc_datetime(div)
        if low and high:
            div.set(DOC_MIN, low)
            div.set(DOC_MAX, high)
        elif div.get("subtype") == "historical-document":
            self.warn(hub, f"document {n} has no dated dateline: frus:doc-dateTime-min/max not written")
        return div

    def _head(self, div, n) -> None:
        head = div.find(T + "head")
        if head is not None and n:
            head.text = f"{n}. " + (head.text or "")
        for sub in div.findall(T + "head[@type='subject']"):
            # the publisher allows one head per div: a subject line is a centred paragraph
            p = etree.Element(T + "p", rend="center")
            p.text, p[:] = sub.text, list(sub)
            div.remove(sub)
            _after_div_top(div, p)

    def _notes(self, div, doc_id) -> None:
        for note in div.iter(T + "note"):
            if note.get("place") == "foot":
                del note.attrib["place"]
            if note.get("n") and not note.get(XML_ID) and doc_id and note.get("rend") != "inline":
                note.set(XML_ID, f"{doc_id}fn{note.get('n')}")

    def _pages(self, div) -> None:
        for pb in div.iter(T + "pb"):
            n = pb.get("n")
            if n and not pb.get(XML_ID):
                pb.set(XML_ID, f"pg_{n}")
            if n and not pb.get("facs") and self.facs_offset is not None and n.isdigit():
                pb.set("facs", f"{int(n) + self.facs_offset:04d}")

    def _gaps(self, div) -> None:
        for gap in list(div.iter(T + "gap")):
            reason = gap.get("reason", "")
            if reason not in ("not-declassified", "editorial-omission"):
                continue
            desc = gap.find(T + "desc")
            words = _LAYOUT.sub(" ", "".join(desc.itertext())) if desc is not None else ""
            parent = gap.getparent()
            block = parent.tag in (T + "div", T + "quote") or (
                parent.tag == T + "note" and parent.find(T + "p") is not None)
            host = gap
            if block:
                host = etree.Element(T + "p")
                host.tail, gap.tail = gap.tail, None
                parent.replace(gap, host)
                host.append(gap)
            if reason == "not-declassified":
                words = words or f"{gap.get('extent', 'text')} not declassified"
                hi = etree.Element(T + "hi", rend="italic")
                hi.text = words
                hi.tail = "]" + (gap.tail or "")
                _append_text_before(gap, "[")
                gap.getparent().replace(gap, hi)
            else:
                _replace_with_text(gap, f"[{words}]")

    def _segs(self, div) -> None:
        for seg in list(div.iter(T + "seg")):
            if seg.get("type") in ("classification", "classification-marking"):
                _unwrap(seg)

    def _lists(self, div) -> None:
        for lst in list(div.iter(T + "list")):
            kind = lst.get("type")
            if kind and kind not in LIST_TYPES:
                self.warn(lst, f"list type \"{kind}\" is not one of the publisher's; written without a type")
                del lst.attrib["type"]
            prefix = ITEM_PREFIX.get(lst.get("rend", ""))
            if prefix is None:
                continue
            if lst.find(T + "head") is not None or lst.find(T + "label") is not None \
                    or lst.xpath("tei:item/tei:p | tei:item/tei:list", namespaces=NS):
                del lst.attrib["rend"]
                continue
            parent = lst.getparent()
            if parent.tag not in (T + "div", T + "quote", T + "note"):
                continue
            index = parent.index(lst)
            moved = []
            for child in lst:
                if child.tag == T + "item":
                    p = etree.Element(T + "p")
                    p.text = prefix + (child.text or "")
                    p.extend(list(child))
                    moved.append(p)
                else:
                    moved.append(child)
            tail = lst.tail
            parent.remove(lst)
            for offset, el in enumerate(moved):
                el.tail = None
                parent.insert(index + offset, el)
            if moved:
                moved[-1].tail = tail

    def _signatures(self, div) -> None:
        for signed in div.iter(T + "signed"):
            names = signed.xpath(".//tei:persName[not(ancestor::tei:note)]", namespaces=NS)
            if not names:
                pers = _wrap_name(signed)
                if pers is None:
                    self.warn(signed, "a signature without a name: the publisher expects a persName in signed")
                    continue
                names = [pers]
            for pers in names:
                if len(pers) == 1 and pers[0].tag == T + "hi" and not (pers.text or "").strip():
                    continue
                if pers.xpath("tei:gap[@reason='not-declassified'] | tei:hi[@rend='italic'][contains(., 'not "
                              "declassified')]", namespaces=NS):
                    continue
                _wrap_content(pers, etree.Element(T + "hi", rend="strong"))

    def _datelines(self, div) -> None:
        for dateline in div.iter(T + "dateline"):
            if dateline.getparent().tag == T + "opener" and dateline.get("rendition") is None:
                dateline.set("rendition", "#right")
            for date in dateline.iter(T + "date"):
                if date.get("calendar") is None and any(date.get(a) for a in
                                                        ("when", "from", "to", "notBefore", "notAfter")):
                    date.set("calendar", "gregorian")

    def _late_openers(self, div) -> None:
        """An opener after the body text (an attachment's dateline the text form did not mark)
        cannot stand there in TEI: its dateline and salute become paragraphs."""
        blocks = {T + n for n in ("p", "list", "quote", "lg", "gap", "table")}
        for opener in list(div.iter(T + "opener")):
            if not any(sib.tag in blocks for sib in opener.itersiblings(preceding=True)):
                continue
            self.warn(opener, "a dateline after the body text (an attachment's?) is written as a paragraph; "
                              "mark the attachment in teikit's TEI to keep it a dateline")
            parent, index = opener.getparent(), opener.getparent().index(opener)
            paras = []
            for child in opener:
                if not isinstance(child.tag, str):
                    continue
                p = etree.Element(T + "p")
                if child.tag in (T + "dateline", T + "salute"):
                    p.text = child.text
                    p.extend(list(child))
                else:
                    p.append(child)
                paras.append(p)
            tail = opener.tail
            parent.remove(opener)
            for offset, p in enumerate(paras):
                parent.insert(index + offset, p)
            if paras:
                paras[-1].tail = tail

    def _pointers(self, div) -> None:
        prefix = self.volume_id + "#"
        for el in div.iter():
            if not isinstance(el.tag, str):
                continue
            for attr in ("corresp", "target"):
                value = el.get(attr)
                if value and self.volume_id and value.startswith(prefix):
                    el.set(attr, value[len(self.volume_id):])


def _after_div_top(div: etree._Element, el: etree._Element) -> None:
    """Insert `el` after the div's leading head/opener/dateline elements (and milestones)."""
    index = 0
    for i, child in enumerate(div):
        if child.tag in (T + "head", T + "opener", T + "dateline", T + "salute", T + "signed", T + "byline"):
            index = i + 1
        elif child.tag not in (T + "pb", T + "lb", T + "note"):
            break
    div.insert(index, el)


def _append_text_before(el: etree._Element, text: str) -> None:
    prev = el.getprevious()
    if prev is not None:
        prev.tail = (prev.tail or "") + text
    else:
        parent = el.getparent()
        parent.text = (parent.text or "") + text


def _replace_with_text(el: etree._Element, text: str) -> None:
    _append_text_before(el, text + (el.tail or ""))
    el.getparent().remove(el)


def _unwrap(el: etree._Element) -> None:
    parent = el.getparent()
    index = parent.index(el)
    _append_text_before(el, el.text or "")
    children = list(el)
    tail = el.tail
    parent.remove(el)
    for offset, child in enumerate(children):
        parent.insert(index + offset, child)
    if children:
        children[-1].tail = (children[-1].tail or "") + (tail or "")
    elif tail:
        if index > 0:
            parent[index - 1].tail = (parent[index - 1].tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail


def _wrap_content(el: etree._Element, wrapper: etree._Element) -> None:
    """Put all of `el`'s content into `wrapper`; white space at either end stays outside."""
    text = el.text or ""
    lead = text[: len(text) - len(text.lstrip())]
    wrapper.text = text[len(lead):] or None
    wrapper.extend(list(el))
    last_text = wrapper[-1].tail if len(wrapper) else wrapper.text
    last_text = last_text or ""
    trail = last_text[len(last_text.rstrip()):]
    if trail:
        if len(wrapper):
            wrapper[-1].tail = last_text.rstrip() or None
        else:
            wrapper.text = last_text.rstrip() or None
    el.text = lead or None
    el.append(wrapper)
    wrapper.tail = trail or None


def _wrap_name(signed: etree._Element) -> etree._Element | None:
    """`<signed>Kampelman<note/></signed>` → the leading words in a persName."""
    text = signed.text or ""
    if text.strip():
        lead = len(text) - len(text.lstrip())
        pers = etree.Element(T + "persName")
        pers.text = text.strip()
        pers.tail = text[lead + len(text.strip()):] or None
        signed.text = text[:lead] or None
        signed.insert(0, pers)
        return pers
    gap = signed.find(T + "gap")
    if gap is not None and gap.get("reason") == "not-declassified" and gap.getprevious() is None:
        pers = etree.Element(T + "persName")
        pers.tail, gap.tail = gap.tail, None
        signed.replace(gap, pers)
        pers.append(gap)
        return pers
    return None


# ---------------------------------------------------------------------------------------------
# A whole file


def _titles(header: etree._Element | None) -> dict[str, str]:
    found: dict[str, str] = {}
    if header is None:
        return found
    for title in header.iterfind(".//tei:titleStmt/tei:title", NS):
        found.setdefault(title.get("type", "main"), " ".join("".join(title.itertext()).split()))
    return found


def frus_header(hub_header: etree._Element | None, volume_id: str, documents: list[etree._Element]) -> etree._Element:
    """A teiHeader in the publisher's shape (five typed titles, publicationStmt with the
    `frus` idno, renditions #left/#right, revisionDesc with its status)."""
    titles = _titles(hub_header)
    series_full = titles.get("series", "Foreign Relations of the United States")
    series, _, sub_series = series_full.partition(", ")
    volume_full = titles.get("volume", "")
    volume_number, _, volume = volume_full.partition(", ") if volume_full.startswith("Volume") else ("", "", volume_full)
    get = (lambda xp: " ".join(hub_header.xpath(f"string({xp})", namespaces=NS).split())) if hub_header is not None \
        else (lambda xp: "")
    h = etree.Element(T + "teiHeader")
    fd = etree.SubElement(h, T + "fileDesc")
    ts = etree.SubElement(fd, T + "titleStmt")
    complete = ", ".join(x for x in (series_full, volume_full) if x) or titles.get("main", volume_id)
    for kind, value in (("complete", complete), ("series", series), ("sub-series", sub_series),
                        ("volume-number", volume_number), ("volume", volume or titles.get("main", ""))):
        etree.SubElement(ts, T + "title", type=kind).text = value
    for editor in (hub_header.iterfind(".//tei:titleStmt/tei:editor", NS) if hub_header is not None else []):
        etree.SubElement(ts, T + "editor", role=editor.get("role", "primary")).text = "".join(editor.itertext())
    ps = etree.SubElement(fd, T + "publicationStmt")
    etree.SubElement(ps, T + "publisher").text = get(".//tei:publicationStmt/tei:publisher") or "Unpublished"
    place = get(".//tei:publicationStmt/tei:pubPlace")
    if place:
        etree.SubElement(ps, T + "pubPlace").text = place
    year = get(".//tei:publicationStmt/tei:date/@when") or get(".//tei:publicationStmt/tei:date")
    if year:
        etree.SubElement(ps, T + "date", type="publication-date", calendar="gregorian").text = year
    etree.SubElement(ps, T + "idno", type="frus").text = volume_id
    sd = etree.SubElement(fd, T + "sourceDesc")
    etree.SubElement(sd, T + "p").text = "Exported from teikit's TEI by teikit."
    ed = etree.SubElement(h, T + "encodingDesc")
    tags = etree.SubElement(ed, T + "tagsDecl")
    for side in ("left", "right"):
        r = etree.SubElement(tags, T + "rendition")
        r.set(XML_ID, side)
        r.text = f"display: inline; float: {side};"
    rd = etree.SubElement(h, T + "revisionDesc", status="published")
    change = etree.SubElement(rd, T + "change", status="published")
    change.text = "Exported from teikit's TEI."
    return h


def to_frus(tree: etree._ElementTree, path: str = "<tree>", *, volume_id: str | None = None,
            facs_offset: int | None = None) -> tuple[bytes, Report]:
    """The FRUS TEI file for a teikit TEI file: `TEI xml:id=VOLUME`, the publisher's header,
    the documents (and any page breaks between them) in `body`."""
    root = tree.getroot() if isinstance(tree, etree._ElementTree) else tree
    report = Report(files=1)
    header = root.find(T + "teiHeader")
    vol = volume_id or (header.xpath("string(.//tei:idno[@type='volume'])", namespaces=NS).strip()
                        if header is not None else "") or Path(path).stem
    exporter = _Export(vol, facs_offset, report, path)
    out = etree.Element(T + "TEI", nsmap={None: TEI_NS, "frus": FRUS_NS})
    out.set(XML_ID, vol)
    documents = root.xpath("//tei:div[@type='document']", namespaces=NS)
    out.append(frus_header(header, vol, documents))
    body = etree.SubElement(etree.SubElement(out, T + "text"), T + "body")
    source_body = root.find(f"{T}text/{T}body")
    if source_body is None:
        report.error(path, 0, 0, "no text/body: not a teikit TEI document")
        return b"", report
    for child in source_body:
        if not isinstance(child.tag, str):
            continue
        if child.tag == T + "div" and child.get("type") == "document":
            body.append(exporter.document(child))
            continue
        part = copy.deepcopy(child)  # volume structure (compilation, chapter) or a page break
        for doc in part.xpath(".//tei:div[@type='document'][not(ancestor::tei:div[@type='document'])]",
                              namespaces=NS):
            doc.getparent().replace(doc, exporter.document(doc))
        body.append(part)
    indent(out)
    return serialize(out), report


def export_file(path: str | Path, *, config=None) -> tuple[bytes, Report]:
    """`teikit export FILE --to frus`: the FRUS TEI of one teikit TEI file."""
    from ..config import load
    from ..xmlio import parse

    path = Path(path)
    config = config or load(path.parent)
    tree = parse(path)
    header = tree.getroot().find(T + "teiHeader")
    vol = header.xpath("string(.//tei:idno[@type='volume'])", namespaces=NS).strip() if header is not None else ""
    return to_frus(tree, str(path), volume_id=vol or config.edition.volume_id or None,
                   facs_offset=config.edition.facs_offset)
