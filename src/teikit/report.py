"""Diagnostics and the Report that owns counts and the exit code."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

ERROR = "error"
WARNING = "warning"
INFO = "info"


@dataclass(frozen=True)
class Diagnostic:
    """One finding, located in a file: `path:line:col: severity: message`."""

    path: str
    line: int
    col: int
    severity: str
    message: str
    rule: str | None = None  # schema rule id or converter decision kind
    xpath: str | None = None

    def format(self, verbose: bool = False) -> str:
        text = f"{self.path}:{self.line}:{self.col}: {self.severity}: {self.message}"
        if verbose and (self.rule or self.xpath):
            extra = ", ".join(x for x in (self.rule, self.xpath) if x)
            text += f" [{extra}]"
        return text


@dataclass
class Report:
    """Collects diagnostics across files; `exit_code` is 0 when nothing is an error."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    files: int = 0
    written: list[str] = field(default_factory=list)

    def add(self, diagnostic: Diagnostic) -> None:
        self.diagnostics.append(diagnostic)

    def extend(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.diagnostics.extend(diagnostics)

    def merge(self, other: "Report") -> None:
        self.diagnostics.extend(other.diagnostics)
        self.files += other.files
        self.written.extend(other.written)

    def error(self, path: str, line: int, col: int, message: str, **kw) -> None:
        self.add(Diagnostic(path, line, col, ERROR, message, **kw))

    def warning(self, path: str, line: int, col: int, message: str, **kw) -> None:
        self.add(Diagnostic(path, line, col, WARNING, message, **kw))

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == WARNING]

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1
