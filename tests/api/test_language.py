"""Problem details, titles and field errors in Indonesian or English by Accept-Language, the
office's default (SKK_DEFAULT_LANGUAGE) otherwise; and validation messages that name the field
and say what to send."""

from __future__ import annotations

import string
from collections.abc import Iterator
from datetime import date

import pytest
from fastapi.testclient import TestClient

from app.api.language import negotiate
from app.config import Settings
from app.domain.messages import LANGUAGES, TEXTS
from app.errors import PROBLEM_CODES
from app.main import create_app
from app.problem_texts import PROBLEM_TEXTS
from tests.factories import issue_http, register_http, resident_payload

URL = "/api/v1/residents"
ID, EN = {"Accept-Language": "id"}, {"Accept-Language": "en"}

# Texts that are the same in both languages on purpose: a pure pattern of placeholders, or
# a word both languages write alike.
SAME_IN_BOTH = {
    "validation_error.first",
    "where.path",
    "where.query",
    "pydantic.fallback",
}


@pytest.fixture
def office_id(settings: Settings) -> Iterator[TestClient]:
    """A client of an office that leaves the default language alone (Indonesian)."""
    changed = settings.model_copy(update={"default_language": Settings().default_language})
    with TestClient(create_app(changed), raise_server_exceptions=False) as client:
        yield client


# --- the negotiation -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "default", "chosen"),
    [
        (None, "id", "id"),
        (None, "en", "en"),
        ("", "id", "id"),
        ("en", "id", "en"),
        ("id", "en", "id"),
        ("en-US", "id", "en"),
        ("id-ID", "en", "id"),
        ("EN-gb", "id", "en"),
        ("fr", "id", "id"),
        ("fr, de;q=0.8", "en", "en"),
        ("*", "en", "en"),
        ("fr, en;q=0.5", "id", "en"),
        ("en;q=0.5, id;q=0.9", "en", "id"),
        ("id;q=0.3, en-US;q=0.7", "id", "en"),
        ("en, id", "id", "en"),  # a tie goes to the first
        ("en;q=0, id;q=0.1", "en", "id"),  # q=0 means "not this one"
        ("en;q=0", "id", "id"),
        ("en;q=abc", "id", "id"),
        ("en;q=nan", "id", "id"),
        ("en;q=2", "id", "id"),
        ("fr," * 5000 + "en", "id", "id"),  # only the start of a huge header is read
        ("indonesian", "en", "en"),  # not a tag of ours, even if it starts alike
    ],
)
def test_negotiation(header: str | None, default: str, chosen: str) -> None:
    assert negotiate(header, default) == chosen


def test_the_office_default_is_indonesian() -> None:
    assert Settings(_env_file=None).default_language == "id"  # type: ignore[call-arg]


def test_the_default_language_setting_takes_only_id_or_en() -> None:
    with pytest.raises(ValueError, match="default_language"):
        Settings(default_language="fr", _env_file=None)  # type: ignore[call-arg]


# --- the tables ------------------------------------------------------------------------------


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_problem_code_has_a_text_in_both_languages() -> None:
    missing = sorted(set(PROBLEM_CODES) - set(PROBLEM_TEXTS))
    assert not missing, f"codes without a text in app/problem_texts.py: {missing}"
    statuses = {problem.status for problem in PROBLEM_CODES.values()}
    assert {f"title.{s}" for s in statuses} <= set(PROBLEM_TEXTS)


@pytest.mark.parametrize(
    ("table", "key"),
    [("PROBLEM_TEXTS", key) for key in PROBLEM_TEXTS] + [("TEXTS", key) for key in TEXTS],
)
def test_each_text_exists_in_both_languages_and_differs(table: str, key: str) -> None:
    text_id, text_en = (PROBLEM_TEXTS if table == "PROBLEM_TEXTS" else TEXTS)[key]
    assert text_id.strip() and text_en.strip()
    if table == "PROBLEM_TEXTS":
        # The same placeholders in both: a text cannot lose the figure it names. (The domain's
        # TEXTS take some values per language, e.g. `date_id` and `date_en`.)
        assert _fields(text_id) == _fields(text_en), key
    if key not in SAME_IN_BOTH:
        assert text_id != text_en, f"{key} is not translated"


def test_languages() -> None:
    assert LANGUAGES == ("id", "en")


# --- every kind of answer, in both languages --------------------------------------------------


def _assert_language(response, language: str) -> None:  # type: ignore[no-untyped-def]
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.headers["content-language"] == language
    assert "accept-language" in response.headers["vary"].lower()
    problem = response.json()
    assert problem["detail"] == problem["messages"][language]
    assert problem["messages"]["id"] != problem["messages"]["en"]


def test_404_resident_in_both_languages(office_id: TestClient, keys) -> None:  # type: ignore[no-untyped-def]
    url = f"{URL}/5371044108900009"
    default = office_id.get(url, headers=keys.operator)
    assert default.status_code == 404 and default.json()["code"] == "resident_not_found"
    _assert_language(default, "id")
    assert default.json()["detail"] == "tidak ada penduduk dengan NIK ini"
    assert default.json()["title"] == "Tidak ditemukan"
    english = office_id.get(url, headers={**keys.operator, "Accept-Language": "en-US,en;q=0.9"})
    _assert_language(english, "en")
    assert english.json()["detail"] == "no resident with this NIK"
    assert english.json()["title"] == "Not found"


def test_404_unknown_address_in_both_languages(office_id: TestClient) -> None:
    for headers, language, words in ((ID, "id", "tidak ada"), (EN, "en", "there is no")):
        response = office_id.get("/api/v1/nothing-here", headers=headers)
        assert response.status_code == 404
        _assert_language(response, language)
        assert response.json()["detail"].startswith(words)
        assert "/api/v1/nothing-here" in response.json()["detail"]


def test_409_letter_refusal_in_both_languages(office_id: TestClient, keys) -> None:  # type: ignore[no-untyped-def]
    resident = register_http(office_id, keys.operator, residency_status="deceased")
    default = issue_http(office_id, keys.operator, resident["nik"])
    assert default.status_code == 409 and default.json()["code"] == "resident_not_active"
    _assert_language(default, "id")
    assert "meninggal dunia" in default.json()["detail"]
    assert default.json()["title"] == "Konflik"
    english = issue_http(office_id, {**keys.operator, **EN}, resident["nik"])
    _assert_language(english, "en")
    assert "has died" in english.json()["detail"]


def test_409_recording_move_in_both_languages(office_id: TestClient, keys) -> None:  # type: ignore[no-untyped-def]
    resident = register_http(office_id, keys.operator, recording_status="bio_captured")
    events = f"{URL}/{resident['nik']}/recording-events"
    body = {"status": "unregistered"}
    for headers, language, words in ((ID, "id", "tidak dapat"), (EN, "en", "cannot move")):
        response = office_id.post(events, json=body, headers={**keys.operator, **headers})
        assert response.status_code == 409, response.text
        _assert_language(response, language)
        assert words in response.json()["detail"]


def test_422_nik_field_error_in_both_languages(office_id: TestClient, keys) -> None:  # type: ignore[no-untyped-def]
    body = resident_payload()
    body["nik"] = body["nik"][:12] + "0000"
    for headers, language, words in (
        ({}, "id", "nomor urut 0000 tidak sah"),
        (EN, "en", "serial 0000 is not valid"),
    ):
        response = office_id.post(URL, json=body, headers={**keys.operator, **headers})
        assert response.status_code == 422, response.text
        _assert_language(response, language)
        problem = response.json()
        (error,) = [e for e in problem["errors"] if e["loc"] == ["body", "nik"]]
        assert error["code"] == "serial_0000"
        assert error["msg"] == words == error["messages"][language]
        assert problem["detail"] == f"body.nik: {words}"


def test_422_nik_in_the_path_in_both_languages(office_id: TestClient, keys) -> None:  # type: ignore[no-untyped-def]
    url = f"{URL}/537104410890001"
    indonesian = office_id.get(url, headers=keys.operator)
    assert indonesian.status_code == 422
    _assert_language(indonesian, "id")
    (error,) = indonesian.json()["errors"]
    assert error["code"] == "wrong_length" and error["msg"] == error["messages"]["id"]
    assert indonesian.json()["detail"] == f"NIK di path: {error['messages']['id']}"
    assert "16 digit" in error["msg"]
    english = office_id.get(url, headers={**keys.operator, **EN})
    _assert_language(english, "en")
    assert english.json()["detail"] == f"NIK in the path: {error['messages']['en']}"


def test_401_in_both_languages(office_id: TestClient) -> None:
    default = office_id.get(URL)
    assert default.status_code == 401
    _assert_language(default, "id")
    assert "kunci API diperlukan" in default.json()["detail"]
    assert default.headers["www-authenticate"] == "Bearer"
    english = office_id.get(URL, headers={**EN, "Authorization": "Basic dXNlcjpwdw=="})
    _assert_language(english, "en")
    assert "'Basic' scheme" in english.json()["detail"]
    unknown = office_id.get(URL, headers={"Authorization": "Bearer skk_nope"})
    assert unknown.json()["detail"] == "kunci API tidak dikenal"


def test_a_language_we_do_not_have_gets_the_default(office_id: TestClient) -> None:
    response = office_id.get(URL, headers={"Accept-Language": "fr-FR, de;q=0.9"})
    _assert_language(response, "id")


def test_problems_answered_before_routing_are_in_the_chosen_language(
    office_id: TestClient, keys
) -> None:  # type: ignore[no-untyped-def]
    # The JSON-body guard answers before any route: it reads Accept-Language itself.
    headers = {**keys.operator, "Content-Type": "text/plain"}
    indonesian = office_id.post(URL, content=b"x", headers=headers)
    assert indonesian.status_code == 415
    _assert_language(indonesian, "id")
    assert "text/plain" in indonesian.json()["detail"]
    english = office_id.post(URL, content=b"x", headers={**headers, **EN})
    _assert_language(english, "en")
    nul = office_id.get(f"{URL}?q=%00", headers={**keys.operator, **EN})
    assert nul.status_code == 422
    _assert_language(nul, "en")


def test_service_field_errors_are_in_the_chosen_language(office_id: TestClient, keys) -> None:  # type: ignore[no-untyped-def]
    body = resident_payload(citizenship="WNA")
    indonesian = office_id.post(URL, json=body, headers=keys.operator)
    assert indonesian.status_code == 422 and indonesian.json()["code"] == "nationality_required"
    assert indonesian.json()["errors"][0]["msg"] == "wajib untuk WNA"
    english = office_id.post(URL, json=body, headers={**keys.operator, **EN})
    assert english.json()["errors"][0]["msg"] == "required for a WNA"


def test_nik_warnings_on_a_resident_are_in_the_chosen_language(office_id: TestClient, keys) -> None:  # type: ignore[no-untyped-def]
    # A birth date that differs from the NIK's is kept, with a warning.
    body = resident_payload()
    body["birth_date"] = date(1990, 8, 2).isoformat()
    created = office_id.post(URL, json=body, headers=keys.operator)
    assert created.status_code == 201, created.text
    (warning,) = created.json()["warning_messages"]
    assert created.json()["warnings"] == [warning["id"]]
    assert "berbeda dengan tanggal pada NIK" in warning["id"]
    patched = office_id.patch(
        f"{URL}/{body['nik']}", json={"address": "JL. EL TARI 2"}, headers={**keys.operator, **EN}
    )
    assert patched.json()["warnings"] == [patched.json()["warning_messages"][0]["en"]]


# --- validation messages that name the field and say what to send ------------------------------


def test_a_missing_body_says_which_body_is_expected(office_id: TestClient, keys) -> None:  # type: ignore[no-untyped-def]
    response = office_id.post(URL, headers={**keys.operator, **EN})
    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    assert "Field required" not in detail and not detail.startswith("request:")
    assert detail.startswith("body: the request body is missing: send a JSON object ResidentCreate")
    assert "nik" in detail and "full_name" in detail
    indonesian = office_id.post(URL, headers=keys.operator)
    assert "badan permintaan tidak ada" in indonesian.json()["detail"]


@pytest.mark.parametrize(
    ("raw", "line", "column"),
    [(b'{"nik": ', 1, 9), (b'{\n  "nik": "1",\n  full_name: 2\n}', 3, 3)],
)
def test_invalid_json_says_where_and_that_the_body_must_be_json(  # type: ignore[no-untyped-def]
    office_id: TestClient, keys, raw: bytes, line: int, column: int
) -> None:
    headers = {**keys.operator, "Content-Type": "application/json"}
    response = office_id.post(URL, content=raw, headers={**headers, **EN})
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["errors"][0]["loc"] == ["body"]
    assert problem["errors"][0]["type"] == "json_invalid"
    assert f"at line {line} column {column}" in problem["detail"]
    assert "send JSON with Content-Type application/json" in problem["detail"]
    assert "JSON decode error" not in problem["detail"]
    indonesian = office_id.post(URL, content=raw, headers=headers)
    assert f"pada baris {line} kolom {column}" in indonesian.json()["detail"]


def test_a_missing_field_is_named(office_id: TestClient, keys) -> None:  # type: ignore[no-untyped-def]
    body = resident_payload()
    del body["full_name"]
    english = office_id.post(URL, json=body, headers={**keys.operator, **EN})
    assert english.status_code == 422
    (error,) = english.json()["errors"]
    assert error["loc"] == ["body", "full_name"] and error["type"] == "missing"
    assert error["msg"] == "required: send body.full_name"
    assert english.json()["detail"] == "body.full_name: required: send body.full_name"
    indonesian = office_id.post(URL, json=body, headers=keys.operator)
    assert indonesian.json()["errors"][0]["msg"] == "wajib diisi: kirim body.full_name"


@pytest.mark.parametrize(
    ("change", "field", "english", "indonesian"),
    [
        ({"has_itap": "maybe"}, "has_itap", "must be true or false", "harus true atau false"),
        ({"full_name": 42}, "full_name", "must be text", "harus berupa teks"),
        ({"birth_date": "1-8-1990"}, "birth_date", "YYYY-MM-DD", "TTTT-BB-HH"),
        ({"sex": "pria"}, "sex", "must be one of: 'laki_laki' or", "harus salah satu dari"),
        ({"full_name": ""}, "full_name", "at least 1 characters", "minimal 1 karakter"),
        ({"rt": "abc"}, "rt", "001 to 999", "001 sampai 999"),
    ],
)
def test_a_wrong_value_says_what_to_send(  # type: ignore[no-untyped-def]
    office_id: TestClient, keys, change, field, english, indonesian
) -> None:
    body = {**resident_payload(), **change}
    for headers, expected in ((EN, english), (ID, indonesian)):
        response = office_id.post(URL, json=body, headers={**keys.operator, **headers})
        assert response.status_code == 422, response.text
        (error,) = [e for e in response.json()["errors"] if e["loc"] == ["body", field]]
        assert expected in error["msg"], error
        assert response.json()["detail"].startswith(f"body.{field}: ")


def test_query_errors_name_the_parameter(office_id: TestClient, keys) -> None:  # type: ignore[no-untyped-def]
    response = office_id.get(URL, params={"limit": "many"}, headers={**keys.operator, **EN})
    assert response.status_code == 422
    assert response.json()["detail"] == "query.limit: must be a whole number"


# --- the OpenAPI document --------------------------------------------------------------------


def test_accept_language_is_a_declared_header_of_every_api_operation(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    for path, item in document["paths"].items():
        if not path.startswith("/api/v1/"):
            continue
        for method, operation in item.items():
            names = {
                (p["in"], p["name"].lower()) for p in operation.get("parameters", ()) if "in" in p
            }
            assert ("header", "accept-language") in names, f"{method.upper()} {path}"


def test_405_in_both_languages(office_id: TestClient) -> None:
    indonesian = office_id.delete("/health")
    assert indonesian.status_code == 405
    _assert_language(indonesian, "id")
    assert "DELETE" in indonesian.json()["detail"]
    english = office_id.delete("/health", headers=EN)
    _assert_language(english, "en")
    assert english.json()["detail"] == "this address does not take the HTTP method DELETE"


def test_a_hostile_accept_language_gets_the_default_fast(office_id: TestClient) -> None:
    for header in ("en;q=" + "9" * 4000, "en-" * 3000, ";;;,,,;q=;", "id;q=1e999,en;q=0.5"):
        response = office_id.get(URL, headers={"Accept-Language": header})
        assert response.status_code == 401
        assert response.headers["content-language"] in ("id", "en")


def test_request_models_refuse_with_bilingual_messages() -> None:
    # A plain ValueError in a validator would reach the client in English only (its text has
    # no table entry): the models raise CodedError with a text of app/problem_texts.py.
    from pathlib import Path

    schemas = Path(__file__).resolve().parents[2] / "app" / "schemas"
    plain = [p.name for p in schemas.glob("*.py") if "raise ValueError(" in p.read_text()]
    assert not plain, plain
