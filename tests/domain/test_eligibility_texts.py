"""Each letter refusal as the clerk reads it, in full, in Indonesian and English: with and
without the date and the recording status, and which refusal each office policy gives."""

from __future__ import annotations

from datetime import date

import pytest

from app.domain.eligibility import LetterPolicy, LetterRefusal, letter_refusal, refusal_message
from app.domain.recording import FOLLOW_UP, RecordingStatus

S = RecordingStatus
R = LetterRefusal
WHEN = date(2025, 11, 3)

_NO_LETTER_ID = "surat keterangan tidak dapat diterbitkan."
_NO_LETTER_EN = "no letter can be issued."

# (case, refusal, keyword arguments, code, Indonesian, English)
_REFUSALS = [
    (
        "moved out",
        R.resident_not_active,
        {"residency_status": "moved_out"},
        "resident_moved_out",
        "Penduduk ini sudah pindah dan tidak lagi terdaftar di sini; " + _NO_LETTER_ID,
        "This resident has moved away and is no longer registered here; " + _NO_LETTER_EN,
    ),
    (
        "deceased",
        R.resident_not_active,
        {"residency_status": "deceased"},
        "resident_deceased",
        "Penduduk ini sudah meninggal dunia; " + _NO_LETTER_ID,
        "This resident has died; " + _NO_LETTER_EN,
    ),
    (
        "another residency status",
        R.resident_not_active,
        {"residency_status": "suspended"},
        "resident_not_active",
        "Penduduk ini tidak berstatus aktif (status suspended); " + _NO_LETTER_ID,
        "This resident is not active (status suspended); " + _NO_LETTER_EN,
    ),
    (
        "under 17, never married",
        R.not_wajib_ktp,
        {},
        "not_wajib_ktp",
        "Penduduk ini belum wajib KTP-el: belum berusia 17 tahun dan belum pernah kawin; "
        + _NO_LETTER_ID,
        "This resident does not need a KTP-el yet: under 17 and never married; " + _NO_LETTER_EN,
    ),
    (
        "foreign national without ITAP",
        R.not_wajib_ktp,
        {"foreign_without_itap": True},
        "not_wajib_ktp_wna",
        "Penduduk ini WNA tanpa izin tinggal tetap sehingga tidak wajib KTP-el; " + _NO_LETTER_ID,
        "This resident is a foreign national without a permanent stay permit (ITAP), so needs "
        "no KTP-el; " + _NO_LETTER_EN,
    ),
    (
        "card issued, with its date",
        R.card_already_issued,
        {"recording_status_at": WHEN, "recording_status": S.card_issued},
        "card_already_issued",
        "Penduduk ini sudah menerima KTP-el pada 3 November 2025; "
        "surat keterangan tidak diperlukan.",
        "This resident already received the KTP-el on 2025-11-03; no letter is needed.",
    ),
    (
        "card issued, date unknown",
        R.card_already_issued,
        {"recording_status": S.card_issued},
        "card_already_issued",
        "Penduduk ini sudah menerima KTP-el; surat keterangan tidak diperlukan.",
        "This resident already received the KTP-el; no letter is needed.",
    ),
    (
        "follow-up, status and date",
        R.recording_needs_follow_up,
        {"recording_status_at": WHEN, "recording_status": S.duplicate_record},
        "recording_needs_follow_up",
        "Perekaman KTP-el penduduk ini perlu ditindaklanjuti (status duplicate_record sejak "
        "3 November 2025); " + _NO_LETTER_ID,
        "This resident's KTP-el recording needs follow-up (status duplicate_record since "
        "2025-11-03); " + _NO_LETTER_EN,
    ),
    (
        "follow-up, status without date",
        R.recording_needs_follow_up,
        {"recording_status": S.enroll_failure_at_central},
        "recording_needs_follow_up",
        "Perekaman KTP-el penduduk ini perlu ditindaklanjuti (status "
        "enroll_failure_at_central); " + _NO_LETTER_ID,
        "This resident's KTP-el recording needs follow-up (status enroll_failure_at_central); "
        + _NO_LETTER_EN,
    ),
    (
        "follow-up, date without status",
        R.recording_needs_follow_up,
        {"recording_status_at": WHEN},
        "recording_needs_follow_up",
        "Perekaman KTP-el penduduk ini perlu ditindaklanjuti (status tindak lanjut sejak "
        "3 November 2025); " + _NO_LETTER_ID,
        "This resident's KTP-el recording needs follow-up (status unknown since 2025-11-03); "
        + _NO_LETTER_EN,
    ),
    (
        "follow-up, neither status nor date",
        R.recording_needs_follow_up,
        {},
        "recording_needs_follow_up",
        "Perekaman KTP-el penduduk ini perlu ditindaklanjuti (status tindak lanjut); "
        + _NO_LETTER_ID,
        "This resident's KTP-el recording needs follow-up (status unknown); " + _NO_LETTER_EN,
    ),
    (
        "not yet recorded",
        R.not_yet_recorded,
        {"recording_status": S.unregistered},
        "not_yet_recorded",
        "Penduduk ini belum melakukan perekaman KTP-el; menurut kebijakan kantor ini surat "
        "keterangan hanya diterbitkan bagi penduduk yang sudah merekam. Arahkan penduduk ke "
        "perekaman KTP-el terlebih dahulu.",
        "This resident has not yet recorded for the KTP-el; this office issues the letter "
        "only to residents who have recorded. Send the resident to KTP-el recording first.",
    ),
    (
        "print-ready, with status",
        R.record_print_ready,
        {"recording_status_at": WHEN, "recording_status": S.sent_for_card_printing},
        "record_print_ready",
        "Data KTP-el penduduk ini sudah siap cetak (status sent_for_card_printing); cetak "
        "KTP-el-nya, surat keterangan tidak diterbitkan.",
        "This resident's KTP-el record is ready to print (status sent_for_card_printing); "
        "print the card instead, no letter is issued.",
    ),
    (
        "print-ready, status unknown",
        R.record_print_ready,
        {},
        "record_print_ready",
        "Data KTP-el penduduk ini sudah siap cetak (status -); cetak KTP-el-nya, surat "
        "keterangan tidak diterbitkan.",
        "This resident's KTP-el record is ready to print (status -); print the card instead, "
        "no letter is issued.",
    ),
]


@pytest.mark.parametrize(
    ("refusal", "kwargs", "code", "text_id", "text_en"),
    [pytest.param(*row[1:], id=row[0]) for row in _REFUSALS],
)
def test_each_refusal_reads_in_full_in_both_languages(
    refusal: LetterRefusal, kwargs: dict, code: str, text_id: str, text_en: str
) -> None:
    args = {"residency_status": "active", "recording_status_at": None} | kwargs
    msg = refusal_message(refusal, **args)
    assert (msg.code, msg.id, msg.en) == (code, text_id, text_en)
    assert str(msg) == text_en


_ANY = LetterPolicy.any_wajib_ktp
_RECORDED = LetterPolicy.recorded_only
_POLICIES = [(p, r) for p in LetterPolicy for r in (False, True)]


@pytest.mark.parametrize(("policy", "refuse_print_ready"), _POLICIES)
@pytest.mark.parametrize("status", list(RecordingStatus))
def test_letter_refusal_for_every_status_and_policy(
    status: RecordingStatus, policy: LetterPolicy, refuse_print_ready: bool
) -> None:
    if status is S.card_issued:
        expected = R.card_already_issued
    elif status in FOLLOW_UP:
        expected = R.recording_needs_follow_up
    elif status is S.unregistered:
        expected = R.not_yet_recorded if policy is _RECORDED else None
    elif status in {
        S.print_ready_record,
        S.sent_for_card_printing,
        S.card_printed,
        S.card_shipped,
    }:
        expected = R.record_print_ready if refuse_print_ready else None
    else:
        expected = None
    got = letter_refusal(
        residency_status="active",
        wajib_ktp=True,
        recording_status=status,
        policy=policy,
        refuse_print_ready=refuse_print_ready,
    )
    assert got is expected


@pytest.mark.parametrize(("policy", "refuse_print_ready"), _POLICIES)
@pytest.mark.parametrize(
    ("residency_status", "wajib_ktp", "expected"),
    [
        ("moved_out", True, R.resident_not_active),
        ("deceased", False, R.resident_not_active),
        ("suspended", True, R.resident_not_active),
        ("active", False, R.not_wajib_ktp),
    ],
)
def test_residency_and_duty_come_before_the_recording_status(
    residency_status: str,
    wajib_ktp: bool,
    expected: LetterRefusal,
    policy: LetterPolicy,
    refuse_print_ready: bool,
) -> None:
    for status in (S.unregistered, S.card_issued, S.duplicate_record, S.print_ready_record):
        got = letter_refusal(
            residency_status=residency_status,
            wajib_ktp=wajib_ktp,
            recording_status=status,
            policy=policy,
            refuse_print_ready=refuse_print_ready,
        )
        assert got is expected


def test_the_default_policy_issues_to_the_unrecorded_and_to_print_ready_records() -> None:
    for status in (S.unregistered, S.print_ready_record, S.card_shipped):
        assert (
            letter_refusal(residency_status="active", wajib_ktp=True, recording_status=status)
            is None
        )
