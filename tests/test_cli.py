"""The `skk` command: init, keys, and refusing to start with a bad key or setting."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def skk(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        **os.environ,
        "SKK_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        "SKK_DATA_DIR": str(tmp_path / "data"),
        **env,
    }
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_init_is_safe_to_rerun_and_makes_the_development_key(tmp_path: Path) -> None:
    first = skk(tmp_path, "init")
    assert first.returncode == 0, first.stderr
    assert "7888 region codes added" in first.stderr
    assert (tmp_path / "data" / "development-signing.p12").exists()
    second = skk(tmp_path, "init")
    assert second.returncode == 0
    assert "0 region codes added" in second.stderr


def test_keys_create_prints_the_key_alone(tmp_path: Path) -> None:
    result = skk(
        tmp_path,
        "keys",
        "create",
        "--role",
        "kelurahan",
        "--kelurahan",
        "53.71.04.1001",
        "--name",
        "Oebobo",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("skk_") and result.stdout.count("\n") == 1
    bad = skk(tmp_path, "keys", "create", "--role", "kelurahan", "--name", "x")
    assert bad.returncode == 2
    assert "kelurahan_code" in bad.stderr


def test_production_refuses_the_development_key(tmp_path: Path) -> None:
    result = skk(tmp_path, "init", SKK_ENV="production")
    assert result.returncode == 2
    assert "SKK_SIGNING_P12" in result.stderr
    assert "Traceback" not in result.stderr


def _protected_p12(tmp_path: Path, password: bytes) -> Path:
    from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, pkcs12

    from app.documents.signing import create_development_key

    plain = create_development_key(tmp_path / "keys")
    key, cert, _ = pkcs12.load_key_and_certificates(plain.read_bytes(), None)
    target = tmp_path / "office.p12"
    target.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"office",
            key,
            cert,
            None,
            BestAvailableEncryption(password),  # type: ignore[arg-type]
        )
    )
    return target


@pytest.mark.parametrize("case", ["wrong password", "missing file", "not a key file"])
def test_serve_stops_at_start_with_an_unusable_key(tmp_path: Path, case: str) -> None:
    target = {
        "wrong password": lambda: _protected_p12(tmp_path, b"right"),
        "missing file": lambda: tmp_path / "missing.p12",
        "not a key file": lambda: (tmp_path / "junk.p12", (tmp_path / "junk.p12").write_text("x"))[
            0
        ],
    }[case]()
    result = skk(
        tmp_path,
        "serve",
        "--port",
        "1",
        SKK_SIGNING_P12=str(target),
        SKK_SIGNING_P12_PASSWORD="wrong",
    )
    assert result.returncode == 2, result.stderr
    assert "cannot start" in result.stderr
    assert "Traceback" not in result.stderr


def test_audit_verify_reports_an_intact_chain(tmp_path: Path) -> None:
    assert skk(tmp_path, "keys", "create", "--role", "admin", "--name", "a").returncode == 0
    result = skk(tmp_path, "audit", "verify")
    assert result.returncode == 0
    assert "intact: 1 entries" in result.stdout


def test_demo_with_letters_then_if_empty_keeps_the_data(tmp_path: Path) -> None:
    first = skk(tmp_path, "demo", "kupang-2016", "--scale", "0.002", "--letters", "3", "--if-empty")
    assert first.returncode == 0, first.stderr
    assert "issued 3 letters" in first.stderr
    again = skk(tmp_path, "demo", "kupang-2016", "--scale", "0.002", "--letters", "3", "--if-empty")
    assert again.returncode == 0
    assert "demo not loaded" in again.stderr
    export = skk(tmp_path, "audit", "verify")
    assert export.returncode == 0 and "intact" in export.stdout
