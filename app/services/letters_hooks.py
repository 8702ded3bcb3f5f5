"""What a resident change does to their letters (kept apart so residents and letters don't
import each other)."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.domain.letters import LetterStatus
from app.models import Letter, Resident
from app.models._types import utcnow
from app.services import audit


def void_valid_letters(session: Session, *, resident: Resident, reason: str) -> int:
    """Mark the resident's valid letters void, in the caller's transaction."""
    numbers = list(
        session.scalars(
            select(Letter.number).where(
                Letter.resident_id == resident.id, Letter.status == LetterStatus.valid
            )
        )
    )
    if not numbers:
        return 0
    session.execute(
        update(Letter)
        .where(Letter.resident_id == resident.id, Letter.status == LetterStatus.valid)
        .values(status=LetterStatus.void, status_reason=reason, status_changed_at=utcnow())
        .execution_options(synchronize_session="fetch")
    )
    for number in numbers:
        audit.record(
            session,
            actor=None,
            action="letter.voided",
            target_type="letter",
            target=number,
            details={"reason": reason},
        )
    return len(numbers)
