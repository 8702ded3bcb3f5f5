"""Every JSON answer in the OpenAPI document shows an example with real values, and each
example is valid against its own schema."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

PLACEHOLDER = "string"


@pytest.fixture
def doc(client: TestClient) -> dict[str, Any]:
    answer = client.get("/openapi.json")
    assert answer.status_code == 200
    return dict(answer.json())


def _resolve(doc: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].removeprefix("#/components/schemas/")
        schema = doc["components"]["schemas"][name]
    return schema


def _json_responses(doc: dict[str, Any]) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """(where, media type object, resolved schema) of every JSON answer."""
    found = []
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            for status, response in operation.get("responses", {}).items():
                for media_type, media in response.get("content", {}).items():
                    if media_type.split(";")[0].endswith("json") and "schema" in media:
                        where = f"{method.upper()} {path} {status} {media_type}"
                        found.append((where, media, _resolve(doc, media["schema"])))
    return found


def _examples(media: dict[str, Any], schema: dict[str, Any]) -> list[Any]:
    out = list(schema.get("examples") or [])
    if "example" in schema:
        out.append(schema["example"])
    if "example" in media:
        out.append(media["example"])
    out += [e["value"] for e in (media.get("examples") or {}).values() if "value" in e]
    return out


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def test_every_json_answer_has_an_example_with_real_values(doc: dict[str, Any]) -> None:
    responses = _json_responses(doc)
    assert len(responses) > 50  # the walk found the document's answers
    bare = [where for where, media, schema in responses if not _examples(media, schema)]
    assert not bare, f"answers without an example: {bare}"
    placeholders = [
        where
        for where, media, schema in responses
        if PLACEHOLDER in _strings(_examples(media, schema))
    ]
    assert not placeholders, f'examples holding "{PLACEHOLDER}": {placeholders}'


def test_every_response_example_is_valid_against_its_schema(doc: dict[str, Any]) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    checked = 0
    for where, media, _ in _json_responses(doc):
        # The document's components ride along, so "#/components/schemas/..." resolves.
        schema = {**media["schema"], "components": doc["components"]}
        for example in _examples(media, _resolve(doc, media["schema"])):
            errors = list(jsonschema.Draft202012Validator(schema).iter_errors(example))
            assert not errors, f"{where}: {errors[0].message} in {json.dumps(example)[:300]}"
            checked += 1
    assert checked > 50


def test_the_examples_read_like_kupang(doc: dict[str, Any]) -> None:
    schemas = doc["components"]["schemas"]
    resident = schemas["ResidentRead"]["examples"][0]
    assert resident["nik"].startswith("5371") and len(resident["nik"]) == 16
    letter = schemas["LetterRead"]["examples"][0]
    assert letter["number"].startswith("470/") and "/Disdukcapil/" in letter["number"]
    page = schemas["Page_ResidentRead_"]["examples"][0]
    assert page["items"] == [resident] and page["next_cursor"]
