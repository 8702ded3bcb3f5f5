"""A letter's lifecycle status, as stored and as shown."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["LetterStatus"]


class LetterStatus(StrEnum):
    valid = "valid"
    expired = "expired"
    revoked = "revoked"
    superseded = "superseded"
    void = "void"
