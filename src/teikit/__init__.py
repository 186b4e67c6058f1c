"""teikit: scholarly digital editions in TEI P5 — convert, validate, render, exchange."""

from .__about__ import __version__
from .api import convert, export_text, render, validate
from .build import build
from .report import Diagnostic, Report

__all__ = ["__version__", "build", "convert", "export_text", "render", "validate", "Diagnostic", "Report"]
