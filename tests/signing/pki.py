"""The test PKI of pki/skk-test-pki.yml served over HTTP on loopback (certomancer's Animator).

Fresh keys every run; the server answers the TSA, OCSP and CRL requests the signer makes, and
can be told to stall (a TSA that is down or slow).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

CONFIG = Path(__file__).parent / "pki" / "skk-test-pki.yml"
ARCH = "skk"
KEYS = ("root", "office", "ocsp", "tsa")


@dataclass
class PkiServer:
    """The running PKI: its base URL, the office's PKCS#12, the root's PEM, and a stall knob."""

    base_url: str
    office_p12: Path
    root_pem: Path
    arch: Any
    stall_seconds: float = 0.0
    # The service (a path fragment: "/tsa/", "/ocsp/") that answers at once but sends its
    # reply a byte every 0.1 s, for 10 s.
    trickle: str = ""
    requests: list[str] = field(default_factory=list)

    @property
    def tsa_url(self) -> str:
        return f"{self.base_url}/{ARCH}/tsa/tsa"

    @property
    def root_der(self) -> bytes:
        return self.arch.get_cert("root").dump()  # type: ignore[no-any-return]


def _trickle() -> Iterator[bytes]:
    for _ in range(100):
        time.sleep(0.1)
        yield b"0"


def _write_keys(directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for label in KEYS:
        key = ec.generate_private_key(ec.SECP256R1())
        (directory / f"{label}.key.pem").write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )


OFFICE_VALIDITY = '{valid-from: "2020-01-01T00:00:00+0000", valid-to: "2050-01-01T00:00:00+0000"}'


@contextmanager
def serve_test_pki(
    workdir: Path, *, office_valid_to: str | None = None, office_revoked_since: str | None = None
) -> Iterator[PkiServer]:
    """Start the PKI's HTTP services on a free loopback port; stop them afterwards.

    office_valid_to and office_revoked_since (ISO 8601) give the office's certificate an
    earlier end, and a revocation from that moment on (as the CA will report it then).
    """
    from certomancer.integrations.animator import Animator, AnimatorArchStore
    from certomancer.registry import CertomancerConfig
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import pkcs12
    from werkzeug.serving import make_server

    config_text = CONFIG.read_text()
    marker = "      office:\n        subject: office\n        issuer: root\n        validity: "
    assert marker + OFFICE_VALIDITY in config_text
    if office_valid_to:
        config_text = config_text.replace(
            marker + OFFICE_VALIDITY,
            marker + OFFICE_VALIDITY.replace("2050-01-01T00:00:00+0000", office_valid_to),
        )
    if office_revoked_since:
        revocation = (
            f'revocation: {{revoked-since: "{office_revoked_since}", reason: key_compromise}}'
        )
        config_text = config_text.replace(
            marker, f"{marker[: -len('validity: ')]}{revocation}\n        validity: "
        )
    (workdir / CONFIG.name).write_text(config_text)
    _write_keys(workdir / "keys")
    holder: dict[str, PkiServer] = {}

    def app(environ: dict[str, Any], start_response: Any) -> Any:
        pki = holder["pki"]
        pki.requests.append(environ.get("PATH_INFO", ""))
        if pki.stall_seconds:
            time.sleep(pki.stall_seconds)
        path = environ.get("PATH_INFO", "")
        if pki.trickle and pki.trickle in path:
            kind = "timestamp-reply" if "/tsa/" in path else "ocsp-response"
            start_response("200 OK", [("Content-Type", f"application/{kind}")])
            return _trickle()
        return holder["animator"](environ, start_response)

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    server = make_server("127.0.0.1", 0, app, threaded=True)
    base_url = f"http://127.0.0.1:{server.server_port}"
    config = CertomancerConfig.from_file(str(workdir / CONFIG.name), external_url_prefix=base_url)
    arch = config.get_pki_arch(ARCH)
    holder["animator"] = Animator(AnimatorArchStore(config.pki_archs), with_web_ui=False)

    office_key = serialization.load_pem_private_key(
        (workdir / "keys" / "office.key.pem").read_bytes(), None
    )
    office_cert = x509.load_der_x509_certificate(arch.get_cert("office").dump())
    root_cert = x509.load_der_x509_certificate(arch.get_cert("root").dump())
    office_p12 = workdir / "office.p12"
    office_p12.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"office",
            office_key,
            office_cert,
            [root_cert],
            serialization.NoEncryption(),  # type: ignore[arg-type]
        )
    )
    root_pem = workdir / "roots.pem"
    root_pem.write_bytes(root_cert.public_bytes(serialization.Encoding.PEM))
    holder["pki"] = pki = PkiServer(
        base_url=base_url, office_p12=office_p12, root_pem=root_pem, arch=arch
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield pki
    finally:
        server.shutdown()
        thread.join(timeout=10)
