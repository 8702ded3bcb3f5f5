"""What a resident change does to their letters (kept apart so residents and letters don't
import each other)."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from app.models import Letter, Resident
from app.models._types import utcnow


def void_valid_letters(session: Session, *, resident: Resident, reason: str) -> int:
    """Mark the resident's valid letters void, in the caller's transaction."""
    result = session.execute(
        update(Letter)
        .where(Letter.resident_id == resident.id, Letter.status == "valid")
        .values(status="void", status_reason=reason, status_changed_at=utcnow())
    )
    return result.rowcount or 0
