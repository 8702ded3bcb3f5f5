"""NIK (Nomor Induk Kependudukan) parsing and validation, standard library only."""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass
from datetime import date
from typing import Literal

from app.domain._digits import (
    check_region,
    check_serial,
    format_date_en,
    normalize_16,
    resolve_date,
)

__all__ = [
    "NikError",
    "NikInfo",
    "Sex",
    "check_nik_agreement",
    "normalize_nik",
    "parse_nik",
]

Sex = Literal["laki_laki", "perempuan"]

# Women's NIKs carry the birth day plus 40 (Permendagri on NIK structure).
_FEMALE_DAY_OFFSET = 40


class NikError(ValueError):
    """A NIK that breaks a structural rule; the message is a sentence for a person."""


@dataclass(frozen=True)
class NikInfo:
    """What a valid NIK encodes."""

    nik: str
    region_code: str  # 6 digits: province, kabupaten/kota, kecamatan
    birth_date: date
    sex: Sex
    serial: str


def normalize_nik(raw: str) -> str:
    """Remove spaces, dots and dashes and require exactly 16 ASCII digits."""
    return normalize_16(raw, label="NIK", error=NikError)


def parse_nik(
    raw: str,
    *,
    known_regencies: Container[str] | None = None,
    today: date | None = None,
) -> NikInfo:
    """Normalise and validate a NIK, returning what it encodes or raising NikError."""
    nik = normalize_nik(raw)
    check_region(nik, known_regencies=known_regencies, error=NikError)

    encoded_day = int(nik[6:8])
    if 1 <= encoded_day <= 31:
        day, sex = encoded_day, "laki_laki"
    elif 41 <= encoded_day <= 71:
        day, sex = encoded_day - _FEMALE_DAY_OFFSET, "perempuan"
    else:
        raise NikError(f"day {nik[6:8]} is not valid (1-31 for men, 41-71 for women)")

    month = int(nik[8:10])
    if not 1 <= month <= 12:
        raise NikError(f"month {nik[8:10]} is not valid (01-12)")

    birth_date = resolve_date(
        day, month, int(nik[10:12]), today=today or date.today(), error=NikError
    )
    serial = check_serial(nik, error=NikError)
    return NikInfo(
        nik=nik,
        region_code=nik[:6],
        birth_date=birth_date,
        sex=sex,  # type: ignore[arg-type]  # narrowed by the branches above
        serial=serial,
    )


def check_nik_agreement(info: NikInfo, *, birth_date: date, sex: Sex) -> list[str]:
    """Raise NikError if sex disagrees with the NIK; return warnings if the birth date does."""
    if sex != info.sex:
        encoded = "perempuan (day +40)" if info.sex == "perempuan" else "laki_laki (day 1-31)"
        raise NikError(f"NIK encodes {encoded} but sex is {sex}")
    # Only day, month and two-digit year are in the NIK, so compare just those; a
    # corrected birth date keeps its old NIK, hence a warning rather than an error.
    encoded_date = info.birth_date
    if (birth_date.day, birth_date.month, birth_date.year % 100) != (
        encoded_date.day,
        encoded_date.month,
        encoded_date.year % 100,
    ):
        return [
            f"birth date {format_date_en(birth_date)} differs from the date encoded in the NIK "
            f"({format_date_en(encoded_date)}); check the birth date, or keep it if it was "
            "corrected after the NIK was issued"
        ]
    return []
