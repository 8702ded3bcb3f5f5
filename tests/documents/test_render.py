"""Tests for rendering the SKK letter PDF."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pypdf
import pypdfium2
import pytest
import zxingcpp

from app.documents.render import (
    INFO_KEY_LETTER_NUMBER,
    INFO_KEY_VERIFICATION_TOKEN,
    LetterContent,
    format_nip,
    render_letter,
)

from .conftest import BASE_CONTENT

# Pinned so that layout changes are deliberate: if you changed the layout on
# purpose (or upgraded reportlab), look at the rendered PDF, then update this.
PINNED_SHA256 = "ed1c8247606bfdf2f9f3f83f15eb70b90ec6ace5fbb7e24e05902ad4587f07e2"


def _text(pdf: bytes) -> str:
    """Page text with all whitespace runs collapsed to single spaces."""
    page = pypdf.PdfReader(io.BytesIO(pdf)).pages[0]
    return " ".join(page.extract_text().split())


def test_render_is_deterministic() -> None:
    assert render_letter(BASE_CONTENT) == render_letter(BASE_CONTENT)


def test_render_matches_pinned_hash() -> None:
    assert hashlib.sha256(render_letter(BASE_CONTENT)).hexdigest() == PINNED_SHA256


def test_render_is_one_a4_page() -> None:
    reader = pypdf.PdfReader(io.BytesIO(render_letter(BASE_CONTENT)))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)


def test_text_contains_resident_and_letter_data() -> None:
    text = _text(render_letter(BASE_CONTENT))
    for expected in (
        "PEMERINTAH KOTA KUPANG",
        "DINAS KEPENDUDUKAN DAN PENCATATAN SIPIL",
        "SURAT KETERANGAN KEPENDUDUKAN",
        "Nomor: 470/0001/SKK/III/2026",
        "5371041203900001",
        "MARIA FERNANDEZ DA COSTA",
        "KUPANG, 12 Maret 1990",
        "PEREMPUAN",
        "TIDAK TAHU",
        "005/002",
        "KATOLIK",
        "CERAI HIDUP",
        "WNI",
        "Surat keterangan ini dipergunakan untuk: Pendaftaran sekolah anak.",
        "berlaku sampai dengan 12 September 2026",
        "Kupang, 12 Maret 2026",
        "NIP. 19700101 199003 1 001",
        "Ditandatangani secara elektronik",
        "pengganti KTP-el untuk keperluan administrasi",
    ):
        assert expected in text, expected


def test_unicode_name_prints_exactly(make_content: Callable[..., LetterContent]) -> None:
    text = _text(render_letter(make_content(full_name="NGUYỄN THỊ ŁUCJA")))
    assert "NGUYỄN THỊ ŁUCJA" in text


def test_wording_not_recorded(make_content: Callable[..., LetterContent]) -> None:
    text = _text(render_letter(make_content(wording="not_recorded")))
    assert "wajib memiliki KTP-el" in text
    assert "belum melakukan perekaman data KTP-el" in text
    assert "dalam proses pencetakan/penerbitan" not in text


def test_wording_in_process(make_content: Callable[..., LetterContent]) -> None:
    text = _text(render_letter(make_content(wording="in_process")))
    assert "telah melakukan perekaman data KTP-el" in text
    assert "dalam proses pencetakan/penerbitan" in text
    assert "belum melakukan perekaman" not in text


def test_unknown_wording_is_rejected(make_content: Callable[..., LetterContent]) -> None:
    with pytest.raises(ValueError, match="wording"):
        render_letter(make_content(wording="lost_card"))


@pytest.mark.parametrize(
    ("field", "code", "label"),
    [
        ("sex", "laki_laki", "LAKI-LAKI"),
        ("religion", "islam", "ISLAM"),
        ("religion", "khonghucu", "KHONGHUCU"),
        ("religion", "kepercayaan", "KEPERCAYAAN"),
        ("marital_status", "belum_kawin", "BELUM KAWIN"),
        ("marital_status", "cerai_mati", "CERAI MATI"),
        ("blood_type", "AB+", "AB+"),
    ],
)
def test_enum_codes_print_as_labels(
    make_content: Callable[..., LetterContent], field: str, code: str, label: str
) -> None:
    assert f": {label}" in _text(render_letter(make_content(**{field: code})))


def test_development_warning_only_for_development_signature(
    make_content: Callable[..., LetterContent],
) -> None:
    warning = "TANDA TANGAN PENGEMBANGAN — TIDAK SAH"
    assert warning in _text(render_letter(make_content(development_signature=True)))
    assert warning not in _text(render_letter(make_content(development_signature=False)))
    assert "TIDAK SAH" not in _text(render_letter(make_content(development_signature=False)))


def test_info_dictionary_carries_token_and_number() -> None:
    info = pypdf.PdfReader(io.BytesIO(render_letter(BASE_CONTENT))).metadata
    assert info is not None
    assert info["/" + INFO_KEY_VERIFICATION_TOKEN] == BASE_CONTENT.verification_token
    assert info["/" + INFO_KEY_LETTER_NUMBER] == BASE_CONTENT.number
    assert info["/CreationDate"] == "D:20260312"


def test_qr_code_decodes_to_verification_url(make_content: Callable[..., LetterContent]) -> None:
    url = "https://skk.example.go.id/verifikasi/Zx9-Qw_8Lm3Np7Rt2Vb6Yc"
    pdf = render_letter(make_content(verification_url=url))
    image = pypdfium2.PdfDocument(pdf)[0].render(scale=200 / 72).to_pil()
    results = zxingcpp.read_barcodes(image)
    assert [r.text for r in results] == [url]
    assert results[0].format == zxingcpp.BarcodeFormat.QRCode


def test_concurrent_renders_match_sequential(make_content: Callable[..., LetterContent]) -> None:
    # Distinct non-ASCII letters give each letter its own font subset, so the
    # subsetting code runs concurrently too.
    contents = [
        make_content(full_name=f"PENDUDUK {chr(0x100 + i)} NOMOR {i}", nik=f"{i:016d}")
        for i in range(24)
    ]
    expected = [render_letter(c) for c in contents]
    with ThreadPoolExecutor(8) as pool:
        assert list(pool.map(render_letter, contents)) == expected


def test_overlong_content_is_rejected(make_content: Callable[..., LetterContent]) -> None:
    with pytest.raises(ValueError, match="one page"):
        render_letter(make_content(purpose="keperluan administrasi " * 150))


@pytest.mark.parametrize(
    ("raw", "formatted"),
    [
        ("197001011990031001", "19700101 199003 1 001"),
        ("198512312010122002", "19851231 201012 2 002"),
        ("19700101 199003 1 001", "19700101 199003 1 001"),
        ("12345", "12345"),
        ("", ""),
        ("19700101199003100X", "19700101199003100X"),
    ],
)
def test_format_nip(raw: str, formatted: str) -> None:
    assert format_nip(raw) == formatted
