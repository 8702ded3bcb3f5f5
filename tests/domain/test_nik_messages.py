"""The sentences a clerk reads when a NIK is refused or disagrees with the record: each
names what is wrong, in full, and never repeats the number."""

from __future__ import annotations

import string
from datetime import date

import pytest

from app.domain.kk import KkError, parse_kk
from app.domain.nik import NikError, check_nik_agreement, normalize_nik, parse_nik

TODAY = date(2026, 3, 15)


@pytest.mark.parametrize("value", [5371041208900001, None, b"5371041208900001"])
def test_a_nik_that_is_not_text_is_refused_by_its_type(value: object) -> None:
    with pytest.raises(NikError) as excinfo:
        normalize_nik(value)  # type: ignore[arg-type]
    assert str(excinfo.value) == f"NIK must be text, got {type(value).__name__}"


@pytest.mark.parametrize("letter", list(string.ascii_letters))
def test_every_latin_letter_is_refused_in_place_of_a_digit(letter: str) -> None:
    raw = "537104120890000" + letter
    with pytest.raises(NikError) as excinfo:
        parse_nik(raw, today=TODAY)
    assert str(excinfo.value) == f"NIK must contain only the digits 0-9 (found {letter!r})"


def test_kecamatan_00_names_the_region_it_was_found_in() -> None:
    with pytest.raises(NikError) as excinfo:
        parse_nik("5371001208900001", today=TODAY)
    assert str(excinfo.value) == (
        "kecamatan 00 in region 53.71 is not valid (kecamatan codes start at 01)"
    )


def test_kecamatan_00_on_a_kk_reads_the_same() -> None:
    with pytest.raises(KkError) as excinfo:
        parse_kk("1101001506120003", today=TODAY)
    assert str(excinfo.value) == (
        "kecamatan 00 in region 11.01 is not valid (kecamatan codes start at 01)"
    )


def test_serial_0000_is_refused_in_one_plain_sentence() -> None:
    with pytest.raises(NikError) as excinfo:
        parse_nik("5371041208900000", today=TODAY)
    assert str(excinfo.value) == "serial 0000 is not valid"


@pytest.mark.parametrize(
    ("nik", "record_birth_date", "record_text", "nik_text"),
    [
        pytest.param(
            "5371041208900001", date(1990, 8, 13), "13 August 1990", "12 August 1990", id="august"
        ),
        pytest.param(
            "5371043112990001",
            date(1999, 1, 31),
            "31 January 1999",
            "31 December 1999",
            id="january-vs-december",
        ),
        pytest.param(
            "5371044101990001",
            date(1999, 12, 1),
            "1 December 1999",
            "1 January 1999",
            id="december-vs-january-female",
        ),
    ],
)
def test_a_birth_date_that_differs_from_the_nik_is_a_full_warning(
    nik: str, record_birth_date: date, record_text: str, nik_text: str
) -> None:
    info = parse_nik(nik, today=TODAY)
    warnings = check_nik_agreement(info, birth_date=record_birth_date, sex=info.sex)
    assert [(w.code, w.en) for w in warnings] == [
        (
            "nik_birth_date_mismatch",
            f"birth date {record_text} differs from the date encoded in the NIK ({nik_text}); "
            "check the birth date, or keep it if it was corrected after the NIK was issued",
        )
    ]
    assert warnings[0].id.startswith("tanggal lahir ")
