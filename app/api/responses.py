"""JSON answers serialised once, straight from the Pydantic model."""

from __future__ import annotations

from fastapi.responses import JSONResponse
from pydantic import BaseModel


class RawJSONResponse(JSONResponse):
    """A JSON response whose body is already serialised."""

    def render(self, content: object) -> bytes:
        return content if isinstance(content, bytes) else str(content).encode()


def model_response(
    model: BaseModel | str, status_code: int = 200, headers: dict[str, str] | None = None
) -> JSONResponse:
    """Answer with a model (or its JSON). FastAPI would validate a returned model a second
    time against the declared response_model; the service built it valid already."""
    body = model if isinstance(model, str) else model.model_dump_json()
    return RawJSONResponse(content=body.encode(), status_code=status_code, headers=headers)
