"""ISO Schematron compiled to XSLT 3.0 by teikit, run with saxonche, SVRL read back.

    compile_schematron(path, phase=None) -> Compiled   (the XSLT text and what was skipped)
    Schematron(path).check(source_path | text) -> list[Failure]

No pip-installable engine runs XPath 2/3 Schematron, so teikit translates the schema itself:

- `sch:ns` become namespace declarations; global and rule `sch:let` become `xsl:variable`s;
  `sch:assert`/`sch:report` become `xsl:if`s writing `svrl:failed-assert` /
  `svrl:successful-report` with `location` = `path(.)` (XPath 3), `id`, `role`, `test`,
  and the message with `sch:value-of`, `sch:name`, `sch:emph`/`dir`/`span` and referenced
  `sch:diagnostics`.
- Each pattern is a mode; its rules are templates in document order with decreasing
  priority, so the first rule that matches a node fires, as ISO Schematron says. The nodes
  are visited by one `apply-templates` over all elements (and attributes, when a rule can
  match one) per pattern, not by recursive descent.
- Abstract patterns (`is-a` + `sch:param`), abstract rules (`sch:extends`), `sch:include`
  and phases (`defaultPhase` or `phase=`) are resolved before translation.
- XSLT in the schema (`xsl:function`, `xsl:key`, `xsl:template`, `xsl:variable`, …) and
  foreign top-level data (e.g. `ckbk:romans`) are copied to the stylesheet, so
  `document('')` finds them there.
- Query bindings xslt, xslt2, xslt3 (and xpath/xpath2/xpath31) are run as XSLT 3.0.

Rules that reach outside the file — `doc()`, `document()` (other than `document('')`),
`doc-available()`, `collection()`, `unparsed-text*()`, `json-doc()`, directly or through a
variable or function that does — are not run (teikit never fetches other volumes or web
services while validating); each is listed in `Compiled.skipped` with its location in the
schema so it can be reported as skipped, never as a failure.
"""

from __future__ import annotations

import copy
import hashlib
import os
import re
import stat
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from .errors import SchemaError

SCH = "http://purl.oclc.org/dsdl/schematron"
SCH_OLD = "http://www.ascc.net/xml/schematron"
XSL = "http://www.w3.org/1999/XSL/Transform"
SVRL = "http://purl.oclc.org/dsdl/svrl"
XS = "http://www.w3.org/2001/XMLSchema"
_S = f"{{{SCH}}}"
_X = f"{{{XSL}}}"

BINDINGS = ("xslt", "xslt2", "xslt3", "xpath", "xpath2", "xpath3", "xpath31", "exslt")

# Functions that read something other than the document being validated.
_EXTERNAL = re.compile(
    r"(?<![\w.:-])(?:fn:)?(doc|document|doc-available|collection|uri-collection|unparsed-text|"
    r"unparsed-text-lines|unparsed-text-available|json-doc|environment-variable|"
    r"available-environment-variables)\s*\(\s*(['\"]?)([^'\")]*)\2"
)


@dataclass
class Skipped:
    """An assertion teikit does not run because it reaches outside the file."""

    line: int
    col: int
    rule: str | None
    reason: str


@dataclass
class Compiled:
    xslt: str
    binding: str
    title: str | None = None
    skipped: list[Skipped] = field(default_factory=list)
    asserts: int = 0


@dataclass
class Failure:
    """One SVRL failed-assert or successful-report."""

    kind: str  # "assert" or "report"
    location: str
    text: str
    id: str | None
    role: str | None
    test: str
    pattern: str | None


def _external_reason(expr: str | None, external_vars: set[str], external_funcs: set[str]) -> str | None:
    """Why an XPath expression reaches outside the file, or None when it does not."""
    if not expr:
        return None
    for m in _EXTERNAL.finditer(expr):
        name, arg = m.group(1), m.group(3)
        if name == "document" and m.group(2) and arg == "":
            continue  # document('') is the stylesheet itself
        shown = f"{name}({m.group(2)}{arg}{m.group(2)})" if m.group(2) and len(arg) < 80 else f"{name}()"
        return f"calls {shown}"
    for var in re.findall(r"\$([\w.-]+(?::[\w.-]+)?)", expr):
        if var in external_vars:
            return f"uses ${var}, which reads another file or a web service"
    for func in external_funcs:
        if re.search(r"(?<![\w.:-])" + re.escape(func) + r"\s*\(", expr):
            return f"calls {func}(), which reads another file or a web service"
    return None


def _xpath_texts(elem: etree._Element) -> list[str]:
    """Every XPath in a piece of XSLT (select, test, match, use, value, {…} in attributes)."""
    found = []
    for node in elem.iter(etree.Element):
        for name, value in node.attrib.items():
            if name in ("select", "test", "match", "use", "value", "context", "path") or "{" in value:
                found.append(value)
    return found


class _Compiler:
    def __init__(self, path: Path, phase: str | None):
        self.path = path
        self.phase = phase
        try:
            self.tree = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True,
                                                                load_dtd=False))
        except etree.XMLSyntaxError as exc:
            line, col = exc.position if exc.position else (0, 0)
            raise SchemaError(f"schema is not well-formed XML: {exc.msg}", str(path), line, col) from None
        except OSError as exc:
            raise SchemaError(f"cannot read schema: {exc.strerror or exc}", str(path)) from None
        self.root = self.tree.getroot()
        if self.root.tag == f"{{{SCH_OLD}}}schema":
            raise SchemaError("Schematron 1.5 (namespace http://www.ascc.net/xml/schematron) is not supported; "
                              f"use ISO Schematron ({SCH})", str(path), self.root.sourceline or 0, 1)
        if self.root.tag != _S + "schema":
            raise SchemaError(f"not an ISO Schematron schema: the document element is {self.root.tag!r}, "
                              f"expected schema in namespace {SCH}", str(path), self.root.sourceline or 0, 1)
        self._include(self.root, set())
        self.binding = (self.root.get("queryBinding") or "xslt").strip().lower()
        if self.binding not in BINDINGS:
            raise SchemaError(f'queryBinding="{self.binding}" is not supported (teikit runs '
                              f'{", ".join(BINDINGS[:3])} as XSLT 3.0)', str(path), self.root.sourceline or 0, 1)
        self.skipped: list[Skipped] = []
        self.asserts = 0

    # -- resolution --------------------------------------------------------------------------

    def _include(self, node: etree._Element, seen: set[str]) -> None:
        for inc in list(node.iter(_S + "include", _S + "extends")):
            href = inc.get("href")
            if not href:
                continue
            base = Path(inc.base or str(self.path)).parent
            target = (base / href.split("#", 1)[0]).resolve()
            if str(target) in seen:
                raise SchemaError(f"sch:include of {href} includes itself", str(self.path), inc.sourceline or 0, 1)
            try:
                included = etree.parse(str(target), etree.XMLParser(resolve_entities=False, no_network=True)).getroot()
            except (OSError, etree.XMLSyntaxError) as exc:
                raise SchemaError(f"cannot read included schema {href}: {exc}", str(self.path),
                                  inc.sourceline or 0, 1) from None
            if "#" in href:
                frag = href.split("#", 1)[1]
                found = included.xpath("//*[@id=$i]", i=frag)
                if not found:
                    raise SchemaError(f"{href}: no element with id {frag}", str(self.path), inc.sourceline or 0, 1)
                included = found[0]
            self._include(included, seen | {str(target)})
            if inc.tag == _S + "include":
                inc.getparent().replace(inc, copy.deepcopy(included))
            else:  # sch:extends href: the children of an external rule
                parent = inc.getparent()
                index = parent.index(inc)
                parent.remove(inc)
                for i, child in enumerate(c for c in included if isinstance(c.tag, str)):
                    parent.insert(index + i, copy.deepcopy(child))

    def _patterns(self) -> list[etree._Element]:
        patterns = [p for p in self.root.iter(_S + "pattern")]
        abstract = {p.get("id"): p for p in patterns if p.get("abstract") == "true"}
        active = None
        phase = self.phase or self.root.get("defaultPhase")
        if phase and phase != "#ALL":
            ph = next((p for p in self.root.iter(_S + "phase") if p.get("id") == phase), None)
            if ph is None:
                raise SchemaError(f'no phase "{phase}" in this schema', str(self.path))
            active = {a.get("pattern") for a in ph.iter(_S + "active")}
            self.phase_lets = list(ph.iter(_S + "let"))
        else:
            self.phase_lets = []
        result = []
        for p in patterns:
            if p.get("abstract") == "true":
                continue
            if active is not None and p.get("id") not in active:
                continue
            if p.get("is-a"):
                base = abstract.get(p.get("is-a"))
                if base is None:
                    raise SchemaError(f'pattern is-a="{p.get("is-a")}" names no abstract pattern', str(self.path),
                                      p.sourceline or 0, 1)
                params = {q.get("name"): q.get("value") for q in p.iter(_S + "param")}
                inst = copy.deepcopy(base)
                inst.attrib.pop("abstract", None)
                if p.get("id"):
                    inst.set("id", p.get("id"))
                names = sorted(params, key=len, reverse=True)
                for node in inst.iter(etree.Element):
                    for attr, value in node.attrib.items():
                        for name in names:
                            value = re.sub(r"\$" + re.escape(name) + r"(?![\w.-])", lambda m: params[name], value)
                        node.set(attr, value)
                p = inst
            result.append(p)
        return result

    def _rule_body(self, rule: etree._Element, abstract_rules: dict[str, etree._Element]) -> list[etree._Element]:
        body = []
        for child in rule:
            if not isinstance(child.tag, str):
                continue
            if child.tag == _S + "extends" and child.get("rule"):
                base = abstract_rules.get(child.get("rule"))
                if base is None:
                    raise SchemaError(f'extends rule="{child.get("rule")}" names no abstract rule', str(self.path),
                                      child.sourceline or 0, 1)
                body += self._rule_body(base, abstract_rules)
            else:
                body.append(child)
        return body

    # -- translation -------------------------------------------------------------------------

    def compile(self) -> Compiled:
        nsmap = {"xsl": XSL, "svrl": SVRL, "xs": XS}
        for ns in self.root.iter(_S + "ns"):
            if ns.get("prefix") and ns.get("uri"):
                nsmap[ns.get("prefix")] = ns.get("uri")
        for prefix, uri in self.root.nsmap.items():
            if prefix and prefix not in nsmap and uri not in (SCH,):
                nsmap[prefix] = uri
        out = etree.Element(_X + "stylesheet", nsmap=nsmap)
        out.set("version", "3.0")
        out.set("exclude-result-prefixes", "#all")
        out.set("expand-text", "no")
        etree.SubElement(out, _X + "output", method="xml", encoding="UTF-8", indent="no")

        # External functions and variables (reaching outside the file), found before use.
        external_funcs: set[str] = set()
        for func in self.root.iter(_X + "function"):
            if any(_external_reason(e, set(), set()) for e in _xpath_texts(func)):
                external_funcs.add(func.get("name"))
        external_vars: set[str] = set()

        # XSLT and foreign data at the top level of the schema, copied as they are.
        for child in self.root:
            if not isinstance(child.tag, str):
                continue
            ns = etree.QName(child).namespace
            if ns == XSL:
                if child.tag == _X + "variable" and child.get("name"):
                    if any(_external_reason(e, external_vars, external_funcs) for e in _xpath_texts(child) + [child.get("select") or ""]):
                        external_vars.add(child.get("name"))
                        etree.SubElement(out, _X + "variable", name=child.get("name"), select="()")
                        continue
                out.append(copy.deepcopy(child))
            elif ns not in (SCH, None) and not ns.startswith("http://www.schematron-quickfix.com"):
                out.append(copy.deepcopy(child))

        patterns = self._patterns()
        # Global lets (schema level, then the active phase's).
        for let in [c for c in self.root if c.tag == _S + "let"] + self.phase_lets:
            self._let(out, let, external_vars, external_funcs, global_=True)

        abstract_rules = {r.get("id"): r for r in self.root.iter(_S + "rule") if r.get("abstract") == "true"}

        main = etree.SubElement(out, _X + "template", match="/")
        report = etree.SubElement(main, etree.QName(SVRL, "schematron-output"))
        title = self.root.find(_S + "title")
        if title is not None:
            report.set("title", " ".join("".join(title.itertext()).split()))
        report.set("schemaVersion", self.root.get("schemaVersion") or "")
        needs_attrs = False
        modes = []
        selects: list[str | None] = []
        for n, pattern in enumerate(patterns):
            mode = f"p{n}"
            ap = etree.SubElement(report, etree.QName(SVRL, "active-pattern"))
            if pattern.get("id"):
                ap.set("id", pattern.get("id"))
            rules = [r for r in pattern if isinstance(r.tag, str) and r.tag == _S + "rule" and r.get("abstract") != "true"]
            lets = [c for c in pattern if isinstance(c.tag, str) and c.tag == _S + "let"]
            count = 0
            candidates: list[str] | None = []
            for priority, rule in zip(range(len(rules) + 1000, 1000, -1), rules):
                context = rule.get("context")
                if not context:
                    continue
                names = _last_step_names(context)
                candidates = None if names is None or candidates is None else candidates + names
                reason = _external_reason(context, external_vars, external_funcs)
                body = self._rule_body(rule, abstract_rules)
                if reason:
                    for a in body:
                        if a.tag in (_S + "assert", _S + "report"):
                            self.skipped.append(Skipped(a.sourceline or 0, 1, a.get("id"), f"its rule {reason}"))
                    continue
                if _can_match_attribute(context):
                    needs_attrs = True
                tmpl = etree.SubElement(out, _X + "template", match=context, mode=mode, priority=str(priority))
                local_external = set(external_vars)
                for let in lets:
                    self._let(tmpl, let, local_external, external_funcs)
                for item in body:
                    if item.tag == _S + "let":
                        self._let(tmpl, item, local_external, external_funcs)
                    elif item.tag in (_S + "assert", _S + "report"):
                        self._check(tmpl, item, pattern, local_external, external_funcs)
                        count += 1
            modes.append((mode, count))
            selects.append(" | ".join(f"//{n}" for n in dict.fromkeys(candidates)) if candidates else None)
            # Nodes no rule of this pattern matches: nothing.
            etree.SubElement(out, _X + "template", match="node() | @*", mode=mode, priority="-100")
        select = "$tk_nodes"
        var = etree.Element(_X + "variable", name="tk_nodes",
                            select="(/, //*, //@*)" if needs_attrs else "(/, //*)")
        main.insert(0, var)
        # A pattern whose rules all match named elements visits only the elements of those
        # names (a superset of what its rules match, in document order) instead of every node:
        # on a 7 MB volume teikit.sch's eight patterns would otherwise dispatch 360,000 nodes.
        for (mode, count), narrow, ap in zip(modes, selects, report.findall(f"{{{SVRL}}}active-pattern")):
            if count:
                ap.addnext(etree.Element(_X + "apply-templates", select=narrow or select, mode=mode))
        text = etree.tostring(out, encoding="unicode")
        compiled = Compiled(xslt='<?xml version="1.0" encoding="UTF-8"?>\n' + text, binding=self.binding,
                            title=report.get("title"), skipped=self.skipped, asserts=self.asserts)
        return compiled

    def _let(self, parent, let, external_vars: set[str], external_funcs: set[str], global_: bool = False) -> None:
        name = let.get("name")
        value = let.get("value")
        reason = _external_reason(value, external_vars, external_funcs) if value is not None else None
        if reason:
            external_vars.add(name)
            etree.SubElement(parent, _X + "variable", name=name, select="()")
            return
        var = etree.SubElement(parent, _X + "variable", name=name)
        if value is not None:
            var.set("select", value)
        else:  # element content
            for child in let:
                var.append(copy.deepcopy(child))
            var.text = let.text
        if let.get("as"):
            var.set("as", let.get("as"))
        if global_ and value is not None and re.search(r"(?<![\w.:-])current\(\)", value):
            pass
        external_vars.discard(name)  # a local let shadows a global one of the same name

    def _check(self, parent, check, pattern, external_vars, external_funcs) -> None:
        test = check.get("test") or "true()"
        texts = [test] + [v.get("select") or "" for v in check.iter(_S + "value-of")] + \
                [v.get("path") or "" for v in check.iter(_S + "name")]
        reason = next((r for r in (_external_reason(t, external_vars, external_funcs) for t in texts) if r), None)
        if reason:
            self.skipped.append(Skipped(check.sourceline or 0, 1, check.get("id"), f"the check {reason}"))
            return
        self.asserts += 1
        is_assert = check.tag == _S + "assert"
        cond = etree.SubElement(parent, _X + "if", test=f"not({test})" if is_assert else test)
        out = etree.SubElement(cond, etree.QName(SVRL, "failed-assert" if is_assert else "successful-report"))
        out.set("test", test)
        for attr in ("id", "role", "flag"):
            if check.get(attr):
                out.set(attr, check.get(attr))
        if pattern.get("id"):
            out.set("pattern", pattern.get("id"))
        loc = etree.SubElement(out, _X + "attribute", name="location")
        loc.set("select", "path(.)")
        text = etree.SubElement(out, etree.QName(SVRL, "text"))
        self._message(text, check)
        for ref in (check.get("diagnostics") or "").split():
            diag = next((d for d in self.root.iter(_S + "diagnostic") if d.get("id") == ref), None)
            if diag is not None:
                _append_text(text, " ")
                self._message(text, diag)

    def _message(self, target, source) -> None:
        """Copy message content: text, value-of, name, emph/dir/span (their text)."""
        _append_text(target, source.text)
        for child in source:
            if isinstance(child.tag, str):
                if child.tag == _S + "value-of":
                    v = etree.SubElement(target, _X + "value-of", select=child.get("select") or ".")
                    v.set("separator", " ")
                elif child.tag == _S + "name":
                    etree.SubElement(target, _X + "value-of", select=f"name({child.get('path') or '.'})")
                elif child.tag in (_S + "emph", _S + "dir", _S + "span"):
                    self._message(target, child)
                elif etree.QName(child).namespace == XSL:
                    target.append(copy.deepcopy(child))
                    target[-1].tail = None
            _append_text(target, child.tail)


def _append_text(elem: etree._Element, text: str | None) -> None:
    if not text:
        return
    literal = etree.Element(_X + "text")
    literal.text = text
    elem.append(literal)


def _can_match_attribute(context: str) -> bool:
    """Whether a rule context may match attribute nodes (its last step is @… or attribute::)."""
    depth = 0
    plain = []
    for ch in re.sub(r"'[^']*'|\"[^\"]*\"", "''", context):
        if ch in "[(":
            depth += 1
        elif ch in "])":
            depth -= 1
        elif depth == 0:
            plain.append(ch)
    stripped = "".join(plain)
    return any(re.search(r"(^|/|\|)\s*(@|attribute::)", part) or part.strip() in ("node()", "@*")
               for part in [stripped])


_QNAME = re.compile(r"(?:[A-Za-z_][\w.-]*:)?[A-Za-z_][\w.-]*")


def _top_level_split(text: str, separator: str) -> list[str]:
    """Split an XPath at `separator` outside brackets, parentheses, braces and strings."""
    parts, depth, quote, start = [], 0, None, 0
    for i, ch in enumerate(text):
        if quote:
            if ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
        elif ch in "[({":
            depth += 1
        elif ch in "])}":
            depth -= 1
        elif depth == 0 and text.startswith(separator, i):
            parts.append(text[start:i])
            start = i + len(separator)
    parts.append(text[start:])
    return parts


def _last_step_names(context: str) -> list[str] | None:
    """The element names a rule context can match (the name test of the last step of each
    alternative), or None when it may match other nodes or any name (`*`, `@x`, `/`,
    `text()`, `id('x')`, `element(x)`, `Q{uri}x`...)."""
    names = []
    for alternative in _top_level_split(context, "|"):
        last = _top_level_split(alternative, "/")[-1]
        step = last.split("[", 1)[0].strip()  # the name test, before any predicate
        for axis in ("child::", "self::", "descendant::", "descendant-or-self::"):
            step = step.removeprefix(axis)
        if not _QNAME.fullmatch(step):
            return None
        names.append(step)
    return names


def compile_schematron(path: str | os.PathLike, phase: str | None = None) -> Compiled:
    return _Compiler(Path(path), phase).compile()


# ----------------------------------------------------------------------------------------
# Running the compiled stylesheet
# ----------------------------------------------------------------------------------------

_saxon_lock = threading.Lock()
# Whether this process has run a transform: a process forked after that can crash in Saxon
# (GraalVM's heap and threads are not made for fork), so teikit forks none for its rules then.
ran_here = False


class Schematron:
    """A Schematron schema compiled once to XSLT 3.0 and then to a Saxon executable."""

    def __init__(self, path: str | os.PathLike, phase: str | None = None):
        from .xslt import _captured_stderr, _processor

        self.path = Path(path)
        self.compiled = compile_schematron(self.path, phase)
        self.skipped = self.compiled.skipped
        # Compiled from a file, so that document('') names the generated stylesheet (whose
        # top level holds the schema's foreign data, e.g. ckbk:romans).
        name = _stylesheet_file(self.path.stem, self.compiled.xslt)
        self.xslt_path = name
        proc = _processor()
        with _saxon_lock, _captured_stderr() as err:
            try:
                self._exe = proc.new_xslt30_processor().compile_stylesheet(stylesheet_file=name)
            except Exception as exc:
                message = _saxon_message(str(exc) + " " + "".join(err))
                raise SchemaError(f"broken Schematron schema: {message}", str(self.path)) from None
        self._builder = proc.new_document_builder()

    def run(self, path: str | None = None, text: str | None = None) -> etree._Element:
        """Run on a file (already parsed safely by lxml: no DOCTYPE) or on XML text; the SVRL."""
        global ran_here
        from .xslt import _captured_stderr

        ran_here = True
        with _saxon_lock, _captured_stderr() as err:
            try:
                if text is not None:
                    if path:
                        self._builder.set_base_uri(Path(path).resolve().as_uri())
                    node = self._builder.parse_xml(xml_text=text)
                else:
                    node = self._builder.parse_xml(xml_file_name=str(Path(path).resolve()))
                svrl = self._exe.transform_to_string(xdm_node=node)
            except Exception as exc:
                message = _saxon_message(str(exc) + " " + "".join(err))
                raise SchemaError(f"Schematron rules failed on {path or 'the document'}: {message}",
                                  str(self.path)) from None
        return etree.fromstring(svrl.encode("utf-8"))

    def failures(self, path: str | None = None, text: str | None = None) -> list[Failure]:
        svrl = self.run(path, text)
        found = []
        for f in svrl.iter(f"{{{SVRL}}}failed-assert", f"{{{SVRL}}}successful-report"):
            t = f.find(f"{{{SVRL}}}text")
            message = " ".join("".join(t.itertext()).split()) if t is not None else ""
            found.append(Failure("assert" if f.tag.endswith("failed-assert") else "report",
                                 f.get("location") or "", message, f.get("id"), f.get("role"),
                                 f.get("test") or "", f.get("pattern")))
        return found


def _stylesheet_file(stem: str, xslt: str) -> str:
    """The generated stylesheet as a file, which Saxon may read again while running
    (document('')): named by its content, in a folder only this user can write, so that
    runs reuse it and none is left behind (a temporary file per run was, by the processes
    that end with os._exit: forked workers)."""
    uid = os.getuid() if hasattr(os, "getuid") else None
    folder = Path(tempfile.gettempdir()) / f"teikit-{uid if uid is not None else 'xslt'}"
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        info = folder.lstat()
        if not stat.S_ISDIR(info.st_mode) or (uid is not None and (info.st_uid != uid or info.st_mode & 0o022)):
            raise OSError(f"{folder} is not a folder of this user's")
    except OSError:                           # no such folder to be had: a file for this process
        fd, name = tempfile.mkstemp(prefix=f"teikit-{stem}-", suffix=".xsl")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(xslt)
        return name
    path = folder / f"{stem}-{hashlib.sha256(xslt.encode('utf-8')).hexdigest()[:20]}.xsl"
    fd, tmp = tempfile.mkstemp(prefix=".", suffix=".xsl", dir=folder)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(xslt)
    os.replace(tmp, path)                     # whole, even with another process writing it too
    return str(path)


def _saxon_message(text: str) -> str:
    text = re.sub("file://" + re.escape(tempfile.gettempdir()) + r"(/teikit-\w+)?", "", text)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    keep = [line for line in lines if re.search(r"\b[A-Z]{4}\d{4}\b|Error|error", line)] or lines
    return " ".join(keep)[:600]
