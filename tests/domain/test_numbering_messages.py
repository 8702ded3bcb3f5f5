"""What an administrator reads when the letter number template (SKK_LETTER_NUMBER_FORMAT)
is refused: the whole sentence, with the placeholders they may use."""

from __future__ import annotations

import pytest

from app.domain.numbering import validate_number_template


def _refusal(template: str) -> str:
    with pytest.raises(ValueError) as excinfo:
        validate_number_template(template)
    return str(excinfo.value)


def test_an_unknown_placeholder_is_named_with_the_ones_allowed() -> None:
    assert _refusal("{seq}/{tahun}") == (
        "letter number template uses unknown placeholder {tahun}; "
        "use only {month}, {month_roman}, {seq}, {year}"
    )


def test_bad_braces_say_how_to_write_a_literal_brace() -> None:
    message = _refusal("{seq}/{year")
    assert message.startswith("letter number template has bad brace syntax (")
    assert message.endswith("); write {{ and }} for literal braces")


def test_a_template_without_seq_says_why_it_is_needed() -> None:
    assert _refusal("470/{year}") == (
        "letter number template must contain {seq} so that every letter gets its own number"
    )


def test_a_template_without_year_says_why_it_is_needed() -> None:
    assert _refusal("470/{seq}") == (
        "letter number template must contain {year}: the counter starts again every year"
    )
