"""Security defaults: CORS closed, headers, no half-issued letter when storage fails."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.config import Settings
from app.db import session_scope
from app.documents.signing import SigningKeyError
from app.models import Letter, LetterCounter
from app.services.signer import load_signer
from tests.factories import resident_payload


def test_cors_is_closed_by_default(client) -> None:
    preflight = client.options(
        "/api/v1/residents",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"},
    )
    assert "access-control-allow-origin" not in preflight.headers
    simple = client.get("/health", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in simple.headers


def test_every_answer_has_the_basic_security_headers(client) -> None:
    response = client.get("/health")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"


def test_development_key_is_refused_in_production(settings: Settings) -> None:
    with pytest.raises(ValueError, match="SKK_SIGNING_P12"):
        Settings(env="production", _env_file=None)  # type: ignore[call-arg]
    # Even if the check were bypassed, the loader refuses the development key.
    sneaky = settings.model_copy(update={"env": "production"})
    with pytest.raises(SigningKeyError, match="development"):
        load_signer(sneaky)


def test_storage_failure_leaves_no_half_issued_letter(
    client, keys, sessionmaker_, monkeypatch
) -> None:
    nik = client.post("/api/v1/residents", json=resident_payload(), headers=keys.operator).json()[
        "nik"
    ]
    real_flush = Session.flush

    def full_disk(self: Session, objects=None) -> None:  # type: ignore[no-untyped-def]
        if any(isinstance(o, Letter) for o in self.new):
            raise OSError(28, "No space left on device")
        real_flush(self, objects)

    monkeypatch.setattr(Session, "flush", full_disk)
    response = client.post(
        f"/api/v1/residents/{nik}/letters", json={"purpose": "Bank"}, headers=keys.operator
    )
    assert response.status_code == 500
    assert "No space" not in response.text
    monkeypatch.setattr(Session, "flush", real_flush)
    with session_scope(sessionmaker_) as session:
        assert session.scalar(select(func.count()).select_from(Letter)) == 0
        assert session.scalar(select(LetterCounter.last_seq)) in (None, 0)
    retry = client.post(
        f"/api/v1/residents/{nik}/letters", json={"purpose": "Bank"}, headers=keys.operator
    )
    assert retry.status_code == 201
    assert retry.json()["number"].startswith("470/0001/")
