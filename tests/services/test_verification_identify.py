"""Which letter an uploaded PDF's signature report names (_identify), and the public reason
shown for each status (public_reason)."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from app.db import session_scope
from app.documents.signing import SignatureReport
from app.models import Letter
from app.schemas.letter import LetterStatus
from app.services.signer import load_signer
from app.services.verification import _identify, public_reason
from tests.factories import issue, register

# A report for a file signed by the office, unchanged and complete; tests replace fields.
VALID = SignatureReport(
    signed=True,
    intact=True,
    covers_whole_file=True,
    trusted=True,
    signer_subject="SKK development signing key (NOT VALID)",
    signer_certificate_sha256="00" * 32,
    signed_at=None,
    verification_token=None,
    letter_number=None,
    problem=None,
)
UNKNOWN_TOKEN = "NoSuchToken0000000000000"
UNKNOWN_NUMBER = "470/9999/SKK/XII/2099"


@pytest.fixture
def letters(sessionmaker_, settings) -> tuple[Letter, Letter]:  # type: ignore[no-untyped-def]
    """Two issued letters, so that a query matching the wrong one can be told apart."""
    signer = load_signer(settings)
    first = issue(sessionmaker_, settings, signer, register(sessionmaker_))
    second = issue(sessionmaker_, settings, signer, register(sessionmaker_))
    assert first.number != second.number
    return first, second


def _identified(sessionmaker_, report: SignatureReport) -> str | None:  # type: ignore[no-untyped-def]
    with session_scope(sessionmaker_) as session:
        letter = _identify(session, report)
        return None if letter is None else letter.number


def test_the_token_names_the_letter(sessionmaker_, letters) -> None:  # type: ignore[no-untyped-def]
    first, second = letters
    for letter in (first, second):
        report = dataclasses.replace(VALID, verification_token=letter.verification_token)
        assert _identified(sessionmaker_, report) == letter.number


def test_the_token_wins_over_the_number(sessionmaker_, letters) -> None:  # type: ignore[no-untyped-def]
    first, second = letters
    report = dataclasses.replace(
        VALID, verification_token=first.verification_token, letter_number=second.number
    )
    assert _identified(sessionmaker_, report) == first.number
    report = dataclasses.replace(
        VALID, verification_token=second.verification_token, letter_number=first.number
    )
    assert _identified(sessionmaker_, report) == second.number


@pytest.mark.parametrize("token", [None, "", UNKNOWN_TOKEN, "not a token!"])
def test_the_number_names_the_letter_when_the_token_does_not(  # type: ignore[no-untyped-def]
    sessionmaker_, letters, token
) -> None:
    first, second = letters
    for letter in (first, second):
        report = dataclasses.replace(VALID, verification_token=token, letter_number=letter.number)
        assert _identified(sessionmaker_, report) == letter.number


def test_an_unknown_token_and_number_name_no_letter(sessionmaker_, letters) -> None:  # type: ignore[no-untyped-def]
    report = dataclasses.replace(
        VALID, verification_token=UNKNOWN_TOKEN, letter_number=UNKNOWN_NUMBER
    )
    assert _identified(sessionmaker_, report) is None
    assert _identified(sessionmaker_, VALID) is None


@pytest.mark.parametrize(
    "flaw",
    [
        {"signed": False},
        {"intact": False},
        {"covers_whole_file": False},
        {"trusted": False},
        {"intact": False, "trusted": False},
    ],
    ids=["unsigned", "not-intact", "incomplete", "untrusted", "tampered"],
)
def test_a_signature_that_does_not_vouch_names_no_letter(  # type: ignore[no-untyped-def]
    sessionmaker_, letters, flaw
) -> None:
    first, second = letters
    for report in (
        dataclasses.replace(VALID, verification_token=first.verification_token, **flaw),
        dataclasses.replace(VALID, letter_number=second.number, **flaw),
        dataclasses.replace(
            VALID,
            verification_token=first.verification_token,
            letter_number=second.number,
            **flaw,
        ),
    ):
        assert _identified(sessionmaker_, report) is None


# --- public_reason ----------------------------------------------------------------------------


def _letter(status_reason: str | None = None) -> Letter:
    return Letter(valid_until=date(2026, 9, 12), status_reason=status_reason)


def test_the_reason_for_an_expired_letter_is_its_end_date() -> None:
    assert public_reason(_letter("ignored"), LetterStatus.expired) == (
        "Masa berlaku berakhir pada 12 September 2026 (validity ended on 2026-09-12)."
    )


def test_a_valid_letter_has_no_reason() -> None:
    assert public_reason(_letter("an operator's note"), LetterStatus.valid) is None


def test_a_revocation_shows_the_office_reason_masked() -> None:
    reason = public_reason(
        _letter("Dicabut atas permintaan pemohon, NIK 5371041203900001, HP 081234567890"),
        LetterStatus.revoked,
    )
    assert reason is not None
    assert reason.startswith("Dicabut atas permintaan pemohon")
    assert "5371041203900001" not in reason
    assert "081234567890" not in reason


@pytest.mark.parametrize("empty", [None, ""])
def test_a_revocation_without_a_reason_shows_none(empty: str | None) -> None:
    assert public_reason(_letter(empty), LetterStatus.revoked) is None


def test_superseded_and_void_letters_show_a_neutral_sentence_not_the_stored_reason() -> None:
    stored = "Pemegang pindah ke Kabupaten Belu"  # system-made, may tell where the holder went
    superseded = public_reason(_letter(stored), LetterStatus.superseded)
    void = public_reason(_letter(stored), LetterStatus.void)
    assert superseded == "Telah diganti dengan surat yang lebih baru (replaced by a newer letter)."
    assert void is not None and void.startswith("Dibatalkan karena data kependudukan")
    assert "e-KTP" in void
    assert stored not in superseded and stored not in void
