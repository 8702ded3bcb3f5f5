"""Rules about residents: age and the duty to hold an e-KTP."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

__all__ = [
    "WAJIB_KTP_AGE",
    "ResidencyStatus",
    "age_on",
    "is_wajib_ktp",
    "latest_birth_date_of_age",
]


class ResidencyStatus(StrEnum):
    active = "active"
    moved_out = "moved_out"
    deceased = "deceased"


# UU 24/2013 Pasal 63: the e-KTP duty starts at 17 or at (first) marriage.
WAJIB_KTP_AGE = 17


def age_on(birth_date: date, on: date) -> int:
    """Return the age in whole years on a date (29 February birthdays count from 1 March)."""
    if on < birth_date:
        raise ValueError(f"the date {on.isoformat()} is before the birth date")
    # Comparing (month, day) tuples makes a 29 February birthday fall after 28
    # February, so in non-leap years the new age starts on 1 March.
    before_birthday = (on.month, on.day) < (birth_date.month, birth_date.day)
    return on.year - birth_date.year - int(before_birthday)


def latest_birth_date_of_age(on: date, years: int = WAJIB_KTP_AGE) -> date:
    """The latest birth date of someone who is `years` old or older on `on` (the SQL form of
    `age_on(birth, on) >= years`: born on 29 February, the birthday is 1 March in a common
    year, so the cutoff there is 28 February)."""
    try:
        return on.replace(year=on.year - years)
    except ValueError:  # `on` is 29 February, `years` earlier was a common year
        return date(on.year - years, 2, 28)


def is_wajib_ktp(
    *,
    citizenship: str,
    has_itap: bool,
    birth_date: date,
    marital_status: str,
    residency_status: str,
    on: date,
) -> bool:
    """Tell whether a resident must hold an e-KTP on a date (UU 24/2013 Pasal 63)."""
    if residency_status != ResidencyStatus.active:
        return False
    if not (citizenship == "WNI" or (citizenship == "WNA" and has_itap)):
        return False
    # kawin, cerai_hidup and cerai_mati all mean is-or-has-been married.
    if marital_status != "belum_kawin":
        return True
    return age_on(birth_date, on) >= WAJIB_KTP_AGE
