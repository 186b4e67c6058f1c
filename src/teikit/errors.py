"""Exception classes. Each knows the exit code the CLI gives it and how to locate itself."""

from __future__ import annotations


class TeikitError(Exception):
    """Base of every error teikit reports to a person instead of a traceback."""

    exit_code = 1

    def __init__(self, message: str, path: str | None = None, line: int = 0, col: int = 0):
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        self.col = col

    def __str__(self) -> str:
        if self.path is None:
            return self.message
        return f"{self.path}:{self.line}:{self.col}: {self.message}"


class InvalidInput(TeikitError):
    """The input is not what teikit can read (malformed XML, unsafe XML, unreadable text)."""


class UnsafeXML(InvalidInput):
    """The XML asks for entity expansion or a DTD fetch, which teikit refuses."""


class ValidationFailed(InvalidInput):
    """A document broke its schema; the diagnostics are in the Report."""


class UsageError(TeikitError):
    """The command was called wrongly (bad option, missing file, broken config)."""

    exit_code = 2


class SchemaError(TeikitError):
    """A schema or stylesheet is unreadable, broken or too slow to compile."""

    exit_code = 2


class RenderError(TeikitError):
    """A stylesheet or the typesetter failed on a document."""
