"""Handlers share one event loop per worker: requests in flight together must not block it."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Coroutine
from datetime import date
from typing import Any

import httpx

from app.services import regions
from tests.factories import nik_for, resident_payload

URL = "/api/v1/residents"
SIGNING_SECONDS = 1.0


def run_bounded(coroutine: Coroutine[Any, Any, Any], seconds: float) -> Any:
    """Run the coroutine on a loop of its own; fail (instead of hanging) if it freezes."""
    result: list[Any] = []
    thread = threading.Thread(target=lambda: result.append(asyncio.run(coroutine)), daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"the event loop did not finish within {seconds} s"
    return result[0]


def test_concurrent_reads_on_a_cold_process_all_answer(client, app, keys) -> None:
    """The first readers of a fresh process fill the region-name cache together. A thread
    lock held across that query once froze the worker: the second request's greenlet
    waited on a lock that only the first, parked on the same thread, could release."""
    niks = []
    for day in range(1, 9):
        nik = nik_for(date(1990, 1, day), "perempuan")
        assert client.post(URL, json=resident_payload(nik=nik), headers=keys.operator).is_success
        niks.append(nik)
    regions._names.clear()

    async def read_all() -> list[int]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://skk") as http:
            answers = await asyncio.gather(
                *(http.get(f"{URL}/{nik}", headers=keys.operator) for nik in niks * 8)
            )
        return [answer.status_code for answer in answers]

    statuses = run_bounded(read_all(), 30)
    assert statuses == [200] * len(niks) * 8
    assert regions._names  # filled once, by whichever reader came first


def test_a_letter_and_reads_in_flight_together(client, app, keys, engine, monkeypatch) -> None:
    """Issuing (rendered and signed in a worker thread) does not hold up reads meanwhile:
    with signing slowed to a second, every read is answered while the letter is still being
    signed. On SQLite every transaction begins IMMEDIATE (one writer at a time) and the
    letter's holds the lock while it signs, so there the reads are of the OpenAPI document,
    which needs no database: what is measured is still the event loop."""
    read_url = f"{URL}/{{nik}}" if engine.dialect.name == "postgresql" else "/openapi.json"
    nik = nik_for(date(1980, 5, 17), "laki_laki")
    body = resident_payload(nik=nik, sex="laki_laki", birth_date="1980-05-17")
    assert client.post(URL, json=body, headers=keys.operator).is_success
    signer = app.state.signer
    real_sign = signer.sign
    signing_started = threading.Event()

    def slow_sign(pdf: bytes, **kwargs: Any) -> bytes:
        signing_started.set()
        time.sleep(SIGNING_SECONDS)
        return real_sign(pdf, **kwargs)

    monkeypatch.setattr(signer, "sign", slow_sign)

    async def together() -> tuple[int, float, list[tuple[int, float]]]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://skk") as http:

            async def issue() -> tuple[int, float]:
                response = await http.post(
                    f"{URL}/{nik}/letters",
                    json={"purpose": "Pembukaan rekening bank"},
                    headers=keys.operator,
                )
                return response.status_code, time.monotonic()

            async def read() -> tuple[int, float]:
                while not signing_started.is_set():
                    await asyncio.sleep(0.01)
                response = await http.get(read_url.format(nik=nik), headers=keys.operator)
                return response.status_code, time.monotonic()

            (issued, issued_at), *reads = await asyncio.gather(issue(), *(read() for _ in range(5)))
        return issued, issued_at, reads

    issued, issued_at, reads = run_bounded(together(), 60)
    assert issued == 201
    assert [status for status, _ in reads] == [200] * 5
    # Answered before the letter was: the reads did not wait for the signature.
    assert all(answered < issued_at for _, answered in reads)
