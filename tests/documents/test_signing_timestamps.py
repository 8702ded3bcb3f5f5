"""The time a letter was signed, for the trust decision "was the certificate valid then": a TSA's
timestamp (RFC 3161) when the signature carries one, not the signing time the signer declares.

The test PKI of tests/signing/pki.py (certomancer): its TSA stamps the time the tests ask for.
Here, not in tests/signing: the mutation pass judges verify_pdf with tests/documents.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from unittest.mock import patch

import pytest
import time_machine
from asn1crypto import cms
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation.utils import CMSAlgorithmUsagePolicy
from pyhanko_certvalidator.policy_decl import AlgorithmUsageConstraint

from app.config import Settings
from app.db import session_scope
from app.documents.render import render_letter
from app.documents.sandbox import CheckLimits, _parse_report, verify_pdf_isolated
from app.documents.signing import (
    LetterSigner,
    LongTermValidation,
    _DeadlineTimeStamper,
    _timestamped_at,
    verify_pdf,
)
from app.services import certificates
from app.services.verification import verify_upload
from tests.documents.conftest import BASE_CONTENT
from tests.signing.pki import PkiServer, serve_test_pki

# The office certificate of this module's PKI ends on 2040-01-01 (UTCTime, which CMS signing
# attributes use, cannot say 2050 or later).
INSIDE = datetime(2039, 6, 1, 12, 0, tzinfo=UTC)
AFTER_THE_END = datetime(2040, 6, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PkiServer]:
    with serve_test_pki(
        tmp_path_factory.mktemp("pki-2040"), office_valid_to="2040-01-01T00:00:00+0000"
    ) as served:
        yield served


@pytest.fixture(scope="module")
def sample_unsigned_pdf() -> bytes:
    return render_letter(BASE_CONTENT)


@pytest.fixture(scope="module")
def office(pki: PkiServer) -> LetterSigner:
    return LetterSigner.from_pkcs12(pki.office_p12, None)


def _stamped(office: LetterSigner, pki: PkiServer, pdf: bytes, *, at: datetime) -> bytes:
    """The PDF signed by the office with a timestamp for `at` from the PKI's TSA (certomancer
    answers for the time its header names)."""
    office._timestamper = _DeadlineTimeStamper(
        pki.tsa_url, timeout=5, headers={"X-Certomancer-Fake-Time": at.isoformat()}
    )
    try:
        return office.sign(pdf)
    finally:
        office._timestamper = None


def test_the_report_gives_the_tsas_time(
    office: LetterSigner, pki: PkiServer, sample_unsigned_pdf: bytes
) -> None:
    trusted = [office.certificate_sha256]
    plain = verify_pdf(office.sign(sample_unsigned_pdf), trusted_certificates_sha256=trusted)
    assert plain.valid and plain.timestamped_at is None
    office.use_long_term_validation(LongTermValidation(tsa_url=pki.tsa_url))
    try:
        before = datetime.now(UTC).replace(microsecond=0)
        pdf = office.sign(sample_unsigned_pdf)
    finally:
        office.use_long_term_validation(LongTermValidation())
    report = verify_pdf(pdf, trusted_certificates_sha256=trusted)
    assert report.valid and report.timestamped_at is not None
    assert before <= report.timestamped_at <= datetime.now(UTC) + timedelta(seconds=1)
    # The same time after the round trip through the sandboxed check.
    isolated = verify_pdf_isolated(pdf, trusted_certificates_sha256=trusted, limits=CheckLimits())
    assert isolated == report


def _signer_info(pdf: bytes) -> cms.SignerInfo:
    info = PdfFileReader(io.BytesIO(pdf)).embedded_regular_signatures[0].signer_info
    return cms.SignerInfo.load(info.dump())


def test_a_token_that_does_not_stamp_this_signature_gives_no_time(
    office: LetterSigner, pki: PkiServer, sample_unsigned_pdf: bytes
) -> None:
    pdf = _stamped(office, pki, sample_unsigned_pdf, at=INSIDE)
    assert _timestamped_at(_signer_info(pdf)) == INSIDE
    # Moved onto another signature: the token's imprint is not that signature's hash.
    moved = _signer_info(pdf)
    moved["signature"] = _signer_info(office.sign(sample_unsigned_pdf))["signature"].native
    assert _timestamped_at(cms.SignerInfo.load(moved.dump(force=True))) is None
    # The TSA's own signature broken: its time is nobody's word.
    broken = _signer_info(pdf)
    (attribute,) = [
        a for a in broken["unsigned_attrs"] if a["type"].native == "signature_time_stamp_token"
    ]
    tsa_info = attribute["values"][0]["content"]["signer_infos"][0]
    value = bytearray(tsa_info["signature"].native)
    value[10] ^= 1
    tsa_info["signature"] = bytes(value)
    assert _timestamped_at(cms.SignerInfo.load(broken.dump(force=True))) is None
    # A token without the TSA's certificate: no time, and no damage to the letter's check.
    bare = _signer_info(pdf)
    (attribute,) = [
        a for a in bare["unsigned_attrs"] if a["type"].native == "signature_time_stamp_token"
    ]
    attribute["values"][0]["content"]["certificates"] = None
    assert _timestamped_at(cms.SignerInfo.load(bare.dump(force=True))) is None


class _RefuseEveryAlgorithm(CMSAlgorithmUsagePolicy):
    """An algorithm policy under which no token is acceptable (as a broken or retired hash or
    signature algorithm would be under the default one)."""

    def signature_algorithm_allowed(self, *args: Any, **kwargs: Any) -> AlgorithmUsageConstraint:
        return AlgorithmUsageConstraint(allowed=False, failure_reason="refused by the test")

    def digest_algorithm_allowed(self, *args: Any, **kwargs: Any) -> AlgorithmUsageConstraint:
        return AlgorithmUsageConstraint(allowed=False, failure_reason="refused by the test")


def test_the_tokens_algorithms_are_judged_by_the_usage_policy(
    office: LetterSigner, pki: PkiServer, sample_unsigned_pdf: bytes
) -> None:
    """A token signed with an algorithm the policy refuses gives no time."""
    info = _signer_info(_stamped(office, pki, sample_unsigned_pdf, at=INSIDE))
    assert _timestamped_at(info) == INSIDE
    with patch("app.documents.signing.DEFAULT_ALGORITHM_USAGE_POLICY", _RefuseEveryAlgorithm()):
        assert _timestamped_at(info) is None


def test_a_letter_whose_token_cannot_be_read_is_checked_as_without_one(
    office: LetterSigner, pki: PkiServer, sample_unsigned_pdf: bytes
) -> None:
    pdf = _stamped(office, pki, sample_unsigned_pdf, at=INSIDE)
    with patch("app.documents.signing.extract_tst_data", side_effect=ValueError("odd token")):
        report = verify_pdf(pdf, trusted_certificates_sha256=[office.certificate_sha256])
    assert report.valid and report.timestamped_at is None
    with (
        patch("app.documents.signing.extract_tst_data", side_effect=MemoryError),
        pytest.raises(MemoryError),
    ):
        _timestamped_at(_signer_info(pdf))


def _upload(settings: Settings, sessionmaker_: Any, office: LetterSigner, pdf: bytes) -> Any:
    with session_scope(sessionmaker_) as session:
        certificates.register(session, office)
    with session_scope(sessionmaker_) as session:
        return verify_upload(
            session,
            data=pdf,
            settings=settings,
            office_certificate_sha256="0" * 64,
            development_key=False,
        )


@pytest.mark.parametrize(
    ("signed_at", "stamped_at", "outcome"),
    [
        # A key kept after its certificate ended, backdating its own signing time: the TSA
        # says when the signature was made.
        (INSIDE, AFTER_THE_END, "untrusted_signer"),
        # The signer's clock ran late; the TSA's time counts. Trusted: the sample names no
        # letter of ours, so it is "unknown letter", not "untrusted".
        (AFTER_THE_END, INSIDE, "unknown_letter"),
    ],
)
def test_the_timestamp_not_the_signing_time_decides_the_certificates_validity(
    settings: Settings,
    sessionmaker_: Any,
    office: LetterSigner,
    pki: PkiServer,
    sample_unsigned_pdf: bytes,
    signed_at: datetime,
    stamped_at: datetime,
    outcome: str,
) -> None:
    with time_machine.travel(signed_at, tick=False):
        pdf = _stamped(office, pki, sample_unsigned_pdf, at=stamped_at)
    result = _upload(settings, sessionmaker_, office, pdf)
    assert result.signed_at == signed_at
    assert result.outcome.value == outcome, result
    assert result.trusted_signer is (outcome == "unknown_letter")


def test_a_report_from_the_child_keeps_the_timestamp() -> None:
    base = {
        "signed": True,
        "intact": True,
        "covers_whole_file": True,
        "trusted": True,
        "signer_subject": "x",
        "signer_certificate_sha256": "ab" * 32,
        "signed_at": "2049-06-01T12:00:00+00:00",
        "verification_token": None,
        "letter_number": None,
        "problem": None,
    }
    report = _parse_report(json.dumps(base | {"timestamped_at": INSIDE.isoformat()}).encode())
    assert report.timestamped_at == INSIDE and report.valid
    for bad in (5, ["2049"], "yesterday"):
        assert not _parse_report(json.dumps(base | {"timestamped_at": bad}).encode()).valid
    assert not _parse_report(json.dumps(base).encode()).valid  # the field is required
