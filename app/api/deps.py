"""Shared dependencies: the request's session (one transaction) and the calling key."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from app.config import Settings
from app.db import session_scope
from app.errors import Unauthorized, problem_text
from app.schemas.common import Role
from app.services.access import Principal, require
from app.services.audit import READ_LOG
from app.services.keys import authenticate

T = TypeVar("T")


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One transaction per request: committed when the handler returns, rolled back on error.

    Handlers run the synchronous service functions with `await session.run_sync(...)`: on
    the event loop, without a thread hop per call.
    """
    async with request.app.state.async_sessionmaker() as session:
        # Reads of personal data are logged by the request, in a group commit (app.read_log).
        reads: list[dict[str, Any]] = []
        session.info[READ_LOG] = reads
        try:
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            raise
        if reads:
            # Before the answer is sent: a read that cannot be logged is not answered.
            await request.app.state.read_log.write(reads)


async def in_worker_thread(
    request: Request, work: Callable[[Session], T], *, after: AsyncSession | None = None
) -> T:
    """Run blocking work (a large import, pyHanko) in a worker thread, in a transaction of its
    own on the synchronous engine, so the event loop keeps serving.

    `after`: the request's session, whose transaction (the key lookup) is committed first;
    on SQLite it holds the write lock the thread's transaction needs.
    """
    if after is not None:
        await after.commit()

    def run() -> T:
        with session_scope(request.app.state.sessionmaker) as session:
            return work(session)

    return await run_in_threadpool(run)


async def get_app_settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


# scope="function": the commit happens before the response is sent, so a failed commit is
# reported to the client instead of a 201 for data that was never stored.
SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]
SettingsDep = Annotated[Settings, Depends(get_app_settings)]

_bearer = HTTPBearer(
    auto_error=False,
    scheme_name="ApiKey",
    description="An API key from `skk keys create` or POST /api/v1/api-keys: "
    "`Authorization: Bearer skk_...`",
)


async def current_principal(
    request: Request,
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """The key behind the request; 401 without a valid one."""
    if credentials is None or not credentials.credentials:
        sent = request.headers.get("authorization", "").strip()
        scheme = sent.split(" ", 1)[0] if sent else ""
        raise Unauthorized(
            problem_text("missing_api_key.scheme", scheme=scheme[:20])
            if scheme
            else problem_text("missing_api_key"),
            code="missing_api_key",
            headers={"WWW-Authenticate": "Bearer"},
        )
    principal = await session.run_sync(authenticate, credentials.credentials)
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
