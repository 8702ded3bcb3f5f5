"""A letter's lifecycle status, as stored and as shown; what a letters search asks for."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

__all__ = ["SEARCH_MAX_LENGTH", "LetterSearch", "LetterStatus", "parse_letter_search"]


class LetterStatus(StrEnum):
    valid = "valid"
    expired = "expired"
    revoked = "revoked"
    superseded = "superseded"
    void = "void"


# The longest search text taken: a full name with room to spare (names are at most 120).
SEARCH_MAX_LENGTH = 120
_NIK_SEPARATORS = str.maketrans("", "", " .-")


@dataclass(frozen=True)
class LetterSearch:
    """What a letters search text asks for: `name` (a fragment of the holder's name, any
    case), `nik_end` (the NIK's last digits, or all 16), or `nik_mask` (16 characters of
    digits and `*`, a star standing for any digit, as the masked NIK `537104******0001`)."""

    kind: Literal["name", "nik_end", "nik_mask"]
    value: str


def parse_letter_search(text: str) -> LetterSearch | None:
    """Read a search text typed into the letters list; None when it is blank."""
    text = " ".join(text.split())
    if not text:
        return None
    # A NIK is read out and written with spaces, dots or dashes between its groups.
    compact = text.translate(_NIK_SEPARATORS)
    if compact.isascii() and compact.isdigit() and len(compact) <= 16:
        return LetterSearch("nik_end", compact)
    if (
        len(compact) == 16
        and "*" in compact
        and any(ch.isdigit() for ch in compact)
        and all(ch == "*" or (ch.isascii() and ch.isdigit()) for ch in compact)
    ):
        return LetterSearch("nik_mask", compact)
    return LetterSearch("name", text.lower())
