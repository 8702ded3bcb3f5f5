"""Rules about residents: age and the duty to hold an e-KTP."""

from __future__ import annotations

from datetime import date

__all__ = ["age_on", "is_wajib_ktp"]

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
    if residency_status != "active":
        return False
    if not (citizenship == "WNI" or (citizenship == "WNA" and has_itap)):
        return False
    # kawin, cerai_hidup and cerai_mati all mean is-or-has-been married.
    if marital_status != "belum_kawin":
        return True
    return age_on(birth_date, on) >= WAJIB_KTP_AGE
