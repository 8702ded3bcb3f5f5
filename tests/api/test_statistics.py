"""Recording statistics over HTTP: JSON, CSV, scope, and the public page."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from tests.factories import KELURAHAN, OTHER_KELURAHAN
from tests.services.test_statistics import (
    KEL_A,
    KEL_B,
    KEL_C,
    PAST,
    PAST_EXPECTED,
    TODAY_EXPECTED,
    build_population,
    office_today,
)

URL = "/api/v1/statistics/recording"
NUMBERS = (
    "residents",
    "wajib_ktp",
    "recorded",
    "not_recorded",
    "card_issued",
    "needs_follow_up",
    "valid_letters",
)


@pytest.fixture
def population(sessionmaker_):  # type: ignore[no-untyped-def]
    return build_population(sessionmaker_)


def test_needs_an_api_key(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get(URL)
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")


@pytest.mark.parametrize("role", ["admin", "operator", "auditor"])
def test_every_role_may_read(client, keys, population, role) -> None:  # type: ignore[no-untyped-def]
    response = client.get(URL, params={"group_by": "kota"}, headers=getattr(keys, role))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["group_by"] == "kota"
    assert body["as_of"] == office_today().isoformat()
    (kota,) = body["items"]
    assert kota == body["total"]
    assert (kota["code"], kota["name"]) == ("53.71", "Kota Kupang")
    assert (kota["wajib_ktp"], kota["recorded"], kota["not_recorded"]) == (13, 9, 4)
    assert kota["recorded_pct"] == 69.2


def test_kelurahan_rows_on_a_past_day(client, keys, population) -> None:  # type: ignore[no-untyped-def]
    response = client.get(
        URL, params={"group_by": "kelurahan", "as_of": PAST.isoformat()}, headers=keys.admin
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["as_of"] == "2016-10-13"
    items = {item["code"]: item for item in body["items"]}
    assert len(items) == 51
    for code in (KEL_A, KEL_B, KEL_C):
        want = PAST_EXPECTED[code]
        assert items[code]["wajib_ktp"] == want.wajib_ktp
        assert items[code]["recorded"] == want.recorded
        assert items[code]["card_issued"] == want.card_issued
        assert items[code]["valid_letters"] == want.valid_letters
    for name in NUMBERS:
        assert body["total"][name] == sum(item[name] for item in body["items"])
    assert body["total"]["code"] == "53.71"


def test_kota_total_is_the_sum_of_the_kecamatan(client, keys, population) -> None:  # type: ignore[no-untyped-def]
    kota = client.get(URL, params={"group_by": "kota"}, headers=keys.admin).json()["total"]
    body = client.get(URL, params={"group_by": "kecamatan"}, headers=keys.admin).json()
    assert [item["code"] for item in body["items"]] == [f"53.71.0{i}" for i in range(1, 7)]
    for name in NUMBERS:
        assert kota[name] == sum(item[name] for item in body["items"]) == body["total"][name]


def test_csv_matches_json(client, keys, population) -> None:  # type: ignore[no-untyped-def]
    params = {"group_by": "kecamatan", "as_of": PAST.isoformat()}
    as_json = client.get(URL, params=params, headers=keys.operator).json()
    response = client.get(URL, params=params, headers={**keys.operator, "Accept": "text/csv"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == len(as_json["items"]) + 1
    for row, item in zip(rows, as_json["items"], strict=False):
        assert row["code"] == item["code"] and row["name"] == item["name"]
        for name in NUMBERS:
            assert int(row[name]) == item[name]
        assert float(row["recorded_pct"]) == item["recorded_pct"]
    total = rows[-1]
    assert total["code"] == "TOTAL"
    for name in NUMBERS:
        assert int(total[name]) == as_json["total"][name]


def test_json_is_the_default_for_browsers(client, keys, population) -> None:  # type: ignore[no-untyped-def]
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = client.get(URL, headers={**keys.admin, "Accept": accept})
    assert response.headers["content-type"].startswith("application/json")


def test_future_as_of_is_422(client, keys) -> None:  # type: ignore[no-untyped-def]
    tomorrow = office_today() + timedelta(days=1)
    response = client.get(URL, params={"as_of": tomorrow.isoformat()}, headers=keys.admin)
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["query", "as_of"]
    assert client.get(URL, params={"group_by": "rt"}, headers=keys.admin).status_code == 422


def test_kelurahan_key_sees_its_own_kelurahan(client, keys, sessionmaker_) -> None:  # type: ignore[no-untyped-def]
    build_population(sessionmaker_)
    response = client.get(URL, params={"group_by": "kelurahan"}, headers=keys.kelurahan)
    assert response.status_code == 200
    body = response.json()
    assert [item["code"] for item in body["items"]] == [KELURAHAN]
    assert body["total"]["code"] == KELURAHAN
    assert body["total"]["wajib_ktp"] == TODAY_EXPECTED[KEL_A].wajib_ktp  # KELURAHAN is KEL_A
    other = client.get(URL, params={"group_by": "kelurahan"}, headers=keys.other_kelurahan)
    assert [item["code"] for item in other.json()["items"]] == [OTHER_KELURAHAN]
    wide = client.get(URL, params={"group_by": "kecamatan"}, headers=keys.kelurahan)
    assert wide.status_code == 403
    assert wide.json()["code"] == "other_kelurahan"


def test_public_page_shows_figures_and_no_personal_data(client, population) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/statistics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "default-src 'none'" in response.headers["content-security-policy"]
    html = response.text
    assert "Statistik Perekaman KTP-el Kota Kupang" in html
    for label in ("Wajib KTP", "Sudah rekam", "Belum rekam", "% sudah rekam"):
        assert label in html
    assert "69,2%" in html  # 9 of 13
    assert "Kecamatan Oebobo" in html and "Oetete" in html and "Namosain" in html
    assert html.count("<svg") == 1 + 6  # kecamatan chart, one kelurahan chart per kecamatan
    assert "<script" not in html.lower()
    for person in population.values():
        assert person.nik not in html
    assert not re.search(r"\d{16}", html)


def test_public_page_on_a_past_day(client, population) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/statistics", params={"as_of": PAST.isoformat()})
    assert response.status_code == 200
    assert "13 Oktober 2016" in response.text
    assert "58,3%" in response.text  # 7 of 12
    tomorrow = office_today() + timedelta(days=1)
    assert client.get("/statistics", params={"as_of": tomorrow.isoformat()}).status_code == 422


def test_public_page_can_be_closed(settings) -> None:  # type: ignore[no-untyped-def]
    closed = create_app(settings.model_copy(update={"statistics_page_public": False}))
    with TestClient(closed, raise_server_exceptions=False) as client:
        response = client.get("/statistics")
    assert response.status_code == 404


def test_openapi_documents_csv_and_the_page(client) -> None:  # type: ignore[no-untyped-def]
    doc = client.get("/openapi.json").json()
    operation = doc["paths"][URL]["get"]
    assert "text/csv" in operation["responses"]["200"]["content"]
    assert operation["tags"] == ["statistics"]
    assert doc["paths"]["/statistics"]["get"]["tags"] == ["statistics"]
