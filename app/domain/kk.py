"""KK (Kartu Keluarga) number parsing and validation, standard library only."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from app.domain._digits import (
    check_region,
    check_serial,
    format_date_en,
    normalize_16,
    resolve_date,
)
from app.domain.dates import format_date_id
from app.domain.messages import CodedError, message

__all__ = ["KkError", "normalize_kk", "parse_kk"]


class KkError(CodedError):
    """A KK number that breaks a structural rule; `message` holds the sentence in both languages."""


def normalize_kk(raw: str) -> str:
    """Remove spaces, dots and dashes and require exactly 16 ASCII digits."""
    return normalize_16(raw, label="KK number", error=KkError)


def parse_kk(
    raw: str,
    *,
    known_regencies: Collection[str] | None = None,
    today: date | None = None,
) -> str:
    """Normalise and validate a KK number, returning it or raising KkError."""
    kk = normalize_kk(raw)
    # A KK's region unknown to every list (province known) is accepted, as for a NIK.
    check_region(kk, known_regencies=known_regencies, label="KK number", error=KkError)
    today = today or date.today()

    # A KK encodes its issue date, which has no +40 for women unlike the NIK.
    day = int(kk[6:8])
    if not 1 <= day <= 31:
        raise KkError(message("kk_day", day=kk[6:8]))
    month = int(kk[8:10])
    if not 1 <= month <= 12:
        raise KkError(message("kk_month", month=kk[8:10]))
    issued = resolve_date(day, month, int(kk[10:12]), today=today, error=KkError)
    if issued > today:
        raise KkError(
            message("kk_future", date_en=format_date_en(issued), date_id=format_date_id(issued))
        )

    check_serial(kk, error=KkError)
    return kk
