"""`skk signing status`: every certificate the office has signed with, the current one
marked, days to expiry; exit 1 once the current one has ended."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from app.config import Settings
from app.db import make_engine, make_sessionmaker, session_scope
from app.documents.signing import LetterSigner
from app.main import create_app
from app.services import certificates
from tests.certificates import office_p12
from tests.test_cli import skk


def _start_with(tmp_path: Path, p12: Path) -> str:
    """Start the service once with this key (records its certificate); its fingerprint."""
    create_app(
        Settings(
            database_url=f"sqlite:///{tmp_path / 'cli.db'}",
            data_dir=tmp_path / "data",
            signing_p12=p12,
            _env_file=None,  # type: ignore[call-arg]
        )
    )
    return LetterSigner.from_pkcs12(p12, None).certificate_sha256


def test_status_lists_old_and_current_certificates_and_fails_once_the_current_ended(
    tmp_path: Path,
) -> None:
    assert skk(tmp_path, "init").returncode == 0
    old = _start_with(tmp_path, office_p12(tmp_path, "Kupang 2024", ends_days=40))
    current_p12 = office_p12(tmp_path, "Kupang 2026", ends_days=500)
    current = _start_with(tmp_path, current_p12)

    result = skk(tmp_path, "signing", "status", SKK_SIGNING_P12=str(current_p12))
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "2 certificate(s)" in out
    assert f"{current[:16]}  Kupang 2026  <- current" in out
    assert f"{old[:16]}  Kupang 2024\n" in out
    assert "(500 days left)" in out and "(40 days left)" in out
    assert "first never, last never" in out
    assert "WARNING" not in out

    ended_p12 = office_p12(tmp_path, "Kupang 2023", starts_days=-700, ends_days=-5)
    _start_with(tmp_path, ended_p12)
    result = skk(tmp_path, "signing", "status", SKK_SIGNING_P12=str(ended_p12))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "3 certificate(s)" in result.stdout
    assert "ENDED 5 days ago" in result.stdout
    assert "WARNING: the signing certificate ended on" in result.stdout


def test_status_before_the_service_ever_started(tmp_path: Path) -> None:
    assert skk(tmp_path, "init").returncode == 0
    result = skk(tmp_path, "signing", "status")
    assert result.returncode == 0, result.stderr
    assert "development key" in result.stdout
    assert "recorded when the service next starts" in result.stdout
    assert "<- current" in result.stdout


def test_status_marks_a_key_that_signs_qr_proofs_only(tmp_path: Path) -> None:
    # The companion key beside BSrE: recorded at start for the QR's proofs, never for a PDF.
    assert skk(tmp_path, "init").returncode == 0
    p12 = office_p12(tmp_path, "Kupang 2026", ends_days=500)
    office = _start_with(tmp_path, p12)
    companion = LetterSigner.from_pkcs12(office_p12(tmp_path, "SKK companion"), None)
    holder = SimpleNamespace(
        certificate_sha256=office,
        jws_certificate_sha256=companion.certificate_sha256,
        jws_certificate_pem=companion.certificate_pem,
    )
    engine = make_engine(f"sqlite:///{tmp_path / 'cli.db'}")
    with session_scope(make_sessionmaker(engine)) as session:
        certificates.register_jws(session, holder)  # type: ignore[arg-type]
    engine.dispose()

    result = skk(tmp_path, "signing", "status", SKK_SIGNING_P12=str(p12))
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{companion.certificate_sha256[:16]}  SKK companion (QR proofs only)\n" in result.stdout
    assert f"{office[:16]}  Kupang 2026  <- current\n" in result.stdout
