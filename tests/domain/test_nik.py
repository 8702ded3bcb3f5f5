"""NIK parsing, validation and agreement with the resident's record."""

from __future__ import annotations

from datetime import date

import pytest

from app.domain.nik import (
    NikError,
    NikInfo,
    check_nik_agreement,
    nik_region_warning,
    normalize_nik,
    parse_nik,
)

TODAY = date(2026, 3, 15)
KNOWN = frozenset({"5371", "3171", "1101"})


def nik(
    region: str = "537104", dd: str = "12", mm: str = "08", yy: str = "90", serial: str = "0001"
) -> str:
    return region + dd + mm + yy + serial


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param(
            "5371041208900001",
            NikInfo("5371041208900001", "537104", date(1990, 8, 12), "laki_laki", "0001"),
            id="valid-male",
        ),
        pytest.param(
            "5371045208900002",
            NikInfo("5371045208900002", "537104", date(1990, 8, 12), "perempuan", "0002"),
            id="valid-female-plus-40",
        ),
        pytest.param(
            "5371040101000001",
            NikInfo("5371040101000001", "537104", date(2000, 1, 1), "laki_laki", "0001"),
            id="day-01-year-2000",
        ),
        pytest.param(
            "5371043112990001",
            NikInfo("5371043112990001", "537104", date(1999, 12, 31), "laki_laki", "0001"),
            id="day-31-male",
        ),
        pytest.param(
            "5371044101990001",
            NikInfo("5371044101990001", "537104", date(1999, 1, 1), "perempuan", "0001"),
            id="day-41-female",
        ),
        pytest.param(
            "5371047112990001",
            NikInfo("5371047112990001", "537104", date(1999, 12, 31), "perempuan", "0001"),
            id="day-71-female",
        ),
        pytest.param(
            "5371042902960001",
            NikInfo("5371042902960001", "537104", date(1996, 2, 29), "laki_laki", "0001"),
            id="29-feb-1996-leap",
        ),
        pytest.param(
            "5371046902000001",
            NikInfo("5371046902000001", "537104", date(2000, 2, 29), "perempuan", "0001"),
            id="29-feb-2000-female-69",
        ),
        pytest.param(
            "537104 120890 0001",
            NikInfo("5371041208900001", "537104", date(1990, 8, 12), "laki_laki", "0001"),
            id="separator-spaces",
        ),
        pytest.param(
            "53.71.04.120890.0001",
            NikInfo("5371041208900001", "537104", date(1990, 8, 12), "laki_laki", "0001"),
            id="separator-dots",
        ),
        pytest.param(
            "5371-0412-0890-0001",
            NikInfo("5371041208900001", "537104", date(1990, 8, 12), "laki_laki", "0001"),
            id="separator-dashes",
        ),
        pytest.param(
            " 53.71.04-120890 0001 ",
            NikInfo("5371041208900001", "537104", date(1990, 8, 12), "laki_laki", "0001"),
            id="separator-mixed",
        ),
        pytest.param(
            "5371041208909999",
            NikInfo("5371041208909999", "537104", date(1990, 8, 12), "laki_laki", "9999"),
            id="serial-9999",
        ),
    ],
)
def test_parse_valid(raw: str, expected: NikInfo) -> None:
    assert parse_nik(raw, known_regencies=KNOWN, today=TODAY) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        pytest.param("537104120890001", "NIK must have 16 digits, got 15", id="too-short"),
        pytest.param("53710412089000011", "NIK must have 16 digits, got 17", id="too-long"),
        pytest.param("", "NIK must have 16 digits, got 0", id="empty"),
        pytest.param("5371041208900O01", "NIK must contain only the digits 0-9", id="letter-O"),
        pytest.param("537104120890000x", "NIK must contain only the digits 0-9", id="letter-x"),
        pytest.param(
            "٥٣٧١٠٤١٢٠٨٩٠٠٠٠١", "NIK must contain only the digits 0-9", id="arabic-indic-digits"
        ),
        pytest.param(
            "５３７１０４１２０８９０００１",
            "NIK must contain only the digits 0-9",
            id="fullwidth-digits",
        ),
        pytest.param(
            nik(region="997104"),
            "province 99 is not a province that has ever existed",
            id="unknown-province",
        ),
        pytest.param(nik(region="537100"), "kecamatan 00", id="kecamatan-00"),
        pytest.param(
            nik(dd="00"), "day 00 is not valid (1-31 for men, 41-71 for women)", id="day-00"
        ),
        pytest.param(
            nik(dd="32"), "day 32 is not valid (1-31 for men, 41-71 for women)", id="day-32"
        ),
        pytest.param(
            nik(dd="40"), "day 40 is not valid (1-31 for men, 41-71 for women)", id="day-40"
        ),
        pytest.param(
            nik(dd="72"), "day 72 is not valid (1-31 for men, 41-71 for women)", id="day-72"
        ),
        pytest.param(nik(dd="99"), "day 99 is not valid", id="day-99"),
        pytest.param(nik(mm="00"), "month 00 is not valid (01-12)", id="month-00"),
        pytest.param(nik(mm="13"), "month 13 is not valid (01-12)", id="month-13"),
        pytest.param(nik(dd="31", mm="04"), "31 April 1990 does not exist", id="31-april"),
        pytest.param(nik(dd="71", mm="04"), "31 April 1990 does not exist", id="31-april-female"),
        pytest.param(
            nik(dd="29", mm="02", yy="97"), "29 February 1997 does not exist", id="29-feb-1997"
        ),
        pytest.param(
            nik(dd="69", mm="02", yy="01"),
            "29 February 2001 does not exist",
            id="29-feb-2001-female",
        ),
        pytest.param(nik(dd="30", mm="02"), "30 February 1990 does not exist", id="30-feb"),
        pytest.param(nik(serial="0000"), "serial 0000 is not valid", id="serial-0000"),
    ],
)
def test_parse_invalid(raw: str, message: str) -> None:
    with pytest.raises(NikError) as excinfo:
        parse_nik(raw, known_regencies=KNOWN, today=TODAY)
    assert message in str(excinfo.value)
    # The caller prefixes a masked NIK; the message itself must never leak the number.
    if len(raw) >= 16:
        assert raw not in str(excinfo.value)


def test_unknown_regency_accepted_without_known_set() -> None:
    info = parse_nik(nik(region="997104"), today=TODAY)
    assert info.region_code == "997104"


def test_error_is_value_error() -> None:
    assert issubclass(NikError, ValueError)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("5371041208900001", "5371041208900001", id="plain"),
        pytest.param("5371 0412 0890 0001", "5371041208900001", id="spaces"),
        pytest.param("5371.0412.0890.0001", "5371041208900001", id="dots"),
        pytest.param("5371-0412-0890-0001", "5371041208900001", id="dashes"),
        pytest.param("\t5371041208900001\n", "5371041208900001", id="surrounding-whitespace"),
    ],
)
def test_normalize(raw: str, expected: str) -> None:
    assert normalize_nik(raw) == expected


@pytest.mark.parametrize(
    ("yy_mm_dd", "today", "expected_year"),
    [
        pytest.param(("26", "03", "15"), date(2026, 3, 15), 2026, id="born-today"),
        pytest.param(("26", "03", "16"), date(2026, 3, 15), 1926, id="tomorrow-is-last-century"),
        pytest.param(("25", "12", "31"), date(2026, 3, 15), 2025, id="last-year"),
        pytest.param(("27", "01", "01"), date(2026, 3, 15), 1927, id="next-year-is-1927"),
        pytest.param(("00", "01", "01"), date(2026, 3, 15), 2000, id="year-00"),
        pytest.param(("99", "12", "31"), date(2026, 3, 15), 1999, id="year-99"),
        pytest.param(("45", "08", "17"), date(2026, 3, 15), 1945, id="year-45"),
        pytest.param(("10", "06", "01"), date(2009, 1, 1), 1910, id="old-today-1910"),
    ],
)
def test_century(yy_mm_dd: tuple[str, str, str], today: date, expected_year: int) -> None:
    yy, mm, dd = yy_mm_dd
    info = parse_nik(nik(dd=dd, mm=mm, yy=yy), today=today)
    assert info.birth_date == date(expected_year, int(mm), int(dd))


def test_today_defaults_to_current_date() -> None:
    assert parse_nik("5371041208900001").birth_date == date(1990, 8, 12)


MALE = parse_nik("5371041208900001", today=TODAY)
FEMALE = parse_nik("5371045208900002", today=TODAY)


@pytest.mark.parametrize(
    ("info", "birth_date", "sex", "warns"),
    [
        pytest.param(MALE, date(1990, 8, 12), "laki_laki", False, id="male-agrees"),
        pytest.param(FEMALE, date(1990, 8, 12), "perempuan", False, id="female-agrees"),
        pytest.param(MALE, date(1890, 8, 12), "laki_laki", False, id="same-two-digit-year"),
        pytest.param(MALE, date(1990, 8, 13), "laki_laki", True, id="day-differs"),
        pytest.param(MALE, date(1990, 9, 12), "laki_laki", True, id="month-differs"),
        pytest.param(MALE, date(1991, 8, 12), "laki_laki", True, id="year-differs"),
        pytest.param(FEMALE, date(1990, 8, 13), "perempuan", True, id="female-day"),
    ],
)
def test_agreement_dates(info: NikInfo, birth_date: date, sex: str, warns: bool) -> None:
    warnings = check_nik_agreement(info, birth_date=birth_date, sex=sex)  # type: ignore[arg-type]
    if warns:
        assert len(warnings) == 1
        assert "differs from the date encoded in the NIK" in warnings[0].en
        assert info.nik not in warnings[0].en and info.nik not in warnings[0].id
    else:
        assert warnings == []


@pytest.mark.parametrize(
    ("info", "sex", "message"),
    [
        pytest.param(
            FEMALE,
            "laki_laki",
            "NIK encodes perempuan (day +40) but sex is laki_laki",
            id="female-nik-male-record",
        ),
        pytest.param(
            MALE,
            "perempuan",
            "NIK encodes laki_laki (day 1-31) but sex is perempuan",
            id="male-nik-female-record",
        ),
    ],
)
def test_agreement_sex_mismatch_is_a_warning(info: NikInfo, sex: str, message: str) -> None:
    # A NIK is never corrected in practice: the clerk sees the warning and decides.
    (warning,) = check_nik_agreement(info, birth_date=info.birth_date, sex=sex)  # type: ignore[arg-type]
    assert warning.code == "nik_sex_mismatch"
    assert message in warning.en
    assert "NIK mengodekan jenis kelamin" in warning.id


def test_sex_and_date_mismatch_give_two_warnings() -> None:
    warnings = check_nik_agreement(FEMALE, birth_date=date(1990, 8, 13), sex="laki_laki")
    assert [w.code for w in warnings] == ["nik_sex_mismatch", "nik_birth_date_mismatch"]
    assert "13 Agustus 1990" in warnings[1].id and "13 August 1990" in warnings[1].en


def test_retired_regency_from_before_the_papua_split_is_accepted() -> None:
    # 91.01 was KAB. MERAUKE in the 2016 list (93.01 today); its NIKs keep 9101.
    from app.data import known_regencies

    merauke = nik(region="910101")
    assert parse_nik(merauke, known_regencies=known_regencies(), today=TODAY).nik == merauke
    assert nik_region_warning(merauke, known_regencies=known_regencies()) is None


def test_unknown_regency_in_known_province_is_accepted_with_a_warning() -> None:
    # Kota Jayapura NIKs commonly begin 9471, a code of an older list than any shipped here.
    from app.data import known_regencies

    jayapura = nik(region="947101")
    assert parse_nik(jayapura, known_regencies=known_regencies(), today=TODAY).nik == jayapura
    warning = nik_region_warning(jayapura, known_regencies=known_regencies())
    assert warning is not None and warning.code == "nik_region_unknown"
    assert "94.71" in warning.en and "94.71" in warning.id


def test_unknown_province_is_refused_in_both_languages() -> None:
    with pytest.raises(NikError) as excinfo:
        parse_nik(nik(region="997104"), known_regencies=KNOWN, today=TODAY)
    assert excinfo.value.message.code == "unknown_province"
    assert "provinsi 99" in excinfo.value.message.id


def test_every_nik_error_has_both_texts() -> None:
    from app.domain.messages import TEXTS

    for code, (text_id, text_en) in TEXTS.items():
        assert text_id.strip() and text_en.strip(), code
        assert text_id != text_en, code
