"""Signing with a key that never leaves a token or HSM, through its PKCS#11 module.

The token holds the private key and its certificate (found by label).  The user PIN
logs in once at start; every thread that signs then opens a session of its own (the
login is shared by all sessions of the process, and a PKCS#11 session must not run
two operations at once), so concurrent letters never wait on one another's session.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pkcs11
from asn1crypto import algos
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from pkcs11 import Attribute, Mechanism, ObjectClass
from pkcs11 import exceptions as p11
from pyhanko.sign.pkcs11 import PKCS11Signer
from pyhanko.sign.signers import Signer

from app.documents.signing import LetterSigner, SigningKeyError, _PadesSignedAttributes

__all__ = ["Pkcs11LetterSigner"]

_PROBE = b"SKK PKCS#11 start-up probe"


def _load_module(module: Path) -> Any:
    if not Path(module).is_file():
        raise SigningKeyError(
            f"The PKCS#11 module {module} does not exist; set SKK_PKCS11_MODULE to the token's "
            "library (.so), e.g. /usr/lib/softhsm/libsofthsm2.so."
        )
    try:
        return pkcs11.lib(str(module))
    except (OSError, RuntimeError, p11.PKCS11Error) as exc:
        raise SigningKeyError(
            f"The PKCS#11 module {module} cannot be loaded ({exc}); check that it is the "
            "token's PKCS#11 library for this machine."
        ) from None


def _open_token(lib: Any, token_label: str) -> Any:
    try:
        return lib.get_token(token_label=token_label)
    except p11.NoSuchToken:
        labels = sorted(str(slot.get_token().label) for slot in lib.get_slots(token_present=True))
        raise SigningKeyError(
            f"No PKCS#11 token is labelled {token_label!r} (present: "
            f"{', '.join(labels) or 'none'}); check SKK_PKCS11_TOKEN_LABEL and that the token "
            "is plugged in."
        ) from None
    except p11.MultipleTokensReturned:
        raise SigningKeyError(
            f"More than one PKCS#11 token is labelled {token_label!r}; give each token its "
            "own label."
        ) from None


def _login(token: Any, pin: str) -> Any:
    try:
        return token.open(user_pin=pin)
    except p11.PinIncorrect:
        raise SigningKeyError(
            f"Wrong PIN for PKCS#11 token {token.label!r}; check SKK_PKCS11_PIN "
            "(repeated wrong PINs lock the token)."
        ) from None
    except p11.PinLocked:
        raise SigningKeyError(
            f"The PIN of PKCS#11 token {token.label!r} is locked; unlock it with the SO PIN."
        ) from None
    except (p11.PinLenRange, p11.PinInvalid, p11.ArgumentsBad):
        raise SigningKeyError(
            f"The PIN for PKCS#11 token {token.label!r} has the wrong length or characters; "
            "check SKK_PKCS11_PIN."
        ) from None
    except p11.UserAlreadyLoggedIn:
        # Another signer of this process logged in already: the login is shared.
        return token.open()


def _find_certificate(session: Any, label: str) -> x509.Certificate:
    found = list(
        session.get_objects({Attribute.CLASS: ObjectClass.CERTIFICATE, Attribute.LABEL: label})
    )
    if not found:
        raise SigningKeyError(
            f"The PKCS#11 token holds no certificate labelled {label!r}; import the signing "
            "certificate with that label or set SKK_PKCS11_CERT_LABEL."
        )
    if len(found) > 1:
        raise SigningKeyError(
            f"The PKCS#11 token holds {len(found)} certificates labelled {label!r}."
        )
    return x509.load_der_x509_certificate(bytes(found[0][Attribute.VALUE]))


def _find_key(session: Any, label: str) -> Any:
    try:
        return session.get_key(object_class=ObjectClass.PRIVATE_KEY, label=label)
    except p11.NoSuchKey:
        raise SigningKeyError(
            f"The PKCS#11 token holds no private key labelled {label!r}; check "
            "SKK_PKCS11_KEY_LABEL (and that the PIN is the user PIN, which private keys need)."
        ) from None
    except p11.MultipleObjectsReturned:
        raise SigningKeyError(
            f"The PKCS#11 token holds more than one private key labelled {label!r}."
        ) from None


class Pkcs11LetterSigner(LetterSigner):
    """Signs letters with a private key in a PKCS#11 token; safe to share between threads."""

    def __init__(
        self,
        *,
        module: Path,
        token_label: str,
        key_label: str,
        pin: str,
        cert_label: str | None = None,
    ) -> None:
        """Log in and find the key and certificate; SigningKeyError says what is wrong."""
        self._token = _open_token(_load_module(module), token_label)
        # Kept open for the signer's life: the login lasts as long as one session does.
        self._login_session = _login(self._token, pin)
        self._key_label = key_label
        certificate = _find_certificate(self._login_session, cert_label or key_label)
        self._init_certificate(certificate, None, development=False)
        public = certificate.public_key()
        if isinstance(public, ec.EllipticCurvePublicKey):
            self._is_ec = True
        elif isinstance(public, rsa.RSAPublicKey):
            self._is_ec = False
        else:
            raise SigningKeyError(
                "The PKCS#11 certificate's key is neither ECDSA nor RSA; the service signs "
                "only with those."
            )
        _find_key(self._login_session, key_label)
        if not self.verify_bytes(_PROBE, self.sign_bytes(_PROBE)):
            raise SigningKeyError(
                f"The PKCS#11 private key {key_label!r} does not belong to the certificate "
                f"{cert_label or key_label!r}."
            )

    def _thread_key(self) -> Any:
        # One session per thread: a session runs one operation at a time.
        key = getattr(self._local, "key", None)
        if key is None:
            session = self._token.open()
            key = _find_key(session, self._key_label)
            self._local.session, self._local.key = session, key
        return key

    def sign_bytes(self, data: bytes) -> bytes:
        """A detached SHA-256 signature by the token's key (ECDSA as DER, or RSA PKCS#1 v1.5)."""
        key = self._thread_key()
        if self._is_ec:
            raw = key.sign(hashlib.sha256(data).digest(), mechanism=Mechanism.ECDSA)
            half = len(raw) // 2
            r, s = int.from_bytes(raw[:half], "big"), int.from_bytes(raw[half:], "big")
            return encode_dss_signature(r, s)
        return bytes(key.sign(data, mechanism=Mechanism.SHA256_RSA_PKCS))

    def _thread_signer(self) -> Signer:
        signer: PKCS11Signer | None = getattr(self._local, "signer", None)
        if signer is None:
            self._thread_key()
            # Raw ECDSA (the digest computed here): many tokens offer no hash-and-sign ECDSA.
            signer = PKCS11Signer(
                self._local.session,
                key_label=self._key_label,
                signing_cert=self._cert_asn1,
                use_raw_mechanism=self._is_ec,
                signature_mechanism=algos.SignedDigestAlgorithm(
                    {"algorithm": "sha256_ecdsa" if self._is_ec else "sha256_rsa"}
                ),
            )
            signer.signed_attr_prov_spec = _PadesSignedAttributes(self._signing_certificate_v2_der)
            self._local.signer = signer
        return signer
