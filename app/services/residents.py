"""Residents: register, read, list, correct, and record e-KTP recording status changes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, bindparam, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.data import known_regencies
from app.domain.messages import Message
from app.domain.nik import check_nik_agreement, nik_region_warning, parse_nik
from app.domain.people import ResidencyStatus, is_wajib_ktp, latest_birth_date_of_age
from app.domain.recording import RecordingMoveError, RecordingStatus, check_move
from app.domain.region_codes import kecamatan_of
from app.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    PreconditionFailed,
    field_error,
    problem_text,
)
from app.models import RecordingEvent, Resident
from app.models._types import utcnow
from app.schemas.resident import ResidentCreate
from app.services import audit, letters_hooks
from app.services.access import Principal
from app.services.pagination import IdPosition, decode_cursor, encode_cursor
from app.services.regions import kelurahan_exists

# A clock a little ahead of ours is not "the future".
_CLOCK_SKEW = timedelta(minutes=5)


@dataclass(frozen=True)
class ResidentFilters:
    kelurahan_code: str | None = None
    kecamatan_code: str | None = None
    recording_status: RecordingStatus | None = None
    wajib_ktp: bool | None = None
    q: str | None = None


def wajib_ktp_clause(on: date) -> ColumnElement[bool]:
    """SQL for the wajib KTP rule (UU 24/2013 Pasal 63) on a given day."""
    return and_(
        Resident.residency_status == ResidencyStatus.active,
        or_(Resident.citizenship == "WNI", and_(Resident.citizenship == "WNA", Resident.has_itap)),
        or_(
            Resident.birth_date <= latest_birth_date_of_age(on),
            Resident.marital_status != "belum_kawin",
        ),
    )


def resident_wajib_ktp(resident: Resident, on: date | None = None) -> bool:
    """Whether the resident is wajib KTP today (or on `on`)."""
    return is_wajib_ktp(
        citizenship=resident.citizenship,
        has_itap=resident.has_itap,
        birth_date=resident.birth_date,
        marital_status=resident.marital_status,
        residency_status=resident.residency_status,
        on=on or date.today(),
    )


def etag_matches(if_match: str, resident: Resident) -> bool:
    """If-Match as clients send it: `*`, or a list of tags, quoted or not, weak (W/) or not."""
    current = etag(resident).strip('"')
    for tag in if_match.split(","):
        tag = tag.strip()
        if tag == "*" or tag.removeprefix("W/").strip('"') == current:
            return True
    return False


def etag(resident: Resident) -> str:
    """The resident's entity tag: it changes with every stored change."""
    return f'"{resident.version}"'


@dataclass(frozen=True)
class Saved:
    """A stored resident and the warnings its data raised (e.g. a birth date that differs
    from the NIK's), for the answer to show."""

    resident: Resident
    warnings: list[Message]


# Built once: reading a resident by NIK is the service's most frequent query.
_BY_NIK = select(Resident).where(Resident.nik == bindparam("nik"))
_BY_NIK_FOR_UPDATE = _BY_NIK.with_for_update().execution_options(populate_existing=True)


def get_resident(
    session: Session, *, nik: str, actor: Principal, for_update: bool = False
) -> Resident:
    """The resident with this (normalised) NIK, if the actor may see them (404 otherwise, so
    nothing leaks).

    `for_update` locks the row until the transaction ends: two clerks changing the same
    resident at once take turns instead of overwriting each other.
    """
    query = _BY_NIK_FOR_UPDATE if for_update else _BY_NIK
    resident = session.scalar(query, {"nik": nik})
    if resident is None or not actor.sees_kelurahan(resident.kelurahan_code):
        raise NotFound(problem_text("resident_not_found"), code="resident_not_found")
    return resident


def read_resident(session: Session, *, nik: str, actor: Principal) -> Resident:
    """Read one resident's personal data (audited)."""
    resident = get_resident(session, nik=nik, actor=actor)
    audit.record(
        session,
        actor=actor,
        action="resident.read",
        target_type="resident",
        target=audit.resident_target(resident.nik),
        read=True,
    )
    return resident


def agreement_warnings(*, nik: str, birth_date: date, sex: str) -> list[Message]:
    """What to check twice about a NIK: a kabupaten/kota no list knows, or a sex or birth date
    that differs from the record. All are warnings: a NIK is never changed, the clerk decides."""
    info = parse_nik(nik)
    region = nik_region_warning(nik, known_regencies=known_regencies())
    agreement = check_nik_agreement(info, birth_date=birth_date, sex=sex)  # type: ignore[arg-type]
    return ([region] if region else []) + agreement


def _check_nationality(citizenship: str, nationality: str | None) -> None:
    # A WNA's letter prints the nationality, as the KTP-el does; a WNI has none to give.
    if citizenship == "WNA" and nationality is None:
        raise InvalidInput(
            problem_text("nationality_required"),
            code="nationality_required",
            errors=[field_error(["body", "nationality"], problem_text("field.required_for_wna"))],
        )
    if citizenship == "WNI" and nationality not in (None, "ID"):
        raise InvalidInput(
            problem_text("validation_error.nationality_wni"),
            errors=[
                field_error(["body", "nationality"], problem_text("field.only_wna_nationality"))
            ],
        )


def _check_kelurahan(session: Session, code: str, actor: Principal, loc: list[str | int]) -> None:
    if not kelurahan_exists(session, code):
        raise InvalidInput(
            problem_text("unknown_kelurahan", code=code),
            code="unknown_kelurahan",
            errors=[field_error(loc, problem_text("field.unknown_kelurahan", code=code))],
        )
    if not actor.sees_kelurahan(code):
        raise Forbidden(
            problem_text("other_kelurahan", kelurahan=actor.kelurahan_code),
            code="other_kelurahan",
        )


def create_resident(
    session: Session, *, data: ResidentCreate, actor: Principal, source: str = "api"
) -> Saved:
    """Register a resident; 409 when the NIK is already registered."""
    _check_kelurahan(session, data.kelurahan_code, actor, ["body", "kelurahan_code"])
    _check_nationality(data.citizenship.value, data.nationality)
    warnings = agreement_warnings(nik=data.nik, birth_date=data.birth_date, sex=data.sex.value)
    if session.scalar(select(Resident.id).where(Resident.nik == data.nik)) is not None:
        raise Conflict(problem_text("nik_exists"), code="nik_exists")
    now = utcnow()
    values = data.model_dump(mode="python", exclude={"recording_status"})
    resident = Resident(
        **{k: (v.value if hasattr(v, "value") else v) for k, v in values.items()},
        kecamatan_code=kecamatan_of(data.kelurahan_code),
        recording_status=RecordingStatus.unregistered.value,
        created_at=now,
        updated_at=now,
        version=1,
    )
    try:
        # The check above and this insert can race another request with the same NIK.
        with session.begin_nested():
            session.add(resident)
    except IntegrityError as exc:
        raise Conflict(problem_text("nik_exists"), code="nik_exists") from exc
    if data.recording_status is not RecordingStatus.unregistered:
        _add_event(
            session,
            resident,
            status=data.recording_status,
            occurred_at=now,
            note="status at registration",
            source=source,
            actor=actor,
        )
    audit.record_resident(
        session,
        actor=actor,
        action="resident.created",
        nik=resident.nik,
        details={"source": source},
    )
    return Saved(resident, warnings)


def list_residents(
    session: Session,
    *,
    filters: ResidentFilters,
    limit: int,
    cursor: str | None,
    actor: Principal,
) -> tuple[list[Resident], str | None]:
    """A page of residents in registration order, within the actor's scope."""
    query = filtered_query(filters, actor).order_by(Resident.id).limit(limit + 1)
    if cursor:
        query = query.where(Resident.id > decode_cursor(cursor, IdPosition).id)
    rows = list(session.scalars(query))
    next_cursor = encode_cursor(id=rows[limit - 1].id) if len(rows) > limit else None
    audit.record(
        session,
        actor=actor,
        action="resident.listed",
        details={
            "filters": filter_details(filters),
            # Whose data was read, not only how much: masked, like every NIK in the log.
            "residents": [audit.resident_target(r.nik) for r in rows[:limit]],
        },
        read=True,
    )
    return rows[:limit], next_cursor


def filter_details(filters: ResidentFilters) -> dict[str, Any]:
    """The filters of a listing, as the audit log records them."""
    # A NIK typed into q is masked like everywhere else in the log.
    values = {k: v for k, v in vars(filters).items() if v is not None}
    if "q" in values:
        values["q"] = audit.mask_query(str(values["q"]))
    return {k: (v.value if hasattr(v, "value") else v) for k, v in values.items()}


def filtered_query(filters: ResidentFilters, actor: Principal) -> Any:
    """SELECT of residents matching the list filters and the actor's scope."""
    query = select(Resident)
    if actor.kelurahan_code:
        query = query.where(Resident.kelurahan_code == actor.kelurahan_code)
    if filters.kelurahan_code:
        query = query.where(Resident.kelurahan_code == filters.kelurahan_code)
    if filters.kecamatan_code:
        query = query.where(Resident.kecamatan_code == filters.kecamatan_code)
    if filters.recording_status:
        query = query.where(Resident.recording_status == filters.recording_status.value)
    if filters.wajib_ktp is not None:
        clause = wajib_ktp_clause(date.today())
        query = query.where(clause if filters.wajib_ktp else ~clause)
    if filters.q:
        q = filters.q.strip()
        digits = "".join(ch for ch in q if ch not in " .-")
        if digits.isascii() and digits.isdigit():
            query = query.where(Resident.nik.startswith(digits, autoescape=True))
        else:
            query = query.where(
                func.lower(Resident.full_name).startswith(q.lower(), autoescape=True)
            )
    return query


def update_resident(
    session: Session,
    *,
    nik: str,
    changes: dict[str, Any],
    if_match: str | None,
    actor: Principal,
) -> Saved:
    """Apply a partial correction; 412 when If-Match names an older version."""
    resident = get_resident(session, nik=nik, actor=actor, for_update=True)
    if if_match is not None and not etag_matches(if_match, resident):
        raise PreconditionFailed(
            problem_text("stale_resident"),
            code="stale_resident",
        )
    changes = {k: (v.value if hasattr(v, "value") else v) for k, v in changes.items()}
    if "kelurahan_code" in changes:
        _check_kelurahan(session, changes["kelurahan_code"], actor, ["body", "kelurahan_code"])
    if changes.get("citizenship") == "WNI" and "nationality" not in changes:
        changes["nationality"] = None  # naturalised: an old foreign nationality no longer holds
    if "citizenship" in changes or "nationality" in changes:
        _check_nationality(
            changes.get("citizenship", resident.citizenship),
            changes.get("nationality", resident.nationality),
        )
    merged = {c: changes.get(c, getattr(resident, c)) for c in ("citizenship", "has_itap")}
    if merged["has_itap"] and merged["citizenship"] == "WNI":
        raise InvalidInput(
            problem_text("validation_error.has_itap_wni"),
            errors=[field_error(["body", "has_itap"], problem_text("field.only_wna_itap"))],
        )
    warnings = agreement_warnings(
        nik=resident.nik,
        birth_date=changes.get("birth_date", resident.birth_date),
        sex=changes.get("sex", resident.sex),
    )
    changed = {k: v for k, v in changes.items() if getattr(resident, k) != v}
    if not changed:
        return Saved(resident, warnings)
    old_residency = resident.residency_status
    for field, value in changed.items():
        setattr(resident, field, value)
    if "kelurahan_code" in changed:
        resident.kecamatan_code = kecamatan_of(resident.kelurahan_code)
    audit.record_resident(
        session,
        actor=actor,
        action="resident.updated",
        nik=resident.nik,
        details={"fields": sorted(changed)},
    )
    resident.version += 1
    resident.updated_at = utcnow()
    if (
        old_residency == ResidencyStatus.active
        and resident.residency_status != ResidencyStatus.active
    ):
        letters_hooks.void_valid_letters(
            session,
            resident=resident,
            reason=f"residency_status became {resident.residency_status}",
        )
    session.flush()
    return Saved(resident, warnings)


def record_event(
    session: Session,
    *,
    nik: str,
    status: RecordingStatus,
    occurred_at: datetime | None,
    note: str | None,
    actor: Principal,
) -> RecordingEvent:
    """Move the resident's recording status; 409 with the allowed next values when refused."""
    resident = get_resident(session, nik=nik, actor=actor, for_update=True)
    now = utcnow()
    when = occurred_at or now
    if when.tzinfo is None:
        raise InvalidInput(
            problem_text("validation_error.occurred_at_naive"),
            errors=[field_error(["body", "occurred_at"], problem_text("field.time_zone_missing"))],
        )
    if when > now + _CLOCK_SKEW:
        raise InvalidInput(
            problem_text("validation_error.occurred_at_future"),
            errors=[field_error(["body", "occurred_at"], problem_text("field.not_in_future"))],
        )
    if resident.recording_status_at is not None and when < resident.recording_status_at:
        raise InvalidInput(
            problem_text(
                "event_out_of_order",
                status=resident.recording_status,
                at=resident.recording_status_at.isoformat(),
            ),
            code="event_out_of_order",
            errors=[
                field_error(["body", "occurred_at"], problem_text("field.before_current_status"))
            ],
        )
    try:
        check_move(RecordingStatus(resident.recording_status), status)
    except RecordingMoveError as exc:
        raise Conflict(
            problem_text(
                "recording_move_not_allowed.same"
                if exc.current is exc.new
                else "recording_move_not_allowed",
                current=exc.current.value,
                new=exc.new.value,
                allowed=", ".join(s.value for s in exc.allowed) or problem_text("thing.none"),
            ),
            code="recording_move_not_allowed",
            extra={"allowed_next": [s.value for s in exc.allowed]},
        ) from exc
    event = _add_event(
        session, resident, status=status, occurred_at=when, note=note, source="api", actor=actor
    )
    return event


def _add_event(
    session: Session,
    resident: Resident,
    *,
    status: RecordingStatus,
    occurred_at: datetime,
    note: str | None,
    source: str,
    actor: Principal,
) -> RecordingEvent:
    event = RecordingEvent(
        resident_id=resident.id,
        status=status.value,
        occurred_at=occurred_at,
        note=note,
        source=source,
        api_key_id=actor.key_id,
        recorded_at=utcnow(),
    )
    session.add(event)
    audit.record_resident(
        session,
        actor=actor,
        action="recording_event.created",
        nik=resident.nik,
        details={"from": resident.recording_status, "to": status.value, "source": source},
    )
    resident.recording_status = status.value
    resident.recording_status_at = occurred_at
    resident.version += 1
    resident.updated_at = utcnow()
    if status is RecordingStatus.card_issued:
        letters_hooks.void_valid_letters(
            session, resident=resident, reason="KTP-el card issued (card_issued)"
        )
    session.flush()
    return event


def list_events(session: Session, *, nik: str, actor: Principal) -> list[RecordingEvent]:
    """The resident's recording history, oldest first (audited: it is personal data)."""
    resident = get_resident(session, nik=nik, actor=actor)
    events = list(
        session.scalars(
            select(RecordingEvent)
            .where(RecordingEvent.resident_id == resident.id)
            .order_by(RecordingEvent.occurred_at, RecordingEvent.id)
        )
    )
    audit.record(
        session,
        actor=actor,
        action="recording_event.listed",
        target_type="resident",
        target=audit.resident_target(resident.nik),
        read=True,
    )
    return events
