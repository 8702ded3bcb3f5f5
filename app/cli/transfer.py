"""`skk import`, `skk export` and `skk demo`: residents in bulk, with progress on stderr."""

from __future__ import annotations

import csv
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import datetime
from pathlib import Path
from typing import IO, Any, BinaryIO

import click

from app.cli.main import main
from app.cli.setup import initialise
from app.config import get_settings
from app.db import make_engine, make_sessionmaker, session_scope
from app.domain.recording import RecordingStatus
from app.domain.text import csv_defuse
from app.errors import DomainError
from app.schemas.importer import ImportMode, ImportReport, RowFieldError
from app.services.access import SYSTEM
from app.services.importer import BATCH_SIZE, ImportProgress

# Rejected rows printed after an import; --errors-csv has all of them.
_SHOWN = 20


class _Progress:
    """A progress line on stderr: rows, rows/s and rejected rows so far (counts only)."""

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()
        self.phase = ""
        self.started = self.last = self.previous = time.monotonic()
        self.shown = False

    def __call__(self, rows: int, phase: str = "", rejected: int | None = None) -> None:
        now = time.monotonic()
        if phase != self.phase:
            if self.shown and self.tty:
                click.echo("", err=True)
            # A phase starts where the previous one ended (the first: at construction).
            self.phase, self.started, self.last = phase, self.previous, 0.0
        self.previous = now
        if now - self.last < (0.2 if self.tty else 2.0):
            return
        self.last = now
        rate = rows / max(now - self.started, 1e-3)
        line = f"{phase}: {rows:,} rows, {rate:,.0f} rows/s"
        if rejected is not None:
            line += f", {rejected:,} rejected"
        click.echo(f"\r{line}\033[K" if self.tty else line, err=True, nl=not self.tty)
        self.shown = True

    def import_step(self, progress: ImportProgress) -> None:
        self(progress.rows, progress.phase, progress.rejected)

    def close(self) -> None:
        if self.shown and self.tty:
            click.echo("", err=True)


class _ErrorsCsv:
    """The rejected rows as the clerk sent them, plus an `errors` column, ready to fix."""

    def __init__(self, handle: IO[str]) -> None:
        self.handle = handle
        self.writer: Any = None

    def start(self, header: list[str], delimiter: str) -> None:
        self.writer = csv.writer(self.handle, delimiter=delimiter, lineterminator="\r\n")
        self.writer.writerow([*header, "errors"])

    def add(self, fields: list[str], errors: list[RowFieldError]) -> None:
        assert self.writer is not None
        # The clerk opens this file in a spreadsheet: a cell sent as =... must not run there.
        cells = [csv_defuse(f) for f in fields]
        self.writer.writerow([*cells, "; ".join(f"{e.field}: {e.msg}" for e in errors)])


def _summary(report: ImportReport) -> str:
    counts = (
        f"{report.inserted:,} inserted, {report.updated:,} updated, {report.unchanged:,} unchanged"
    )
    if report.dry_run:
        lines = [
            f"dry run, nothing was stored: of {report.rows:,} rows, {counts} "
            f"if imported; {report.rejected:,} rejected"
        ]
    elif not report.committed:
        # All or nothing with a rejected row: the counts are what would have happened, and
        # printing them as done ("2 inserted") would tell the clerk the good rows are in.
        good = report.rows - report.rejected
        lines = [
            f"nothing was stored: {report.rejected:,} of {report.rows:,} rows rejected "
            "(all or nothing). Fix the rows below and import the file again"
            + (f", or add --partial to store the {good:,} good rows" if good else "")
            + "."
        ]
    else:
        lines = [f"{report.rows:,} rows: {counts}, {report.rejected:,} rejected"]
    for row in report.rejected_rows[:_SHOWN]:
        errors = "; ".join(f"{e.field}: {e.msg}" for e in row.errors)
        lines.append(f"  line {row.line} ({row.nik}): {errors}")
    if report.rejected > _SHOWN:
        lines.append(f"  ... and {report.rejected - _SHOWN:,} more (--errors-csv writes them all)")
    if report.warnings:
        lines.append(f"{len(report.warnings):,} warnings, e.g. line {report.warnings[0].line}: "
                     f"{report.warnings[0].msg}")  # fmt: skip
    return "\n".join(lines)


@main.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Validate and count; store nothing.")
@click.option("--partial", is_flag=True, help="Store the good rows even when some are rejected.")
@click.option(
    "--errors-csv",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write the rejected rows here, with an `errors` column, to fix and import again.",
)
@click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    default=BATCH_SIZE,
    show_default=True,
    help="Rows per transaction.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def import_command(
    file: Path,
    dry_run: bool,
    partial: bool,
    errors_csv: Path | None,
    batch_size: int,
    as_json: bool,
) -> None:
    """Import residents from the CSV file FILE (SIAK export): upsert by NIK, all or nothing
    unless --partial. Exits 1 when rows were rejected, 2 when the file cannot be read."""
    from app.services.importer import run_import

    settings = get_settings()
    initialise(settings)
    engine = make_engine(settings.database_url)
    # utf-8-sig: spreadsheets then read it as UTF-8, and the import accepts the BOM back.
    sink_handle = (
        open(errors_csv, "w", encoding="utf-8-sig", newline="", opener=_owner_only)  # noqa: SIM115
        if errors_csv
        else None
    )
    progress = _Progress()
    try:
        with session_scope(make_sessionmaker(engine)) as session, open(file, "rb") as stream:
            report = run_import(
                session,
                stream,
                actor=SYSTEM,
                mode=ImportMode.partial if partial else ImportMode.all_or_nothing,
                dry_run=dry_run,
                batch_size=batch_size,
                checkpoint=session.commit,
                progress=progress.import_step,
                sink=_ErrorsCsv(sink_handle) if sink_handle else None,
                office_zone=settings.office_zone,
            )
    except DomainError as exc:
        progress.close()
        click.echo(f"error: {exc.detail}", err=True)
        sys.exit(2)
    finally:
        engine.dispose()
        if sink_handle:
            sink_handle.close()
    progress.close()
    click.echo(report.model_dump_json(indent=2) if as_json else _summary(report))
    if report.rejected:
        sys.exit(1)


def _owner_only(path: str, flags: int) -> int:
    # The rejected rows are personal data: readable by the owner alone, also when replaced.
    fd = os.open(path, flags, 0o600)
    os.fchmod(fd, 0o600)
    return fd


@contextmanager
def private_file(path: Path) -> Iterator[BinaryIO]:
    """Write `path` as the owner's alone (0600): into a private temporary file beside it,
    moved into place only when complete, so a failed export leaves any old file as it was."""
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as handle:
            yield handle
        os.replace(temporary, path)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


@main.command("export")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path))
@click.option("--kelurahan", "kelurahan_code", help="Only this kelurahan, e.g. 53.71.04.1001")
@click.option("--kecamatan", "kecamatan_code", help="Only this kecamatan, e.g. 53.71.04")
@click.option(
    "--recording-status",
    type=click.Choice([s.value for s in RecordingStatus]),
    help="Only residents with this recording status.",
)
@click.option("--wajib-ktp/--not-wajib-ktp", default=None, help="Only (not) wajib KTP")
@click.option("--force", is_flag=True, help="Replace FILE if it exists.")
def export_command(
    file: Path,
    kelurahan_code: str | None,
    kecamatan_code: str | None,
    recording_status: str | None,
    wajib_ktp: bool | None,
    force: bool,
) -> None:
    """Export residents to FILE as CSV with the import's columns ("-" for stdout). The file is
    readable by its owner only; an existing file is kept unless --force."""
    to_stdout = str(file) == "-"
    if not to_stdout and file.exists() and not force:
        click.echo(
            f"error: {file} already exists; choose another name or add --force to replace it",
            err=True,
        )
        sys.exit(2)
    from app.services.exporter import export_csv, record_export
    from app.services.residents import ResidentFilters

    settings = get_settings()
    initialise(settings)
    filters = ResidentFilters(
        kelurahan_code=kelurahan_code,
        kecamatan_code=kecamatan_code,
        recording_status=RecordingStatus(recording_status) if recording_status else None,
        wajib_ktp=wajib_ktp,
    )
    engine = make_engine(settings.database_url)
    factory = make_sessionmaker(engine)
    total = 0

    def counted(rows: int) -> None:
        nonlocal total
        total += rows
        progress(total, "export")

    progress = _Progress()
    try:
        with session_scope(factory) as session:
            record_export(session, filters=filters, actor=SYSTEM)
        pieces = export_csv(factory, filters=filters, actor=SYSTEM, on_rows=counted)
        if to_stdout:
            for piece in pieces:
                sys.stdout.buffer.write(piece)
        else:
            with private_file(file) as out:
                for piece in pieces:
                    out.write(piece)
    finally:
        engine.dispose()
    progress.close()
    click.echo(f"exported {total:,} residents", err=True)


@main.group()
def demo() -> None:
    """Synthetic demo data."""


@demo.command("kupang-2016")
@click.option(
    "--seed", default=2016, show_default=True, type=int, help="The same seed, the same people."
)
@click.option(
    "--scale",
    default=1.0,
    show_default=True,
    type=click.FloatRange(min=0.0),
    help="Share of the population to load, e.g. 0.01 for a quick try.",
)
@click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="The population's date [default: 2016-10-13]",
)
@click.option("--if-empty", is_flag=True, help="Do nothing when residents exist already.")
@click.option(
    "--letters",
    default=0,
    show_default=True,
    type=click.IntRange(min=0),
    help="Also issue this many signed letters to eligible residents.",
)
def demo_kupang_2016(
    seed: int, scale: float, as_of: datetime | None, if_empty: bool, letters: int
) -> None:
    """Load the synthetic Kota Kupang population of October 2016 (411,046 wajib KTP, 219,402
    recorded) with its recording history, into an empty database."""
    from app.demo.kupang2016 import AS_OF
    from app.services.demo_loader import issue_demo_letters, load_demo
    from app.services.signer import load_signer

    settings = get_settings()
    initialise(settings)
    engine = make_engine(settings.database_url)
    total = 0

    def counted(rows: int) -> None:
        nonlocal total
        total += rows
        progress(total, "demo")

    progress = _Progress()
    started = time.monotonic()
    issued = 0
    try:
        with session_scope(make_sessionmaker(engine)) as session:
            result = load_demo(
                session,
                seed=seed,
                scale=scale,
                as_of=as_of.date() if as_of else AS_OF,
                if_empty=if_empty,
                progress=counted,
            )
            if letters and not result.skipped:
                issued = issue_demo_letters(
                    session, count=letters, settings=settings, signer=load_signer(settings)
                )
    except DomainError as exc:
        progress.close()
        click.echo(f"error: {exc.detail}", err=True)
        sys.exit(1)
    finally:
        engine.dispose()
    progress.close()
    if result.skipped:
        click.echo("residents exist already: demo not loaded (--if-empty)", err=True)
        return
    click.echo(
        f"loaded {result.residents:,} residents and {result.events:,} recording events"
        + (f" and issued {issued} letters" if letters else "")
        + f" in {time.monotonic() - started:.1f} s",
        err=True,
    )
