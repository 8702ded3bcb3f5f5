"""Bulk import of residents from CSV (SIAK exports): validate, upsert by NIK, report per row.

Rows are validated with the same ResidentCreate model the API uses, after SIAK's labels
(LAKI-LAKI, BELUM KAWIN, SUDAH REKAM...) and DD-MM-YYYY dates are translated
(app.services.siak_labels). Storage goes through app.services.bulk in batches; `checkpoint`
(given by the caller, usually a commit) runs after each batch, so a killed import keeps whole
batches only and a re-run upserts the rest. all_or_nothing validates the whole file before it
writes anything.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import pickle
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from enum import Enum
from typing import IO, Any, Protocol

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.data import known_regencies
from app.domain.masking import mask_nik
from app.domain.messages import Message
from app.domain.nik import NikError, normalize_nik
from app.domain.region_codes import kecamatan_of
from app.domain.text import csv_unescape
from app.errors import InvalidInput, clean_validation_msg, field_error, problem_text
from app.models import Region, Resident
from app.models._types import utcnow
from app.schemas.common import ResidencyStatus
from app.schemas.importer import (
    ImportMode,
    ImportReport,
    RejectedRow,
    RowFieldError,
    RowWarning,
)
from app.schemas.resident import ResidentCreate
from app.services import audit, bulk, letters_hooks
from app.services.access import Principal
from app.services.residents import agreement_warnings
from app.services.siak_labels import CONVERTERS

__all__ = [
    "BATCH_SIZE",
    "IMPORT_COLUMNS",
    "REQUIRED_COLUMNS",
    "TEXT_COLUMNS",
    "ImportProgress",
    "RejectSink",
    "check_utf8",
    "run_import",
]

# Rows per transaction. Each commit costs SQLite a WAL checkpoint (~25 ms); 10,000 rows keep
# that under 3% of the write time while a batch holds the write lock for well under a second.
BATCH_SIZE = 10_000
# Rows listed in the report; the counts are always complete (the CLI's --errors-csv has all).
MAX_LISTED = 1_000

IMPORT_COLUMNS: tuple[str, ...] = (*bulk.RESIDENT_COLUMNS, "recording_status_at")
REQUIRED_COLUMNS: tuple[str, ...] = tuple(
    c for c in bulk.RESIDENT_COLUMNS if ResidentCreate.model_fields[c].is_required()
)
# Free text a person typed: the export escapes a cell a spreadsheet would run as a formula
# (app.domain.text.csv_escape); the import undoes such an escape in any cell.
TEXT_COLUMNS: tuple[str, ...] = ("full_name", "birth_place", "occupation", "address")
_ENUM_FIELDS = frozenset(
    {
        "sex",
        "blood_type",
        "religion",
        "marital_status",
        "citizenship",
        "residency_status",
        "recording_status",
    }
)
_CLOCK_SKEW = timedelta(minutes=5)
TAKEN_ELSEWHERE = (
    "this NIK is already registered outside your kelurahan; "
    "ask the Disdukcapil office to move the resident"
)
_IMPORT_NOTE = "status from import"


def _timestamp(raw: str, now: datetime, zone: tzinfo | None) -> datetime:
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise ValueError(
            "is not a date and time; write it as ISO 8601, e.g. 2016-09-01T09:30:00+08:00"
        ) from None
    if value.tzinfo is None:
        if zone is None:
            raise ValueError("needs a time zone, e.g. 2016-09-01T09:30:00+08:00")
        value = value.replace(tzinfo=zone)  # a SIAK export's wall-clock time at the office
    if value > now + _CLOCK_SKEW:
        raise ValueError("must not be in the future")
    return value.astimezone(UTC)


# ---------------------------------------------------------------------------------------
# Reading


def check_utf8(stream: IO[bytes], chunk_size: int = 1 << 20) -> None:
    """Refuse input that is not UTF-8, naming the line and byte; rewinds the stream."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = newlines = 0
    while True:
        chunk = stream.read(chunk_size)
        try:
            decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError as exc:
            data = exc.object
            pending = len(data) - len(chunk)
            position = offset - pending + exc.start
            line = newlines - data.count(b"\n", 0, pending) + data.count(b"\n", 0, exc.start) + 1
            raise InvalidInput(
                problem_text("not_utf8", line=line, byte=position + 1, value=data[exc.start]),
                code="not_utf8",
                errors=[field_error(["body", "line", line], problem_text("field.not_utf8"))],
            ) from None
        if not chunk:
            break
        offset += len(chunk)
        newlines += chunk.count(b"\n")
    stream.seek(0)


def _sniff_delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _column_name(raw: str) -> str:
    return "_".join(raw.strip().lower().replace("-", " ").split())


# ---------------------------------------------------------------------------------------
# The job


@dataclass(frozen=True)
class ImportProgress:
    """Counts only (never a NIK). phase: validate, write (all_or_nothing) or import (partial)."""

    phase: str
    rows: int  # rows read so far; in the write phase, rows written so far
    rejected: int


class RejectSink(Protocol):
    """Receives every refused row with its original fields (e.g. for an errors CSV)."""

    def start(self, header: list[str], delimiter: str) -> None: ...

    def add(self, fields: list[str], errors: list[RowFieldError]) -> None: ...


# A validated row: line, NIK, the model's values (plain str/date/bool), recording_status_at.
_Row = tuple[int, str, dict[str, Any], datetime | None]
# A row read but not yet validated: line, raw fields, NIK (normalised when it could be),
# the values with labels and dates translated, recording_status_at, errors found so far.
_Read = tuple[int, list[str], str, dict[str, Any], datetime | None, list[RowFieldError]]
_STATE_COLUMNS = ("nik", "id", "recording_status_at", "kelurahan_code",
                  "recording_status", "residency_status")  # fmt: skip
_DEFAULTS: dict[str, Any] = {
    name: (f.default.value if isinstance(f.default, Enum) else f.default)
    for name, f in ResidentCreate.model_fields.items()
    if not f.is_required()
}


@dataclass
class _Writes:
    """What one batch stores, prepared while reading so the write phase only executes it."""

    inserts: list[tuple[Any, ...]] = field(default_factory=list)  # bulk.prepare() form
    insert_events: list[tuple[str, str, datetime]] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    voids: list[tuple[int, str]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.inserts or self.updates)


class _Import:
    def __init__(
        self,
        session: Session,
        *,
        actor: Principal,
        mode: ImportMode,
        dry_run: bool,
        batch_size: int,
        checkpoint: Callable[[], None] | None,
        progress: Callable[[ImportProgress], None] | None,
        sink: RejectSink | None,
        zone: tzinfo | None,
    ) -> None:
        self.session = session
        self.zone = zone
        self.actor = actor
        self.mode = mode
        self.dry_run = dry_run
        self.batch_size = max(1, batch_size)
        self.checkpoint = checkpoint or (lambda: None)
        self.progress = progress
        self.sink = sink
        self.now = utcnow()
        self.rows = self.inserted = self.updated = self.unchanged = self.rejected = 0
        self.rejected_rows: list[RejectedRow] = []
        self.warnings: list[RowWarning] = []
        self.kelurahan = set(
            session.scalars(select(Region.code).where(Region.level == "kelurahan_desa"))
        )
        self.seen: dict[str, int] = {}
        self.delimiter = ","
        self.ignored: list[str] = []

    # -- header ---------------------------------------------------------------------

    def open(self, stream: IO[bytes]) -> Iterator[tuple[int, list[str]]]:
        check_utf8(stream)
        text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
        first = text.readline()
        if not first.strip():
            raise InvalidInput(
                problem_text("empty_file"),
                code="empty_file",
            )
        self.delimiter = _sniff_delimiter(first)
        reader = csv.reader(itertools.chain([first], text), delimiter=self.delimiter)
        self.header = next(reader)
        names = [_column_name(h) for h in self.header]
        duplicated = sorted({n for n in names if n and names.count(n) > 1})
        if duplicated:
            raise InvalidInput(
                problem_text("duplicate_column", columns=", ".join(duplicated)),
                code="duplicate_column",
                errors=[
                    field_error(["body", "columns", n], problem_text("field.appears_twice"))
                    for n in duplicated
                ],
            )
        missing = [c for c in REQUIRED_COLUMNS if c not in names]
        if missing:
            raise InvalidInput(
                problem_text(
                    "missing_column",
                    missing=", ".join(missing),
                    required=", ".join(REQUIRED_COLUMNS),
                    optional=", ".join(c for c in IMPORT_COLUMNS if c not in REQUIRED_COLUMNS),
                ),
                code="missing_column",
                errors=[
                    field_error(["body", "columns", c], problem_text("field.column_missing"))
                    for c in missing
                ],
            )
        self.index = {n: i for i, n in enumerate(names) if n in IMPORT_COLUMNS}
        self.ignored = [h for h, n in zip(self.header, names, strict=True) if n not in self.index]
        # Columns the file speaks for: on an update, the others keep their stored values.
        self.present = [c for c in bulk.RESIDENT_COLUMNS if c in self.index]
        self.compared = [c for c in self.present if c not in ("nik", "recording_status")]
        self.status_given = "recording_status" in self.index
        self.columns = list(dict.fromkeys([*_STATE_COLUMNS, *self.compared]))
        self.positions = [(c, self.columns.index(c)) for c in self.compared]
        self.fast_positions = [
            (c, self.columns.index(c), _DEFAULTS.get(c)) for c in self.present if c != "nik"
        ]
        # Per column: where it is, how its text becomes a value, whether it may be empty.
        # Free-text columns (all required) are copied; the others translated one by one.
        self.plain = [(c, i) for c, i in self.index.items() if c not in CONVERTERS
                      and c != "recording_status_at"]  # fmt: skip
        self.plan = [
            (c, i, CONVERTERS[c], c in REQUIRED_COLUMNS)
            for c, i in self.index.items()
            if c in CONVERTERS
        ]
        if self.sink:
            self.sink.start(self.header, self.delimiter)

        def records() -> Iterator[tuple[int, list[str]]]:
            line = reader.line_num + 1
            for fields in reader:
                if len(fields) > 1 or (fields and fields[0].strip()):
                    yield line, fields
                line = reader.line_num + 1

        return records()

    # -- validation -----------------------------------------------------------------

    def reject(self, line: int, nik: str, fields: list[str], errors: list[RowFieldError]) -> None:
        self.rejected += 1
        if len(self.rejected_rows) < MAX_LISTED:
            self.rejected_rows.append(RejectedRow(line=line, nik=mask_nik(nik), errors=errors))
        if self.sink:
            self.sink.add(fields, errors)

    def read(self, line: int, sent: list[str]) -> _Read:
        """Translate labels and dates, and run the checks that need no model."""
        errors: list[RowFieldError] = []
        index = self.index
        # Cells our export (or an errors file) wrote as '=... read as what was meant; the
        # rejected-row sink still gets the row as sent.
        fields = sent
        if "'" in "".join(sent):  # a tenth of the cost of looking at each cell
            fields = [csv_unescape(f) if f[:1] == "'" else f for f in sent]
        raw_nik = fields[index["nik"]].strip() if len(fields) > index["nik"] else ""
        data: dict[str, Any] = {}
        status_at: datetime | None = None
        if len(fields) != len(self.header):
            msg = (
                f"has {len(fields)} fields but the header has {len(self.header)}; "
                "check the delimiter and the quotes"
            )
            return line, sent, raw_nik, data, None, [RowFieldError(field="row", msg=msg)]
        data = {column: fields[i].strip() for column, i in self.plain}
        if "" in data.values():
            for column in [c for c, v in data.items() if not v]:
                errors.append(RowFieldError(field=column, msg="is empty; a value is required"))
                del data[column]
        for column, i, convert, required in self.plan:
            raw = fields[i].strip()
            if not raw:
                if required:
                    errors.append(RowFieldError(field=column, msg="is empty; a value is required"))
                continue  # the model's default
            try:
                data[column] = convert(raw)
            except ValueError as exc:
                errors.append(RowFieldError(field=column, msg=str(exc)))
        if "recording_status_at" in index:
            raw = fields[index["recording_status_at"]].strip()
            try:
                status_at = _timestamp(raw, self.now, self.zone) if raw else None
            except ValueError as exc:
                errors.append(RowFieldError(field="recording_status_at", msg=str(exc)))
        try:
            clean = len(raw_nik) == 16 and raw_nik.isascii() and raw_nik.isdigit()
            nik = raw_nik if clean else normalize_nik(raw_nik)
        except NikError:
            nik = raw_nik
        else:
            first = self.seen.setdefault(nik, line)
            if first != line:
                msg = f"appears twice in this file (first on line {first})"
                errors.append(RowFieldError(field="nik", msg=msg))
        kelurahan = data.get("kelurahan_code", "")
        if len(kelurahan) == 10 and kelurahan.isdigit():
            kelurahan = f"{kelurahan[:2]}.{kelurahan[2:4]}.{kelurahan[4:6]}.{kelurahan[6:]}"
            data["kelurahan_code"] = kelurahan
        if len(kelurahan) == 13 and kelurahan not in self.kelurahan:
            msg = f"{kelurahan} is not a known kelurahan/desa"
            errors.append(RowFieldError(field="kelurahan_code", msg=msg))
        elif kelurahan and not self.actor.sees_kelurahan(kelurahan):
            msg = (
                f"a kelurahan key for {self.actor.kelurahan_code} may import only residents "
                "of its own kelurahan"
            )
            errors.append(RowFieldError(field="kelurahan_code", msg=msg))
        return line, sent, nik, data, status_at, errors

    def unchanged_fast(self, data: dict[str, Any], old: Any) -> bool:
        """The row equals a stored (hence once validated) resident: nothing to validate."""
        return all(data.get(c, default) == old[i] for c, i, default in self.fast_positions)

    def validate(self, read: _Read) -> _Row | None:
        """The full validation (ResidentCreate and the NIK agreement); None when rejected."""
        line, fields, nik, data, status_at, errors = read
        values: dict[str, Any] | None = None
        if errors and errors[0].field == "row":
            self.reject(line, nik, fields, errors)
            return None
        reported = {e.field for e in errors}
        if reported:
            data = {k: v for k, v in data.items() if k not in reported}
        try:
            model = ResidentCreate.model_validate(data)
        except ValidationError as exc:
            for e in exc.errors(include_url=False, include_context=False, include_input=False):
                name = str(e["loc"][0]) if e["loc"] else "has_itap"
                if name not in reported:
                    errors.append(RowFieldError(field=name, msg=clean_validation_msg(e["msg"])))
        else:
            values = dict(model.__dict__)  # the validated fields; model_dump costs 10x more
            for column in _ENUM_FIELDS:
                values[column] = values[column]._value_
            for warning in self.agreement(model.nik, model.birth_date, values["sex"]):
                if len(self.warnings) < MAX_LISTED:
                    self.warnings.append(RowWarning(line=line, nik=mask_nik(nik), msg=warning.en))
        if errors or values is None:
            self.reject(line, nik, fields, errors)
            return None
        return line, values["nik"], values, status_at

    @staticmethod
    def agreement(nik: str, birth_date: date, sex: str) -> list[Message]:
        """agreement_warnings(), skipped when the NIK's DDMMYY is exactly the one expected."""
        # Nearly every row: the NIK encodes this very date and sex (day + 40 for women), so
        # the full check would find nothing; anything else gets the full check and message.
        day = birth_date.day + 40 if sex == "perempuan" else birth_date.day
        expected = f"{day:02d}{birth_date.month:02d}{birth_date.year % 100:02d}"
        if nik[6:12] == expected and nik[:4] in known_regencies():
            return []
        return agreement_warnings(nik=nik, birth_date=birth_date, sex=sex)

    # -- one batch ------------------------------------------------------------------

    def process(self, records: list[tuple[int, list[str]]]) -> _Writes:
        """Read, validate and classify a batch against the stored residents."""
        reads = [self.read(line, fields) for line, fields in records]
        table = bulk.RESIDENTS
        niks = [r[2] for r in reads if len(r[2]) == 16]
        stored: dict[str, Any] = {}
        if niks:
            query = select(*[table.c[c] for c in self.columns]).where(table.c.nik.in_(niks))
            stored = {r.nik: r for r in self.session.connection().execute(query)}
        writes = _Writes()
        now = utcnow()
        inserts: list[dict[str, Any]] = []
        for read in reads:
            old = stored.get(read[2])
            if old is not None and not read[5] and self.unchanged_fast(read[3], old):
                self.unchanged += 1
                continue
            row = self.validate(read)
            if row is None:
                continue
            line, nik, values, status_at = row
            if old is None:
                inserts.append(self.new_resident(values, status_at, now, writes))
            else:
                self.change(read, values, status_at, old, now, writes)
        writes.inserts = bulk.prepare(self.session, table, bulk.RESIDENT_INSERT_COLUMNS, inserts)
        return writes

    def new_resident(
        self, values: dict[str, Any], status_at: datetime | None, now: datetime, writes: _Writes
    ) -> dict[str, Any]:
        self.inserted += 1
        status = values["recording_status"]
        at = (status_at or now) if status != "unregistered" else None
        if at is not None:
            writes.insert_events.append((values["nik"], status, at))
        return {
            **values,
            "kecamatan_code": kecamatan_of(values["kelurahan_code"]),
            "recording_status_at": at,
            "version": 1,
            "created_at": now,
            "updated_at": now,
        }

    def change(
        self,
        read: _Read,
        values: dict[str, Any],
        status_at: datetime | None,
        old: Any,
        now: datetime,
        writes: _Writes,
    ) -> None:
        line, fields, nik = read[0], read[1], read[2]
        if not self.actor.sees_kelurahan(old.kelurahan_code):
            # The clerk must know the NIK is taken; where, by whom, and whether the row
            # would change anything is another kelurahan's business.
            self.reject(line, nik, fields, [RowFieldError(field="nik", msg=TAKEN_ELSEWHERE)])
            return
        status = values["recording_status"]
        status_changed = self.status_given and status != old.recording_status
        if status_changed and status == "unregistered":
            msg = (
                f"cannot go back to unregistered: the resident is already "
                f"{old.recording_status} (a recording is never undone)"
            )
            self.reject(line, nik, fields, [RowFieldError(field="recording_status", msg=msg)])
            return
        if not status_changed and all(values[c] == old[i] for c, i in self.positions):
            self.unchanged += 1
            return
        self.updated += 1
        at = (status_at or now) if status_changed else old.recording_status_at
        update = {c: values[c] for c in self.compared}
        update.update(
            row_id=old.id,
            kecamatan_code=kecamatan_of(values["kelurahan_code"]),
            recording_status=status if status_changed else old.recording_status,
            recording_status_at=at,
            updated_at=now,
        )
        writes.updates.append(update)
        if status_changed:
            writes.events.append(self.event(old.id, status, at, now))
            if status == "card_issued":
                writes.voids.append((old.id, "KTP-el card issued (card_issued)"))
        residency = update.get("residency_status", old.residency_status)
        if old.residency_status == ResidencyStatus.active and residency != ResidencyStatus.active:
            writes.voids.append((old.id, f"residency_status became {residency} (import)"))

    def event(self, resident_id: int, status: str, at: datetime, now: datetime) -> dict[str, Any]:
        return {
            "resident_id": resident_id,
            "status": status,
            "occurred_at": at,
            "note": _IMPORT_NOTE,
            "source": "import",
            "api_key_id": self.actor.key_id,
            "recorded_at": now,
        }

    def write(self, writes: _Writes) -> None:
        """Store a batch prepared by process()."""
        now = utcnow()
        ids = bulk.insert_prepared_residents(
            self.session, writes.inserts, ids_for=[nik for nik, _, _ in writes.insert_events]
        )
        events = [self.event(ids[nik], s, at, now) for nik, s, at in writes.insert_events]
        bulk.update_residents(self.session, writes.updates)
        bulk.insert_events(self.session, [*events, *writes.events])
        holders = bulk.residents_with_valid_letters(self.session, (r for r, _ in writes.voids))
        for rid, reason in writes.voids:
            if rid in holders:
                holders.discard(rid)
                resident = self.session.get(Resident, rid)
                assert resident is not None
                letters_hooks.void_valid_letters(self.session, resident=resident, reason=reason)

    def report_progress(self, phase: str, rows: int | None = None) -> None:
        if self.progress:
            rows = self.rows if rows is None else rows
            self.progress(ImportProgress(phase=phase, rows=rows, rejected=self.rejected))

    def batches(self, records: Iterator[tuple[int, list[str]]]) -> Iterator[_Writes]:
        while batch := list(itertools.islice(records, self.batch_size)):
            self.rows += len(batch)
            yield self.process(batch)

    # -- the two modes --------------------------------------------------------------

    def run(self, stream: IO[bytes]) -> bool:
        records = self.open(stream)
        if self.mode is ImportMode.partial:
            for writes in self.batches(records):
                if not self.dry_run:
                    self.write(writes)
                self.checkpoint()
                self.report_progress("import")
            return not self.dry_run
        # all_or_nothing: the whole file first (read-only), then the prepared writes.
        with tempfile.TemporaryFile() as spool:
            spooled = 0
            for writes in self.batches(records):
                if writes and not self.rejected and not self.dry_run:
                    pickle.dump(writes, spool, protocol=pickle.HIGHEST_PROTOCOL)
                    spooled += 1
                self.checkpoint()  # ends the read transaction: no lock is held meanwhile
                self.report_progress("validate")
            if self.rejected or self.dry_run:
                return False
            spool.seek(0)
            written = 0
            for _ in range(spooled):
                writes = pickle.load(spool)
                self.write(writes)
                self.checkpoint()
                written += len(writes.inserts) + len(writes.updates)
                self.report_progress("write", written)
        return True


def run_import(
    session: Session,
    stream: IO[bytes],
    *,
    actor: Principal,
    mode: ImportMode = ImportMode.all_or_nothing,
    dry_run: bool = False,
    batch_size: int = BATCH_SIZE,
    checkpoint: Callable[[], None] | None = None,
    progress: Callable[[ImportProgress], None] | None = None,
    sink: RejectSink | None = None,
    office_zone: tzinfo | None = None,
) -> ImportReport:
    """Import residents from a CSV byte stream (upsert by NIK) and report what happened.

    A recording_status_at without a UTC offset is read in `office_zone` (refused without one).
    """
    job = _Import(
        session,
        actor=actor,
        mode=mode,
        dry_run=dry_run,
        batch_size=batch_size,
        checkpoint=checkpoint,
        progress=progress,
        sink=sink,
        zone=office_zone,
    )
    committed = job.run(stream)
    if committed:
        bulk.refresh_planner_statistics(session, rows_written=job.inserted + job.updated)
    report = _report(job, committed=committed)
    _audit(session, actor=actor, report=report)
    return report


def _report(job: _Import, *, committed: bool) -> ImportReport:
    """What the import did, row counts complete and rows listed up to MAX_LISTED."""
    return ImportReport(
        mode=job.mode,
        dry_run=job.dry_run,
        committed=committed,
        rows=job.rows,
        inserted=job.inserted,
        updated=job.updated,
        unchanged=job.unchanged,
        rejected=job.rejected,
        rejected_rows=job.rejected_rows,
        rejected_rows_truncated=job.rejected > len(job.rejected_rows),
        warnings=job.warnings,
        ignored_columns=job.ignored,
        delimiter=job.delimiter,
    )


def _audit(session: Session, *, actor: Principal, report: ImportReport) -> None:
    """The import's counts in the audit log (no row, no NIK)."""
    audit.record(
        session,
        actor=actor,
        action="resident.imported",
        details=report.model_dump(
            mode="json",
            include={
                "mode",
                "dry_run",
                "committed",
                "rows",
                "inserted",
                "updated",
                "unchanged",
                "rejected",
            },
        ),  # fmt: skip
    )
