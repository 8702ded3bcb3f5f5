"""KK number edges: the first and last day and month of an issue date, and the century
an issue date falls in."""

from __future__ import annotations

from datetime import date

import pytest

from app.domain.kk import KkError, parse_kk

TODAY = date(2026, 3, 15)


@pytest.mark.parametrize(
    "kk",
    [
        pytest.param("5371040101120003", id="1-january"),
        pytest.param("5371043101120003", id="31-january"),
        pytest.param("5371040112120003", id="1-december"),
        pytest.param("5371043112120003", id="31-december"),
    ],
)
def test_first_and_last_days_and_months_are_valid(kk: str) -> None:
    assert parse_kk(kk, today=TODAY) == kk


@pytest.mark.parametrize(
    ("kk", "message"),
    [
        pytest.param(
            "5371040001120003",
            "day 00 of the issue date is not valid (01-31, no +40 on a KK)",
            id="day-00",
        ),
        pytest.param(
            "5371040100120003", "month 00 of the issue date is not valid (01-12)", id="month-00"
        ),
    ],
)
def test_day_and_month_zero_are_refused(kk: str, message: str) -> None:
    with pytest.raises(KkError) as excinfo:
        parse_kk(kk, today=TODAY)
    assert str(excinfo.value) == message


def test_today_defaults_to_the_current_date() -> None:
    assert parse_kk("5371041506120003") == "5371041506120003"


def test_the_century_follows_the_given_day_not_the_clock() -> None:
    # Checked on 31 December 1999, "29 02 00" can only be 29 February 1900, which did not
    # exist; a check that used the clock instead would read 2000 and accept it.
    with pytest.raises(KkError) as excinfo:
        parse_kk("5371042902000003", today=date(1999, 12, 31))
    assert str(excinfo.value) == "29 February 1900 does not exist"
    assert parse_kk("5371042902000003", today=date(2000, 2, 29)) == "5371042902000003"
