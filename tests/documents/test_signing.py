"""Tests for signing letters and verifying signed PDFs."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader

from app.documents.render import LetterContent, render_letter
from app.documents.signing import (
    PROBLEM_APPENDED,
    PROBLEM_DAMAGED,
    PROBLEM_NOT_PDF,
    PROBLEM_TAMPERED,
    PROBLEM_UNSIGNED,
    PROBLEM_UNTRUSTED,
    LetterSigner,
    SignatureReport,
    verify_pdf,
)

from .conftest import BASE_CONTENT


def _verify(data: bytes, signer: LetterSigner) -> SignatureReport:
    return verify_pdf(data, trusted_certificates_sha256={signer.certificate_sha256})


def test_signed_letter_verifies(signed_pdf: bytes, signer: LetterSigner) -> None:
    report = _verify(signed_pdf, signer)
    assert report.problem is None
    assert report.signed and report.intact and report.covers_whole_file and report.trusted
    assert report.valid
    assert report.signer_subject == signer.subject
    assert report.signer_certificate_sha256 == signer.certificate_sha256
    assert report.signed_at is not None
    assert abs(dt.datetime.now(dt.UTC) - report.signed_at) < dt.timedelta(minutes=10)


def test_token_and_number_read_back_from_signed_revision(
    signed_pdf: bytes, signer: LetterSigner
) -> None:
    report = _verify(signed_pdf, signer)
    assert report.verification_token == BASE_CONTENT.verification_token
    assert report.letter_number == BASE_CONTENT.number


def test_signature_is_pades_over_whole_file(signed_pdf: bytes) -> None:
    reader = PdfFileReader(io.BytesIO(signed_pdf))
    (sig,) = reader.embedded_signatures
    assert sig.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    assert sig.md_algorithm == "sha256"
    signed_attrs = {a["type"].native for a in sig.signer_info["signed_attrs"]}
    assert "signing_certificate_v2" in signed_attrs
    # The unsigned rendering is the first revision, the signature the second.
    assert reader.xrefs.total_revisions == 2
    assert signed_pdf.startswith(render_letter(BASE_CONTENT))


def test_signer_metadata(signer: LetterSigner) -> None:
    assert len(signer.certificate_sha256) == 64
    assert signer.certificate_pem.startswith(b"-----BEGIN CERTIFICATE-----")
    assert signer.subject == "SKK development signing key (NOT VALID)"
    assert signer.development is True


def test_one_changed_byte_is_detected(signed_pdf: bytes, signer: LetterSigner) -> None:
    # Change one letter of the first revision's /Producer string: the PDF stays
    # parseable, only the signed digest no longer matches.
    position = signed_pdf.index(b"/Producer")
    tampered = bytearray(signed_pdf)
    tampered[position + 12] ^= 0x01
    report = _verify(bytes(tampered), signer)
    assert report.signed
    assert not report.intact
    assert report.problem == PROBLEM_TAMPERED
    assert not report.valid
    # The signature itself still checks out, so it is known who signed the original.
    assert report.trusted
    assert report.signer_certificate_sha256 == signer.certificate_sha256


def test_changed_byte_in_compressed_stream_is_detected(
    signed_pdf: bytes, signer: LetterSigner
) -> None:
    # Inside the embedded font program (the stream whose dictionary has /Length1).
    start = signed_pdf.index(b"stream\n", signed_pdf.index(b"/Length1")) + 500
    tampered = bytearray(signed_pdf)
    tampered[start] ^= 0xFF
    report = _verify(bytes(tampered), signer)
    assert not report.intact
    assert report.problem == PROBLEM_TAMPERED


def test_other_key_is_not_trusted(other_signer: LetterSigner, signer: LetterSigner) -> None:
    signed = other_signer.sign(render_letter(BASE_CONTENT))
    report = _verify(signed, signer)
    assert report.signed and report.intact and report.covers_whole_file
    assert not report.trusted
    assert report.problem == PROBLEM_UNTRUSTED
    assert report.signer_subject == "Intruder"
    assert report.signer_certificate_sha256 == other_signer.certificate_sha256


def test_trust_accepts_colon_separated_upper_case_fingerprints(
    signed_pdf: bytes, signer: LetterSigner
) -> None:
    fingerprint = signer.certificate_sha256.upper()
    colon_form = ":".join(fingerprint[i : i + 2] for i in range(0, 64, 2))
    assert verify_pdf(signed_pdf, trusted_certificates_sha256=[colon_form]).trusted


def test_nothing_trusted(signed_pdf: bytes) -> None:
    report = verify_pdf(signed_pdf, trusted_certificates_sha256=())
    assert not report.trusted
    assert report.problem == PROBLEM_UNTRUSTED


def test_unsigned_pdf(signer: LetterSigner) -> None:
    report = _verify(render_letter(BASE_CONTENT), signer)
    assert not report.signed
    assert report.problem == PROBLEM_UNSIGNED


@pytest.mark.parametrize("data", [b"not a pdf", b"", b"\x00" * 5000, b"<html>%PDF</html>"])
def test_garbage_is_not_a_pdf(data: bytes, signer: LetterSigner) -> None:
    report = _verify(data, signer)
    assert not report.signed
    assert report.problem == PROBLEM_NOT_PDF


def test_truncated_halves(signed_pdf: bytes, signer: LetterSigner) -> None:
    half = len(signed_pdf) // 2
    first = _verify(signed_pdf[:half], signer)
    assert not first.signed and not first.valid
    assert first.problem == PROBLEM_DAMAGED
    second = _verify(signed_pdf[half:], signer)
    assert not second.valid
    assert second.problem in (PROBLEM_NOT_PDF, PROBLEM_DAMAGED)


def test_truncated_signature_revision(signed_pdf: bytes, signer: LetterSigner) -> None:
    # Cut inside the signature's incremental update: the reader may fall back to
    # the unsigned first revision or fail outright; either way, not valid.
    report = _verify(signed_pdf[:-200], signer)
    assert not report.valid
    assert report.problem in (PROBLEM_DAMAGED, PROBLEM_UNSIGNED)


def test_incremental_update_after_signing(signed_pdf: bytes, signer: LetterSigner) -> None:
    writer = IncrementalPdfFileWriter(io.BytesIO(signed_pdf))
    writer.root["/SKKInjected"] = generic.TextStringObject("added later")
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    report = _verify(out.getvalue(), signer)
    assert report.signed and report.intact and report.trusted
    assert not report.covers_whole_file
    assert report.problem == PROBLEM_APPENDED
    # Still the values from the signed revision.
    assert report.verification_token == BASE_CONTENT.verification_token


def test_appended_garbage_bytes(signed_pdf: bytes, signer: LetterSigner) -> None:
    report = _verify(signed_pdf + b"\n% trailing junk\n", signer)
    assert not report.covers_whole_file
    assert not report.valid


def test_sign_from_many_threads(
    signer: LetterSigner, make_content: Callable[..., LetterContent]
) -> None:
    contents = [
        make_content(
            full_name=f"PENDUDUK {i}",
            number=f"470/{i:04d}/SKK/III/2026",
            verification_token=f"T{i}",
        )
        for i in range(40)
    ]
    pdfs = [render_letter(c) for c in contents]
    with ThreadPoolExecutor(8) as pool:
        signed = list(pool.map(signer.sign, pdfs))
    for content, data in zip(contents, signed, strict=True):
        report = _verify(data, signer)
        assert report.valid, report.problem
        assert report.letter_number == content.number
        assert report.verification_token == content.verification_token


def test_sign_refuses_to_run_inside_event_loop(signer: LetterSigner) -> None:
    pdf = render_letter(BASE_CONTENT)

    async def inside_loop() -> bytes:
        return signer.sign(pdf)

    with pytest.raises(RuntimeError, match="event loop"):
        asyncio.run(inside_loop())

    async def via_thread() -> bytes:
        return await asyncio.to_thread(signer.sign, pdf)

    assert _verify(asyncio.run(via_thread()), signer).valid


def test_verify_works_inside_event_loop(signed_pdf: bytes, signer: LetterSigner) -> None:
    async def inside_loop() -> SignatureReport:
        return _verify(signed_pdf, signer)

    assert asyncio.run(inside_loop()).valid


def test_info_rewritten_in_place_after_signing_is_read_from_the_signed_revision(
    signed_pdf: bytes, signer: LetterSigner
) -> None:
    # Same object number, new content, in an update after the signature: the reader's newest
    # view of /Info names another letter, the signed revision still names this one.
    writer = IncrementalPdfFileWriter(io.BytesIO(signed_pdf))
    info_ref = writer.trailer_view.raw_get("/Info")
    info = info_ref.get_object()
    info[generic.NameObject("/SKKLetterNumber")] = generic.TextStringObject("470/9999/SKK/III/2026")
    info[generic.NameObject("/SKKVerificationToken")] = generic.TextStringObject(
        "StolenToken0000000"
    )
    writer.mark_update(info_ref)
    out = io.BytesIO()
    writer.write(out)
    report = _verify(out.getvalue(), signer)
    assert report.problem == PROBLEM_APPENDED and not report.valid
    assert report.letter_number == BASE_CONTENT.number
    assert report.verification_token == BASE_CONTENT.verification_token
