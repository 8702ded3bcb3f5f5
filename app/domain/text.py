"""Free text that is printed on a letter or stored in a register: one clean line.

A line break, control character or invisible format character in a name or a purpose would
print as an extra line on a signed letter (a forged "valid until"), reorder text (U+202E), or
break PostgreSQL (NUL). They are refused; runs of ordinary spaces are silently made one.
"""

from __future__ import annotations

import unicodedata

from app.domain.messages import CodedError, Message, message

__all__ = [
    "CSV_TRIGGERS",
    "TextError",
    "clean_line",
    "csv_defuse",
    "csv_escape",
    "csv_unescape",
]

_LINE_BREAKS = frozenset("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


class TextError(CodedError):
    """A character that has no place in a single line of text; the message names it."""


def _refusal(ch: str) -> Message:
    code = f"U+{ord(ch):04X}"
    if ch in _LINE_BREAKS:
        return message("text_line_break")
    if ch == "\t":
        return message("text_tab")
    if ch == "\x00":
        return message("text_nul")
    category = unicodedata.category(ch)
    if category == "Cc":
        return message("text_control", char=code)
    if category == "Cs":
        return message("text_surrogate", char=code)
    # Cf: zero-width spaces and joiners, bidi overrides (U+202E), soft hyphens, BOM.
    name = unicodedata.name(ch, "").lower()
    return message("text_invisible", char=f"{code}{f' ({name})' if name else ''}")


def clean_line(value: str) -> str:
    """NFC-normalise one line of text, refuse breaks and control/format characters, make each
    run of spaces one space and trim; raises TextError naming the first refused character."""
    if value.isascii() and value.isprintable():
        # Nearly every value: nothing to normalise or refuse.
        return " ".join(value.split())
    value = unicodedata.normalize("NFC", value)
    for ch in value:
        if not ch.isprintable() and (
            ch in _LINE_BREAKS or unicodedata.category(ch) in _REFUSED_CATEGORIES
        ):
            raise TextError(_refusal(ch))
    # What is left that str.split() splits on is ordinary (category Zs) spacing, e.g. NBSP.
    return " ".join(value.split())


# A spreadsheet reads a cell that begins with one of these as a formula (or, for tab and CR,
# strips them and then reads the rest as one).
CSV_TRIGGERS = frozenset("=+-@\t\r")
_ESCAPED = CSV_TRIGGERS | {"'"}


def csv_escape(value: str) -> str:
    """A free-text cell for a CSV file: a leading ' is added where a spreadsheet would run the
    cell as a formula (OWASP CSV injection advice), and before a leading ' so it survives."""
    return f"'{value}" if value[:1] in _ESCAPED else value


def csv_unescape(value: str) -> str:
    """Undo csv_escape(): drop a leading ' that stands before a trigger or another '."""
    # A name such as 'ABDUL written by hand keeps its quote: only an escape is removed.
    return value[1:] if value[:1] == "'" and value[1:2] in _ESCAPED else value


def csv_defuse(value: str) -> str:
    """A cell copied back as it was sent (an errors file to fix and import again): a leading '
    only where a spreadsheet would run it, which the import then takes off again."""
    # Unlike csv_escape, a leading ' stays as sent: the import reads the cell as it was.
    return f"'{value}" if value[:1] in CSV_TRIGGERS else value
