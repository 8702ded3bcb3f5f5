"""The SQL form of the age rule (a birth-date cutoff) agrees with the Python form (age_on) on
every day of four years, leap days included."""

from __future__ import annotations

from datetime import date, timedelta

from app.domain.people import WAJIB_KTP_AGE, age_on, latest_birth_date_of_age


def test_cutoff_agrees_with_age_on_every_day() -> None:
    first = date(2023, 1, 1)
    for offset in range(0, 4 * 366, 1):
        on = first + timedelta(days=offset)
        cutoff = latest_birth_date_of_age(on)
        # The cutoff itself is old enough, the day after it is not.
        assert age_on(cutoff, on) >= WAJIB_KTP_AGE, on
        assert age_on(cutoff + timedelta(days=1), on) < WAJIB_KTP_AGE, on
