"""The full sentence a clerk reads, in Indonesian and in English, for every NIK and KK refusal
and warning: the label (NIK / nomor KK), the date and the sex are spelled in each language."""

from __future__ import annotations

from datetime import date

import pytest

from app.domain._digits import check_region, normalize_16
from app.domain.kk import KkError, parse_kk
from app.domain.messages import CodedError, Message
from app.domain.nik import NikError, check_nik_agreement, nik_region_warning, parse_nik

TODAY = date(2026, 3, 15)
KNOWN = frozenset({"5371", "5301"})

# (case, raw, code, Indonesian, English); "{L}" / "{L_ID}" stand for the number's name.
_STRUCTURE = [
    (
        "not text",
        5371041208900001,
        "not_text",
        "{L_ID} harus berupa teks",
        "{L} must be text, got int",
    ),
    (
        "too short",
        "537104120890001",
        "wrong_length",
        "{L_ID} harus 16 digit, yang diisi 15 digit",
        "{L} must have 16 digits, got 15",
    ),
    (
        "too long",
        "53.7104.1208.9000.01.2",
        "wrong_length",
        "{L_ID} harus 16 digit, yang diisi 17 digit",
        "{L} must have 16 digits, got 17",
    ),
    (
        "a letter",
        "537104120890000A",
        "not_digit",
        "{L_ID} hanya boleh berisi angka 0-9 (ditemukan 'A')",
        "{L} must contain only the digits 0-9 (found 'A')",
    ),
    (
        "an Arabic-Indic digit",
        "537104120890000\u0661",
        "non_latin_digit",
        "{L_ID} hanya boleh berisi angka 0-9 (ditemukan angka non-Latin '\u0661'; "
        "ketik ulang dengan 0-9)",
        "{L} must contain only the digits 0-9 (found the non-Latin digit '\u0661'; "
        "retype it with 0-9)",
    ),
    (
        "a province that never existed",
        "9971041208900001",
        "unknown_province",
        "kode provinsi 99 pada {L_ID} tidak pernah ada",
        "province 99 is not a province that has ever existed",
    ),
    (
        "kecamatan 00",
        "5371001208900001",
        "kecamatan_00",
        "kode kecamatan 00 di wilayah 53.71 tidak sah (kode kecamatan mulai dari 01)",
        "kecamatan 00 in region 53.71 is not valid (kecamatan codes start at 01)",
    ),
    (
        "31 February",
        "5371043102900001",
        "date_not_exist",
        "tanggal 31 Februari 1990 tidak ada",
        "31 February 1990 does not exist",
    ),
    (
        "31 April",
        "5371043104900001",
        "date_not_exist",
        "tanggal 31 April 1990 tidak ada",
        "31 April 1990 does not exist",
    ),
    (
        "serial 0000",
        "5371041208900000",
        "serial_0000",
        "nomor urut 0000 tidak sah",
        "serial 0000 is not valid",
    ),
]

_NIK_ONLY = [
    (
        "day 32",
        "5371043208900001",
        "nik_day",
        "tanggal 32 pada NIK tidak sah (1-31 untuk laki-laki, 41-71 untuk perempuan)",
        "day 32 is not valid (1-31 for men, 41-71 for women)",
    ),
    (
        "day 00",
        "5371040008900001",
        "nik_day",
        "tanggal 00 pada NIK tidak sah (1-31 untuk laki-laki, 41-71 untuk perempuan)",
        "day 00 is not valid (1-31 for men, 41-71 for women)",
    ),
    (
        "month 13",
        "5371041213900001",
        "nik_month",
        "bulan 13 pada NIK tidak sah (01-12)",
        "month 13 is not valid (01-12)",
    ),
    (
        "a woman born 31 February",
        "5371047102900001",
        "date_not_exist",
        "tanggal 31 Februari 1990 tidak ada",
        "31 February 1990 does not exist",
    ),
]

_KK_ONLY = [
    (
        "day 41 (no +40 on a KK)",
        "5371044108900001",
        "kk_day",
        "tanggal 41 pada tanggal terbit KK tidak sah (01-31, tanpa tambahan 40)",
        "day 41 of the issue date is not valid (01-31, no +40 on a KK)",
    ),
    (
        "month 00",
        "5371041200900001",
        "kk_month",
        "bulan 00 pada tanggal terbit KK tidak sah (01-12)",
        "month 00 of the issue date is not valid (01-12)",
    ),
]


def _cases(rows: list[tuple], label: str, label_id: str) -> list:
    return [
        pytest.param(
            raw,
            code,
            text_id.replace("{L_ID}", label_id),
            text_en.replace("{L}", label),
            id=case,
        )
        for case, raw, code, text_id, text_en in rows
    ]


def _assert_message(msg: Message, code: str, text_id: str, text_en: str) -> None:
    assert (msg.code, msg.id, msg.en) == (code, text_id, text_en)
    assert msg.as_dict() == {"id": text_id, "en": text_en}


@pytest.mark.parametrize(
    ("raw", "code", "text_id", "text_en"), _cases(_STRUCTURE + _NIK_ONLY, "NIK", "NIK")
)
def test_each_nik_refusal_reads_in_full_in_both_languages(
    raw: object, code: str, text_id: str, text_en: str
) -> None:
    with pytest.raises(NikError) as excinfo:
        parse_nik(raw, known_regencies=KNOWN, today=TODAY)  # type: ignore[arg-type]
    _assert_message(excinfo.value.message, code, text_id, text_en)
    assert str(excinfo.value) == text_en


@pytest.mark.parametrize(
    ("raw", "code", "text_id", "text_en"),
    _cases(_STRUCTURE + _KK_ONLY, "KK number", "nomor KK"),
)
def test_each_kk_refusal_reads_in_full_in_both_languages(
    raw: object, code: str, text_id: str, text_en: str
) -> None:
    with pytest.raises(KkError) as excinfo:
        parse_kk(raw, known_regencies=KNOWN, today=TODAY)  # type: ignore[arg-type]
    _assert_message(excinfo.value.message, code, text_id, text_en)
    assert str(excinfo.value) == text_en


def test_a_kk_issued_after_today_is_refused_with_its_date_in_both_languages() -> None:
    # Only a clock before 2000 can see a two-digit year land in the future: 15 Dec 99 on
    # 1 Jun 1999 is 15 December 1999, which has not happened yet.
    with pytest.raises(KkError) as excinfo:
        parse_kk("5371041512990001", known_regencies=KNOWN, today=date(1999, 6, 1))
    _assert_message(
        excinfo.value.message,
        "kk_future",
        "tanggal terbit KK 15 Desember 1999 belum terjadi",
        "issue date 15 December 1999 is in the future",
    )


def test_a_kk_issued_today_is_accepted() -> None:
    assert parse_kk("5371041512990001", today=date(1999, 12, 15)) == "5371041512990001"


_REGION_UNKNOWN_ID = (
    "kode kabupaten/kota 53.99 pada NIK tidak ada dalam daftar wilayah yang dikenal "
    "(provinsinya dikenal); periksa NIK, atau biarkan bila NIK memang diterbitkan dengan "
    "kode wilayah lama"
)
_REGION_UNKNOWN_EN = (
    "kabupaten/kota 53.99 of the NIK is in no region list known here (its province is); "
    "check the NIK, or keep it if it was issued under an old region code"
)


def test_a_nik_from_an_unknown_regency_of_a_known_province_is_accepted_with_a_warning() -> None:
    nik = "5399041208900001"
    assert parse_nik(nik, known_regencies=KNOWN, today=TODAY).region_code == "539904"
    warning = nik_region_warning(nik, known_regencies=KNOWN)
    assert warning is not None
    _assert_message(warning, "nik_region_unknown", _REGION_UNKNOWN_ID, _REGION_UNKNOWN_EN)
    assert nik_region_warning("5371041208900001", known_regencies=KNOWN) is None


@pytest.mark.parametrize(
    ("nik", "code", "text_id", "text_en"),
    [
        pytest.param(
            "9971041208900001",
            "unknown_province",
            "kode provinsi 99 pada NIK tidak pernah ada",
            "province 99 is not a province that has ever existed",
            id="unknown province",
        ),
        pytest.param(
            "5371001208900001",
            "kecamatan_00",
            "kode kecamatan 00 di wilayah 53.71 tidak sah (kode kecamatan mulai dari 01)",
            "kecamatan 00 in region 53.71 is not valid (kecamatan codes start at 01)",
            id="kecamatan 00",
        ),
    ],
)
def test_the_region_warning_refuses_a_nik_whose_region_is_invalid(
    nik: str, code: str, text_id: str, text_en: str
) -> None:
    with pytest.raises(NikError) as excinfo:
        nik_region_warning(nik, known_regencies=KNOWN)
    _assert_message(excinfo.value.message, code, text_id, text_en)


def test_a_number_without_an_indonesian_name_keeps_its_own_name_in_both_languages() -> None:
    with pytest.raises(CodedError) as excinfo:
        normalize_16("12-34", label="NPWP", error=CodedError)
    _assert_message(
        excinfo.value.message,
        "wrong_length",
        "NPWP harus 16 digit, yang diisi 4 digit",
        "NPWP must have 16 digits, got 4",
    )
    with pytest.raises(CodedError) as excinfo:
        check_region("9971041208900001", known_regencies=KNOWN, label="NPWP", error=CodedError)
    _assert_message(
        excinfo.value.message,
        "unknown_province",
        "kode provinsi 99 pada NPWP tidak pernah ada",
        "province 99 is not a province that has ever existed",
    )


_SEX_ID_TAIL = "; periksa jenis kelamin, atau biarkan bila NIK memang diterbitkan demikian"
_SEX_EN_TAIL = "; check the sex, or keep it if the NIK was issued that way"
_MALE_NIK = "5371041208900001"  # laki-laki, 12 August 1990
_FEMALE_NIK = "5371045208900001"  # perempuan, 12 August 1990 (day 52 = 12 + 40)


@pytest.mark.parametrize(
    ("nik", "sex", "text_id", "text_en"),
    [
        pytest.param(
            _MALE_NIK,
            "perempuan",
            "NIK mengodekan jenis kelamin laki-laki (tanggal 1-31), tetapi jenis kelamin "
            "tercatat perempuan" + _SEX_ID_TAIL,
            "NIK encodes laki_laki (day 1-31) but sex is perempuan" + _SEX_EN_TAIL,
            id="male NIK, recorded female",
        ),
        pytest.param(
            _FEMALE_NIK,
            "laki_laki",
            "NIK mengodekan jenis kelamin perempuan (tanggal +40), tetapi jenis kelamin "
            "tercatat laki-laki" + _SEX_ID_TAIL,
            "NIK encodes perempuan (day +40) but sex is laki_laki" + _SEX_EN_TAIL,
            id="female NIK, recorded male",
        ),
        pytest.param(
            _MALE_NIK,
            "L",
            "NIK mengodekan jenis kelamin laki-laki (tanggal 1-31), tetapi jenis kelamin "
            "tercatat L" + _SEX_ID_TAIL,
            "NIK encodes laki_laki (day 1-31) but sex is L" + _SEX_EN_TAIL,
            id="a sex code outside the table is shown as given",
        ),
    ],
)
def test_a_sex_mismatch_warns_in_full_in_both_languages(
    nik: str, sex: str, text_id: str, text_en: str
) -> None:
    info = parse_nik(nik, today=TODAY)
    warnings = check_nik_agreement(info, birth_date=date(1990, 8, 12), sex=sex)  # type: ignore[arg-type]
    assert len(warnings) == 1
    _assert_message(warnings[0], "nik_sex_mismatch", text_id, text_en)


def test_a_birth_date_mismatch_warns_in_full_in_both_languages() -> None:
    info = parse_nik(_FEMALE_NIK, today=TODAY)
    warnings = check_nik_agreement(info, birth_date=date(1990, 9, 3), sex="perempuan")
    assert len(warnings) == 1
    _assert_message(
        warnings[0],
        "nik_birth_date_mismatch",
        "tanggal lahir 3 September 1990 berbeda dengan tanggal pada NIK (12 Agustus 1990); "
        "periksa tanggal lahir, atau biarkan bila tanggal itu dikoreksi setelah NIK diterbitkan",
        "birth date 3 September 1990 differs from the date encoded in the NIK (12 August 1990); "
        "check the birth date, or keep it if it was corrected after the NIK was issued",
    )


def test_both_mismatches_warn_sex_first() -> None:
    info = parse_nik(_MALE_NIK, today=TODAY)
    warnings = check_nik_agreement(info, birth_date=date(1991, 1, 2), sex="perempuan")
    assert [w.code for w in warnings] == ["nik_sex_mismatch", "nik_birth_date_mismatch"]
    assert "12 Agustus 1990" in warnings[1].id
    assert "2 Januari 1991" in warnings[1].id


def test_an_agreeing_record_has_no_warning() -> None:
    info = parse_nik(_FEMALE_NIK, today=TODAY)
    assert check_nik_agreement(info, birth_date=date(1990, 8, 12), sex="perempuan") == []
