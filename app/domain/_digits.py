"""Shared checks for the 16-digit numbers on Indonesian civil documents (NIK and KK)."""

from __future__ import annotations

import calendar
from collections.abc import Callable, Collection
from datetime import date
from functools import lru_cache

from app.domain.dates import MONTHS_ID
from app.domain.messages import Message, message

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

ErrorFactory = Callable[[Message], Exception]

# The Indonesian name of each number, for the Indonesian texts.
_LABEL_ID = {"NIK": "NIK", "KK number": "nomor KK"}


def normalize_16(raw: str, *, label: str, error: ErrorFactory) -> str:
    """Strip separators from raw and return it if it is exactly 16 ASCII digits."""
    label_id = _LABEL_ID.get(label, label)
    if not isinstance(raw, str):
        raise error(message("not_text", label=label, label_id=label_id, type=type(raw).__name__))
    cleaned = "".join(ch for ch in raw if ch not in _SEPARATORS and not ch.isspace())
    for ch in cleaned:
        if ch in "0123456789":
            continue
        # str.isdigit() accepts Arabic-Indic and other scripts' digits, which the
        # national database does not, so they get their own explicit sentence.
        if ch.isdigit():
            raise error(message("non_latin_digit", label=label, label_id=label_id, char=repr(ch)))
        raise error(message("not_digit", label=label, label_id=label_id, char=repr(ch)))
    if len(cleaned) != 16:
        raise error(message("wrong_length", label=label, label_id=label_id, length=len(cleaned)))
    return cleaned


@lru_cache(maxsize=8)
def _provinces(known_regencies: frozenset[str]) -> frozenset[str]:
    return frozenset(code[:2] for code in known_regencies)


def check_region(
    digits: str,
    *,
    known_regencies: Collection[str] | None,
    label: str,
    error: ErrorFactory,
) -> Message | None:
    """Check the 6-digit region prefix; return a warning for a kabupaten/kota no list knows.

    `known_regencies` holds every kabupaten/kota code that has been issued (current and
    retired lists). A number never changes when regions are renumbered and no list here is
    complete, so only a province that never existed is refused.
    """
    regency = digits[:4]
    dotted = f"{regency[:2]}.{regency[2:]}"
    known = known_regencies is None or regency in known_regencies
    if not known and regency[:2] not in _provinces(frozenset(known_regencies or ())):
        raise error(
            message(
                "unknown_province",
                province=regency[:2],
                label=label,
                label_id=_LABEL_ID.get(label, label),
            )
        )
    if digits[4:6] == "00":
        raise error(message("kecamatan_00", regency=dotted))
    return None if known else message("nik_region_unknown", regency=dotted)


def check_serial(digits: str, *, error: ErrorFactory) -> str:
    """Return the 4-digit serial, refusing 0000 which is never issued."""
    serial = digits[12:16]
    if serial == "0000":
        raise error(message("serial_0000"))
    return serial


def resolve_date(day: int, month: int, yy: int, *, today: date, error: ErrorFactory) -> date:
    """Turn a two-digit-year date into a real date, picking the latest century not after today."""
    year = 2000 + yy
    # Tuples rather than date objects: 29 February may not exist in the candidate year.
    if (year, month, day) > (today.year, today.month, today.day):
        year = 1900 + yy
    if day > calendar.monthrange(year, month)[1]:
        raise error(
            message(
                "date_not_exist",
                date_en=f"{day} {_MONTHS_EN[month - 1]} {year}",
                date_id=f"{day} {MONTHS_ID[month - 1]} {year}",
            )
        )
    return date(year, month, day)


def format_date_en(d: date) -> str:
    """Format a date as '12 August 1990' for English error messages."""
    return f"{d.day} {_MONTHS_EN[d.month - 1]} {d.year}"
