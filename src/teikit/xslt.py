"""XSLT 3.0 through saxonche: each stylesheet is compiled once per process."""

from __future__ import annotations

import contextlib
import os
import tempfile
import threading
from functools import cache
from pathlib import Path

from lxml import etree

from .errors import RenderError, SchemaError

_lock = threading.Lock()


@cache
def _processor():
    from saxonche import PySaxonProcessor

    return PySaxonProcessor(license=False)


@contextlib.contextmanager
def _captured_stderr():
    """Saxon writes located error messages to fd 2 only; keep them for the exception text."""
    captured: list[str] = []
    with tempfile.TemporaryFile(mode="w+b") as tmp:
        saved = os.dup(2)
        os.dup2(tmp.fileno(), 2)
        try:
            yield captured
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            tmp.seek(0)
            captured.append(tmp.read().decode("utf-8", "replace"))


class Stylesheet:
    """A compiled stylesheet. Obtain through `stylesheet(path)` so it is compiled once."""

    def __init__(self, path: Path):
        self.path = Path(path)
        proc = _processor()
        self._xslt = proc.new_xslt30_processor()
        with _captured_stderr() as err:
            try:
                self._exe = self._xslt.compile_stylesheet(stylesheet_file=str(self.path))
            except Exception as exc:  # saxonche raises PySaxonApiError
                raise SchemaError(f"stylesheet does not compile: {exc} {''.join(err)}".strip(), str(self.path), 0, 0) from None

    def transform(self, tree: etree._ElementTree | etree._Element, params: dict[str, object] | None = None,
                  source_name: str = "<document>") -> str:
        """Run on an lxml tree (already parsed safely) and return the principal result as text."""
        result = next(self.transforms(tree, [params or {}], source_name))
        if not result:
            raise RenderError(f"{self.path.name} produced no output", source_name, 0, 0)
        return result

    def transforms(self, tree: etree._ElementTree | etree._Element, param_sets: list[dict[str, object]],
                   source_name: str = "<document>"):
        """Run once per parameter set on one tree (handed to Saxon once); yields each result
        as text ('' when empty) as soon as it is made."""
        proc = _processor()
        data = etree.tostring(tree, encoding="unicode")
        node = None
        for params in param_sets:
            # The lock is not held across a yield: a caller that stops early blocks no one.
            with _lock, _captured_stderr() as err:
                try:
                    node = node or proc.parse_xml(xml_text=data)
                    self._exe.clear_parameters()
                    for name, value in params.items():
                        self._exe.set_parameter(name, _xdm(proc, value))
                    result = self._exe.transform_to_string(xdm_node=node)
                except Exception as exc:
                    raise RenderError(f"{self.path.name} failed: {exc} {''.join(err)}".strip(), source_name, 0, 0) from None
            yield result or ""


def edition_params(config) -> dict[str, object]:
    """The parameters of xslt/common/params.xsl from teikit.toml, for every output; an empty
    one makes the stylesheet fall back to the teiHeader."""
    from .__about__ import __version__

    ed = config.edition
    return {
        "series": ed.series,
        "volume-title": ed.volume_title,
        "volume-id": ed.volume_id,
        "editors": "; ".join(ed.editors),
        "publisher": ed.publisher,
        "publication-year": "" if ed.publication_year is None else str(ed.publication_year),
        "paper": config.paper,
        "teikit-version": __version__,
    }


def _xdm(proc, value):
    if isinstance(value, bool):
        return proc.make_boolean_value(value)
    if isinstance(value, int):
        return proc.make_integer_value(value)
    return proc.make_string_value(str(value))


@cache
def stylesheet(path: Path) -> Stylesheet:
    return Stylesheet(Path(path))
