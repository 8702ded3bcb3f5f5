"""A letter's number is reserved before signing and given back when the issue fails: numbers
stay gapless and unique, and a slow signer does not hold the year's counter."""

from __future__ import annotations

import itertools
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.db import session_scope
from app.errors import ServiceUnavailable
from app.housekeeping import Housekeeper
from app.models import Letter, LetterCounter, LetterReservation
from app.services.letters import (
    RESERVATION_TIMEOUT_MINUTES,
    release_number,
    release_stale_reservations,
    reserve_number,
)
from app.services.signer import load_signer
from tests.factories import issue, register

JULY = datetime(2026, 7, 15, 2, tzinfo=UTC)


@pytest.fixture
def signer(settings):  # type: ignore[no-untyped-def]
    return load_signer(settings)


def _reserve(sessionmaker_, settings, *, now: datetime = JULY) -> tuple[str, int]:  # type: ignore[no-untyped-def]
    letter_id = str(uuid.uuid4())
    with session_scope(sessionmaker_) as session:
        seq, _ = reserve_number(
            session,
            settings=settings,
            issued_on=now.date(),
            letter_id=letter_id,
            now=now,
        )
    return letter_id, seq


def _release(sessionmaker_, settings, letter_id: str, seq: int) -> bool:  # type: ignore[no-untyped-def]
    with session_scope(sessionmaker_) as session:
        return release_number(
            session, settings=settings, year=JULY.year, seq=seq, letter_id=letter_id
        )


def _state(sessionmaker_) -> tuple[list[int], list[tuple[int, str | None]], int | None]:  # type: ignore[no-untyped-def]
    """The letters' numbers, the reservations (seq, letter) and the counter."""
    with session_scope(sessionmaker_) as session:
        seqs = sorted(session.scalars(select(Letter.seq)))
        reservations = [
            (r.seq, r.letter_id)
            for r in session.scalars(select(LetterReservation).order_by(LetterReservation.seq))
        ]
        counter = session.scalar(select(LetterCounter.last_seq))
    return seqs, reservations, counter


def test_a_number_given_back_is_the_next_letters_lowest_first(
    sessionmaker_, settings, signer
) -> None:
    first, second, third = (_reserve(sessionmaker_, settings) for _ in range(3))
    assert [first[1], second[1], third[1]] == [1, 2, 3]
    assert _release(sessionmaker_, settings, *second)
    assert _release(sessionmaker_, settings, *first)
    assert not _release(sessionmaker_, settings, *first)  # once only
    niks = [register(sessionmaker_) for _ in range(3)]
    letters = [issue(sessionmaker_, settings, signer, nik, now=JULY) for nik in niks]
    assert [letter.seq for letter in letters] == [1, 2, 4]
    assert letters[0].number.startswith("470/0001/")
    _, reservations, counter = _state(sessionmaker_)
    assert reservations == [(3, third[0])] and counter == 4


def test_a_number_given_back_at_the_top_returns_to_the_counter(sessionmaker_, settings) -> None:
    """A year whose last issues failed ends at its last letter, with no number left over."""
    reserved = [_reserve(sessionmaker_, settings) for _ in range(3)]
    assert _release(sessionmaker_, settings, *reserved[1])
    assert _state(sessionmaker_)[1:] == ([(1, reserved[0][0]), (2, None), (3, reserved[2][0])], 3)
    assert _release(sessionmaker_, settings, *reserved[2])
    # 3 and then 2 (given back before) go back to the counter.
    assert _state(sessionmaker_)[1:] == ([(1, reserved[0][0])], 1)


def test_housekeeper_gives_back_the_numbers_of_issues_that_died(
    sessionmaker_, settings, signer
) -> None:
    long_ago = datetime.now(UTC) - timedelta(minutes=RESERVATION_TIMEOUT_MINUTES + 1)
    dead = _reserve(sessionmaker_, settings, now=long_ago)
    alive = _reserve(sessionmaker_, settings, now=datetime.now(UTC))
    housekeeper = Housekeeper(sessionmaker_, settings=settings)
    assert housekeeper.release_stale_numbers() == 1
    assert _state(sessionmaker_)[1] == [(dead[1], None), (alive[1], alive[0])]
    letter = issue(sessionmaker_, settings, signer, register(sessionmaker_), now=long_ago)
    assert letter.seq == dead[1]


class _Wrapped:
    """A stand-in signer: the real one's identity (certificate, issuer...), its own `sign`."""

    def __init__(self, real) -> None:  # type: ignore[no-untyped-def]
        self.real = real

    def __getattr__(self, name: str) -> object:
        return getattr(self.real, name)


class _FlakySigner(_Wrapped):
    """Fails every third letter; each signature takes a while, so issues overlap."""

    def __init__(self, real, delay: float) -> None:  # type: ignore[no-untyped-def]
        super().__init__(real)
        self.delay = delay
        self._calls = itertools.count(1)
        self._lock = threading.Lock()

    def sign(self, pdf: bytes, **kw: object) -> bytes:
        with self._lock:
            call = next(self._calls)
        time.sleep(self.delay)
        if call % 3 == 0:
            raise OSError("the signing gateway dropped the connection")
        return self.real.sign(pdf, **kw)  # type: ignore[no-any-return]


@pytest.mark.postgres
def test_concurrent_issues_with_a_failing_signer_stay_gapless(
    engine, sessionmaker_, settings, signer
) -> None:
    """90 issues from 15 threads, a third of them failing: every number up to the counter is
    a letter's or given back, none is used twice, and the next letters fill the gaps."""
    if engine.dialect.name != "postgresql":
        pytest.skip("concurrent reservations run on PostgreSQL")
    niks = [register(sessionmaker_) for _ in range(95)]
    flaky = _FlakySigner(signer, delay=0.02)

    def attempt(nik: str) -> int | None:
        try:
            return issue(sessionmaker_, settings, flaky, nik).seq
        except OSError:
            return None

    with ThreadPoolExecutor(max_workers=15) as pool:
        results = list(pool.map(attempt, niks[:90]))
    stored = [seq for seq in results if seq is not None]
    assert len(stored) == 60
    seqs, reservations, counter = _state(sessionmaker_)
    given_back = [seq for seq, letter_id in reservations if letter_id is None]
    # A number whose issue failed while a later one was being signed waits for the next
    # letter; nothing is left reserved once every issue has ended.
    assert len(given_back) == len(reservations)
    assert seqs == sorted(stored)
    assert sorted(seqs + given_back) == list(range(1, (counter or 0) + 1))
    for nik in niks[90 : 90 + len(given_back)]:
        issue(sessionmaker_, settings, signer, nik)
    assert _state(sessionmaker_) == (list(range(1, 61 + len(given_back))), [], 60 + len(given_back))


@pytest.mark.postgres
def test_a_slow_signer_does_not_hold_the_counter(engine, sessionmaker_, settings, signer) -> None:
    """While one letter is being signed (slowly), another is numbered, signed and stored."""
    if engine.dialect.name != "postgresql":
        pytest.skip("on SQLite the one writer is the issuing transaction")
    slow_nik, quick_nik = register(sessionmaker_), register(sessionmaker_)
    signing, finish = threading.Event(), threading.Event()

    class _Slow(_Wrapped):
        def sign(self, pdf: bytes, **kw: object) -> bytes:
            signing.set()
            assert finish.wait(10)
            return signer.sign(pdf, **kw)  # type: ignore[no-any-return]

    with ThreadPoolExecutor(max_workers=1) as pool:
        slow = pool.submit(issue, sessionmaker_, settings, _Slow(signer), slow_nik)
        assert signing.wait(10)
        quick = issue(sessionmaker_, settings, signer, quick_nik)
        finish.set()
        assert (slow.result(10).seq, quick.seq) == (1, 2)


@pytest.mark.postgres
def test_a_reservation_taken_away_meanwhile_stores_nothing(
    engine, sessionmaker_, settings, signer
) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("on SQLite the reservation lives in the issuing transaction")
    nik = register(sessionmaker_)

    class _Forgotten(_Wrapped):
        def sign(self, pdf: bytes, **kw: object) -> bytes:
            # As if signing took longer than the timeout: the housekeeper gives it back.
            with session_scope(sessionmaker_) as session:
                release_stale_reservations(
                    session, settings=settings, older_than=datetime.now(UTC) + timedelta(hours=1)
                )
            return signer.sign(pdf, **kw)  # type: ignore[no-any-return]

    with pytest.raises(ServiceUnavailable) as raised:
        issue(sessionmaker_, settings, _Forgotten(signer), nik)
    assert raised.value.code == "letter_number_expired"
    with session_scope(sessionmaker_) as session:
        assert session.scalar(select(func.count()).select_from(Letter)) == 0
    assert issue(sessionmaker_, settings, signer, nik).seq == 1
