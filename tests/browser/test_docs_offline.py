"""/docs and /redoc in headless Chromium with every host but the loopback unreachable: the
documentation of an office's intranet server must not need the internet."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.servers import free_port, initialised_settings, serving

CHROMIUM = shutil.which("chromium")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="chromium is not installed (CI installs it with `apt-get install chromium`)",
)


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("docs")
    port = free_port()
    settings = initialised_settings(tmp, port)
    with serving(settings, port) as base:
        yield base


def _rendered_dom(tmp_path: Path, url: str) -> str:
    assert CHROMIUM is not None
    result = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            # No name resolves but the loopback: a CDN asset would fail to load.
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
            "--virtual-time-budget=15000",
            f"--user-data-dir={tmp_path / 'chromium-profile'}",
            "--dump-dom",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def test_swagger_ui_lists_the_operations_offline(base_url: str, tmp_path: Path) -> None:
    dom = _rendered_dom(tmp_path, f"{base_url}/docs")
    # Swagger UI names each operation's block after its tag and operationId.
    for operation in ("residents-listResidents", "letters-issueLetter", "letters-downloadPdf"):
        assert f"operations-{operation}" in dom, dom[-3000:]


def test_redoc_lists_the_operations_offline(base_url: str, tmp_path: Path) -> None:
    dom = _rendered_dom(tmp_path, f"{base_url}/redoc")
    assert "Issue a Surat Keterangan Kependudukan" in dom, dom[-3000:]
    assert "/api/v1/residents" in dom
