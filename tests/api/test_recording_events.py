"""Recording status changes over HTTP."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.factories import move_http, register_http

URL = "/api/v1/residents"


def _resident(client, keys, **overrides) -> str:  # type: ignore[no-untyped-def]
    return str(register_http(client, keys.operator, **overrides)["nik"])


def _move(client, keys, nik, status, **extra):  # type: ignore[no-untyped-def]
    return move_http(client, keys.operator, nik, status, **extra)


def test_moves_forward_and_history_is_oldest_first(client, keys) -> None:
    nik = _resident(client, keys)
    base = datetime.now(UTC) - timedelta(days=10)
    for offset, status in enumerate(["bio_captured", "print_ready_record", "card_printed"]):
        when = (base + timedelta(days=offset)).isoformat()
        response = _move(client, keys, nik, status, occurred_at=when, note=f"step {offset}")
        assert response.status_code == 201, response.text
        assert response.json()["status"] == status
    resident = client.get(f"{URL}/{nik}", headers=keys.operator).json()
    assert resident["recording_status"] == "card_printed"
    history = client.get(f"{URL}/{nik}/recording-events", headers=keys.auditor).json()["items"]
    assert [e["status"] for e in history] == ["bio_captured", "print_ready_record", "card_printed"]
    assert [e["note"] for e in history] == ["step 0", "step 1", "step 2"]


def test_refused_move_is_409_with_allowed_next(client, keys) -> None:
    nik = _resident(client, keys)
    assert _move(client, keys, nik, "card_shipped").status_code == 201
    back = _move(client, keys, nik, "bio_captured")
    assert back.status_code == 409
    problem = back.json()
    assert problem["code"] == "recording_move_not_allowed"
    assert problem["allowed_next"] == [
        "card_issued",
        "duplicate_record",
        "enroll_failure_at_central",
        "search_failure_at_central",
        "enroll_failure_at_regional",
    ]
    assert "card_shipped" in problem["detail"]
    never_back = _move(client, keys, nik, "unregistered")
    assert never_back.status_code == 409


def test_follow_up_then_rerecording(client, keys) -> None:
    nik = _resident(client, keys)
    path = ["bio_captured", "duplicate_record", "bio_captured", "print_ready_record"]
    for status in path:
        assert _move(client, keys, nik, status).status_code == 201, status
    resident = client.get(f"/api/v1/residents/{nik}", headers=keys.operator).json()
    assert resident["recording_status"] == "print_ready_record"
    history = client.get(f"/api/v1/residents/{nik}/recording-events", headers=keys.operator)
    assert [event["status"] for event in history.json()["items"]][-4:] == path


def test_registration_with_a_status_starts_the_history(client, keys) -> None:
    nik = _resident(client, keys, recording_status="print_ready_record")
    history = client.get(f"{URL}/{nik}/recording-events", headers=keys.operator).json()["items"]
    assert [e["status"] for e in history] == ["print_ready_record"]


def test_event_time_rules(client, keys) -> None:
    nik = _resident(client, keys)
    future = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    assert _move(client, keys, nik, "bio_captured", occurred_at=future).status_code == 422
    naive = _move(client, keys, nik, "bio_captured", occurred_at="2026-01-01T10:00:00")
    assert naive.status_code == 422
    assert _move(client, keys, nik, "bio_captured").status_code == 201
    earlier = (datetime.now(UTC) - timedelta(days=30)).isoformat()
    out_of_order = _move(client, keys, nik, "processing", occurred_at=earlier)
    assert out_of_order.status_code == 422
    assert out_of_order.json()["code"] == "event_out_of_order"


def test_unknown_status_is_422(client, keys) -> None:
    nik = _resident(client, keys)
    response = _move(client, keys, nik, "sudah_rekam")
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "status"]


def test_kelurahan_key_records_for_its_own_only(client, keys) -> None:
    own = _resident(client, keys)
    other = _resident(client, keys, kelurahan_code="53.71.01.1001")
    ok = client.post(
        f"{URL}/{own}/recording-events", json={"status": "bio_captured"}, headers=keys.kelurahan
    )
    assert ok.status_code == 201
    hidden = client.post(
        f"{URL}/{other}/recording-events", json={"status": "bio_captured"}, headers=keys.kelurahan
    )
    assert hidden.status_code == 404
    assert client.get(f"{URL}/{other}/recording-events", headers=keys.kelurahan).status_code == 404
