"""The `skk` command: init, keys, and refusing to start with a bad key or setting."""

from __future__ import annotations

import os
import sqlite3
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
    with sqlite3.connect(tmp_path / "cli.db") as conn:
        # Only the residents with letters get a placeholder portrait, printed on their letter.
        assert conn.execute("SELECT count(*) FROM resident_photos").fetchone() == (3,)
        assert conn.execute("SELECT count(*) FROM letter_photos").fetchone() == (3,)
    again = skk(tmp_path, "demo", "kupang-2016", "--scale", "0.002", "--letters", "3", "--if-empty")
    assert again.returncode == 0
    assert "demo not loaded" in again.stderr
    export = skk(tmp_path, "audit", "verify")
    assert export.returncode == 0 and "intact" in export.stdout


def _sql(tmp_path: Path, *statements: str) -> None:
    import sqlite3

    with sqlite3.connect(tmp_path / "cli.db") as conn:
        for statement in statements:
            conn.execute(statement)


def test_audit_checkpoint_then_verify_catches_a_rewound_tail(tmp_path: Path) -> None:
    for name in ("a", "b", "c"):
        assert skk(tmp_path, "keys", "create", "--role", "admin", "--name", name).returncode == 0
    made = skk(tmp_path, "audit", "checkpoint")
    assert made.returncode == 0, made.stderr
    assert "checkpoint of entry 3" in made.stdout
    assert "already checkpointed" in skk(tmp_path, "audit", "checkpoint").stdout
    checkpoints = tmp_path / "data" / "audit-checkpoints.jsonl"
    assert len(checkpoints.read_text().splitlines()) == 1
    intact = skk(tmp_path, "audit", "verify")
    assert intact.returncode == 0
    assert "intact: 3 entries, 1 signed checkpoints matched" in intact.stdout
    # Cut the last entry and rewind the head: consistent inside the database.
    _sql(
        tmp_path,
        "DELETE FROM audit_events WHERE chain_seq = 3",
        "UPDATE audit_chain_head SET last_seq = 2, last_sha256 = "
        "(SELECT sha256 FROM audit_events WHERE chain_seq = 2)",
    )
    with checkpoints.open("a") as handle:
        handle.write("garbage\n")
    broken = skk(tmp_path, "audit", "verify")
    assert broken.returncode == 1
    assert "audit chain BROKEN at entry 3: entry 3, signed by the checkpoint of" in broken.stdout
    assert "line 2 of the checkpoint file is not a checkpoint" in broken.stdout
    assert "Traceback" not in broken.stderr
    refused = skk(tmp_path, "audit", "checkpoint")
    assert refused.returncode == 1 and "no checkpoint was signed" in refused.stderr
    # Against a copy kept elsewhere: the same finding.
    copy = tmp_path / "copy.jsonl"
    copy.write_text(checkpoints.read_text().splitlines()[0] + "\n")
    elsewhere = skk(tmp_path, "audit", "verify", "--checkpoint-file", str(copy))
    assert elsewhere.returncode == 1 and "signed by the checkpoint of" in elsewhere.stdout


def test_audit_verify_on_damaged_rows_is_a_sentence(tmp_path: Path) -> None:
    assert skk(tmp_path, "keys", "create", "--role", "admin", "--name", "a").returncode == 0
    assert skk(tmp_path, "audit", "verify").returncode == 0
    _sql(tmp_path, "UPDATE audit_events SET details = '{not json', sha256 = NULL")
    result = skk(tmp_path, "audit", "verify")
    assert result.returncode == 1
    assert result.stdout.strip() == "audit chain BROKEN at entry 1: entry 1 has no hash"
    assert "Traceback" not in result.stderr
