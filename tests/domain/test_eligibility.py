"""Letter eligibility, wording and the clerk-facing refusal sentences."""

from __future__ import annotations

from datetime import date

import pytest

from app.domain.dates import format_date_id
from app.domain.eligibility import (
    LetterPolicy,
    LetterRefusal,
    LetterWording,
    letter_refusal,
    letter_wording,
    refusal_message,
)
from app.domain.recording import RecordingStatus

S = RecordingStatus
R = LetterRefusal


def test_refusal_order() -> None:
    assert [r.value for r in LetterRefusal] == [
        "resident_not_active",
        "not_wajib_ktp",
        "card_already_issued",
        "recording_needs_follow_up",
        "not_yet_recorded",
        "record_print_ready",
    ]


@pytest.mark.parametrize(
    ("residency", "wajib", "status", "expected"),
    [
        pytest.param("active", True, S.unregistered, None, id="ok-unregistered"),
        pytest.param("active", True, S.bio_captured, None, id="ok-bio-captured"),
        pytest.param("active", True, S.card_shipped, None, id="ok-card-shipped"),
        pytest.param("active", True, S.print_ready_record, None, id="ok-print-ready"),
        pytest.param("moved_out", True, S.unregistered, R.resident_not_active, id="moved-out"),
        pytest.param("deceased", True, S.unregistered, R.resident_not_active, id="deceased"),
        pytest.param(
            "deceased", False, S.card_issued, R.resident_not_active, id="not-active-beats-all"
        ),
        pytest.param("active", False, S.unregistered, R.not_wajib_ktp, id="not-wajib"),
        pytest.param(
            "active", False, S.duplicate_record, R.not_wajib_ktp, id="not-wajib-beats-follow-up"
        ),
        pytest.param(
            "active", False, S.card_issued, R.not_wajib_ktp, id="not-wajib-beats-card-issued"
        ),
        pytest.param("active", True, S.card_issued, R.card_already_issued, id="card-issued"),
        *[
            pytest.param("active", True, status, R.recording_needs_follow_up, id=status.value)
            for status in (
                S.duplicate_record,
                S.enroll_failure_at_central,
                S.search_failure_at_central,
                S.enroll_failure_at_regional,
            )
        ],
    ],
)
def test_letter_refusal(
    residency: str, wajib: bool, status: RecordingStatus, expected: LetterRefusal | None
) -> None:
    assert (
        letter_refusal(residency_status=residency, wajib_ktp=wajib, recording_status=status)
        == expected
    )


W = LetterWording


@pytest.mark.parametrize(
    ("status", "wording"),
    [
        pytest.param(S.unregistered, W.not_recorded, id="unregistered"),
        *[
            pytest.param(s, W.in_process, id=s.value)
            for s in (S.bio_captured, S.processing, S.sent_for_enrollment, S.received_at_central)
        ],
        pytest.param(S.print_ready_record, W.being_printed, id="print-ready"),
        pytest.param(S.sent_for_card_printing, W.being_printed, id="sent-for-printing"),
        pytest.param(S.card_printed, W.ready_to_collect, id="card-printed"),
        pytest.param(S.card_shipped, W.ready_to_collect, id="card-shipped"),
    ],
)
def test_letter_wording(status: RecordingStatus, wording: LetterWording) -> None:
    assert letter_wording(status) is wording


AT = date(2016, 3, 12)


@pytest.mark.parametrize(
    ("refusal", "kwargs", "expected"),
    [
        pytest.param(
            R.card_already_issued,
            {"residency_status": "active", "recording_status_at": AT},
            "Penduduk ini sudah menerima KTP-el pada 12 Maret 2016; "
            "surat keterangan tidak diperlukan.",
            id="card-issued-with-date",
        ),
        pytest.param(
            R.card_already_issued,
            {"residency_status": "active", "recording_status_at": None},
            "Penduduk ini sudah menerima KTP-el; surat keterangan tidak diperlukan.",
            id="card-issued-without-date",
        ),
        pytest.param(
            R.recording_needs_follow_up,
            {
                "residency_status": "active",
                "recording_status_at": date(2024, 1, 5),
                "recording_status": S.duplicate_record,
            },
            "Perekaman KTP-el penduduk ini perlu ditindaklanjuti "
            "(status duplicate_record sejak 5 Januari 2024); "
            "surat keterangan tidak dapat diterbitkan.",
            id="follow-up",
        ),
        pytest.param(
            R.recording_needs_follow_up,
            {"residency_status": "active", "recording_status_at": None},
            "Perekaman KTP-el penduduk ini perlu ditindaklanjuti (status tindak lanjut); "
            "surat keterangan tidak dapat diterbitkan.",
            id="follow-up-unknown-status",
        ),
    ],
)
def test_refusal_message_exact(
    refusal: LetterRefusal, kwargs: dict[str, object], expected: str
) -> None:
    assert refusal_message(refusal, **kwargs).id == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("refusal", "kwargs", "fragment"),
    [
        pytest.param(
            R.resident_not_active,
            {"residency_status": "moved_out", "recording_status_at": None},
            "sudah pindah",
            id="moved-out",
        ),
        pytest.param(
            R.resident_not_active,
            {"residency_status": "deceased", "recording_status_at": None},
            "sudah meninggal dunia",
            id="deceased",
        ),
        pytest.param(
            R.resident_not_active,
            {"residency_status": "inactive", "recording_status_at": None},
            "tidak berstatus aktif (status inactive)",
            id="other-inactive",
        ),
        pytest.param(
            R.not_wajib_ktp,
            {"residency_status": "active", "recording_status_at": None},
            "belum wajib KTP-el: belum berusia 17 tahun dan belum pernah kawin",
            id="not-wajib",
        ),
        pytest.param(
            R.not_wajib_ktp,
            {
                "residency_status": "active",
                "recording_status_at": None,
                "foreign_without_itap": True,
            },
            "WNA tanpa izin tinggal tetap",
            id="not-wajib-wna",
        ),
    ],
)
def test_refusal_message_fragments(
    refusal: LetterRefusal, kwargs: dict[str, object], fragment: str
) -> None:
    message = refusal_message(refusal, **kwargs).id  # type: ignore[arg-type]
    assert fragment in message
    assert message.startswith("Penduduk ini ")
    assert message.endswith(".")


@pytest.mark.parametrize("refusal", [pytest.param(r, id=r.value) for r in LetterRefusal])
@pytest.mark.parametrize("residency", ["active", "moved_out"])
def test_every_refusal_has_a_message_in_both_languages(
    refusal: LetterRefusal, residency: str
) -> None:
    message = refusal_message(
        refusal, residency_status=residency, recording_status_at=AT, recording_status=S.processing
    )
    assert message.id.endswith(".") and message.en.endswith(".")
    assert message.id != message.en
    assert "{" not in message.id + message.en


P = LetterPolicy


@pytest.mark.parametrize(
    ("policy", "refuse_print_ready", "status", "expected"),
    [
        pytest.param(P.any_wajib_ktp, False, S.unregistered, None, id="default-unrecorded"),
        pytest.param(P.any_wajib_ktp, False, S.card_shipped, None, id="default-shipped"),
        pytest.param(
            P.recorded_only, False, S.unregistered, R.not_yet_recorded, id="recorded-only"
        ),
        pytest.param(P.recorded_only, False, S.bio_captured, None, id="recorded-only-recorded"),
        pytest.param(P.recorded_only, False, S.print_ready_record, None, id="print-ready-ok"),
        *[
            pytest.param(P.any_wajib_ktp, True, s, R.record_print_ready, id=f"refuse-{s.value}")
            for s in (
                S.print_ready_record,
                S.sent_for_card_printing,
                S.card_printed,
                S.card_shipped,
            )
        ],
        pytest.param(P.any_wajib_ktp, True, S.received_at_central, None, id="refuse-not-yet"),
        pytest.param(P.recorded_only, True, S.card_issued, R.card_already_issued, id="issued"),
    ],
)
def test_letter_policy_settings(
    policy: LetterPolicy,
    refuse_print_ready: bool,
    status: RecordingStatus,
    expected: LetterRefusal | None,
) -> None:
    refusal = letter_refusal(
        residency_status="active",
        wajib_ktp=True,
        recording_status=status,
        policy=policy,
        refuse_print_ready=refuse_print_ready,
    )
    assert refusal == expected


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        pytest.param(date(2016, m, 1), f"1 {name} 2016", id=name)
        for m, name in enumerate(
            [
                "Januari",
                "Februari",
                "Maret",
                "April",
                "Mei",
                "Juni",
                "Juli",
                "Agustus",
                "September",
                "Oktober",
                "November",
                "Desember",
            ],
            start=1,
        )
    ]
    + [pytest.param(date(2016, 3, 12), "12 Maret 2016", id="two-digit-day")],
)
def test_format_date_id(d: date, expected: str) -> None:
    assert format_date_id(d) == expected
