"""Real worker processes on PostgreSQL: `skk serve --workers 2`, 50 concurrent clients."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from app.db import session_scope
from app.documents.signing import verify_pdf
from app.models import Letter
from app.schemas.common import Role
from app.schemas.resident import ResidentCreate
from app.services.access import SYSTEM
from app.services.keys import create_key
from app.services.residents import create_resident
from app.services.signer import load_signer
from tests.factories import resident_payload
from tests.servers import free_port, wait_until_healthy

pytestmark = pytest.mark.postgres

LETTERS = 500
RETRIES = 50
CLIENTS = 50


@pytest.fixture
def server(engine, settings, sessionmaker_, tmp_path: Path):  # type: ignore[no-untyped-def]
    if engine.dialect.name != "postgresql":
        pytest.skip("the multi-worker test runs on PostgreSQL")
    port = free_port()
    env = {
        **os.environ,
        "SKK_DATABASE_URL": settings.database_url,
        "SKK_DATA_DIR": str(settings.data_dir),
        "SKK_PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        "SKK_LOG_LEVEL": "INFO",
    }
    log = open(tmp_path / "server.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--workers", "2", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(base, process, tmp_path / "server.log")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


def test_500_letters_from_50_clients_on_two_workers(
    server, sessionmaker_, settings, tmp_path: Path
) -> None:
    with session_scope(sessionmaker_) as session:
        secret = create_key(session, name="e2e operator", role=Role.operator).secret
        niks = [
            create_resident(
                session, data=ResidentCreate.model_validate(resident_payload()), actor=SYSTEM
            ).resident.nik
            for _ in range(LETTERS)
        ]
    headers = {"Authorization": f"Bearer {secret}"}
    # The first 50 residents' requests are sent twice, concurrently, with the same key.
    jobs = [(nik, f"idem-{i}") for i, nik in enumerate(niks)]
    jobs += [(nik, f"idem-{i}") for i, nik in enumerate(niks[:RETRIES])]

    with httpx.Client(base_url=server, headers=headers, timeout=60) as client:

        def issue(job: tuple[str, str]) -> tuple[int, dict]:
            nik, key = job
            response = client.post(
                f"/api/v1/residents/{nik}/letters",
                json={"purpose": "Pembukaan rekening bank"},
                headers={"Idempotency-Key": key},
            )
            return response.status_code, response.json()

        with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
            results = list(pool.map(issue, jobs))

        statuses = Counter(status for status, _ in results)
        assert statuses == {201: LETTERS + RETRIES}, [b for s, b in results if s != 201][:3]
        by_key: dict[str, set[str]] = {}
        for (_, key), (_, body) in zip(jobs, results, strict=True):
            by_key.setdefault(key, set()).add(body["id"])
        assert all(len(ids) == 1 for ids in by_key.values())

        seqs = sorted(int(body["number"].split("/")[1]) for _, body in results[:LETTERS])
        assert seqs == list(range(1, LETTERS + 1))

        with session_scope(sessionmaker_) as session:
            assert session.scalar(select(func.count()).select_from(Letter)) == LETTERS
        office_cert = load_signer(settings).certificate_sha256
        for _, body in results[:: max(1, LETTERS // 100)]:
            pdf = client.get(body["document"]["url"]).content
            report = verify_pdf(pdf, trusted_certificates_sha256={office_cert})
            assert report.signed and report.intact and report.trusted, report.problem

    # The workers log through the service's JSON formatter (a spawned worker once fell back
    # to Python's bare default handler, which neither writes request lines nor masks NIKs).
    records = [
        json.loads(line)
        for line in (tmp_path / "server.log").read_text().splitlines()
        if line.startswith("{")
    ]
    requests = [r for r in records if r.get("logger") == "app.request"]
    assert len(requests) >= LETTERS + RETRIES
    assert not any(re.search(r"\d{16}", json.dumps(r)) for r in records)


def test_a_rotating_forwarded_for_does_not_escape_the_public_limit(server) -> None:
    # The peer is 127.0.0.1, which uvicorn trusted for X-Forwarded-For by default; with
    # SKK_TRUSTED_PROXIES empty the header counts for nothing.
    with httpx.Client(base_url=server, timeout=30) as client:
        statuses = Counter(
            client.get(
                "/api/v1/verify/AAAAAAAAAAAAAAAAAAAAAA",
                headers={"X-Forwarded-For": f"198.51.100.{i % 250}"},
            ).status_code
            for i in range(150)
        )
    # 60 a minute per worker, two workers: at most 120 get through.
    assert statuses[429] >= 30, statuses
