"""Letter number templates."""

from __future__ import annotations

from datetime import date

import pytest

from app.domain.numbering import (
    DEFAULT_NUMBER_TEMPLATE,
    format_letter_number,
    to_roman,
    validate_number_template,
)


def test_default_template() -> None:
    assert DEFAULT_NUMBER_TEMPLATE == "470/{seq:04d}/Disdukcapil/{month_roman}/{year}"
    number = format_letter_number(DEFAULT_NUMBER_TEMPLATE, seq=7, issued_on=date(2026, 3, 1))
    assert number == "470/0007/Disdukcapil/III/2026"


@pytest.mark.parametrize(
    ("month", "roman"),
    [
        pytest.param(m, r, id=r)
        for m, r in enumerate(
            ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"], start=1
        )
    ],
)
def test_to_roman(month: int, roman: str) -> None:
    assert to_roman(month) == roman


@pytest.mark.parametrize("month", [pytest.param(m, id=str(m)) for m in (0, 13, -1)])
def test_to_roman_out_of_range(month: int) -> None:
    with pytest.raises(ValueError, match=f"month {month} is not valid"):
        to_roman(month)


@pytest.mark.parametrize(
    ("template", "seq", "issued_on", "expected"),
    [
        pytest.param("{seq}/{year}", 12345, date(2026, 12, 31), "12345/2026", id="bare-seq"),
        pytest.param(
            "SKK-{year}-{month:02d}-{seq:05d}",
            42,
            date(2026, 2, 3),
            "SKK-2026-02-00042",
            id="padded-month",
        ),
        pytest.param(
            "474.4/{seq}/{month}/{year}", 3, date(2025, 11, 3), "474.4/3/11/2025", id="plain-month"
        ),
        pytest.param(
            "{year}/{month_roman}/{seq:03d}", 9, date(2025, 12, 1), "2025/XII/009", id="reordered"
        ),
        pytest.param(
            "{{KTP}}/{seq:04d}/{year}", 1, date(2025, 1, 1), "{KTP}/0001/2025", id="escaped-braces"
        ),
        pytest.param(
            "{seq:04d}-{year}", 123456, date(2025, 1, 1), "123456-2025", id="seq-wider-than-pad"
        ),
    ],
)
def test_custom_templates(template: str, seq: int, issued_on: date, expected: str) -> None:
    validate_number_template(template)
    assert format_letter_number(template, seq=seq, issued_on=issued_on) == expected


@pytest.mark.parametrize(
    ("template", "message"),
    [
        pytest.param("470/Disdukcapil/{year}", "must contain {seq}", id="missing-seq"),
        pytest.param("470/{seq:04d}/Disdukcapil", "must contain {year}", id="missing-year"),
        pytest.param("", "must contain {seq}", id="empty"),
        pytest.param("{seq}/{day}", "unknown placeholder {day}", id="unknown-placeholder"),
        pytest.param("{seq}/{}", "unknown placeholder {}", id="positional"),
        pytest.param("{seq}/{0}", "unknown placeholder {0}", id="numbered"),
        pytest.param("{seq.real}", "unknown placeholder {seq.real}", id="attribute-access"),
        pytest.param("{seq}/{year[0]}", "unknown placeholder {year[0]}", id="index-access"),
        pytest.param("{seq", "bad brace syntax", id="unclosed-brace"),
        pytest.param("{seq}}", "bad brace syntax", id="stray-closing-brace"),
        pytest.param("{seq:04q}/{year}", "cannot be formatted", id="bad-format-spec"),
        pytest.param("{seq}/{month_roman:d}/{year}", "cannot be formatted", id="roman-as-int"),
    ],
)
def test_invalid_templates(template: str, message: str) -> None:
    with pytest.raises(ValueError) as excinfo:
        validate_number_template(template)
    assert message in str(excinfo.value)
    with pytest.raises(ValueError):
        format_letter_number(template, seq=1, issued_on=date(2026, 1, 1))


def test_seq_must_be_positive() -> None:
    with pytest.raises(ValueError, match="1 or more"):
        format_letter_number(DEFAULT_NUMBER_TEMPLATE, seq=0, issued_on=date(2026, 1, 1))
