"""Shared dependencies: the request's session (one transaction) and the calling key."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from app.config import Settings
from app.db import session_scope
from app.errors import Unauthorized
from app.schemas.common import Role
from app.services.access import Principal, require
from app.services.keys import authenticate


def get_session(request: Request) -> Iterator[Session]:
    """One transaction per request: committed when the handler returns, rolled back on error."""
    # A sync generator on purpose: an async one committed from a second threadpool trip,
    # which under lock contention (letter numbers) waited for a free thread while still
    # holding the row lock, and requests convoyed behind it.
    with session_scope(request.app.state.sessionmaker) as session:
        yield session


async def get_app_settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


# scope="function": the commit happens before the response is sent, so a failed commit is
# reported to the client instead of a 201 for data that was never stored.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
SettingsDep = Annotated[Settings, Depends(get_app_settings)]

_bearer = HTTPBearer(
    auto_error=False,
    scheme_name="ApiKey",
    description="An API key from `skk keys create` or POST /api/v1/api-keys: "
    "`Authorization: Bearer skk_...`",
)


def current_principal(
    request: Request,
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """The key behind the request; 401 without a valid one."""
    if credentials is None or not credentials.credentials:
        raise Unauthorized(
            "an API key is required: send `Authorization: Bearer <key>`",
            code="missing_api_key",
            headers={"WWW-Authenticate": "Bearer"},
        )
    principal = authenticate(session, credentials.credentials)
    request.state.principal = principal
    return principal


CurrentKey = Annotated[Principal, Depends(current_principal)]


def role_guard(*roles: Role) -> object:
    """A dependency that refuses keys without one of the roles."""

    async def _guard(principal: CurrentKey) -> Principal:
        require(principal, *roles)
        return principal

    return Depends(_guard)


Writer = Annotated[Principal, role_guard(Role.admin, Role.operator, Role.kelurahan)]
Issuer = Annotated[Principal, role_guard(Role.admin, Role.operator)]
Admin = Annotated[Principal, role_guard(Role.admin)]
AdminOrAuditor = Annotated[Principal, role_guard(Role.admin, Role.auditor)]
