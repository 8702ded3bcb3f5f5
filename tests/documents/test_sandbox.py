"""Upload checks run in a limited child process: hostile PDFs cannot stall or bloat the caller."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from app.documents.sandbox import CheckLimits, verify_pdf_isolated
from app.documents.signing import PROBLEM_LIMITS, LetterSigner, verify_pdf

from .hostile import looping_prev, object_stream_bomb, xref_stream_bomb

LIMITS = CheckLimits(seconds=3, memory_mb=512)
GIB = 1 << 30


def _rss_kb() -> int:
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmRSS:"))
    return int(line.split()[1])


HOSTILE: dict[str, Callable[[bytes], bytes]] = {
    "prev-loops-onto-itself": lambda signed: looping_prev(signed, self_loop=True),
    "prev-loops-between-two": lambda signed: looping_prev(signed, self_loop=False),
    "xref-stream-bomb": lambda signed: xref_stream_bomb(GIB),
    "object-stream-bomb": lambda signed: object_stream_bomb(GIB),
}


@pytest.mark.parametrize("build", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_hostile_pdf_is_cut_off_within_the_limits(
    build: Callable[[bytes], bytes], signed_pdf: bytes, signer: LetterSigner
) -> None:
    hostile = build(signed_pdf)
    assert len(hostile) < 2 * 1024 * 1024  # small enough for any upload limit
    rss_before = _rss_kb()
    started = time.monotonic()
    report = verify_pdf_isolated(
        hostile, trusted_certificates_sha256=[signer.certificate_sha256], limits=LIMITS
    )
    elapsed = time.monotonic() - started
    assert report.problem == PROBLEM_LIMITS
    assert not report.valid and report.letter_number is None
    assert elapsed < LIMITS.seconds + 2
    # The parsing happened elsewhere: this process did not take the gigabyte.
    assert _rss_kb() - rss_before < 10 * 1024


def test_a_genuine_letter_checks_the_same_in_the_child(
    signed_pdf: bytes, signer: LetterSigner
) -> None:
    trusted = [signer.certificate_sha256]
    isolated = verify_pdf_isolated(signed_pdf, trusted_certificates_sha256=trusted, limits=LIMITS)
    assert isolated.valid
    assert isolated == verify_pdf(signed_pdf, trusted_certificates_sha256=trusted)
    # Tampered and garbage files too: the report crosses the process boundary unchanged.
    tampered = bytearray(signed_pdf)
    tampered[signed_pdf.index(b"/Producer") + 12] ^= 0x01
    for data in (bytes(tampered), b"not a pdf", signed_pdf[: len(signed_pdf) // 2]):
        assert verify_pdf_isolated(
            data, trusted_certificates_sha256=trusted, limits=LIMITS
        ) == verify_pdf(data, trusted_certificates_sha256=trusted)
