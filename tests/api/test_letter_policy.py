"""Issue 12: the office's letter policy, the letter's text by recording status, validity."""

from __future__ import annotations

import io
from datetime import date

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy import update

from app.config import Settings
from app.db import session_scope
from app.main import create_app
from app.models import Letter
from tests.factories import issue_http, move_http, register_http


@pytest.fixture
def office(settings: Settings):  # type: ignore[no-untyped-def]
    """A client for an app with changed settings: office(letter_policy=...)."""
    clients: list[TestClient] = []

    def make(**changes: object) -> TestClient:
        client = TestClient(create_app(settings.model_copy(update=changes)))
        clients.append(client.__enter__())
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


def _letter_text(client: TestClient, headers: dict[str, str], letter: dict) -> str:  # type: ignore[type-arg]
    pdf = client.get(letter["document"]["url"], headers=headers).content
    return " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())


def _at(client: TestClient, headers: dict[str, str], status: str) -> str:
    """A registered resident whose recording is at `status`; their NIK."""
    nik = register_http(client, headers)["nik"]
    if status != "unregistered":
        response = move_http(client, headers, nik, status)
        assert response.status_code == 201, response.text
    return nik


@pytest.mark.parametrize(
    ("status", "sentence"),
    [
        ("unregistered", "belum melakukan perekaman KTP-el"),
        ("received_at_central", "telah melakukan perekaman KTP-el dan data sedang diproses"),
        ("sent_for_card_printing", "sedang dalam proses pencetakan"),
        ("card_shipped", "telah selesai dicetak dan dapat diambil di"),
    ],
)
def test_letter_text_follows_the_recording_status(client, keys, status: str, sentence: str) -> None:
    nik = _at(client, keys.operator, status)
    response = issue_http(client, keys.operator, nik)
    assert response.status_code == 201, response.text
    text = _letter_text(client, keys.operator, response.json())
    assert sentence in text
    assert "telah memenuhi syarat wajib memiliki KTP-el" in text
    # Issued under the development key: the letter says it is not official.
    assert "dokumen ini TIDAK SAH" in text


def test_recorded_only_refuses_a_resident_who_has_not_recorded(office, keys) -> None:
    client = office(letter_policy="recorded_only")
    response = issue_http(client, keys.operator, _at(client, keys.operator, "unregistered"))
    assert response.status_code == 409
    problem = response.json()
    assert problem["code"] == "not_yet_recorded"
    # The tests' office answers in English; `messages` carries both languages.
    assert problem["detail"] == problem["messages"]["en"]
    assert "belum melakukan perekaman" in problem["messages"]["id"]
    assert "has not yet recorded" in problem["messages"]["en"]
    recorded = _at(client, keys.operator, "bio_captured")
    assert issue_http(client, keys.operator, recorded).status_code == 201


def test_refuse_print_ready_sends_the_clerk_to_print_the_card(office, keys) -> None:
    client = office(refuse_print_ready=True)
    for status in ("print_ready_record", "card_printed"):
        response = issue_http(client, keys.operator, _at(client, keys.operator, status))
        assert response.status_code == 409
        assert response.json()["code"] == "record_print_ready"
        assert "print the card" in response.json()["messages"]["en"]
    in_process = _at(client, keys.operator, "received_at_central")
    assert issue_http(client, keys.operator, in_process).status_code == 201


def test_defaults_issue_to_unrecorded_and_print_ready_alike(client, keys) -> None:
    for status in ("unregistered", "print_ready_record"):
        nik = _at(client, keys.operator, status)
        assert issue_http(client, keys.operator, nik).status_code == 201


def test_every_refusal_carries_both_languages(client, keys) -> None:
    nik = register_http(client, keys.operator, recording_status="duplicate_record")["nik"]
    problem = issue_http(client, keys.operator, nik).json()
    assert problem["code"] == "recording_needs_follow_up"
    assert set(problem["messages"]) == {"id", "en"}
    assert problem["messages"]["id"] != problem["messages"]["en"]


def test_a_new_letter_after_expiry_is_a_plain_issue(client, keys, sessionmaker_) -> None:
    nik = _at(client, keys.operator, "unregistered")
    first = issue_http(client, keys.operator, nik).json()
    with session_scope(sessionmaker_) as session:
        session.execute(
            update(Letter).where(Letter.id == first["id"]).values(valid_until=date(2020, 1, 1))
        )
    second = issue_http(client, keys.operator, nik)
    assert second.status_code == 201, second.text
    assert (
        client.get(f"/api/v1/letters/{first['id']}", headers=keys.operator).json()["status"]
        == "expired"
    )


def test_a_renewal_while_valid_still_needs_supersede_and_a_reason(client, keys) -> None:
    nik = _at(client, keys.operator, "unregistered")
    assert issue_http(client, keys.operator, nik).status_code == 201
    refused = issue_http(client, keys.operator, nik)
    assert refused.status_code == 409
    assert refused.json()["code"] == "valid_letter_exists"
    assert "supersede" in refused.json()["messages"]["en"]


def test_a_wna_needs_a_nationality_and_the_letter_prints_it(client, keys) -> None:
    without = client.post(
        "/api/v1/residents",
        json={**_wna_payload(), "nationality": None},
        headers=keys.operator,
    )
    assert without.status_code == 422
    assert without.json()["code"] == "nationality_required"
    bad = client.post(
        "/api/v1/residents", json={**_wna_payload(), "nationality": "XX"}, headers=keys.operator
    )
    assert bad.status_code == 422
    created = client.post("/api/v1/residents", json=_wna_payload(), headers=keys.operator)
    assert created.status_code == 201, created.text
    assert created.json()["nationality"] == "TL"
    letter = issue_http(client, keys.operator, created.json()["nik"]).json()
    assert "Kewarganegaraan : TIMOR LESTE" in _letter_text(client, keys.operator, letter)


def _wna_payload() -> dict[str, object]:
    from tests.factories import resident_payload

    payload = resident_payload(citizenship="WNA", has_itap=True)
    payload["nationality"] = "tl"
    return payload


def test_wni_with_a_foreign_nationality_is_refused(client, keys) -> None:
    from tests.factories import resident_payload

    response = client.post(
        "/api/v1/residents", json=resident_payload(nationality="AU"), headers=keys.operator
    )
    assert response.status_code == 422


def test_signing_on_behalf_needs_whom() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="SKK_SIGNATORY_ON_BEHALF_OF"):
        Settings(signatory_capacity="a.n.", _env_file=None)  # type: ignore[call-arg]
    with pytest.raises(ValidationError, match="PNG or JPEG"):
        Settings(office_emblem="lambang.svg", _env_file=None)  # type: ignore[call-arg]
    with pytest.raises(ValidationError):
        Settings(letter_policy="everyone", _env_file=None)  # type: ignore[call-arg]


@pytest.mark.parametrize("value", ["ＴＬ", "TLS", "T L", "T\u200bL", "", "00", "ZZ", "Tİ"])
def test_hostile_nationalities_are_refused(client, keys, value: str) -> None:
    response = client.post(
        "/api/v1/residents", json={**_wna_payload(), "nationality": value}, headers=keys.operator
    )
    assert response.status_code == 422, value


def test_a_nik_in_the_path_is_explained_in_both_languages(client, keys) -> None:
    response = client.get("/api/v1/residents/٥٣٧١٠٤١٢٠٨٩٠٠٠٠١", headers=keys.operator)
    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert error["code"] == "non_latin_digit"
    assert "ketik ulang dengan 0-9" in error["messages"]["id"]
    assert "retype it with 0-9" in error["messages"]["en"]
