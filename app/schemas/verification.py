"""Public verification answers: what anyone holding a letter may learn, and nothing more."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from app.schemas import examples
from app.schemas.letter import LetterStatus


class PublicSignatory(BaseModel):
    """The official who signed; the NIP is left out (it encodes the official's birth date)."""

    name: str
    title: str


class Issuer(BaseModel):
    government: str = Field(examples=["PEMERINTAH KOTA KUPANG"])
    agency: str = Field(examples=["DINAS KEPENDUDUKAN DAN PENCATATAN SIPIL"])
    city: str = Field(examples=["Kupang"])


class PublicDocument(BaseModel):
    sha256: str = Field(description="SHA-256 of the signed PDF as issued (hex)")
    size: int = Field(description="Size of the signed PDF in bytes")


class PublicCertificate(BaseModel):
    """The office certificate a letter was signed with (kept after the office renews it)."""

    sha256: str = Field(description="SHA-256 fingerprint of the certificate (hex)")
    subject: str
    issuer: str
    not_before: datetime
    not_after: datetime


_LETTER_EXAMPLE: dict[str, Any] = {
    "status": "valid",
    "status_label": "BERLAKU / VALID",
    "status_reason": None,
    "number": "470/0001/Disdukcapil/III/2026",
    "issued_at": "2026-03-12T02:15:00Z",
    "valid_from": "2026-03-12",
    "valid_until": "2026-09-12",
    "resident_name": "MARIA YULIANA NDUN",
    "resident_nik_masked": "537104******0001",
    "issuer": {
        "government": "PEMERINTAH KOTA KUPANG",
        "agency": "DINAS KEPENDUDUKAN DAN PENCATATAN SIPIL",
        "city": "Kupang",
    },
    "signatory": {
        "name": "Drs. NAMA KEPALA DINAS, M.Si",
        "title": "Kepala Dinas Kependudukan dan Pencatatan Sipil Kota Kupang",
    },
    "document": {"sha256": "9f2c...e1", "size": 61234},
    "development_signing_key": False,
}


class UploadedLetter(BaseModel):
    """A letter as an upload check shows it: the holder's name and masked NIK, no link to the
    letter's verification page (an upload must never hand out a letter's QR token)."""

    model_config = ConfigDict(json_schema_extra={"examples": [_LETTER_EXAMPLE]})

    status: LetterStatus
    status_label: str = Field(description="Indonesian / English label, e.g. `BERLAKU / VALID`")
    status_reason: str | None = Field(
        description="Why the letter is no longer valid (revoked: the office's reason, with "
        "NIK-like and phone-like numbers masked)"
    )
    number: str
    issued_at: datetime
    valid_from: date
    valid_until: date
    resident_name: str
    resident_nik_masked: str = Field(description="Region and serial only: `537104******0001`")
    issuer: Issuer
    signatory: PublicSignatory
    document: PublicDocument
    development_signing_key: bool = Field(
        description="True when the letter was signed with a development key: not an official letter"
    )
    signing_certificate: PublicCertificate | None = Field(
        default=None,
        description="The certificate the letter was signed with; null for letters issued "
        "before the office kept its certificates",
    )


class PublicLetter(UploadedLetter):
    """A letter as the holder of its QR code sees it: the upload view plus its page's address."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {**_LETTER_EXAMPLE, "verification_url": "https://skk.example/v/3q2-7wEAAAA"}
            ]
        }
    )

    verification_url: str


class LetterVerification(PublicLetter):
    """The answer to a QR code scan, as JSON."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    **examples.UPLOADED_LETTER,
                    "verification_url": examples.LETTER["verification_url"],
                    "checked_at": "2026-11-21T03:05:41Z",
                    "photo_url": f"{examples.BASE}/v/q4Jx0c9T2mLk8VwYbR3n5A/photo.jpg",
                }
            ]
        }
    )

    checked_at: datetime
    photo_url: str | None = Field(
        default=None,
        description="The holder's photo as printed on the letter (a JPEG); only while the "
        "letter is valid, null otherwise or when the letter has no photo",
    )


class UploadOutcome(StrEnum):
    """What an uploaded file turned out to be, for machines; `verdict` says it for people."""

    genuine = "genuine"  # the issued file, signed by the office, letter valid today
    genuine_not_valid = "genuine_not_valid"  # the issued file, but expired/revoked/...
    not_pdf = "not_pdf"
    damaged = "damaged"
    unsigned = "unsigned"
    tampered = "tampered"
    untrusted_signer = "untrusted_signer"
    modified_after_signing = "modified_after_signing"
    unknown_letter = "unknown_letter"
    differs_from_issued = "differs_from_issued"


class UploadVerification(BaseModel):
    """The result of checking an uploaded PDF (a verification result, never an error)."""

    model_config = ConfigDict(json_schema_extra={"examples": [examples.UPLOAD_VERIFICATION]})

    checked_at: datetime
    outcome: UploadOutcome
    verdict: str = Field(description="One sentence in Indonesian")
    verdict_en: str = Field(description="The same sentence in English")
    genuine: bool = Field(
        description="Signed by this office, intact, covering the whole file, and byte for byte "
        "the PDF that was issued (the letter may still be expired or revoked: see `status`)"
    )
    file_sha256: str
    file_size: int
    signed: bool = Field(description="The PDF carries a signature")
    covers_whole_file: bool = Field(description="Nothing was added after the signature")
    intact: bool = Field(description="The signed bytes are unchanged since signing")
    trusted_signer: bool = Field(
        description="Signed with this office's certificate (or one it lists as trusted)"
    )
    signer: str | None = Field(description="The signing certificate's common name")
    signer_certificate_sha256: str | None
    signed_at: datetime | None = Field(description="The signing time the signature claims")
    problem: str | None = Field(description="What is wrong with the signature, if anything")
    letter_number: str | None = Field(
        description="The letter number the signed content names (null unless the signature is "
        "this office's, intact and covers the whole file)"
    )
    matches_issued_file: bool | None = Field(
        description="The file is byte for byte the stored issued PDF (null: no letter identified)"
    )
    status: LetterStatus | None = Field(description="The identified letter's status today")
    letter: UploadedLetter | None = Field(
        description="The stored letter the file's signed content names, only when the file is "
        "signed by this office, intact and unchanged after signing; compare it with the paper"
    )
