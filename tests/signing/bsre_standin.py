"""A loopback stand-in of BSrE's esign-client gateway (v2 JSON API) for the tests and the
benchmark: HTTP Basic auth, the signatory's NIK and passphrase checked, BSrE's answer codes
(2011 unknown signatory, 2031 wrong passphrase), an optional latency, failures on demand, and
real PAdES signatures made with pyHanko by a test CA's signatory certificate."""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import secrets
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import uvicorn
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from app.documents.signing import LetterSigner, Pkcs12LetterSigner

STANDIN_NIK = "5371041208800001"
STANDIN_PASSPHRASE = "rahasia-ttd-123"
STANDIN_USER, STANDIN_PASSWORD = "skk-service", "gateway-secret"


def _name(common: str, org: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
        ]
    )


def standin_signer(*, days: int = 730) -> tuple[LetterSigner, x509.Certificate]:
    """A signatory key with a certificate from a fresh test CA (valid `days` from now, or
    ended when negative); returns the signer and the CA's certificate."""
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = _name("Stand-in Balai Sertifikasi Elektronik", "Stand-in BSSN")
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=400))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    end = now + dt.timedelta(days=days)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(_name("KEPALA DINAS (STAND-IN)", "Pemerintah Kota Kupang"))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(min(now, end) - dt.timedelta(days=365))
        .not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    return Pkcs12LetterSigner(key, certificate, [ca]), ca


@dataclass
class StandIn:
    """The gateway's state; tests change it while the server runs."""

    nik: str = STANDIN_NIK
    passphrase: str = STANDIN_PASSPHRASE
    user: str = STANDIN_USER
    password: str = STANDIN_PASSWORD
    status: str = "ISSUE"
    latency: float = 0.0
    # Answers to give instead of signing, first to last: an HTTP status (JSON error body),
    # "garbage" (a 200 with a PDF signed by another key), "slow" (5 s late).
    failures: list[int | str] = field(default_factory=list)
    days: int = 730
    sign_calls: int = 0
    base_url: str = ""
    signer: LetterSigner = field(init=False)
    ca: x509.Certificate = field(init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.signer, self.ca = standin_signer(days=self.days)

    def _authorised(self, request: Request) -> bool:
        expected = base64.b64encode(f"{self.user}:{self.password}".encode()).decode()
        return secrets.compare_digest(request.headers.get("authorization", ""), f"Basic {expected}")

    async def check_status(self, request: Request) -> Response:
        if not self._authorised(request):
            return JSONResponse({"error": "Unauthorized", "status": 401}, status_code=401)
        body = await request.json()
        if body.get("nik") != self.nik:
            return JSONResponse(
                {"status_code": 1110, "status": "NOT_REGISTERED", "message": "tidak terdaftar"}
            )
        return JSONResponse({"status_code": 1111, "status": self.status, "message": "OK"})

    async def sign_pdf(self, request: Request) -> Response:
        if not self._authorised(request):
            return JSONResponse({"error": "Unauthorized", "status": 401}, status_code=401)
        with self._lock:
            self.sign_calls += 1
            failure = self.failures.pop(0) if self.failures else None
        if self.latency:
            await asyncio.sleep(self.latency)
        body = await request.json()
        if failure == "slow":
            await asyncio.sleep(5)
        if isinstance(failure, int):
            return JSONResponse(
                {"timestamp": "2026-11-30T08:00:00", "status": failure, "error": "stand-in"},
                status_code=failure,
            )
        if body.get("nik") != self.nik:
            return JSONResponse(
                {"error": "User tidak terdaftar", "status_code": 2011}, status_code=400
            )
        if body.get("passphrase") != self.passphrase:
            return JSONResponse(
                {"error": "Passphrase anda salah", "status_code": 2031}, status_code=400
            )
        if self.status != "ISSUE" or self.days < 0:
            return JSONResponse(
                {"error": "Sertifikat sudah kedaluwarsa", "status_code": 2021}, status_code=400
            )
        properties = (body.get("signatureProperties") or [{}])[0]
        pdf = base64.b64decode(body["file"][0])
        signer = standin_signer()[0] if failure == "garbage" else self.signer
        signed = await run_in_threadpool(
            signer.sign,
            pdf,
            reason=properties.get("reason") or "Dokumen ini ditandatangani secara elektronik",
            location=properties.get("location") or "Indonesia",
        )
        return JSONResponse(
            {"time": int(time.time() * 1000), "file": [base64.b64encode(signed).decode()]}
        )

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/api/v2/user/check/status", self.check_status, methods=["POST"]),
                Route("/api/v2/sign/pdf", self.sign_pdf, methods=["POST"]),
            ]
        )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running(standin: StandIn | None = None) -> Iterator[StandIn]:
    """Serve a stand-in on a free loopback port until the block ends."""
    standin = standin or StandIn()
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(standin.app(), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the BSrE stand-in did not start")
        time.sleep(0.02)
    standin.base_url = f"http://127.0.0.1:{port}"
    try:
        yield standin
    finally:
        server.should_exit = True
        thread.join(timeout=10)
