"""Example answers for the OpenAPI document: plausible Kupang data, one place, so every
response model shows real values (a NIK of Kota Kupang, a letter number in the office's
format) instead of "string"."""

from __future__ import annotations

from typing import Any

NIK = "5371044108900001"  # 53.71.04 Oebobo, a woman born 1 August 1990 (day 01 + 40)
SHA256 = "6f1c2a9e4b7d3085c2e19fa64d0b8e73a5c1f2d94e6b8a07c3d5f9e1b2a4c6d8"
CERT_SHA256 = "a4e2c91f0b6d8374e5f1a2c3b9d07e6f8a1c4b2d9e3f5a7c0b6d8e2f4a1c3b5d"
LETTER_ID = "0b7e6f2a-3c1d-4e5f-9a8b-7c6d5e4f3a21"
LETTER_NUMBER = "470/0128/Disdukcapil/XI/2026"
BASE = "https://skk.disdukcapil.kupangkota.go.id"

RESIDENT: dict[str, Any] = {
    "nik": NIK,
    "kk_number": "5371041503150003",
    "full_name": "MARIA YULIANA NDUN",
    "birth_place": "KUPANG",
    "birth_date": "1990-08-01",
    "sex": "perempuan",
    "blood_type": "O",
    "religion": "katolik",
    "marital_status": "kawin",
    "occupation": "GURU",
    "citizenship": "WNI",
    "has_itap": False,
    "nationality": None,
    "address": "JL. W.J. LALAMENTIK NO. 12",
    "rt": "007",
    "rw": "003",
    "kelurahan_code": "53.71.04.1001",
    "kelurahan_name": "Oebobo",
    "kecamatan_code": "53.71.04",
    "kecamatan_name": "Oebobo",
    "residency_status": "active",
    "recording_status": "bio_captured",
    "recording_status_at": "2026-11-20T01:30:00Z",
    "wajib_ktp": True,
    "created_at": "2026-11-02T00:12:45Z",
    "updated_at": "2026-11-20T01:30:00Z",
    "warnings": [],
    "warning_messages": [],
}

RECORDING_EVENT: dict[str, Any] = {
    "status": "bio_captured",
    "occurred_at": "2026-11-20T01:30:00Z",
    "note": "Perekaman di kantor Disdukcapil",
    "source": "api",
    "recorded_at": "2026-11-20T01:31:07Z",
}

LETTER: dict[str, Any] = {
    "id": LETTER_ID,
    "number": LETTER_NUMBER,
    "resident_nik": NIK,
    "resident_name": "MARIA YULIANA NDUN",
    "kelurahan_code": "53.71.04.1001",
    "purpose": "Pembukaan rekening bank",
    "issued_at": "2026-11-20T02:15:00Z",
    "valid_from": "2026-11-20",
    "valid_until": "2027-05-20",
    "status": "valid",
    "status_reason": None,
    "signatory": {
        "name": "Drs. YOHANES B. FANGGIDAE, M.Si",
        "title": "Kepala Dinas Kependudukan dan Pencatatan Sipil Kota Kupang",
        "nip": "197208151998031004",
    },
    "verification_url": f"{BASE}/v/q4Jx0c9T2mLk8VwYbR3n5A",
    "document": {
        "sha256": SHA256,
        "size": 61234,
        "url": f"/api/v1/letters/{LETTER_ID}/pdf",
    },
}

API_KEY: dict[str, Any] = {
    "id": 7,
    "name": "Loket 1 Disdukcapil",
    "role": "operator",
    "kelurahan_code": None,
    "prefix": "skk_Jq3v",
    "created_at": "2026-11-02T00:05:00Z",
    "revoked_at": None,
}

API_KEY_CREATED: dict[str, Any] = {
    **API_KEY,
    "key": "skk_Jq3vN8xT2pLm5RbW9cYh4KdF7gA1sE6uZ0oVwXiQnMk",
}

ME: dict[str, Any] = {
    "key_id": 12,
    "name": "Kelurahan Oebobo",
    "role": "kelurahan",
    "kelurahan_code": "53.71.04.1001",
}

REGION: dict[str, Any] = {
    "code": "53.71.04",
    "name": "Oebobo",
    "level": "kecamatan",
    "parent_code": "53.71",
}

HEALTH: dict[str, Any] = {
    "status": "ok",
    "database": "ok",
    "signer": "ok",
    "signer_certificate_expires": "2028-03-31",
    "signer_certificate_days_left": 487,
}

PHOTO: dict[str, Any] = {
    "sha256": SHA256,
    "media_type": "image/jpeg",
    "width": 300,
    "height": 400,
    "size": 24817,
    "updated_at": "2026-11-20T01:40:12Z",
    "url": f"/api/v1/residents/{NIK}/photo",
}

AUDIT_EVENT: dict[str, Any] = {
    "id": 5821,
    "occurred_at": "2026-11-20T02:15:00Z",
    "key_id": 7,
    "role": "operator",
    "action": "letter.issued",
    "target_type": "letter",
    "target": LETTER_ID,
    "request_id": "7d3f9a2c41e8b065",
    "client_address": "10.20.1.15",
    "details": {"number": LETTER_NUMBER},
    "chain_seq": 5821,
    "prev_sha256": CERT_SHA256,
    "sha256": SHA256,
}

AUDIT_CHECKPOINT: dict[str, Any] = {
    "line": 42,
    "seq": 5821,
    "sha256": SHA256,
    "time": "2026-11-20T16:00:00+00:00",
    "certificate_sha256": CERT_SHA256,
    "signature": "MEUCIQDx3n0v2bq7Yk9sT1cJm4Lr8HfWp6aZ5uE0dG2iN7oKQwIgR4tV9yB1xC3eF5hJ7kL9"
    "mN0pQ2sU4wY6aC8eG0iK2M=",
}


def _stat_row(
    code: str, name: str, parent: str | None, residents: int, wajib: int, recorded: int
) -> dict[str, Any]:
    return {
        "code": code,
        "name": name,
        "parent_code": parent,
        "residents": residents,
        "wajib_ktp": wajib,
        "recorded": recorded,
        "not_recorded": wajib - recorded,
        "card_issued": recorded * 3 // 5,
        "needs_follow_up": recorded // 50,
        "valid_letters": recorded // 20,
        "recorded_pct": round(recorded / wajib * 100, 1),
    }


RECORDING_STATISTICS: dict[str, Any] = {
    "group_by": "kecamatan",
    "as_of": "2016-10-31",
    "generated_at": "2026-11-20T02:20:00Z",
    "items": [
        _stat_row("53.71.04", "Oebobo", "53.71", 96410, 71240, 38112),
        _stat_row("53.71.05", "Kota Raja", "53.71", 61875, 45310, 24203),
    ],
    "total": _stat_row("53.71", "Kota Kupang", "53", 158285, 116550, 62315),
}

UPLOADED_LETTER: dict[str, Any] = {
    "status": "valid",
    "status_label": "BERLAKU / VALID",
    "status_reason": None,
    "number": LETTER_NUMBER,
    "issued_at": "2026-11-20T02:15:00Z",
    "valid_from": "2026-11-20",
    "valid_until": "2027-05-20",
    "resident_name": "MARIA YULIANA NDUN",
    "resident_nik_masked": "537104******0001",
    "issuer": {
        "government": "PEMERINTAH KOTA KUPANG",
        "agency": "DINAS KEPENDUDUKAN DAN PENCATATAN SIPIL",
        "city": "Kupang",
    },
    "signatory": {
        "name": "Drs. YOHANES B. FANGGIDAE, M.Si",
        "title": "Kepala Dinas Kependudukan dan Pencatatan Sipil Kota Kupang",
    },
    "document": {"sha256": SHA256, "size": 61234},
    "development_signing_key": False,
}

UPLOAD_VERIFICATION: dict[str, Any] = {
    "checked_at": "2026-11-21T03:05:41Z",
    "outcome": "genuine",
    "verdict": "Dokumen asli: ditandatangani Disdukcapil, utuh, dan sama dengan surat yang "
    "diterbitkan; surat berlaku.",
    "verdict_en": "Genuine: signed by the office, intact, and the very letter issued; the "
    "letter is valid.",
    "genuine": True,
    "file_sha256": SHA256,
    "file_size": 61234,
    "signed": True,
    "covers_whole_file": True,
    "intact": True,
    "trusted_signer": True,
    "signer": "Disdukcapil Kota Kupang",
    "signer_certificate_sha256": CERT_SHA256,
    "signed_at": "2026-11-20T02:15:00Z",
    "problem": None,
    "letter_number": LETTER_NUMBER,
    "matches_issued_file": True,
    "status": "valid",
    "letter": UPLOADED_LETTER,
}

PROBLEM: dict[str, Any] = {
    "type": f"{BASE}/problems/resident_not_found",
    "title": "Tidak ditemukan",
    "status": 404,
    "detail": "tidak ada penduduk dengan NIK ini",
    "code": "resident_not_found",
    "request_id": "7d3f9a2c41e8b065",
    "messages": {
        "id": "tidak ada penduduk dengan NIK ini",
        "en": "no resident with this NIK",
    },
}

# The example page of each item model, keyed by the model's name (app.schemas.common.Page).
PAGE_ITEMS: dict[str, dict[str, Any]] = {
    "ResidentRead": RESIDENT,
    "LetterRead": LETTER,
    "RecordingEventRead": RECORDING_EVENT,
    "ApiKeyRead": API_KEY,
    "RegionRead": REGION,
    "AuditEventRead": AUDIT_EVENT,
    "AuditCheckpointRead": AUDIT_CHECKPOINT,
}
NEXT_CURSOR = "eyJrIjoiTUFSSUEgWVVMSUFOQSBORFVOIiwiaWQiOjE4MjR9"
