"""SKK_TSA_URL and PAdES B-LT: a letter carries an RFC 3161 timestamp and the validation
information (certificates, OCSP answers, CRLs) that proves it valid without any network later."""

from __future__ import annotations

import io
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from asn1crypto import cms, tsp
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_ltv_signature
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko.sign.validation.ltv import RevocationInfoValidationType
from pyhanko.sign.validation.status import PdfSignatureStatus

from app.config import Settings
from app.documents.signing import (
    LetterSigner,
    LongTermValidation,
    SigningKeyError,
    SigningUnavailable,
    load_trust_roots,
    verify_pdf,
)
from tests.documents.test_pdfsig import pdfsig
from tests.factories import issue_http, register_http

from .conftest import require_tool
from .pki import PkiServer, serve_test_pki

TSA_NAME = "SKK Test Timestamp Authority"


def _long_term(pki: PkiServer, **overrides: object) -> LongTermValidation:
    values: dict[str, object] = {
        "tsa_url": pki.tsa_url,
        "embed_validation_info": True,
        "trust_roots": load_trust_roots(pki.root_pem),
    }
    values.update(overrides)
    return LongTermValidation(**values)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def office(test_pki: PkiServer) -> LetterSigner:
    signer = LetterSigner.from_pkcs12(test_pki.office_p12, None)
    signer.use_long_term_validation(_long_term(test_pki))
    return signer


@pytest.fixture(scope="module")
def long_term_pdf(office: LetterSigner, sample_unsigned_pdf: bytes) -> bytes:
    return office.sign(sample_unsigned_pdf)


def _timestamp_token(pdf: bytes) -> tsp.TSTInfo:
    """The TSTInfo of the signature timestamp in the letter's CMS (unsigned attribute)."""
    sig = PdfFileReader(io.BytesIO(pdf)).embedded_regular_signatures[0]
    attrs = sig.signer_info["unsigned_attrs"]
    tokens = [a for a in attrs if a["type"].native == "signature_time_stamp_token"]
    assert len(tokens) == 1
    content = tokens[0]["values"][0]["content"]
    return content["encap_content_info"]["content"].parsed


def test_a_timestamped_letter_carries_the_tsas_token(long_term_pdf, test_pki) -> None:
    info = _timestamp_token(long_term_pdf)
    assert abs(info["gen_time"].native - datetime.now(UTC)) < timedelta(minutes=5)
    assert info["tsa"].chosen.native.get("common_name") == TSA_NAME or TSA_NAME in str(
        test_pki.arch.get_cert("tsa").subject.native
    )
    # Our own check (and so the upload check) still sees one intact whole-file signature.
    report = verify_pdf(long_term_pdf, trusted_certificates_sha256=[_fingerprint(test_pki)])
    assert report.valid, report.problem


def _fingerprint(pki: PkiServer) -> str:
    import hashlib

    return hashlib.sha256(pki.arch.get_cert("office").dump()).hexdigest()


def test_pdfsig_accepts_the_timestamped_letter_and_its_token(long_term_pdf, tmp_path) -> None:
    require_tool(
        shutil.which("pdfsig") is not None, "pdfsig (poppler-utils)", "SKK_TEST_REQUIRE_SOFTHSM"
    )
    report = pdfsig(tmp_path, long_term_pdf)
    assert "Signature Validation: Signature is Valid" in report
    assert "Total document signed" in report
    # pdfsig (poppler 22) prints no timestamp line; its -dump of the CMS it verified holds the
    # TSA's token.
    subprocess.run(["pdfsig", "-dump", "letter.pdf"], cwd=tmp_path, check=True, timeout=60)
    dumped = cms.ContentInfo.load((tmp_path / "letter.pdf.sig0").read_bytes())
    unsigned = dumped["content"]["signer_infos"][0]["unsigned_attrs"]
    assert [a["type"].native for a in unsigned] == ["signature_time_stamp_token"]


def test_the_embedded_validation_information_validates_with_no_network(
    long_term_pdf, test_pki, sample_unsigned_pdf
) -> None:
    root = asn1_x509.Certificate.load(test_pki.root_der)
    dss = PdfFileReader(io.BytesIO(long_term_pdf)).root["/DSS"]
    assert len(dss["/Certs"]) >= 3 and (len(dss.get("/OCSPs", [])) + len(dss.get("/CRLs", []))) >= 2

    # No fetching: only what the letter carries, and the TSA's time as the moment of signing;
    # the test PKI's server sees no request meanwhile.
    asked = len(test_pki.requests)
    status = _validate_offline(long_term_pdf, root)
    assert status.bottom_line, status.pretty_print_details()
    assert status.timestamp_validity is not None and status.timestamp_validity.valid
    assert len(test_pki.requests) == asked

    # Without the embedded information the same check has nothing to go on.
    plain = LetterSigner.from_pkcs12(test_pki.office_p12, None).sign(sample_unsigned_pdf)
    try:
        result = _validate_offline(plain, root)
    except Exception:  # noqa: BLE001 - pyHanko: no timestamp, no revocation information
        return
    assert not result.bottom_line


def _validate_offline(pdf: bytes, root: asn1_x509.Certificate) -> PdfSignatureStatus:
    reader = PdfFileReader(io.BytesIO(pdf))
    sig = reader.embedded_regular_signatures[0]
    offline = {"trust_roots": [root], "allow_fetching": False}
    bootstrap = DocumentSecurityStore.read_dss(reader).as_validation_context(
        dict(offline), include_revinfo=True
    )
    return validate_pdf_ltv_signature(
        sig,
        RevocationInfoValidationType.PADES_LT,
        validation_context_kwargs=offline,
        bootstrap_validation_context=bootstrap,
    )


def test_embedding_validation_information_needs_trust_roots(test_pki) -> None:
    signer = LetterSigner.from_pkcs12(test_pki.office_p12, None)
    with pytest.raises(SigningKeyError, match="set SKK_SIGNING_TRUST_ROOTS"):
        signer.use_long_term_validation(_long_term(test_pki, trust_roots=()))


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_tsa_that_is_down_or_slow_signs_nothing(test_pki, sample_unsigned_pdf) -> None:
    signer = LetterSigner.from_pkcs12(test_pki.office_p12, None)
    signer.use_long_term_validation(
        _long_term(
            test_pki, tsa_url=f"http://127.0.0.1:{_closed_port()}/tsa", embed_validation_info=False
        )
    )
    with pytest.raises(SigningUnavailable, match="did not answer in time or refused"):
        signer.sign(sample_unsigned_pdf)

    signer.use_long_term_validation(_long_term(test_pki, tsa_timeout=0.3))
    test_pki.stall_seconds = 1.0
    try:
        started = datetime.now(UTC)
        with pytest.raises(SigningUnavailable):
            signer.sign(sample_unsigned_pdf)
        assert datetime.now(UTC) - started < timedelta(seconds=10)
    finally:
        test_pki.stall_seconds = 0.0


def test_a_tsa_that_trickles_its_reply_is_cut_off_at_the_deadline(
    test_pki, sample_unsigned_pdf
) -> None:
    signer = LetterSigner.from_pkcs12(test_pki.office_p12, None)
    signer.use_long_term_validation(
        _long_term(test_pki, tsa_timeout=0.5, embed_validation_info=False)
    )
    test_pki.trickle = "/tsa/"
    try:
        started = time.monotonic()
        with pytest.raises(SigningUnavailable):
            signer.sign(sample_unsigned_pdf)
        # A read timeout alone would wait for the whole 10 s reply.
        assert time.monotonic() - started < 2.5
    finally:
        test_pki.trickle = ""


def test_an_ocsp_responder_that_trickles_is_cut_off_at_the_deadline(
    test_pki, sample_unsigned_pdf
) -> None:
    signer = LetterSigner.from_pkcs12(test_pki.office_p12, None)
    long_term = _long_term(test_pki, tsa_timeout=0.5, revocation_timeout=0.5)
    signer.use_long_term_validation(long_term)
    test_pki.trickle = "/ocsp/"
    try:
        started = time.monotonic()
        with pytest.raises(SigningUnavailable):
            signer.sign(sample_unsigned_pdf)
        assert time.monotonic() - started < long_term.deadline + 1.0 < 10
    finally:
        test_pki.trickle = ""


# --- through the API -------------------------------------------------------------------------


@pytest.fixture
def settings(settings: Settings, test_pki: PkiServer) -> Settings:
    """The API tests' settings: the office's test-PKI key, the test TSA, B-LT."""
    return Settings.model_validate(
        {
            **settings.model_dump(),
            "signing_p12": test_pki.office_p12,
            "tsa_url": test_pki.tsa_url,
            "tsa_timeout_seconds": 0.5,
            "signing_embed_validation_info": True,
            "signing_trust_roots": test_pki.root_pem,
        }
    )


def test_an_issued_timestamped_letter_is_genuine_on_upload(client, keys, test_pki) -> None:
    resident = register_http(client, keys.operator)
    response = issue_http(client, keys.operator, resident["nik"])
    assert response.status_code == 201, response.text
    pdf = client.get(response.json()["document"]["url"], headers=keys.operator).content
    assert _timestamp_token(pdf)["gen_time"].native is not None
    upload = client.post("/api/v1/verify", content=pdf, headers={"Content-Type": "application/pdf"})
    assert upload.status_code == 200, upload.text
    assert upload.json()["outcome"] == "genuine"


def test_a_stalled_tsa_answers_503_and_uses_no_number(client, keys, test_pki) -> None:
    first, second, third = (register_http(client, keys.operator) for _ in range(3))
    before = issue_http(client, keys.operator, first["nik"])
    assert before.status_code == 201, before.text

    test_pki.stall_seconds = 1.5
    try:
        failed = issue_http(client, keys.operator, second["nik"])
    finally:
        test_pki.stall_seconds = 0.0
    assert failed.status_code == 503, failed.text
    assert failed.json()["code"] == "signing_unavailable"
    assert failed.headers["retry-after"] == "30"
    # No letter stored: the office still has exactly the first one.
    listed = client.get("/api/v1/letters", headers=keys.operator).json()["items"]
    assert [letter["id"] for letter in listed] == [before.json()["id"]]

    after = issue_http(client, keys.operator, third["nik"])
    assert after.status_code == 201, after.text
    seq = [int(r.json()["number"].split("/")[1]) for r in (before, after)]
    assert seq[1] == seq[0] + 1, "the failed issue used a number"


@pytest.mark.parametrize("url", ["ftp://tsa.example/", "tsa.example", "http://"])
def test_a_tsa_url_that_is_not_http_is_refused_at_start(url) -> None:
    with pytest.raises(ValueError, match="SKK_TSA_URL must be an http"):
        Settings(tsa_url=url, _env_file=None)  # type: ignore[call-arg]


def test_an_empty_tsa_url_means_no_timestamp() -> None:
    assert Settings(tsa_url=" ", _env_file=None).tsa_url is None  # type: ignore[call-arg]


# --- years later -------------------------------------------------------------------------------

LATER = datetime(2035, 1, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def short_lived_pki(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PkiServer]:
    """A PKI whose office certificate ends in 2030 and is revoked from 2029 on."""
    with serve_test_pki(
        tmp_path_factory.mktemp("short-lived-pki"),
        office_valid_to="2030-01-01T00:00:00+0000",
        office_revoked_since="2029-06-01T00:00:00+0000",
    ) as pki:
        yield pki


def _validate_later(pdf: bytes, root: asn1_x509.Certificate) -> PdfSignatureStatus:
    """Validation in 2035: the TSA's chain is checked as of then (its CA answers), the office's
    certificate as of the timestamp, from what the letter carries."""
    reader = PdfFileReader(io.BytesIO(pdf))
    sig = reader.embedded_regular_signatures[0]
    kwargs = {"trust_roots": [root]}
    bootstrap = DocumentSecurityStore.read_dss(reader).as_validation_context(
        {**kwargs, "allow_fetching": True}, include_revinfo=True
    )
    return validate_pdf_ltv_signature(
        sig,
        RevocationInfoValidationType.PADES_LT,
        validation_context_kwargs=kwargs,
        bootstrap_validation_context=bootstrap,
    )


def test_a_letter_still_validates_after_its_certificate_expired_and_was_revoked(
    short_lived_pki, sample_unsigned_pdf
) -> None:
    signer = LetterSigner.from_pkcs12(short_lived_pki.office_p12, None)
    plain = signer.sign(sample_unsigned_pdf)
    signer.use_long_term_validation(_long_term(short_lived_pki))
    long_term = signer.sign(sample_unsigned_pdf)
    root = asn1_x509.Certificate.load(short_lived_pki.root_der)

    with time_machine.travel(LATER, tick=False):
        status = _validate_later(long_term, root)
        assert status.bottom_line, status.pretty_print_details()
        # Without a timestamp and embedded answers, the expired, revoked certificate is all
        # a verifier has.
        try:
            plain_status = _validate_later(plain, root)
        except Exception:  # noqa: BLE001 - pyHanko: no time of signing can be established
            return
        assert not plain_status.bottom_line
