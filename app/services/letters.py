"""Letters: issue (reserve a number, render, sign, store), list, read, revoke."""

from __future__ import annotations

import hashlib
import logging
import secrets
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial

from sqlalchemy import ColumnElement, and_, delete, event, func, or_, select, true
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from app.config import Settings
from app.db import dialect_insert, side_engine
from app.documents.render import (
    LetterContent,
    LetterDoesNotFit,
    Office,
    Signatory,
    render_letter,
)
from app.documents.signing import LetterSigner, SigningUnavailable
from app.domain.dates import add_months
from app.domain.eligibility import LetterPolicy, letter_refusal, letter_wording, refusal_message
from app.domain.letters import SEARCH_MAX_LENGTH, parse_letter_search
from app.domain.messages import message
from app.domain.numbering import format_letter_number
from app.domain.recording import RecordingStatus
from app.domain.text import TextError, clean_line
from app.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    ServiceUnavailable,
    field_error,
    problem_text,
)
from app.models import Letter, LetterCounter, LetterReservation, Resident
from app.models._types import utcnow
from app.schemas.letter import LetterStatus
from app.services import audit, certificates, photos
from app.services.access import Principal
from app.services.pagination import IssuedPosition, decode_cursor, encode_cursor
from app.services.regions import region_names
from app.services.residents import get_resident, resident_wajib_ktp

log = logging.getLogger("app.letters")


@dataclass(frozen=True)
class LetterFilters:
    status: LetterStatus | None = None
    kelurahan_code: str | None = None
    kecamatan_code: str | None = None
    nik: str | None = None
    issued_from: date | None = None
    issued_to: date | None = None
    # The holder's name (a fragment, any case), the NIK's last digits, or a masked NIK.
    q: str | None = None
    # The last day of validity between these (inclusive): "expiring within 14 days".
    valid_until_from: date | None = None
    valid_until_to: date | None = None


def effective_status(letter: Letter, today: date) -> LetterStatus:
    """The stored status, with `expired` derived from the date."""
    if letter.status is LetterStatus.valid and letter.valid_until < today:
        return LetterStatus.expired
    return letter.status


def verification_url(settings: Settings, token: str) -> str:
    return f"{settings.public_base_url}/v/{token}"


def _locked_counter(session: Session, *, settings: Settings, year: int) -> LetterCounter:
    """The (series, year) counter, created at the year's first number and row-locked."""
    series = settings.letter_number_series
    first = settings.letter_number_first_seq.get(year, 1)
    session.execute(
        dialect_insert(session)(LetterCounter)
        .values(series=series, year=year, last_seq=first - 1)
        .on_conflict_do_nothing(index_elements=["series", "year"])
    )
    return session.execute(
        select(LetterCounter)
        .where(LetterCounter.series == series, LetterCounter.year == year)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()


def next_number(session: Session, *, settings: Settings, issued_on: date) -> tuple[int, str]:
    """Allocate the year's next sequence number under a row lock; rolled back with the caller."""
    counter = _locked_counter(session, settings=settings, year=issued_on.year)
    counter.last_seq += 1
    seq = counter.last_seq
    number = format_letter_number(settings.letter_number_format, seq=seq, issued_on=issued_on)
    return seq, number


def reserve_number(
    session: Session, *, settings: Settings, issued_on: date, letter_id: str, now: datetime
) -> tuple[int, str]:
    """Reserve a number for the letter `letter_id`: the lowest one given back by a failed
    issue, else the year's next. The caller commits at once; the counter stays locked until."""
    counter = _locked_counter(session, settings=settings, year=issued_on.year)
    given_back = session.scalars(
        select(LetterReservation)
        .where(
            LetterReservation.series == counter.series,
            LetterReservation.year == counter.year,
            LetterReservation.letter_id.is_(None),
        )
        .order_by(LetterReservation.seq)
        .limit(1)
    ).first()
    if given_back is not None:
        given_back.letter_id, given_back.reserved_at = letter_id, now
        seq = given_back.seq
    else:
        counter.last_seq += 1
        seq = counter.last_seq
        session.add(
            LetterReservation(
                series=counter.series,
                year=counter.year,
                seq=seq,
                letter_id=letter_id,
                reserved_at=now,
            )
        )
    session.flush()
    # Formatted with this letter's date: a number given back in March and taken in April
    # carries April's month.
    return seq, format_letter_number(settings.letter_number_format, seq=seq, issued_on=issued_on)


def release_number(
    session: Session, *, settings: Settings, year: int, seq: int, letter_id: str
) -> bool:
    """Give back the number reserved for `letter_id`, for the next letter to take; False if it
    is no longer reserved for that letter (stored, or released already)."""
    counter = _locked_counter(session, settings=settings, year=year)
    reservation = session.execute(
        select(LetterReservation)
        .where(
            LetterReservation.series == counter.series,
            LetterReservation.year == year,
            LetterReservation.seq == seq,
            LetterReservation.letter_id == letter_id,
        )
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if reservation is None:
        return False
    reservation.letter_id = reservation.reserved_at = None
    session.flush()
    # Numbers given back at the top of the counter return to it: a year whose last issue
    # failed ends at its last letter, not with a number nobody took.
    while True:
        top = session.get(LetterReservation, (counter.series, year, counter.last_seq))
        if top is None or top.letter_id is not None:
            break
        session.delete(top)
        session.flush()
        counter.last_seq -= 1
    session.flush()
    return True


def release_stale_reservations(
    session: Session, *, settings: Settings, older_than: datetime
) -> int:
    """Give back numbers reserved before `older_than` whose letter never arrived (a worker
    that died while signing); returns how many."""
    stale = session.execute(
        select(LetterReservation.year, LetterReservation.seq, LetterReservation.letter_id).where(
            LetterReservation.series == settings.letter_number_series,
            LetterReservation.letter_id.is_not(None),
            LetterReservation.reserved_at < older_than,
        )
    ).all()
    released = 0
    for year, seq, letter_id in stale:
        released += release_number(
            session, settings=settings, year=year, seq=seq, letter_id=letter_id
        )
    return released


def _current_letter(session: Session, resident: Resident) -> Letter | None:
    return session.scalar(
        select(Letter).where(Letter.resident_id == resident.id, Letter.status == LetterStatus.valid)
    )


def letter_content(
    session: Session,
    resident: Resident,
    *,
    number: str,
    token: str,
    issued_on: date,
    valid_until: date,
    purpose: str,
    settings: Settings,
    development: bool,
    photo: bytes | None = None,
    signature_issuer: str = "",
    qr_url: str | None = None,
) -> LetterContent:
    """Everything printed on the letter, from the settings and the resident as they are now."""
    names = region_names(session)
    return LetterContent(
        office=Office(
            government=settings.office_government,
            agency=settings.office_agency,
            address=settings.office_address,
            city=settings.office_city,
            phone=settings.office_phone,
            email=settings.office_email,
            website=settings.office_website,
            emblem=settings.office_emblem,
        ),
        signatory=Signatory(
            name=settings.signatory_name,
            title=settings.signatory_title,
            nip=settings.signatory_nip,
            rank=settings.signatory_rank,
            capacity=settings.signatory_capacity,
            on_behalf_of=settings.signatory_on_behalf_of,
        ),
        number=number,
        issued_on=issued_on,
        valid_from=issued_on,
        valid_until=valid_until,
        purpose=purpose,
        wording=letter_wording(RecordingStatus(resident.recording_status)).value,
        nik=resident.nik,
        full_name=resident.full_name,
        birth_place=resident.birth_place,
        birth_date=resident.birth_date,
        sex=resident.sex,
        blood_type=resident.blood_type,
        address=resident.address,
        rt=resident.rt,
        rw=resident.rw,
        kelurahan=names.get(resident.kelurahan_code, resident.kelurahan_code),
        kecamatan=names.get(resident.kecamatan_code, resident.kecamatan_code),
        religion=resident.religion,
        marital_status=resident.marital_status,
        occupation=resident.occupation,
        citizenship=resident.citizenship,
        verification_url=qr_url or verification_url(settings, token),
        verification_token=token,
        development_signature=development,
        photo_jpeg=photo,
        signature_issuer=signature_issuer,
        nationality=resident.nationality or "",
        collection_place=settings.card_collection_place,
    )


def issue_letter(
    session: Session,
    *,
    nik: str,
    purpose: str,
    supersede: bool,
    supersede_reason: str | None,
    actor: Principal,
    settings: Settings,
    signer: LetterSigner,
    now: datetime | None = None,
) -> Letter:
    """Check eligibility, reserve a number, render and sign, then store the letter; a failure
    (the caller's transaction rolled back) stores nothing and gives the number back."""
    # One moment for the whole issue: eligibility, the letter's date and its number agree.
    now = now or utcnow()
    today = settings.office_date(now)
    # Locked: a second issue for the same resident, or a card_issued event, waits for this one.
    resident = get_resident(session, nik=nik, actor=actor, for_update=True)
    _refuse_if_ineligible(resident, settings=settings, today=today)
    current = _letter_to_replace(session, resident, supersede=supersede, today=today, now=now)
    photo = photos.photo_for_letter(session, resident, required=settings.requires_photo)
    issue = _reserve_number(session, settings=settings, today=today, now=now)
    content = letter_content(
        session,
        resident,
        number=issue.number,
        token=issue.token,
        issued_on=today,
        valid_until=issue.valid_until,
        purpose=purpose,
        settings=settings,
        development=signer.development,
        photo=photo.jpeg if photo else None,
        signature_issuer=signer.issuer,
        qr_url=certificates.qr_url(
            verification_url(settings, issue.token),
            signer,
            number=issue.number,
            holder=resident.full_name,
            nik=resident.nik,
            issued_on=issue.issued_on,
            valid_until=issue.valid_until,
        ),
    )
    pdf = _render_and_sign(content, signer=signer, settings=settings)
    if current is not None:
        _retire(session, current, issue=issue, reason=supersede_reason, actor=actor, now=now)
    _take_reservation(session, issue=issue, settings=settings)
    letter = _store(
        session,
        resident,
        issue=issue,
        content=content,
        pdf=pdf,
        actor=actor,
        settings=settings,
        now=now,
    )
    certificates.record_use(session, letter, signer=signer, now=now)
    # The verification page shows the photo the letter was signed with, whatever comes later.
    photos.keep_letter_photo(session, letter_id=letter.id, photo=photo)
    return letter


# A reservation older than this is a worker that died while signing: the housekeeper gives its
# number back. Far longer than any signer's timeouts and retries.
RESERVATION_TIMEOUT_MINUTES = 15


@dataclass(frozen=True)
class _Issue:
    """What the letter being issued is known by before it is stored."""

    id: str
    token: str
    seq: int
    number: str
    issued_on: date
    valid_until: date


def _own_transaction(session: Session) -> Session | None:
    """A new session for a short transaction beside the caller's, or None where the caller's
    transaction must do the work: SQLite has one writer, and it is the caller (BEGIN
    IMMEDIATE), so a second transaction would wait for the first to end."""
    bind = session.get_bind()
    if not isinstance(bind, Engine) or bind.dialect.name == "sqlite":
        return None
    return Session(bind=side_engine(bind), expire_on_commit=False)


def _refuse_if_ineligible(resident: Resident, *, settings: Settings, today: date) -> None:
    """409 with the refusal's code when the policy allows no letter for this resident."""
    status = RecordingStatus(resident.recording_status)
    refusal = letter_refusal(
        residency_status=resident.residency_status,
        wajib_ktp=resident_wajib_ktp(resident, on=today),
        recording_status=status,
        policy=LetterPolicy(settings.letter_policy),
        refuse_print_ready=settings.refuse_print_ready,
    )
    if refusal is None:
        return
    said = refusal_message(
        refusal,
        residency_status=resident.residency_status,
        recording_status_at=settings.office_date(resident.recording_status_at)
        if resident.recording_status_at
        else None,
        recording_status=status,
        foreign_without_itap=resident.citizenship == "WNA" and not resident.has_itap,
    )
    # `detail` in the client's language; `messages` carries both.
    raise Conflict(said, code=refusal.value)


def _letter_to_replace(
    session: Session, resident: Resident, *, supersede: bool, today: date, now: datetime
) -> Letter | None:
    """The resident's letter that the new one supersedes; 409 if one is valid and the clerk
    did not ask to supersede it. An expired one is marked so and needs no superseding."""
    current = _current_letter(session, resident)
    if current is not None and effective_status(current, today) is LetterStatus.expired:
        # Materialise the expiry so the one-valid-letter index makes room for the new one.
        current.status, current.status_reason = LetterStatus.expired, "validity ended"
        current.status_changed_at = now
        session.flush()
        current = None
    if current is not None and not supersede:
        said = message(
            "valid_letter_exists", number=current.number, until=current.valid_until.isoformat()
        )
        raise Conflict(
            said,
            code="valid_letter_exists",
            extra={
                "letter_id": current.id,
                "letter_number": current.number,
            },
        )
    return current


def _reserve_number(session: Session, *, settings: Settings, today: date, now: datetime) -> _Issue:
    """A fresh token and a number reserved for the new letter.

    On PostgreSQL the reservation is committed at once in a transaction of its own: the year's
    counter is locked for milliseconds, not across rendering and signing (a remote signer's
    network round trip), so the office's letters are signed side by side.
    """
    token = secrets.token_urlsafe(24)  # 192 bits
    # The QR code's offline proof signs the number, so it is encoded once the number is
    # reserved (certificates.qr_url), outside the counter's lock.
    letter_id = str(uuid.uuid4())
    own = _own_transaction(session)
    if own is None:
        seq, number = reserve_number(
            session, settings=settings, issued_on=today, letter_id=letter_id, now=now
        )
    else:
        with own, own.begin():
            seq, number = reserve_number(
                own, settings=settings, issued_on=today, letter_id=letter_id, now=now
            )
    issue = _Issue(
        id=letter_id,
        token=token,
        seq=seq,
        number=number,
        issued_on=today,
        valid_until=add_months(today, settings.letter_validity_months),
    )
    if own is not None:
        # Whatever fails from here on (signing, storing, the commit), the caller's transaction
        # is rolled back: the number is then given back. Not before the rollback: the
        # letter's transaction may hold the reservation's row.
        event.listen(
            session,
            "after_rollback",
            partial(_give_back, issue=issue, settings=settings),
            once=True,
        )
    return issue


def _take_reservation(session: Session, *, issue: _Issue, settings: Settings) -> None:
    """Turn the reservation into the letter, in the letter's transaction: both are committed
    or neither. 503 if the housekeeper gave the number away meanwhile (a signer that took
    longer than RESERVATION_TIMEOUT_MINUTES)."""
    taken = session.execute(
        delete(LetterReservation).where(
            LetterReservation.series == settings.letter_number_series,
            LetterReservation.year == issue.issued_on.year,
            LetterReservation.seq == issue.seq,
            LetterReservation.letter_id == issue.id,
        )
    )
    if taken.rowcount != 1:  # type: ignore[attr-defined]
        raise ServiceUnavailable(
            problem_text("letter_number_expired", minutes=RESERVATION_TIMEOUT_MINUTES),
            code="letter_number_expired",
        )


def _give_back(session: Session, *, issue: _Issue, settings: Settings) -> None:
    """After a failed issue (its transaction rolled back), the number goes back for the next
    letter, lowest first; a letter stored meanwhile keeps it (nothing is given back)."""
    own = _own_transaction(session)
    assert own is not None
    try:
        with own, own.begin():
            release_number(
                own,
                settings=settings,
                year=issue.issued_on.year,
                seq=issue.seq,
                letter_id=issue.id,
            )
    except Exception:
        # The database may be away: the housekeeper gives it back later.
        log.warning("letter number %s not given back yet", issue.number, exc_info=True)


def _render_and_sign(content: LetterContent, *, signer: LetterSigner, settings: Settings) -> bytes:
    """The signed PDF; 422 when the letter cannot fit on one page."""
    try:
        unsigned = render_letter(content)
    except LetterDoesNotFit:
        # The number reserved for it is given back by the caller.
        raise InvalidInput(
            problem_text("letter_does_not_fit"),
            code="letter_does_not_fit",
            errors=[field_error(["body", "purpose"], problem_text("field.does_not_fit"))],
        ) from None
    try:
        return signer.sign(unsigned, location=settings.office_city)
    except SigningUnavailable as exc:
        # Raised inside the transaction: no letter is stored and the number is rolled back.
        raise ServiceUnavailable(
            problem_text("signing_unavailable", reason=str(exc)),
            code="signing_unavailable",
            headers={"Retry-After": "30"},
        ) from None


def _retire(
    session: Session,
    current: Letter,
    *,
    issue: _Issue,
    reason: str | None,
    actor: Principal,
    now: datetime,
) -> None:
    """Mark the resident's valid letter superseded by the one being issued (audited)."""
    current.status = LetterStatus.superseded
    current.status_reason = reason
    current.status_changed_at = now
    current.superseded_by_id = issue.id
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="letter.superseded",
        target_type="letter",
        target=current.number,
        details={"reason": reason, "by": issue.number},
    )


def _store(
    session: Session,
    resident: Resident,
    *,
    issue: _Issue,
    content: LetterContent,
    pdf: bytes,
    actor: Principal,
    settings: Settings,
    now: datetime,
) -> Letter:
    """Store the letter with its signed PDF as issued (audited)."""
    letter = Letter(
        id=issue.id,
        number=issue.number,
        series=settings.letter_number_series,
        year=issue.issued_on.year,
        seq=issue.seq,
        resident_id=resident.id,
        resident_nik=resident.nik,
        resident_name=resident.full_name,
        kelurahan_code=resident.kelurahan_code,
        kecamatan_code=resident.kecamatan_code,
        purpose=content.purpose,
        wording=content.wording,
        issued_at=now,
        valid_from=issue.issued_on,
        valid_until=issue.valid_until,
        status=LetterStatus.valid,
        signatory_name=settings.signatory_name,
        signatory_title=settings.signatory_title,
        signatory_nip=settings.signatory_nip,
        verification_token=issue.token,
        pdf_sha256=hashlib.sha256(pdf).hexdigest(),
        pdf_size=len(pdf),
        pdf=pdf,
        issued_by_key_id=actor.key_id,
    )
    session.add(letter)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="letter.issued",
        target_type="letter",
        target=issue.number,
        details={"resident": audit.resident_target(resident.nik), "sha256": letter.pdf_sha256},
    )
    return letter


def get_letter(session: Session, *, letter_id: uuid.UUID, actor: Principal) -> Letter:
    """A letter by id, if the actor may see it (404 otherwise)."""
    letter = session.get(Letter, str(letter_id))
    if letter is None or not actor.sees_kelurahan(letter.kelurahan_code):
        raise NotFound(problem_text("letter_not_found"), code="letter_not_found")
    return letter


def letter_pdf(session: Session, *, letter_id: uuid.UUID, actor: Principal) -> tuple[Letter, bytes]:
    """The letter and its signed PDF exactly as issued (the download is audited)."""
    letter = get_letter(session, letter_id=letter_id, actor=actor)
    audit.record(
        session,
        actor=actor,
        action="letter.downloaded",
        target_type="letter",
        target=letter.number,
        read=True,
    )
    return letter, letter.pdf


def read_letter(session: Session, *, letter_id: uuid.UUID, actor: Principal) -> Letter:
    """One letter, with its holder's name and NIK (audited)."""
    letter = get_letter(session, letter_id=letter_id, actor=actor)
    audit.record(
        session,
        actor=actor,
        action="letter.read",
        target_type="letter",
        target=letter.number,
        read=True,
    )
    return letter


def _search_clause(text: str) -> ColumnElement[bool]:
    """The WHERE clause of a letters search; 422 for a text no form sends (too long, a
    control character), so a hostile one never reaches the database."""
    try:
        cleaned = clean_line(text)
    except TextError as exc:
        raise InvalidInput(exc.message, errors=[field_error(["query", "q"], exc.message)]) from None
    if len(cleaned) > SEARCH_MAX_LENGTH:
        refusal = problem_text("validation_error.search_too_long", most=SEARCH_MAX_LENGTH)
        raise InvalidInput(refusal, errors=[field_error(["query", "q"], refusal)])
    search = parse_letter_search(cleaned)
    if search is None:
        return true()
    if search.kind == "nik_end":
        if len(search.value) == 16:
            return Letter.resident_nik == search.value
        return Letter.resident_nik.endswith(search.value, autoescape=True)
    if search.kind == "nik_mask":
        # Digits and `_` only: nothing in the pattern needs escaping.
        return Letter.resident_nik.like(search.value.replace("*", "_"))
    # `%`, `_` and the escape character typed into a name match themselves.
    return func.lower(Letter.resident_name).contains(search.value, autoescape=True)


def list_letters(
    session: Session,
    *,
    filters: LetterFilters,
    limit: int,
    cursor: str | None,
    actor: Principal,
    today: date,
) -> tuple[list[Letter], str | None]:
    """Letters newest first, within the actor's scope; `today` decides what has expired."""
    query = select(Letter).order_by(Letter.issued_at.desc(), Letter.id.desc()).limit(limit + 1)
    if actor.kelurahan_code:
        query = query.where(Letter.kelurahan_code == actor.kelurahan_code)
    if filters.kelurahan_code:
        query = query.where(Letter.kelurahan_code == filters.kelurahan_code)
    if filters.kecamatan_code:
        query = query.where(Letter.kecamatan_code == filters.kecamatan_code)
    if filters.nik:
        query = query.where(Letter.resident_nik == filters.nik)
    if filters.issued_from:
        query = query.where(Letter.valid_from >= filters.issued_from)
    if filters.issued_to:
        query = query.where(Letter.valid_from <= filters.issued_to)
    if filters.valid_until_from:
        query = query.where(Letter.valid_until >= filters.valid_until_from)
    if filters.valid_until_to:
        query = query.where(Letter.valid_until <= filters.valid_until_to)
    if filters.q is not None:
        query = query.where(_search_clause(filters.q))
    if filters.status is LetterStatus.valid:
        query = query.where(Letter.status == LetterStatus.valid, Letter.valid_until >= today)
    elif filters.status is LetterStatus.expired:
        query = query.where(
            or_(
                Letter.status == LetterStatus.expired,
                and_(Letter.status == LetterStatus.valid, Letter.valid_until < today),
            )
        )
    elif filters.status is not None:
        query = query.where(Letter.status == filters.status)
    if cursor:
        position = decode_cursor(cursor, IssuedPosition)
        issued_at, last_id = position.issued_at, position.id
        query = query.where(
            or_(
                Letter.issued_at < issued_at,
                and_(Letter.issued_at == issued_at, Letter.id < last_id),
            )
        )
    rows = list(session.scalars(query))
    audit.record(
        session,
        actor=actor,
        action="letter.listed",
        details={
            "returned": min(len(rows), limit),
            "status": filters.status,
            # A NIK typed into q is masked like everywhere else in the log.
            **({"q": audit.mask_query(filters.q)} if filters.q else {}),
        },
        read=True,
    )
    next_cursor = None
    if len(rows) > limit:
        last = rows[limit - 1]
        next_cursor = encode_cursor(issued_at=last.issued_at.isoformat(), id=last.id)
    return rows[:limit], next_cursor


def revoke_letter(
    session: Session, *, letter_id: uuid.UUID, reason: str, actor: Principal, today: date
) -> Letter:
    """Revoke a valid letter with a reason; the QR page says REVOKED from now on."""
    letter = get_letter(session, letter_id=letter_id, actor=actor)
    session.execute(select(Letter.id).where(Letter.id == letter.id).with_for_update()).one()
    session.refresh(letter)
    status = effective_status(letter, today)
    if status is not LetterStatus.valid:
        raise Conflict(
            problem_text("letter_not_valid", status=status.value),
            code="letter_not_valid",
        )
    letter.status, letter.status_reason = LetterStatus.revoked, reason
    letter.status_changed_at = utcnow()
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="letter.revoked",
        target_type="letter",
        target=letter.number,
        details={"reason": reason},
    )
    return letter
