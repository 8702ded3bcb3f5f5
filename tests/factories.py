"""Small builders of valid test data."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

_serials = itertools.count(1)

KELURAHAN = "53.71.04.1001"  # Oebobo
OTHER_KELURAHAN = "53.71.01.1001"  # Namosain


def nik_for(
    birth_date: date, sex: str = "laki_laki", region: str = "537104", serial: int | None = None
) -> str:
    """A valid NIK encoding this birth date and sex."""
    day = birth_date.day + (40 if sex == "perempuan" else 0)
    serial = serial if serial is not None else next(_serials) % 9999 + 1
    return f"{region}{day:02d}{birth_date:%m%y}{serial:04d}"


def resident_payload(**overrides: Any) -> dict[str, Any]:
    """A valid ResidentCreate body; the NIK follows birth_date and sex unless given."""
    birth_date = overrides.pop("birth_date", date(1990, 8, 1))
    if isinstance(birth_date, str):
        birth_date = date.fromisoformat(birth_date)
    sex = overrides.get("sex", "perempuan")
    body: dict[str, Any] = {
        "nik": nik_for(birth_date, sex),
        "kk_number": "5371041503150003",
        "full_name": "MARIA YULIANA NDUN",
        "birth_place": "KUPANG",
        "birth_date": birth_date.isoformat(),
        "sex": sex,
        "blood_type": "O",
        "religion": "katolik",
        "marital_status": "belum_kawin",
        "occupation": "PELAJAR/MAHASISWA",
        "citizenship": "WNI",
        "has_itap": False,
        "address": "JL. W.J. LALAMENTIK NO. 12",
        "rt": "007",
        "rw": "003",
        "kelurahan_code": KELURAHAN,
    }
    body.update(overrides)
    return body
