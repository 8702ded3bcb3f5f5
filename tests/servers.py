"""A real HTTP server for the tests that need one (browsers, generated clients): the app on a
free loopback port, in a thread, stopped at the end."""

from __future__ import annotations

import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import uvicorn

from app.cli import initialise
from app.config import Settings
from app.main import create_app


def initialised_settings(tmp: Path, port: int) -> Settings:
    """Settings for a service on `port` over a new SQLite database in `tmp`, initialised
    (schema, regions, development key) and ready to serve."""
    settings = Settings(
        database_url=f"sqlite:///{tmp / 'skk.db'}",
        data_dir=tmp / "data",
        public_base_url=f"http://127.0.0.1:{port}",
        _env_file=None,  # type: ignore[call-arg]
    )
    initialise(settings)
    return settings


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(settings: Settings, port: int) -> Iterator[str]:
    """Serve the app on 127.0.0.1:port until the block ends; yields its base URL."""
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


def wait_until_healthy(
    base: str, process: subprocess.Popen[bytes], log: Path, seconds: float = 60
) -> None:
    """Wait for a `skk serve` subprocess to answer /health; fail with its log if it dies."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if process.poll() is not None:
            raise AssertionError(log.read_text())
        time.sleep(0.3)
    raise AssertionError(f"server did not become healthy in {seconds:g} s")
