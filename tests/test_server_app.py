"""The application as `skk serve` builds it in each worker."""

from __future__ import annotations

import gc
import logging

from fastapi.testclient import TestClient

from app.logging_setup import JsonFormatter
from app.main import GC_THRESHOLDS, create_server_app


def test_server_app_freezes_start_up_objects_and_serves(settings, monkeypatch) -> None:
    monkeypatch.setattr("app.main.get_settings", lambda: settings)
    thresholds = gc.get_threshold()
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        app = create_server_app()
        # A spawned worker sets up its own logging: JSON lines with NIKs masked.
        assert any(isinstance(h.formatter, JsonFormatter) for h in root.handlers)
        assert gc.get_freeze_count() > 10_000  # modules, routes, schemas: out of the GC's walk
        assert gc.get_threshold() == GC_THRESHOLDS
        with TestClient(app) as client:
            assert client.get("/health").json()["status"] == "ok"
    finally:
        root.handlers[:], root.level = handlers, level
        gc.unfreeze()
        gc.set_threshold(*thresholds)
