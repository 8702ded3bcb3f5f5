"""Shared fixtures for the document layer: sample letter content and signing keys."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from app.documents.render import LetterContent, Office, Signatory
from app.documents.signing import LetterSigner, create_development_key

OFFICE = Office(
    government="PEMERINTAH KOTA KUPANG",
    agency="DINAS KEPENDUDUKAN DAN PENCATATAN SIPIL",
    address="Jl. Timor Raya No. 123, Kelurahan Oesapa, Kecamatan Kelapa Lima, Kota Kupang",
    city="Kupang",
)
SIGNATORY = Signatory(
    name="Drs. YOHANES B. SERAN, M.Si",
    title="Kepala Dinas Kependudukan dan Pencatatan Sipil Kota Kupang",
    nip="197001011990031001",
)
BASE_CONTENT = LetterContent(
    office=OFFICE,
    signatory=SIGNATORY,
    number="470/0001/SKK/III/2026",
    issued_on=date(2026, 3, 12),
    valid_from=date(2026, 3, 12),
    valid_until=date(2026, 9, 12),
    purpose="Pendaftaran sekolah anak",
    wording="not_recorded",
    nik="5371041203900001",
    full_name="MARIA FERNANDEZ DA COSTA",
    birth_place="KUPANG",
    birth_date=date(1990, 3, 12),
    sex="perempuan",
    blood_type="tidak_tahu",
    address="JL. SOEKARNO NO. 45, GANG MAWAR II",
    rt="5",
    rw="002",
    kelurahan="OEBOBO",
    kecamatan="OEBOBO",
    religion="katolik",
    marital_status="cerai_hidup",
    occupation="WIRASWASTA",
    citizenship="WNI",
    verification_url="https://skk.example.go.id/v/AbCdEfGhIjKlMnOpQrStUv",
    verification_token="AbCdEfGhIjKlMnOpQrStUv",
    development_signature=False,
)


@pytest.fixture
def make_content() -> Callable[..., LetterContent]:
    """Factory for LetterContent with keyword overrides."""

    def factory(**overrides: Any) -> LetterContent:
        return dataclasses.replace(BASE_CONTENT, **overrides)

    return factory


@pytest.fixture(scope="session")
def dev_key_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A development PKCS#12 key created once per test session."""
    return create_development_key(tmp_path_factory.mktemp("keys"))


@pytest.fixture(scope="session")
def signer(dev_key_path: Path) -> LetterSigner:
    """Signer for the session's development key."""
    return LetterSigner.from_pkcs12(dev_key_path, None, development=True)


@pytest.fixture(scope="session")
def other_signer(tmp_path_factory: pytest.TempPathFactory) -> LetterSigner:
    """A second, unrelated key (not trusted by the tests' office)."""
    path = create_development_key(tmp_path_factory.mktemp("other-keys"), common_name="Intruder")
    return LetterSigner.from_pkcs12(path, None)


@pytest.fixture(scope="session")
def signed_pdf(signer: LetterSigner) -> bytes:
    """One letter rendered from BASE_CONTENT and signed with the development key."""
    from app.documents.render import render_letter

    return signer.sign(render_letter(BASE_CONTENT))
