"""API keys: random secrets, stored only as a SHA-256 hash, shown once."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from app.errors import InvalidInput, NotFound, Unauthorized, field_error, problem_text
from app.models import ApiKey
from app.models._types import utcnow
from app.schemas.common import Role
from app.services import audit
from app.services.access import Principal
from app.services.regions import kelurahan_exists

KEY_PREFIX = "skk_"
# A key's life: at least an hour, at most ten years (beyond that, leave the expiry out).
SHORTEST_LIFE = timedelta(hours=1)
LONGEST_LIFE = timedelta(days=3650)


@dataclass(frozen=True)
class NewKey:
    key: ApiKey
    secret: str


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_key(
    session: Session,
    *,
    name: str,
    role: Role,
    kelurahan_code: str | None = None,
    expires_in: timedelta | None = None,
    actor: Principal | None = None,
) -> NewKey:
    """Create a key, valid for `expires_in` when given; the secret is returned here only."""
    if expires_in is not None and not SHORTEST_LIFE <= expires_in <= LONGEST_LIFE:
        raise InvalidInput(
            problem_text("invalid_key_expiry.range"),
            code="invalid_key_expiry",
            errors=[
                field_error(["body", "expires_in_days"], problem_text("field.key_expiry_range"))
            ],
        )
    if role is Role.kelurahan:
        if not kelurahan_code:
            raise InvalidInput(
                problem_text("kelurahan_required"),
                code="kelurahan_required",
                errors=[
                    field_error(
                        ["body", "kelurahan_code"], problem_text("field.required_for_kelurahan")
                    )
                ],
            )
        if not kelurahan_exists(session, kelurahan_code):
            raise InvalidInput(
                problem_text("unknown_kelurahan", code=kelurahan_code),
                code="unknown_kelurahan",
                errors=[
                    field_error(
                        ["body", "kelurahan_code"],
                        problem_text("field.unknown_kelurahan", code=kelurahan_code),
                    )
                ],
            )
    elif kelurahan_code:
        raise InvalidInput(
            problem_text("kelurahan_not_allowed"),
            code="kelurahan_not_allowed",
            errors=[
                field_error(["body", "kelurahan_code"], problem_text("field.only_for_kelurahan"))
            ],
        )
    # 32 random bytes: 256 bits, far beyond guessing.
    secret = KEY_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey(
        name=name,
        role=role.value,
        kelurahan_code=kelurahan_code,
        prefix=secret[:12],
        secret_sha256=_digest(secret),
        expires_at=utcnow() + expires_in if expires_in is not None else None,
    )
    session.add(key)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="api_key.created",
        target_type="api_key",
        target=str(key.id),
        details={
            "role": role.value,
            "name": name,
            "kelurahan_code": kelurahan_code,
            "expires_at": key.expires_at.isoformat() if key.expires_at else None,
        },
    )
    return NewKey(key=key, secret=secret)


# Built once: columns, not an ORM object, for the lookup every authenticated request makes.
_BY_DIGEST = select(
    ApiKey.id,
    ApiKey.name,
    ApiKey.role,
    ApiKey.kelurahan_code,
    ApiKey.secret_sha256,
    ApiKey.revoked_at,
    ApiKey.expires_at,
).where(ApiKey.secret_sha256 == bindparam("digest"))


def authenticate(session: Session, secret: str, *, now: datetime | None = None) -> Principal:
    """The principal of a presented key; 401 when unknown, revoked or expired."""
    digest = _digest(secret)
    key = session.execute(_BY_DIGEST, {"digest": digest}).first()
    # The lookup is by digest; the compare is constant-time all the same.
    if key is None or not hmac.compare_digest(key.secret_sha256, digest):
        raise Unauthorized(problem_text("invalid_api_key"), code="invalid_api_key")
    if key.revoked_at is not None:
        raise Unauthorized(problem_text("revoked_api_key"), code="revoked_api_key")
    # The row holds an aware UTC datetime (UtcDateTime), on SQLite too.
    if key.expires_at is not None and key.expires_at <= (now or utcnow()):
        raise Unauthorized(
            problem_text("expired_api_key", when=f"{key.expires_at:%Y-%m-%d %H:%M}"),
            code="expired_api_key",
        )
    return Principal(
        key_id=key.id, name=key.name, role=Role(key.role), kelurahan_code=key.kelurahan_code
    )


def list_keys(session: Session) -> list[ApiKey]:
    """Every key, newest first (hashes never leave the service)."""
    return list(session.scalars(select(ApiKey).order_by(ApiKey.id.desc())))


def revoke_key(session: Session, *, key_id: int, actor: Principal | None = None) -> ApiKey:
    """Revoke a key; it stops working at once. Revoking twice is harmless."""
    key = session.get(ApiKey, key_id)
    if key is None:
        raise NotFound(problem_text("api_key_not_found", key_id=key_id), code="api_key_not_found")
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        audit.record(
            session,
            actor=actor,
            action="api_key.revoked",
            target_type="api_key",
            target=str(key_id),
        )
    return key
