"""The holder's pas foto: upload (normalised), read, delete, and the copy a letter keeps."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.config import Settings
from app.documents.photo import Photo, PhotoRejected, normalise_photo
from app.errors import Conflict, InvalidInput, NotFound, field_error, problem_text
from app.models import LetterPhoto, Resident, ResidentPhoto
from app.models._types import utcnow
from app.services import audit
from app.services.access import Principal
from app.services.residents import get_resident


@dataclass(frozen=True)
class SavedPhoto:
    photo: ResidentPhoto
    created: bool


def prepare_photo(data: bytes, *, settings: Settings) -> Photo:
    """An upload made into a stored pas foto; 422 naming what is wrong with it otherwise.

    CPU work (tens of milliseconds): callers on the event loop run it in a worker thread.
    """
    try:
        return normalise_photo(data, max_pixels=settings.photo_max_pixels)
    except PhotoRejected as exc:
        # The pixel limit names the figures when the header gave them.
        key = (
            f"{exc.reason}.size"
            if exc.reason == "photo_too_many_pixels" and exc.params
            else exc.reason
        )
        said = problem_text(key, **exc.params)
        raise InvalidInput(said, code=exc.reason, errors=[field_error(["body"], said)]) from None


def save_photo(session: Session, *, nik: str, photo: Photo, actor: Principal) -> SavedPhoto:
    """Set or replace the resident's photo (audited). Letters already issued keep theirs."""
    # Locked: two uploads for one resident, or an issue reading the photo, take turns.
    resident = get_resident(session, nik=nik, actor=actor, for_update=True)
    stored = session.get(ResidentPhoto, resident.id)
    created = stored is None
    previous = None if stored is None else stored.sha256
    if stored is None:
        stored = ResidentPhoto(resident_id=resident.id)
        session.add(stored)
    stored.jpeg, stored.sha256 = photo.jpeg, photo.sha256
    stored.width, stored.height = photo.width, photo.height
    stored.updated_at, stored.updated_by_key_id = utcnow(), actor.key_id
    session.flush()
    audit.record_resident(
        session,
        actor=actor,
        action="resident.photo_set",
        nik=resident.nik,
        details={"sha256": photo.sha256, "replaced": previous},
    )
    return SavedPhoto(stored, created)


def _photo_of(session: Session, resident: Resident) -> ResidentPhoto:
    stored = session.get(ResidentPhoto, resident.id)
    if stored is None:
        raise NotFound(
            problem_text("photo_not_found"),
            code="photo_not_found",
        )
    return stored


def read_photo(session: Session, *, nik: str, actor: Principal) -> ResidentPhoto:
    """The resident's photo with its bytes (audited as a read of personal data)."""
    resident = get_resident(session, nik=nik, actor=actor)
    stored = _photo_of(session, resident)
    audit.record(
        session,
        actor=actor,
        action="resident.photo_read",
        target_type="resident",
        target=audit.resident_target(resident.nik),
        details={"sha256": stored.sha256},
        read=True,
    )
    return stored


def delete_photo(session: Session, *, nik: str, actor: Principal) -> None:
    """Remove the resident's photo (audited); issued letters keep the one they were signed with."""
    resident = get_resident(session, nik=nik, actor=actor, for_update=True)
    stored = _photo_of(session, resident)
    sha256 = stored.sha256
    session.delete(stored)
    session.flush()
    audit.record_resident(
        session,
        actor=actor,
        action="resident.photo_deleted",
        nik=resident.nik,
        details={"sha256": sha256},
    )


def photo_for_letter(session: Session, resident: Resident, *, required: bool) -> Photo | None:
    """The photo to print on a new letter; 409 `photo_required` when there is none and the
    office requires one (SKK_LETTER_REQUIRES_PHOTO)."""
    stored = session.get(ResidentPhoto, resident.id)
    if stored is None:
        if required:
            raise Conflict(
                problem_text("photo_required"),
                code="photo_required",
            )
        return None
    return Photo(stored.jpeg, stored.sha256, stored.width, stored.height)


def keep_letter_photo(session: Session, *, letter_id: str, photo: Photo | None) -> None:
    """Keep the photo a letter was signed with, for its verification page."""
    if photo is not None:
        session.add(LetterPhoto(letter_id=letter_id, jpeg=photo.jpeg, sha256=photo.sha256))


def letter_photo_sha256(session: Session, letter_id: str) -> str | None:
    """The SHA-256 of the photo printed on a letter, or None when it has none."""
    return session.scalar(select(LetterPhoto.sha256).where(LetterPhoto.letter_id == letter_id))


def letter_photo_bytes(session: Session, letter_id: str) -> bytes | None:
    """The JPEG printed on a letter, or None."""
    return session.scalar(select(LetterPhoto.jpeg).where(LetterPhoto.letter_id == letter_id))
