"""Opaque keyset cursors."""

from __future__ import annotations

import base64
import json
from typing import Any

from app.errors import InvalidInput, field_error


def encode_cursor(**position: Any) -> str:
    """An opaque cursor that resumes a listing after `position`."""
    raw = json.dumps(position, separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> dict[str, Any]:
    """The position a cursor stands for; 422 when it is not one of ours."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if not isinstance(value, dict):
            raise ValueError
        return value
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidInput(
            "the cursor is not valid: pass back the next_cursor of the previous page unchanged",
            code="invalid_cursor",
            errors=[field_error(["query", "cursor"], "not a cursor this service gave out")],
        ) from exc
