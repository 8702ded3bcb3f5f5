"""The QR code's offline proof: a compact JWS in the verification URL's fragment.

The QR keeps opening `{public_base_url}/v/{token}`; after a `#` (never sent to a server) it
carries a JWS compact serialization that the office's key signs over what a checker compares
with the paper: the letter's number, holder, masked NIK, dates, and a hash of the URL's token
(so the proof cannot be moved onto another letter's QR). A verifier app that cached
`/.well-known/jwks.json` once checks it with no network.

Claim names are one letter to keep the QR small: `n` number, `h` holder's name, `k` masked NIK,
`i` issue date, `e` last valid day, `t` the token's SHA-256 truncated to 96 bits (base64url).

Signed through the signer, so a key in an HSM works the same: ES256 for an EC P-256 key
(`sign_bytes`), PS256 for an RSA key (`sign_bytes_pss`, RSASSA-PSS). The key is the signer's JWS
key (`jws_certificate_pem`): the signing key itself, or the companion key beside BSrE.

RS256 proofs printed before PS256 (RSA keys signed RSASSA-PKCS1-v1_5) are still accepted for a
key the set publishes as PS256: those letters stay valid until their last day.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any, Protocol
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)
from cryptography.hazmat.primitives.serialization import Encoding

KID_HEX_CHARS = 8  # the kid: the first 32 bits of the certificate's SHA-256, in hex
TOKEN_HASH_BYTES = 12  # 96 bits of SHA-256(token): ample against a forged match

# RSASSA-PSS as PS256 has it (RFC 7518 section 3.5): MGF1 with SHA-256, a salt as long as the
# hash. The signers' `sign_bytes_pss` use it.
PSS_SALT_BYTES = 32
PSS_SHA256 = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=PSS_SALT_BYTES)


class JwsSigner(Protocol):
    # The key of the QR's JWS: the signing certificate's own, or a companion's (BSrE).
    @property
    def jws_certificate_sha256(self) -> str: ...

    @property
    def jws_certificate_pem(self) -> bytes: ...

    def sign_bytes(self, data: bytes) -> bytes: ...

    def sign_bytes_pss(self, data: bytes) -> bytes: ...


class UnsupportedKey(ValueError):
    """The key is neither EC P-256 nor RSA: no JWS algorithm matches the signer's."""


def b64url(data: bytes) -> str:
    """Base64url without padding (RFC 7515)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """The inverse of b64url; raises ValueError on bad input."""
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def kid_of(certificate_sha256: str) -> str:
    """The JWS `kid` of a certificate: its fingerprint's first 16 hex digits."""
    return certificate_sha256[:KID_HEX_CHARS].lower()


def token_hash(token: str) -> str:
    """The `t` claim: SHA-256 of the verification token, first 96 bits, base64url."""
    return b64url(hashlib.sha256(token.encode("ascii")).digest()[:TOKEN_HASH_BYTES])


def letter_claims(
    *, number: str, holder: str, nik_masked: str, issued_on: date, valid_until: date, token: str
) -> dict[str, str]:
    """The payload: what a checker compares with the printed letter."""
    return {
        "n": number,
        "h": holder,
        "k": nik_masked,
        "i": issued_on.isoformat(),
        "e": valid_until.isoformat(),
        "t": token_hash(token),
    }


@functools.lru_cache(maxsize=16)
def _certificate(pem: bytes) -> x509.Certificate:
    return x509.load_pem_x509_certificate(pem)


def jws_algorithm(certificate_pem: bytes) -> str:
    """ES256 or PS256, from the certificate's key; UnsupportedKey for anything else."""
    key = _certificate(certificate_pem).public_key()
    if isinstance(key, ec.EllipticCurvePublicKey) and isinstance(key.curve, ec.SECP256R1):
        return "ES256"
    if isinstance(key, rsa.RSAPublicKey):
        return "PS256"
    raise UnsupportedKey("the signing key is neither EC P-256 nor RSA; the QR carries no JWS")


class ProofNotVerified(ValueError):
    """The signer's signature does not verify with its own certificate: no proof is printed."""


def sign_jws(signer: JwsSigner, claims: dict[str, str]) -> str:
    """The compact JWS of `claims`, signed with the signer's JWS key, and checked against that
    key's certificate (ProofNotVerified) before it goes on paper."""
    pem = signer.jws_certificate_pem
    alg = jws_algorithm(pem)
    header = {"alg": alg, "kid": kid_of(signer.jws_certificate_sha256)}
    signing_input = (
        b64url(json.dumps(header, separators=(",", ":")).encode())
        + "."
        + b64url(json.dumps(claims, separators=(",", ":"), ensure_ascii=False).encode())
    ).encode("ascii")
    if alg == "ES256":
        signature = _raw_ecdsa(signer.sign_bytes(signing_input))
    else:
        signature = signer.sign_bytes_pss(signing_input)
    if not _verifies(pem, alg, signing_input, signature):
        # A wrong proof would make offline checkers refuse a genuine letter.
        raise ProofNotVerified("the signer's raw signature does not verify with its certificate")
    return f"{signing_input.decode('ascii')}.{b64url(signature)}"


def _raw_ecdsa(signature: bytes) -> bytes:
    """r || s, 32 bytes each (RFC 7518), from ECDSA's DER encoding (LetterSigner) or as a
    token gives it already (PKCS#11 CKM_ECDSA)."""
    try:
        r, s = decode_dss_signature(signature)
    except ValueError:
        return signature
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")


def _verifies(certificate_pem: bytes, alg: str, data: bytes, signature: bytes) -> bool:
    key = _certificate(certificate_pem).public_key()
    try:
        if isinstance(key, ec.EllipticCurvePublicKey) and alg == "ES256" and len(signature) == 64:
            der = encode_dss_signature(
                int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
            )
            key.verify(der, data, ec.ECDSA(hashes.SHA256()))
        elif isinstance(key, rsa.RSAPublicKey) and alg == "PS256":
            key.verify(signature, data, PSS_SHA256, hashes.SHA256())
        else:
            return False
    except InvalidSignature:
        return False
    return True


def public_jwk(certificate_pem: bytes, certificate_sha256: str) -> dict[str, Any]:
    """The JWK (RFC 7517) of a signing certificate's public key, with its kid and x5t#S256."""
    cert = _certificate(certificate_pem)
    key = cert.public_key()
    jwk: dict[str, Any]
    if isinstance(key, ec.EllipticCurvePublicKey):
        numbers = key.public_numbers()
        size = (key.curve.key_size + 7) // 8
        jwk = {
            "kty": "EC",
            "crv": {"secp256r1": "P-256", "secp384r1": "P-384", "secp521r1": "P-521"}.get(
                key.curve.name, key.curve.name
            ),
            "x": b64url(numbers.x.to_bytes(size, "big")),
            "y": b64url(numbers.y.to_bytes(size, "big")),
        }
    elif isinstance(key, rsa.RSAPublicKey):
        numbers_rsa = key.public_numbers()
        jwk = {
            "kty": "RSA",
            "n": b64url(numbers_rsa.n.to_bytes((numbers_rsa.n.bit_length() + 7) // 8, "big")),
            "e": b64url(numbers_rsa.e.to_bytes((numbers_rsa.e.bit_length() + 7) // 8, "big")),
        }
    else:
        raise UnsupportedKey("only EC and RSA keys have a JWK here")
    der = cert.public_bytes(Encoding.DER)
    jwk.update(
        {
            "kid": kid_of(certificate_sha256),
            "use": "sig",
            "x5t#S256": b64url(hashlib.sha256(der).digest()),
            "x5c": [base64.b64encode(der).decode("ascii")],
        }
    )
    # A key that signs no QR (EC P-384) is published without an `alg`.
    with contextlib.suppress(UnsupportedKey):
        jwk["alg"] = jws_algorithm(certificate_pem)
    return jwk


# --- checking, as a verifier app would -----------------------------------------------------


class Outcome(StrEnum):
    valid = "valid"
    expired = "expired"
    signature_mismatch = "signature_mismatch"
    unknown_key = "unknown_key"
    not_our_letter = "not_our_letter"


VERDICTS = {
    Outcome.valid: "VALID: the office's key signed these letter details",
    Outcome.expired: "SIGNED BY THE OFFICE, BUT EXPIRED: the letter's validity has ended",
    Outcome.signature_mismatch: "DO NOT ACCEPT: the signature does not match the details",
    Outcome.unknown_key: "DO NOT ACCEPT: signed with a key that is not in the office's key set",
    Outcome.not_our_letter: "NOT OUR LETTER: the QR code carries no proof from this office",
}


@dataclass(frozen=True)
class OfflineCheck:
    outcome: Outcome
    reason: str
    claims: dict[str, Any] = field(default_factory=dict)
    kid: str | None = None

    @property
    def accepted(self) -> bool:
        return self.outcome is Outcome.valid


# What a proof's header may say for a key of the set, by the key's `alg`: an RSA key also
# accepts the RS256 proofs it printed before PS256.
ACCEPTED_ALGORITHMS: dict[object, tuple[str, ...]] = {
    "ES256": ("ES256",),
    "PS256": ("PS256", "RS256"),
}


def _without_alg(jwk: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in jwk.items() if name != "alg"}


def split_qr_url(url: str) -> tuple[str, str, str] | None:
    """(base URL, token, JWS) of a letter's QR text, or None when it is not one."""
    parts = urlsplit(url.strip())
    head, _, token = parts.path.rpartition("/v/")
    if parts.scheme not in ("http", "https") or not token or "/" in token or not parts.fragment:
        return None
    return f"{parts.scheme}://{parts.netloc}{head}", token, parts.fragment


def check_qr_url(url: str, jwks: dict[str, Any], *, today: date) -> OfflineCheck:
    """Check a scanned QR text against a cached JWK Set, with no network."""
    from joserfc import jws
    from joserfc.errors import BadSignatureError, JoseError
    from joserfc.jwk import KeySet

    split = split_qr_url(url)
    if split is None:
        return OfflineCheck(
            Outcome.not_our_letter, "the QR text is not a verification URL with a signed fragment"
        )
    _, token, compact = split
    try:
        header = json.loads(b64url_decode(compact.split(".")[0]))
        kid = header["kid"]
        if not isinstance(kid, str) or compact.count(".") != 2:
            raise ValueError
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        return OfflineCheck(Outcome.not_our_letter, "the URL's fragment is not a compact JWS")
    keys = [k for k in jwks.get("keys", []) if isinstance(k, dict) and k.get("kid") == kid]
    if not keys:
        return OfflineCheck(Outcome.unknown_key, f"no key with kid {kid} in the key set", kid=kid)
    alg = header.get("alg")
    if alg not in ACCEPTED_ALGORITHMS.get(keys[0].get("alg"), ()):
        return OfflineCheck(Outcome.signature_mismatch, f"algorithm {alg} is not the key's")
    # The algorithm is checked above; the key's own `alg` would hide it from an RS256 proof.
    key_set = KeySet.import_key_set({"keys": [_without_alg(key) for key in keys]})
    try:
        signed = jws.deserialize_compact(compact, key_set, algorithms=[alg])
        claims = json.loads(signed.payload)
    except BadSignatureError:
        return OfflineCheck(Outcome.signature_mismatch, "the signature is not valid", kid=kid)
    except (JoseError, ValueError):
        return OfflineCheck(Outcome.signature_mismatch, "the JWS cannot be read", kid=kid)
    if not isinstance(claims, dict) or claims.get("t") != token_hash(token):
        return OfflineCheck(
            Outcome.signature_mismatch,
            "the signed details belong to another letter's QR code (token hash differs)",
            claims=claims if isinstance(claims, dict) else {},
            kid=kid,
        )
    try:
        ends = date.fromisoformat(str(claims.get("e")))
    except ValueError:
        return OfflineCheck(Outcome.signature_mismatch, "the last valid day is unreadable")
    if ends < today:
        return OfflineCheck(
            Outcome.expired, f"validity ended on {ends.isoformat()}", claims=claims, kid=kid
        )
    return OfflineCheck(Outcome.valid, "signature valid", claims=claims, kid=kid)
