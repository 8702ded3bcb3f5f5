"""Bulk writes shared by the importer and the demo loader.

The ORM's unit of work, and even Core's per-row parameter handling, cost tens of
microseconds a row; a SIAK export has hundreds of thousands of rows. So inserts go to the
driver's executemany with the values already in the column types' database form (each
type's own bind processor, so dates and UTC timestamps are stored exactly as the ORM would).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from operator import itemgetter
from typing import Any

from sqlalchemy import Table, bindparam, select, text, update
from sqlalchemy.orm import Session

from app.domain.letters import LetterStatus
from app.models import Letter, RecordingEvent, Resident

RESIDENTS: Table = Resident.__table__  # type: ignore[assignment]
EVENTS: Table = RecordingEvent.__table__  # type: ignore[assignment]

# The resident fields of the API contract, in its order (also the CSV columns).
RESIDENT_COLUMNS: tuple[str, ...] = (
    "nik",
    "kk_number",
    "full_name",
    "birth_place",
    "birth_date",
    "sex",
    "blood_type",
    "religion",
    "marital_status",
    "occupation",
    "citizenship",
    "has_itap",
    "address",
    "rt",
    "rw",
    "kelurahan_code",
    "residency_status",
    "recording_status",
)
# What a new resident row carries: the fields plus the stored extras.
RESIDENT_INSERT_COLUMNS: tuple[str, ...] = (
    *RESIDENT_COLUMNS,
    "kecamatan_code",
    "recording_status_at",
    "version",
    "created_at",
    "updated_at",
)
EVENT_INSERT_COLUMNS: tuple[str, ...] = (
    "resident_id",
    "status",
    "occurred_at",
    "note",
    "source",
    "api_key_id",
    "recorded_at",
)


def prepare(
    session: Session, table: Table, columns: Sequence[str], rows: Iterable[dict[str, Any]]
) -> list[tuple[Any, ...]]:
    """Rows (dicts holding at least `columns`) as driver parameters, in the columns' order."""
    dialect = session.connection().dialect
    converters = [
        (i, proc)
        for i, column in enumerate(columns)
        if (proc := table.c[column].type.dialect_impl(dialect).bind_processor(dialect))
    ]
    pick = itemgetter(*columns)
    params: list[tuple[Any, ...]] = []
    append = params.append
    # A value that is the very object of the row before (a batch's `now`) is not converted again.
    last: list[tuple[Any, Any]] = [(params, None)] * len(columns)
    for row in rows:
        values = list(pick(row))
        for i, proc in converters:
            value = values[i]
            before, converted = last[i]
            if value is not before:
                converted = proc(value)
                last[i] = (value, converted)
            values[i] = converted
        append(tuple(values))
    return params


def execute_insert(
    session: Session, table: Table, columns: Sequence[str], params: Sequence[tuple[Any, ...]]
) -> None:
    """INSERT prepared parameters with one driver-level executemany."""
    if not params:
        return
    connection = session.connection()
    dialect = connection.dialect
    quote = dialect.identifier_preparer.quote
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    sql = (
        f"INSERT INTO {quote(table.name)} ({', '.join(quote(c) for c in columns)}) "
        f"VALUES ({', '.join([mark] * len(columns))})"
    )
    connection.exec_driver_sql(sql, list(params))


def insert_many(
    session: Session, table: Table, columns: Sequence[str], rows: Sequence[dict[str, Any]]
) -> None:
    """INSERT rows (dicts holding at least `columns`) in the session's transaction."""
    if rows:
        execute_insert(session, table, columns, prepare(session, table, columns, rows))


def insert_residents(
    session: Session, rows: Sequence[dict[str, Any]], *, ids_for: Sequence[str] | None = None
) -> dict[str, int]:
    """Insert new residents (dicts with RESIDENT_INSERT_COLUMNS); NIK -> new id (of all, or of
    the NIKs in `ids_for`)."""
    params = prepare(session, RESIDENTS, RESIDENT_INSERT_COLUMNS, rows)
    return insert_prepared_residents(session, params, ids_for=ids_for)


def insert_prepared_residents(
    session: Session,
    params: Sequence[tuple[Any, ...]],
    *,
    ids_for: Sequence[str] | None = None,
) -> dict[str, int]:
    """Insert residents prepared with prepare(..., RESIDENT_INSERT_COLUMNS, ...); NIK -> id."""
    if not params:
        return {}
    execute_insert(session, RESIDENTS, RESIDENT_INSERT_COLUMNS, params)
    niks = [p[0] for p in params] if ids_for is None else ids_for
    return resident_ids(session, niks) if niks else {}


def resident_ids(session: Session, niks: Sequence[str]) -> dict[str, int]:
    """NIK -> id of the stored residents among `niks` (one query)."""
    query = select(RESIDENTS.c.nik, RESIDENTS.c.id).where(RESIDENTS.c.nik.in_(list(niks)))
    return {nik: rid for nik, rid in session.connection().execute(query).tuples()}


def insert_events(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Insert recording events (dicts with EVENT_INSERT_COLUMNS)."""
    insert_many(session, EVENTS, EVENT_INSERT_COLUMNS, rows)


def update_residents(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Update residents by id (dicts with `row_id` and the same column keys); version + 1."""
    if not rows:
        return
    # Keys other than row_id join the SET clause; one statement executed many times. The
    # version is bumped in SQL, so a change made since the row was read still counts.
    stmt = (
        update(RESIDENTS)
        .where(RESIDENTS.c.id == bindparam("row_id"))
        .values(version=RESIDENTS.c.version + 1)
    )
    session.connection().execute(stmt, list(rows))


def residents_with_valid_letters(session: Session, ids: Iterable[int]) -> set[int]:
    """Which of these resident ids hold a valid letter (one query)."""
    ids = list(ids)
    if not ids:
        return set()
    return set(
        session.scalars(
            select(Letter.resident_id).where(
                Letter.resident_id.in_(ids), Letter.status == LetterStatus.valid
            )
        )
    )


# Below this many written rows the planner's picture of the tables is still good enough.
ANALYZE_AFTER_ROWS = 10_000


def refresh_planner_statistics(session: Session, *, rows_written: int) -> None:
    """After a bulk load on PostgreSQL, ANALYZE: with autovacuum off or not yet run, the
    planner would think the tables empty and pick plans that take minutes (statistics of a
    past day went from over 60 s to 0.5 s on the full population)."""
    if rows_written >= ANALYZE_AFTER_ROWS and session.get_bind().dialect.name == "postgresql":
        for table in ("residents", "recording_events"):
            session.execute(text(f"ANALYZE {table}"))
