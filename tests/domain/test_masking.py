"""Masking of NIK and KK numbers."""

from __future__ import annotations

import pytest

from app.domain.masking import mask_kk, mask_nik, mask_public_text, mask_text_niks


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("5371041208900001", "537104******0001", id="plain"),
        pytest.param("5371 0412 0890 0001", "537104******0001", id="with-separators"),
        pytest.param("12345", "*****", id="too-short-hidden"),
        pytest.param("53710412089000AB", "****************", id="letters-hidden"),
        pytest.param("", "", id="empty"),
    ],
)
def test_mask_nik(raw: str, expected: str) -> None:
    assert mask_nik(raw) == expected


def test_mask_nik_length() -> None:
    assert len(mask_nik("5371041208900001")) == 16


def test_mask_kk() -> None:
    assert mask_kk("5371041506120003") == "537104******0003"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "resident 5371041208900001 not found",
            "resident 537104******0001 not found",
            id="one",
        ),
        pytest.param(
            "nik=5371041208900001,kk=5371041506120003",
            "nik=537104******0001,kk=537104******0003",
            id="two",
        ),
        pytest.param(
            "/residents/5371041208900001/letters",
            "/residents/537104******0001/letters",
            id="in-path",
        ),
        pytest.param("order 123456789012345", "order 123456789012345", id="fifteen-untouched"),
        pytest.param("id 53710412089000012 x", "id 53710412089000012 x", id="seventeen-untouched"),
        pytest.param("no numbers here", "no numbers here", id="no-digits"),
        pytest.param("NIK5371041208900001A", "NIK537104******0001A", id="letters-around"),
        pytest.param(
            "/residents/5371.0412.0890.0001 x 5371-0412 0890-0001",
            "/residents/537104******0001 x 537104******0001",
            id="with-separators",
        ),
        pytest.param("2026-11-28 17:00:01", "2026-11-28 17:00:01", id="timestamp-untouched"),
    ],
)
def test_mask_text_niks(text: str, expected: str) -> None:
    assert mask_text_niks(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "5371--0412--0890--0001",
        "5371\t0412\t0890\t0001",
        "5371   0412   0890   0001",
        "5371\u00a00412\u20030890\u30000001",
        "5371/0412/0890/0001",
        "5371. 0412. 0890. 0001",
        "5_3_7_1_0_4_1_2_0_8_9_0_0_0_0_1",
        "\uff15\uff13\uff17\uff11\uff10\uff14\uff11\uff12\uff10\uff18\uff19\uff10\uff10\uff10\uff10\uff11",
        "".join(chr(0x0660 + int(d)) for d in "5371041208900001"),
    ],
    ids=[
        "double-dash",
        "tabs",
        "several-spaces",
        "unicode-spaces",
        "slashes",
        "dot-space",
        "underscores",
        "full-width",
        "arabic-indic",
    ],
)
def test_mask_text_niks_whatever_the_separators(text: str) -> None:
    masked = mask_text_niks(f"nik={text};")
    assert masked == "nik=537104******0001;"


def test_mask_text_niks_leaves_ordinary_numbers_alone() -> None:
    for text in ("2026-11-30T04:19:59.123+00:00", "1,234,567", "req 42 took 12.5 ms", "v1.2.3"):
        assert mask_text_niks(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "Salah orang, seharusnya NIK 5371041208900001",
            "Salah orang, seharusnya NIK 537104******0001",
            id="nik",
        ),
        pytest.param(
            "NIK 5371.0412.0890.0001 / KK 5371-0415-0612-0003",
            "NIK 537104******0001 / KK 537104******0003",
            id="nik-and-kk-with-separators",
        ),
        pytest.param("NIK 5371 0412 0890 0001.", "NIK 537104******0001.", id="nik-spaces"),
        pytest.param("hubungi 081234567890", "hubungi ************", id="phone-08"),
        pytest.param("hubungi 0812-3456-7890", "hubungi ****-****-****", id="phone-dashes"),
        pytest.param("telp. 0812 3456 789", "telp. **** **** ***", id="phone-spaces"),
        pytest.param("WA +62 812-3456-7890", "WA +** ***-****-****", id="phone-plus62"),
        pytest.param("WA +6281234567890", "WA +*************", id="phone-plus62-plain"),
        pytest.param("kantor (0380) 821-2345", "kantor (****) ***-****", id="phone-area-code"),
        pytest.param("nomor 123.456.789", "nomor ***.***.***", id="nine-digits-dots"),
        pytest.param("nomor 12345678", "nomor 12345678", id="eight-digits-kept"),
        pytest.param(
            "Surat 470/0001/Disdukcapil/III/2026 salah cetak",
            "Surat 470/0001/Disdukcapil/III/2026 salah cetak",
            id="letter-number-kept",
        ),
        pytest.param("pada 2026-03-12", "pada 2026-03-12", id="date-kept"),
        pytest.param("Diterbitkan untuk penduduk yang salah", None, id="no-numbers"),
        pytest.param("", None, id="empty"),
        pytest.param(
            "nik５３７１０４１２０８９０００１", None, id="fifteen-fullwidth-digits-not-a-nik"
        ),
        pytest.param(
            "nik５３７１０４１２０８９００００１",
            "nik537104******0001",
            id="sixteen-fullwidth-digits-a-nik",
        ),
    ],
)
def test_mask_public_text(text: str, expected: str | None) -> None:
    assert mask_public_text(text) == (text if expected is None else expected)
