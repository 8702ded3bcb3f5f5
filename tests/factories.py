"""Small builders of valid test data."""

from __future__ import annotations

import itertools
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings
from app.db import session_scope
from app.models import Letter
from app.schemas.common import Role
from app.schemas.resident import ResidentCreate
from app.services.access import Principal
from app.services.letters import issue_letter
from app.services.residents import create_resident

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


# --- over HTTP (a TestClient and a key's headers) ------------------------------------------

RESIDENTS_URL = "/api/v1/residents"


def register_http(client: Any, headers: dict[str, str], **overrides: Any) -> dict[str, Any]:
    """POST a resident (resident_payload with the overrides); asserts 201, returns the body."""
    response = client.post(RESIDENTS_URL, json=resident_payload(**overrides), headers=headers)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def issue_http(
    client: Any,
    headers: dict[str, str],
    nik: str,
    purpose: str = "Pembukaan rekening bank",
    **extra: Any,
) -> Any:
    """POST a letter for the resident; returns the response, whatever its status."""
    return client.post(
        f"{RESIDENTS_URL}/{nik}/letters", json={"purpose": purpose, **extra}, headers=headers
    )


def move_http(client: Any, headers: dict[str, str], nik: str, status: str, **extra: Any) -> Any:
    """POST a recording event; returns the response, whatever its status."""
    return client.post(
        f"{RESIDENTS_URL}/{nik}/recording-events",
        json={"status": status, **extra},
        headers=headers,
    )


# --- through the service layer (tests that need no HTTP) -----------------------------------

SERVICE_OPERATOR = Principal(key_id=None, name="test operator", role=Role.operator)


def register(sessionmaker_: sessionmaker[Session], **overrides: Any) -> str:
    """Register one resident (resident_payload with the overrides); returns the NIK."""
    with session_scope(sessionmaker_) as session:
        data = ResidentCreate.model_validate(resident_payload(**overrides))
        return create_resident(session, data=data, actor=SERVICE_OPERATOR).resident.nik


def issue(
    sessionmaker_: sessionmaker[Session],
    settings: Settings,
    signer: Any,
    nik: str,
    now: datetime | None = None,
) -> Letter:
    """Issue a letter for the resident in a transaction of its own; returns it detached."""
    with session_scope(sessionmaker_) as session:
        letter = issue_letter(
            session,
            nik=nik,
            purpose="Pembukaan rekening bank",
            supersede=False,
            supersede_reason=None,
            actor=SERVICE_OPERATOR,
            settings=settings,
            signer=signer,
            now=now,
        )
        session.expunge(letter)
        return letter
