"""The QR's offline proof: a compact JWS that an independent JOSE library accepts, bound to
the URL's token, and refused when anything in it changes."""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from joserfc import jws
from joserfc.jwk import KeySet

from app.documents.offline_qr import (
    Outcome,
    ProofNotVerified,
    b64url,
    b64url_decode,
    check_qr_url,
    kid_of,
    letter_claims,
    public_jwk,
    sign_jws,
    token_hash,
)
from app.documents.render import _qr_modules, qr_print_size, render_letter
from app.documents.signing import LetterSigner, SigningKeyError
from app.services.certificates import qr_url
from tests.certificates import office_p12
from tests.documents.conftest import BASE_CONTENT
from tests.qr_scan import needs_zbar, scan_pdf

TOKEN = "fx-0_HRNJU08J_YXhq6sHeK4JlmIKM46"
BASE = "https://skk.kupangkota.go.id"
TODAY = date(2026, 11, 30)


def _claims(**overrides: Any) -> dict[str, str]:
    values: dict[str, Any] = {
        "number": "470/0123/Disdukcapil/XI/2026",
        "holder": "MARIA FERNANDEZ DA COSTA",
        "nik_masked": "537104******0001",
        "issued_on": date(2026, 11, 30),
        "valid_until": date(2027, 5, 30),
        "token": TOKEN,
        **overrides,
    }
    return letter_claims(**values)


@pytest.fixture(scope="module")
def rsa_signer(tmp_path_factory: pytest.TempPathFactory) -> LetterSigner:
    return LetterSigner.from_pkcs12(
        office_p12(tmp_path_factory.mktemp("rsa"), "RSA office", key="rsa"), None
    )


def _jwks(*signers: LetterSigner) -> dict[str, Any]:
    return {"keys": [public_jwk(s.certificate_pem, s.certificate_sha256) for s in signers]}


@pytest.mark.parametrize(("which", "alg"), [("signer", "ES256"), ("rsa_signer", "PS256")])
def test_an_independent_jose_library_accepts_the_jws(
    request: pytest.FixtureRequest, which: str, alg: str
) -> None:
    signer: LetterSigner = request.getfixturevalue(which)
    compact = sign_jws(signer, _claims())
    key_set = KeySet.import_key_set(_jwks(signer))  # type: ignore[arg-type]
    checked = jws.deserialize_compact(compact, key_set, algorithms=[alg])
    assert checked.headers() == {"alg": alg, "kid": kid_of(signer.certificate_sha256)}
    assert json.loads(checked.payload) == _claims()
    jwk = _jwks(signer)["keys"][0]
    assert jwk["alg"] == alg and jwk["use"] == "sig"
    assert jwk["kid"] == signer.certificate_sha256[:8]


def test_an_rsa_key_signs_pss_with_sha256_and_a_32_byte_salt(rsa_signer: LetterSigner) -> None:
    signature = rsa_signer.sign_bytes_pss(b"data")
    public = rsa_signer._public_key
    public.verify(  # type: ignore[union-attr, call-arg]
        signature,
        b"data",
        padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32),
        hashes.SHA256(),
    )
    with pytest.raises(InvalidSignature):
        public.verify(  # type: ignore[union-attr, call-arg]
            signature,
            b"data",
            padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=20),
            hashes.SHA256(),
        )
    assert signature != rsa_signer.sign_bytes_pss(b"data")  # a fresh salt each time


def test_an_ec_key_has_no_pss_signature(signer: LetterSigner) -> None:
    with pytest.raises(SigningKeyError):
        signer.sign_bytes_pss(b"data")


def _rs256_proof(signer: LetterSigner) -> str:
    """A proof as RSA keys printed it before PS256: RSASSA-PKCS1-v1_5 over the same input."""
    header = {"alg": "RS256", "kid": kid_of(signer.certificate_sha256)}
    signing_input = (
        b64url(json.dumps(header, separators=(",", ":")).encode())
        + "."
        + b64url(json.dumps(_claims(), separators=(",", ":")).encode())
    )
    return f"{signing_input}.{b64url(signer.sign_bytes(signing_input.encode()))}"


def test_rs256_proofs_printed_before_ps256_still_verify(rsa_signer: LetterSigner) -> None:
    key_set = _jwks(rsa_signer)
    assert key_set["keys"][0]["alg"] == "PS256"
    old = check_qr_url(f"{BASE}/v/{TOKEN}#{_rs256_proof(rsa_signer)}", key_set, today=TODAY)
    assert old.outcome is Outcome.valid, old
    # A PSS signature under an RS256 header, or the reverse, is refused.
    _, payload, pss = sign_jws(rsa_signer, _claims()).split(".")
    rs256_header = _rs256_proof(rsa_signer).split(".")[0]
    swapped = f"{BASE}/v/{TOKEN}#{rs256_header}.{payload}.{pss}"
    assert check_qr_url(swapped, key_set, today=TODAY).outcome is Outcome.signature_mismatch
    ps256_header = b64url(
        json.dumps({"alg": "PS256", "kid": kid_of(rsa_signer.certificate_sha256)}).encode()
    )
    pkcs1 = _rs256_proof(rsa_signer).split(".")[2]
    reverse = f"{BASE}/v/{TOKEN}#{ps256_header}.{payload}.{pkcs1}"
    assert check_qr_url(reverse, key_set, today=TODAY).outcome is Outcome.signature_mismatch


def test_an_ec_key_accepts_no_rsa_algorithm(signer: LetterSigner) -> None:
    for alg in ("RS256", "PS256"):
        url = f"{BASE}/v/{TOKEN}#{_header(alg, signer)}.e30.AA"
        check = check_qr_url(url, _jwks(signer), today=TODAY)
        assert check.outcome is Outcome.signature_mismatch and alg in check.reason


def _header(alg: str, signer: LetterSigner) -> str:
    return b64url(json.dumps({"alg": alg, "kid": kid_of(signer.certificate_sha256)}).encode())


def test_the_token_hash_is_96_bits_of_sha256() -> None:
    assert token_hash(TOKEN) == "bFn547LvQRC-0B0q"
    assert len(b64url_decode(token_hash(TOKEN))) == 12


def test_the_qr_with_its_proof_stays_a_modest_version(signer: LetterSigner) -> None:
    # A long name and the default number format: version 15 (77 modules), level M.
    url = qr_url(
        f"{BASE}/v/{TOKEN}",
        signer,
        number="470/0123/Disdukcapil/XI/2026",
        holder="MARIA FERNANDEZ DA COSTA",
        nik="5371045208900001",
        issued_on=date(2026, 11, 30),
        valid_until=date(2027, 5, 30),
    )
    modules = len(_qr_modules(url))
    assert (modules - 17) // 4 <= 16, modules
    assert check_qr_url(url, _jwks(signer), today=TODAY).outcome is Outcome.valid


def _tamper_payload(url: str, **changes: str) -> str:
    head, _, compact = url.partition("#")
    header, payload, signature = compact.split(".")
    claims = json.loads(b64url_decode(payload)) | changes
    return f"{head}#{header}.{b64url(json.dumps(claims).encode())}.{signature}"


def test_valid_then_every_kind_of_refusal(signer: LetterSigner, other_signer: LetterSigner) -> None:
    key_set = _jwks(signer)
    url = f"{BASE}/v/{TOKEN}#{sign_jws(signer, _claims())}"
    good = check_qr_url(url, key_set, today=TODAY)
    assert good.outcome is Outcome.valid and good.claims["n"] == "470/0123/Disdukcapil/XI/2026"

    renamed = check_qr_url(_tamper_payload(url, h="SOMEONE ELSE"), key_set, today=TODAY)
    assert renamed.outcome is Outcome.signature_mismatch

    moved = check_qr_url(url.replace(TOKEN, TOKEN[::-1]), key_set, today=TODAY)
    assert moved.outcome is Outcome.signature_mismatch
    assert "another letter" in moved.reason

    foreign = f"{BASE}/v/{TOKEN}#{sign_jws(other_signer, _claims())}"
    unknown = check_qr_url(foreign, key_set, today=TODAY)
    assert unknown.outcome is Outcome.unknown_key
    assert unknown.kid == kid_of(other_signer.certificate_sha256)

    expired = check_qr_url(url, key_set, today=date(2027, 5, 31))
    assert expired.outcome is Outcome.expired
    assert check_qr_url(url, key_set, today=date(2027, 5, 30)).outcome is Outcome.valid

    assert check_qr_url(f"{BASE}/v/{TOKEN}", key_set, today=TODAY).outcome is (
        Outcome.not_our_letter
    )


def test_an_algorithm_swap_in_the_header_is_refused(signer: LetterSigner) -> None:
    compact = sign_jws(signer, _claims())
    _, payload, signature = compact.split(".")
    for alg in ("none", "HS256", "RS256", "PS256"):
        header = b64url(json.dumps({"alg": alg, "kid": kid_of(signer.certificate_sha256)}).encode())
        url = f"{BASE}/v/{TOKEN}#{header}.{payload}.{signature}"
        assert check_qr_url(url, _jwks(signer), today=TODAY).outcome is (Outcome.signature_mismatch)


@pytest.mark.parametrize(
    "fragment",
    [
        "",
        "abc",
        "a.b.c",
        "....",
        "e30.e30.",  # {} header: no kid
        b64url(b"[1,2]") + ".e30.AA",
        b64url(b'{"kid": 5}') + ".e30.AA",
        b64url(b'{"alg":"ES256","kid":"%s"}') + "." + "A" * 5000 + ".AA",
        "\u00e9\u00e9.\u00e9.\u00e9",
    ],
)
def test_hostile_fragments_are_refused_without_an_exception(
    signer: LetterSigner, fragment: str
) -> None:
    check = check_qr_url(f"{BASE}/v/{TOKEN}#{fragment}", _jwks(signer), today=TODAY)
    assert not check.accepted


def test_a_key_with_no_jws_algorithm_keeps_the_online_qr(tmp_path: Path) -> None:
    p384 = LetterSigner.from_pkcs12(office_p12(tmp_path, "P-384 office", key="ec384"), None)
    url = qr_url(
        f"{BASE}/v/{TOKEN}",
        p384,
        number="470/0001/Disdukcapil/XI/2026",
        holder="X",
        nik="5371045208900001",
        issued_on=TODAY,
        valid_until=TODAY,
    )
    assert url == f"{BASE}/v/{TOKEN}"
    jwk = public_jwk(p384.certificate_pem, p384.certificate_sha256)
    assert jwk["crv"] == "P-384" and "alg" not in jwk


@needs_zbar
@pytest.mark.parametrize(("holder", "version"), [("ANA", 15), ("X" * 120, 18)])
def test_the_longest_name_still_scans_at_150_dpi(
    signer: LetterSigner, tmp_path: Path, holder: str, version: int
) -> None:
    # A 120-character name (the column's limit) makes the largest code: version 18, printed
    # at the 40 mm cap, about 0.41 mm a module, 2.4 pixels at 150 dpi.
    url = qr_url(
        f"{BASE}/v/{TOKEN}",
        signer,
        number="470/0123/Disdukcapil/XI/2026",
        holder=holder,
        nik="5371045208900001",
        issued_on=date(2026, 11, 30),
        valid_until=date(2027, 5, 30),
    )
    assert (len(_qr_modules(url)) - 17) // 4 == version
    assert qr_print_size(url) <= 40 * 72 / 25.4 + 0.01
    content = dataclasses.replace(BASE_CONTENT, verification_url=url, verification_token=TOKEN)
    assert scan_pdf(render_letter(content), tmp_path) == [url]


class _TokenLikeSigner:
    """The session's key answering `sign_bytes` as a PKCS#11 token does: raw r || s."""

    def __init__(self, signer: LetterSigner) -> None:
        self.certificate_sha256 = self.jws_certificate_sha256 = signer.certificate_sha256
        self.certificate_pem = self.jws_certificate_pem = signer.certificate_pem
        self._signer = signer

    def sign_bytes_pss(self, data: bytes) -> bytes:
        return self._signer.sign_bytes_pss(data)

    def sign_bytes(self, data: bytes) -> bytes:
        from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

        r, s = decode_dss_signature(self._signer.sign_bytes(data))
        return r.to_bytes(32, "big") + s.to_bytes(32, "big")


def test_a_token_giving_raw_ecdsa_signatures_makes_the_same_valid_proof(
    signer: LetterSigner,
) -> None:
    url = f"{BASE}/v/{TOKEN}#{sign_jws(_TokenLikeSigner(signer), _claims())}"
    assert check_qr_url(url, _jwks(signer), today=TODAY).outcome is Outcome.valid


def test_a_signature_that_does_not_verify_is_never_printed(
    signer: LetterSigner, other_signer: LetterSigner
) -> None:
    # sign_bytes answered by another key than the certificate's: the letter keeps the bare
    # URL (the online check) instead of a proof every offline checker would refuse.
    confused = _TokenLikeSigner(signer)
    confused._signer = other_signer
    with pytest.raises(ProofNotVerified):
        sign_jws(confused, _claims())
    url = qr_url(
        f"{BASE}/v/{TOKEN}",
        confused,  # type: ignore[arg-type]
        number="470/0001/Disdukcapil/XI/2026",
        holder="X",
        nik="5371045208900001",
        issued_on=TODAY,
        valid_until=TODAY,
    )
    assert url == f"{BASE}/v/{TOKEN}"
