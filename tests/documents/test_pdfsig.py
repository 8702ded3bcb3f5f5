"""An independent PDF signature checker (poppler's pdfsig) accepts our signature."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(
    shutil.which("pdfsig") is None,
    reason="pdfsig (Debian poppler-utils) is not installed; .ci/run installs it",
)


def _pdfsig(tmp_path: Path, pdf: bytes) -> str:
    path = tmp_path / "letter.pdf"
    path.write_bytes(pdf)
    result = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, timeout=60)
    return result.stdout + result.stderr


def test_pdfsig_finds_a_valid_signature_over_the_whole_document(tmp_path, signed_pdf) -> None:
    report = _pdfsig(tmp_path, signed_pdf)
    assert "Signature is Valid" in report
    assert "Total document signed" in report
    assert "SKK development signing key" in report


def test_pdfsig_sees_one_changed_byte(tmp_path, signed_pdf) -> None:
    tampered = bytearray(signed_pdf)
    position = tampered.index(b"SURAT KETERANGAN") if b"SURAT KETERANGAN" in tampered else 2000
    tampered[position] ^= 0x01
    report = _pdfsig(tmp_path, bytes(tampered))
    assert "Signature is Valid" not in report
