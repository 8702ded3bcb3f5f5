"""Opaque keyset cursors, read back into a typed position or refused with 422."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Annotated, Any, TypeVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

from app.errors import InvalidInput, field_error, problem_text

# Our cursors are a few dozen characters; anything far longer is not one of ours and is not
# worth decoding.
MAX_CURSOR_LENGTH = 512


class Position(BaseModel):
    """Where a listing resumes. Strict: a cursor is only what this service wrote."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class IdPosition(Position):
    id: Annotated[int, Field(ge=0, le=2**63 - 1)]


class LinePosition(Position):
    line: Annotated[int, Field(ge=0, le=2**31)]


class CodePosition(Position):
    code: Annotated[str, Field(max_length=20, pattern=r"^[0-9.]+$")]


class IssuedPosition(Position):
    issued_at: AwareDatetime
    id: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[0-9A-Za-z-]+$")]


P = TypeVar("P", bound=Position)


def encode_cursor(**position: Any) -> str:
    """An opaque cursor that resumes a listing after `position`."""
    raw = json.dumps(position, separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, position: type[P]) -> P:
    """The position a cursor stands for; 422 when it is not one of ours."""
    try:
        if len(cursor) > MAX_CURSOR_LENGTH:
            raise ValueError("too long")
        padded = cursor + "=" * (-len(cursor) % 4)
        raw = base64.urlsafe_b64decode(padded.encode("ascii"))
        return position.model_validate_json(raw)
    except (ValueError, UnicodeError, binascii.Error, ValidationError) as exc:
        raise InvalidInput(
            problem_text("invalid_cursor"),
            code="invalid_cursor",
            errors=[field_error(["query", "cursor"], problem_text("field.not_a_cursor"))],
        ) from exc
