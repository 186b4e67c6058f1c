"""teikit: scholarly digital editions in TEI P5 — convert, validate, render, exchange."""

from .__about__ import __version__

__all__ = ["__version__", "build", "convert", "export_text", "render", "validate", "Diagnostic", "Report"]


def _defer_rnc2rng() -> None:
    """lxml.etree imports the optional rnc2rng package as it is itself imported (~70 ms: a
    parser generator and urllib), though teikit converts .rnc schemas itself and only when
    given one. lxml then gets a stand-in that imports the real package on first use (by lxml
    or by teikit). importlib's LazyLoader does not do: the import statement itself reads
    the module's __spec__, which loads it."""
    import importlib
    import importlib.util
    import sys
    import types

    if "rnc2rng" in sys.modules or "lxml.etree" in sys.modules:
        return
    try:
        spec = importlib.util.find_spec("rnc2rng")
    except (ImportError, ValueError):  # pragma: no cover - a broken installation
        return
    if spec is None:
        return

    class Deferred(types.ModuleType):
        def __getattr__(self, name: str):
            if sys.modules.get("rnc2rng") is self:
                del sys.modules["rnc2rng"]
            return getattr(importlib.import_module("rnc2rng"), name)

    stand_in = Deferred("rnc2rng")
    stand_in.__spec__ = spec
    sys.modules["rnc2rng"] = stand_in


_defer_rnc2rng()

# The API is imported on first use, so that `teikit validate` does not load the converter,
# the build and their dependencies at start-up.
_EXPORTS = {"convert": "api", "export_text": "api", "render": "api", "validate": "api", "build": "build",
            "Diagnostic": "report", "Report": "report"}


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'teikit' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value
