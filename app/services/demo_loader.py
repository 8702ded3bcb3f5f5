"""Load the synthetic Kota Kupang 2016 population (app.demo.kupang2016) through the bulk path."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.config import Settings
from app.demo.kupang2016 import AS_OF, DemoResident, generate
from app.documents.photo import placeholder_portrait
from app.documents.signing import LetterSigner
from app.domain.region_codes import kecamatan_of
from app.errors import Conflict, problem_text
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
    if not _database_is_empty(session, if_empty=if_empty):
        return DemoLoadResult(residents=0, events=0, skipped=True)
    batch = _DemoBatch(session, now=utcnow(), progress=progress)
    for person in generate(seed=seed, scale=scale, as_of=as_of):
        batch.add(person)
        if len(batch.rows) >= batch_size:
            batch.write()
    batch.write()
    audit.record(
        session,
        actor=actor,
        action="demo.loaded",
        details={
            "seed": seed,
            "scale": scale,
            "as_of": as_of.isoformat(),
            "residents": batch.residents,
            "events": batch.events,
        },
    )
    bulk.refresh_planner_statistics(session, rows_written=batch.residents + batch.events)
    return DemoLoadResult(residents=batch.residents, events=batch.events)


def _database_is_empty(session: Session, *, if_empty: bool) -> bool:
    """True on an empty database; False (skip) or 409 when residents are already stored."""
    existing = session.scalar(select(func.count()).select_from(Resident)) or 0
    if not existing:
        return True
    if if_empty:
        return False
    raise Conflict(
        problem_text("database_not_empty", count=existing),
        code="database_not_empty",
    )


class _DemoBatch:
    """Demo residents gathered for one bulk insert, with their recording histories."""

    def __init__(
        self, session: Session, *, now: datetime, progress: Callable[[int], None] | None
    ) -> None:
        self.session = session
        self.now = now
        self.progress = progress
        self.rows: list[dict[str, Any]] = []
        self.histories: list[tuple[str, list[tuple[str, datetime]]]] = []
        self.residents = self.events = 0

    def add(self, person: DemoResident) -> None:
        history = [(status, _to_utc(at)) for status, at in person.recording_events]
        self.rows.append(_resident_row(person, history, self.now))
        if history:
            self.histories.append((person.nik, history))

    def write(self) -> None:
        """Insert the gathered residents, then their events (which need the new ids)."""
        if not self.rows:
            return
        ids = bulk.insert_residents(
            self.session, self.rows, ids_for=[nik for nik, _ in self.histories]
        )
        event_rows = [
            _event_row(ids[nik], status, at, self.now)
            for nik, history in self.histories
            for status, at in history
        ]
        bulk.insert_events(self.session, event_rows)
        self.residents += len(self.rows)
        self.events += len(event_rows)
        if self.progress:
            self.progress(len(self.rows))
        self.rows.clear()
        self.histories.clear()


def _resident_row(
    person: DemoResident, history: list[tuple[str, datetime]], now: datetime
) -> dict[str, Any]:
    return {
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


def _event_row(resident_id: int, status: str, at: datetime, now: datetime) -> dict[str, Any]:
    return {
        "resident_id": resident_id,
        "status": status,
        "occurred_at": at,
        "note": None,
        "source": "demo",
        "api_key_id": None,
        "recorded_at": now,
    }


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
