"""Tests for signing letters and verifying signed PDFs."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import re
import shutil
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pypdf
import pytest
from asn1crypto import cms
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
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
from .test_pdfsig import pdfsig


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


# --- the signature value itself, and configured PKCS#12 keys (issue 16) -------------------


def _contents_span(pdf: bytes) -> tuple[int, int]:
    """Start and end of the hex digits of the signature's /Contents string."""
    match = re.search(rb"/Contents\s*<([0-9a-fA-F]+)>", pdf)
    assert match is not None
    return match.start(1), match.end(1)


def _cms(pdf: bytes) -> cms.ContentInfo:
    start, end = _contents_span(pdf)
    # The DER is padded with zeros to the reserved size; its own length says where it ends (a
    # signature whose last byte is zero must keep it: stripping the zeros broke 1 in 256 runs).
    return cms.ContentInfo.load(bytes.fromhex(pdf[start:end].decode()), strict=False)


def _with_contents(pdf: bytes, der: bytes) -> bytes:
    start, end = _contents_span(pdf)
    hex_der = der.hex().encode().ljust(end - start, b"0")
    assert len(hex_der) == end - start
    return pdf[:start] + hex_der + pdf[end:]


def test_a_changed_signature_value_is_not_intact_and_not_trusted(
    signed_pdf: bytes, signer: LetterSigner
) -> None:
    content = _cms(signed_pdf)
    signer_info = content["content"]["signer_infos"][0]
    value = bytearray(signer_info["signature"].native)
    value[-1] ^= 0x01  # the last byte of the ECDSA `s` integer: still well-formed DER
    signer_info["signature"] = cms.OctetString(bytes(value))
    forged = _with_contents(signed_pdf, content.dump(force=True))
    # The signed bytes are untouched: their digest still matches the one the CMS names.
    assert forged != signed_pdf and len(forged) == len(signed_pdf)
    report = _verify(forged, signer)
    assert report.signed and report.covers_whole_file
    assert not report.intact
    assert not report.trusted
    assert report.problem == PROBLEM_TAMPERED
    assert not report.valid


def test_a_signature_transplanted_from_another_letter_is_not_intact(
    signed_pdf: bytes, signer: LetterSigner, make_content: Callable[..., LetterContent]
) -> None:
    other = signer.sign(
        render_letter(make_content(number="470/0002/SKK/III/2026", verification_token="B" * 22))
    )
    start, end = _contents_span(signed_pdf)
    other_start, other_end = _contents_span(other)
    assert end - start == other_end - other_start
    # Letter A's CMS, made by the right key, in letter B's /Contents.
    transplanted = other[:other_start] + signed_pdf[start:end] + other[other_end:]
    report = _verify(transplanted, signer)
    assert report.signed
    assert not report.intact
    assert report.problem == PROBLEM_TAMPERED
    assert not report.valid


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Test CA of the SKK tests"),
        ]
    )


def _certificate(
    subject: str,
    key: Any,
    issuer: x509.Certificate | None,
    issuer_key: Any,
    *,
    ca: bool,
) -> x509.Certificate:
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(issuer.subject if issuer is not None else _name(subject))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    return builder.sign(issuer_key, hashes.SHA256())


@pytest.fixture(scope="module")
def test_ca() -> tuple[x509.Certificate, Any, x509.Certificate, Any]:
    """A root CA and an intermediate CA, as an office's certificate authority would have."""
    root_key = ec.generate_private_key(ec.SECP384R1())
    root = _certificate("SKK Test Root CA", root_key, None, root_key, ca=True)
    intermediate_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    intermediate = _certificate(
        "SKK Test Intermediate CA", intermediate_key, root, root_key, ca=True
    )
    return root, root_key, intermediate, intermediate_key


@pytest.mark.parametrize("algorithm", ["rsa", "ec"])
def test_a_configured_pkcs12_with_a_ca_chain_signs_and_verifies(
    algorithm: str, test_ca, tmp_path: Path, make_content: Callable[..., LetterContent]
) -> None:
    root, _, intermediate, intermediate_key = test_ca
    key: Any = (
        rsa.generate_private_key(public_exponent=65537, key_size=3072)
        if algorithm == "rsa"
        else ec.generate_private_key(ec.SECP256R1())
    )
    leaf = _certificate(
        f"Kepala Dinas ({algorithm})", key, intermediate, intermediate_key, ca=False
    )
    path = tmp_path / "office.p12"
    path.write_bytes(
        pkcs12.serialize_key_and_certificates(
            name=b"office",
            key=key,
            cert=leaf,
            cas=[intermediate, root],
            encryption_algorithm=serialization.BestAvailableEncryption(b"rahasia kantor"),
        )
    )
    office = LetterSigner.from_pkcs12(path, "rahasia kantor")
    assert office.development is False
    assert office.certificate_sha256 == leaf.fingerprint(hashes.SHA256()).hex()
    content = make_content(number=f"470/0042/SKK/III/2026-{algorithm}")
    signed = office.sign(render_letter(content))

    report = verify_pdf(signed, trusted_certificates_sha256=[office.certificate_sha256])
    assert report.valid, report.problem
    assert report.signer_subject == f"Kepala Dinas ({algorithm})"
    assert report.letter_number == content.number
    # Trust is the pinned signing certificate, never a CA it chains to.
    assert not verify_pdf(signed, trusted_certificates_sha256=[_fingerprint(root)]).trusted
    embedded = {c.chosen.dump() for c in _cms(signed)["content"]["certificates"]}
    ders = {c.public_bytes(serialization.Encoding.DER) for c in (leaf, intermediate)}
    assert ders <= embedded  # the chain travels with the signature for other checkers

    if shutil.which("pdfsig") is not None:
        pdfsig_report = pdfsig(tmp_path, signed)
        assert "Signature Validation: Signature is Valid" in pdfsig_report
        assert "Total document signed" in pdfsig_report
        assert f"Kepala Dinas ({algorithm})" in pdfsig_report


def _fingerprint(certificate: x509.Certificate) -> str:
    return certificate.fingerprint(hashes.SHA256()).hex()


def test_the_letter_names_the_issuer_of_the_signing_certificate(
    test_ca, tmp_path: Path, make_content: Callable[..., LetterContent]
) -> None:
    # A production certificate issued by a CA named like BSrE's: the letter's e-signature
    # statement names that issuer, read from the certificate the signer holds.
    _, _, intermediate, intermediate_key = test_ca
    bsre_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    bsre = (
        x509.CertificateBuilder()
        .subject_name(
            x509.Name(
                [
                    x509.NameAttribute(NameOID.COMMON_NAME, "Balai Sertifikasi Elektronik"),
                    x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Badan Siber dan Sandi Negara"),
                ]
            )
        )
        .issuer_name(intermediate.subject)
        .public_key(bsre_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(dt.datetime.now(dt.UTC) - dt.timedelta(hours=1))
        .not_valid_after(dt.datetime.now(dt.UTC) + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(intermediate_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = _certificate("Kepala Dinas", key, bsre, bsre_key, ca=False)
    path = tmp_path / "office.p12"
    path.write_bytes(
        pkcs12.serialize_key_and_certificates(
            name=b"office",
            key=key,
            cert=leaf,
            cas=[bsre],
            encryption_algorithm=serialization.NoEncryption(),
        )
    )
    office = LetterSigner.from_pkcs12(path, None)
    assert office.issuer == "Balai Sertifikasi Elektronik (Badan Siber dan Sandi Negara)"
    text = " ".join(
        pypdf.PdfReader(io.BytesIO(render_letter(make_content(signature_issuer=office.issuer))))
        .pages[0]
        .extract_text()
        .split()
    )
    assert (
        "menggunakan sertifikat elektronik yang diterbitkan oleh Balai Sertifikasi Elektronik "
        "(Badan Siber dan Sandi Negara)." in text
    )


def test_development_key_issuer_is_itself(signer: LetterSigner) -> None:
    # Self-signed: the letter must not present it as an issuer (it says "not official").
    assert signer.development
    assert "development" in signer.issuer.lower()
