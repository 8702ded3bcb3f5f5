"""Tests for rendering the SKK letter PDF."""

from __future__ import annotations

import dataclasses
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
PINNED_SHA256 = "c20dae5177946a1744d0c5b45086068c2a1539fe7150cfa317c376135582ed10"


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
        "Golongan Darah : -",
        "005/002",
        "KATOLIK",
        "CERAI HIDUP",
        "WNI",
        "Surat keterangan ini dipergunakan untuk: Pendaftaran sekolah anak.",
        "berlaku sampai dengan 12 September 2026",
        "Kupang, 12 Maret 2026",
        "NIP. 19700101 199003 1 001",
        "Ditandatangani secara elektronik",
        "bukan pengganti KTP-el",
    ):
        assert expected in text, expected


def test_unicode_name_prints_exactly(make_content: Callable[..., LetterContent]) -> None:
    text = _text(render_letter(make_content(full_name="NGUYỄN THỊ ŁUCJA")))
    assert "NGUYỄN THỊ ŁUCJA" in text


REGISTERED = (
    "terdaftar dalam database kependudukan Dinas Kependudukan dan Pencatatan Sipil Kota Kupang "
    "dan telah memenuhi syarat wajib memiliki KTP-el"
)
SUBSTITUTE = (
    "Surat keterangan ini berlaku sebagai pengganti KTP-el untuk keperluan administrasi "
    "kependudukan dan pelayanan publik."
)


@pytest.mark.parametrize(
    ("wording", "says", "never_says"),
    [
        pytest.param(
            "not_recorded",
            [
                "belum melakukan perekaman KTP-el.",
                "Surat keterangan ini merupakan bukti bahwa yang bersangkutan terdaftar sebagai "
                "penduduk, dan bukan pengganti KTP-el.",
            ],
            [SUBSTITUTE, "telah melakukan perekaman"],
            id="not-recorded",
        ),
        pytest.param(
            "in_process",
            [
                "Yang bersangkutan telah melakukan perekaman KTP-el dan data sedang diproses.",
                SUBSTITUTE,
            ],
            ["belum melakukan perekaman", "pencetakan", "dapat diambil"],
            id="in-process",
        ),
        pytest.param(
            "being_printed",
            [
                "telah melakukan perekaman KTP-el dan KTP-el yang bersangkutan sedang dalam "
                "proses pencetakan.",
                SUBSTITUTE,
            ],
            ["data sedang diproses", "dapat diambil"],
            id="being-printed",
        ),
        pytest.param(
            "ready_to_collect",
            [
                "KTP-el yang bersangkutan telah selesai dicetak dan dapat diambil di Dinas "
                "Kependudukan dan Pencatatan Sipil Kota Kupang, Jl. Timor Raya No. 123",
                SUBSTITUTE,
            ],
            ["data sedang diproses", "proses pencetakan"],
            id="ready-to-collect",
        ),
    ],
)
def test_wording_by_status(
    make_content: Callable[..., LetterContent],
    wording: str,
    says: list[str],
    never_says: list[str],
) -> None:
    text = _text(render_letter(make_content(wording=wording)))
    assert REGISTERED in text
    for sentence in says:
        assert sentence in text, sentence
    for sentence in never_says:
        assert sentence not in text, sentence
    # The old wording: no "telah wajib memiliki", no open-ended validity beside the end date.
    assert "telah wajib memiliki" not in text
    assert "selama KTP-el" not in text
    assert "berlaku sampai dengan 12 September 2026." in text


def test_ready_to_collect_names_the_configured_place(
    make_content: Callable[..., LetterContent],
) -> None:
    content = make_content(
        wording="ready_to_collect", collection_place="Kantor Kecamatan Oebobo, loket 3."
    )
    assert "dapat diambil di Kantor Kecamatan Oebobo, loket 3." in _text(render_letter(content))


def test_esign_statement_names_the_certificate_issuer(
    make_content: Callable[..., LetterContent],
) -> None:
    issuer = "Balai Sertifikasi Elektronik (Badan Siber dan Sandi Negara)"
    text = _text(render_letter(make_content(signature_issuer=issuer)))
    assert (
        "Dokumen ini telah ditandatangani secara elektronik menggunakan sertifikat elektronik "
        f"yang diterbitkan oleh {issuer}." in text
    )
    assert "Undang-Undang Nomor 11 Tahun 2008 tentang Informasi dan Transaksi Elektronik" in text
    assert "TIDAK SAH" not in text


def test_development_letter_says_it_is_not_official(
    make_content: Callable[..., LetterContent],
) -> None:
    content = make_content(signature_issuer="SKK dev", development_signature=True)
    text = _text(render_letter(content))
    assert "ditandatangani dengan kunci pengembangan, bukan dengan sertifikat elektronik" in text
    assert "SKK dev" not in text
    assert "dokumen ini TIDAK SAH" in text
    assert "telah ditandatangani secara elektronik menggunakan sertifikat" not in text


@pytest.mark.parametrize(
    ("overrides", "printed", "not_printed"),
    [
        pytest.param(
            {"religion": "kepercayaan"},
            "Kepercayaan : KEPERCAYAAN TERHADAP TUHAN YME",
            "Agama :",
            id="kepercayaan",
        ),
        pytest.param({"blood_type": "tidak_tahu"}, "Golongan Darah : -", "TIDAK TAHU", id="blood"),
        pytest.param(
            {"citizenship": "WNA", "nationality": "TL"},
            "Kewarganegaraan : TIMOR LESTE",
            "Kewarganegaraan : WNA",
            id="wna-nationality",
        ),
        pytest.param(
            {"kelurahan": "Oebobo", "kecamatan": "Kelapa Lima"},
            "Kecamatan : KELAPA LIMA",
            "Kecamatan : Kelapa Lima",
            id="region-capitals",
        ),
    ],
)
def test_fields_print_as_on_a_ktp_el(
    make_content: Callable[..., LetterContent],
    overrides: dict[str, str],
    printed: str,
    not_printed: str,
) -> None:
    text = _text(render_letter(make_content(**overrides)))
    assert printed in text
    assert not_printed not in text


def test_letterhead_contacts_and_rank(make_content: Callable[..., LetterContent]) -> None:
    from .conftest import OFFICE, SIGNATORY

    content = make_content(
        office=dataclasses.replace(
            OFFICE, phone="(0380) 821234", email="dukcapil@kupangkota.go.id", website=""
        ),
        signatory=dataclasses.replace(SIGNATORY, rank="Pembina Utama Muda (IV/c)"),
    )
    text = _text(render_letter(content))
    assert "Telepon (0380) 821234, Pos-el dukcapil@kupangkota.go.id" in text
    assert "Laman" not in text
    assert "Pembina Utama Muda (IV/c) NIP. 19700101 199003 1 001" in text


@pytest.mark.parametrize(
    ("capacity", "opening", "heading"),
    [
        pytest.param(
            "",
            "Yang bertanda tangan di bawah ini, Sekretaris Dinas, dengan ini menerangkan",
            "Sekretaris Dinas,",
            id="own-name",
        ),
        pytest.param(
            "Plt.",
            "Yang bertanda tangan di bawah ini, Plt. Sekretaris Dinas, dengan ini menerangkan",
            "Plt. Sekretaris Dinas,",
            id="plt",
        ),
        pytest.param(
            "a.n.",
            "Yang bertanda tangan di bawah ini, Sekretaris Dinas, atas nama Kepala Dinas "
            "Kependudukan dan Pencatatan Sipil Kota Kupang, dengan ini menerangkan",
            "a.n. Kepala Dinas",
            id="atas-nama",
        ),
    ],
)
def test_signatory_capacity_reads_correctly(
    make_content: Callable[..., LetterContent], capacity: str, opening: str, heading: str
) -> None:
    from .conftest import SIGNATORY

    signatory = dataclasses.replace(
        SIGNATORY,
        title="Sekretaris Dinas",
        capacity=capacity,
        on_behalf_of="Kepala Dinas Kependudukan dan Pencatatan Sipil Kota Kupang",
    )
    text = _text(render_letter(make_content(signatory=signatory)))
    assert opening in text
    assert heading in text


def test_emblem_is_drawn(make_content: Callable[..., LetterContent], tmp_path) -> None:
    from PIL import Image

    from .conftest import OFFICE

    emblem = tmp_path / "lambang.png"
    Image.new("RGB", (60, 70), (200, 30, 30)).save(emblem)
    without = render_letter(BASE_CONTENT)
    pdf = render_letter(make_content(office=dataclasses.replace(OFFICE, emblem=emblem)))
    page = pypdf.PdfReader(io.BytesIO(pdf)).pages[0]
    assert len(page.images) == 1
    assert len(pypdf.PdfReader(io.BytesIO(without)).pages[0].images) == 0


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
