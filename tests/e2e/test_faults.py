"""The database going away mid-service: 503 problem+json, then recovery without a restart."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import make_url

from app.main import create_app

pytestmark = pytest.mark.postgres


class TcpProxy:
    """A loopback TCP forwarder that can be cut and restored, like a database going away."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.port = int(self.listener.getsockname()[1])
        self.sockets: list[socket.socket] = []
        self.up = False

    def start(self) -> None:
        if self.listener.fileno() == -1:
            self.listener = socket.socket()
            self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            self.listener.bind(("127.0.0.1", self.port))
        self.listener.listen(64)
        self.up = True
        threading.Thread(target=self._accept, daemon=True).start()

    def stop(self) -> None:
        self.up = False
        # Wakes the thread blocked in accept(); close() alone leaves the port listening.
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)
        self.listener.close()
        for sock in self.sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        self.sockets.clear()

    def _accept(self) -> None:
        listener = self.listener
        while self.up:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            self.sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)


@pytest.fixture
def proxied(engine, settings) -> Iterator[tuple[TestClient, TcpProxy]]:  # type: ignore[no-untyped-def]
    if engine.dialect.name != "postgresql":
        pytest.skip("needs a database server to take away")
    url = make_url(settings.database_url)
    proxy = TcpProxy((url.host or "127.0.0.1", url.port or 5432))
    proxy.start()
    proxied_url = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    app = create_app(settings.model_copy(update={"database_url": proxied_url}))
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client, proxy
    proxy.stop()


def test_database_gone_is_503_then_recovers(proxied, keys) -> None:
    client, proxy = proxied
    assert client.get("/api/v1/me", headers=keys.operator).status_code == 200
    proxy.stop()
    down = client.get("/api/v1/me", headers=keys.operator)
    assert down.status_code == 503
    assert down.headers["content-type"] == "application/problem+json"
    assert down.json()["code"] == "database_unavailable"
    assert down.headers["retry-after"]
    assert client.get("/health").status_code == 503
    proxy.start()
    assert client.get("/api/v1/me", headers=keys.operator).status_code == 200
    assert client.get("/health").json()["database"] == "ok"
