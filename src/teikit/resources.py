"""Where the bundled stylesheets and schemas are, installed or in a checkout."""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@cache
def data_dir(name: str) -> Path:
    """`xslt` or `schemas`: inside the wheel, else at the top of the source checkout."""
    for candidate in (_PACKAGE / name, _PACKAGE.parent.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"teikit is installed without its {name}/ directory")


def xslt(relative: str) -> Path:
    return data_dir("xslt") / relative


def schema(relative: str) -> Path:
    return data_dir("schemas") / relative
