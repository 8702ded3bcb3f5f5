"""Letter numbers built from an office-configurable template."""

from __future__ import annotations

import string
from datetime import date

__all__ = [
    "DEFAULT_NUMBER_TEMPLATE",
    "PLACEHOLDERS",
    "format_letter_number",
    "to_roman",
    "validate_number_template",
]

# 470 is the archive classification code for population administration letters.
DEFAULT_NUMBER_TEMPLATE = "470/{seq:04d}/Disdukcapil/{month_roman}/{year}"

PLACEHOLDERS: frozenset[str] = frozenset({"seq", "month_roman", "month", "year"})

_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


def to_roman(month: int) -> str:
    """Return the Roman numeral (I-XII) for a month number 1-12."""
    if not 1 <= month <= 12:
        raise ValueError(f"month {month} is not valid (1-12)")
    return _ROMAN[month - 1]


def validate_number_template(template: str) -> None:
    """Raise ValueError with a clear sentence unless template is a usable letter number template."""
    try:
        fields = [f for _, f, _, _ in string.Formatter().parse(template) if f is not None]
    except ValueError as exc:
        raise ValueError(
            f"letter number template has bad brace syntax ({exc}); "
            "write {{ and }} for literal braces"
        ) from exc
    allowed = ", ".join("{" + name + "}" for name in sorted(PLACEHOLDERS))
    for field in fields:
        # Exact names only: attribute or index access ({seq.real}, {year[0]}) and
        # positional {} are refused so a template can never reach into objects.
        if field not in PLACEHOLDERS:
            shown = "{" + field + "}"
            raise ValueError(
                f"letter number template uses unknown placeholder {shown}; use only {allowed}"
            )
    if "seq" not in fields:
        raise ValueError(
            "letter number template must contain {seq} so that every letter gets its own number"
        )
    if "year" not in fields:
        # The counter starts again each year: without the year, numbers would repeat.
        raise ValueError(
            "letter number template must contain {year}: the counter starts again every year"
        )
    try:
        _render(template, seq=1, issued_on=date(2000, 1, 1))
    except (ValueError, TypeError, KeyError, IndexError) as exc:
        raise ValueError(f"letter number template cannot be formatted: {exc}") from exc


def _render(template: str, *, seq: int, issued_on: date) -> str:
    return template.format(
        seq=seq,
        month_roman=to_roman(issued_on.month),
        month=issued_on.month,
        year=issued_on.year,
    )


def format_letter_number(template: str, *, seq: int, issued_on: date) -> str:
    """Fill a letter number template with a sequence number and issue date."""
    if seq < 1:
        raise ValueError(f"letter sequence number must be 1 or more, got {seq}")
    validate_number_template(template)
    return _render(template, seq=seq, issued_on=issued_on)
