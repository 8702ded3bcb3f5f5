"""Letters signed by BSrE (Balai Sertifikasi Elektronik) through the esign-client gateway.

The gateway sits in the local government's network and forwards to BSrE's signing cloud; the
certificate is the signatory's, identified by NIK, and each signature needs the signatory's
passphrase. This adapter speaks the gateway's v2 JSON API:

- `POST /api/v2/user/check/status` `{nik}` -> `{status: ISSUE | REVOKE | ...}`
- `POST /api/v2/sign/pdf` `{nik, passphrase, signatureProperties: [...], file: [base64]}`
  -> `{file: [base64]}`

v2 rather than v1's multipart `POST /api/sign/pdf`: the NIK travels in the body, never in a URL
(v1's status check is `GET /api/user/status/{nik}`, and URLs end up in the gateway's and
proxies' access logs), and every answer is JSON with BSrE's `status_code`.

What cannot go through BSrE: raw signatures (`sign_bytes`: audit checkpoints, the QR's JWS).
They are made by a companion key kept by the office (its PKCS#12, or one generated in the data
directory); `companion_certificate_pem` names it.
"""

from __future__ import annotations

import base64
import binascii
import io
import logging
import time
from datetime import UTC, datetime
from typing import Any

import httpx
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils.reader import PdfFileReader
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from app.documents.signing import (
    LetterSigner,
    SigningKeyError,
    certificate_issuer,
    verify_pdf,
)
from app.domain.masking import mask_nik, mask_text_niks
from app.errors import BadGateway, ServiceUnavailable, problem_text

log = logging.getLogger("app.signer.bsre")

STATUS_PATH = "/api/v2/user/check/status"
SIGN_PATH = "/api/v2/sign/pdf"

# BSrE's answer codes seen in the field (the esign-client guide lists them).
WRONG_PASSPHRASE = 2031
NOT_REGISTERED = 2011
STATUS_ACTIVE = "ISSUE"

# Where BSrE draws its mark when asked for a visible signature: the letter's signature block
# (A4, points from the bottom left; app.documents.render keeps that corner for it).
VISIBLE_BOX = {"page": 1, "originX": 330.0, "originY": 120.0, "width": 200.0, "height": 70.0}

# Retries of a call that cannot have signed: the connection was never made, or the gateway
# said 429/503 (it did not take the request). A timeout after sending is never retried: the
# letter may have been signed, and BSrE's log would show two signatures of one letter.
RETRIES = 2
BACKOFF_SECONDS = 0.5
RETRY_AFTER_CAP_SECONDS = 10.0


def _tiny_pdf() -> bytes:
    """A one-page PDF that says what it is: signed at start to learn the certificate."""
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=A4, invariant=True)
    page.setTitle("SKK signer check")
    page.drawString(72, 770, "SKK service: signer check at start (not a letter)")
    page.showPage()
    page.save()
    return out.getvalue()


def _signer_certificate(pdf: bytes) -> x509.Certificate:
    """The certificate of a signed PDF's first signature."""
    reader = PdfFileReader(io.BytesIO(pdf))
    signatures = reader.embedded_regular_signatures
    if not signatures:
        raise ValueError("the PDF has no signature")
    return x509.load_der_x509_certificate(signatures[0].signer_cert.dump())


def _common_name(certificate: x509.Certificate) -> str:
    names = certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(names[0].value) if names else certificate.subject.rfc4514_string()


class BsreSigner:
    """The signer interface of app.documents.signing.LetterSigner, signing through BSrE."""

    development = False

    def __init__(
        self,
        *,
        url: str,
        user: str,
        password: str,
        nik: str,
        passphrase: str,
        timeout: float,
        visible: bool,
        companion: LetterSigner,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        """Set up the client; `connect()` checks the signatory and learns the certificate."""
        self._nik = nik
        self._passphrase = passphrase
        self._visible = visible
        self._companion = companion
        self.companion_certificate_pem = companion.certificate_pem
        # The QR's JWS is the companion's: its certificate gives the `kid` and the JWK.
        self.jws_certificate_pem = companion.certificate_pem
        self.jws_certificate_sha256 = companion.certificate_sha256
        self.signatory = mask_nik(nik)
        self._client = httpx.Client(
            base_url=url.rstrip("/"),
            auth=(user, password) if user else None,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            transport=transport,
            headers={"Accept": "application/json"},
        )
        self.certificate_sha256 = ""
        self.certificate_pem = b""
        self.subject = self.issuer = ""
        self.not_valid_after = datetime.min.replace(tzinfo=UTC)

    # --- start ---------------------------------------------------------------------------

    def connect(self) -> BsreSigner:
        """Check the signatory's status, then sign a one-page PDF to learn (and check) the
        certificate and passphrase; raises SigningKeyError with a sentence to act on."""
        try:
            status = self._call(STATUS_PATH, {"nik": self._nik})
            if str(status.get("status", "")).upper() != STATUS_ACTIVE:
                raise SigningKeyError(
                    f"BSrE: the signatory {self.signatory} has no active certificate (status "
                    f"{str(status.get('status'))[:40]!r}); activate or renew it at BSrE"
                )
            probe = _tiny_pdf()
            signed = self._sign_remote(probe, reason="SKK signer check", location="")
            certificate = _signer_certificate(signed)
        except (BadGateway, ServiceUnavailable) as exc:
            raise SigningKeyError(f"BSrE at start: {exc.detail}") from None
        except ValueError as exc:
            raise SigningKeyError(
                f"BSrE at start: the signed check PDF is unusable ({exc})"
            ) from None
        self._learn(certificate)
        self._check_result(probe, signed)
        if self.not_valid_after <= datetime.now(UTC):
            raise SigningKeyError(
                f"BSrE: the signatory's certificate ended on {self.not_valid_after.date()}; "
                "renew it at BSrE"
            )
        log.info(
            "signing through BSrE as %s (certificate %s, until %s)",
            self.signatory,
            self.certificate_sha256[:16],
            self.not_valid_after.date(),
        )
        return self

    def _learn(self, certificate: x509.Certificate) -> None:
        self.certificate_sha256 = certificate.fingerprint(hashes.SHA256()).hex()
        self.certificate_pem = certificate.public_bytes(serialization.Encoding.PEM)
        self.subject = _common_name(certificate)
        self.issuer = certificate_issuer(certificate)
        self.not_valid_after = certificate.not_valid_after_utc

    def close(self) -> None:
        self._client.close()

    # --- the signer interface ------------------------------------------------------------

    def sign(
        self,
        pdf: bytes,
        *,
        reason: str = "Surat Keterangan Kependudukan",
        location: str = "Indonesia",
    ) -> bytes:
        """The letter signed by BSrE, checked before it is handed back: 502/503 otherwise."""
        if self.not_valid_after <= datetime.now(UTC):
            raise BadGateway(
                problem_text("signer_certificate_expired.ended", until=self.not_valid_after.date()),
                code="signer_certificate_expired",
            )
        started = time.perf_counter()
        signed = self._sign_remote(pdf, reason=reason, location=location)
        self._check_result(pdf, signed)
        log.info("letter signed by BSrE in %.0f ms", (time.perf_counter() - started) * 1000)
        return signed

    def sign_bytes(self, data: bytes) -> bytes:
        """A raw signature by the office's companion key (BSrE signs PDFs only)."""
        return self._companion.sign_bytes(data)

    def sign_bytes_pss(self, data: bytes) -> bytes:
        """An RSASSA-PSS signature by the companion key (an RSA one)."""
        return self._companion.sign_bytes_pss(data)

    def verify_bytes(self, data: bytes, signature: bytes) -> bool:
        """Whether `signature` is the companion key's `sign_bytes` of `data`."""
        return self._companion.verify_bytes(data, signature)

    # --- the gateway ---------------------------------------------------------------------

    def _sign_remote(self, pdf: bytes, *, reason: str, location: str) -> bytes:
        properties: dict[str, Any] = {
            "tampilan": "VISIBLE" if self._visible else "INVISIBLE",
            "reason": reason,
            "location": location,
        }
        if self._visible:
            properties.update(VISIBLE_BOX)
        answer = self._call(
            SIGN_PATH,
            {
                "nik": self._nik,
                "passphrase": self._passphrase,
                "signatureProperties": [properties],
                "file": [base64.b64encode(pdf).decode("ascii")],
            },
        )
        files = answer.get("file")
        if not isinstance(files, list) or len(files) != 1 or not isinstance(files[0], str):
            raise BadGateway(
                problem_text("signer_bad_result.no_pdf"),
                code="signer_bad_result",
            )
        try:
            return base64.b64decode(files[0], validate=True)
        except (binascii.Error, ValueError):
            raise BadGateway(
                problem_text("signer_bad_result.base64"),
                code="signer_bad_result",
            ) from None

    def _check_result(self, sent: bytes, signed: bytes) -> None:
        """The signed PDF keeps our bytes and carries one intact signature over the whole file
        by the signatory's certificate."""
        trusted = [self.certificate_sha256] if self.certificate_sha256 else []
        report = verify_pdf(signed, trusted_certificates_sha256=trusted)
        if not signed.startswith(sent) or not report.valid:
            raise BadGateway(
                problem_text(
                    "signer_bad_result",
                    problem=report.problem or "it is not the letter that was sent",
                ),
                code="signer_bad_result",
            )

    def _call(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        """POST JSON; retried only where the gateway cannot have acted on it."""
        for attempt in range(RETRIES + 1):
            last = attempt == RETRIES
            try:
                response = self._client.post(path, json=body)
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout):
                if last:
                    raise ServiceUnavailable(
                        problem_text("signer_unavailable"),
                        code="signer_unavailable",
                        headers={"Retry-After": "60"},
                    ) from None
                time.sleep(BACKOFF_SECONDS * 2**attempt)
                continue
            except httpx.TimeoutException:
                raise ServiceUnavailable(
                    problem_text("signer_unavailable.timeout"),
                    code="signer_unavailable",
                    headers={"Retry-After": "60"},
                ) from None
            except httpx.HTTPError:
                raise ServiceUnavailable(
                    problem_text("signer_unavailable.broken"),
                    code="signer_unavailable",
                    headers={"Retry-After": "60"},
                ) from None
            if response.status_code in (429, 503) and not last:
                time.sleep(_retry_delay(response, attempt))
                continue
            return self._answer(response)
        raise AssertionError("unreachable")  # pragma: no cover

    def _answer(self, response: httpx.Response) -> dict[str, Any]:
        """The JSON of a 2xx answer; a problem a clerk understands for anything else."""
        try:
            data = response.json()
        except ValueError:
            data = None
        if response.is_success and isinstance(data, dict):
            return data
        if response.is_success:
            raise BadGateway(
                problem_text("signer_bad_result.not_json"),
                code="signer_bad_result",
            )
        said = _said(data)
        code = data.get("status_code") if isinstance(data, dict) else None
        if code == WRONG_PASSPHRASE or str(code) == str(WRONG_PASSPHRASE):
            raise BadGateway(
                problem_text("signer_passphrase_wrong"),
                code="signer_passphrase_wrong",
            )
        if code == NOT_REGISTERED or str(code) == str(NOT_REGISTERED):
            raise BadGateway(
                problem_text("signer_not_registered", who=self.signatory),
                code="signer_not_registered",
            )
        if any(word in said.lower() for word in ("expired", "kedaluwarsa", "kadaluarsa")):
            raise BadGateway(
                problem_text("signer_certificate_expired"),
                code="signer_certificate_expired",
            )
        if response.status_code == 401:
            raise BadGateway(
                problem_text("signer_refused.credentials"),
                code="signer_refused",
            )
        if response.status_code >= 500:
            raise ServiceUnavailable(
                problem_text("signer_unavailable.failed", status=response.status_code),
                code="signer_unavailable",
                headers={"Retry-After": "60"},
            )
        raise BadGateway(
            problem_text(
                "signer_refused", status=response.status_code, said=f": {said}" if said else ""
            ),
            code="signer_refused",
        )


def _said(data: object) -> str:
    """The gateway's own words, short, with any NIK masked."""
    if not isinstance(data, dict):
        return ""
    text = data.get("error") or data.get("message") or ""
    return mask_text_niks(str(text))[:200]


def _retry_delay(response: httpx.Response, attempt: int) -> float:
    """Retry-After when the gateway gives seconds (capped), else exponential backoff."""
    header = response.headers.get("retry-after", "")
    if header.isdigit():
        return min(float(header), RETRY_AFTER_CAP_SECONDS)
    return BACKOFF_SECONDS * 2**attempt
