"""A QR that verifies without a network: the issued letter's page rendered at 150 dpi, its QR
decoded with zbar, the fragment's JWS checked against `/.well-known/jwks.json`; and
`skk verify-offline` doing the same from the PDF."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from app.cli import main as skk
from app.documents.offline_qr import (
    Outcome,
    b64url,
    b64url_decode,
    check_qr_url,
    letter_claims,
    sign_jws,
    token_hash,
)
from app.documents.render import render_letter
from app.documents.signing import LetterSigner, create_development_key
from app.domain.masking import mask_nik
from tests.documents.conftest import BASE_CONTENT
from tests.factories import issue_http, register_http
from tests.qr_scan import needs_zbar


@pytest.fixture
def issued(client: TestClient, keys: Any, tmp_path: Path) -> dict[str, Any]:
    """A letter issued through the API, its PDF and the JWK Set saved as files."""
    resident = register_http(client, keys.operator, full_name="YOHANA MARIA DA COSTA TAEK")
    response = issue_http(client, keys.operator, resident["nik"])
    assert response.status_code == 201, response.text
    letter: dict[str, Any] = response.json()
    pdf = client.get(letter["document"]["url"], headers=keys.operator).content
    (tmp_path / "letter.pdf").write_bytes(pdf)
    key_set = client.get("/.well-known/jwks.json")
    assert key_set.status_code == 200
    (tmp_path / "jwks.json").write_bytes(key_set.content)
    return {"letter": letter, "resident": resident, "jwks": key_set.json(), "dir": tmp_path}


def _verify_offline(pdf: Path, jwks: Path) -> Any:
    return CliRunner().invoke(skk, ["verify-offline", str(pdf), "--jwks", str(jwks)])


def test_the_jwks_lists_each_recorded_key_and_is_cacheable(client: TestClient, app: Any) -> None:
    response = client.get("/.well-known/jwks.json")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/jwk-set+json")
    assert response.headers["cache-control"] == "public, max-age=3600"
    signer = app.state.signer
    (key,) = response.json()["keys"]
    assert key["kid"] == signer.certificate_sha256[:8]
    assert key["use"] == "sig" and key["alg"] == "ES256" and key["kty"] == "EC"
    der = base64.b64decode(key["x5c"][0])
    assert hashlib.sha256(der).hexdigest() == signer.certificate_sha256
    assert b64url_decode(key["x5t#S256"]) == hashlib.sha256(der).digest()
    etag = response.headers["etag"]
    again = client.get("/.well-known/jwks.json", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    docs = client.get("/openapi.json").json()["paths"]["/.well-known/jwks.json"]["get"]
    assert (
        "security" not in docs and "application/jwk-set+json" in docs["responses"]["200"]["content"]
    )


@needs_zbar
def test_the_printed_qr_scans_at_150_dpi_and_verifies_offline(issued: dict[str, Any]) -> None:
    from app.cli.verify_offline import qr_texts_of_pdf

    letter, resident = issued["letter"], issued["resident"]
    started = time.perf_counter()
    (text,) = qr_texts_of_pdf(issued["dir"] / "letter.pdf", dpi=150)
    print(f"render at 150 dpi + zbar decode: {time.perf_counter() - started:.2f} s")
    assert text.startswith(letter["verification_url"] + "#")
    check = check_qr_url(text, issued["jwks"], today=date.fromisoformat(letter["valid_from"]))
    assert check.outcome is Outcome.valid, check
    assert check.claims == {
        "n": letter["number"],
        "h": resident["full_name"],
        "k": mask_nik(resident["nik"]),
        "i": letter["valid_from"],
        "e": letter["valid_until"],
        "t": token_hash(letter["verification_url"].rsplit("/", 1)[1]),
    }


@needs_zbar
def test_skk_verify_offline_accepts_the_issued_letter(issued: dict[str, Any]) -> None:
    result = _verify_offline(issued["dir"] / "letter.pdf", issued["dir"] / "jwks.json")
    assert result.exit_code == 0, result.output
    assert issued["letter"]["number"] in result.output
    assert mask_nik(issued["resident"]["nik"]) in result.output
    assert issued["resident"]["nik"] not in result.output
    assert "Verdict:        VALID" in result.output


def _letter_with_qr(tmp_path: Path, url: str) -> Path:
    """A letter page whose QR code holds `url` (what a forger could print)."""
    token = url.split("#")[0].rsplit("/", 1)[1]
    content = dataclasses.replace(BASE_CONTENT, verification_url=url, verification_token=token)
    path = tmp_path / "forged.pdf"
    path.write_bytes(render_letter(content))
    return path


@needs_zbar
def test_skk_verify_offline_refuses_a_tampered_payload(issued: dict[str, Any]) -> None:
    # The genuine QR of the letter, with the holder's name changed in the signed payload.
    from app.cli.verify_offline import qr_texts_of_pdf

    (text,) = qr_texts_of_pdf(issued["dir"] / "letter.pdf")
    head, _, compact = text.partition("#")
    header, payload, signature = compact.split(".")
    claims = json.loads(b64url_decode(payload)) | {"h": "NAMA LAIN"}
    tampered = f"{head}#{header}.{b64url(json.dumps(claims).encode())}.{signature}"
    result = _verify_offline(_letter_with_qr(issued["dir"], tampered), issued["dir"] / "jwks.json")
    assert result.exit_code == 1, result.output
    assert "the signature does not match" in result.output


@needs_zbar
def test_skk_verify_offline_refuses_an_unknown_key(
    issued: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
) -> None:
    intruder = LetterSigner.from_pkcs12(
        create_development_key(tmp_path_factory.mktemp("intruder"), common_name="Intruder"), None
    )
    letter = issued["letter"]
    token = letter["verification_url"].rsplit("/", 1)[1]
    claims = letter_claims(
        number=letter["number"],
        holder="NAMA LAIN",
        nik_masked="537104******0001",
        issued_on=date.fromisoformat(letter["valid_from"]),
        valid_until=date.fromisoformat(letter["valid_until"]),
        token=token,
    )
    url = f"{letter['verification_url']}#{sign_jws(intruder, claims)}"
    result = _verify_offline(_letter_with_qr(issued["dir"], url), issued["dir"] / "jwks.json")
    assert result.exit_code == 1, result.output
    assert "not in the office's key set" in result.output
    assert intruder.certificate_sha256[:8] in result.output


@needs_zbar
def test_skk_verify_offline_says_a_qr_without_proof_is_not_our_letter(
    issued: dict[str, Any],
) -> None:
    bare = _letter_with_qr(issued["dir"], issued["letter"]["verification_url"])
    result = _verify_offline(bare, issued["dir"] / "jwks.json")
    assert result.exit_code == 1, result.output
    assert "NOT OUR LETTER" in result.output
    not_pdf = issued["dir"] / "not.pdf"
    not_pdf.write_bytes(b"%PDF-1.7 nothing here")
    result = _verify_offline(not_pdf, issued["dir"] / "jwks.json")
    assert result.exit_code == 1
    assert "cannot be rendered" in result.output
