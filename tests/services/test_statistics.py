"""Recording statistics on a small hand-built population where every count is known."""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest

from app.config import Settings
from app.db import session_scope
from app.domain.people import latest_birth_date_of_age
from app.errors import Forbidden, InvalidInput
from app.models import Letter, RecordingEvent, Resident
from app.models._types import utcnow
from app.schemas.common import Role
from app.services.access import Principal
from app.services.statistics import StatRow, recording_statistics, statistics_tree
from tests.factories import nik_for

SETTINGS = Settings(_env_file=None, office_region_code="53.71")  # type: ignore[call-arg]
OFFICE_TZ = SETTINGS.office_zone  # Kupang: WITA, UTC+8
office_today = SETTINGS.office_today

PAST = date(2016, 10, 13)
KOTA = "53.71"
KEL_A = "53.71.04.1001"  # Oebobo, Kecamatan Oebobo
KEL_B = "53.71.04.1008"  # Oetete, Kecamatan Oebobo
KEL_C = "53.71.01.1001"  # Namosain, Kecamatan Alak
EMPTY_KEL = "53.71.04.1009"  # Oebufu: nobody lives there in these tests
ADULT = date(1980, 5, 5)

ADMIN = Principal(key_id=None, name="test admin", role=Role.admin)
_seq = itertools.count(1)


def wita(y: int, m: int, d: int, hh: int = 9, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=OFFICE_TZ)


def _resident(
    session,  # type: ignore[no-untyped-def]
    kel: str,
    *,
    birth_date: date = ADULT,
    marital: str = "belum_kawin",
    citizenship: str = "WNI",
    has_itap: bool = False,
    residency: str = "active",
    events: tuple[tuple[str, datetime], ...] = (),
) -> Resident:
    resident = Resident(
        nik=nik_for(birth_date),
        kk_number="5371041503150003",
        full_name="WARGA UJI",
        birth_place="KUPANG",
        birth_date=birth_date,
        sex="laki_laki",
        blood_type="O",
        religion="kristen",
        marital_status=marital,
        occupation="WIRASWASTA",
        citizenship=citizenship,
        has_itap=has_itap,
        address="JL. EL TARI NO. 1",
        rt="001",
        rw="001",
        kelurahan_code=kel,
        kecamatan_code=kel[:8],
        residency_status=residency,
        recording_status="unregistered",
    )
    session.add(resident)
    session.flush()
    for status, at in events:
        # One flush per event: ids follow the order written (ties on occurred_at use the id).
        session.add(RecordingEvent(resident_id=resident.id, status=status, occurred_at=at))
        session.flush()
        resident.recording_status, resident.recording_status_at = status, at
    session.flush()
    return resident


def _letter(
    session,  # type: ignore[no-untyped-def]
    resident: Resident,
    *,
    issued: datetime,
    valid_until: date,
    status: str = "valid",
    changed_at: datetime | None = None,
) -> None:
    seq = next(_seq)
    session.add(
        Letter(
            id=str(uuid.uuid4()),
            number=f"470/{seq:04d}/TEST",
            series="skk",
            year=issued.year,
            seq=seq,
            resident_id=resident.id,
            resident_nik=resident.nik,
            resident_name=resident.full_name,
            kelurahan_code=resident.kelurahan_code,
            kecamatan_code=resident.kecamatan_code,
            purpose="Uji",
            wording="unregistered",
            issued_at=issued,
            valid_from=issued.astimezone(OFFICE_TZ).date(),
            valid_until=valid_until,
            status=status,
            status_changed_at=changed_at,
            signatory_name="UJI",
            signatory_title="UJI",
            signatory_nip="197001011990031001",
            verification_token=uuid.uuid4().hex,
            pdf_sha256="0" * 64,
            pdf_size=1,
            pdf=b"%",
        )
    )
    session.flush()


@dataclass(frozen=True)
class Figures:
    residents: int
    wajib_ktp: int
    recorded: int
    card_issued: int
    needs_follow_up: int
    valid_letters: int


def figures(row: StatRow) -> Figures:
    return Figures(
        row.residents,
        row.wajib_ktp,
        row.recorded,
        row.card_issued,
        row.needs_follow_up,
        row.valid_letters,
    )


# What the population below must give, per kelurahan, today and at the end of PAST.
TODAY_EXPECTED = {
    KEL_A: Figures(residents=8, wajib_ktp=6, recorded=3, card_issued=1, needs_follow_up=0,
                   valid_letters=1),
    KEL_B: Figures(residents=5, wajib_ktp=5, recorded=5, card_issued=1, needs_follow_up=1,
                   valid_letters=0),
    KEL_C: Figures(residents=2, wajib_ktp=2, recorded=1, card_issued=1, needs_follow_up=0,
                   valid_letters=0),
}  # fmt: skip
PAST_EXPECTED = {
    KEL_A: Figures(residents=8, wajib_ktp=5, recorded=2, card_issued=0, needs_follow_up=0,
                   valid_letters=1),
    KEL_B: Figures(residents=5, wajib_ktp=5, recorded=4, card_issued=2, needs_follow_up=1,
                   valid_letters=0),
    KEL_C: Figures(residents=2, wajib_ktp=2, recorded=1, card_issued=1, needs_follow_up=0,
                   valid_letters=0),
}  # fmt: skip


def build_population(sessionmaker_) -> dict[str, Resident]:  # type: ignore[no-untyped-def]
    """The residents whose figures TODAY_EXPECTED and PAST_EXPECTED spell out."""
    today = office_today()
    sixteen = latest_birth_date_of_age(today) + timedelta(days=30)
    day_after_past = PAST + timedelta(days=1)
    people: dict[str, Resident] = {}
    with session_scope(sessionmaker_) as s:
        # Kelurahan A
        people["adult_unregistered"] = _resident(s, KEL_A)
        people["sixteen_single"] = _resident(s, KEL_A, birth_date=sixteen)  # not wajib
        people["sixteen_married"] = _resident(s, KEL_A, birth_date=sixteen, marital="kawin")
        people["wna_without_itap"] = _resident(
            s, KEL_A, citizenship="WNA", events=(("bio_captured", wita(2014, 2, 3)),)
        )
        people["wna_with_itap"] = _resident(
            s, KEL_A, citizenship="WNA", has_itap=True,
            events=(("bio_captured", wita(2013, 2, 1)),),
        )  # fmt: skip
        people["moved_out"] = _resident(
            s, KEL_A, residency="moved_out",
            events=(("bio_captured", wita(2012, 1, 2)), ("card_issued", wita(2013, 1, 2))),
        )  # fmt: skip
        # 16 at the end of PAST, 17 long since: wajib today only.
        people["turned_17"] = _resident(s, KEL_A, birth_date=date(2000, 1, 1))
        people["recorded_after_past"] = _resident(
            s, KEL_A, events=(("bio_captured", wita(2018, 5, 1)),)
        )
        people["card_since_past"] = _resident(
            s, KEL_A,
            events=(("bio_captured", wita(2015, 3, 1)), ("card_issued", wita(2019, 6, 1))),
        )  # fmt: skip
        # Kelurahan B
        people["follow_up"] = _resident(
            s, KEL_B,
            events=(("bio_captured", wita(2014, 1, 1)), ("duplicate_record", wita(2015, 6, 1))),
        )  # fmt: skip
        people["card_before_past"] = _resident(
            s, KEL_B,
            events=(("bio_captured", wita(2012, 3, 1)), ("card_issued", wita(2013, 3, 1))),
        )  # fmt: skip
        # The day ends at midnight WITA: 23:30 that evening counts, 00:10 the next day not.
        people["recorded_late_that_evening"] = _resident(
            s, KEL_B, events=(("bio_captured", wita(2016, 10, 13, 23, 30)),)
        )
        people["recorded_just_after_midnight"] = _resident(
            s, KEL_B,
            events=(("bio_captured", wita(day_after_past.year, day_after_past.month,
                                         day_after_past.day, 0, 10)),),
        )  # fmt: skip
        # Two events at the same instant: the later one written (higher id) is the status.
        people["tie_then_lost_card"] = _resident(
            s, KEL_B,
            events=(
                ("bio_captured", wita(2014, 1, 1)),
                ("print_ready_record", wita(2015, 1, 1, 10)),
                ("card_issued", wita(2015, 1, 1, 10)),
                ("print_ready_record", wita(2020, 2, 2)),
            ),
        )  # fmt: skip
        # Kelurahan C (another kecamatan)
        people["card_c"] = _resident(
            s, KEL_C,
            events=(("bio_captured", wita(2012, 1, 1)), ("card_issued", wita(2012, 6, 1))),
        )  # fmt: skip
        people["deceased_c"] = _resident(s, KEL_C, residency="deceased")
        people["unregistered_c"] = _resident(s, KEL_C)

        # Letters: valid today; revoked before PAST; valid on PAST, voided since.
        now = utcnow()
        _letter(s, people["adult_unregistered"], issued=now - timedelta(days=10),
                valid_until=today + timedelta(days=170))  # fmt: skip
        _letter(s, people["recorded_after_past"], issued=wita(2016, 9, 1),
                valid_until=date(2017, 3, 1), status="revoked",
                changed_at=wita(2016, 10, 1))  # fmt: skip
        _letter(s, people["card_since_past"], issued=wita(2016, 9, 15),
                valid_until=date(2017, 3, 15), status="void",
                changed_at=wita(2019, 6, 1))  # fmt: skip
    return people


@pytest.fixture
def population(sessionmaker_):  # type: ignore[no-untyped-def]
    return build_population(sessionmaker_)


def _rows(sessionmaker_, group_by: str, as_of: date | None, actor=ADMIN) -> dict[str, StatRow]:  # type: ignore[no-untyped-def]
    with session_scope(sessionmaker_) as session:
        rows = recording_statistics(
            session, group_by=group_by, as_of=as_of, actor=actor, settings=SETTINGS
        )
    return {row.code: row for row in rows}


@pytest.mark.parametrize(
    ("as_of", "expected"), [(None, TODAY_EXPECTED), (PAST, PAST_EXPECTED)], ids=["today", "past"]
)
def test_counts_per_kelurahan(sessionmaker_, population, as_of, expected) -> None:  # type: ignore[no-untyped-def]
    rows = _rows(sessionmaker_, "kelurahan", as_of)
    for code, want in expected.items():
        assert figures(rows[code]) == want, code
        assert rows[code].not_recorded == want.wajib_ktp - want.recorded
    assert figures(rows[EMPTY_KEL]) == Figures(0, 0, 0, 0, 0, 0)
    assert rows[EMPTY_KEL].recorded_pct == 0.0
    assert rows[KEL_A].name == "Oebobo" and rows[KEL_A].parent_code == "53.71.04"


def test_every_region_is_listed_and_sums_add_up(sessionmaker_, population) -> None:  # type: ignore[no-untyped-def]
    for as_of, expected in ((None, TODAY_EXPECTED), (PAST, PAST_EXPECTED)):
        kelurahan = _rows(sessionmaker_, "kelurahan", as_of)
        kecamatan = _rows(sessionmaker_, "kecamatan", as_of)
        (kota,) = _rows(sessionmaker_, "kota", as_of).values()
        assert len(kelurahan) == 51
        assert sorted(kecamatan) == [f"53.71.0{i}" for i in range(1, 7)]
        assert kecamatan["53.71.06"].wajib_ktp == 0  # Kota Lama: nobody, still listed
        assert figures(kecamatan["53.71.04"]) == Figures(
            *(a + b for a, b in zip(vars(expected[KEL_A]).values(),
                                    vars(expected[KEL_B]).values(), strict=True))
        )  # fmt: skip
        for name in ("residents", "wajib_ktp", "recorded", "card_issued", "needs_follow_up",
                     "valid_letters"):  # fmt: skip
            assert getattr(kota, name) == sum(getattr(r, name) for r in kecamatan.values())
            assert getattr(kota, name) == sum(getattr(r, name) for r in kelurahan.values())
        assert (kota.code, kota.name) == ("53.71", "Kota Kupang")


def test_city_figures(sessionmaker_, population) -> None:  # type: ignore[no-untyped-def]
    (today,) = _rows(sessionmaker_, "kota", None).values()
    assert (today.wajib_ktp, today.recorded, today.not_recorded) == (13, 9, 4)
    assert today.recorded_pct == 69.2
    (past,) = _rows(sessionmaker_, "kota", PAST).values()
    assert (past.wajib_ktp, past.recorded, past.not_recorded) == (12, 7, 5)
    assert past.recorded_pct == 58.3


def test_as_of_today_is_the_current_status(sessionmaker_, population) -> None:  # type: ignore[no-untyped-def]
    explicit = _rows(sessionmaker_, "kelurahan", office_today())
    implicit = _rows(sessionmaker_, "kelurahan", None)
    assert {c: figures(r) for c, r in explicit.items()} == {
        c: figures(r) for c, r in implicit.items()
    }


def test_past_day_with_nobody_changed_since(sessionmaker_, population) -> None:  # type: ignore[no-untyped-def]
    # Yesterday: every event is older, so the current status is that day's status too.
    rows = _rows(sessionmaker_, "kelurahan", office_today() - timedelta(days=1))
    for code, want in TODAY_EXPECTED.items():
        got = figures(rows[code])
        assert (got.wajib_ktp, got.recorded, got.card_issued) == (
            want.wajib_ktp,
            want.recorded,
            want.card_issued,
        )


def test_kelurahan_key_sees_its_own_kelurahan_only(sessionmaker_, population) -> None:  # type: ignore[no-untyped-def]
    key = Principal(key_id=None, name="kelurahan B", role=Role.kelurahan, kelurahan_code=KEL_B)
    rows = _rows(sessionmaker_, "kelurahan", PAST, actor=key)
    assert list(rows) == [KEL_B]
    assert figures(rows[KEL_B]) == PAST_EXPECTED[KEL_B]
    with pytest.raises(Forbidden):
        _rows(sessionmaker_, "kecamatan", None, actor=key)
    with session_scope(sessionmaker_) as session:
        kota = statistics_tree(session, as_of=None, actor=key, settings=SETTINGS)
    assert figures(kota) == TODAY_EXPECTED[KEL_B]


def test_future_as_of_is_refused(sessionmaker_) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidInput) as caught:
        _rows(sessionmaker_, "kota", office_today() + timedelta(days=1))
    assert caught.value.extra["errors"][0]["loc"] == ["query", "as_of"]


@pytest.mark.parametrize(
    ("recorded", "wajib", "pct"), [(1, 3, 33.3), (2, 3, 66.7), (1, 8, 12.5), (0, 0, 0.0)]
)
def test_recorded_pct_has_one_decimal_rounded_half_up(recorded, wajib, pct) -> None:  # type: ignore[no-untyped-def]
    assert StatRow(code="x", name="x", wajib_ktp=wajib, recorded=recorded).recorded_pct == pct
