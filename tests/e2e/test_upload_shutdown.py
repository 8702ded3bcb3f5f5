"""`skk serve` stops on SIGTERM while a hostile upload is being checked; no child is left."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from reportlab.pdfgen import canvas

from tests.documents.hostile import looping_prev
from tests.servers import free_port, wait_until_healthy

CHECK_SECONDS = 8


def _sandbox_children(pid: int) -> set[int]:
    """Direct children of pid running the upload check."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == pid and b"app.documents.sandbox" in cmdline:
            found.add(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_sigterm_during_an_upload_check_stops_the_server_and_its_children(
    settings, tmp_path: Path
) -> None:
    if not sys.platform.startswith("linux"):
        pytest.skip("reads /proc")
    if not settings.is_sqlite:
        pytest.skip("the database plays no part; once on SQLite is enough")
    port = free_port()
    env = {
        **os.environ,
        "SKK_DATABASE_URL": settings.database_url,
        "SKK_DATA_DIR": str(settings.data_dir),
        "SKK_PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        "SKK_UPLOAD_CHECK_SECONDS": str(CHECK_SECONDS),
    }
    log = open(tmp_path / "server.log", "w")  # noqa: SIM115
    server = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(base, server, tmp_path / "server.log")

        buffer = io.BytesIO()
        page = canvas.Canvas(buffer)
        page.drawString(72, 720, "SURAT KETERANGAN")
        page.save()
        hostile = looping_prev(buffer.getvalue(), self_loop=True)
        answers: list[httpx.Response | Exception] = []

        def upload() -> None:
            try:
                answers.append(
                    httpx.post(
                        f"{base}/api/v1/verify",
                        content=hostile,
                        headers={"Content-Type": "application/pdf"},
                        timeout=60,
                    )
                )
            except Exception as exc:  # the server may close the connection on its way out
                answers.append(exc)

        thread = threading.Thread(target=upload)
        thread.start()
        # Wait until the check is running: the busy child and the next warm one.
        children: set[int] = set()
        deadline = time.monotonic() + 10
        while len(children) < 2 and time.monotonic() < deadline:
            children |= _sandbox_children(server.pid)
            time.sleep(0.1)
        assert len(children) >= 2
        time.sleep(0.5)

        started = time.monotonic()
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=CHECK_SECONDS + 10)
        stopped_after = time.monotonic() - started
        thread.join(timeout=30)
        assert stopped_after < CHECK_SECONDS + 5
        deadline = time.monotonic() + 5
        while any(_alive(pid) for pid in children) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not [pid for pid in children if _alive(pid)], "an upload check child outlived"
        # The request in flight was answered before the server went away.
        (answer,) = answers
        assert isinstance(answer, httpx.Response), answer
        assert answer.json()["outcome"] == "damaged"
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
        log.close()
