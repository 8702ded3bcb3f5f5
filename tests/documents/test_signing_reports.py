"""Every field of the SignatureReport verify_pdf gives for each kind of bad input.

A caller must never be able to read "intact", "trusted" or "covers the whole file" off a report
for a file that is not a PDF, is damaged or is unsigned, and values in the signed /Info that are
not text must not name a letter.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature

import app.documents.signing as signing
from app.documents.render import (
    INFO_KEY_LETTER_NUMBER,
    INFO_KEY_VERIFICATION_TOKEN,
    render_letter,
)
from app.documents.signing import (
    PROBLEM_DAMAGED,
    PROBLEM_LIMITS,
    PROBLEM_NOT_PDF,
    PROBLEM_UNSIGNED,
    LetterSigner,
    SignatureReport,
    verify_pdf,
)

from .conftest import BASE_CONTENT


def _verify(data: bytes, signer: LetterSigner) -> SignatureReport:
    return verify_pdf(data, trusted_certificates_sha256={signer.certificate_sha256})


def _assert_failure(report: SignatureReport, problem: str, *, signed: bool) -> None:
    """A report that vouches for nothing: exact booleans (not merely falsy), no signer, no
    letter."""
    assert report.problem == problem
    assert report.signed is signed
    assert report.intact is False
    assert report.covers_whole_file is False
    assert report.trusted is False
    assert report.valid is False
    assert report.signer_subject is None
    assert report.signer_certificate_sha256 is None
    assert report.signed_at is None
    assert report.verification_token is None
    assert report.letter_number is None


# --- not a PDF, damaged, unsigned ----------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b"hello", b"\x89PNG\r\n\x1a\n" + b"\x00" * 2000])
def test_not_a_pdf_vouches_for_nothing(data: bytes, signer: LetterSigner) -> None:
    _assert_failure(_verify(data, signer), PROBLEM_NOT_PDF, signed=False)


def test_a_non_bytes_argument_is_not_a_pdf(signed_pdf: bytes, signer: LetterSigner) -> None:
    report = verify_pdf(
        signed_pdf.decode("latin-1"),  # type: ignore[arg-type]
        trusted_certificates_sha256={signer.certificate_sha256},
    )
    _assert_failure(report, PROBLEM_NOT_PDF, signed=False)


def test_unsigned_pdf_vouches_for_nothing(signer: LetterSigner) -> None:
    _assert_failure(_verify(render_letter(BASE_CONTENT), signer), PROBLEM_UNSIGNED, signed=False)


def test_truncated_pdf_vouches_for_nothing(signed_pdf: bytes, signer: LetterSigner) -> None:
    report = _verify(signed_pdf[: len(signed_pdf) // 2], signer)
    _assert_failure(report, PROBLEM_DAMAGED, signed=False)


def test_header_within_the_first_1024_bytes_is_a_pdf(
    signed_pdf: bytes, signer: LetterSigner
) -> None:
    # "%PDF-" ends exactly at byte 1024: still within the window the spec allows.
    report = _verify(b" " * 1019 + signed_pdf, signer)
    assert report.problem != PROBLEM_NOT_PDF


def test_header_after_byte_1024_is_not_a_pdf(signed_pdf: bytes, signer: LetterSigner) -> None:
    # "%PDF-" would end at byte 1025: one byte too late, so the parser is never asked.
    _assert_failure(_verify(b" " * 1020 + signed_pdf, signer), PROBLEM_NOT_PDF, signed=False)


# --- the limits and damage inside the signature ---------------------------------------------


def test_memory_exhausted_while_parsing_is_the_limits_problem(
    signed_pdf: bytes, signer: LetterSigner, monkeypatch: pytest.MonkeyPatch
) -> None:
    def bomb(*_: object, **__: object) -> None:
        raise MemoryError

    monkeypatch.setattr(signing, "PdfFileReader", bomb)
    _assert_failure(_verify(signed_pdf, signer), PROBLEM_LIMITS, signed=False)


def test_memory_exhausted_while_checking_the_signature_is_the_limits_problem(
    signed_pdf: bytes, signer: LetterSigner, monkeypatch: pytest.MonkeyPatch
) -> None:
    def bomb(*_: object, **__: object) -> None:
        raise MemoryError

    monkeypatch.setattr(signing, "validate_sig_integrity", bomb)
    # The file is signed; only the check could not finish.
    _assert_failure(_verify(signed_pdf, signer), PROBLEM_LIMITS, signed=True)


def test_a_sha1_signature_is_refused_as_damaged(dev_key_path: Path, signer: LetterSigner) -> None:
    # Signed with the office's own (trusted) key, but with SHA-1: the algorithm policy refuses
    # it, so it is neither intact nor trusted, however well the bytes match.
    weak = signers.SimpleSigner.load_pkcs12(str(dev_key_path), None)
    assert weak is not None
    out = signers.sign_pdf(
        IncrementalPdfFileWriter(io.BytesIO(render_letter(BASE_CONTENT))),
        signers.PdfSignatureMetadata(field_name="Weak", md_algorithm="sha1"),
        signer=weak,
    )
    _assert_failure(_verify(out.getvalue(), signer), PROBLEM_DAMAGED, signed=True)


def test_no_difference_analysis_is_run(
    signed_pdf: bytes, signer: LetterSigner, monkeypatch: pytest.MonkeyPatch
) -> None:
    # pyHanko's difference analysis of later updates is costly on hostile files and its verdict
    # is not used (any later update is reported as "content added"), so it must be skipped.
    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("difference analysis must not run")

    monkeypatch.setattr(EmbeddedPdfSignature, "evaluate_modifications", refuse)
    writer = IncrementalPdfFileWriter(io.BytesIO(signed_pdf))
    writer.root["/SKKInjected"] = generic.TextStringObject("added later")
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    for data in (signed_pdf, out.getvalue()):
        report = _verify(data, signer)
        assert report.signed is True and report.intact is True and report.trusted is True
    assert _verify(signed_pdf, signer).valid is True


# --- /Info values that are not text ---------------------------------------------------------


def _signed_with_info(signer: LetterSigner, values: dict[str, generic.PdfObject]) -> bytes:
    """A letter whose /Info carries `values` (replacing the rendered ones), then signed."""
    writer = IncrementalPdfFileWriter(io.BytesIO(render_letter(BASE_CONTENT)))
    info_ref = writer.trailer_view.raw_get("/Info")
    info = info_ref.get_object()
    for key, value in values.items():
        info[generic.NameObject("/" + key)] = value
    writer.mark_update(info_ref)
    out = io.BytesIO()
    writer.write(out)
    return signer.sign(out.getvalue())


NOT_TEXT: dict[str, Callable[[], generic.PdfObject]] = {
    "integer": lambda: generic.NumberObject(4700001),
    "real": lambda: generic.FloatObject(470.0001),
    "array": lambda: generic.ArrayObject([generic.TextStringObject("470/0001/SKK/III/2026")]),
    "boolean": lambda: generic.BooleanObject(True),
    "dictionary": lambda: generic.DictionaryObject(),
    "null": lambda: generic.NullObject(),
}


@pytest.mark.parametrize("kind", sorted(NOT_TEXT))
def test_info_values_that_are_not_text_name_no_letter(kind: str, signer: LetterSigner) -> None:
    pdf = _signed_with_info(
        signer,
        {INFO_KEY_LETTER_NUMBER: NOT_TEXT[kind](), INFO_KEY_VERIFICATION_TOKEN: NOT_TEXT[kind]()},
    )
    report = _verify(pdf, signer)
    # The signature itself is fine; only the letter it would name is unreadable.
    assert report.valid is True and report.problem is None
    assert report.letter_number is None
    assert report.verification_token is None


def test_text_info_values_are_read(signer: LetterSigner) -> None:
    pdf = _signed_with_info(
        signer,
        {
            INFO_KEY_LETTER_NUMBER: generic.TextStringObject("470/0042/SKK/III/2026"),
            INFO_KEY_VERIFICATION_TOKEN: generic.TextStringObject("ZyXwVuTsRqPoNmLkJiHgFe"),
        },
    )
    report = _verify(pdf, signer)
    assert report.valid is True
    assert report.letter_number == "470/0042/SKK/III/2026"
    assert report.verification_token == "ZyXwVuTsRqPoNmLkJiHgFe"
