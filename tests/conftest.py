"""Test setup: migrations from empty to head on SQLite and (when configured) PostgreSQL; the
same API suite runs against both; each test starts from empty tables (regions kept)."""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.engine import Engine

from app.config import Settings
from app.db import Base, make_engine, make_sessionmaker, session_scope
from app.main import create_app
from app.migrate import upgrade_to_head
from app.schemas.common import Role
from app.services.keys import create_key
from app.services.regions import load_regions
from tests.factories import KELURAHAN, OTHER_KELURAHAN

POSTGRES_URL = os.environ.get("SKK_TEST_POSTGRES_URL")
if os.environ.get("SKK_TEST_REQUIRE_POSTGRES") and not POSTGRES_URL:
    raise RuntimeError("SKK_TEST_REQUIRE_POSTGRES is set but SKK_TEST_POSTGRES_URL is not")


def pytest_report_header() -> str:
    if POSTGRES_URL:
        return "PostgreSQL tests: ON (SKK_TEST_POSTGRES_URL is set)"
    return "PostgreSQL tests: SKIPPED (set SKK_TEST_POSTGRES_URL to run them)"


BACKENDS = [
    "sqlite",
    pytest.param(
        "postgres",
        marks=[
            pytest.mark.postgres,
            pytest.mark.skipif(
                not POSTGRES_URL,
                reason="PostgreSQL tests need SKK_TEST_POSTGRES_URL "
                "(e.g. postgresql+psycopg://postgres@127.0.0.1:5432/skk_test); .ci/run sets it",
            ),
        ],
    ),
]


# Mid-morning at the office (WITA) on an ordinary day: a test that reads "today" cannot
# straddle midnight or a year's end while it runs.
PINNED_MOMENT = datetime(2026, 7, 15, 2, 0, tzinfo=UTC)


@pytest.fixture
def pinned_clock() -> Iterator[None]:
    """The clock starts at PINNED_MOMENT for the test (and keeps ticking)."""
    with time_machine.travel(PINNED_MOMENT, tick=True):
        yield


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("skk-data")


def _fresh_engine(backend: str, tmp: Path) -> Engine:
    if backend == "sqlite":
        return make_engine(f"sqlite:///{tmp / 'test.db'}")
    assert POSTGRES_URL
    engine = make_engine(POSTGRES_URL)
    with engine.begin() as conn:  # start from an empty schema: migrations run from nothing
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    return engine


@pytest.fixture(scope="session", params=BACKENDS)
def engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    """A database migrated from empty to head, with the region codes loaded."""
    engine = _fresh_engine(request.param, tmp_path_factory.mktemp(request.param))
    upgrade_to_head(engine)
    with session_scope(make_sessionmaker(engine)) as session:
        load_regions(session)
    yield engine
    engine.dispose()


_KEEP = {"regions", "alembic_version"}


@pytest.fixture(autouse=False)
def clean_db(engine: Engine) -> Iterator[Engine]:
    """Empty every table but the reference data after the test."""
    yield engine
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            # The append-only trigger on audit_events would refuse; tests may start over.
            conn.execute(text("SET LOCAL session_replication_role = replica"))
        for table in reversed(Base.metadata.sorted_tables):
            if table.name not in _KEEP:
                conn.execute(table.delete())


@pytest.fixture
def settings(clean_db: Engine, data_dir: Path) -> Settings:
    return Settings(
        database_url=clean_db.url.render_as_string(hide_password=False),
        data_dir=data_dir,
        public_base_url="http://testserver",
        # The tests read English details; tests/api/test_language.py checks the office's
        # default (Indonesian) and the choice by Accept-Language.
        default_language="en",
        _env_file=None,  # type: ignore[call-arg]
    )


@pytest.fixture
def sessionmaker_(clean_db: Engine):  # type: ignore[no-untyped-def]
    return make_sessionmaker(clean_db)


@pytest.fixture
def app(settings: Settings):  # type: ignore[no-untyped-def]
    return create_app(settings)


@pytest.fixture
def client(app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


class Keys:
    """Bearer headers for one key of each role."""

    def __init__(self, sessionmaker_) -> None:  # type: ignore[no-untyped-def]
        with session_scope(sessionmaker_) as session:
            self.admin = self._make(session, Role.admin)
            self.operator = self._make(session, Role.operator)
            self.auditor = self._make(session, Role.auditor)
            self.kelurahan = self._make(session, Role.kelurahan, KELURAHAN)
            self.other_kelurahan = self._make(session, Role.kelurahan, OTHER_KELURAHAN)

    @staticmethod
    def _make(session, role: Role, kelurahan: str | None = None) -> dict[str, str]:  # type: ignore[no-untyped-def]
        created = create_key(
            session, name=f"test {role.value}", role=role, kelurahan_code=kelurahan
        )
        return {"Authorization": f"Bearer {created.secret}"}


@pytest.fixture
def keys(sessionmaker_) -> Keys:  # type: ignore[no-untyped-def]
    return Keys(sessionmaker_)


class _NikSniffer(logging.Handler):
    """Collects every log record of the whole run whose raw text holds a 16-digit number."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.offending: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        raw = (
            record.getMessage()
            + " "
            + " ".join(str(v) for k, v in vars(record).items() if k not in _STANDARD_LOG_FIELDS)
        )
        if record.exc_info:
            raw += logging.Formatter().formatException(record.exc_info)
        if _SIXTEEN_DIGITS.search(raw):
            self.offending.append(f"{record.name}: {raw[:200]}")


_STANDARD_LOG_FIELDS = set(vars(logging.makeLogRecord({})))
# Alphanumeric boundaries: a hex request id may hold sixteen decimal digits in a row.
_SIXTEEN_DIGITS = re.compile(r"(?<![0-9A-Za-z])[0-9]{16}(?![0-9A-Za-z])")
_sniffer = _NikSniffer()


def pytest_sessionstart(session: pytest.Session) -> None:
    # The test client (httpx) logs its own request lines, URLs included; that is the
    # caller's log, not the service's, and stays out of the check.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    root = logging.getLogger()
    root.addHandler(_sniffer)
    root.setLevel(logging.INFO)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """No log record of the whole suite may hold a full NIK or KK number, even before masking."""
    if _sniffer.offending:
        print("\nPERSONAL DATA IN LOGS: these records hold a 16-digit number:")
        for line in _sniffer.offending[:20]:
            print("  ", line)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
