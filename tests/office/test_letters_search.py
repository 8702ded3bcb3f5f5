"""The office letters list searches in the database: a match older than any page is found,
"expiring in 14 days" lists exactly those letters, the kelurahan scope holds, and a hostile
search text is a page with the API's sentence (4xx), never a 500."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import update

from app.db import session_scope
from app.models import Letter
from tests.factories import OTHER_KELURAHAN, issue_http, register_http
from tests.office.helpers import sign_in


def _letter(client, keys, name: str, **resident) -> str:  # type: ignore[no-untyped-def]
    nik = register_http(client, keys.operator, full_name=name, **resident)["nik"]
    response = issue_http(client, keys.operator, nik)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def test_a_search_finds_the_oldest_letter_past_the_first_page(client, keys) -> None:  # type: ignore[no-untyped-def]
    _letter(client, keys, "PAULUS LAKA")
    for i in range(51):  # more than a page of the list (50) is newer than the match
        _letter(client, keys, f"WARGA NOMOR {i}")
    sign_in(client, keys.operator)
    first = client.get("/office/letters")
    assert "PAULUS LAKA" not in first.text and 'id="more"' in first.text
    found = client.get("/office/letters", params={"q": "paulus"})
    assert "PAULUS LAKA" in found.text and "WARGA NOMOR" not in found.text
    # The next page keeps the search.
    more = client.get("/office/letters", params={"q": "warga"})
    assert "q=warga" in more.text


def test_expiring_lists_the_letters_ending_within_14_days(client, keys, sessionmaker_) -> None:  # type: ignore[no-untyped-def]
    soon = _letter(client, keys, "SEGERA HABIS")
    _letter(client, keys, "MASIH LAMA")
    with session_scope(sessionmaker_) as session:
        session.execute(
            update(Letter)
            .where(Letter.id == soon)
            .values(valid_until=date.today() + timedelta(days=3))
        )
    sign_in(client, keys.operator)
    page = client.get("/office/letters", params={"expiring": "1"})
    assert "SEGERA HABIS" in page.text and "MASIH LAMA" not in page.text
    today = client.get("/office/").text.replace("\n    ", "")
    assert "<b>1</b>Surat berakhir dalam 14 hari" in today


def test_a_kelurahan_key_searches_its_own_letters_only(client, keys) -> None:  # type: ignore[no-untyped-def]
    _letter(client, keys, "MARIA NDUN")
    _letter(client, keys, "MARIA LAY", kelurahan_code=OTHER_KELURAHAN)
    sign_in(client, keys.kelurahan)
    page = client.get("/office/letters", params={"q": "maria"})
    assert "MARIA NDUN" in page.text and "MARIA LAY" not in page.text


@pytest.mark.parametrize("hostile", ["a" * 10_000, "maria\x00", "a\u202eb", "x\ny"])
def test_a_hostile_search_is_a_page_not_a_500(client, keys, hostile: str) -> None:  # type: ignore[no-untyped-def]
    _letter(client, keys, "MARIA NDUN")
    sign_in(client, keys.operator)
    response = client.get("/office/letters", params={"q": hostile})
    assert response.status_code == 422, response.text[:500]
    assert "MARIA NDUN" not in response.text


@pytest.mark.parametrize("wildcard", ["%", "_", "\\", "/"])
def test_wildcards_match_only_themselves(client, keys, wildcard: str) -> None:  # type: ignore[no-untyped-def]
    _letter(client, keys, "MARIA NDUN")
    sign_in(client, keys.operator)
    response = client.get("/office/letters", params={"q": wildcard})
    assert response.status_code == 200
    assert "MARIA NDUN" not in response.text
