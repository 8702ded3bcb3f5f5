"""The OpenAPI document as generators and integrators read it."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.errors import PROBLEM_CODES

APP_DIR = Path(__file__).resolve().parents[2] / "app"


@pytest.fixture
def doc(client: TestClient) -> dict[str, Any]:
    answer = client.get("/openapi.json")
    assert answer.status_code == 200
    return dict(answer.json())


def _operations(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return [op for ops in doc["paths"].values() for op in ops.values()]


def test_the_document_validates(doc: dict[str, Any]) -> None:
    validator = pytest.importorskip("openapi_spec_validator")
    validator.validate(doc)


def test_operation_ids_are_unique_camel_case_route_names(doc: dict[str, Any]) -> None:
    ids = [op["operationId"] for op in _operations(doc)]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z][A-Za-z0-9]*", i) for i in ids), ids
    assert {"listResidents", "issueLetter", "downloadPdf", "verifyUpload"} <= set(ids)


def test_enums_that_are_not_names_carry_distinct_member_names(doc: dict[str, Any]) -> None:
    for name, schema in doc["components"]["schemas"].items():
        values = schema.get("enum")
        if not values or all(re.fullmatch(r"[A-Za-z_]\w*", str(v)) for v in values):
            continue
        names = schema.get("x-enum-varnames")
        assert names, name
        assert len({n.upper() for n in names}) == len(values), name
    blood = doc["components"]["schemas"]["BloodType"]
    assert dict(zip(blood["enum"], blood["x-enum-varnames"], strict=True))["A+"] == "A_pos"


def test_pdfs_and_csvs_are_binary(doc: dict[str, Any]) -> None:
    binary = {"type": "string", "format": "binary"}
    paths = doc["paths"]
    pdf = paths["/api/v1/letters/{letter_id}/pdf"]["get"]["responses"]["200"]["content"]
    assert pdf["application/pdf"]["schema"] == binary
    upload = paths["/api/v1/verify"]["post"]["requestBody"]["content"]
    assert upload["application/pdf"]["schema"] == binary
    csv_in = paths["/api/v1/residents/import"]["post"]["requestBody"]["content"]
    assert csv_in["text/csv"]["schema"] == binary
    csv_out = paths["/api/v1/residents/export"]["get"]["responses"]["200"]["content"]
    assert csv_out["text/csv"]["schema"] == binary


def test_idempotency_key_is_a_declared_header(doc: dict[str, Any]) -> None:
    issue = doc["paths"]["/api/v1/residents/{nik}/letters"]["post"]
    headers = {p["name"] for p in issue["parameters"] if p["in"] == "header"}
    assert "Idempotency-Key" in headers


def test_problem_examples_use_known_codes_and_served_type_urls(
    doc: dict[str, Any], client: TestClient
) -> None:
    seen = set()
    for op in _operations(doc):
        for status, response in op["responses"].items():
            media = response.get("content", {}).get("application/problem+json")
            for code, example in (media or {}).get("examples", {}).items():
                assert PROBLEM_CODES[code].status == int(status)
                assert example["value"]["type"].endswith(f"/problems/{code}")
                seen.add(code)
    assert {"resident_not_found", "validation_error", "missing_api_key"} <= seen
    assert "skk.example/problems" not in str(doc)


def test_every_code_raised_in_the_app_is_catalogued() -> None:
    raised = set()
    for path in APP_DIR.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.keyword)
                and node.arg == "code"
                and isinstance(node.value, ast.Constant)
                and isinstance(node.value.value, str)
            ):
                raised.add(node.value.value)
    from app.domain.eligibility import LetterRefusal

    raised |= {r.value for r in LetterRefusal}
    assert raised - set(PROBLEM_CODES) == set()


def test_a_problem_type_url_is_a_page_that_says_what_to_do(client: TestClient) -> None:
    answer = client.get("/api/v1/residents")  # no API key
    assert answer.status_code == 401
    problem = answer.json()
    assert problem["type"].endswith(f"/problems/{problem['code']}")
    page = client.get("/problems/" + problem["code"])
    assert page.status_code == 200
    assert PROBLEM_CODES[problem["code"]].action in page.text
    assert client.get("/problems/no_such_code").status_code == 404


def test_the_readme_error_table_is_the_generated_one() -> None:
    from app.api.problems import problem_codes_markdown

    readme = (APP_DIR.parent / "README.md").read_text()
    assert problem_codes_markdown() in readme


def _examples(doc: dict[str, Any], path: str, method: str, status: str) -> set[str]:
    response = doc["paths"][path][method]["responses"][status]
    return set(response["content"]["application/problem+json"].get("examples", {}))


def test_each_operation_documents_its_own_problem_codes(doc: dict[str, Any]) -> None:
    assert _examples(doc, "/api/v1/residents/{nik}", "get", "404") == {"resident_not_found"}
    issue = "/api/v1/residents/{nik}/letters"
    assert {"not_wajib_ktp", "card_already_issued", "valid_letter_exists"} <= _examples(
        doc, issue, "post", "409"
    )
    assert "nik_exists" not in _examples(doc, issue, "post", "409")
    assert {"idempotency_key_reused", "validation_error"} <= _examples(doc, issue, "post", "422")
    assert _examples(doc, "/api/v1/residents/import", "post", "415") >= {"csv_expected"}
    assert "x-problem-codes" not in str(doc)
