"""The OpenAPI document: every 422 described as the problem+json it really is, stable
camelCase operation ids, binary bodies declared as such, enum member names for generators,
and an example of every problem `code` an operation documents."""

from __future__ import annotations

import enum
import re
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute

from app.api.problems import GENERIC_CODES, PROBLEM_CODES_KEY, PROBLEM_MEDIA_TYPE
from app.api.schema_examples import restore_examples
from app.errors import PROBLEM_CODES, problem_type

_PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
_BODY = {
    "400": "The body could not be read (e.g. bytes that are not UTF-8)",
    "413": "The body is larger than the limit",
    "415": "The body is not of a content type this operation takes",
}
_GENERIC = {
    "500": "Unexpected error (problem+json with a request_id)",
    "503": "The database is not reachable (problem+json, Retry-After)",
}
# Media types that carry structure a generator understands; anything else is bytes.
_STRUCTURED = ("application/json", PROBLEM_MEDIA_TYPE, "multipart/form-data", "text/html")
_BINARY = {"type": "string", "format": "binary"}
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_EXAMPLE_REQUEST_ID = "5f0c2a9e-3b1d-4c8e-9a4f-2d6b7e1c0a93"


def _problem_content() -> dict[str, Any]:
    # A fresh dict each time: the examples differ per response.
    return {PROBLEM_MEDIA_TYPE: {"schema": dict(_PROBLEM_REF)}}


def operation_id(route: APIRoute) -> str:
    """The route function's name in camelCase (`list_residents` -> `listResidents`)."""
    head, *rest = route.name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _enum_classes() -> dict[str, list[type[enum.Enum]]]:
    found: dict[str, list[type[enum.Enum]]] = {}
    pending: list[type[enum.Enum]] = [enum.Enum]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        # The service's own enums only (a client generated in the same process has look-alikes).
        if cls.__module__.startswith("app."):
            found.setdefault(cls.__name__, []).append(cls)
    return found


def _name_enums(schemas: dict[str, Any]) -> None:
    """Give enums whose values are not identifiers (`A+`, `A-`) their Python member names,
    so that generators do not fold them into one."""
    classes = _enum_classes()
    for name, schema in schemas.items():
        values = schema.get("enum")
        if not values or all(isinstance(v, str) and _IDENTIFIER.match(v) for v in values):
            continue
        for cls in classes.get(name, []):
            members = {member.value: member.name for member in cls}  # type: ignore[var-annotated]
            if set(members) == set(values):
                schema["x-enum-varnames"] = [members[v] for v in values]
                break
        else:
            raise RuntimeError(f"enum {name} has values that are not names and no Python enum")


def _problem_example(code: str, base_url: str) -> dict[str, Any]:
    meaning = PROBLEM_CODES[code]
    return {
        "summary": code,
        "value": {
            "type": problem_type(code, base_url),
            "title": meaning.meaning,
            "status": meaning.status,
            "detail": f"{meaning.meaning} {meaning.action}",
            "code": code,
            "request_id": _EXAMPLE_REQUEST_ID,
        },
    }


def _codes_for(status: str, own: list[str] | None) -> list[str]:
    """The operation's own codes and the generic ones of this status; every code of the
    status where the operation names none (or none of this status is generic)."""
    codes = [c for c, m in PROBLEM_CODES.items() if str(m.status) == status]
    if own is None:
        return codes
    return [c for c in codes if c in own or c in GENERIC_CODES] or codes


def install_openapi(app: FastAPI) -> None:
    """Build the document once, with the fixes generated clients need."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        doc = get_openapi(
            title=app.title,
            version=app.version,
            description=app.description,
            routes=app.routes,
            tags=app.openapi_tags,
        )
        settings = getattr(app.state, "settings", None)
        base_url = str(getattr(settings, "public_base_url", ""))
        for operations in doc.get("paths", {}).values():
            for operation in operations.values():
                _fix_operation(operation, base_url)
        schemas = doc.get("components", {}).get("schemas", {})
        for unused in ("HTTPValidationError", "ValidationError"):
            schemas.pop(unused, None)
        _name_enums(schemas)
        restore_examples(schemas)
        app.openapi_schema = doc
        return doc

    app.openapi = openapi  # type: ignore[method-assign]


def _fix_operation(operation: dict[str, Any], base_url: str) -> None:
    responses = operation.setdefault("responses", {})
    own = {status: r.pop(PROBLEM_CODES_KEY, None) for status, r in responses.items()}
    if "422" in responses:
        responses["422"] = {"description": "Invalid input", "content": _problem_content()}
    if "requestBody" in operation:
        for status, description in _BODY.items():
            responses.setdefault(
                status, {"description": description, "content": _problem_content()}
            )
        _binary_content(operation["requestBody"].get("content", {}))
    for status, description in _GENERIC.items():
        responses.setdefault(status, {"description": description, "content": _problem_content()})
    for status, response in responses.items():
        content = response.get("content", {})
        if PROBLEM_MEDIA_TYPE in content:
            codes = _codes_for(status, own.get(status))
            content[PROBLEM_MEDIA_TYPE] = {"schema": _PROBLEM_REF}
            if codes:
                content[PROBLEM_MEDIA_TYPE]["examples"] = {
                    code: _problem_example(code, base_url) for code in codes
                }
        elif status.startswith("2"):
            _binary_content(content)


def _binary_content(content: dict[str, Any]) -> None:
    """A PDF, a CSV or a photo is bytes: `type: string, format: binary` (JSON, including a
    `+json` type such as the JWK Set's, keeps its schema)."""
    for media_type, media in content.items():
        structured = media_type.startswith(_STRUCTURED) or media_type.endswith("+json")
        if not structured:
            media["schema"] = dict(_BINARY)
