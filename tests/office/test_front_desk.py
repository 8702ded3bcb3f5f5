"""The front desk over HTTP: find, read, issue, download, revoke, register, correct, record,
photo; refusals shown with the API's sentence next to their field; roles as in the API."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pypdf
from sqlalchemy import select

from app.db import session_scope
from app.models import AuditEvent, Letter, OfficeSession
from tests.factories import OTHER_KELURAHAN, nik_for, register_http, resident_payload
from tests.office.helpers import post, sign_in
from tests.photos import png


def _issue(client, csrf: str, nik: str, **data):  # type: ignore[no-untyped-def]
    return post(
        client,
        f"/office/residents/{nik}/letters",
        csrf,
        **{"purpose": "Pembukaan rekening bank", **data},
    )


def test_find_by_nik_opens_the_resident_and_by_name_lists_them(client, keys) -> None:
    nik = register_http(client, keys.operator, full_name="YOHANA LAKA")["nik"]
    sign_in(client, keys.operator)
    spaced = f"{nik[:6]} {nik[6:12]} {nik[12:]}"
    by_nik = client.get("/office/residents", params={"q": spaced}, follow_redirects=False)
    assert by_nik.status_code == 303
    assert by_nik.headers["location"] == f"/office/residents/{nik}"
    by_name = client.get("/office/residents", params={"q": "yohana"})
    assert f"/office/residents/{nik}" in by_name.text
    none = client.get("/office/residents", params={"q": "zzz"})
    assert "Tidak ada penduduk yang cocok." in none.text


def test_issue_then_download_the_signed_bytes(client, keys, sessionmaker_) -> None:
    nik = register_http(client, keys.operator)["nik"]
    csrf = sign_in(client, keys.operator)
    issued = _issue(client, csrf, nik)
    assert issued.status_code == 303, issued.text
    page = client.get(issued.headers["location"])
    assert "telah terbit" in page.text
    with session_scope(sessionmaker_) as session:
        letter = session.scalars(select(Letter)).one()
        stored, letter_id = letter.pdf, letter.id
        key_ids = set(
            session.scalars(select(AuditEvent.key_id).where(AuditEvent.action == "letter.issued"))
        )
        session_key = session.scalars(select(OfficeSession.key_id)).one()
    assert key_ids == {session_key}
    pdf = client.get(f"/office/letters/{letter_id}/pdf")
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content == stored
    with session_scope(sessionmaker_) as session:
        downloads = session.scalars(
            select(AuditEvent.key_id).where(AuditEvent.action == "letter.downloaded")
        ).all()
    assert downloads == [session_key]


def test_a_second_letter_is_refused_with_the_api_sentence_next_to_supersede(
    client, keys, sessionmaker_
) -> None:
    nik = register_http(client, keys.operator)["nik"]
    csrf = sign_in(client, keys.operator)
    assert _issue(client, csrf, nik).status_code == 303
    api = client.post(
        f"/api/v1/residents/{nik}/letters",
        json={"purpose": "Pembukaan rekening bank"},
        headers=keys.operator,
    ).json()
    refused = _issue(client, csrf, nik)
    assert refused.status_code == 409
    assert 'id="supersede_error"' in refused.text
    assert api["messages"]["id"] in refused.text
    english = client.post(
        f"/office/residents/{nik}/letters?lang=en",
        data={"csrf": csrf, "purpose": "Pembukaan rekening bank"},
    )
    assert api["messages"]["en"] in english.text
    # With a reason the old one is superseded.
    again = _issue(client, csrf, nik, supersede="1", supersede_reason="Surat hilang")
    assert again.status_code == 303
    with session_scope(sessionmaker_) as session:
        statuses = sorted(s.value for s in session.scalars(select(Letter.status)))
    assert statuses == ["superseded", "valid"]


def test_supersede_without_a_reason_is_refused_at_the_reason(client, keys) -> None:
    nik = register_http(client, keys.operator)["nik"]
    csrf = sign_in(client, keys.operator)
    response = _issue(client, csrf, nik, supersede="1")
    assert response.status_code == 422
    assert 'role="alert"' in response.text


def test_an_ineligible_resident_gets_the_refusal_sentence(client, keys) -> None:
    child = register_http(client, keys.operator, birth_date=date(2020, 1, 1).isoformat())["nik"]
    api = client.post(
        f"/api/v1/residents/{child}/letters",
        json={"purpose": "Pembukaan rekening bank"},
        headers=keys.operator,
    ).json()
    assert api["code"] == "not_wajib_ktp"
    csrf = sign_in(client, keys.operator)
    response = _issue(client, csrf, child)
    assert response.status_code == 409
    assert api["messages"]["id"] in response.text


def test_revoke_with_a_reason(client, keys, sessionmaker_) -> None:
    nik = register_http(client, keys.operator)["nik"]
    csrf = sign_in(client, keys.operator)
    _issue(client, csrf, nik)
    with session_scope(sessionmaker_) as session:
        letter_id = session.scalars(select(Letter.id)).one()
    refused = post(client, f"/office/letters/{letter_id}/revoke", csrf, reason="")
    assert refused.status_code in (409, 422)
    assert 'id="reason_error"' in refused.text
    done = post(client, f"/office/letters/{letter_id}/revoke", csrf, reason="Salah orang")
    assert done.status_code == 303
    page = client.get(done.headers["location"])
    assert 'data-status="revoked"' in page.text
    assert "telah dicabut" in page.text
    # A revoked letter cannot be revoked again: the API's sentence, nothing changed.
    twice = post(client, f"/office/letters/{letter_id}/revoke", csrf, reason="Lagi")
    assert twice.status_code == 409
    assert "hanya surat yang berlaku yang dapat dicabut" in twice.text  # the page speaks Indonesian


def test_a_kelurahan_key_sees_its_own_kelurahan_only(client, keys) -> None:
    own = register_http(client, keys.operator)["nik"]
    other = register_http(client, keys.operator, kelurahan_code=OTHER_KELURAHAN)["nik"]
    csrf = sign_in(client, keys.kelurahan)
    assert client.get(f"/office/residents/{own}").status_code == 200
    hidden = client.get(f"/office/residents/{other}")
    assert hidden.status_code == 404
    assert "Tidak ditemukan" in hidden.text
    assert client.get(f"/office/residents/{other}/photo").status_code == 404
    # Not in the search either, and no letter can be issued or read.
    assert other not in client.get("/office/residents", params={"q": other[:10]}).text
    assert _issue(client, csrf, other).status_code == 404


def test_roles_decide_what_a_key_may_do(client, keys, sessionmaker_) -> None:
    nik = register_http(client, keys.operator)["nik"]
    for headers in (keys.kelurahan, keys.auditor):
        client.cookies.clear()
        csrf = sign_in(client, headers)
        page = client.get(f"/office/residents/{nik}")
        assert 'id="issue-letter"' not in page.text
        refused = _issue(client, csrf, nik)
        assert refused.status_code == 403
        assert "role" in refused.text
    with session_scope(sessionmaker_) as session:
        assert session.scalars(select(Letter)).first() is None


def test_a_hostile_nik_or_letter_id_is_a_fast_404(client, keys) -> None:
    csrf = sign_in(client, keys.operator)
    for url in (
        "/office/residents/12345",
        "/office/residents/" + "9" * 400,
        "/office/residents/%27%20OR%201=1",
        "/office/letters/not-a-uuid",
        "/office/letters/not-a-uuid/pdf",
    ):
        assert client.get(url).status_code == 404, url
    assert post(client, "/office/letters/x/revoke", csrf, reason="r").status_code == 404
    bundle = client.post("/office/letters/bundle", data={"csrf": csrf, "letter": ["nope"]})
    assert bundle.status_code == 404
    cursor = client.get("/office/letters", params={"cursor": "garbage"})
    assert cursor.status_code == 422 and "<html" in cursor.text
    assert client.get("/office/letters", params={"issued_from": "31-31-2026"}).status_code == 200
    nik = register_http(client, keys.operator)["nik"]
    long = _issue(client, csrf, nik, purpose="x" * 5000)
    assert long.status_code == 422 and "<html" in long.text


def test_register_correct_record_and_photo(client, keys, sessionmaker_) -> None:
    csrf = sign_in(client, keys.operator)
    body = resident_payload()
    body.pop("has_itap")  # an unticked box is not sent
    bad = post(client, "/office/register", csrf, **{**body, "nik": "5371040000000000"})
    assert bad.status_code == 422
    assert 'id="nik_error"' in bad.text
    created = post(client, "/office/register", csrf, **body)
    assert created.status_code == 303, created.text
    nik = body["nik"]
    assert created.headers["location"].startswith(f"/office/residents/{nik}")
    # Correct: the form carries the version.
    form = client.get(f"/office/residents/{nik}/correct")
    assert 'name="version" value="1"' in form.text
    fields = {k: v for k, v in body.items() if k not in ("nik", "has_itap")}
    fixed = post(
        client,
        f"/office/residents/{nik}/correct",
        csrf,
        **{**fields, "address": "JL. EL TARI NO. 5", "version": "1"},
    )
    assert fixed.status_code == 303, fixed.text
    # A stale form (still version 1) names who changed what, and changes nothing.
    stale = post(
        client,
        f"/office/residents/{nik}/correct",
        csrf,
        **{**fields, "occupation": "PETANI", "version": "1"},
    )
    assert stale.status_code == 412
    assert "test operator" in stale.text and "Alamat" in stale.text
    assert 'name="version" value="2"' in stale.text
    resident = client.get(f"/api/v1/residents/{nik}", headers=keys.operator).json()
    assert resident["occupation"] == body["occupation"]
    assert resident["address"] == "JL. EL TARI NO. 5"
    # Record a recording event, then a refused move with the API's sentence.
    moved = post(client, f"/office/residents/{nik}/recording-events", csrf, status="bio_captured")
    assert moved.status_code == 303
    back = post(client, f"/office/residents/{nik}/recording-events", csrf, status="unregistered")
    assert back.status_code == 409
    assert 'id="record_error"' in back.text
    # A photo from the tablet's camera input.
    page = client.get(f"/office/residents/{nik}")
    assert 'accept="image/*" capture="user"' in page.text
    uploaded = client.post(
        f"/office/residents/{nik}/photo",
        data={"csrf": csrf},
        files={"photo": ("foto.png", png(), "image/png")},
        follow_redirects=False,
    )
    assert uploaded.status_code == 303, uploaded.text
    photo = client.get(f"/office/residents/{nik}/photo")
    assert photo.headers["content-type"] == "image/jpeg"
    junk = client.post(
        f"/office/residents/{nik}/photo",
        data={"csrf": csrf},
        files={"photo": ("x.jpg", b"not an image", "image/jpeg")},
    )
    assert junk.status_code == 422
    assert 'id="photo_error"' in junk.text


def test_letters_list_filters_and_bundles(client, keys, sessionmaker_) -> None:
    first = register_http(client, keys.operator, full_name="ANA BELA")["nik"]
    second = register_http(
        client, keys.operator, full_name="YOSEF TEFA", nik=nik_for(date(1990, 8, 1), "perempuan")
    )["nik"]
    csrf = sign_in(client, keys.operator)
    _issue(client, csrf, first)
    _issue(client, csrf, second)
    page = client.get("/office/letters")
    assert "ANA BELA" in page.text and "YOSEF TEFA" in page.text
    assert first not in page.text  # NIKs are shown masked
    masked = f"{second[:6]}******{second[12:]}"
    found = client.get("/office/letters", params={"q": masked})
    assert "YOSEF TEFA" in found.text and "ANA BELA" not in found.text
    assert "ANA BELA" in client.get("/office/letters", params={"q": "bela"}).text
    whole = client.get("/office/letters", params={"q": f"{first[:6]}.{first[6:12]}.{first[12:]}"})
    assert "ANA BELA" in whole.text and "YOSEF TEFA" not in whole.text
    assert "ANA BELA" not in client.get("/office/letters", params={"status": "revoked"}).text
    with session_scope(sessionmaker_) as session:
        stored = {row.id: row.pdf for row in session.scalars(select(Letter))}
    bundle = client.post(
        "/office/letters/bundle", data={"csrf": csrf, "letter": list(stored), "kind": "zip"}
    )
    assert bundle.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(bundle.content)) as archive:
        assert sorted(archive.read(n) for n in archive.namelist()) == sorted(stored.values())
    printed = client.post(
        "/office/letters/bundle", data={"csrf": csrf, "letter": list(stored), "kind": "print"}
    )
    reader = pypdf.PdfReader(io.BytesIO(printed.content))
    assert len(reader.pages) == 2
    assert "SALINAN CETAK" in reader.pages[0].extract_text()
    assert not reader.pages[0].get("/Annots")
    none = client.post("/office/letters/bundle", data={"csrf": csrf}, follow_redirects=False)
    assert none.status_code == 303


def test_today_counts_link_to_the_lists(client, keys) -> None:
    nik = register_http(client, keys.operator)["nik"]
    register_http(client, keys.operator, kelurahan_code=OTHER_KELURAHAN)
    csrf = sign_in(client, keys.kelurahan)
    page = client.get("/office/")
    # The kelurahan key counts its own kelurahan's waiting resident only.
    assert "<b>1</b>Penduduk wajib KTP belum rekam" in page.text.replace("\n    ", "")
    client.cookies.clear()
    csrf = sign_in(client, keys.operator)
    _issue(client, csrf, nik)
    page = client.get("/office/").text.replace("\n    ", "")
    assert "<b>1</b>Surat terbit hari ini" in page
    assert "<b>2</b>Penduduk wajib KTP belum rekam" in page
    waiting = client.get("/office/residents", params={"waiting": "1"})
    assert f"/office/residents/{nik}" in waiting.text


def test_english_switch_is_remembered(client, keys) -> None:
    sign_in(client, keys.operator)
    english = client.get("/office/?lang=en")
    assert "Letters issued today" in english.text
    assert client.cookies.get("lang") == "en"
    assert "Letters issued today" in client.get("/office/").text


def test_an_oversized_form_is_refused_before_it_is_read(client, keys, settings) -> None:
    csrf = sign_in(client, keys.operator)
    nik = register_http(client, keys.operator)["nik"]
    big = b"x" * (settings.photo_max_bytes + 128 * 1024)
    response = client.post(
        f"/office/residents/{nik}/photo",
        data={"csrf": csrf},
        files={"photo": ("big.jpg", big, "image/jpeg")},
    )
    assert response.status_code == 413
    assert "<html" in response.text
