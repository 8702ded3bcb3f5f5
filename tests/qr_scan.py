"""Scanning a letter's printed QR code as a phone would: the page at 150 dpi, then zbar."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

MISSING = [tool for tool in ("pdftoppm", "zbarimg") if shutil.which(tool) is None]
if MISSING and os.environ.get("SKK_TEST_REQUIRE_ZBAR"):
    raise RuntimeError(f"SKK_TEST_REQUIRE_ZBAR is set but {', '.join(MISSING)} is missing")

needs_zbar = pytest.mark.skipif(
    bool(MISSING),
    reason=f"{', '.join(MISSING)} not installed (Debian poppler-utils, zbar-tools); "
    ".ci/run installs them",
)


def scan_pdf(pdf: bytes, tmp_path: Path, *, dpi: int = 150) -> list[str]:
    """The QR codes zbar reads on the PDF's first page rendered at `dpi`."""
    from app.cli.verify_offline import qr_texts_of_pdf

    path = tmp_path / "scanned.pdf"
    path.write_bytes(pdf)
    return qr_texts_of_pdf(path, dpi=dpi)
