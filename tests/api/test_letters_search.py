"""GET /api/v1/letters?q=&valid_until_from=&valid_until_to=: the search runs in the database
(any page size, any age of letter), within the key's kelurahan, and a hostile `q` is a 422."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select, update

from app.db import session_scope
from app.models import AuditEvent, Letter
from tests.factories import OTHER_KELURAHAN, issue_http, nik_for, register_http

URL = "/api/v1/letters"


def _issue(client, keys, **resident) -> dict:  # type: ignore[no-untyped-def, type-arg]
    nik = register_http(client, keys.operator, **resident)["nik"]
    response = issue_http(client, keys.operator, nik)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def _names(client, headers, **params) -> list[str]:  # type: ignore[no-untyped-def]
    response = client.get(URL, params=params, headers=headers)
    assert response.status_code == 200, response.text
    return [item["resident_name"] for item in response.json()["items"]]


def test_search_by_name_masked_nik_and_last_digits(client, keys) -> None:  # type: ignore[no-untyped-def]
    ana = _issue(client, keys, full_name="Ana Bela Ndun")
    yosef = _issue(client, keys, full_name="YOSEF TEFA", nik=nik_for(date(1991, 2, 3), serial=4321))
    nik = yosef["resident_nik"]
    assert _names(client, keys.operator, q="bela") == ["Ana Bela Ndun"]
    assert _names(client, keys.operator, q="ANA bela ndun") == ["Ana Bela Ndun"]
    assert _names(client, keys.operator, q=f"{nik[:6]}******{nik[12:]}") == ["YOSEF TEFA"]
    assert _names(client, keys.operator, q="4321") == ["YOSEF TEFA"]
    assert _names(client, keys.operator, q=f"{nik[:6]} {nik[6:12]} {nik[12:]}") == ["YOSEF TEFA"]
    # The NIK's first digits are not its end: the region is everyone's here.
    assert _names(client, keys.operator, q=nik[:6]) == []
    assert _names(client, keys.operator, q="zzz") == []
    assert sorted(_names(client, keys.operator)) == ["Ana Bela Ndun", "YOSEF TEFA"]
    assert ana["resident_name"] == "Ana Bela Ndun"


def test_the_search_finds_a_match_beyond_the_first_page(client, keys) -> None:  # type: ignore[no-untyped-def]
    # The oldest letter is the match: a search that filtered a page of the newest would miss it.
    _issue(client, keys, full_name="PAULUS LAKA")
    for name in ("MARIA NDUN", "YOHANA TOY", "DANIEL BIRE", "YOSEF TEFU"):
        _issue(client, keys, full_name=name)
    assert _names(client, keys.operator, q="paulus", limit=1) == ["PAULUS LAKA"]
    response = client.get(URL, params={"q": "a", "limit": 2}, headers=keys.operator)
    page = response.json()
    assert len(page["items"]) == 2 and page["next_cursor"]
    rest = client.get(URL, params={"q": "a", "cursor": page["next_cursor"]}, headers=keys.operator)
    seen = [i["resident_name"] for i in page["items"] + rest.json()["items"]]
    assert sorted(seen) == ["DANIEL BIRE", "MARIA NDUN", "PAULUS LAKA", "YOHANA TOY"]


def test_a_kelurahan_key_searches_its_own_kelurahan_only(client, keys) -> None:  # type: ignore[no-untyped-def]
    _issue(client, keys, full_name="MARIA NDUN")
    _issue(client, keys, full_name="MARIA LAY", kelurahan_code=OTHER_KELURAHAN)
    assert _names(client, keys.kelurahan, q="maria") == ["MARIA NDUN"]
    assert _names(client, keys.other_kelurahan, q="maria") == ["MARIA LAY"]
    assert sorted(_names(client, keys.operator, q="maria")) == ["MARIA LAY", "MARIA NDUN"]


def test_valid_until_range_lists_the_letters_about_to_expire(client, keys, sessionmaker_) -> None:  # type: ignore[no-untyped-def]
    soon = _issue(client, keys, full_name="SEGERA HABIS")
    _issue(client, keys, full_name="MASIH LAMA")
    today = date.today()
    with session_scope(sessionmaker_) as session:
        session.execute(
            update(Letter)
            .where(Letter.id == soon["id"])
            .values(valid_until=today + timedelta(days=10))
        )
    window = {"valid_until_from": today.isoformat(), "valid_until_to": str(today + timedelta(14))}
    assert _names(client, keys.operator, status="valid", **window) == ["SEGERA HABIS"]
    assert _names(client, keys.operator, valid_until_from=str(today + timedelta(11))) == [
        "MASIH LAMA"
    ]
    assert _names(client, keys.operator, valid_until_to="2000-01-01") == []
    bad = client.get(URL, params={"valid_until_to": "soon"}, headers=keys.operator)
    assert bad.status_code == 422


@pytest.mark.parametrize(
    "hostile",
    [
        "%",
        "_",
        "\\",
        "/",
        "%%%",
        "a_b",
        "100%",
        "\\%",
        "'; DROP TABLE letters; --",
        "*" * 16,
    ],
)
def test_like_wildcards_in_q_match_only_themselves(client, keys, hostile: str) -> None:  # type: ignore[no-untyped-def]
    _issue(client, keys, full_name="MARIA NDUN")
    assert _names(client, keys.operator, q=hostile) == []


def test_a_name_holding_a_wildcard_is_found_by_it(client, keys) -> None:  # type: ignore[no-untyped-def]
    _issue(client, keys, full_name="ANA_BELA 100%")
    _issue(client, keys, full_name="ANAXBELA 1000")
    assert _names(client, keys.operator, q="ana_bela") == ["ANA_BELA 100%"]
    assert _names(client, keys.operator, q="100%") == ["ANA_BELA 100%"]


@pytest.mark.parametrize(
    "hostile",
    ["a" * 10_000, "maria\x00", "\x00", "maria\nndun", "a\u202eb", "x" * 121],
)
def test_a_hostile_q_is_a_422_not_a_500(client, keys, hostile: str) -> None:  # type: ignore[no-untyped-def]
    _issue(client, keys, full_name="MARIA NDUN")
    response = client.get(URL, params={"q": hostile}, headers=keys.operator)
    assert response.headers["content-type"].startswith("application/problem+json")
    if "\x00" in hostile:
        # A NUL anywhere in the URL is refused before any route (PostgreSQL cannot store it).
        assert (response.status_code, response.json()["code"]) == (422, "invalid_character")
    else:
        assert response.status_code == 422, response.text
        assert response.json()["errors"][0]["loc"][-1] == "q"


def test_the_listing_audit_masks_a_nik_typed_into_q(client, keys, sessionmaker_) -> None:  # type: ignore[no-untyped-def]
    letter = _issue(client, keys, full_name="MARIA NDUN")
    nik = letter["resident_nik"]
    assert _names(client, keys.operator, q=nik) == ["MARIA NDUN"]
    with session_scope(sessionmaker_) as session:
        details = session.scalars(
            select(AuditEvent.details)
            .where(AuditEvent.action == "letter.listed")
            .order_by(AuditEvent.id.desc())
        ).first()
    assert details is not None
    assert details["q"] == nik[:6] + "*" * 10
    assert nik not in str(details)


def test_openapi_documents_the_new_parameters_and_unknown_ones_stay_refused(client, keys) -> None:  # type: ignore[no-untyped-def]
    spec = client.get("/openapi.json").json()
    params = {p["name"]: p for p in spec["paths"]["/api/v1/letters"]["get"]["parameters"]}
    assert {"q", "valid_until_from", "valid_until_to"} <= set(params)
    assert "masked NIK" in params["q"]["description"]
    unknown = client.get(URL, params={"name": "maria"}, headers=keys.operator)
    assert unknown.status_code == 422
    assert unknown.json()["code"] == "unknown_query_parameter"
