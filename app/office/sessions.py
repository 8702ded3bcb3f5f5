"""Office sign-in sessions: the cookie holds a random id, the table its SHA-256 and the key.

A session lives while its key is valid and it is used at least every
`SKK_OFFICE_IDLE_MINUTES`; a revoked key, sign-out or the idle timeout deletes it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.models import ApiKey, OfficeSession
from app.models._types import utcnow
from app.schemas.common import Role
from app.services import audit
from app.services.access import Principal
from app.services.keys import authenticate

COOKIE = "skk_office"
_TOUCH_EVERY = timedelta(minutes=1)


def _digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


@dataclass(frozen=True)
class Signed:
    """A signed-in browser: who it acts as and the token its forms must carry."""

    principal: Principal
    csrf_token: str


def sign_in(session: Session, *, secret: str, idle: timedelta) -> tuple[str, Signed]:
    """A new session for the key (401 DomainError when unknown or revoked); returns the
    cookie's session id, which is stored nowhere but in the browser."""
    principal = authenticate(session, secret.strip())
    session_id = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    now = utcnow()
    # Sessions nobody came back to: gone once idle, whichever browser signs in next.
    session.execute(delete(OfficeSession).where(OfficeSession.last_seen_at < now - idle))
    assert principal.key_id is not None  # a stored key
    session.add(
        OfficeSession(
            session_sha256=_digest(session_id),
            key_id=principal.key_id,
            csrf_token=csrf,
            created_at=now,
            last_seen_at=now,
        )
    )
    audit.record(session, actor=principal, action="office.signed_in")
    return session_id, Signed(principal, csrf)


def current(session: Session, *, session_id: str | None, idle: timedelta) -> Signed | None:
    """The session behind the cookie, its last use moved to now; None (and the row deleted)
    when it is unknown, idle too long, or its key was revoked."""
    if not session_id or len(session_id) > 200:
        return None
    row = session.scalar(
        select(OfficeSession).where(OfficeSession.session_sha256 == _digest(session_id))
    )
    if row is None or not hmac.compare_digest(row.session_sha256, _digest(session_id)):
        return None
    key = session.get(ApiKey, row.key_id)
    now = utcnow()
    if key is None or key.revoked_at is not None:
        # A revoked key ends every session it opened.
        session.execute(delete(OfficeSession).where(OfficeSession.key_id == row.key_id))
        return None
    if now - row.last_seen_at > idle:
        session.delete(row)
        return None
    if now - row.last_seen_at > _TOUCH_EVERY:
        # Not a write per page: the idle clock is exact to a minute.
        row.last_seen_at = now
    return Signed(_principal(key), row.csrf_token)


def sign_out(session: Session, *, session_id: str) -> None:
    """Forget the session (the cookie is then worthless)."""
    row = session.scalar(
        select(OfficeSession).where(OfficeSession.session_sha256 == _digest(session_id))
    )
    if row is not None:
        session.delete(row)
        key = session.get(ApiKey, row.key_id)
        audit.record(session, actor=_principal(key) if key else None, action="office.signed_out")


def _principal(key: ApiKey) -> Principal:
    """The key as the services know a caller (what `authenticate` makes of a secret)."""
    return Principal(
        key_id=key.id, name=key.name, role=Role(key.role), kelurahan_code=key.kelurahan_code
    )
