"""`teikit` command line: a thin click layer over `teikit.api` and `teikit.build`."""

from __future__ import annotations

import contextlib
import functools
import os
import sys
from pathlib import Path

import click

from . import api
from .__about__ import __version__
from .errors import TeikitError
from .report import ERROR, INFO, WARNING, Report

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2
PROGRESS_FROM = 20  # files: below this a bar is noise


class Context:
    def __init__(self, verbosity: int, debug: bool):
        self.verbosity = verbosity
        self.debug = debug

    def show(self, report: Report, *, decisions: bool = False) -> None:
        """Print diagnostics to stderr: errors always, warnings unless -q, decisions on request."""
        shown = {ERROR} | ({WARNING} if self.verbosity >= 0 else set()) | ({INFO} if decisions else set())
        items = sorted((d for d in report.diagnostics if d.severity in shown), key=lambda d: (d.path, d.line, d.col))
        for d in items:
            click.echo(_colour(d.format(verbose=self.verbosity > 0), d.severity), err=True)
        if self.verbosity > 0:
            for path in report.written:
                click.echo(f"wrote {path}", err=True)

    def log(self, message: str) -> None:
        if self.verbosity >= 0:
            click.echo(message, err=True)


def _colour(text: str, severity: str) -> str:
    if not sys.stderr.isatty() or os.environ.get("NO_COLOR"):
        return text
    return click.style(text, fg={ERROR: "red", WARNING: "yellow"}.get(severity))


def handled(command):
    """Turn TeikitError into `path:line:col: message` and its exit code; traceback only with --debug."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        ctx: Context = click.get_current_context().find_object(Context)
        try:
            return command(*args, **kwargs)
        except TeikitError as exc:
            if ctx and ctx.debug:
                raise
            click.echo(f"{exc}", err=True)
            sys.exit(exc.exit_code)
        except (KeyboardInterrupt, click.exceptions.Exit, click.ClickException):
            raise
        except Exception as exc:  # a bug in teikit: say so plainly
            if ctx and ctx.debug:
                raise
            click.echo(f"teikit: internal error: {type(exc).__name__}: {exc} (run with --debug for the traceback)", err=True)
            sys.exit(EXIT_INVALID)

    return wrapper


@contextlib.contextmanager
def _progress(ctx: Context, label: str, least: int = PROGRESS_FROM):
    """A progress bar on a terminal for work of at least `least` steps; silent otherwise."""
    bar = None

    def update(done: int, total: int) -> None:
        nonlocal bar
        if bar is None and total >= least and sys.stderr.isatty() and ctx.verbosity >= 0:
            bar = click.progressbar(length=total, label=label, file=sys.stderr)
            bar.__enter__()
        if bar is not None:
            bar.update(done - bar.pos)

    try:
        yield update
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)


def _finish(ctx: Context, report: Report, **kw) -> None:
    ctx.show(report, **kw)
    sys.exit(report.exit_code)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="teikit")
@click.option("-v", "--verbose", count=True, help="Say more (repeatable): files written, rule ids.")
@click.option("-q", "--quiet", count=True, help="Say less: errors only.")
@click.option("--debug", is_flag=True, help="Show Python tracebacks for errors.")
@click.pass_context
def main(click_ctx: click.Context, verbose: int, quiet: int, debug: bool) -> None:
    """teikit: scholarly digital editions in TEI P5.

    Convert FRUS plain text to TEI, validate it, render it to HTML and PDF.
    Exit codes: 0 ok, 1 invalid input or validation failure, 2 usage error.
    """
    click_ctx.obj = Context(verbose - quiet, debug)


@main.command()
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="TEI file to write (default: the project's tei/ folder).")
@click.option("--report", "show_report", is_flag=True, help="List every decision with its line:col.")
@click.option("--strict", is_flag=True, help="Treat uncertain decisions as errors.")
@click.option("--force", is_flag=True, help="Overwrite a TEI file even if an editor changed it.")
@click.pass_obj
@handled
def convert(ctx: Context, source: Path, output: Path | None, show_report: bool, strict: bool, force: bool) -> None:
    """Convert a FRUS plain-text file to TEI."""
    report = api.convert(source, output, strict=strict, force=force)
    _finish(ctx, report, decisions=show_report)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("-s", "--schema", "schemas", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="RelaxNG (.rng, .rnc) or Schematron (.sch) schema; repeatable. Default: the files' "
                   "<?xml-model?> lines, else teikit's own schema.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, help="Files validated in parallel (default: all cores).")
@click.option("-f", "--format", "fmt", type=click.Choice(["text", "json", "junit", "github"]), default="text",
              show_default=True, help="text (stderr; colour on a terminal), json, junit (CI test reports) or "
                                      "github (workflow annotations), the last three on stdout.")
@click.option("--schema-timeout", type=click.FloatRange(min=0.1), default=120.0, show_default=True,
              help="Seconds a RELAX NG schema may take to compile before teikit gives up (exit 2).")
@click.pass_obj
@handled
def validate(ctx: Context, paths: tuple[Path, ...], schemas: tuple[Path, ...], jobs: int | None, fmt: str,
             schema_timeout: float) -> None:
    """Validate TEI files or folders against RelaxNG and Schematron.

    Folders are searched for *.xml. Schemas come from --schema, else each file's
    <?xml-model?> lines, else teikit's own. Exit 0 all valid, 1 any invalid, 2 usage or
    schema error. -v adds each finding's rule id and XPath.
    """
    from . import validate_output, validation

    tty = sys.stderr.isatty()
    files = validation.collect_files(paths)
    bar = None
    if tty and fmt == "text" and len(files) >= 50 and ctx.verbosity >= 0:
        bar = click.progressbar(length=len(files), label="validating", file=sys.stderr, show_pos=True)
        bar.__enter__()

    def progress(done: int) -> None:
        bar.update(done - bar.pos)

    def notice(schema: str) -> None:
        if ctx.verbosity >= 0:
            click.echo(f"compiling {schema} (libxml2 is slow on large grammars; limit {schema_timeout:g} s)…", err=True)

    try:
        report = validation.validate(list(paths), list(schemas) or None, jobs=jobs or os.cpu_count() or 1,
                                     progress=progress if bar else None, compile_timeout=schema_timeout,
                                     notice=notice if tty else None)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    shown = report.diagnostics if ctx.verbosity >= 0 else report.errors
    if ctx.verbosity < 0:
        report.diagnostics = shown
    out = validate_output.render(report, fmt, verbose=ctx.verbosity > 0,
                                 colour=fmt == "text" and tty and not os.environ.get("NO_COLOR"))
    if fmt == "text":
        click.echo(out, err=True, nl=False)
    else:
        click.echo(out, nl=False)
    sys.exit(report.exit_code)
    

@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--to", "fmt", type=click.Choice(sorted(api.RENDERERS)), default="html", show_default=True,
              help="Output format.")
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="Folder for HTML, file for PDF (default: the project's build/ folder).")
@click.option("--per-document", is_flag=True,
              help="PDF: one PDF per document, in the folder -o (default build/pdf/), named by xml:id.")
@click.pass_obj
@handled
def render(ctx: Context, paths: tuple[Path, ...], fmt: str, output: Path | None, per_document: bool) -> None:
    """Render TEI files (or folders of them, in natural order) to an HTML site or a PDF."""
    with _progress(ctx, "typesetting", least=2) as progress:      # a long PDF: its parts
        report = api.render(paths, fmt, output, per_document=per_document, progress=progress)
    _finish(ctx, report)


@main.command()
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--to", "fmt", type=click.Choice(["text", "frus"]), default="text", show_default=True,
              help="Output format: the plain-text form, or the FRUS publisher's TEI dialect.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="File to write (default: stdout).")
@click.pass_obj
@handled
def export(ctx: Context, path: Path, fmt: str, output: Path | None) -> None:
    """Export a TEI file to the plain-text form (teikit's or the FRUS publisher's TEI) or
    to the FRUS publisher's TEI dialect (teikit's TEI)."""
    if fmt == "frus":
        data, report = api.export_frus(path)
        ctx.show(report)
        if not report.ok:
            sys.exit(report.exit_code)
        if output:
            from .xmlio import atomic_write

            atomic_write(output, data)
        else:
            click.echo(data.decode("utf-8"), nl=False)
        return
    text = api.export_text(path)
    if output:
        from .xmlio import atomic_write

        atomic_write(output, text.encode("utf-8"))
    else:
        click.echo(text, nl=False)


@main.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--from", "fmt", type=click.Choice(["frus"]), required=True,
              help="Input format: the FRUS publisher's TEI dialect (a volume or single documents).")
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="Folder for the TEI files (default: the project's tei/ folder); a file name for one document.")
@click.option("--volume", help="Volume id (default: TEI/@xml:id or the file name, e.g. frus1981-88v05).")
@click.option("--header", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The volume's FRUS teiHeader, for single-document files (default: VOLUME-header.xml beside them).")
@click.option("--force", is_flag=True, help="Overwrite TEI files even if an editor changed them.")
@click.pass_obj
@handled
def import_(ctx: Context, paths: tuple[Path, ...], fmt: str, output: Path | None, volume: str | None,
            header: Path | None, force: bool) -> None:
    """Import FRUS publisher TEI: one teikit TEI file per document."""
    report = api.import_frus(paths, output, volume_id=volume, header=header, force=force)
    _finish(ctx, report)


@main.command()
@click.argument("project", required=False, default=".", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), help="The bag folder to create (must not exist).")
@click.option("--verify", "verify", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Check an existing bag instead: fixity and completeness, every bad file named.")
@click.option("--base-url", help="URL of the HTML edition, for the identifiers in the Dublin Core records.")
@click.pass_obj
@handled
def package(ctx: Context, project: Path, output: Path | None, verify: Path | None, base_url: str | None) -> None:
    """Package a project as a BagIt bag for an archive (or --verify BAG)."""
    from .errors import UsageError

    if verify is not None:
        report = api.verify_package(verify)
        ctx.show(report)
        if report.ok and ctx.verbosity >= 0:
            click.echo(f"{verify}: valid bag ({report.files} payload files)", err=True)
        sys.exit(report.exit_code)
    if output is None:
        raise UsageError("give the bag folder to create with -o BAG (or check one with --verify BAG)")
    report = api.package(project, output, base_url=base_url, log=ctx.log)
    _finish(ctx, report)


@main.command()
@click.argument("project", required=False, default=".", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Convert every seed again, even over edited TEI, and render again.")
@click.option("--no-html", is_flag=True, help="Skip the HTML site.")
@click.option("--no-pdf", is_flag=True, help="Skip the PDF.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, help="Seeds converted in parallel (default: all cores).")
@click.pass_obj
@handled
def build(ctx: Context, project: Path, force: bool, no_html: bool, no_pdf: bool, jobs: int | None) -> None:
    """Build a project: seeds → tei → validate → build/html and build/pdf."""
    from .build import build as run_build

    with _progress(ctx, "converting") as progress:
        report = run_build(project, force=force, html=not no_html, pdf=not no_pdf, jobs=jobs or os.cpu_count() or 1,
                           log=ctx.log, progress=progress)
    ctx.show(report)
    if report.ok and ctx.verbosity >= 0:
        click.echo(f"built {len(report.written)} file(s)", err=True)
    sys.exit(report.exit_code)
