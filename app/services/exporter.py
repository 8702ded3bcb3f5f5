"""Streamed CSV export of residents, in the importer's columns (export then import: no change)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from app.db import session_scope
from app.domain.text import csv_escape
from app.models import Resident
from app.services import audit
from app.services.access import Principal
from app.services.importer import IMPORT_COLUMNS, TEXT_COLUMNS
from app.services.residents import ResidentFilters, filter_details, filtered_query

EXPORT_COLUMNS = IMPORT_COLUMNS
CHUNK_SIZE = 5_000


def record_export(session: Session, *, filters: ResidentFilters, actor: Principal) -> None:
    """Audit that the actor exported residents with these filters."""
    audit.record(
        session,
        actor=actor,
        action="resident.exported",
        details={"filters": filter_details(filters)},
        read=True,
    )


# Positions (in a row without its leading id) of the cells a person typed; only these are
# escaped: NIK, dates and codes come from the service and never start with a trigger.
_TEXT_POSITIONS = tuple(EXPORT_COLUMNS.index(c) for c in TEXT_COLUMNS)


def _csv_row(row: Any) -> tuple[Any, ...]:
    # (id, nik, ..., has_itap at 12, ..., recording_status_at last)
    values = list(row[1:])
    for i in _TEXT_POSITIONS:
        values[i] = csv_escape(values[i])
    at = values[-1]
    return (
        *values[:11],
        "true" if values[11] else "false",
        *values[12:-1],
        at.isoformat() if at is not None else "",
    )


def export_chunks(
    factory: sessionmaker[Session],
    *,
    filters: ResidentFilters,
    actor: Principal,
    chunk_size: int = CHUNK_SIZE,
) -> Iterator[list[tuple[Any, ...]]]:
    """Rows in id order, chunk by chunk, each chunk read in its own short transaction.

    Keyset paging keeps memory flat and never holds a transaction (nor SQLite's lock) for
    the whole export; a resident changed meanwhile appears as it was when its chunk was read.
    """
    columns = [Resident.id, *(getattr(Resident, c) for c in EXPORT_COLUMNS)]
    query = filtered_query(filters, actor).with_only_columns(*columns).order_by(Resident.id)
    last_id = 0
    while True:
        with session_scope(factory) as session:
            page = query.where(Resident.id > last_id).limit(chunk_size)
            rows = session.connection().execute(page).all()
        if not rows:
            return
        last_id = rows[-1][0]
        yield [_csv_row(r) for r in rows]


def export_csv(
    factory: sessionmaker[Session],
    *,
    filters: ResidentFilters,
    actor: Principal,
    chunk_size: int = CHUNK_SIZE,
    on_rows: Callable[[int], None] | None = None,
) -> Iterator[bytes]:
    """The export as UTF-8 CSV, header first, one piece per chunk of rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(EXPORT_COLUMNS)
    yield buffer.getvalue().encode()
    for chunk in export_chunks(factory, filters=filters, actor=actor, chunk_size=chunk_size):
        buffer.seek(0)
        buffer.truncate()
        writer.writerows(chunk)
        yield buffer.getvalue().encode()
        if on_rows:
            on_rows(len(chunk))
