"""Benchmark the signer backends on one rendered letter: sign alone (median, p95) and
letters/s from several threads at once.

- pkcs12: the development key (ECDSA P-256) in process;
- pkcs12 + TSA, + TSA + B-LT: a key of a test PKI (certomancer, served on loopback) with
  SKK_TSA_URL and SKK_SIGNING_EMBED_VALIDATION_INFO;
- pkcs11: a SoftHSM2 token (Debian softhsm2); its operations take one lock (see
  app/documents/pkcs11_signer.py).

Usage: .venv/bin/python bench/signing.py [N] [THREADS]   (default 200 4)
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.documents.pkcs11_signer import Pkcs11LetterSigner  # noqa: E402
from app.documents.render import render_letter  # noqa: E402
from app.documents.signing import (  # noqa: E402
    LetterSigner,
    LongTermValidation,
    create_development_key,
    load_trust_roots,
)
from tests.documents.conftest import BASE_CONTENT  # noqa: E402
from tests.signing.pki import serve_test_pki  # noqa: E402
from tests.signing.softhsm import (  # noqa: E402
    KEY_LABEL,
    TOKEN_LABEL,
    USER_PIN,
    make_softhsm_token,
)


def timed(sign: Callable[[], object], n: int) -> list[float]:
    samples = []
    for _ in range(n):
        started = time.perf_counter()
        sign()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def per_second(sign: Callable[[], object], n: int, threads: int) -> float:
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(lambda _: sign(), range(n)))
    return n / (time.perf_counter() - started)


def report(label: str, signer: LetterSigner, pdf: bytes, n: int, threads: int) -> None:
    signer.sign(pdf)  # warm up: per-thread objects, connections
    samples = sorted(timed(lambda: signer.sign(pdf), n))
    rate = per_second(lambda: signer.sign(pdf), n, threads)
    print(
        f"{label:<34} median {statistics.median(samples):7.2f} ms  "
        f"p95 {samples[int(len(samples) * 0.95) - 1]:7.2f} ms  "
        f"{rate:6.1f} letters/s ({threads} threads)"
    )


def main(n: int, threads: int) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="skk-bench-signing-"))
    pdf = render_letter(BASE_CONTENT)
    print(f"sign alone, one rendered letter, n={n}")

    dev = LetterSigner.from_pkcs12(create_development_key(tmp / "dev"), None, development=True)
    report("pkcs12 (development key)", dev, pdf, n, threads)

    (tmp / "pki").mkdir()
    with serve_test_pki(tmp / "pki") as pki:
        roots = load_trust_roots(pki.root_pem)
        office = LetterSigner.from_pkcs12(pki.office_p12, None)
        report("pkcs12 (test PKI key)", office, pdf, n, threads)
        office.use_long_term_validation(LongTermValidation(tsa_url=pki.tsa_url))
        report("pkcs12 + TSA (B-T)", office, pdf, n, threads)
        office.use_long_term_validation(
            LongTermValidation(tsa_url=pki.tsa_url, embed_validation_info=True, trust_roots=roots)
        )
        report("pkcs12 + TSA + B-LT", office, pdf, n, threads)

    token = make_softhsm_token(tmp / "softhsm")
    options = dict(module=token.module, token_label=TOKEN_LABEL, key_label=KEY_LABEL, pin=USER_PIN)
    report("pkcs11 (SoftHSM2)", Pkcs11LetterSigner(**options), pdf, n, threads)  # type: ignore[arg-type]


if __name__ == "__main__":
    main(
        int(sys.argv[1]) if len(sys.argv) > 1 else 200,
        int(sys.argv[2]) if len(sys.argv) > 2 else 4,
    )
