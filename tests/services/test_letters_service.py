"""Letter issue through the service layer: numbering, failure atomicity, concurrency."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from app.db import session_scope
from app.domain.dates import add_months
from app.models import Letter, LetterCounter
from app.services.letters import next_number
from app.services.signer import load_signer
from tests.factories import SERVICE_OPERATOR, issue, register

OPERATOR = SERVICE_OPERATOR


@pytest.fixture
def signer(settings):  # type: ignore[no-untyped-def]
    return load_signer(settings)


def _residents(sessionmaker_, count: int) -> list[str]:  # type: ignore[no-untyped-def]
    return [register(sessionmaker_) for _ in range(count)]


def _letter_count(sessionmaker_) -> int:  # type: ignore[no-untyped-def]
    with session_scope(sessionmaker_) as session:
        return session.scalar(select(func.count()).select_from(Letter)) or 0


class _BrokenSigner:
    """The session's signer whose PDF signing fails (the QR's JWS still signs)."""

    def __init__(self, signer: object) -> None:
        self._signer = signer

    def __getattr__(self, name: str) -> object:
        return getattr(self._signer, name)

    def sign(self, pdf: bytes, **_: object) -> bytes:
        raise OSError("signing device unplugged")


def test_failing_signer_stores_nothing_and_uses_no_number(sessionmaker_, settings, signer) -> None:
    first, second = _residents(sessionmaker_, 2)
    with pytest.raises(OSError):
        issue(sessionmaker_, settings, _BrokenSigner(signer), first)
    assert _letter_count(sessionmaker_) == 0
    letter = issue(sessionmaker_, settings, signer, second)
    assert letter.seq == 1
    assert letter.number.startswith("470/0001/")


def test_counter_resets_each_year_and_format_follows_the_setting(
    sessionmaker_, settings, signer
) -> None:
    settings = settings.model_copy(
        update={"letter_number_format": "SKK-{year}-{seq:05d}-{month_roman}"}
    )
    niks = _residents(sessionmaker_, 3)
    december = datetime(2025, 12, 31, 10, tzinfo=UTC)
    january = datetime(2026, 1, 2, 10, tzinfo=UTC)
    a = issue(sessionmaker_, settings, signer, niks[0], now=december)
    b = issue(sessionmaker_, settings, signer, niks[1], now=january)
    c = issue(sessionmaker_, settings, signer, niks[2], now=january)
    assert [a.number, b.number, c.number] == [
        "SKK-2025-00001-XII",
        "SKK-2026-00001-I",
        "SKK-2026-00002-I",
    ]


@pytest.mark.usefixtures("pinned_clock")
def test_counter_can_start_at_an_offset(sessionmaker_, settings) -> None:
    year = date.today().year
    settings = settings.model_copy(update={"letter_number_first_seq": {year: 1201}})
    with session_scope(sessionmaker_) as session:
        seq, number = next_number(session, settings=settings, issued_on=date.today())
    assert seq == 1201
    assert number.startswith("470/1201/")


def test_validity_months_clip_to_month_end() -> None:
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert add_months(date(2027, 8, 31), 6) == date(2028, 2, 29)
    assert add_months(date(2026, 1, 15), 6) == date(2026, 7, 15)
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)


def test_letter_valid_for_the_configured_months(sessionmaker_, settings, signer) -> None:
    (nik,) = _residents(sessionmaker_, 1)
    settings = settings.model_copy(update={"letter_validity_months": 3})
    letter = issue(sessionmaker_, settings, signer, nik, now=datetime(2026, 1, 15, tzinfo=UTC))
    assert (letter.valid_from, letter.valid_until) == (date(2026, 1, 15), date(2026, 4, 15))


@pytest.mark.postgres
def test_concurrent_issue_gives_distinct_consecutive_numbers(
    engine, sessionmaker_, settings, signer
) -> None:
    """200 letters from 20 threads over separate connections: numbers exactly 1..200."""
    if engine.dialect.name != "postgresql":
        pytest.skip("the row-lock concurrency test runs on PostgreSQL")
    niks = _residents(sessionmaker_, 200)
    barrier = threading.Barrier(20)

    def worker(chunk: list[str]) -> list[int]:
        barrier.wait()
        return [issue(sessionmaker_, settings, signer, nik).seq for nik in chunk]

    chunks = [niks[i::20] for i in range(20)]
    with ThreadPoolExecutor(max_workers=20) as pool:
        seqs = [seq for result in pool.map(worker, chunks) for seq in result]
    assert sorted(seqs) == list(range(1, 201))
    with session_scope(sessionmaker_) as session:
        numbers = session.scalars(select(Letter.number)).all()
        counter = session.scalar(select(LetterCounter.last_seq))
    assert len(set(numbers)) == 200
    assert counter == 200


def test_concurrent_issue_on_sqlite_is_serialised(engine, sessionmaker_, settings, signer) -> None:
    """Threads on SQLite wait for the write lock instead of failing or repeating a number."""
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite variant")
    niks = _residents(sessionmaker_, 40)
    with ThreadPoolExecutor(max_workers=8) as pool:
        seqs = list(pool.map(lambda n: issue(sessionmaker_, settings, signer, n).seq, niks))
    assert sorted(seqs) == list(range(1, 41))
