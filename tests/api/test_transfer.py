"""CSV import and export over HTTP: roles, scope, limits, bad encodings, and the round trip."""

from __future__ import annotations

import csv
import io

import pytest

from app.services.importer import IMPORT_COLUMNS
from tests.factories import KELURAHAN, OTHER_KELURAHAN
from tests.services.test_importer import row, to_csv

IMPORT = "/api/v1/residents/import"
EXPORT = "/api/v1/residents/export"
CSV = {"Content-Type": "text/csv"}


def _import(client, headers, data: bytes, **params):  # type: ignore[no-untyped-def]
    return client.post(IMPORT, content=data, headers={**headers, **CSV}, params=params)


def _path_nik(nik: str) -> str:
    # With separators: a full NIK must not appear even in the test client's request log.
    return f"{nik[:6]}.{nik[6:12]}.{nik[12:]}"


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_import_then_list_and_history(client, keys) -> None:  # type: ignore[no-untyped-def]
    rows = [
        row(birth_date="1980-01-01"),
        row(birth_date="1981-02-02", recording_status="SUDAH REKAM"),
    ]
    response = _import(client, keys.operator, to_csv(rows, delimiter=";", bom=True))
    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["inserted"], report["rejected"], report["committed"]) == (2, 0, True)
    listed = client.get("/api/v1/residents", headers=keys.operator).json()["items"]
    assert {r["nik"] for r in listed} == {r["nik"] for r in rows}
    history = client.get(
        f"/api/v1/residents/{_path_nik(rows[1]['nik'])}/recording-events", headers=keys.operator
    ).json()["items"]
    assert [(e["status"], e["source"]) for e in history] == [("bio_captured", "import")]
    again = _import(client, keys.operator, to_csv(rows)).json()
    assert (again["inserted"], again["unchanged"]) == (0, 2)


def test_rejected_row_report_and_all_or_nothing(client, keys) -> None:  # type: ignore[no-untyped-def]
    good = row(birth_date="1980-01-01")
    bad = row(birth_date="1990-08-01") | {"birth_date": "2999-12-31"}
    response = _import(client, keys.admin, to_csv([good, bad]))
    assert response.status_code == 200
    report = response.json()
    assert report["committed"] is False
    [rejected] = report["rejected_rows"]
    assert rejected["line"] == 3
    assert rejected["nik"] == bad["nik"][:6] + "******" + bad["nik"][12:]
    assert rejected["errors"][0]["field"] == "birth_date"
    assert bad["nik"] not in response.text
    assert client.get("/api/v1/residents", headers=keys.admin).json()["items"] == []
    partial = _import(client, keys.admin, to_csv([good, bad]), mode="partial").json()
    assert (partial["inserted"], partial["rejected"], partial["committed"]) == (1, 1, True)


def test_dry_run_stores_nothing(client, keys) -> None:  # type: ignore[no-untyped-def]
    report = _import(client, keys.operator, to_csv([row()]), dry_run="true").json()
    assert (report["inserted"], report["dry_run"], report["committed"]) == (1, True, False)
    assert client.get("/api/v1/residents", headers=keys.operator).json()["items"] == []


def test_roles_and_kelurahan_scope(client, keys) -> None:  # type: ignore[no-untyped-def]
    data = to_csv([row(birth_date="1980-01-01"),
                   row(birth_date="1980-01-02", kelurahan_code=OTHER_KELURAHAN)])  # fmt: skip
    assert _import(client, keys.auditor, data).status_code == 403
    assert client.post(IMPORT, content=data, headers=CSV).status_code == 401
    report = _import(client, keys.kelurahan, data, mode="partial").json()
    assert (report["inserted"], report["rejected"]) == (1, 1)
    assert report["rejected_rows"][0]["errors"][0]["field"] == "kelurahan_code"


def test_missing_column_is_a_422_naming_it(client, keys) -> None:  # type: ignore[no-untyped-def]
    columns = [c for c in IMPORT_COLUMNS if c != "kelurahan_code"]
    response = _import(client, keys.operator, to_csv([row()], columns=columns))
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "missing_column"
    assert "kelurahan_code" in response.json()["detail"]


def test_non_utf8_body_is_a_4xx_naming_the_line(client, keys) -> None:  # type: ignore[no-untyped-def]
    data = to_csv([row(birth_date="1980-01-01"), row(birth_date="1980-01-02", full_name="JOSÉ")])
    response = _import(client, keys.operator, data.decode().encode("cp1252"))
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "not_utf8"
    assert "line 3" in body["detail"]


def test_oversize_body_is_413_and_json_is_415(client, keys) -> None:  # type: ignore[no-untyped-def]
    client.app.state.settings.max_import_bytes = 200
    data = to_csv([row(), row()])
    assert len(data) > 200
    response = _import(client, keys.operator, data)
    assert response.status_code == 413
    assert response.json()["code"] == "import_too_large"
    wrong = client.post(IMPORT, json={"nik": "x"}, headers=keys.operator)
    assert wrong.status_code == 415


def test_import_voids_letters_like_the_api(client, keys) -> None:  # type: ignore[no-untyped-def]
    resident = row(birth_date="1980-01-01")
    assert _import(client, keys.operator, to_csv([resident])).status_code == 200
    letter = client.post(
        f"/api/v1/residents/{_path_nik(resident['nik'])}/letters",
        json={"purpose": "Pembukaan rekening bank"},
        headers=keys.operator,
    )
    assert letter.status_code == 201, letter.text
    moved = _import(client, keys.operator, to_csv([resident | {"residency_status": "PINDAH"}]))
    assert moved.json()["updated"] == 1
    voided = client.get(f"/api/v1/letters/{letter.json()['id']}", headers=keys.operator).json()
    assert voided["status"] == "void"


def test_export_columns_filters_and_scope(client, keys) -> None:  # type: ignore[no-untyped-def]
    here = [
        row(birth_date="1980-01-01"),
        row(birth_date="1980-01-02", recording_status="card_issued"),
    ]
    there = row(birth_date="1980-01-03", kelurahan_code=OTHER_KELURAHAN)
    _import(client, keys.operator, to_csv([*here, there]))
    response = client.get(EXPORT, headers=keys.auditor)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.text.splitlines()[0].split(",") == list(IMPORT_COLUMNS)
    assert len(_rows(response.text)) == 3
    only = client.get(EXPORT, params={"recording_status": "card_issued"}, headers=keys.operator)
    assert [r["nik"] for r in _rows(only.text)] == [here[1]["nik"]]
    by_kel = client.get(EXPORT, params={"kelurahan_code": OTHER_KELURAHAN}, headers=keys.admin)
    assert [r["nik"] for r in _rows(by_kel.text)] == [there["nik"]]
    scoped = client.get(EXPORT, headers=keys.kelurahan)
    assert {r["kelurahan_code"] for r in _rows(scoped.text)} == {KELURAHAN}
    assert client.get(EXPORT).status_code == 401
    bad = client.get(EXPORT, params={"kelurahan_code": "x"}, headers=keys.admin)
    assert bad.status_code == 422


def test_export_then_import_is_a_no_op(client, keys) -> None:  # type: ignore[no-untyped-def]
    rows = [row(birth_date=f"1970-03-{d:02d}", recording_status="print_ready_record",
                recording_status_at="2015-06-07T08:09:10+08:00") for d in range(1, 5)]  # fmt: skip
    rows.append(row(birth_date="1999-09-09", citizenship="WNA", has_itap="YA", blood_type="AB-"))
    _import(client, keys.operator, to_csv(rows))
    exported = client.get(EXPORT, headers=keys.operator).content
    report = _import(client, keys.operator, exported).json()
    assert (report["unchanged"], report["inserted"], report["updated"], report["rejected"]) == (
        5, 0, 0, 0,
    )  # fmt: skip
    assert client.get(EXPORT, headers=keys.operator).content == exported


def test_export_and_import_are_in_the_openapi_document(client) -> None:  # type: ignore[no-untyped-def]
    paths = client.get("/openapi.json").json()["paths"]
    assert "text/csv" in paths[IMPORT]["post"]["requestBody"]["content"]
    assert "text/csv" in paths[EXPORT]["get"]["responses"]["200"]["content"]


# --- a kelurahan key learns that a NIK is taken, never where or by whom ---------------------


@pytest.mark.parametrize("mode", ["all_or_nothing", "partial"])
@pytest.mark.parametrize("dry_run", ["true", "false"])
def test_kelurahan_key_import_never_names_another_kelurahans_resident(
    client, keys, mode, dry_run
) -> None:  # type: ignore[no-untyped-def]
    elsewhere = row(birth_date="1980-01-02", kelurahan_code=OTHER_KELURAHAN,
                    full_name="YOSEF RAHASIA", address="JL. TERSEMBUNYI 9")  # fmt: skip
    assert _import(client, keys.operator, to_csv([elsewhere])).json()["inserted"] == 1
    # The same person brought in as the kelurahan's own: unchanged data, and changed data.
    same = elsewhere | {"kelurahan_code": KELURAHAN}
    changed = same | {"full_name": "NAMA LAIN", "recording_status": "card_issued"}
    for day, attempt in ((3, same), (4, changed)):
        new = row(birth_date=f"1980-01-{day:02d}")
        response = _import(client, keys.kelurahan, to_csv([new, attempt]), mode=mode,
                           dry_run=dry_run)  # fmt: skip
        assert response.status_code == 200, response.text
        report = response.json()
        assert report["rejected"] == 1
        assert (report["updated"], report["unchanged"]) == (0, 0)
        [rejected] = report["rejected_rows"]
        assert rejected["errors"] == [
            {"field": "nik", "msg": "this NIK is already registered outside your kelurahan; "
             "ask the Disdukcapil office to move the resident"}
        ]  # fmt: skip
        for secret in (OTHER_KELURAHAN, "Namosain", "NAMOSAIN", "Alak", "53.71.01",
                       "YOSEF", "TERSEMBUNYI", elsewhere["nik"]):  # fmt: skip
            assert secret not in response.text, secret
    held = client.get(f"/api/v1/residents/{_path_nik(elsewhere['nik'])}", headers=keys.operator)
    assert held.json()["full_name"] == "YOSEF RAHASIA"


# --- the CSV export never runs as a formula in a spreadsheet --------------------------------

HOSTILE_CELLS = {
    "full_name": '=HYPERLINK("http://x","y")',
    "birth_place": "@SUM(A1)",
    "occupation": "-1",
    "address": "+62 812 3456 7890",
}


def test_export_escapes_formula_cells_and_import_undoes_it(client, keys) -> None:  # type: ignore[no-untyped-def]
    hostile = row(birth_date="1981-01-01", **HOSTILE_CELLS)
    quoted = row(birth_date="1981-01-02", full_name="'ABDUL", occupation="''")
    plain = row(birth_date="1981-01-03", full_name="O'NEIL - SERAN", address="JL. A = B")
    report = _import(client, keys.operator, to_csv([hostile, quoted, plain])).json()
    assert (report["inserted"], report["rejected"]) == (3, 0), report
    # A value that really begins with ' and then a trigger (typed in, not imported).
    fixed = client.patch(f"/api/v1/residents/{_path_nik(quoted['nik'])}",
                         json={"address": "'=1+1"}, headers=keys.operator)  # fmt: skip
    assert fixed.status_code == 200, fixed.text
    stored = {
        r["nik"]: r for r in client.get("/api/v1/residents", headers=keys.operator).json()["items"]
    }
    # The import takes the cells as text: nothing is stored with an extra quote.
    assert stored[hostile["nik"]]["full_name"] == HOSTILE_CELLS["full_name"]
    assert stored[quoted["nik"]]["full_name"] == "'ABDUL"
    exported = client.get(EXPORT, headers=keys.operator)
    cells = {r["nik"]: r for r in _rows(exported.text)}
    for field, value in HOSTILE_CELLS.items():
        assert cells[hostile["nik"]][field] == "'" + value
    assert cells[quoted["nik"]]["full_name"] == "''ABDUL"
    assert cells[quoted["nik"]]["address"] == "''=1+1"
    assert cells[plain["nik"]]["full_name"] == "O'NEIL - SERAN"
    for r in _rows(exported.text):
        for value in r.values():
            assert value[:1] not in {"=", "+", "-", "@", "\t", "\r"}, value
    # NIK, dates and codes the service controls are never escaped.
    assert cells[hostile["nik"]]["nik"] == hostile["nik"]
    assert cells[hostile["nik"]]["birth_date"] == "1981-01-01"
    again = _import(client, keys.operator, exported.content).json()
    assert (again["unchanged"], again["updated"], again["rejected"]) == (3, 0, 0), again
    assert client.get(EXPORT, headers=keys.operator).content == exported.content
