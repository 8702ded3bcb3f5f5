"""Load the synthetic Kota Kupang 2016 population (app.demo.kupang2016) through the bulk path."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.config import Settings
from app.demo.kupang2016 import AS_OF, generate
from app.documents.photo import placeholder_portrait
from app.documents.signing import LetterSigner
from app.domain.region_codes import kecamatan_of
from app.errors import Conflict
from app.models import Resident
from app.models._types import utcnow
from app.services import audit, bulk, photos
from app.services.access import SYSTEM, Principal
from app.services.letters import issue_letter
from app.services.residents import wajib_ktp_clause

# The generator speaks Kupang's wall-clock time (WITA, UTC+8) in naive datetimes.
_WITA_OFFSET = timedelta(hours=8)

BATCH_SIZE = 10_000


@dataclass(frozen=True)
class DemoLoadResult:
    residents: int
    events: int
    skipped: bool = False


def _to_utc(local: datetime) -> datetime:
    return (local - _WITA_OFFSET).replace(tzinfo=UTC)


def load_demo(
    session: Session,
    *,
    seed: int = 2016,
    scale: float = 1.0,
    as_of: date = AS_OF,
    if_empty: bool = False,
    actor: Principal | None = None,
    progress: Callable[[int], None] | None = None,
    batch_size: int = BATCH_SIZE,
) -> DemoLoadResult:
    """Insert the demo residents and their history (source demo) in the caller's transaction."""
    existing = session.scalar(select(func.count()).select_from(Resident)) or 0
    if existing:
        if if_empty:
            return DemoLoadResult(residents=0, events=0, skipped=True)
        raise Conflict(
            f"the database already holds {existing} residents; the demo population loads "
            "into an empty database only (use --if-empty to skip quietly)",
            code="database_not_empty",
        )
    now = utcnow()
    residents = events = 0
    rows: list[dict[str, Any]] = []
    histories: list[tuple[str, list[tuple[str, datetime]]]] = []

    def flush() -> None:
        nonlocal residents, events
        ids = bulk.insert_residents(session, rows, ids_for=[nik for nik, _ in histories])
        event_rows = [
            {
                "resident_id": ids[nik],
                "status": status,
                "occurred_at": at,
                "note": None,
                "source": "demo",
                "api_key_id": None,
                "recorded_at": now,
            }
            for nik, history in histories
            for status, at in history
        ]
        bulk.insert_events(session, event_rows)
        residents += len(rows)
        events += len(event_rows)
        if progress:
            progress(len(rows))
        rows.clear()
        histories.clear()

    for person in generate(seed=seed, scale=scale, as_of=as_of):
        history = [(status, _to_utc(at)) for status, at in person.recording_events]
        rows.append(
            {
                "nik": person.nik,
                "kk_number": person.kk_number,
                "full_name": person.full_name,
                "birth_place": person.birth_place,
                "birth_date": person.birth_date,
                "sex": person.sex,
                "blood_type": person.blood_type,
                "religion": person.religion,
                "marital_status": person.marital_status,
                "occupation": person.occupation,
                "citizenship": person.citizenship,
                "has_itap": person.has_itap,
                "address": person.address,
                "rt": person.rt,
                "rw": person.rw,
                "kelurahan_code": person.kelurahan_code,
                "kecamatan_code": kecamatan_of(person.kelurahan_code),
                "residency_status": person.residency_status,
                "recording_status": person.recording_status,
                "recording_status_at": history[-1][1] if history else None,
                "version": 1,
                "created_at": now,
                "updated_at": now,
            }
        )
        if history:
            histories.append((person.nik, history))
        if len(rows) >= batch_size:
            flush()
    if rows:
        flush()
    audit.record(
        session,
        actor=actor,
        action="demo.loaded",
        details={
            "seed": seed,
            "scale": scale,
            "as_of": as_of.isoformat(),
            "residents": residents,
            "events": events,
        },
    )
    bulk.refresh_planner_statistics(session, rows_written=residents + events)
    return DemoLoadResult(residents=residents, events=events)


DEMO_PURPOSES = (
    "Pembukaan rekening bank",
    "Pendaftaran sekolah anak",
    "Persyaratan melamar pekerjaan",
    "Pengurusan BPJS Kesehatan",
)


def issue_demo_letters(
    session: Session, *, count: int, settings: Settings, signer: LetterSigner
) -> int:
    """Issue letters to the first `count` eligible demo residents, so a new user sees some."""
    eligible = select(Resident.nik).where(
        wajib_ktp_clause(settings.office_today()),
        Resident.recording_status.in_(
            ["unregistered", "bio_captured", "print_ready_record", "sent_for_card_printing"]
        ),
    )
    issued = 0
    for nik in list(session.scalars(eligible.order_by(Resident.id).limit(count))):
        # A drawn silhouette, never a face: demo letters show where the holder's photo goes.
        photos.save_photo(session, nik=nik, photo=placeholder_portrait(nik), actor=SYSTEM)
        issue_letter(
            session,
            nik=nik,
            purpose=DEMO_PURPOSES[issued % len(DEMO_PURPOSES)],
            supersede=False,
            supersede_reason=None,
            actor=SYSTEM,
            settings=settings,
            signer=signer,
        )
        issued += 1
    return issued
