"""Signing with a key that never leaves a token or HSM, through its PKCS#11 module.

The token holds the private key and its certificate (found by label).  The user PIN
logs in once at start, on one session kept for the signer's life.

Threads: python-pkcs11 (0.8) initialises the module with ``C_Initialize(NULL)``, which
tells it that the application never calls it from two threads at once, and releases the
GIL during every call.  A session per thread was measured to corrupt SoftHSM2's memory
under concurrent signing (``malloc(): unaligned tcache chunk``, CKR_GENERAL_ERROR), so every
call into the module takes one process-wide lock.  Only the token's own operation is
inside it: hashing, building the CMS and writing the PDF run in parallel.
"""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path
from typing import Any

import pkcs11
from asn1crypto import algos
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from pkcs11 import MGF, Attribute, Mechanism, ObjectClass
from pkcs11 import exceptions as p11
from pyhanko.sign.pkcs11 import PKCS11Signer
from pyhanko.sign.signers import Signer

from app.documents.offline_qr import PSS_SALT_BYTES
from app.documents.signing import (
    LetterSigner,
    SigningKeyError,
    _PadesSignedAttributes,
)

__all__ = ["Pkcs11LetterSigner"]

_PROBE = b"SKK PKCS#11 start-up probe"

# Every call into a PKCS#11 module of this process (see the module's docstring).
TOKEN_LOCK = threading.RLock()


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
        with TOKEN_LOCK:
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


class _LockedPkcs11Signer(PKCS11Signer):
    """pyHanko's PKCS#11 signer with the token's operations under TOKEN_LOCK, run in the
    calling thread (pyHanko would hand each to an executor thread of its own)."""

    async def ensure_objects_loaded(self) -> None:
        """Find the key handle (the certificate is given) under the lock."""
        with TOKEN_LOCK:
            self._load_objects()

    async def async_sign_raw(
        self, data: bytes, digest_algorithm: str, dry_run: bool = False
    ) -> bytes:
        """The token's raw signature of data (hashed first, outside the lock, for raw ECDSA)."""
        if dry_run:
            return await super().async_sign_raw(data, digest_algorithm, dry_run=True)
        await self.ensure_objects_loaded()
        spec = self._select_pkcs11_signing_params(digest_algorithm)
        if spec.pre_sign_transform is not None:
            data = spec.pre_sign_transform(data)
        key: Any = self._key_handle
        with TOKEN_LOCK:
            signature = key.sign(data, **spec.sign_kwargs)
        if spec.post_sign_transform is not None:
            signature = spec.post_sign_transform(signature)
        return bytes(signature)


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
        self._key = _find_key(self._login_session, key_label)
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
        if not self.verify_bytes(_PROBE, self.sign_bytes(_PROBE)):
            raise SigningKeyError(
                f"The PKCS#11 private key {key_label!r} does not belong to the certificate "
                f"{cert_label or key_label!r}."
            )

    def sign_bytes(self, data: bytes) -> bytes:
        """A detached SHA-256 signature by the token's key (ECDSA as DER, or RSA PKCS#1 v1.5)."""
        if self._is_ec:
            digest = hashlib.sha256(data).digest()
            with TOKEN_LOCK:
                raw = self._key.sign(digest, mechanism=Mechanism.ECDSA)
            half = len(raw) // 2
            r, s = int.from_bytes(raw[:half], "big"), int.from_bytes(raw[half:], "big")
            return encode_dss_signature(r, s)
        with TOKEN_LOCK:
            return bytes(self._key.sign(data, mechanism=Mechanism.SHA256_RSA_PKCS))

    def sign_bytes_pss(self, data: bytes) -> bytes:
        """An RSASSA-PSS signature by the token's RSA key (PS256: SHA-256, MGF1-SHA-256,
        32-byte salt); SigningKeyError for an EC key."""
        if self._is_ec:
            raise SigningKeyError("only an RSA key signs with RSASSA-PSS")
        with TOKEN_LOCK:
            return bytes(
                self._key.sign(
                    data,
                    mechanism=Mechanism.SHA256_RSA_PKCS_PSS,
                    mechanism_param=(Mechanism.SHA256, MGF.SHA256, PSS_SALT_BYTES),
                )
            )

    def _thread_signer(self) -> Signer:
        # One pyHanko signer per thread (its caches are not thread-safe), all on the login
        # session: TOKEN_LOCK serialises what reaches the token.
        signer: PKCS11Signer | None = getattr(self._local, "signer", None)
        if signer is None:
            # Raw ECDSA (the digest computed here): many tokens offer no hash-and-sign ECDSA.
            signer = _LockedPkcs11Signer(
                self._login_session,
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
