"""SKK_SIGNER=pkcs11: letters signed by a key that stays in a (SoftHSM2) token."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from joserfc import jws
from joserfc.jwk import KeySet

from app.config import Settings
from app.documents.offline_qr import public_jwk, sign_jws
from app.documents.signing import SigningKeyError, verify_pdf
from app.services.signer import load_signer
from tests.documents.test_pdfsig import pdfsig
from tests.factories import issue_http, register_http

from .conftest import require_tool
from .softhsm import KEY_LABEL, RSA_KEY_LABEL, TOKEN_LABEL, USER_PIN, SoftHsmToken


def _pkcs11(settings: Settings, token: SoftHsmToken, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "signer": "pkcs11",
        "pkcs11_module": token.module,
        "pkcs11_token_label": TOKEN_LABEL,
        "pkcs11_key_label": KEY_LABEL,
        "pkcs11_pin": USER_PIN,
    }
    values.update(overrides)
    return Settings.model_validate({**settings.model_dump(), **values})


@pytest.fixture
def settings(settings: Settings, softhsm: SoftHsmToken) -> Settings:
    """The API tests' settings, signing through the token."""
    return _pkcs11(settings, softhsm)


@pytest.fixture
def token_settings(softhsm: SoftHsmToken, tmp_path: Path) -> Settings:
    """Settings for signing through the token, without a database."""
    return _pkcs11(Settings(data_dir=tmp_path, _env_file=None), softhsm)  # type: ignore[call-arg]


def test_a_letter_issued_through_the_token_verifies(client, keys, softhsm, tmp_path) -> None:
    resident = register_http(client, keys.operator)
    response = issue_http(client, keys.operator, resident["nik"])
    assert response.status_code == 201, response.text
    letter = response.json()
    pdf = client.get(letter["document"]["url"], headers=keys.operator).content

    # Signed by the token's certificate, not the development key.
    fingerprint = softhsm.certificate.fingerprint(hashes.SHA256()).hex()
    assert client.app.state.signer.certificate_sha256 == fingerprint
    assert client.app.state.signer.development is False
    report = verify_pdf(pdf, trusted_certificates_sha256=[fingerprint])
    assert report.valid, report.problem

    upload = client.post("/api/v1/verify", content=pdf, headers={"Content-Type": "application/pdf"})
    assert upload.status_code == 200, upload.text
    assert upload.json()["outcome"] == "genuine"

    require_tool(
        shutil.which("pdfsig") is not None, "pdfsig (poppler-utils)", "SKK_TEST_REQUIRE_SOFTHSM"
    )
    checked = pdfsig(tmp_path, pdf)
    assert "Signature Validation: Signature is Valid" in checked
    assert "Total document signed" in checked
    assert "Kepala Dinas (token)" in checked


def test_sign_bytes_through_the_token_verifies_and_is_bound_to_the_data(token_settings) -> None:
    signer = load_signer(token_settings)
    signature = signer.sign_bytes(b"checkpoint 1")
    assert signer.verify_bytes(b"checkpoint 1", signature)
    assert not signer.verify_bytes(b"checkpoint 2", signature)


def test_an_rsa_key_in_the_token_signs_the_qr_proof_as_ps256(token_settings) -> None:
    signer = load_signer(token_settings.model_copy(update={"pkcs11_key_label": RSA_KEY_LABEL}))
    signature = signer.sign_bytes_pss(b"proof")
    public = x509.load_pem_x509_certificate(signer.certificate_pem).public_key()
    pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32)
    public.verify(signature, b"proof", pss, hashes.SHA256())  # type: ignore[union-attr, call-arg]
    claims = {"n": "470/0001/Disdukcapil/XI/2026", "t": "bFn547LvQRC-0B0q"}
    compact = sign_jws(signer, claims)
    jwk = public_jwk(signer.certificate_pem, signer.certificate_sha256)
    checked = jws.deserialize_compact(
        compact, KeySet.import_key_set({"keys": [jwk]}), algorithms=["PS256"]
    )
    assert checked.headers()["alg"] == "PS256" and json.loads(checked.payload) == claims
    # The EC key has no PSS.
    with pytest.raises(SigningKeyError):
        load_signer(token_settings).sign_bytes_pss(b"proof")


def test_signing_from_many_threads_at_once(token_settings, sample_unsigned_pdf) -> None:
    # Letters and checkpoint signatures at once from a pool, as the service does: a module
    # initialised for one thread at a time corrupted its memory here without the lock.
    signer = load_signer(token_settings)

    def work(i: int) -> bool:
        if i % 2:
            data = f"checkpoint {i}".encode()
            return signer.verify_bytes(data, signer.sign_bytes(data))
        pdf = signer.sign(sample_unsigned_pdf)
        return verify_pdf(pdf, trusted_certificates_sha256=[signer.certificate_sha256]).valid

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert all(pool.map(work, range(96)))


@pytest.mark.parametrize(
    ("overrides", "said"),
    [
        ({"pkcs11_module": Path("/nonexistent/libtoken.so")}, "does not exist"),
        ({"pkcs11_module": Path("/etc/hostname")}, "/etc/hostname cannot be loaded"),
        ({"pkcs11_token_label": "no-such-token"}, "No PKCS#11 token is labelled 'no-such-token'"),
        ({"pkcs11_key_label": "no-such-key"}, "no certificate labelled 'no-such-key'"),
        (
            {"pkcs11_cert_label": KEY_LABEL, "pkcs11_key_label": "no-such-key"},
            "no private key labelled 'no-such-key'",
        ),
        ({"pkcs11_pin": None}, "needs the PIN"),
        ({"pkcs11_module": None}, "needs SKK_PKCS11_MODULE"),
    ],
)
def test_a_token_that_cannot_sign_stops_the_start_with_one_sentence(
    token_settings, overrides, said
) -> None:
    with pytest.raises(SigningKeyError, match=said.replace("(", r"\(")):
        load_signer(Settings.model_validate({**token_settings.model_dump(), **overrides}))


def test_the_pin_can_come_from_a_file(token_settings, tmp_path) -> None:
    pin_file = tmp_path / "pin"
    pin_file.write_text(USER_PIN + "\n")
    signer = load_signer(
        Settings.model_validate(
            {**token_settings.model_dump(), "pkcs11_pin": None, "pkcs11_pin_file": pin_file}
        )
    )
    assert signer.subject == "Kepala Dinas (token)"


_START = """
import sys
from app.config import Settings
from app.documents.offline_qr import public_jwk, sign_jws
from app.documents.signing import SigningKeyError
from app.services.signer import load_signer
try:
    load_signer(Settings(signer="pkcs11", pkcs11_module=sys.argv[1], pkcs11_token_label=sys.argv[2],
                         pkcs11_key_label=sys.argv[3], pkcs11_pin=sys.argv[4], _env_file=None))
except SigningKeyError as exc:
    print(exc)
    sys.exit(3)
print("started")
"""


def test_a_wrong_pin_stops_the_start_with_a_clear_sentence(softhsm, tmp_path) -> None:
    # A fresh process: a login is shared by the whole process, so only a process that has
    # not logged in yet really tries the PIN.
    def start(pin: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-c", _START, str(softhsm.module), TOKEN_LABEL, KEY_LABEL, pin],
            capture_output=True,
            text=True,
            timeout=60,
            env=softhsm.env(),
            cwd=tmp_path,
        )

    wrong = start("000000")
    assert wrong.returncode == 3, wrong.stderr
    assert wrong.stdout.strip() == (
        f"Wrong PIN for PKCS#11 token '{TOKEN_LABEL}'; check SKK_PKCS11_PIN "
        "(repeated wrong PINs lock the token)."
    )
    right = start(USER_PIN)
    assert right.returncode == 0, right.stdout + right.stderr


def test_a_signer_this_version_lacks_stops_the_start(tmp_path, monkeypatch) -> None:
    # As a build without the remote signer would be (a later merge adds the bsre loader).
    from app.services import signer as signer_module

    monkeypatch.delitem(signer_module._LOADERS, "bsre", raising=False)
    settings = Settings(  # type: ignore[call-arg]
        data_dir=tmp_path,
        signer="bsre",
        bsre_url="http://127.0.0.1:9",
        bsre_nik="5371041208800001",
        bsre_passphrase="unused",
        _env_file=None,
    )
    with pytest.raises(SigningKeyError, match="SKK_SIGNER=bsre is not available"):
        load_signer(settings)
