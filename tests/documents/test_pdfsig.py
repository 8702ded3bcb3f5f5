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


def pdfsig(tmp_path: Path, pdf: bytes) -> str:
    """pdfsig's report on pdf; fails the test unless pdfsig really read one signature."""
    path = tmp_path / "letter.pdf"
    path.write_bytes(pdf)
    result = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, timeout=60)
    report = result.stdout + result.stderr
    # Without this, "the signature is not valid" would also pass when pdfsig could not open
    # the file, crashed, or found no signature at all.
    assert result.returncode == 0, report
    assert "Signature #1:" in report and "Signature #2" not in report, report
    assert "- Signature Validation:" in report, report
    return report


def test_pdfsig_finds_a_valid_signature_over_the_whole_document(tmp_path, signed_pdf) -> None:
    report = pdfsig(tmp_path, signed_pdf)
    assert "Signature Validation: Signature is Valid" in report
    assert "Total document signed" in report
    assert "SKK development signing key" in report


def test_pdfsig_sees_one_changed_byte(tmp_path, signed_pdf) -> None:
    tampered = bytearray(signed_pdf)
    position = signed_pdf.index(b"/Producer") + 12  # inside the signed range, still parseable
    tampered[position] ^= 0x01
    report = pdfsig(tmp_path, bytes(tampered))
    assert "Signature Validation: Digest Mismatch" in report
    assert "Signature is Valid" not in report
