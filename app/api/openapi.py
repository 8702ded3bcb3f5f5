"""The OpenAPI document, with every 422 described as the problem+json it really is."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from app.api.problems import PROBLEM_MEDIA_TYPE

_PROBLEM_CONTENT = {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}
_BODY = {
    "400": "The body could not be read (e.g. bytes that are not UTF-8)",
    "413": "The body is larger than the limit",
    "415": "The body is not of a content type this operation takes",
}
_GENERIC = {
    "500": "Unexpected error (problem+json with a request_id)",
    "503": "The database is not reachable (problem+json, Retry-After)",
}


def install_openapi(app: FastAPI) -> None:
    """Replace FastAPI's default 422 schema by ours and document 500/503 on every operation."""

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
        for operations in doc.get("paths", {}).values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                if "422" in responses:
                    responses["422"] = {"description": "Invalid input", "content": _PROBLEM_CONTENT}
                if "requestBody" in operation:
                    for status, description in _BODY.items():
                        responses.setdefault(
                            status, {"description": description, "content": _PROBLEM_CONTENT}
                        )
                for status, description in _GENERIC.items():
                    responses.setdefault(
                        status, {"description": description, "content": _PROBLEM_CONTENT}
                    )
        schemas = doc.get("components", {}).get("schemas", {})
        for unused in ("HTTPValidationError", "ValidationError"):
            schemas.pop(unused, None)
        app.openapi_schema = doc
        return doc

    app.openapi = openapi  # type: ignore[method-assign]
