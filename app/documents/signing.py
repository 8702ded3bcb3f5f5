"""PAdES signing and verification of SKK letters.

Signing appends one incremental update (signature field + CMS) to the rendered
PDF, so the signature covers the whole file.  Verification never raises for bad
input; it returns a :class:`SignatureReport` whose ``problem`` explains, in one
sentence, what is wrong.

Trust is deliberately simple: the office pins the SHA-256 fingerprints of the
certificates it signs with.  Development certificates are self-signed and cannot
chain-validate, and production certificates may chain to a national CA that this
service has no business trusting for arbitrary signers.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import hashlib
import io
import logging
import os
import tempfile
import threading
from collections.abc import Collection, Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from asn1crypto import cms, tsp
from asn1crypto import pkcs12 as asn1_pkcs12
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from pyhanko.keys.internal import (
    translate_pyca_cryptography_cert_to_asn1,
    translate_pyca_cryptography_key_to_asn1,
)
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.attributes import CMSAttributeProvider, SignedAttributeProviderSpec
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.general import as_signing_certificate_v2, extract_signer_info
from pyhanko.sign.signers import PdfSignatureMetadata, PdfSigner, Signer, SimpleSigner
from pyhanko.sign.signers.pdf_signer import DSSContentSettings, SigDSSPlacementPreference
from pyhanko.sign.timestamps import HTTPTimeStamper, TimestampRequestError
from pyhanko.sign.validation.generic_cms import (
    compute_signature_tst_digest,
    extract_certs_for_validation,
    extract_tst_data,
    validate_sig_integrity,
)
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko.sign.validation.utils import DEFAULT_ALGORITHM_USAGE_POLICY
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.fetchers.requests_fetchers import RequestsFetcherBackend
from pyhanko_certvalidator.registry import SimpleCertificateStore

from app.documents.offline_qr import PSS_SHA256
from app.documents.render import INFO_KEY_LETTER_NUMBER, INFO_KEY_VERIFICATION_TOKEN

__all__ = [
    "DEVELOPMENT_KEY_FILENAME",
    "LetterSigner",
    "LongTermValidation",
    "Pkcs12LetterSigner",
    "SignatureReport",
    "SigningKeyError",
    "SigningUnavailable",
    "certificate_issuer",
    "common_name",
    "create_development_key",
    "failure_report",
    "load_trust_roots",
    "verify_pdf",
]

DEVELOPMENT_KEY_FILENAME = "development-signing.p12"
SIGNATURE_FIELD_NAME = "SKKSignature"

log = logging.getLogger("app.signing")

# Problems reported by verify_pdf; kept as constants so callers and tests can
# compare without copying sentences around.
PROBLEM_NOT_PDF = "not a PDF"
PROBLEM_DAMAGED = "the file is truncated or damaged"
PROBLEM_UNSIGNED = "the PDF has no signature"
PROBLEM_TAMPERED = "the signed content was changed after signing"
PROBLEM_UNTRUSTED = "signed by a certificate this office does not trust"
PROBLEM_APPENDED = "content was added after the signature"
PROBLEM_LIMITS = "the file could not be checked within the time and memory limits"


class SigningKeyError(Exception):
    """The signing key file cannot be used; the message says what to fix."""


# --- development key ----------------------------------------------------------


def create_development_key(
    directory: Path, *, common_name: str = "SKK development signing key (NOT VALID)"
) -> Path:
    """Create (once) a self-signed ECDSA P-256 PKCS#12 development key; return its path."""
    directory = Path(directory)
    path = directory / DEVELOPMENT_KEY_FILENAME
    if path.exists():
        return path
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "SKK service (development)"),
        ]
    )
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        # Backdate a little so a clock skew between hosts does not make a
        # freshly created key "not yet valid".
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=3652))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    blob = pkcs12.serialize_key_and_certificates(
        name=b"skk-development",
        key=key,
        cert=cert,
        cas=None,
        encryption_algorithm=serialization.NoEncryption(),
    )
    # Write to a private temp file, then hard-link into place: the link fails
    # if another process won the race, so the first key is never overwritten
    # and nobody ever sees a half-written file.
    fd, tmp_name = tempfile.mkstemp(dir=directory, prefix=".dev-key-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), 0o600)
            handle.write(blob)
        with contextlib.suppress(FileExistsError):
            os.link(tmp_name, path)
    finally:
        os.unlink(tmp_name)
    return path


# --- signer -------------------------------------------------------------------


def _load_pkcs12(
    path: Path, password: str | None
) -> tuple[PrivateKeyTypes | None, x509.Certificate | None, list[x509.Certificate]]:
    """Parse a PKCS#12 file with cryptography, mapping every failure to SigningKeyError."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise SigningKeyError(
            f"Signing key file {path} does not exist. Check the configured signing key "
            "path, or create a development key first."
        ) from None
    except IsADirectoryError:
        raise SigningKeyError(
            f"Signing key path {path} is a directory; it must point to a PKCS#12 (.p12) file."
        ) from None
    except OSError as exc:
        raise SigningKeyError(
            f"Signing key file {path} cannot be read ({exc.strerror}). Check that the "
            "service user may read it."
        ) from None

    # An empty password and "no password" are different things in PKCS#12, so
    # try both; a configured password on an unprotected file is harmless.
    candidates: list[bytes | None] = [None, b""]
    if password:
        candidates.insert(0, password.encode("utf-8"))
    for candidate in candidates:
        try:
            return pkcs12.load_key_and_certificates(data, candidate)
        except (ValueError, TypeError):
            continue

    # cryptography reports garbage and a wrong password with the same error;
    # an ASN.1 parse tells them apart so the operator knows what to fix.
    try:
        asn1_pkcs12.Pfx.load(data).native  # noqa: B018 - forces a full parse
    except Exception:
        raise SigningKeyError(
            f"Signing key file {path} is not a PKCS#12 (.p12/.pfx) file or is damaged."
        ) from None
    if password:
        raise SigningKeyError(
            f"Wrong password for signing key file {path}. Check the configured key password."
        )
    raise SigningKeyError(
        f"Signing key file {path} is password-protected, but no password is configured."
    )


class _SigningCertificateV2(CMSAttributeProvider):
    """signing-certificate-v2 attribute rebuilt from DER computed once per key."""

    attribute_type = "signing_certificate_v2"

    def __init__(self, der: bytes) -> None:
        self._der = der

    async def build_attr_value(self, dry_run: bool = False) -> tsp.SigningCertificateV2:
        """Return a fresh (lazily parsed) copy of the cached attribute value."""
        return tsp.SigningCertificateV2.load(self._der)


class _PadesSignedAttributes(SignedAttributeProviderSpec):
    """The PAdES baseline signed attributes pyHanko would add, with the cert ID cached."""

    # pyHanko rebuilds the ESSCertIDv2 for every signature, and asn1crypto's
    # deep copy of the issuer name makes that ~2 ms, a quarter of a signature.
    # PAdES B-B needs only signing-certificate-v2 here (content type and
    # message digest are always added by pyHanko; signing time goes in /M).

    def __init__(self, signing_certificate_v2_der: bytes) -> None:
        self._der = signing_certificate_v2_der

    def signed_attr_providers(
        self, data_digest: bytes, digest_algorithm: str
    ) -> list[CMSAttributeProvider]:
        """Providers for the signed attributes besides content type and digest."""
        return [_SigningCertificateV2(self._der)]


def common_name(cert: x509.Certificate) -> str:
    """The certificate's subject common name (its whole subject when it has none)."""
    names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(names[0].value) if names else cert.subject.rfc4514_string()


def certificate_issuer(cert: x509.Certificate) -> str:
    """Who issued the certificate, as a letter names it: "CN (O)", e.g. "Balai Sertifikasi
    Elektronik (Badan Siber dan Sandi Negara)", or whichever of the two the issuer has."""
    name = cert.issuer
    common = [str(a.value) for a in name.get_attributes_for_oid(NameOID.COMMON_NAME)]
    org = [str(a.value) for a in name.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)]
    if common and org and org[0] not in common[0]:
        return f"{common[0]} ({org[0]})"
    if common or org:
        return (common or org)[0]
    return name.rfc4514_string()


@dataclass(frozen=True)
class LongTermValidation:
    """What each signature carries beyond PAdES B-B: a TSA's timestamp (B-T) and the
    certificates and revocation answers that prove it valid later (B-LT, in the DSS)."""

    tsa_url: str | None = None
    tsa_timeout: float = 5.0
    embed_validation_info: bool = False
    # DER certificates: where validating the signer's (and the TSA's) certificate may end.
    trust_roots: tuple[bytes, ...] = ()
    revocation_timeout: float = 5.0

    @property
    def enabled(self) -> bool:
        """Whether a signature needs anything from the network."""
        return self.tsa_url is not None or self.embed_validation_info

    @property
    def deadline(self) -> float:
        """Seconds one signature may take in all: its requests run one after another (the
        TSA twice at most; OCSP and CRLs for the signer's and the TSA's certificates), and a
        server that trickles its answer is never cut off by a per-read timeout alone."""
        return 2 * self.tsa_timeout + 4 * self.revocation_timeout


def _run_with_deadline(work: Coroutine[Any, Any, Any], seconds: float) -> None:
    """asyncio.run(work) that gives up after `seconds` (TimeoutError).

    The revocation fetchers block in executor threads that cannot be cancelled: the loop is
    closed without waiting for them (they end at their own per-read timeouts).
    """
    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(asyncio.wait_for(work, timeout=seconds))
    finally:
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()  # shuts the default executor down without waiting


class SigningUnavailable(Exception):
    """The timestamp authority or a revocation server failed; nothing was signed."""


def load_trust_roots(path: Path) -> tuple[bytes, ...]:
    """The DER certificates of a PEM bundle; SigningKeyError when it holds none or is unreadable."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise SigningKeyError(
            f"The trust roots file {path} cannot be read ({exc.strerror})."
        ) from None
    try:
        certs = x509.load_pem_x509_certificates(data)
    except ValueError:
        raise SigningKeyError(
            f"The trust roots file {path} holds no PEM certificate (-----BEGIN CERTIFICATE-----)."
        ) from None
    return tuple(c.public_bytes(serialization.Encoding.DER) for c in certs)


def _verify_raw(public: object, data: bytes, signature: bytes) -> bool:
    """Whether signature is an ECDSA or RSA PKCS#1 v1.5 SHA-256 signature of data by public."""
    try:
        if isinstance(public, ec.EllipticCurvePublicKey):
            public.verify(signature, data, ec.ECDSA(hashes.SHA256()))
        elif isinstance(public, rsa.RSAPublicKey):
            public.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
        else:
            return False
    except InvalidSignature:
        return False
    return True


# A timestamp reply is a few kilobytes; anything much larger is not one.
MAX_TSA_REPLY_BYTES = 256 * 1024


class _DeadlineTimeStamper(HTTPTimeStamper):
    """pyHanko's RFC 3161 client with a deadline for the whole exchange, not per read.

    A TSA that trickles its reply a byte at a time would otherwise hold the letter (and
    the number's row lock) for as long as it likes; an async request can be cancelled.
    """

    async def async_request_tsa_response(self, req: tsp.TimeStampReq) -> tsp.TimeStampResp:
        """POST the request; TimestampRequestError on any failure, a timeout included."""
        try:
            raw = await asyncio.wait_for(self._exchange(req.dump()), timeout=self.timeout)
        except (TimeoutError, httpx.HTTPError) as exc:
            raise TimestampRequestError(
                f"the timestamp authority did not answer in {self.timeout} s ({exc!r})"
            ) from exc
        return tsp.TimeStampResp.load(raw)

    async def _exchange(self, body: bytes) -> bytes:
        async with (
            httpx.AsyncClient(timeout=self.timeout) as client,
            client.stream(
                "POST", self.url, content=body, headers=self.request_headers()
            ) as response,
        ):
            if response.headers.get("content-type") != "application/timestamp-reply":
                raise TimestampRequestError(
                    f"the timestamp authority answered {response.status_code} "
                    f"({response.headers.get('content-type')}), not a timestamp"
                )
            chunks, size = [], 0
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > MAX_TSA_REPLY_BYTES:
                    raise TimestampRequestError("the timestamp authority's reply is too large")
                chunks.append(chunk)
            return b"".join(chunks)


class LetterSigner:
    """The signer interface and what every backend shares: the certificate's facts and the
    PAdES signing run (`from_pkcs12` loads the PKCS#12 backend).

    A backend provides ``_thread_signer`` (a pyHanko signer for the calling thread) and
    ``sign_bytes``; ``long_term`` adds a timestamp and validation information.
    """

    certificate_sha256: str
    certificate_pem: bytes
    subject: str
    issuer: str
    development: bool
    not_valid_after: dt.datetime
    long_term: LongTermValidation

    @classmethod
    def from_pkcs12(
        cls, path: Path, password: str | None, *, development: bool = False
    ) -> Pkcs12LetterSigner:
        """Load a signer from a PKCS#12 file; raises SigningKeyError with an actionable message."""
        path = Path(path)
        key, cert, extra = _load_pkcs12(path, password)
        if key is None:
            raise SigningKeyError(
                f"Signing key file {path} contains no private key; export the certificate "
                "together with its private key."
            )
        if cert is None:
            raise SigningKeyError(
                f"Signing key file {path} contains a private key but no certificate; export "
                "the key together with its certificate."
            )
        spki = serialization.PublicFormat.SubjectPublicKeyInfo
        der = serialization.Encoding.DER
        if key.public_key().public_bytes(der, spki) != cert.public_key().public_bytes(der, spki):
            raise SigningKeyError(
                f"In signing key file {path} the private key does not belong to the certificate."
            )
        return Pkcs12LetterSigner(key, cert, list(extra or []), development=development)

    def _init_certificate(
        self,
        certificate: x509.Certificate,
        extra_certificates: list[x509.Certificate] | None,
        *,
        development: bool,
    ) -> None:
        self.development = development
        self.certificate_sha256 = certificate.fingerprint(hashes.SHA256()).hex()
        self.certificate_pem = certificate.public_bytes(serialization.Encoding.PEM)
        self.subject = common_name(certificate)
        self.issuer = certificate_issuer(certificate)
        self.not_valid_after = certificate.not_valid_after_utc
        self._public_key = certificate.public_key()
        self._cert_asn1 = translate_pyca_cryptography_cert_to_asn1(certificate)
        self._chain_asn1 = [
            translate_pyca_cryptography_cert_to_asn1(c) for c in extra_certificates or []
        ]
        # Room for the CMS blob: signature, signed attributes and the embedded
        # certificates, with generous slack; sized once so pyHanko never has to
        # do its dry-run signature to estimate it.
        cert_bytes = len(self._cert_asn1.dump()) + sum(len(c.dump()) for c in self._chain_asn1)
        self._bytes_reserved = max(8192, 2 * cert_bytes + 4096)
        self._signing_certificate_v2_der = as_signing_certificate_v2(self._cert_asn1).dump()
        self._local = threading.local()
        self.long_term = LongTermValidation()
        self._timestamper: HTTPTimeStamper | None = None

    def use_long_term_validation(self, long_term: LongTermValidation) -> None:
        """Timestamp every signature and/or embed its validation information from now on."""
        if long_term.embed_validation_info and not long_term.trust_roots:
            raise SigningKeyError(
                "Embedding validation information (SKK_SIGNING_EMBED_VALIDATION_INFO) needs the "
                "trust roots of the signing and TSA certificates: set SKK_SIGNING_TRUST_ROOTS."
            )
        self.long_term = long_term
        self._timestamper = (
            _DeadlineTimeStamper(long_term.tsa_url, timeout=long_term.tsa_timeout)
            if long_term.tsa_url
            else None
        )

    @property
    def jws_certificate_pem(self) -> bytes:
        """The certificate of the key that signs the QR's JWS: the signing key's own."""
        return self.certificate_pem

    @property
    def jws_certificate_sha256(self) -> str:
        """The JWS key's certificate fingerprint (its `kid` is the first 8 hex digits)."""
        return self.certificate_sha256

    def _thread_signer(self) -> Signer:
        raise NotImplementedError

    def sign_bytes(self, data: bytes) -> bytes:
        """A detached signature over raw bytes with the office's key (SHA-256; ECDSA or RSA)."""
        raise NotImplementedError

    def sign_bytes_pss(self, data: bytes) -> bytes:
        """An RSASSA-PSS signature over raw bytes (SHA-256, MGF1-SHA-256, 32-byte salt: the
        JWS algorithm PS256); SigningKeyError for a key that is not RSA."""
        raise NotImplementedError

    def verify_bytes(self, data: bytes, signature: bytes) -> bool:
        """Whether `signature` is this key's `sign_bytes` of `data`."""
        return _verify_raw(self._public_key, data, signature)

    def _validation_context(self) -> ValidationContext:
        # A fresh context per signature: it caches what it fetched (OCSP answers, CRLs),
        # which must be today's, and it is not meant to be shared between threads.
        lt = self.long_term
        return ValidationContext(
            trust_roots=[asn1_x509.Certificate.load(der) for der in lt.trust_roots],
            other_certs=self._chain_asn1,
            allow_fetching=True,
            revocation_mode="hard-fail",
            fetcher_backend=RequestsFetcherBackend(per_request_timeout=lt.revocation_timeout),
        )

    def sign(
        self,
        pdf: bytes,
        *,
        reason: str = "Surat Keterangan Kependudukan",
        location: str = "Indonesia",
    ) -> bytes:
        """Return pdf with a PAdES signature over the whole file appended as an incremental update.

        Synchronous and thread-safe.  Call it from a thread with no running event
        loop: FastAPI sync endpoints (they run in a threadpool), or
        ``asyncio.to_thread`` / ``run_in_threadpool`` from async code.  pyHanko's
        signing is asynchronous internally and is run here with ``asyncio.run``,
        which cannot be nested in a running loop; calling this from a coroutine
        raises RuntimeError instead of blocking the loop.

        With ``long_term`` set, the signature carries the TSA's timestamp and the
        validation information sits in a DSS of the same revision, so the
        signature still covers the whole file; a TSA or revocation server that
        fails raises SigningUnavailable.
        """
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            pass
        else:
            raise RuntimeError(
                "LetterSigner.sign() is synchronous and cannot run inside an event loop; "
                "call it via asyncio.to_thread() or a threadpool."
            )
        lt = self.long_term
        meta = PdfSignatureMetadata(
            field_name=SIGNATURE_FIELD_NAME,
            md_algorithm="sha256",
            subfilter=SigSeedSubFilter.PADES,
            reason=reason,
            location=location,
            embed_validation_info=lt.embed_validation_info,
            validation_context=self._validation_context() if lt.embed_validation_info else None,
            # One revision: the DSS is written with the signature (no VRI), so a verifier
            # that knows nothing of incremental updates still sees the whole file signed.
            dss_settings=DSSContentSettings(
                placement=SigDSSPlacementPreference.TOGETHER_WITH_SIGNATURE, include_vri=False
            ),
        )
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
        output = io.BytesIO()
        pdf_signer = PdfSigner(meta, signer=self._thread_signer(), timestamper=self._timestamper)
        # The timestamp token carries the TSA's certificates: room for them too.
        reserved = self._bytes_reserved + (16384 if self._timestamper is not None else 0)
        # Same as pyHanko's own sync wrapper: a fresh event loop per call
        # (~0.08 ms), so no loop outlives its worker thread.
        if not lt.enabled:
            asyncio.run(pdf_signer.async_sign_pdf(writer, bytes_reserved=reserved, output=output))
            return output.getvalue()
        try:
            _run_with_deadline(
                pdf_signer.async_sign_pdf(writer, bytes_reserved=reserved, output=output),
                lt.deadline,
            )
        except Exception as exc:
            log.warning("signing with a timestamp or validation information failed: %r", exc)
            raise SigningUnavailable(
                "the timestamp authority or a certificate status server did not answer in time "
                f"or refused ({type(exc).__name__}); the letter was not signed"
            ) from exc
        return output.getvalue()


class Pkcs12LetterSigner(LetterSigner):
    """Signs rendered letters with one PKCS#12 key (or the development key); thread-safe."""

    def __init__(
        self,
        private_key: PrivateKeyTypes,
        certificate: x509.Certificate,
        extra_certificates: list[x509.Certificate] | None = None,
        *,
        development: bool = False,
    ) -> None:
        """Build a signer from already-loaded cryptography key and certificate objects."""
        self._init_certificate(certificate, extra_certificates, development=development)
        self._private_key = private_key
        # Translate to asn1crypto once; per-thread pyHanko signers are then
        # built from these immutable objects without re-parsing anything.
        self._key_asn1 = translate_pyca_cryptography_key_to_asn1(private_key)

    def sign_bytes(self, data: bytes) -> bytes:
        """A detached signature over raw bytes with the office's key (SHA-256; ECDSA or RSA)."""
        key = self._private_key
        if isinstance(key, ec.EllipticCurvePrivateKey):
            return key.sign(data, ec.ECDSA(hashes.SHA256()))
        if isinstance(key, rsa.RSAPrivateKey):
            return key.sign(data, padding.PKCS1v15(), hashes.SHA256())
        raise SigningKeyError("the signing key is neither ECDSA nor RSA; it cannot sign raw data")

    def sign_bytes_pss(self, data: bytes) -> bytes:
        """An RSASSA-PSS signature over raw bytes (PS256); SigningKeyError for a key not RSA."""
        key = self._private_key
        if not isinstance(key, rsa.RSAPrivateKey):
            raise SigningKeyError("only an RSA key signs with RSASSA-PSS")
        return key.sign(data, PSS_SHA256, hashes.SHA256())

    def _thread_signer(self) -> Signer:
        # pyHanko signer objects carry lazily-filled caches and are not safe to
        # share between threads; one signer per thread is cheap because it
        # reuses the parsed key objects.  Measured against one shared signer
        # behind a lock: same throughput (the GIL serialises both), and no
        # request ever waits on another's signature.
        signer: SimpleSigner | None = getattr(self._local, "signer", None)
        if signer is None:
            registry = SimpleCertificateStore()
            registry.register_multiple(self._chain_asn1)
            signer = SimpleSigner(
                signing_cert=self._cert_asn1,
                signing_key=self._key_asn1,
                cert_registry=registry,
            )
            signer.signed_attr_prov_spec = _PadesSignedAttributes(self._signing_certificate_v2_der)
            self._local.signer = signer
        return signer


# --- verification -------------------------------------------------------------


@dataclass(frozen=True)
class SignatureReport:
    """Outcome of verify_pdf; problem is None only when everything checks out."""

    signed: bool
    intact: bool
    covers_whole_file: bool
    trusted: bool
    signer_subject: str | None
    signer_certificate_sha256: str | None
    signed_at: dt.datetime | None
    verification_token: str | None
    letter_number: str | None
    problem: str | None
    # The time a TSA's token on the signature vouches for (RFC 3161), when there is one, intact
    # and over this signature: unlike signed_at, not the signer's own word.
    timestamped_at: dt.datetime | None = None

    @property
    def valid(self) -> bool:
        """True when the letter is signed, unchanged, complete and trusted."""
        return self.signed and self.intact and self.covers_whole_file and self.trusted


def failure_report(problem: str, *, signed: bool = False) -> SignatureReport:
    """A report that names no signer and vouches for nothing, with its problem."""
    return SignatureReport(
        signed=signed,
        intact=False,
        covers_whole_file=False,
        trusted=False,
        signer_subject=None,
        signer_certificate_sha256=None,
        signed_at=None,
        verification_token=None,
        letter_number=None,
        problem=problem,
    )


def _info_text(info: object, key: str) -> str | None:
    if not isinstance(info, generic.DictionaryObject):
        return None
    value = info.get("/" + key)
    return str(value) if isinstance(value, generic.TextStringObject | str) else None


def _signed_info(reader: PdfFileReader, revision: int) -> object:
    """The /Info dictionary exactly as the signed revision has it."""
    resolver = reader.get_historical_resolver(revision)
    # The flattened trailer's references still point at the whole reader, so resolving them
    # directly returns the newest version of the object: an update appended after the
    # signature could then rewrite /Info in place and name another letter.
    info = resolver.trailer_view.raw_get("/Info")
    if isinstance(info, generic.IndirectObject):
        return resolver.get_object(info.reference)
    return info


def _timestamped_at(signer_info: cms.SignerInfo) -> dt.datetime | None:
    """The time of the signature's timestamp token: None without one, or when the token is
    unreadable, not intact or does not stamp this very signature (the trust decision then
    falls back to the signing time; the TSA's identity is not checked)."""
    try:
        token = extract_tst_data(signer_info)
        if token is None:
            return None
        content = token["encap_content_info"]["content"]
        info = content.parsed
        if info["message_imprint"]["hashed_message"].native != compute_signature_tst_digest(
            signer_info
        ):
            return None
        tsa_info = extract_signer_info(token)
        digest = hashlib.new(tsa_info["digest_algorithm"]["algorithm"].native, bytes(content))
        digest_ok, signature_ok = validate_sig_integrity(
            tsa_info,
            extract_certs_for_validation(token).signer_cert,
            expected_content_type="tst_info",
            actual_digest=digest.digest(),
            algorithm_usage_policy=DEFAULT_ALGORITHM_USAGE_POLICY,
        )
        moment: dt.datetime = info["gen_time"].native
    except MemoryError:
        raise
    except Exception:
        # A token without the TSA's certificate, or one this parser cannot read: the letter's
        # own signature is still checked as it would be without a token.
        return None
    return moment if digest_ok and signature_ok else None


def _looks_like_pdf(data: bytes) -> bool:
    # The spec lets the header sit within the first 1024 bytes.
    return b"%PDF-" in data[:1024]


def verify_pdf(data: bytes, *, trusted_certificates_sha256: Collection[str]) -> SignatureReport:
    """Check an SKK PDF's signature; never raises for bad input, reports the problem instead."""
    if not isinstance(data, bytes | bytearray | memoryview) or not _looks_like_pdf(bytes(data)):
        return failure_report(PROBLEM_NOT_PDF)
    trusted_set = {fp.lower().replace(":", "") for fp in trusted_certificates_sha256}
    try:
        reader = PdfFileReader(io.BytesIO(bytes(data)))
        signatures = reader.embedded_regular_signatures
    except MemoryError:
        # A compression bomb under an address-space limit (app.documents.sandbox).
        return failure_report(PROBLEM_LIMITS)
    except Exception:
        # Truncated and corrupt files fail in many different places inside the
        # parser; for the caller they are all the same problem.
        return failure_report(PROBLEM_DAMAGED)
    if not signatures:
        return failure_report(PROBLEM_UNSIGNED)

    # The office signs exactly once, so the first signature is the letter's;
    # anything signed or written later shows up as incomplete coverage.
    sig = signatures[0]
    try:
        cert = sig.signer_cert
        fingerprint = hashlib.sha256(cert.dump()).hexdigest()
        subject = cert.subject.native.get("common_name") or cert.subject.human_friendly
        signed_at = sig.self_reported_timestamp
        timestamped_at = _timestamped_at(sig.signer_info)
        sig.compute_integrity_info(skip_diff=True)
        digest_ok, signature_ok = validate_sig_integrity(
            sig.signer_info,
            cert,
            expected_content_type="data",
            actual_digest=sig.compute_digest(),
            # Weak algorithms (MD5, SHA-1, small RSA) raise here and end up as
            # "damaged": this office never signs with them.
            algorithm_usage_policy=DEFAULT_ALGORITHM_USAGE_POLICY,
        )
        intact = digest_ok and signature_ok
        covers_whole_file = sig.coverage == SignatureCoverageLevel.ENTIRE_FILE
        info = _signed_info(reader, sig.signed_revision)
    except MemoryError:
        return failure_report(PROBLEM_LIMITS, signed=True)
    except Exception:
        return failure_report(PROBLEM_DAMAGED, signed=True)

    # Trust needs the pinned certificate *and* a signature that really was made
    # with its key; a tampered document can still show who signed the original.
    trusted = fingerprint in trusted_set and signature_ok
    if not intact:
        problem: str | None = PROBLEM_TAMPERED
    elif not trusted:
        problem = PROBLEM_UNTRUSTED
    elif not covers_whole_file:
        problem = PROBLEM_APPENDED
    else:
        problem = None
    return SignatureReport(
        signed=True,
        intact=intact,
        covers_whole_file=covers_whole_file,
        trusted=trusted,
        signer_subject=subject,
        signer_certificate_sha256=fingerprint,
        signed_at=signed_at,
        verification_token=_info_text(info, INFO_KEY_VERIFICATION_TOKEN),
        letter_number=_info_text(info, INFO_KEY_LETTER_NUMBER),
        problem=problem,
        timestamped_at=timestamped_at,
    )
