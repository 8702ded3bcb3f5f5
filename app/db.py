"""Declarative base, engines and sessions.

Requests use an async engine (`make_async_engine`): handlers await the database instead of
holding a worker thread, and run the synchronous service functions with
`AsyncSession.run_sync`. The command line, the housekeeping thread and work that must run in a
thread (a big import, the streamed export, pyHanko) use the synchronous engine and
`session_scope`. Both engines behave the same: WAL, foreign keys and BEGIN IMMEDIATE on SQLite.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import MetaData, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # Writers wait for each other instead of failing at once with "database is locked".
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin_immediate(conn: Any) -> None:
    # Take the write lock at BEGIN, so two writers never deadlock on a lock upgrade.
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def _sqlite_setup(engine: Engine) -> None:
    event.listen(engine, "connect", _sqlite_pragmas)

    @event.listens_for(engine, "connect")
    def _no_pysqlite_begin(dbapi_connection: Any, _record: Any) -> None:
        # The driver's own transaction handling is off; SQLAlchemy emits BEGIN itself.
        dbapi_connection.isolation_level = None

    event.listen(engine, "begin", _sqlite_begin_immediate)


def make_engine(url: str, **kwargs: Any) -> Engine:
    """A synchronous engine for SQLite (WAL, foreign keys) or PostgreSQL (psycopg 3)."""
    if url.startswith("sqlite"):
        engine = create_engine(
            url, connect_args={"check_same_thread": False}, hide_parameters=True, **kwargs
        )
        _sqlite_setup(engine)
        return engine
    # The housekeeping thread, plus letters (one at a time per worker), imports, exports and
    # upload checks in worker threads.
    kwargs.setdefault("pool_size", 2)
    kwargs.setdefault("max_overflow", 8)
    # hide_parameters: a database error in the log must not carry a birth date or a NIK.
    # No pre-ping: a connection found dead invalidates the pool, and the next request
    # connects afresh.
    return create_engine(url, hide_parameters=True, **kwargs)


_side_engines: weakref.WeakKeyDictionary[Engine, Engine] = weakref.WeakKeyDictionary()
_side_engines_lock = threading.Lock()


def side_engine(engine: Engine) -> Engine:
    """A small pool beside `engine` for short transactions that commit on their own while the
    caller's is still open (a letter number's reservation); disposed with `engine`.

    Its own pool, not `engine`'s: when every connection of `engine` belongs to an open
    transaction waiting for a side transaction, the side transaction still gets a connection;
    and a side transaction waits for nothing but other side transactions, which are short.
    """
    with _side_engines_lock:
        side = _side_engines.get(engine)
        if side is None:
            side = create_engine(
                engine.url, hide_parameters=True, pool_size=1, max_overflow=3, pool_timeout=60
            )
            _side_engines[engine] = side
            event.listen(engine, "engine_disposed", lambda _engine: side.dispose())
        return side


def make_async_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """The requests' engine: aiosqlite for SQLite, psycopg 3's async mode for PostgreSQL."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_async_engine(
            parsed.set(drivername="sqlite+aiosqlite"), hide_parameters=True, **kwargs
        )
        _sqlite_setup(engine.sync_engine)
        return engine
    # Kept open: a worker under load has a dozen or more requests in flight, and a connection
    # opened and closed per request costs a PostgreSQL backend start. 30 per worker at most
    # with the synchronous engine's 10: two workers stay well under max_connections (100).
    kwargs.setdefault("pool_size", 16)
    kwargs.setdefault("max_overflow", 4)
    return create_async_engine(url, hide_parameters=True, **kwargs)


def make_async_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Request sessions; loaded objects stay usable after commit."""
    return async_sessionmaker(bind=engine, expire_on_commit=False)


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded objects usable after commit."""
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit when the block ends, roll back when it raises."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def dialect_insert(session: Session) -> Any:
    """`insert` of the session's dialect, for INSERT ... ON CONFLICT on SQLite and PostgreSQL."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert
    return sqlite.insert
