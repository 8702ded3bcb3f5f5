"""Residents over HTTP: create, read, list, correct; roles and scope."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.factories import KELURAHAN, OTHER_KELURAHAN, nik_for, register_http, resident_payload

URL = "/api/v1/residents"


def test_create_then_read_returns_computed_fields(client, keys) -> None:
    body = resident_payload(birth_date="1990-08-01", marital_status="kawin")
    created = client.post(URL, json=body, headers=keys.operator)
    assert created.status_code == 201
    assert created.headers["location"] == f"{URL}/{body['nik']}"
    data = created.json()
    assert data["kelurahan_name"] == "Oebobo"
    assert data["kecamatan_code"] == "53.71.04"
    assert data["kecamatan_name"] == "Oebobo"
    assert data["wajib_ktp"] is True
    assert data["recording_status"] == "unregistered"
    assert data["warnings"] == []

    read = client.get(f"{URL}/{body['nik']}", headers=keys.auditor)
    assert read.status_code == 200
    assert read.headers["etag"]
    assert read.json()["full_name"] == "MARIA YULIANA NDUN"


def test_nik_with_separators_is_normalised(client, keys) -> None:
    nik = nik_for(date(1985, 3, 12), "laki_laki")
    dotted = f"{nik[:6]}.{nik[6:12]}.{nik[12:]}"
    data = register_http(
        client, keys.operator, nik=dotted, sex="laki_laki", birth_date="1985-03-12"
    )
    assert data["nik"] == nik
    assert client.get(f"{URL}/{nik[:6]}-{nik[6:]}", headers=keys.admin).status_code == 200


def test_duplicate_nik_is_409(client, keys) -> None:
    data = register_http(client, keys.operator)
    again = client.post(URL, json=resident_payload(nik=data["nik"]), headers=keys.operator)
    assert again.status_code == 409
    assert again.headers["content-type"] == "application/problem+json"
    assert again.json()["code"] == "nik_exists"


@pytest.mark.parametrize(
    ("overrides", "field", "fragment"),
    [
        ({"nik": "5371044108900000"}, "nik", "serial 0000"),
        ({"nik": "9971044108900001"}, "nik", "province 99 is not"),
        ({"nik": "5371043208900001"}, "nik", "day 32"),
        ({"nik": "537104410890001"}, "nik", "16 digits"),
        ({"kk_number": "5371040000000001"}, "kk_number", "day 00 of the issue date"),
        ({"rt": "abc"}, "rt", "001 to 999"),
        ({"sex": "pria"}, "sex", "'laki_laki' or 'perempuan'"),
        ({"birth_date": (date.today() + timedelta(days=2)).isoformat()}, "birth_date", "future"),
        ({"kelurahan_code": "Oebobo"}, "kelurahan_code", "53.71.04.1001"),
        ({"religion": "jedi"}, "religion", "'kepercayaan'"),
        ({"full_name": ""}, "full_name", "at least 1 character"),
        ({"has_itap": True}, "body", "WNA only"),
        ({"unknown_field": 1}, "unknown_field", "not known here; remove it"),
    ],
)
def test_invalid_fields_are_422_naming_the_field(client, keys, overrides, field, fragment) -> None:
    body = resident_payload(**overrides)
    if "nik" in overrides:
        body["nik"] = overrides["nik"]
    response = client.post(URL, json=body, headers=keys.operator)
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["code"] == "validation_error"
    locs = [e["loc"][-1] if e["loc"][-1] != "body" else "body" for e in problem["errors"]]
    assert field in locs
    # The message of that field's own error says what is wrong with it.
    own = [e["msg"] for e in problem["errors"] if field in (e["loc"][-1], "body")]
    assert fragment and any(fragment in msg for msg in own), own


def test_sex_disagreeing_with_nik_is_a_warning(client, keys) -> None:
    body = resident_payload(sex="perempuan")
    body["sex"] = "laki_laki"
    response = client.post(URL, json=body, headers=keys.operator)
    assert response.status_code == 201
    data = response.json()
    assert data["sex"] == "laki_laki"
    assert any("NIK encodes perempuan" in w for w in data["warnings"])
    (message,) = data["warning_messages"]
    assert message["code"] == "nik_sex_mismatch"
    assert "jenis kelamin" in message["id"]


def test_nik_from_a_retired_regency_is_registered(client, keys) -> None:
    # Merauke before the 2022 Papua split: 91.01, today 93.01; the NIK keeps 9101.
    body = resident_payload()
    body["nik"] = "9101" + body["nik"][4:]
    response = client.post(URL, json=body, headers=keys.operator)
    assert response.status_code == 201, response.text
    assert response.json()["warning_messages"] == []


def test_nik_from_an_unknown_regency_is_registered_with_a_warning(client, keys) -> None:
    body = resident_payload()
    body["nik"] = "9471" + body["nik"][4:]
    response = client.post(URL, json=body, headers=keys.operator)
    assert response.status_code == 201, response.text
    codes = [m["code"] for m in response.json()["warning_messages"]]
    assert codes == ["nik_region_unknown"]


def test_nik_from_a_province_that_never_existed_is_refused_in_both_languages(client, keys) -> None:
    body = resident_payload()
    body["nik"] = "9971" + body["nik"][4:]
    response = client.post(URL, json=body, headers=keys.operator)
    assert response.status_code == 422
    error = next(e for e in response.json()["errors"] if e["loc"][-1] == "nik")
    assert error["code"] == "unknown_province"
    assert "province 99" in error["messages"]["en"]
    assert "provinsi 99" in error["messages"]["id"]


def test_birth_date_disagreeing_with_nik_is_a_warning(client, keys) -> None:
    body = resident_payload(birth_date="1990-08-01")
    body["birth_date"] = "1990-08-02"
    response = client.post(URL, json=body, headers=keys.operator)
    assert response.status_code == 201
    assert response.json()["warnings"]


def test_unknown_kelurahan_is_422(client, keys) -> None:
    response = client.post(
        URL, json=resident_payload(kelurahan_code="53.71.04.9999"), headers=keys.operator
    )
    assert response.status_code == 422
    assert response.json()["code"] == "unknown_kelurahan"


def test_wajib_ktp_boundary_at_17th_birthday(client, keys) -> None:
    today = date.today()
    turning = (
        today.replace(year=today.year - 17)
        if not (today.month == 2 and today.day == 29)
        else date(today.year - 17, 2, 28)
    )
    data = register_http(client, keys.operator, birth_date=turning.isoformat())
    assert data["wajib_ktp"] is True
    younger = register_http(
        client, keys.operator, birth_date=(turning + timedelta(days=1)).isoformat()
    )
    assert younger["wajib_ktp"] is False
    married = register_http(
        client,
        keys.operator,
        birth_date=(turning + timedelta(days=365)).isoformat(),
        marital_status="kawin",
    )
    assert married["wajib_ktp"] is True


def test_list_filters_and_cursor_pagination(client, keys) -> None:
    for i in range(5):
        register_http(client, keys.operator, full_name=f"YOHANES {i}")
    register_http(client, keys.operator, full_name="SITI AMINAH", kelurahan_code=OTHER_KELURAHAN)
    page1 = client.get(URL, params={"limit": 2, "kelurahan_code": KELURAHAN}, headers=keys.admin)
    assert page1.status_code == 200
    assert len(page1.json()["items"]) == 2
    cursor = page1.json()["next_cursor"]
    page2 = client.get(
        URL, params={"limit": 2, "kelurahan_code": KELURAHAN, "cursor": cursor}, headers=keys.admin
    )
    page3 = client.get(
        URL,
        params={"limit": 2, "kelurahan_code": KELURAHAN, "cursor": page2.json()["next_cursor"]},
        headers=keys.admin,
    )
    names = [r["full_name"] for p in (page1, page2, page3) for r in p.json()["items"]]
    assert names == [f"YOHANES {i}" for i in range(5)]
    assert page3.json()["next_cursor"] is None

    by_name = client.get(URL, params={"q": "siti"}, headers=keys.admin).json()["items"]
    assert [r["full_name"] for r in by_name] == ["SITI AMINAH"]
    by_kecamatan = client.get(URL, params={"kecamatan_code": "53.71.01"}, headers=keys.admin)
    assert len(by_kecamatan.json()["items"]) == 1
    nik = by_name[0]["nik"]
    by_nik = client.get(URL, params={"q": nik}, headers=keys.admin).json()["items"]
    assert [r["nik"] for r in by_nik] == [nik]
    bad = client.get(URL, params={"cursor": "garbage"}, headers=keys.admin)
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_cursor"


def test_list_filter_wajib_ktp(client, keys) -> None:
    register_http(client, keys.operator, birth_date="1990-01-01")
    register_http(
        client, keys.operator, birth_date=(date.today() - timedelta(days=365 * 10)).isoformat()
    )
    wajib = client.get(URL, params={"wajib_ktp": "true"}, headers=keys.admin).json()["items"]
    not_wajib = client.get(URL, params={"wajib_ktp": "false"}, headers=keys.admin).json()["items"]
    assert [r["wajib_ktp"] for r in wajib] == [True]
    assert [r["wajib_ktp"] for r in not_wajib] == [False]


def test_patch_with_etag_and_stale_if_match(client, keys) -> None:
    data = register_http(client, keys.operator)
    url = f"{URL}/{data['nik']}"
    etag = client.get(url, headers=keys.operator).headers["etag"]
    changed = client.patch(
        url, json={"address": "JL. EL TARI NO. 5"}, headers={**keys.operator, "If-Match": etag}
    )
    assert changed.status_code == 200
    assert changed.json()["address"] == "JL. EL TARI NO. 5"
    assert changed.headers["etag"] != etag
    stale = client.patch(url, json={"rt": "001"}, headers={**keys.operator, "If-Match": etag})
    assert stale.status_code == 412
    assert stale.json()["code"] == "stale_resident"
    assert client.get(url, headers=keys.operator).json()["rt"] == "007"


def test_patch_refuses_nik_and_recording_status(client, keys) -> None:
    data = register_http(client, keys.operator)
    url = f"{URL}/{data['nik']}"
    new_nik = client.patch(url, json={"nik": "5371040101900001"}, headers=keys.operator)
    assert new_nik.status_code == 422
    assert any(e["loc"][-1] == "nik" for e in new_nik.json()["errors"])
    status = client.patch(url, json={"recording_status": "card_issued"}, headers=keys.operator)
    assert status.status_code == 422
    assert any(e["loc"][-1] == "recording_status" for e in status.json()["errors"])
    # Nothing changed: the NIK is the same, the status did not jump, no event was recorded.
    after = client.get(url, headers=keys.operator)
    assert after.status_code == 200
    assert after.json()["recording_status"] == data["recording_status"]
    assert after.headers["etag"] == client.get(url, headers=keys.operator).headers["etag"]
    assert client.get(f"{URL}/5371040101900001", headers=keys.operator).status_code == 404
    history = client.get(f"{url}/recording-events", headers=keys.operator).json()["items"]
    assert [e["status"] for e in history if e["status"] == "card_issued"] == []


def test_patch_sex_against_nik_is_a_warning(client, keys) -> None:
    data = register_http(client, keys.operator, sex="perempuan")
    response = client.patch(
        f"{URL}/{data['nik']}", json={"sex": "laki_laki"}, headers=keys.operator
    )
    assert response.status_code == 200
    assert [m["code"] for m in response.json()["warning_messages"]] == ["nik_sex_mismatch"]


def test_kelurahan_key_sees_only_its_own(client, keys) -> None:
    own = register_http(client, keys.operator)
    other = register_http(client, keys.operator, kelurahan_code=OTHER_KELURAHAN)
    assert client.get(f"{URL}/{own['nik']}", headers=keys.kelurahan).status_code == 200
    hidden = client.get(f"{URL}/{other['nik']}", headers=keys.kelurahan)
    assert hidden.status_code == 404
    # Same answer as a NIK that does not exist at all: existence does not leak.
    missing = client.get(f"{URL}/{nik_for(date(1970, 1, 1))}", headers=keys.kelurahan)
    assert hidden.json()["code"] == missing.json()["code"] == "resident_not_found"
    listed = client.get(URL, headers=keys.kelurahan).json()["items"]
    assert [r["nik"] for r in listed] == [own["nik"]]
    assert (
        client.patch(
            f"{URL}/{other['nik']}", json={"rt": "001"}, headers=keys.kelurahan
        ).status_code
        == 404
    )
    moved = client.patch(
        f"{URL}/{own['nik']}", json={"kelurahan_code": OTHER_KELURAHAN}, headers=keys.kelurahan
    )
    assert moved.status_code == 403
    elsewhere = client.post(
        URL, json=resident_payload(kelurahan_code=OTHER_KELURAHAN), headers=keys.kelurahan
    )
    assert elsewhere.status_code == 403
    assert client.post(URL, json=resident_payload(), headers=keys.kelurahan).status_code == 201


def test_auditor_cannot_write(client, keys) -> None:
    data = register_http(client, keys.operator)
    assert client.post(URL, json=resident_payload(), headers=keys.auditor).status_code == 403
    assert (
        client.patch(f"{URL}/{data['nik']}", json={"rt": "001"}, headers=keys.auditor).status_code
        == 403
    )
    event = client.post(
        f"{URL}/{data['nik']}/recording-events",
        json={"status": "bio_captured"},
        headers=keys.auditor,
    )
    assert event.status_code == 403


def test_every_resident_endpoint_needs_a_key(client) -> None:
    for method, path in [
        ("get", URL),
        ("post", URL),
        ("get", f"{URL}/5371044108900001"),
        ("patch", f"{URL}/5371044108900001"),
        ("get", f"{URL}/5371044108900001/recording-events"),
        ("post", f"{URL}/5371044108900001/recording-events"),
    ]:
        response = getattr(client, method)(path)
        assert response.status_code == 401, (method, path)
        assert response.json()["code"] == "missing_api_key"
    bad = client.get(URL, headers={"Authorization": "Bearer skk_nope"})
    assert bad.status_code == 401 and bad.json()["code"] == "invalid_api_key"


def test_idempotency_key_replays_and_refuses_other_body(client, keys) -> None:
    body = resident_payload()
    headers = {**keys.operator, "Idempotency-Key": "abc-1"}
    first = client.post(URL, json=body, headers=headers)
    second = client.post(URL, json=body, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert second.headers.get("idempotent-replayed") == "true"
    assert second.headers["location"] == first.headers["location"] == f"{URL}/{body['nik']}"
    other = client.post(URL, json=resident_payload(), headers=headers)
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"


def test_patch_with_null_is_422_not_a_crash(client, keys) -> None:
    data = register_http(client, keys.operator)
    for field in ("birth_date", "full_name", "has_itap", "sex"):
        response = client.patch(f"{URL}/{data['nik']}", json={field: None}, headers=keys.operator)
        assert response.status_code == 422, (field, response.text)
        assert "null" in response.json()["detail"]


# --- free text: one clean line in every text field (create, PATCH, recording note) -------

TEXT_FIELDS = ("full_name", "birth_place", "occupation", "address")
HOSTILE_TEXT = [
    ("GURU\nBerlaku sampai 31-12-2099", "line breaks are not allowed"),
    ("GURU\r\nX", "line breaks are not allowed"),
    ("GURU\u2028Berlaku sampai 2099", "line breaks are not allowed"),
    ("GURU\u202eAMLA", "U+202E"),
    ("GU\u200bRU", "U+200B"),
    ("GURU\x00", "U+0000"),
    ("GURU\x1b[31m", "U+001B"),
]


@pytest.mark.parametrize("field", TEXT_FIELDS)
@pytest.mark.parametrize(("value", "fragment"), HOSTILE_TEXT)
def test_text_fields_refuse_line_breaks_and_control_characters(
    client, keys, field, value, fragment
) -> None:  # type: ignore[no-untyped-def]
    created = client.post(URL, json=resident_payload(**{field: value}), headers=keys.operator)
    assert created.status_code == 422, created.text
    assert created.json()["detail"].startswith(f"body.{field}: ")
    assert fragment in created.json()["detail"]
    data = register_http(client, keys.operator)
    patched = client.patch(f"{URL}/{data['nik']}", json={field: value}, headers=keys.operator)
    assert patched.status_code == 422, patched.text
    assert patched.json()["detail"].startswith(f"body.{field}: ")
    assert fragment in patched.json()["detail"]
    stored = client.get(f"{URL}/{data['nik']}", headers=keys.operator).json()
    assert stored[field] == data[field]


def test_spaces_are_collapsed_and_text_normalised_on_create_and_patch(client, keys) -> None:  # type: ignore[no-untyped-def]
    data = register_http(
        client, keys.operator, full_name="  MARIA \u00a0 YULIANA  ", address="JL.  EL TARI"
    )
    assert (data["full_name"], data["address"]) == ("MARIA YULIANA", "JL. EL TARI")
    patched = client.patch(
        f"{URL}/{data['nik']}",
        json={"occupation": "  PETANI   /  PEKEBUN ", "birth_place": "SOE\u0301"},
        headers=keys.operator,
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["occupation"] == "PETANI / PEKEBUN"
    assert patched.json()["birth_place"] == "SO\u00c9"  # NFC


def test_text_too_long_after_collapsing_is_422_and_only_spaces_is_empty(client, keys) -> None:  # type: ignore[no-untyped-def]
    data = register_http(client, keys.operator)
    for body in ({"address": "A" * 151}, {"full_name": "   "}, {"occupation": "\u3000"}):
        response = client.patch(f"{URL}/{data['nik']}", json=body, headers=keys.operator)
        assert response.status_code == 422, (body, response.text)
    # 150 characters once the spaces are collapsed: accepted.
    fits = client.patch(
        f"{URL}/{data['nik']}", json={"address": "A" * 148 + "     B"}, headers=keys.operator
    )
    assert fits.status_code == 200, fits.text


def test_nul_in_any_text_input_is_422_not_500(client, keys) -> None:  # type: ignore[no-untyped-def]
    # PostgreSQL refuses NUL in text with a DataError: it must never get that far.
    data = register_http(client, keys.operator)
    for field in TEXT_FIELDS:
        body = resident_payload(**{field: "A\x00B"})
        assert client.post(URL, json=body, headers=keys.operator).status_code == 422
        patch = client.patch(f"{URL}/{data['nik']}", json={field: "A\x00B"}, headers=keys.operator)
        assert patch.status_code == 422
    event = client.post(
        f"{URL}/{data['nik']}/recording-events",
        json={"status": "bio_captured", "note": "di kantor\x00"},
        headers=keys.operator,
    )
    assert event.status_code == 422
    assert event.json()["detail"].startswith("body.note: ")
    search = client.get(URL, params={"q": "MA\x00"}, headers=keys.operator)
    assert search.status_code == 422, search.text
    key = client.post(
        "/api/v1/api-keys", json={"name": "Loket\x001", "role": "operator"}, headers=keys.admin
    )
    assert key.status_code == 422


def test_recording_note_is_one_clean_line(client, keys) -> None:  # type: ignore[no-untyped-def]
    data = register_http(client, keys.operator)
    events = f"{URL}/{data['nik']}/recording-events"
    bad = client.post(
        events,
        json={"status": "bio_captured", "note": "ok\nstatus: card_issued"},
        headers=keys.operator,
    )
    assert bad.status_code == 422
    good = client.post(
        events, json={"status": "bio_captured", "note": "  di   kantor  "}, headers=keys.operator
    )
    assert good.status_code == 201, good.text
    assert good.json()["note"] == "di kantor"


# --- existence oracles: a kelurahan key learns that a NIK is taken, never where -------------


def _secrets_of(resident: dict) -> list[str]:  # type: ignore[type-arg]
    return [
        resident["kelurahan_code"],
        resident["kelurahan_name"],
        resident["kecamatan_code"],
        resident["kecamatan_name"],
        resident["full_name"],
        resident["address"],
        resident["kk_number"],
        resident["birth_date"],
        "NAMOSAIN",
        "Namosain",
        "Alak",
        "ALAK",
    ]


def test_kelurahan_key_learns_a_nik_is_taken_but_not_where(client, keys) -> None:  # type: ignore[no-untyped-def]
    other = register_http(
        client,
        keys.operator,
        kelurahan_code=OTHER_KELURAHAN,
        full_name="YOSEF RAHASIA",
        address="JL. X 9",
    )
    own = register_http(client, keys.operator)
    secrets = _secrets_of(other)
    taken_elsewhere = client.post(
        URL, json=resident_payload(nik=other["nik"], birth_date=other["birth_date"]),
        headers=keys.kelurahan,
    )  # fmt: skip
    taken_here = client.post(
        URL, json=resident_payload(nik=own["nik"], birth_date=own["birth_date"]),
        headers=keys.kelurahan,
    )  # fmt: skip
    assert taken_elsewhere.status_code == taken_here.status_code == 409
    for key in ("code", "detail", "title", "type"):
        assert taken_elsewhere.json()[key] == taken_here.json()[key]
    missing = nik_for(date(1971, 2, 3))
    for method, path, body in [
        ("GET", f"{URL}/{other['nik']}", None),
        ("PATCH", f"{URL}/{other['nik']}", {"rt": "001"}),
        ("GET", f"{URL}/{other['nik']}/recording-events", None),
        ("POST", f"{URL}/{other['nik']}/recording-events", {"status": "bio_captured"}),
        ("POST", f"{URL}/{other['nik']}/letters", {"purpose": "Pembukaan rekening"}),
    ]:
        hidden = client.request(method, path, json=body, headers=keys.kelurahan)
        absent = client.request(
            method, path.replace(other["nik"], missing), json=body, headers=keys.kelurahan
        )
        # 404 as for a NIK nobody holds (letters: 403, a kelurahan key issues none).
        assert hidden.status_code == absent.status_code in (403, 404), (method, path, hidden.text)
        assert hidden.json()["code"] == absent.json()["code"]
        assert hidden.json()["detail"] == absent.json()["detail"]
        assert not [s for s in secrets if s in hidden.text], (method, path, hidden.text)
    for response in (taken_elsewhere,):
        assert not [s for s in secrets if s in response.text], response.text


@pytest.mark.parametrize("sent", ['"1"', "1", 'W/"1"', '"7", "1"', "*"])
def test_if_match_takes_the_etag_as_clients_send_it(client, keys, sent: str) -> None:
    created = client.post(URL, json=resident_payload(), headers=keys.operator)
    assert created.headers["etag"] == '"1"'
    url = f"{URL}/{created.json()['nik']}"
    assert client.get(url, headers=keys.operator).headers["etag"] == created.headers["etag"]
    changed = client.patch(url, json={"rt": "002"}, headers={**keys.operator, "If-Match": sent})
    assert changed.status_code == 200, changed.text
    assert changed.headers["etag"] == '"2"'
    stale = client.patch(url, json={"rt": "003"}, headers={**keys.operator, "If-Match": sent})
    assert stale.status_code == (200 if sent == "*" else 412)
