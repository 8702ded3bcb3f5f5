"""Letters over HTTP: issue, eligibility, supersede, void, revoke, download, idempotency."""

from __future__ import annotations

import hashlib
import io
import re
from datetime import date
from typing import Any

import pytest
from pypdf import PdfReader
from reportlab.pdfbase.pdfmetrics import stringWidth

from app.domain.masking import mask_nik
from tests.factories import OTHER_KELURAHAN, issue_http, move_http, register_http

RESIDENTS = "/api/v1/residents"


def _move(client, keys, nik, status):  # type: ignore[no-untyped-def]
    response = move_http(client, keys.operator, nik, status)
    assert response.status_code == 201, response.text


def _text(pdf: bytes) -> str:
    return PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


@pytest.mark.usefixtures("pinned_clock")
def test_issue_download_and_read_back(client, keys) -> None:
    resident = register_http(client, keys.operator, full_name="NGUYỄN THỊ ŁUCJA")
    response = issue_http(client, keys.operator, resident["nik"])
    assert response.status_code == 201, response.text
    letter = response.json()
    year = date.today().year
    assert re.fullmatch(rf"470/0001/Disdukcapil/[IVX]+/{year}", letter["number"])
    assert letter["status"] == "valid"
    assert letter["resident_nik"] == resident["nik"]
    assert letter["verification_url"].startswith("http://testserver/v/")
    token = letter["verification_url"].rsplit("/", 1)[1]
    assert len(token) >= 22 and resident["nik"] not in token

    pdf = client.get(letter["document"]["url"], headers=keys.kelurahan)
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["etag"] == f'"{letter["document"]["sha256"]}"'
    assert hashlib.sha256(pdf.content).hexdigest() == letter["document"]["sha256"]
    assert "attachment" in pdf.headers["content-disposition"]
    assert "470-0001-Disdukcapil" in pdf.headers["content-disposition"]
    text = _text(pdf.content)
    assert resident["nik"] in text
    assert "NGUYỄN THỊ ŁUCJA" in text
    assert letter["number"] in text
    again = client.get(letter["document"]["url"], headers=keys.operator)
    assert again.content == pdf.content
    not_modified = client.get(
        letter["document"]["url"], headers={**keys.operator, "If-None-Match": pdf.headers["etag"]}
    )
    assert not_modified.status_code == 304

    assert client.get(f"/api/v1/letters/{letter['id']}", headers=keys.auditor).json() == letter


def test_numbers_follow_each_other(client, keys) -> None:
    numbers = []
    for _ in range(3):
        resident = register_http(client, keys.operator)
        numbers.append(issue_http(client, keys.operator, resident["nik"]).json()["number"])
    assert [n.split("/")[1] for n in numbers] == ["0001", "0002", "0003"]


@pytest.mark.parametrize(
    ("setup", "code", "phrase"),
    [
        ({"residency_status": "moved_out"}, "resident_not_active", "pindah"),
        ({"residency_status": "deceased"}, "resident_not_active", "meninggal"),
        ({"birth_date": "2015-01-01"}, "not_wajib_ktp", "17 tahun"),
        ({"citizenship": "WNA", "nationality": "TL"}, "not_wajib_ktp", "WNA"),
        ({"recording_status": "card_issued"}, "card_already_issued", "sudah menerima KTP-el"),
        ({"recording_status": "duplicate_record"}, "recording_needs_follow_up", "ditindaklanjuti"),
    ],
)
def test_ineligible_residents_get_409_with_a_sentence(client, keys, setup, code, phrase) -> None:
    resident = register_http(client, keys.operator, **setup)
    response = issue_http(client, {**keys.operator, "Accept-Language": "id"}, resident["nik"])
    assert response.status_code == 409
    assert response.json()["code"] == code
    assert phrase in response.json()["detail"]


def test_wording_differs_for_unregistered_and_recorded(client, keys) -> None:
    unregistered = register_http(client, keys.operator)
    recorded = register_http(client, keys.operator, recording_status="print_ready_record")
    texts = {}
    for name, resident in (("unregistered", unregistered), ("recorded", recorded)):
        letter = issue_http(client, keys.operator, resident["nik"]).json()
        texts[name] = " ".join(
            _text(client.get(letter["document"]["url"], headers=keys.operator).content).split()
        )
    assert "belum melakukan perekaman" in texts["unregistered"]
    assert "belum melakukan perekaman" not in texts["recorded"]
    assert "dalam proses" in texts["recorded"]


def test_one_valid_letter_then_supersede(client, keys) -> None:
    resident = register_http(client, keys.operator)
    first = issue_http(client, keys.operator, resident["nik"]).json()
    refused = issue_http(client, keys.operator, resident["nik"])
    assert refused.status_code == 409
    assert refused.json()["code"] == "valid_letter_exists"
    assert refused.json()["letter_id"] == first["id"]
    no_reason = issue_http(client, keys.operator, resident["nik"], supersede=True)
    assert no_reason.status_code == 422
    second = issue_http(
        client,
        keys.operator,
        resident["nik"],
        supersede=True,
        supersede_reason="Surat sebelumnya hilang",
    )
    assert second.status_code == 201
    old = client.get(f"/api/v1/letters/{first['id']}", headers=keys.operator).json()
    assert old["status"] == "superseded"
    assert old["status_reason"] == "Surat sebelumnya hilang"
    listed = client.get(
        "/api/v1/letters", params={"nik": resident["nik"], "status": "valid"}, headers=keys.operator
    ).json()["items"]
    assert [letter["id"] for letter in listed] == [second.json()["id"]]


def test_card_issued_voids_the_letter(client, keys) -> None:
    resident = register_http(client, keys.operator, recording_status="card_shipped")
    letter = issue_http(client, keys.operator, resident["nik"]).json()
    _move(client, keys, resident["nik"], "card_issued")
    voided = client.get(f"/api/v1/letters/{letter['id']}", headers=keys.operator).json()
    assert voided["status"] == "void"
    assert "card_issued" in voided["status_reason"]


@pytest.mark.parametrize("residency", ["moved_out", "deceased"])
def test_moving_out_or_dying_voids_the_letter(client, keys, residency) -> None:
    resident = register_http(client, keys.operator)
    letter = issue_http(client, keys.operator, resident["nik"]).json()
    patched = client.patch(
        f"{RESIDENTS}/{resident['nik']}",
        json={"residency_status": residency},
        headers=keys.operator,
    )
    assert patched.status_code == 200
    voided = client.get(f"/api/v1/letters/{letter['id']}", headers=keys.operator).json()
    assert voided["status"] == "void"


def test_revoke(client, keys) -> None:
    resident = register_http(client, keys.operator)
    letter = issue_http(client, keys.operator, resident["nik"]).json()
    url = f"/api/v1/letters/{letter['id']}/revoke"
    assert (
        client.post(url, json={"reason": "salah orang"}, headers=keys.kelurahan).status_code == 403
    )
    assert client.post(url, json={}, headers=keys.operator).status_code == 422
    revoked = client.post(
        url, json={"reason": "Diterbitkan untuk penduduk yang salah"}, headers=keys.operator
    )
    assert revoked.status_code == 200
    assert revoked.json()["status"] == "revoked"
    twice = client.post(url, json={"reason": "lagi"}, headers=keys.operator)
    assert twice.status_code == 409 and twice.json()["code"] == "letter_not_valid"
    # A revoked letter no longer blocks a new one.
    assert issue_http(client, keys.operator, resident["nik"]).status_code == 201


def test_idempotent_issue_returns_the_same_letter(client, keys) -> None:
    resident = register_http(client, keys.operator)
    headers = {**keys.operator, "Idempotency-Key": "letter-1"}
    body = {"purpose": "Pembukaan rekening bank"}
    first = client.post(f"{RESIDENTS}/{resident['nik']}/letters", json=body, headers=headers)
    second = client.post(f"{RESIDENTS}/{resident['nik']}/letters", json=body, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    location = f"/api/v1/letters/{first.json()['id']}"
    assert first.headers["location"] == second.headers["location"] == location
    assert second.headers["idempotent-replayed"] == "true"
    other = client.post(
        f"{RESIDENTS}/{resident['nik']}/letters", json={"purpose": "Lain"}, headers=headers
    )
    assert other.status_code == 422
    listed = client.get("/api/v1/letters", headers=keys.operator).json()["items"]
    assert len(listed) == 1


def test_kelurahan_scope_on_letters(client, keys) -> None:
    own = register_http(client, keys.operator)
    other = register_http(client, keys.operator, kelurahan_code=OTHER_KELURAHAN)
    own_letter = issue_http(client, keys.operator, own["nik"]).json()
    other_letter = issue_http(client, keys.operator, other["nik"]).json()
    listed = client.get("/api/v1/letters", headers=keys.kelurahan).json()["items"]
    assert [letter["id"] for letter in listed] == [own_letter["id"]]
    for path in (f"/api/v1/letters/{other_letter['id']}", other_letter["document"]["url"]):
        assert client.get(path, headers=keys.kelurahan).status_code == 404
    assert (
        client.post(
            f"{RESIDENTS}/{own['nik']}/letters", json={"purpose": "Bank"}, headers=keys.kelurahan
        ).status_code
        == 403
    )
    assert client.get("/api/v1/letters/not-a-uuid", headers=keys.operator).status_code == 404


@pytest.mark.usefixtures("pinned_clock")
def test_letter_list_filters_and_pages(client, keys) -> None:
    ids = []
    for _ in range(3):
        resident = register_http(client, keys.operator)
        ids.append(issue_http(client, keys.operator, resident["nik"]).json()["id"])
    page1 = client.get("/api/v1/letters", params={"limit": 2}, headers=keys.operator).json()
    page2 = client.get(
        "/api/v1/letters",
        params={"limit": 2, "cursor": page1["next_cursor"]},
        headers=keys.operator,
    ).json()
    got = [letter["id"] for letter in page1["items"] + page2["items"]]
    assert sorted(got) == sorted(ids) and len(set(got)) == 3
    assert page2["next_cursor"] is None
    today = date.today().isoformat()
    assert (
        len(
            client.get(
                "/api/v1/letters", params={"issued_from": today}, headers=keys.operator
            ).json()["items"]
        )
        == 3
    )
    assert (
        client.get("/api/v1/letters", params={"status": "revoked"}, headers=keys.operator).json()[
            "items"
        ]
        == []
    )
    assert (
        client.get("/api/v1/letters", params={"nik": "12"}, headers=keys.operator).status_code
        == 422
    )


def test_masked_nik_helper_keeps_region_and_serial() -> None:
    assert mask_nik("5371044108900001") == "537104******0001"


# --- free text printed on a signed letter --------------------------------------------------

FORGED = "Pembukaan rekening\nBerlaku sampai dengan 31 Desember 2099"


@pytest.mark.parametrize(
    "purpose", [FORGED, "Bank\u2028Berlaku 2099", "Bank\r", "Bank\u202e9902", "Bank\x00"]
)
def test_purpose_with_a_line_break_or_control_character_is_refused(client, keys, purpose) -> None:  # type: ignore[no-untyped-def]
    resident = register_http(client, keys.operator)
    response = issue_http(client, keys.operator, resident["nik"], purpose=purpose)
    assert response.status_code == 422, response.text
    assert response.json()["detail"].startswith("body.purpose: ")
    assert client.get("/api/v1/letters", headers=keys.operator).json()["items"] == []


def test_reasons_are_one_clean_line(client, keys) -> None:  # type: ignore[no-untyped-def]
    resident = register_http(client, keys.operator)
    first = issue_http(
        client, keys.operator, resident["nik"], purpose="  Pembukaan   rekening  "
    ).json()
    assert first["purpose"] == "Pembukaan rekening"
    refused = issue_http(
        client, keys.operator, resident["nik"], supersede=True, supersede_reason="hilang\nvalid: ya"
    )
    assert refused.status_code == 422
    assert refused.json()["detail"].startswith("body.supersede_reason: line breaks")
    url = f"/api/v1/letters/{first['id']}/revoke"
    bad = client.post(url, json={"reason": "salah\x00orang"}, headers=keys.operator)
    assert bad.status_code == 422 and bad.json()["detail"].startswith("body.reason: ")
    ok = client.post(url, json={"reason": " salah   orang "}, headers=keys.operator)
    assert ok.status_code == 200 and ok.json()["status_reason"] == "salah orang"


def _longest(text: str, length: int) -> str:
    """`text` repeated to exactly `length` characters, ending in a letter (nothing to trim)."""
    return (text * (length // len(text) + 1))[: length - 1] + "W"


def test_letter_with_every_field_at_its_longest_fits_one_page(client, keys) -> None:  # type: ignore[no-untyped-def]
    # Wide letters (W, M) and one unbroken word longer than the value column.
    long_word = "WMWMWMWMWMWMWMWMWMWMWMWMWMWMWMWMWMWMWMWMWMWMWMWMWMWMWMWMWMWMWM"
    resident = register_http(
        client,
        keys.operator,
        full_name=_longest(f"{long_word} MARIA WILHELMINA", 120),
        birth_place=_longest("WWWWWWWWWWWWWWWWWWWWWWWW MWMW", 80),
        occupation=_longest(long_word, 80),
        address=_longest("JL. W.J. LALAMENTIK NO. 12 ", 150),
    )
    assert (len(resident["full_name"]), len(resident["address"])) == (120, 150)
    purpose = _longest(f"{long_word} Pembukaan rekening bank di kantor cabang ", 200)
    response = issue_http(client, keys.operator, resident["nik"], purpose=purpose)
    assert response.status_code == 201, response.text
    pdf = client.get(response.json()["document"]["url"], headers=keys.operator).content
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    page = reader.pages[0]
    # No text runs past the page's edge: a long word is broken over lines.
    ends: list[float] = []

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        if text.strip() and font is not None:
            face = "Bold" if "Bold" in str(font.get("/BaseFont")) else ""
            width = stringWidth(text.strip(), f"SKK-DejaVuSans{'-' * bool(face)}{face}", size)
            ends.append(tm[4] + width * tm[0])

    text = page.extract_text(visitor_text=visit)
    assert ends and max(ends) <= float(page.mediabox.width)
    # Every character is printed.
    flat = "".join(text.split())
    for value in (resident["full_name"], resident["address"], resident["occupation"], purpose):
        assert "".join(value.split()) in flat


def test_text_too_wide_for_the_page_is_a_422_and_uses_no_number(client, keys) -> None:  # type: ignore[no-untyped-def]
    # U+1676 is twice as wide as W: at every field's longest the page cannot hold it.
    wide = "\u1676" * 30
    resident = register_http(
        client,
        keys.operator,
        full_name=_longest(f"{wide} ", 120),
        birth_place=_longest(f"{wide} ", 80),
        occupation=_longest(f"{wide} ", 80),
        address=_longest(f"{wide} ", 150),
    )
    response = issue_http(client, keys.operator, resident["nik"], purpose=_longest(f"{wide} ", 200))
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "letter_does_not_fit"
    assert "one page" in response.json()["detail"]
    shorter = {"address": "JL. EL TARI 5", "birth_place": "KUPANG", "occupation": "GURU"}
    patched = client.patch(f"{RESIDENTS}/{resident['nik']}", json=shorter, headers=keys.operator)
    assert patched.status_code == 200, patched.text
    fits = issue_http(client, keys.operator, resident["nik"], purpose="Bank")
    assert fits.status_code == 201, fits.text
    assert "/0001/" in fits.json()["number"]


def test_a_line_break_stored_before_the_check_prints_no_line_of_its_own(
    client, keys, sessionmaker_
) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import update

    from app.db import session_scope
    from app.models import Resident

    resident = register_http(client, keys.operator)
    with session_scope(sessionmaker_) as session:  # as an older version could store it
        session.execute(
            update(Resident)
            .where(Resident.nik == resident["nik"])
            .values(occupation="GURU\nBerlaku sampai dengan 31 Desember 2099")
        )
    letter = issue_http(client, keys.operator, resident["nik"])
    assert letter.status_code == 201, letter.text
    pdf = client.get(letter.json()["document"]["url"], headers=keys.operator).content
    lines = _text(pdf).splitlines()
    assert not [line for line in lines if line.startswith("Berlaku sampai")]
    assert any("GURU Berlaku sampai" in line for line in lines)
