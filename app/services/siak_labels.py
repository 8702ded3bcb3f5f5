"""SIAK's labels: the API's enum values plus the uppercase spellings of SIAK exports
(LAKI-LAKI, BELUM KAWIN, BELUM REKAM...), YA/TIDAK and DD-MM-YYYY dates, each turned into the
value the resident model takes. A converter raises ValueError with a message for the row."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from enum import StrEnum
from typing import Any

from app.domain.recording import RecordingStatus
from app.schemas.common import (
    BloodType,
    Citizenship,
    MaritalStatus,
    Religion,
    ResidencyStatus,
    Sex,
)

__all__ = ["CONVERTERS"]


def _key(text: str) -> str:
    return " ".join(text.replace("_", " ").replace("-", " ").upper().split())


def _label_table(enum: type[StrEnum], siak: dict[str, StrEnum]) -> dict[str, str]:
    table: dict[str, str] = {}
    for member in enum:
        table[member.value] = member
        table[_key(member.value)] = member
    for label, value in siak.items():
        table[_key(label)] = value
    return table


_LABELS: dict[str, dict[str, str]] = {
    "sex": _label_table(
        Sex,
        {
            "LAKI-LAKI": Sex.laki_laki,
            "L": Sex.laki_laki,
            "PRIA": Sex.laki_laki,
            "P": Sex.perempuan,
            "WANITA": Sex.perempuan,
        },  # fmt: skip
    ),
    "religion": _label_table(
        Religion,
        {
            "PROTESTAN": Religion.kristen,
            "KRISTEN PROTESTAN": Religion.kristen,
            "KATHOLIK": Religion.katolik,
            "KRISTEN KATOLIK": Religion.katolik,
            "BUDHA": Religion.buddha,
            "KONGHUCU": Religion.khonghucu,
            "KONG HU CU": Religion.khonghucu,
            "KHONG HU CU": Religion.khonghucu,
            "KEPERCAYAAN TERHADAP TUHAN YME": Religion.kepercayaan,
            "KEPERCAYAAN TERHADAP TUHAN YANG MAHA ESA": Religion.kepercayaan,
            "ALIRAN KEPERCAYAAN": Religion.kepercayaan,
            "PENGHAYAT KEPERCAYAAN": Religion.kepercayaan,
        },
    ),
    "marital_status": _label_table(
        MaritalStatus,
        {
            "KAWIN TERCATAT": MaritalStatus.kawin,
            "KAWIN BELUM TERCATAT": MaritalStatus.kawin,
            "KAWIN TIDAK TERCATAT": MaritalStatus.kawin,
            "CERAI HIDUP TERCATAT": MaritalStatus.cerai_hidup,
            "CERAI HIDUP BELUM TERCATAT": MaritalStatus.cerai_hidup,
        },
    ),
    "citizenship": _label_table(Citizenship, {}),
    "residency_status": _label_table(
        ResidencyStatus,
        {
            "AKTIF": ResidencyStatus.active,
            "PINDAH": ResidencyStatus.moved_out,
            "PINDAH KELUAR": ResidencyStatus.moved_out,
            "MATI": ResidencyStatus.deceased,
            "MENINGGAL": ResidencyStatus.deceased,
            "MENINGGAL DUNIA": ResidencyStatus.deceased,
        },
    ),
    "recording_status": _label_table(
        RecordingStatus,
        {"BELUM REKAM": RecordingStatus.unregistered, "SUDAH REKAM": RecordingStatus.bio_captured},
    ),
}
_BLOOD: dict[str, BloodType] = {b.value: b for b in BloodType} | {
    "TIDAK_TAHU": BloodType.tidak_tahu,
    "TIDAKTAHU": BloodType.tidak_tahu,
    "-": BloodType.tidak_tahu,
}
_BOOL: dict[str, bool] = {
    "YA": True, "Y": True, "TRUE": True, "1": True, "ADA": True,
    "TIDAK": False, "N": False, "FALSE": False, "0": False, "TIDAK ADA": False,
}  # fmt: skip
_NAMES = {
    "sex": "sex",
    "religion": "religion",
    "marital_status": "marital status",
    "citizenship": "citizenship",
    "residency_status": "residency status",
    "recording_status": "recording status",
}


def _label(column: str, raw: str) -> str:
    table = _LABELS[column]
    value = table.get(raw) or table.get(_key(raw))
    if value is None:
        allowed = ", ".join(dict.fromkeys(table.values()))
        raise ValueError(f"{raw[:40]!r} is not a known {_NAMES[column]}; use one of {allowed}")
    return value


def _blood(raw: str) -> str:
    value = _BLOOD.get(raw.upper().replace(" ", ""))
    if value is None:
        raise ValueError(
            f"{raw[:40]!r} is not a blood type; use A, B, AB or O (with + or - if known) "
            "or TIDAK TAHU"
        )
    return value


def _bool(raw: str) -> bool:
    value = _BOOL.get(raw.upper())
    if value is None:
        raise ValueError(f"{raw[:40]!r} is not yes or no; use YA/TIDAK, true/false or 1/0")
    return value


def _date(raw: str) -> date:
    """YYYY-MM-DD, or SIAK's DD-MM-YYYY / DD/MM/YYYY / DD.MM.YYYY."""
    try:
        if len(raw) == 10 and raw[4] == "-":
            return date.fromisoformat(raw)
        for sep in "-/.":
            parts = raw.split(sep)
            if len(parts) == 3 and len(parts[2]) == 4 and all(p.isdigit() for p in parts):
                return date(int(parts[2]), int(parts[1]), int(parts[0]))
    except ValueError:
        raise ValueError("is not a date that exists") from None
    raise ValueError("is not a date; write it as YYYY-MM-DD or DD-MM-YYYY")


def _label_converter(column: str) -> Callable[[str], str]:
    table = _LABELS[column]

    def convert(raw: str) -> str:
        return table.get(raw) or _label(column, raw)

    return convert


CONVERTERS: dict[str, Callable[[str], Any]] = {
    **{column: _label_converter(column) for column in _LABELS},
    "blood_type": _blood,
    "birth_date": _date,
    "has_itap": _bool,
}
