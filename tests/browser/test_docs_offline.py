"""/docs and /redoc in headless Chromium with every host but the loopback unreachable: the
documentation of an office's intranet server must not need the internet."""

from __future__ import annotations

import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from app.cli import initialise
from app.config import Settings
from app.main import create_app

CHROMIUM = shutil.which("chromium")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="chromium is not installed (CI installs it with `apt-get install chromium`)",
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("docs")
    port = _free_port()
    settings = Settings(
        database_url=f"sqlite:///{tmp / 'skk.db'}",
        data_dir=tmp / "data",
        public_base_url=f"http://127.0.0.1:{port}",
        _env_file=None,  # type: ignore[call-arg]
    )
    initialise(settings)
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


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
