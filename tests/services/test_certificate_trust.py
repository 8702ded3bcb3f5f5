"""Which recorded certificate vouches for a letter's PDF: a QR-only key (the companion beside
BSrE) never does, whatever its validity."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.db import session_scope
from app.documents.signing import PROBLEM_UNTRUSTED, SignatureReport
from app.models import Letter, SigningCertificate
from app.services import verification
from app.services.certificates import find, known_fingerprints, trusted_for, valid_at

SIGNED = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


def _certificate(*, qr_only: bool) -> SigningCertificate:
    return SigningCertificate(
        sha256="ab" * 32,
        not_before=datetime(2026, 1, 1, tzinfo=UTC),
        not_after=datetime(2027, 1, 1, tzinfo=UTC),
        qr_only=qr_only,
    )


def test_a_letter_signing_certificate_vouches_within_its_validity() -> None:
    assert trusted_for(_certificate(qr_only=False), moments=[SIGNED])
    assert not trusted_for(_certificate(qr_only=False), moments=[datetime(2027, 1, 2, tzinfo=UTC)])


def test_a_qr_only_certificate_vouches_for_no_pdf() -> None:
    assert not trusted_for(_certificate(qr_only=True), moments=[SIGNED])
    assert not trusted_for(_certificate(qr_only=True), moments=[SIGNED], recorded_sha256="ab" * 32)


# --- _within_validity: the upload check's trust decision over the signature report ----------

OFFICE = "cd" * 32  # today's key, lower-case hex as the signer gives it
RECORDED = "ab" * 32


def _report(fingerprint: str, *, problem: str | None = None, signed_at=SIGNED) -> SignatureReport:  # type: ignore[no-untyped-def]
    return SignatureReport(
        signed=True,
        intact=problem is None,
        covers_whole_file=True,
        trusted=problem is None,
        signer_subject="KEPALA DINAS",
        signer_certificate_sha256=fingerprint,
        signed_at=signed_at,
        verification_token="token",
        letter_number="470/0001/Disdukcapil/XI/2026",
        problem=problem,
    )


def _judge(monkeypatch, report: SignatureReport, letter: Letter | None, *, listed=()):  # type: ignore[no-untyped-def]
    recorded = {RECORDED: _certificate(qr_only=False)}
    monkeypatch.setattr(verification.certificates, "find", lambda _s, sha: recorded.get(sha))
    return verification._within_validity(
        None,  # type: ignore[arg-type]  # find() is replaced: no database is read
        report,
        letter,
        listed=list(listed),
        office_certificate_sha256=OFFICE,
    )


def test_a_report_that_already_failed_is_passed_on_as_it_is(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A modified file by an unknown key keeps its own problem (not 'untrusted')."""
    report = _report("ef" * 32, problem="the file was changed after it was signed")
    assert _judge(monkeypatch, report, None) == (report, None)


def test_a_listed_fingerprint_is_trusted_however_it_is_written(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    report = _report("ef" * 32)
    listed = [":".join(["EF"] * 32)]  # as a certificate viewer shows it
    assert _judge(monkeypatch, report, None, listed=listed) == (report, None)
    assert _judge(monkeypatch, report, None)[0].problem == PROBLEM_UNTRUSTED


def test_todays_key_not_yet_recorded_is_trusted(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    report = _report(OFFICE)
    assert _judge(monkeypatch, report, None) == (report, None)


def test_the_letters_issue_time_must_fall_within_the_certificate_too(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    report = _report(RECORDED)  # signed (by its own word) inside the validity
    inside = Letter(issued_at=SIGNED, signing_certificate_sha256=RECORDED)
    assert _judge(monkeypatch, report, inside) == (report, inside)
    late = Letter(issued_at=datetime(2027, 2, 1, tzinfo=UTC), signing_certificate_sha256=RECORDED)
    judged, letter = _judge(monkeypatch, report, late)
    assert letter is None
    assert not judged.trusted and judged.problem == PROBLEM_UNTRUSTED


# --- the certificate table's own rules ------------------------------------------------------


def test_a_certificate_is_valid_from_its_first_to_its_last_instant() -> None:
    certificate = _certificate(qr_only=False)
    tick = timedelta(microseconds=1)
    assert valid_at(certificate, certificate.not_before)
    assert valid_at(certificate, certificate.not_after)
    assert not valid_at(certificate, certificate.not_before - tick)
    assert not valid_at(certificate, certificate.not_after + tick)


def test_every_moment_must_fall_within_the_validity() -> None:
    certificate = _certificate(qr_only=False)
    after = datetime(2027, 1, 2, tzinfo=UTC)
    assert trusted_for(certificate, moments=[])  # nothing to contradict it
    assert not trusted_for(certificate, moments=[SIGNED, after])
    assert not trusted_for(certificate, moments=[after, SIGNED])


def test_a_letter_naming_another_certificate_is_not_vouched_for() -> None:
    certificate = _certificate(qr_only=False)
    assert trusted_for(certificate, moments=[SIGNED], recorded_sha256=certificate.sha256)
    assert trusted_for(certificate, moments=[SIGNED], recorded_sha256=None)  # an older letter
    assert not trusted_for(certificate, moments=[SIGNED], recorded_sha256="cd" * 32)
    assert not trusted_for(None, moments=[SIGNED])


def test_the_table_knows_letter_keys_only_and_finds_any_spelling(sessionmaker_) -> None:  # type: ignore[no-untyped-def]
    with session_scope(sessionmaker_) as session:
        for sha256, qr_only in (("ab" * 32, False), ("cd" * 32, True)):
            session.add(
                SigningCertificate(
                    sha256=sha256,
                    subject="KEPALA DINAS",
                    issuer="Test CA",
                    not_before=datetime(2026, 1, 1, tzinfo=UTC),
                    not_after=datetime(2027, 1, 1, tzinfo=UTC),
                    certificate_pem="-----BEGIN CERTIFICATE-----",
                    development=False,
                    qr_only=qr_only,
                )
            )
    with session_scope(sessionmaker_) as session:
        assert known_fingerprints(session) == ["ab" * 32]
        found = find(session, ("AB" * 32))
        assert found is not None and found.sha256 == "ab" * 32
        assert find(session, "ef" * 32) is None
