"""KK number parsing and validation."""

from __future__ import annotations

from datetime import date

import pytest

from app.domain.kk import KkError, normalize_kk, parse_kk

TODAY = date(2026, 3, 15)
KNOWN = frozenset({"5371", "3171"})


def kk(
    region: str = "537104", dd: str = "15", mm: str = "06", yy: str = "12", serial: str = "0003"
) -> str:
    return region + dd + mm + yy + serial


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("5371041506120003", "5371041506120003", id="valid"),
        pytest.param("5371 0415 0612 0003", "5371041506120003", id="spaces"),
        pytest.param("53.71.04.150612.0003", "5371041506120003", id="dots"),
        pytest.param("5371-041506-12-0003", "5371041506120003", id="dashes"),
        pytest.param(kk(dd="29", mm="02"), "5371042902120003", id="29-feb-2012-leap"),
        pytest.param(kk(dd="15", mm="03", yy="26"), "5371041503260003", id="issued-today"),
        pytest.param(kk(dd="16", mm="03", yy="26"), "5371041603260003", id="1926-not-future"),
        pytest.param(kk(dd="31", mm="12", yy="99"), "5371043112990003", id="year-1999"),
    ],
)
def test_parse_valid(raw: str, expected: str) -> None:
    assert parse_kk(raw, known_regencies=KNOWN, today=TODAY) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        pytest.param("537104150612003", "KK number must have 16 digits, got 15", id="too-short"),
        pytest.param("53710415061200031", "KK number must have 16 digits, got 17", id="too-long"),
        pytest.param("53710415061200A3", "KK number must contain only the digits 0-9", id="letter"),
        pytest.param(
            "٥٣٧١٠٤١٥٠٦١٢٠٠٠٣", "KK number must contain only the digits 0-9", id="arabic-indic"
        ),
        pytest.param(
            kk(region="997104"),
            "province 99 is not a province that has ever existed",
            id="unknown-province",
        ),
        pytest.param(kk(region="537100"), "kecamatan 00", id="kecamatan-00"),
        pytest.param(kk(dd="00"), "day 00 of the issue date is not valid", id="day-00"),
        pytest.param(kk(dd="32"), "day 32 of the issue date is not valid", id="day-32"),
        pytest.param(kk(dd="55"), "no +40 on a KK", id="plus-40-day-rejected"),
        pytest.param(kk(mm="13"), "month 13 of the issue date is not valid", id="month-13"),
        pytest.param(kk(dd="31", mm="04"), "31 April 2012 does not exist", id="31-april"),
        pytest.param(
            kk(dd="29", mm="02", yy="13"), "29 February 2013 does not exist", id="29-feb-2013"
        ),
        pytest.param(kk(serial="0000"), "serial 0000 is not valid", id="serial-0000"),
    ],
)
def test_parse_invalid(raw: str, message: str) -> None:
    with pytest.raises(KkError) as excinfo:
        parse_kk(raw, known_regencies=KNOWN, today=TODAY)
    assert message in str(excinfo.value)
    assert raw not in str(excinfo.value)


def test_normalize() -> None:
    assert normalize_kk(" 5371.0415-0612 0003 ") == "5371041506120003"


def test_unknown_regency_accepted_without_known_set() -> None:
    assert parse_kk(kk(region="997104"), today=TODAY) == "9971041506120003"


def test_error_is_value_error() -> None:
    assert issubclass(KkError, ValueError)
