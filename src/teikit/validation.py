"""Validate TEI files against RELAX NG (.rng/.rnc) and ISO Schematron (.sch) schemas.

    validate(paths, schemas=None, *, jobs=1) -> Report
    is_valid_tree(tree, schema_path, *, path=None, source=None) -> list[Diagnostic]

Every finding is a Diagnostic located at `path:line:col`. libxml2 (lxml) validates RELAX NG
quickly but reports column 0, often the wrong element, and never what was expected; so for
small grammars (teikit's own) an invalid document is narrowed down element by element
against sub-grammars ("is this element valid on its own?") until the element whose own
attributes or children are wrong is found, and the message is rewritten from what the
grammar allows there. Schematron failures are located by evaluating the SVRL location
XPath on the tree.

Schemas are compiled once per process (cached by resolved path, mtime and size).

`python -m teikit.validation --regenerate-rng` rewrites schemas/teikit.rng from teikit.rnc;
`--check` only says whether it is up to date.
"""

from __future__ import annotations

import copy
import os
import re
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Iterable, Sequence

from lxml import etree

from . import resources
from .errors import InvalidInput, SchemaError, TeikitError, UnsafeXML, UsageError
from .report import ERROR, INFO, WARNING, Diagnostic, Report
from .xmlio import _refuse_doctype, parse, xml_files

__all__ = [
    "validate",
    "validate_file",
    "is_valid_tree",
    "load_schema",
    "rnc_to_rng",
    "generated_rng",
    "regenerate_rng",
    "BUNDLED_SCHEMAS",
]

RNG_NS = "http://relaxng.org/ns/structure/1.0"
SCH_NS = "http://purl.oclc.org/dsdl/schematron"
SVRL_NS = "http://purl.oclc.org/dsdl/svrl"
XML_NS = "http://www.w3.org/XML/1998/namespace"
_R = f"{{{RNG_NS}}}"

BUNDLED_SCHEMAS = ("teikit.rng", "teikit.sch")

# A grammar that compiles faster than this is small enough to compile sub-grammars of it
# (one per element name met in an invalid document) to find the element really at fault.
_DRILL_COMPILE_LIMIT = 1.0

_RNG_HEADER = (
    "<!-- Generated from teikit.rnc by teikit.validation.regenerate_rng(): do not edit.\n"
    "     Change teikit.rnc and regenerate (see schemas/README.md). -->\n"
)


# ----------------------------------------------------------------------------------------
# Parsing documents
# ----------------------------------------------------------------------------------------

def _parse(path: str) -> etree._ElementTree:
    """Parse with xmlio.parse (no DTD, no entities, no network). A repeated xml:id is
    reported by libxml2 as a parse error; it is a Schematron finding (unique-id), not
    malformed XML, so such a file is parsed again without collecting ids."""
    try:
        return parse(path)
    except UnsafeXML:
        raise
    except InvalidInput as exc:
        if not re.search(r"\bID \S+ already defined", exc.message):
            raise
        first = exc
    parser = etree.XMLParser(
        resolve_entities=False, load_dtd=False, no_network=True, dtd_validation=False,
        huge_tree=False, collect_ids=False,
    )
    try:
        tree = etree.parse(path, parser)
    except (etree.XMLSyntaxError, OSError):
        raise first from None
    _refuse_doctype(tree, path)
    return tree


# ----------------------------------------------------------------------------------------
# Locating nodes in the source text
# ----------------------------------------------------------------------------------------

class _Source:
    """The lines of a document's text, to turn an element into a line and a column."""

    def __init__(self, text: str | None = None, path: str | None = None):
        self._text = text
        self._path = path  # read only when a finding must be located: valid files never are
        self._lines: list[str] | None = None
        self._lock = threading.Lock()
        self._index: dict[str, dict[int, list[etree._Element]]] | None = None
        self._root: etree._Element | None = None

    @property
    def lines(self) -> list[str] | None:
        if self._lines is None:
            if self._text is None and self._path is not None:
                try:
                    self._text = Path(self._path).read_text(encoding="utf-8")
                except (OSError, UnicodeDecodeError):
                    self._path = None
            self._lines = self._text.splitlines() if self._text is not None else []
        return self._lines

    @staticmethod
    def _qname(elem: etree._Element) -> str:
        local = etree.QName(elem).localname
        return f"{elem.prefix}:{local}" if elem.prefix else local

    def _same_line(self, elem: etree._Element) -> list[etree._Element]:
        with self._lock:  # the grammar and the rules may locate findings at the same time
            return self._same_line_unlocked(elem)

    def _same_line_unlocked(self, elem: etree._Element) -> list[etree._Element]:
        """The elements of the same name that start on the element's line, in order; the
        index is built per element name, when a finding first needs it."""
        root = elem.getroottree().getroot()
        if self._index is None or self._root is not root:
            self._root = root
            self._index = {}
        by_line = self._index.get(elem.tag)
        if by_line is None:
            by_line = self._index[elem.tag] = {}
            for e in root.iter(elem.tag):
                by_line.setdefault(e.sourceline or 0, []).append(e)
        same = [e for e in by_line.get(elem.sourceline or 0, ()) if e.prefix == elem.prefix]
        return same or [elem]

    def element(self, elem: etree._Element) -> tuple[int, int]:
        """(line, column) of `<name` of the element's start tag; column is 1-based."""
        line = elem.sourceline or 0
        if not line or not self.lines or line > len(self.lines):
            return line, 1 if line else 0
        qname = self._qname(elem)
        pattern = re.compile(r"<" + re.escape(qname) + r"(?=[\s/>]|$)")
        same = self._same_line(elem)
        k = same.index(elem) if elem in same else 0
        hits = list(pattern.finditer(self.lines[line - 1]))
        if len(hits) > k:
            return line, hits[k].start() + 1
        # A start tag spread over several lines: libxml2 may give a later line.
        for back in range(line - 1, max(0, line - 30), -1):
            hits = list(pattern.finditer(self.lines[back - 1]))
            if hits:
                return back, hits[-1].start() + 1
        return line, 1

    def attribute(self, elem: etree._Element, name: str) -> tuple[int, int]:
        """(line, column) of `name=` inside the element's start tag."""
        line, col = self.element(elem)
        if not self.lines or not line:
            return line, col
        qn = etree.QName(name)
        if qn.namespace == XML_NS:
            shown = f"xml:{qn.localname}"
        elif qn.namespace:
            prefix = next((p for p, u in (elem.nsmap or {}).items() if u == qn.namespace and p), None)
            shown = f"{prefix}:{qn.localname}" if prefix else qn.localname
        else:
            shown = qn.localname
        pattern = re.compile(r"(?<![\w:.-])" + re.escape(shown) + r"\s*=")
        start = col - 1
        for i in range(line - 1, min(len(self.lines), line + 30)):
            text = self.lines[i]
            m = pattern.search(text, start if i == line - 1 else 0)
            end = text.find(">", start if i == line - 1 else 0)
            if m and (end < 0 or m.start() < end):
                return i + 1, m.start() + 1
            if end >= 0:
                break
        return line, col


# ----------------------------------------------------------------------------------------
# What a RELAX NG grammar allows, computed statically (for messages and sub-grammars)
# ----------------------------------------------------------------------------------------

def _inherited(node: etree._Element, attr: str) -> str | None:
    while node is not None:
        value = node.get(attr)
        if value is not None:
            return value
        node = node.getparent()
    return None


def _name_of(pattern: etree._Element, attribute: bool) -> str | None:
    """Clark name of an element/attribute pattern, or None for a name class (wildcard)."""
    name = pattern.get("name")
    ns = None
    if name is None:
        first = next((c for c in pattern if isinstance(c.tag, str)), None)
        if first is None or first.tag != _R + "name":
            return None
        name = (first.text or "").strip()
        ns = first.get("ns")
    name = name.strip()
    if ":" in name:
        prefix, local = name.split(":", 1)
        uri = XML_NS if prefix == "xml" else pattern.nsmap.get(prefix)
        return f"{{{uri}}}{local}" if uri else local
    if ns is None:
        ns = "" if attribute else (_inherited(pattern, "ns") or "")
    return f"{{{ns}}}{name}" if ns else name


def _shown(clark: str) -> str:
    qn = etree.QName(clark)
    return f"xml:{qn.localname}" if qn.namespace == XML_NS else qn.localname


class _Grammar:
    """Static facts about one RELAX NG grammar: which children, attributes and values
    each element allows, and which it requires."""

    def __init__(self, tree: etree._ElementTree):
        self.tree = tree
        root = tree.getroot()
        self.usable = root.tag == _R + "grammar" and not any(
            isinstance(e.tag, str) and e.tag in (_R + "include", _R + "externalRef", _R + "parentRef", _R + "grammar")
            for e in root.iter() if e is not root
        )
        self.defines: dict[str, list[etree._Element]] = {}
        self.elements: dict[str, list[etree._Element]] = {}
        for node in root.iter(_R + "define"):
            self.defines.setdefault(node.get("name"), []).append(node)
        for node in root.iter(_R + "element"):
            name = _name_of(node, attribute=False)
            if name is not None:
                self.elements.setdefault(name, []).append(node)
        self._facts: dict[str, "_Facts"] = {}

    def start_names(self) -> set[str] | None:
        """Element names a document may start with (None when a wildcard allows others)."""
        facts = _Facts()
        for start in self.tree.getroot().findall(_R + "start"):
            self._walk(start, facts, set())
        return None if facts.any_child or not facts.children else facts.children

    def facts(self, clark: str) -> "_Facts | None":
        if clark not in self.elements:
            return None
        if clark not in self._facts:
            facts = _Facts()
            for pattern in self.elements[clark]:
                self._walk(pattern, facts, set(), top=True)
                facts.required_children.append(self._required(pattern, set(), attributes=False))
                facts.required_attrs.append(self._required(pattern, set(), attributes=True))
            self._facts[clark] = facts
        return self._facts[clark]

    @staticmethod
    def _children(node: etree._Element) -> list[etree._Element]:
        """RELAX NG child patterns of `node`, without the name class of an element/attribute."""
        kids = [c for c in node if isinstance(c.tag, str) and c.tag.startswith(_R)]
        if node.tag in (_R + "element", _R + "attribute") and node.get("name") is None and kids:
            kids = kids[1:]
        return kids

    def _walk(self, node: etree._Element, facts: "_Facts", seen: set[str], top: bool = False) -> None:
        for child in self._children(node):
            tag = child.tag[len(_R):]
            if tag == "element":
                name = _name_of(child, attribute=False)
                if name is None:
                    facts.any_child = True
                else:
                    facts.children.add(name)
            elif tag == "attribute":
                name = _name_of(child, attribute=True)
                if name is None:
                    facts.any_attr = True
                else:
                    facts.attrs.setdefault(name, []).append(child)
            elif tag == "ref":
                ref = child.get("name")
                if ref not in seen:
                    seen.add(ref)
                    for define in self.defines.get(ref, []):
                        self._walk(define, facts, seen)
            elif tag in ("text", "mixed"):
                facts.text = True
                if tag == "mixed":
                    self._walk(child, facts, seen)
            elif tag in ("data", "value", "list") and not facts.text:
                facts.data = True
            else:
                self._walk(child, facts, seen)

    def _required(self, node: etree._Element, seen: set[str], attributes: bool) -> set[str]:
        """Names that must occur in every match of the content of `node`."""
        result: set[str] = set()
        for child in self._children(node):
            result |= self._required_one(child, seen, attributes)
        return result

    def _required_one(self, child: etree._Element, seen: set[str], attributes: bool) -> set[str]:
        tag = child.tag[len(_R):]
        if tag in ("element", "attribute"):
            if (tag == "attribute") != attributes:
                return set()
            name = _name_of(child, attribute=attributes)
            return {name} if name else set()
        if tag in ("optional", "zeroOrMore", "empty", "text", "data", "value", "notAllowed", "param"):
            return set()
        if tag == "choice":
            options = [self._required_one(c, seen, attributes) for c in self._children(child)]
            return set.intersection(*options) if options else set()
        if tag == "ref":
            ref = child.get("name")
            defines = self.defines.get(ref, [])
            if ref in seen or len(defines) != 1:
                return set()
            return self._required(defines[0], seen | {ref}, attributes)
        return self._required(child, seen, attributes)  # group, interleave, oneOrMore, mixed, list

    def values(self, attr_patterns: list[etree._Element]) -> tuple[list[str], list[str]]:
        """Literal values and datatype names an attribute accepts."""
        values: list[str] = []
        types: list[str] = []
        for pattern in attr_patterns:
            for node in pattern.iter(_R + "value", _R + "data", _R + "text", _R + "ref"):
                if node.tag == _R + "value":
                    values.append((node.text or "").strip())
                elif node.tag == _R + "data":
                    types.append(node.get("type"))
                elif node.tag == _R + "text":
                    types.append("text")
                else:
                    for define in self.defines.get(node.get("name"), []):
                        v, t = self.values([define])
                        values += v
                        types += t
        return list(dict.fromkeys(values)), list(dict.fromkeys(types))

    def sub_grammar_tree(self, clark: str) -> etree._ElementTree | None:
        """A copy of the grammar whose start is element `clark` (any of its definitions)."""
        if not self.usable or clark not in self.elements:
            return None
        tree = copy.deepcopy(self.tree)
        positions = {id(e): i for i, e in enumerate(self.tree.getroot().iter(_R + "element"))}
        wanted = {positions[id(e)] for e in self.elements[clark]}
        copies = [e for i, e in enumerate(tree.getroot().iter(_R + "element")) if i in wanted]
        root = tree.getroot()
        for start in root.findall(_R + "start"):
            root.remove(start)
        define = etree.SubElement(root, _R + "define", name="__teikit_start__")
        choice = etree.SubElement(define, _R + "choice")
        for original, pattern in zip(self.elements[clark], copies):
            dup = copy.deepcopy(pattern)
            for attr in ("ns", "datatypeLibrary"):
                if dup.get(attr) is None:
                    value = _inherited(original, attr)
                    if value is not None:
                        dup.set(attr, value)
            choice.append(dup)
        start = etree.SubElement(root, _R + "start")
        etree.SubElement(start, _R + "ref", name="__teikit_start__")
        return tree


class _Facts:
    def __init__(self) -> None:
        self.children: set[str] = set()
        self.attrs: dict[str, list[etree._Element]] = {}
        self.any_child = False
        self.any_attr = False
        self.text = False
        self.data = False
        self.required_children: list[set[str]] = []
        self.required_attrs: list[set[str]] = []

    @property
    def must_have(self) -> set[str]:
        return set.intersection(*self.required_children) if self.required_children else set()

    @property
    def must_have_attrs(self) -> set[str]:
        return set.intersection(*self.required_attrs) if self.required_attrs else set()


# ----------------------------------------------------------------------------------------
# A faster verdict: the grammar split into a content grammar and an attribute grammar
# ----------------------------------------------------------------------------------------

def _pattern_kinds(node: etree._Element, defines: dict[str, list[etree._Element]], memo: dict[str, set[str]]) -> set[str]:
    """What a pattern can match at the level of its element: "attr" (attributes), "content"
    (elements, text, data); element patterns are not entered (their attributes are their own)."""
    tag = node.tag[len(_R):] if isinstance(node.tag, str) and node.tag.startswith(_R) else None
    if tag == "attribute":
        return {"attr"}
    if tag in ("element", "text", "data", "value", "list"):
        return {"content"}
    if tag in ("empty", "notAllowed", None):
        return set()
    if tag == "ref":
        name = node.get("name")
        if name not in memo:
            memo[name] = set()  # a ref cycle only passes through elements, which stop the walk
            kinds: set[str] = set()
            for define in defines.get(name, []):
                for child in _Grammar._children(define):
                    kinds |= _pattern_kinds(child, defines, memo)
            memo[name] = kinds
        return memo[name]
    kinds = set()
    for child in _Grammar._children(node):
        kinds |= _pattern_kinds(child, defines, memo)
    return kinds


def _split_grammar(tree: etree._ElementTree) -> tuple[etree._ElementTree, etree._ElementTree, list[str]] | None:
    """Two grammars whose conjunction is exactly the given one, when it has that shape, else None.

    libxml2 runs an element's content model as a fast automaton only when no attribute
    pattern sits in it, and every TEI element takes optional attributes through a ref
    (att.global), so on teikit.rng it backtracks through every paragraph (0.6 s on a 7 MB
    volume). When each element name has one definition and each item of an element pattern
    is either attributes only or content only, an element is valid exactly when its
    attributes and, separately, its content are:
      content grammar: the grammar without its attribute items, run on a copy of the
        document whose attributes are stripped (compiled automata: ~0.04 s);
      attribute grammar: each element keeps only its attribute items and may contain text
        and any element of the grammar (~0.1 s).
    Returns (content grammar, attribute grammar, the attribute names to strip)."""
    root = tree.getroot()
    if root.tag != _R + "grammar" or any(
            isinstance(e.tag, str) and e.tag in (_R + "include", _R + "externalRef", _R + "parentRef", _R + "grammar",
                                                 _R + "anyName", _R + "nsName")
            for e in root.iter() if e is not root):
        return None
    elements = list(root.iter(_R + "element"))
    names = [_name_of(e, attribute=False) for e in elements]
    if not elements or None in names or len(set(names)) != len(names):
        return None
    defines: dict[str, list[etree._Element]] = {}
    for d in root.iter(_R + "define"):
        defines.setdefault(d.get("name"), []).append(d)
    memo: dict[str, set[str]] = {}
    attr_items: list[list[int]] = []
    for e in elements:
        kinds = [_pattern_kinds(item, defines, memo) for item in _Grammar._children(e)]
        if any(k == {"attr", "content"} for k in kinds):
            return None
        attr_items.append([i for i, k in enumerate(kinds) if k == {"attr"}])
    attr_names = [_name_of(a, attribute=True) for a in root.iter(_R + "attribute")]
    if None in attr_names:  # a choice of names: the copy could not be stripped by name
        return None

    content = copy.deepcopy(tree)
    for e, attrs in zip(list(content.getroot().iter(_R + "element")), attr_items):
        items = _Grammar._children(e)
        for i in attrs:
            e.remove(items[i])
        if not _Grammar._children(e):
            etree.SubElement(e, _R + "empty")

    attributes = copy.deepcopy(tree)
    aroot = attributes.getroot()
    moved = list(aroot.iter(_R + "element"))
    for i, (e, original) in enumerate(zip(moved, elements)):
        for attr in ("ns", "datatypeLibrary"):
            if e.get(attr) is None and (value := _inherited(original, attr)) is not None:
                e.set(attr, value)
        ref = etree.Element(_R + "ref", name=f"__teikit_e{i}")
        ref.tail = e.tail
        e.getparent().replace(e, ref)
        etree.SubElement(aroot, _R + "define", name=f"__teikit_e{i}").append(e)
    for e, attrs in zip(moved, attr_items):
        items = _Grammar._children(e)
        for i, item in enumerate(items):
            if i not in attrs:
                e.remove(item)
        anything = etree.SubElement(etree.SubElement(e, _R + "zeroOrMore"), _R + "choice")
        etree.SubElement(anything, _R + "text")
        etree.SubElement(anything, _R + "ref", name="__teikit_any")
    any_element = etree.SubElement(etree.SubElement(aroot, _R + "define", name="__teikit_any"), _R + "choice")
    for i in range(len(moved)):
        etree.SubElement(any_element, _R + "ref", name=f"__teikit_e{i}")
    for start in aroot.findall(_R + "start"):
        aroot.remove(start)
    etree.SubElement(etree.SubElement(aroot, _R + "start"), _R + "ref", name="__teikit_any")
    return content, attributes, sorted(set(attr_names))


# ----------------------------------------------------------------------------------------
# Schemas
# ----------------------------------------------------------------------------------------

class _Schema:
    kind = "?"

    def __init__(self, path: Path):
        self.path = path

    def check(self, tree: etree._ElementTree, path: str, source: _Source) -> list[Diagnostic]:
        raise NotImplementedError


def rnc_to_rng(text: str, source: str = "<rnc>") -> str:
    """RELAX NG compact syntax to XML syntax (rnc2rng), as text."""
    try:
        import rnc2rng
        from rnc2rng import parser as rnc_parser
    except ImportError:  # pragma: no cover - depends on the installation
        raise SchemaError(
            "reading a .rnc schema needs the rnc2rng package (pip install rnc2rng)", source
        ) from None
    try:
        return rnc2rng.dumps(rnc2rng.loads(text))
    except rnc_parser.ParseError as exc:
        raise SchemaError(f"broken compact-syntax schema: {exc.msg}", source) from None
    except Exception as exc:  # rnc2rng raises bare errors on some inputs
        raise SchemaError(f"broken compact-syntax schema: {exc}", source) from None


class _RelaxNG(_Schema):
    kind = "RelaxNG"

    def __init__(self, path: Path):
        super().__init__(path)
        self.grammar_tree = self._load_tree(path)
        started = time.perf_counter()
        _announce("compiling", str(path))
        try:
            self.rng = etree.RelaxNG(self.grammar_tree)
        except etree.RelaxNGParseError as exc:
            raise SchemaError(f"broken RELAX NG schema: {_first_error(exc)}", str(path)) from None
        finally:
            _announce("compiled", str(path))
        self.compile_seconds = time.perf_counter() - started
        self.grammar = _Grammar(self.grammar_tree)
        self.drill = self.grammar.usable and self.compile_seconds < _DRILL_COMPILE_LIMIT
        self._split = self._compile_split() if self.drill else None
        self._subs: dict[str, etree.RelaxNG | None] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _load_tree(path: Path) -> etree._ElementTree:
        try:
            if path.suffix == ".rnc":
                text = rnc_to_rng(path.read_text(encoding="utf-8"), str(path))
                return etree.ElementTree(etree.fromstring(text.encode("utf-8"), base_url=str(path)))
            return etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))
        except etree.XMLSyntaxError as exc:
            line, col = exc.position if exc.position else (0, 0)
            raise SchemaError(f"schema is not well-formed XML: {exc.msg}", str(path), line, col) from None
        except OSError as exc:
            raise SchemaError(f"cannot read schema: {exc.strerror or exc}", str(path)) from None

    def _compile_split(self) -> tuple[etree.RelaxNG, etree.RelaxNG, list[str]] | None:
        split = _split_grammar(self.grammar_tree)
        if split is None:
            return None
        try:
            return etree.RelaxNG(split[0]), etree.RelaxNG(split[1]), split[2]
        except etree.RelaxNGParseError:
            return None

    def is_valid(self, tree: etree._ElementTree) -> bool:
        """The verdict alone; through the split grammars when the grammar allows it."""
        if self._split is None:
            return bool(self.rng.validate(tree))
        content, attributes, names = self._split
        if not attributes.validate(tree):
            return False
        bare = copy.deepcopy(tree.getroot())
        etree.strip_attributes(bare, *names)  # an attribute the grammar lacks stays, and fails
        return bool(content.validate(bare))

    def _sub(self, clark: str) -> etree.RelaxNG | None:
        with self._lock:
            if clark not in self._subs:
                tree = self.grammar.sub_grammar_tree(clark)
                try:
                    self._subs[clark] = etree.RelaxNG(tree) if tree is not None else None
                except etree.RelaxNGParseError:
                    self._subs[clark] = None
            return self._subs[clark]

    # -- checking -------------------------------------------------------------------------

    def check(self, tree: etree._ElementTree, path: str, source: _Source) -> list[Diagnostic]:
        # Only an invalid document goes on to the full grammar, whose error log is read below.
        if self.is_valid(tree) or self.rng.validate(tree):
            return []
        found: list[Diagnostic] = []
        # libxml2 reports a repeated xsd:ID value as a content error of some ancestor. Say
        # it plainly, then validate a copy where the repeats are made unique.
        duplicates = _duplicate_ids(tree.getroot())
        if duplicates:
            for elem in duplicates:
                line, col = source.attribute(elem, f"{{{XML_NS}}}id")
                found.append(Diagnostic(path, line, col, ERROR,
                                        f'the identifier "{elem.get(f"{{{XML_NS}}}id")}" is already used earlier in this file',
                                        rule="relaxng:duplicate-id"))
            tree = copy.deepcopy(tree)
            for n, elem in enumerate(_duplicate_ids(tree.getroot())):
                elem.set(f"{{{XML_NS}}}id", f"{elem.get(f'{{{XML_NS}}}id')}.teikit-duplicate-{n}")
            if self.rng.validate(tree):
                return found
        entries = list(self.rng.error_log)
        located: list[Diagnostic] = []
        root = tree.getroot()
        starts = self.grammar.start_names()
        if starts and root.tag not in starts:
            line, col = source.element(root)
            names = ", ".join(f'"{_shown(n)}"' for n in sorted(starts))
            ns = etree.QName(root).namespace
            shown = f'"{_shown(root.tag)}"' + ("" if ns in {etree.QName(n).namespace for n in starts}
                                              else f" (namespace {ns or 'none'})")
            found.append(Diagnostic(path, line, col, ERROR,
                                    f"the document element is {shown}; the schema expects {names}",
                                    rule="relaxng:root-element"))
        if self.drill:
            located = self._drill(tree.getroot(), None, path, source)
        if not located:
            located = self._rewrite(entries, tree.getroot(), path, source)
        return _dedupe(found + located)

    def _valid_alone(self, elem: etree._Element) -> bool | None:
        sub = self._sub(elem.tag)
        return None if sub is None else bool(sub.validate(elem))

    def _drill(self, elem, parent, path, source) -> list[Diagnostic]:
        """Find the elements whose own attributes or children break the grammar."""
        sub = self._sub(elem.tag)
        if sub is None:
            return [self._unknown(elem, parent, path, source)]
        if sub.validate(elem):
            return []
        entries = list(sub.error_log)
        children = [c for c in elem if isinstance(c.tag, str)]
        bad = [c for c in children if not self._valid_alone(c)]
        found: list[Diagnostic] = []
        for child in bad:
            found += self._drill(child, elem, path, source)
        if bad:
            found += self._static(elem, path, source)
        else:
            facts = self.grammar.facts(elem.tag)
            own = self._attributes(elem, facts, path, source) if facts is not None else []
            # libxml2 often blames the content for a bad attribute value: trust the grammar.
            found += own or self._rewrite(entries, elem, path, source)
        return found

    def _unknown(self, elem, parent, path, source) -> Diagnostic:
        line, col = source.element(elem)
        name = _shown(elem.tag)
        where = f' in "{_shown(parent.tag)}"' if parent is not None else ""
        if etree.QName(elem).namespace != etree.QName(parent.tag if parent is not None else elem).namespace:
            ns = etree.QName(elem).namespace or "no namespace"
            msg = f'element "{name}" (namespace {ns}) is not allowed{where}'
        else:
            msg = f'element "{name}" is not allowed{where}: the schema has no element "{name}"'
        if parent is not None:
            msg += self._may_contain(parent)
        return Diagnostic(path, line, col, ERROR, msg, rule="relaxng:unknown-element")

    def _may_contain(self, elem) -> str:
        facts = self.grammar.facts(elem.tag)
        if facts is None or facts.any_child:
            return ""
        names = sorted(_shown(n) for n in facts.children)
        if not names:
            return f'; "{_shown(elem.tag)}" may contain no elements'
        return f'; expected one of: {", ".join(names)}'

    def _static(self, elem, path, source) -> list[Diagnostic]:
        """Findings certain from the grammar alone: children or attributes never allowed on
        the element, required ones missing, attribute values outside a closed list."""
        facts = self.grammar.facts(elem.tag)
        if facts is None:
            return []
        found = []
        name = _shown(elem.tag)
        present = {c.tag for c in elem if isinstance(c.tag, str)}
        for child in elem:
            if isinstance(child.tag, str) and not facts.any_child and child.tag not in facts.children \
                    and child.tag in self.grammar.elements:
                line, col = source.element(child)
                found.append(Diagnostic(
                    path, line, col, ERROR,
                    f'element "{_shown(child.tag)}" is not allowed in "{name}"' + self._may_contain(elem),
                    rule="relaxng:element-not-allowed"))
        missing = sorted(_shown(n) for n in facts.must_have - present)
        if missing:
            line, col = source.element(elem)
            found.append(Diagnostic(path, line, col, ERROR, _missing_message(name, missing),
                                    rule="relaxng:missing-element"))
        found += self._attributes(elem, facts, path, source)
        return found

    def _attributes(self, elem, facts, path, source, only: str | None = None) -> list[Diagnostic]:
        found = []
        name = _shown(elem.tag)
        for attr, value in elem.attrib.items():
            if only is not None and attr != only:
                continue
            line, col = source.attribute(elem, attr)
            if attr not in facts.attrs:
                if facts.any_attr:
                    continue
                allowed = sorted(_shown(a) for a in facts.attrs)
                hint = f'; "{name}" may have: {", ".join(allowed)}' if allowed else ""
                found.append(Diagnostic(path, line, col, ERROR,
                                        f'attribute "{_shown(attr)}" is not allowed on "{name}"{hint}',
                                        rule="relaxng:attribute-not-allowed"))
                continue
            values, types = self.grammar.values(facts.attrs[attr])
            if only is not None and types == ["ID"] and _id_used_before(elem, attr, value):
                found.append(Diagnostic(path, line, col, ERROR,
                                        f'the identifier "{value}" is already used earlier in this file',
                                        rule="relaxng:duplicate-id"))
                continue
            if values and not types and not _in_values(value, values, facts.attrs[attr]):
                found.append(Diagnostic(
                    path, line, col, ERROR,
                    f'attribute "{_shown(attr)}" of "{name}" has the value "{value}", which is not allowed; '
                    f'allowed values: {", ".join(values)}',
                    rule="relaxng:bad-attribute-value"))
            elif only is not None:
                expected = ", ".join(values + [_TYPE_WORDS.get(t, t) for t in types if t]) or "another value"
                found.append(Diagnostic(
                    path, line, col, ERROR,
                    f'attribute "{_shown(attr)}" of "{name}" has the value "{value}", which is not allowed; '
                    f'expected: {expected}',
                    rule="relaxng:bad-attribute-value"))
        missing = sorted(_shown(a) for a in facts.must_have_attrs - set(elem.attrib.keys()))
        if missing and only is None:
            line, col = source.element(elem)
            what = "attribute" if len(missing) == 1 else "attributes"
            found.append(Diagnostic(path, line, col, ERROR,
                                    f'element "{name}" lacks required {what} ' + ", ".join(f'"{m}"' for m in missing),
                                    rule="relaxng:missing-attribute"))
        return found

    def _rewrite(self, entries, elem, path, source) -> list[Diagnostic]:
        """Turn libxml2's entries, produced while validating `elem` alone, into plain words."""
        found: list[Diagnostic] = []
        generic = []
        positional = re.compile(r"Did not expect element|has extra content: [^#]|Expecting element \S+, got")
        culprit = None
        if any(positional.search(e.message or "") for e in entries):
            culprit = self._culprit_by_removal(elem)
            if culprit is not None:
                found.append(self._misplaced(culprit, elem, path, source))
        for entry in entries:
            message = entry.message or ""
            if culprit is not None and positional.search(message):
                continue
            node = _entry_node(elem, entry, message)
            m_attr = re.match(r"Invalid attribute (\S+) for element (\S+)", message)
            m_extra = re.match(r"Element (\S+) has extra content: (\S+)", message)
            m_wrong = re.match(r"Did not expect element (\S+) there", message)
            m_expect = re.match(r"Expecting an element (\S*), got nothing", message)
            m_name = re.match(r"Expecting element (\S+), got (\S+)", message)
            facts = self.grammar.facts(node.tag) if isinstance(node.tag, str) else None
            if m_attr and facts is not None:
                attr = _attr_key(node, m_attr.group(1))
                found += self._attributes(node, facts, path, source, only=attr) or []
            elif (m_wrong or m_name) and node is not elem and node.getparent() is not None:
                found.append(self._misplaced(node, node.getparent(), path, source))
            elif m_extra and node is not elem and node.getparent() is not None:
                found.append(self._misplaced(node, node.getparent(), path, source))
            elif m_expect and facts is not None:
                present = {c.tag for c in node if isinstance(c.tag, str)}
                missing = sorted(_shown(n) for n in facts.must_have - present)
                line, col = source.element(node)
                if missing:
                    msg = _missing_message(_shown(node.tag), missing)
                elif m_expect.group(1):
                    msg = f'element "{_shown(node.tag)}" is incomplete: expected element "{m_expect.group(1)}"'
                else:
                    msg = f'element "{_shown(node.tag)}" is incomplete: a required element is missing' \
                        + self._may_contain(node)
                found.append(Diagnostic(path, line, col, ERROR, msg, rule="relaxng:missing-element"))
            elif "failed to validate attributes" in message and facts is not None:
                found += self._attributes(node, facts, path, source)
            elif "failed to validate content" in message or "Extra element" in message:
                generic.append((node, f'the content of element "{_shown(node.tag)}" does not follow the schema'
                                + (self._may_contain(node) if isinstance(node.tag, str) else ""), "relaxng"))
            elif "Did not expect text" in message or "has extra content: #text" in message:
                generic.append((node, f'text is not allowed directly inside "{_shown(node.tag)}"'
                                + self._may_contain(node).replace("; expected", "; it may contain"),
                                "relaxng:text-not-allowed"))
            else:
                generic.append((node, _plain(message), "relaxng"))
        if not found:
            for node, msg, rule in generic:
                line, col = source.element(node) if isinstance(node.tag, str) else (entry_line(node), 1)
                found.append(Diagnostic(path, line, col, ERROR, msg, rule=rule))
        return found

    def _culprit_by_removal(self, elem) -> etree._Element | None:
        """The child whose removal makes `elem` valid (the last such child, which is the one
        that came too late or is never allowed there); None when no single child does."""
        sub = self._sub(elem.tag)
        children = [c for c in elem if isinstance(c.tag, str)]
        if sub is None or len(children) > 400:
            return None
        trial = copy.deepcopy(elem)
        trial_children = [c for c in trial if isinstance(c.tag, str)]
        found = None
        for original, child in zip(children, trial_children):
            index = trial.index(child)
            tail = child.tail
            trial.remove(child)
            if sub.validate(trial):
                found = original
            child.tail = tail
            trial.insert(index, child)
        return found

    def _misplaced(self, node, parent, path, source) -> Diagnostic:
        line, col = source.element(node)
        name, pname = _shown(node.tag), _shown(parent.tag)
        facts = self.grammar.facts(parent.tag)
        if node.tag not in self.grammar.elements:
            return self._unknown(node, parent, path, source)
        if facts is not None and not facts.any_child and node.tag not in facts.children:
            msg = f'element "{name}" is not allowed in "{pname}"' + self._may_contain(parent)
            return Diagnostic(path, line, col, ERROR, msg, rule="relaxng:element-not-allowed")
        before = node.getprevious()
        while before is not None and not isinstance(before.tag, str):
            before = before.getprevious()
        where = f'after "{_shown(before.tag)}"' if before is not None else "first"
        msg = f'element "{name}" is not allowed here: "{pname}" may contain "{name}", but not {where}'
        return Diagnostic(path, line, col, ERROR, msg, rule="relaxng:element-out-of-place")


def entry_line(node) -> int:
    return getattr(node, "sourceline", 0) or 0


_TYPE_WORDS = {
    "decimal": "a number such as 8 or 2.5",
    "double": "a number",
    "integer": "a whole number",
    "nonNegativeInteger": "a whole number",
    "ID": "an identifier (a letter or _ followed by letters, digits, -, _ or .)",
    "NCName": "a name without spaces or colons",
    "Name": "a name without spaces",
    "date": "a date YYYY-MM-DD",
    "gYear": "a year YYYY",
    "gYearMonth": "a month YYYY-MM",
    "dateTime": "a date and time YYYY-MM-DDThh:mm:ss",
    "language": "a language code such as en",
    "anyURI": "a URI",
}


def _duplicate_ids(root: etree._Element) -> list[etree._Element]:
    seen: set[str] = set()
    repeats = []
    for elem in root.iter(etree.Element):
        value = elem.get(f"{{{XML_NS}}}id")
        if value is not None:
            if value in seen:
                repeats.append(elem)
            seen.add(value)
    return repeats


def _id_used_before(elem, attr, value) -> bool:
    for other in elem.getroottree().getroot().iter(etree.Element):
        if other is elem:
            return False
        if other.get(attr) == value:
            return True
    return False


def _in_values(value: str, values: list[str], patterns) -> bool:
    is_list = any(p.find(f".//{_R}list") is not None for p in patterns)
    tokens = value.split() if is_list else [" ".join(value.split())]
    return bool(tokens) and all(t in values for t in tokens)


def _attr_key(node, shown: str) -> str:
    for key in node.attrib:
        if key == shown or _shown(key) == shown or etree.QName(key).localname == shown:
            return key
    return shown


def _missing_message(name: str, missing: list[str]) -> str:
    if len(missing) == 1:
        return f'element "{name}" lacks the required element "{missing[0]}"'
    return f'element "{name}" lacks the required elements ' + ", ".join(f'"{m}"' for m in missing)


def _plain(message: str) -> str:
    message = message.strip()
    m = re.match(r"Error validating datatype (\S+)", message)
    if m:
        return f"a value is not a valid {m.group(1)}"
    return message[:1].lower() + message[1:] if message else "does not follow the schema"


_NAMED = re.compile(
    r"(?:element|Element) (?P<a>[\w.:-]+)|for element (?P<b>[\w.:-]+)|extra content: (?P<c>[\w.:-]+)"
    r"|got (?P<d>[\w.:-]+)"
)


def _entry_node(elem: etree._Element, entry, message: str) -> etree._Element:
    """The element an error-log entry is about: libxml2's paths are unreliable when an
    element is validated on its own, so match the entry's line and the element it names."""
    names = [n for m in _NAMED.finditer(message) for n in m.groups() if n]
    line = entry.line
    scope = [elem] + [c for c in elem.iter(etree.Element) if c is not elem]
    for name in reversed(names):  # the last name is the most specific ("extra content: p")
        for node in scope:
            if node.sourceline == line and etree.QName(node).localname == name.split(":")[-1]:
                return node
    for node in scope:
        if node.sourceline == line:
            return node
    found = _node_at(elem, entry.path)
    return found if found is not None else elem


def _node_at(root: etree._Element, xpath: str | None):
    """The node an error-log path names, with `root` as the validated document's root."""
    if not xpath or not xpath.startswith("/"):
        return None
    parts = xpath.split("/")[2:]  # drop "" and the root step
    node = root
    for step in parts:
        if not step:
            continue
        m = re.fullmatch(r"(\*|[\w.:-]+)(?:\[(\d+)\])?", step)
        if not m:
            return node
        index = int(m.group(2) or 1)
        if m.group(1) == "*" or ":" not in m.group(1):
            candidates = [c for c in node if isinstance(c.tag, str)
                          and (m.group(1) == "*" or etree.QName(c).localname == m.group(1))]
        else:
            candidates = [c for c in node if isinstance(c.tag, str)]
        if len(candidates) < index:
            return node
        node = candidates[index - 1]
    return node


def _first_error(exc: Exception) -> str:
    log = getattr(exc, "error_log", None)
    if log:
        entry = log[0]
        return f"{entry.message} (line {entry.line})"
    return str(exc)


def _dedupe(found: list[Diagnostic]) -> list[Diagnostic]:
    seen = set()
    result = []
    for d in found:
        key = (d.line, d.col, d.message)
        if key not in seen:
            seen.add(key)
            result.append(d)
    return sorted(result, key=lambda d: (d.line, d.col))


class _Schematron(_Schema):
    """ISO Schematron compiled to XSLT 3.0 by teikit.schematron and run with saxonche."""

    kind = "Schematron"

    def __init__(self, path: Path):
        super().__init__(path)
        from .schematron import Schematron

        self.engine = Schematron(path)
        self.skipped = [
            Diagnostic(str(path), s.line, s.col, INFO,
                       f"skipped: {s.reason}; teikit does not read other files or web services while validating, "
                       "so this check was not run", rule=f"skipped:{s.rule}" if s.rule else "skipped")
            for s in self.engine.skipped
        ]

    def check(self, tree, path, source, *, from_file: bool = False, failures=None) -> list[Diagnostic]:
        """Diagnostics for the tree; `failures`, when given, are the rules' results already
        computed (by a child process) on the file at `path`."""
        if failures is not None:
            pass
        elif from_file:
            failures = self.engine.failures(path)
        else:
            failures = self.engine.failures(tree.docinfo.URL or path,
                                            text=etree.tostring(tree, encoding="unicode"))
        found = []
        cache: dict = {}
        for f in failures:
            role = (f.role or "").lower()
            severity = WARNING if role in ("warning", "warn") else INFO if role in ("info", "information") \
                else ERROR
            line, col, shown = _locate_path(tree, f.location, source, cache)
            found.append(Diagnostic(path, line, col, severity, f.text,
                                    rule=f.id or (f"{f.pattern}: {f.test}" if f.pattern else f.test),
                                    xpath=shown or None))
        return sorted(found, key=lambda d: (d.line, d.col))


_STEP = re.compile(r"(@?)(?:Q\{([^}]*)\})?([\w.:-]+|\*)(?:\[(\d+)\])?$")


_PATH_STEP = re.compile(r"(?:Q\{[^}]*\}|[^/])+")


def _path_steps(location: str) -> list[str]:
    """Split an XPath 3 path() result ("/Q{ns}a[1]/@b") into steps, braces respected."""
    return _PATH_STEP.findall(location)


def _locate_path(tree, location: str, source: _Source, cache: dict | None = None) -> tuple[int, int, str]:
    """Line, column and a readable XPath of the node an SVRL location names."""
    if not location:
        return 0, 0, ""
    node = tree.getroot() if isinstance(tree, etree._ElementTree) else tree
    shown = []
    steps = _path_steps(location)
    attr = None
    ok = True
    for i, step in enumerate(steps):
        m = _STEP.match(step)
        if step.startswith(("text()", "comment()", "processing-instruction")):
            shown.append(step)
            break  # located at the element that holds it
        if not m:
            ok = False
            break
        is_attr, uri, local, index = m.group(1), m.group(2), m.group(3), int(m.group(4) or 1)
        clark = f"{{{uri}}}{local}" if uri else local
        if is_attr:
            attr = clark
            shown.append("@" + (f"xml:{local}" if uri == XML_NS else local))
            break
        if i == 0:
            if node.tag != clark and not (uri is None and etree.QName(node).localname == local):
                ok = False
                break
        else:
            if uri is not None and local != "*":
                key = (node, clark)
                kids = cache.get(key) if cache is not None else None
                if kids is None:
                    kids = node.findall(clark)
                    if cache is not None:
                        cache[key] = kids
            else:
                kids = [c for c in node if isinstance(c.tag, str)
                        and (local == "*" or etree.QName(c).localname == local)]
            if len(kids) < index:
                ok = False
                break
            node = kids[index - 1]
        prefix = node.prefix + ":" if node.prefix else ""
        shown.append(f"{prefix}{local}" + (f"[{index}]" if i else ""))
    readable = "/" + "/".join(shown)
    if not ok:
        return 0, 0, location
    if attr:
        line, col = source.attribute(node, attr)
    else:
        line, col = source.element(node)
    return line, col, readable


# ----------------------------------------------------------------------------------------
# The schema cache
# ----------------------------------------------------------------------------------------

_CACHE: dict[tuple[str, int, int], _Schema] = {}
_CACHE_LOCK = threading.Lock()


def _kind_of(path: Path, hint: str | None = None) -> str:
    suffix = path.suffix.lower()
    if suffix in (".rng", ".rnc"):
        return "rng"
    if suffix == ".sch":
        return "sch"
    if hint:
        return hint
    raise SchemaError("unknown schema type (expected a .rng, .rnc or .sch file)", str(path))


_RESOLVED: dict[str, Path] = {}  # path as given → absolute path (resolving is a third of a small file's time)


def load_schema(path: str | os.PathLike, kind: str | None = None) -> _Schema:
    """The compiled schema at `path`, compiled once per process while the file is unchanged."""
    resolved = _RESOLVED.get(str(path))
    if resolved is None:
        resolved = _RESOLVED.setdefault(str(path), Path(path).resolve())
    try:
        stat = os.stat(resolved)
    except OSError as exc:
        raise SchemaError(f"cannot read schema: {exc.strerror or exc}", str(path)) from None
    key = (str(resolved), stat.st_mtime_ns, stat.st_size)
    with _CACHE_LOCK:
        schema = _CACHE.get(key)
        if schema is None:
            kind = _kind_of(resolved, kind)
            schema = _RelaxNG(resolved) if kind == "rng" else _Schematron(resolved)
            for old in [k for k in _CACHE if k[0] == key[0]]:
                del _CACHE[old]
            _CACHE[key] = schema
    return schema


# ----------------------------------------------------------------------------------------
# Which schemas a document asks for
# ----------------------------------------------------------------------------------------

_RNG_TYPENS = "http://relaxng.org/ns/structure/1.0"
_SCH_TYPENS = ("http://purl.oclc.org/dsdl/schematron", "http://www.ascc.net/xml/schematron")


def _model_schemas(tree: etree._ElementTree, path: str) -> tuple[list[tuple[Path, str]], list[Diagnostic]]:
    """Schemas named by the document's `<?xml-model?>` processing instructions."""
    found: list[tuple[Path, str]] = []
    problems: list[Diagnostic] = []
    node = tree.getroot().getprevious()
    pis = []
    while node is not None:
        if isinstance(node, etree._ProcessingInstruction) and node.target == "xml-model":
            pis.insert(0, node)
        node = node.getprevious()
    for pi in pis:
        href = pi.get("href")
        typens = pi.get("schematypens") or ""
        if not href:
            continue
        if typens == _RNG_TYPENS or (not typens and href.endswith((".rng", ".rnc"))):
            kind = "rng"
        elif typens in _SCH_TYPENS or (not typens and href.endswith(".sch")):
            kind = "sch"
        else:
            continue  # a schema language teikit does not run (XSD, DTD...)
        basename = href.rsplit("/", 1)[-1]
        local = None
        if not re.match(r"^[a-zA-Z][\w+.-]*://", href):
            local = (Path(path).parent / href.split("#", 1)[0]).resolve()
        if local is not None and local.is_file():
            found.append((local, kind))
        elif basename in BUNDLED_SCHEMAS:
            found.append((resources.schema(basename), kind))
        else:
            line = pi.sourceline or 1
            problems.append(Diagnostic(path, line, 1, ERROR,
                                       f'the schema "{href}" named in <?xml-model?> was not found',
                                       rule="xml-model"))
    return found, problems


def _default_schemas() -> list[tuple[Path, str]]:
    return [(resources.schema("teikit.rng"), "rng"), (resources.schema("teikit.sch"), "sch")]


# ----------------------------------------------------------------------------------------
# Public API
# ----------------------------------------------------------------------------------------

def is_valid_tree(tree, schema_path: str | os.PathLike, *, path: str | None = None,
                  source: str | None = None) -> list[Diagnostic]:
    """Check an already parsed tree (or element) against one schema; [] when valid.

    `path` names the document in diagnostics (default: the tree's URL); `source` is its
    text, for columns (default: read from that URL when it is a readable file).
    """
    if isinstance(tree, etree._Element):
        tree = tree.getroottree()
    url = tree.docinfo.URL
    name = path or url or "<tree>"
    if source is None and url and os.path.isfile(url):
        try:
            source = Path(url).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            source = None
    return load_schema(schema_path).check(tree, name, _Source(source))


def validate_file(path: str | os.PathLike, schemas: Sequence[str | os.PathLike] | None = None, *,
                  rules_apart: bool = False) -> list[Diagnostic]:
    """All diagnostics for one file (malformed or unsafe XML becomes one error).

    rules_apart: with schemas given, a large file's Schematron rules run in a forked child
    while this process parses the file and runs the grammar (Saxon holds the GIL for its
    whole run, so a thread cannot overlap it). For callers with a core to spare."""
    name = str(path)
    apart = None
    if rules_apart and schemas is not None and hasattr(os, "fork") and _size(name) >= OVERLAP_FROM:
        from . import schematron

        given = [load_schema(s) for s in schemas]
        rules = [sc for sc in given if isinstance(sc, _Schematron)]
        if rules and len(rules) < len(given) and not schematron.ran_here:
            apart = _RulesApart(rules, name)
    try:
        return _validate_file(name, schemas, apart)
    finally:
        if apart is not None:
            apart.close()


def _validate_file(name: str, schemas, apart: "_RulesApart | None") -> list[Diagnostic]:
    try:
        tree = _parse(name)
    except InvalidInput as exc:
        return [Diagnostic(exc.path or name, exc.line, max(exc.col, 1) if exc.line else exc.col, ERROR,
                           exc.message, rule="well-formedness")]
    source = _Source(path=name)
    found: list[Diagnostic] = []
    included = _xinclude(tree, name, source, found)
    if included and apart is not None:  # the child ran the rules on the file as it is on disk
        apart.close()
        apart = None
    if schemas is not None:
        chosen = [(Path(s), None) for s in schemas]
    else:
        chosen, problems = _model_schemas(tree, name)
        found += problems
        if not chosen and not problems:
            chosen = _default_schemas()
    schemas_here = [load_schema(schema_path, kind) for schema_path, kind in chosen]
    grammars = [sc for sc in schemas_here if not isinstance(sc, _Schematron)]
    by_schema = {}
    pending = None
    if apart is not None:  # the rules run in the child meanwhile
        for g in grammars:
            by_schema[id(g)] = g.check(tree, name, source)
        source.lines  # read the text for locating while the rules still run
    elif grammars and len(grammars) < len(schemas_here) and _size(name) >= OVERLAP_FROM:
        # On a large file the grammar runs in a thread while Saxon runs the rules: libxml2
        # validates without holding the GIL, so the two overlap.
        pending = _in_thread(lambda: {id(g): g.check(tree, name, source) for g in grammars})
    for schema in schemas_here:
        if isinstance(schema, _Schematron):
            failures = apart.failures(schema) if apart is not None else None
            by_schema[id(schema)] = schema.check(tree, name, source, from_file=not included,
                                                 failures=failures) + schema.skipped
        elif pending is None and id(schema) not in by_schema:
            by_schema[id(schema)] = schema.check(tree, name, source)
    if pending is not None:
        by_schema.update(pending.result())
    for schema in schemas_here:
        found += by_schema[id(schema)]
    # A duplicate xml:id breaks both the grammar (xsd:ID) and teikit.sch (unique-id): say it once.
    said = {d.line for d in found if d.rule == "unique-id"}
    return [d for d in found if not (d.rule == "relaxng:duplicate-id" and d.line in said)]


OVERLAP_FROM = 256 * 1024  # bytes: below this a thread or a child process costs more than it saves


def _in_thread(fn):
    """fn() in a new thread, as a Future. (A pool made at import would be unusable in a
    forked child, where its idle worker thread does not exist: work submitted there waits
    for ever.)"""
    from concurrent.futures import Future

    future: Future = Future()

    def run():
        try:
            future.set_result(fn())
        except BaseException as exc:  # noqa: BLE001 - raised again by result()
            future.set_exception(exc)

    threading.Thread(target=run, name="teikit-relaxng", daemon=True).start()
    return future


class _RulesApart:
    """Schematron schemas run on a file by a forked child; their failures read back here.

    Forked after the schemas are compiled, so the child does not compile them again. A
    schema error in the child is raised here; if the child fails in any other way, the
    rules are simply run here."""

    def __init__(self, rules: list[_Schematron], path: str):
        self.rules = rules
        self._results: dict[int, list] | None = None
        self._error: SchemaError | None = None
        sys.stdout.flush()
        sys.stderr.flush()
        read_fd, write_fd = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:  # the child: run the rules, send their failures, exit at once
            global _PHASE_FD
            _PHASE_FD = None
            os.close(read_fd)
            try:
                _send(write_fd, ("result", [sc.engine.failures(path) for sc in rules]))
            except SchemaError as exc:
                _send(write_fd, ("error", exc.message, exc.path, exc.line, exc.col))
            except BaseException as exc:  # noqa: BLE001 - the parent runs the rules itself
                _send(write_fd, ("crash", f"{type(exc).__name__}: {exc}"))
            finally:
                os._exit(0)
        os.close(write_fd)
        self._fd: int | None = read_fd

    def failures(self, schema: _Schematron):
        """The failures of `schema` on the file; None when the child did not deliver them."""
        if self._fd is not None:
            message = next(_frames(self._fd, lambda: None), None)
            self.close()
            if message and message[0] == "result":
                self._results = {id(sc): found for sc, found in zip(self.rules, message[1])}
            elif message and message[0] == "error":
                self._error = SchemaError(*message[1:])
        if self._error is not None:
            raise self._error
        return None if self._results is None else self._results.get(id(schema))

    def close(self) -> None:
        if self._fd is None:
            return
        os.close(self._fd)
        self._fd = None
        try:
            os.kill(self.pid, 9)  # done or not, nothing more is wanted from it
        except ProcessLookupError:  # pragma: no cover
            pass
        # Reaped aside: the end of a process that held a 7 MB document takes a while.
        threading.Thread(target=_reap, args=(self.pid,), daemon=True).start()


def _reap(pid: int) -> None:
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:  # pragma: no cover
        pass


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


XI_NS = "http://www.w3.org/2001/XInclude"


def _xinclude(tree, path: str, source: _Source, found: list[Diagnostic]) -> bool:
    """Resolve <xi:include> of local files (parsed safely); a failed include is an error
    located at the include (its xi:fallback, if any, is used), never a crash, and nothing
    is fetched from the network. True when the tree was changed."""
    includes = list(tree.getroot().iter(f"{{{XI_NS}}}include"))
    if not includes:
        return False
    for inc in includes:
        href = inc.get("href") or ""
        line, col = source.element(inc)
        target = None
        problem = None
        if re.match(r"^[a-zA-Z][\w+.-]*://", href) and not href.startswith("file:"):
            problem = f'the XInclude of "{href}" was not followed: teikit does not fetch from the network while validating'
        elif not href:
            problem = "an XInclude without href (a reference into the same file) is not resolved by teikit"
        else:
            target = (Path(path).parent / href.removeprefix("file:")).resolve()
            if not target.is_file():
                problem = (f'the XInclude of "{href}" failed: {target} does not exist, so the document is '
                           "validated without the included part")
        replacement: list = []
        if problem is None:
            try:
                if inc.get("parse") == "text":
                    replacement = [target.read_text(encoding=inc.get("encoding") or "utf-8")]
                else:
                    included = parse(str(target)).getroot()
                    pointer = (inc.get("xpointer") or "").strip()
                    if pointer:
                        m = re.fullmatch(r"(?:element\(|xpointer\(id\(['\"])?([\w.-]+)(?:['\"]\)\)|\))?", pointer)
                        hits = included.xpath("//*[@xml:id=$i]", i=m.group(1)) if m else []
                        if not hits:
                            raise InvalidInput(f'its xpointer "{pointer}" names nothing in {target}')
                        included = hits[0]
                    replacement = [copy.deepcopy(included)]
            except (InvalidInput, OSError, UnicodeDecodeError) as exc:
                problem = f'the XInclude of "{href}" failed: {getattr(exc, "message", exc)}'
        if problem is not None:
            found.append(Diagnostic(path, line, col, ERROR, problem, rule="xinclude"))
            fallback = inc.find(f"{{{XI_NS}}}fallback")
            if fallback is not None:
                replacement = ([fallback.text] if fallback.text else []) + [copy.deepcopy(c) for c in fallback]
        parent = inc.getparent()
        index = parent.index(inc)
        tail = inc.tail
        parent.remove(inc)
        anchor_prev = parent[index - 1] if index > 0 else None
        for item in reversed(replacement):
            if isinstance(item, str):
                if anchor_prev is not None:
                    anchor_prev.tail = (anchor_prev.tail or "") + item
                else:
                    parent.text = (parent.text or "") + item
            else:
                item.tail = None
                parent.insert(index, item)
        last = parent[index + len([r for r in replacement if not isinstance(r, str)]) - 1] \
            if any(not isinstance(r, str) for r in replacement) else anchor_prev
        if tail:
            if last is not None:
                last.tail = (last.tail or "") + tail
            else:
                parent.text = (parent.text or "") + tail
    return True


def collect_files(paths: Iterable[str | os.PathLike]) -> list[str]:
    """The files validate() checks: files as given, folders searched for *.xml."""
    return [str(f) for f in xml_files(paths, recursive=True)]


def _worker(args: tuple[str, list[str] | None]) -> list[Diagnostic]:
    path, schemas = args
    return validate_file(path, schemas)


class ValidationReport(Report):
    """A Report that also knows which files were validated (for JUnit output)."""

    def __init__(self) -> None:
        super().__init__()
        self.paths: list[str] = []


def validate(paths, schemas=None, *, jobs: int = 1, progress=None,
             compile_timeout: float | None = None, notice=None) -> Report:
    """Validate files (folders are searched recursively for *.xml).

    schemas: .rng/.rnc/.sch paths applied to every file; when None, each file's
    `<?xml-model?>` instructions decide (a missing teikit.rng/teikit.sch falls back to
    the bundled one), and a file without any uses teikit.rng + teikit.sch.
    jobs: number of worker processes (0 = one per CPU); each compiles its schemas once.
    A malformed file gives an error diagnostic; a broken schema raises SchemaError.
    progress: called with the number of files done after each file.
    compile_timeout: seconds a RELAX NG grammar may take to compile (libxml2 takes ~15 s on
    tei_all.rng and never finishes on some TEI schemas); past it SchemaError is raised.
    The work then runs in a child process, since a compile cannot be interrupted.
    """
    if compile_timeout is not None:
        return run_with_compile_limit(
            lambda: validate(paths, schemas, jobs=jobs, progress=progress), compile_timeout, notice=notice)
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    if isinstance(schemas, (str, os.PathLike)):
        schemas = [schemas]
    schema_list = [str(s) for s in schemas] if schemas is not None else None
    if schema_list is not None:
        for s in schema_list:  # compile (and fail) before any file is read
            load_schema(s)
    files = collect_files(paths)
    report = ValidationReport()
    report.files = len(files)
    report.paths = files
    done = 0
    workers = (os.cpu_count() or 1) if jobs == 0 else max(1, int(jobs))
    if workers > 1 and len(files) > 1:
        import multiprocessing

        ctx = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None
        with ProcessPoolExecutor(max_workers=min(workers, len(files)), mp_context=ctx) as pool:
            chunk = max(1, len(files) // (workers * 4))
            for found in pool.map(_worker, [(f, schema_list) for f in files], chunksize=chunk):
                report.extend(found)
                done += 1
                if progress:
                    progress(done)
    else:
        for f in files:  # with a core to spare, a large file's rules run beside its grammar
            report.extend(validate_file(f, schema_list, rules_apart=workers > 1))
            done += 1
            if progress:
                progress(done)
    # Checks a schema skips (they reach outside the file) are said once, not once per file.
    seen: set[Diagnostic] = set()
    kept = []
    for d in report.diagnostics:
        if d.rule and d.rule.startswith("skipped"):
            if d in seen:
                continue
            seen.add(d)
        kept.append(d)
    report.diagnostics = kept
    return report


# ----------------------------------------------------------------------------------------
# A time limit for schema compilation
# ----------------------------------------------------------------------------------------

_PHASE_FD: int | None = None  # set in a child run by run_with_compile_limit


def _announce(event: str, path: str) -> None:
    if _PHASE_FD is not None:
        _send(_PHASE_FD, ("phase", event, path))


def _send(fd: int, message) -> None:
    import pickle
    import struct

    data = pickle.dumps(message)
    view = memoryview(struct.pack(">I", len(data)) + data)
    while view:
        view = view[os.write(fd, view):]


def _frames(fd: int, deadline_of):
    """Messages from a child; yields None when the current deadline has passed."""
    import pickle
    import select
    import struct

    buffer = b""
    while True:
        deadline = deadline_of()
        wait = None if deadline is None else max(0.0, deadline - time.monotonic())
        ready, _, _ = select.select([fd], [], [], wait)
        if not ready:
            yield None
            continue
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            return
        buffer += chunk
        while len(buffer) >= 4:
            size = struct.unpack(">I", buffer[:4])[0]
            if len(buffer) < 4 + size:
                break
            yield pickle.loads(buffer[4:4 + size])
            buffer = buffer[4 + size:]


def run_with_compile_limit(fn, limit: float, *, notice=None):
    """Run fn() in a forked child; if a RELAX NG compile in it takes longer than `limit`
    seconds, kill the child and raise SchemaError naming the schema. `notice(path)` is
    called when a compile has taken a few seconds (for a "still compiling" message)."""
    global _PHASE_FD
    if not hasattr(os, "fork"):  # pragma: no cover - Windows: no limit
        return fn()
    read_fd, write_fd = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the child: do the work, send the result
        os.close(read_fd)
        _PHASE_FD = write_fd
        code = 0
        try:
            _send(write_fd, ("result", fn()))
        except BaseException as exc:  # noqa: BLE001 - everything goes back to the parent
            if isinstance(exc, TeikitError):
                _send(write_fd, ("error", type(exc).__name__, exc.message, exc.path, exc.line, exc.col))
            else:
                _send(write_fd, ("crash", f"{type(exc).__name__}: {exc}"))
            code = 1
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    os.close(write_fd)
    compiling: dict[str, float] = {}
    noticed: set[str] = set()
    result = None
    outcome = None

    def deadline():
        if not compiling:
            return None
        first = min(compiling.values())
        pending = [first + limit]
        if notice and not noticed.issuperset(compiling):
            pending.append(first + 3.0)
        return min(pending)

    try:
        for message in _frames(read_fd, deadline):
            now = time.monotonic()
            if message is None:
                late = [p for p, t in compiling.items() if now - t >= limit]
                if late:
                    os.kill(pid, 9)
                    raise SchemaError(
                        f"the RELAX NG schema did not compile within {limit:g} s: libxml2 is pathologically slow "
                        "on this grammar or cannot finish it (the full TEI schema takes ~15 s; some TEI "
                        "customizations never finish). Allow more time with --schema-timeout, or validate "
                        "against a smaller customization", late[0], 1, 1)
                for p, t in compiling.items():
                    if notice and p not in noticed and now - t >= 3.0:
                        noticed.add(p)
                        notice(p)
                continue
            kind = message[0]
            if kind == "phase":
                if message[1] == "compiling":
                    compiling[message[2]] = now
                else:
                    compiling.pop(message[2], None)
            else:
                outcome = message
    finally:
        os.close(read_fd)
        try:
            os.waitpid(pid, 0)
        except ChildProcessError:  # pragma: no cover
            pass
    if outcome is None:
        raise SchemaError("validation stopped unexpectedly (the worker process died)", None)
    if outcome[0] == "result":
        result = outcome[1]
        return result
    if outcome[0] == "error":
        from . import errors

        cls = getattr(errors, outcome[1], TeikitError)
        raise cls(outcome[2], outcome[3], outcome[4], outcome[5])
    raise RuntimeError(outcome[1])


# ----------------------------------------------------------------------------------------
# teikit.rng from teikit.rnc
# ----------------------------------------------------------------------------------------

def generated_rng(rnc: str | os.PathLike | None = None) -> str:
    """The text teikit.rng must have: rnc2rng's conversion of teikit.rnc plus a header."""
    rnc = Path(rnc) if rnc is not None else resources.schema("teikit.rnc")
    text = rnc_to_rng(rnc.read_text(encoding="utf-8"), str(rnc))
    decl, sep, rest = text.partition("\n")
    if not decl.startswith("<?xml"):
        decl, sep, rest = '<?xml version="1.0" encoding="UTF-8"?>', "\n", text
    return decl + sep + _RNG_HEADER + rest.rstrip("\n") + "\n"


def regenerate_rng(rnc: str | os.PathLike | None = None, rng: str | os.PathLike | None = None,
                   check: bool = False) -> bool:
    """Rewrite teikit.rng from teikit.rnc; True when it was already up to date.
    With check=True, only compare."""
    rnc = Path(rnc) if rnc is not None else resources.schema("teikit.rnc")
    rng = Path(rng) if rng is not None else rnc.with_suffix(".rng")
    wanted = generated_rng(rnc)
    current = rng.read_text(encoding="utf-8") if rng.exists() else None
    if current == wanted:
        return True
    if not check:
        from .xmlio import atomic_write

        atomic_write(rng, wanted)
    return False


def main(argv: Sequence[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m teikit.validation", description=__doc__.split("\n\n")[0])
    parser.add_argument("--regenerate-rng", action="store_true", help="rewrite schemas/teikit.rng from teikit.rnc")
    parser.add_argument("--check", action="store_true", help="with --regenerate-rng: only say whether it is up to date")
    parser.add_argument("files", nargs="*", help="files or folders to validate")
    parser.add_argument("--schema", action="append", help="schema to apply (repeatable)")
    args = parser.parse_args(argv)
    try:
        if args.regenerate_rng:
            fresh = regenerate_rng(check=args.check)
            rng = resources.schema("teikit.rng")
            if fresh:
                print(f"{rng} is up to date")
                return 0
            print(f"{rng} {'is out of date' if args.check else 'regenerated'}")
            return 1 if args.check else 0
        report = validate(args.files, args.schema)
    except (SchemaError, UsageError) as exc:
        print(f"teikit: {exc}", file=sys.stderr)
        return exc.exit_code
    for d in report.diagnostics:
        print(d.format(verbose=True))
    return report.exit_code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
