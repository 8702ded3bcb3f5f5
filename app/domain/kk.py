"""KK (Kartu Keluarga) number parsing and validation, standard library only."""

from __future__ import annotations

from collections.abc import Container
from datetime import date

from app.domain._digits import (
    check_region,
    check_serial,
    format_date_en,
    normalize_16,
    resolve_date,
)

__all__ = ["KkError", "normalize_kk", "parse_kk"]


class KkError(ValueError):
    """A KK number that breaks a structural rule; the message is a sentence for a person."""


def normalize_kk(raw: str) -> str:
    """Remove spaces, dots and dashes and require exactly 16 ASCII digits."""
    return normalize_16(raw, label="KK number", error=KkError)


def parse_kk(
    raw: str,
    *,
    known_regencies: Container[str] | None = None,
    today: date | None = None,
) -> str:
    """Normalise and validate a KK number, returning it or raising KkError."""
    kk = normalize_kk(raw)
    check_region(kk, known_regencies=known_regencies, error=KkError)
    today = today or date.today()

    # A KK encodes its issue date, which has no +40 for women unlike the NIK.
    day = int(kk[6:8])
    if not 1 <= day <= 31:
        raise KkError(f"day {kk[6:8]} of the issue date is not valid (01-31, no +40 on a KK)")
    month = int(kk[8:10])
    if not 1 <= month <= 12:
        raise KkError(f"month {kk[8:10]} of the issue date is not valid (01-12)")
    issued = resolve_date(day, month, int(kk[10:12]), today=today, error=KkError)
    if issued > today:
        raise KkError(f"issue date {format_date_en(issued)} is in the future")

    check_serial(kk, error=KkError)
    return kk
