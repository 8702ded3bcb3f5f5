"""Rules whose answer depends on the date, at their boundaries, with the clock pinned
(time-machine): the 17th birthday in Python and SQL, a letter's last valid day, and the
office's midnight (WITA, UTC+8) against UTC's."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select, update

from app.db import session_scope
from app.domain.people import is_wajib_ktp
from app.models import Letter, Resident
from app.schemas.letter import LetterStatus
from app.schemas.resident import ResidentCreate
from app.services.letters import LetterFilters, effective_status, list_letters
from app.services.residents import create_resident, wajib_ktp_clause
from app.services.signer import load_signer
from tests.factories import SERVICE_OPERATOR, issue, nik_for, register, resident_payload

OPERATOR = SERVICE_OPERATOR

# (birth date, day asked about, wajib KTP on that day?) for an unmarried WNI.
SEVENTEENTH_BIRTHDAY = [
    (date(2009, 6, 15), date(2026, 6, 14), False),  # the day before
    (date(2009, 6, 15), date(2026, 6, 15), True),  # the birthday itself
    (date(2009, 6, 15), date(2026, 6, 16), True),
    (date(2009, 12, 31), date(2026, 12, 30), False),
    (date(2009, 12, 31), date(2026, 12, 31), True),
    (date(2010, 1, 1), date(2026, 12, 31), False),  # year boundary
    (date(2010, 1, 1), date(2027, 1, 1), True),
    # Born on 29 February: in a common year the 17th birthday is 1 March.
    (date(2008, 2, 29), date(2025, 2, 28), False),
    (date(2008, 2, 29), date(2025, 3, 1), True),
    # ...and in a leap year, 29 February itself.
    (date(2007, 2, 28), date(2024, 2, 28), True),
    (date(2007, 3, 1), date(2024, 2, 29), False),
    (date(2007, 2, 28), date(2024, 2, 27), False),
]


@pytest.mark.parametrize(("birth_date", "on", "expected"), SEVENTEENTH_BIRTHDAY)
def test_seventeenth_birthday_in_python(birth_date: date, on: date, expected: bool) -> None:
    assert (
        is_wajib_ktp(
            citizenship="WNI",
            has_itap=False,
            birth_date=birth_date,
            marital_status="belum_kawin",
            residency_status="active",
            on=on,
        )
        is expected
    )


def test_seventeenth_birthday_in_sql_agrees_with_python(sessionmaker_) -> None:  # type: ignore[no-untyped-def]
    """The statistics and list filters count wajib KTP in SQL: the same table of cases."""
    births = sorted({birth for birth, _, _ in SEVENTEENTH_BIRTHDAY})
    niks: dict[date, str] = {}
    with session_scope(sessionmaker_) as session:
        for serial, birth in enumerate(births, start=1):
            body = resident_payload(
                nik=nik_for(birth, "laki_laki", serial=serial),
                sex="laki_laki",
                birth_date=birth.isoformat(),
                marital_status="belum_kawin",
            )
            niks[birth] = create_resident(
                session, data=ResidentCreate.model_validate(body), actor=OPERATOR
            ).resident.nik
    with session_scope(sessionmaker_) as session:
        for birth, on, expected in SEVENTEENTH_BIRTHDAY:
            found = session.scalar(
                select(Resident.id).where(Resident.nik == niks[birth], wajib_ktp_clause(on))
            )
            assert (found is not None) is expected, (birth, on)


@pytest.fixture
def signer(settings):  # type: ignore[no-untyped-def]
    return load_signer(settings)


def _listed(sessionmaker_, status: LetterStatus, today: date) -> list[str]:  # type: ignore[no-untyped-def]
    with session_scope(sessionmaker_) as session:
        rows, _ = list_letters(
            session,
            filters=LetterFilters(status=status),
            limit=50,
            cursor=None,
            actor=OPERATOR,
            today=today,
        )
        return [row.number for row in rows]


def test_a_letter_is_valid_on_its_last_day_and_expired_the_day_after(
    sessionmaker_, settings, signer
) -> None:
    nik = register(sessionmaker_)
    letter = issue(sessionmaker_, settings, signer, nik)
    last_day = letter.valid_until
    assert effective_status(letter, last_day) is LetterStatus.valid
    assert effective_status(letter, last_day + timedelta(days=1)) is LetterStatus.expired
    # The list filters say the same in SQL.
    assert _listed(sessionmaker_, LetterStatus.valid, last_day) == [letter.number]
    assert _listed(sessionmaker_, LetterStatus.expired, last_day) == []
    assert _listed(sessionmaker_, LetterStatus.valid, last_day + timedelta(days=1)) == []
    assert _listed(sessionmaker_, LetterStatus.expired, last_day + timedelta(days=1)) == [
        letter.number
    ]


def test_the_public_check_follows_the_office_midnight_not_utc(
    client, keys, sessionmaker_, settings
) -> None:
    nik = client.post("/api/v1/residents", json=resident_payload(), headers=keys.operator).json()[
        "nik"
    ]
    letter = client.post(
        f"/api/v1/residents/{nik}/letters", json={"purpose": "Bank"}, headers=keys.operator
    ).json()
    with session_scope(sessionmaker_) as session:
        session.execute(
            update(Letter).where(Letter.id == letter["id"]).values(valid_until=date(2027, 3, 1))
        )
    token = letter["verification_url"].rsplit("/", 1)[1]
    # 15:59 UTC is 23:59 WITA on the last day: still valid.
    with time_machine.travel(datetime(2027, 3, 1, 15, 59, tzinfo=UTC), tick=False):
        assert client.get(f"/api/v1/verify/{token}").json()["status"] == "valid"
    # 16:00 UTC is already 2 March at the office, though still 1 March in UTC: expired.
    with time_machine.travel(datetime(2027, 3, 1, 16, 0, tzinfo=UTC), tick=False):
        assert client.get(f"/api/v1/verify/{token}").json()["status"] == "expired"


def test_a_letter_issued_after_midnight_wita_is_dated_the_office_day(
    sessionmaker_, settings, signer
) -> None:
    nik = register(sessionmaker_)
    with time_machine.travel(datetime(2026, 12, 31, 16, 30, tzinfo=UTC), tick=False):
        letter = issue(sessionmaker_, settings, signer, nik)
    assert letter.valid_from == date(2027, 1, 1)
    assert letter.number.endswith("/I/2027")


def test_eligibility_uses_the_moment_of_issue_passed_in(sessionmaker_, settings, signer) -> None:
    """One `now` for the whole issue: the resident who turns 17 on 1 January 2027 may have a
    letter issued as of 2 January 2027, whatever the machine's clock says."""
    birth = date(2010, 1, 1)
    nik = register(
        sessionmaker_,
        nik=nik_for(birth, "perempuan"),
        sex="perempuan",
        birth_date=birth.isoformat(),
        marital_status="belum_kawin",
    )
    with time_machine.travel(datetime(2026, 11, 30, 3, 0, tzinfo=UTC), tick=False):
        letter = issue(
            sessionmaker_, settings, signer, nik, now=datetime(2027, 1, 2, 3, 0, tzinfo=UTC)
        )
    assert letter.valid_from == date(2027, 1, 2)
