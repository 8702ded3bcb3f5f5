"""Age and the e-KTP duty (UU 24/2013 Pasal 63)."""

from __future__ import annotations

from datetime import date

import pytest

from app.domain.people import age_on, is_wajib_ktp


@pytest.mark.parametrize(
    ("birth", "on", "age"),
    [
        pytest.param(date(2000, 5, 10), date(2000, 5, 10), 0, id="birth-day"),
        pytest.param(date(2000, 5, 10), date(2017, 5, 9), 16, id="day-before-17th"),
        pytest.param(date(2000, 5, 10), date(2017, 5, 10), 17, id="17th-birthday"),
        pytest.param(date(2000, 5, 10), date(2017, 12, 31), 17, id="later-that-year"),
        pytest.param(date(2008, 2, 29), date(2025, 2, 28), 16, id="leapling-28-feb-non-leap"),
        pytest.param(date(2008, 2, 29), date(2025, 3, 1), 17, id="leapling-1-mar-non-leap"),
        pytest.param(date(2008, 2, 29), date(2024, 2, 28), 15, id="leapling-28-feb-leap"),
        pytest.param(date(2008, 2, 29), date(2024, 2, 29), 16, id="leapling-29-feb-leap"),
    ],
)
def test_age_on(birth: date, on: date, age: int) -> None:
    assert age_on(birth, on) == age


def test_age_on_before_birth_refused() -> None:
    with pytest.raises(ValueError, match="before the birth date"):
        age_on(date(2000, 1, 2), date(2000, 1, 1))


BASE = {
    "citizenship": "WNI",
    "has_itap": False,
    "birth_date": date(2009, 3, 15),
    "marital_status": "belum_kawin",
    "residency_status": "active",
    "on": date(2026, 3, 15),
}


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        pytest.param({}, True, id="exactly-17th-birthday"),
        pytest.param({"on": date(2026, 3, 14)}, False, id="day-before-17th-birthday"),
        pytest.param({"birth_date": date(1980, 1, 1)}, True, id="adult"),
        pytest.param(
            {"birth_date": date(2010, 1, 1), "marital_status": "kawin"}, True, id="married-16"
        ),
        pytest.param(
            {"birth_date": date(2011, 1, 1), "marital_status": "cerai_mati"},
            True,
            id="cerai-mati-15",
        ),
        pytest.param(
            {"birth_date": date(2011, 1, 1), "marital_status": "cerai_hidup"},
            True,
            id="cerai-hidup-15",
        ),
        pytest.param({"birth_date": date(2011, 1, 1)}, False, id="single-15"),
        pytest.param({"citizenship": "WNA"}, False, id="wna-without-itap"),
        pytest.param({"citizenship": "WNA", "has_itap": True}, True, id="wna-with-itap"),
        pytest.param(
            {"citizenship": "WNA", "has_itap": True, "on": date(2026, 3, 14)},
            False,
            id="wna-with-itap-16",
        ),
        pytest.param({"residency_status": "moved_out"}, False, id="moved-out"),
        pytest.param({"residency_status": "deceased"}, False, id="deceased"),
        pytest.param(
            {"birth_date": date(2008, 2, 29), "on": date(2025, 2, 28)},
            False,
            id="leapling-28-feb-not-yet",
        ),
        pytest.param(
            {"birth_date": date(2008, 2, 29), "on": date(2025, 3, 1)},
            True,
            id="leapling-1-mar-wajib",
        ),
        pytest.param(
            {"birth_date": date(2007, 2, 28), "on": date(2024, 2, 28)},
            True,
            id="28-feb-birthday-in-leap-year",
        ),
    ],
)
def test_is_wajib_ktp(changes: dict[str, object], expected: bool) -> None:
    assert is_wajib_ktp(**{**BASE, **changes}) is expected  # type: ignore[arg-type]
