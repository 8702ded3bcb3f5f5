"""Shared checks for the 16-digit numbers on Indonesian civil documents (NIK and KK)."""

from __future__ import annotations

import calendar
from collections.abc import Callable, Container
from datetime import date

_SEPARATORS = frozenset(" .-\t\u00a0")

# English month names spelled out so messages never depend on the process locale.
_MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

ErrorFactory = Callable[[str], Exception]


def normalize_16(raw: str, *, label: str, error: ErrorFactory) -> str:
    """Strip separators from raw and return it if it is exactly 16 ASCII digits."""
    if not isinstance(raw, str):
        raise error(f"{label} must be text, got {type(raw).__name__}")
    cleaned = "".join(ch for ch in raw if ch not in _SEPARATORS and not ch.isspace())
    for ch in cleaned:
        if ch in "0123456789":
            continue
        # str.isdigit() accepts Arabic-Indic and other scripts' digits, which the
        # national database does not, so they get their own explicit sentence.
        if ch.isdigit():
            raise error(
                f"{label} must contain only the digits 0-9 "
                f"(found the non-Latin digit {ch!r}; retype it with 0-9)"
            )
        raise error(f"{label} must contain only the digits 0-9 (found {ch!r})")
    if len(cleaned) != 16:
        raise error(f"{label} must have 16 digits, got {len(cleaned)}")
    return cleaned


def check_region(
    digits: str, *, known_regencies: Container[str] | None, error: ErrorFactory
) -> None:
    """Check the 6-digit region prefix: known kabupaten/kota and a real kecamatan."""
    regency = digits[:4]
    if known_regencies is not None and regency not in known_regencies:
        raise error(f"region {regency[:2]}.{regency[2:]} is not a known kabupaten/kota")
    if digits[4:6] == "00":
        raise error(
            f"kecamatan 00 in region {regency[:2]}.{regency[2:]} is not valid "
            "(kecamatan codes start at 01)"
        )


def check_serial(digits: str, *, error: ErrorFactory) -> str:
    """Return the 4-digit serial, refusing 0000 which is never issued."""
    serial = digits[12:16]
    if serial == "0000":
        raise error("serial 0000 is not valid")
    return serial


def resolve_date(day: int, month: int, yy: int, *, today: date, error: ErrorFactory) -> date:
    """Turn a two-digit-year date into a real date, picking the latest century not after today."""
    year = 2000 + yy
    # Tuples rather than date objects: 29 February may not exist in the candidate year.
    if (year, month, day) > (today.year, today.month, today.day):
        year = 1900 + yy
    if day > calendar.monthrange(year, month)[1]:
        raise error(f"{day} {_MONTHS_EN[month - 1]} {year} does not exist")
    return date(year, month, day)


def format_date_en(d: date) -> str:
    """Format a date as '12 August 1990' for English error messages."""
    return f"{d.day} {_MONTHS_EN[d.month - 1]} {d.year}"
