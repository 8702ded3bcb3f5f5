"""NIK (Nomor Induk Kependudukan) parsing and validation, standard library only."""

from __future__ import annotations

from collections.abc import Collection
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
from app.domain.dates import format_date_id
from app.domain.messages import CodedError, Message, message

__all__ = [
    "NikError",
    "NikInfo",
    "Sex",
    "check_nik_agreement",
    "normalize_nik",
    "nik_region_warning",
    "parse_nik",
]

Sex = Literal["laki_laki", "perempuan"]

# Women's NIKs carry the birth day plus 40 (Permendagri on NIK structure).
_FEMALE_DAY_OFFSET = 40


class NikError(CodedError):
    """A NIK that breaks a structural rule; `message` holds the sentence in both languages."""


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
    known_regencies: Collection[str] | None = None,
    today: date | None = None,
) -> NikInfo:
    """Normalise and validate a NIK, returning what it encodes or raising NikError.

    A kabupaten/kota that no list knows, in a known province, is accepted (see
    nik_region_warning); only a province that never existed is refused.
    """
    nik = normalize_nik(raw)
    check_region(nik, known_regencies=known_regencies, label="NIK", error=NikError)

    encoded_day = int(nik[6:8])
    if 1 <= encoded_day <= 31:
        day, sex = encoded_day, "laki_laki"
    elif 41 <= encoded_day <= 71:
        day, sex = encoded_day - _FEMALE_DAY_OFFSET, "perempuan"
    else:
        raise NikError(message("nik_day", day=nik[6:8]))

    month = int(nik[8:10])
    if not 1 <= month <= 12:
        raise NikError(message("nik_month", month=nik[8:10]))

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


def nik_region_warning(nik: str, *, known_regencies: Collection[str]) -> Message | None:
    """A warning when the NIK's kabupaten/kota is in no list known here (province known)."""
    return check_region(nik, known_regencies=known_regencies, label="NIK", error=NikError)


_SEX_ID = {"laki_laki": "laki-laki", "perempuan": "perempuan"}


def check_nik_agreement(info: NikInfo, *, birth_date: date, sex: Sex) -> list[Message]:
    """Return warnings where the record's sex or birth date differs from what the NIK encodes."""
    # A NIK is never corrected in practice: a mismatch is the clerk's call, so it warns.
    warnings = []
    if sex != info.sex:
        female = info.sex == "perempuan"
        warnings.append(
            message(
                "nik_sex_mismatch",
                encoded_en="perempuan (day +40)" if female else "laki_laki (day 1-31)",
                encoded_id="perempuan (tanggal +40)" if female else "laki-laki (tanggal 1-31)",
                sex=sex,
                sex_id=_SEX_ID.get(sex, sex),
            )
        )
    # Only day, month and two-digit year are in the NIK, so compare just those; a
    # corrected birth date keeps its old NIK, hence a warning rather than an error.
    encoded_date = info.birth_date
    if (birth_date.day, birth_date.month, birth_date.year % 100) != (
        encoded_date.day,
        encoded_date.month,
        encoded_date.year % 100,
    ):
        warnings.append(
            message(
                "nik_birth_date_mismatch",
                birth_en=format_date_en(birth_date),
                birth_id=format_date_id(birth_date),
                encoded_en=format_date_en(encoded_date),
                encoded_id=format_date_id(encoded_date),
            )
        )
    return warnings
