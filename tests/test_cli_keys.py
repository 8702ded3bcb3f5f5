"""`skk keys create --expires-in`, `skk keys list` and `skk keys revoke`, through click's
CliRunner on a SQLite database of the test's own."""

from __future__ import annotations

import importlib
import io
import json
import sqlite3
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner, Result

from app.cli import main
from app.config import get_settings
from tests.qr_scan import needs_zbar, scan_pdf

Skk = Callable[..., Result]
# The module, not the `main` group that app.cli exports under the same name.
CLI_MAIN = importlib.import_module("app.cli.main")


@pytest.fixture
def skk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Skk]:
    """Run `skk ARGS` in this process against tmp_path's database."""
    monkeypatch.setenv("SKK_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("SKK_DATA_DIR", str(tmp_path / "data"))
    # The command sets up the process's logging and clock; the test run keeps its own.
    monkeypatch.setattr(CLI_MAIN, "configure_logging", lambda level: None)
    monkeypatch.setattr(CLI_MAIN, "use_office_clock", lambda settings: None)
    get_settings.cache_clear()
    runner = CliRunner()
    yield lambda *args: runner.invoke(main, list(args), catch_exceptions=False)
    get_settings.cache_clear()


def _rows(tmp_path: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(tmp_path / "cli.db") as db:
        return db.execute(sql).fetchall()


def test_list_shows_every_key_without_its_secret(skk: Skk) -> None:
    admin = skk("keys", "create", "--role", "admin", "--name", "Kepala Dinas")
    assert admin.exit_code == 0, admin.output
    kelurahan = skk(
        "keys", "create", "--role", "kelurahan", "--kelurahan", "53.71.04.1001",
        "--name", "Kelurahan Oebobo", "--expires-in", "90d",
    )  # fmt: skip
    assert kelurahan.exit_code == 0, kelurahan.output
    secrets = [admin.stdout.strip(), kelurahan.stdout.strip()]
    assert "works until" in kelurahan.stderr

    table = skk("keys", "list")
    assert table.exit_code == 0, table.output
    header, newest, oldest = table.stdout.splitlines()
    assert header.split() == [
        "id", "prefix", "name", "role", "kelurahan", "created", "expires", "revoked"
    ]  # fmt: skip
    assert newest.startswith("2 ") and "Kelurahan Oebobo" in newest and "53.71.04.1001" in newest
    assert oldest.startswith("1 ") and "Kepala Dinas" in oldest and " admin " in oldest
    expiry = (datetime.now(UTC) + timedelta(days=90)).strftime("%Y-%m-%d")
    assert expiry in newest and expiry not in oldest
    assert secrets[1][:12] in newest  # the prefix tells keys apart
    for secret in secrets:
        assert secret not in table.output

    listed = json.loads(skk("keys", "list", "--json").stdout)
    assert [k["name"] for k in listed] == ["Kelurahan Oebobo", "Kepala Dinas"]
    assert listed[0]["expires_at"].startswith(expiry) and listed[1]["expires_at"] is None
    assert listed[0]["revoked_at"] is None
    assert all(set(k) >= {"id", "prefix", "role", "kelurahan_code", "created_at"} for k in listed)
    for secret in secrets:
        assert secret not in json.dumps(listed)


def test_revoke_is_audited_idempotent_and_clear_about_unknown_ids(skk: Skk, tmp_path: Path) -> None:
    assert skk("keys", "create", "--role", "operator", "--name", "Loket 1").exit_code == 0

    revoked = skk("keys", "revoke", "1")
    assert revoked.exit_code == 0, revoked.output
    assert "key 1 (Loket 1) revoked" in revoked.stdout
    again = skk("keys", "revoke", "1")
    assert again.exit_code == 0
    assert "already revoked" in again.stdout
    # One audit entry, by the command line, however often it is revoked.
    assert _rows(tmp_path, "SELECT target, role FROM audit_events WHERE action = 'api_key.revoked'") == [("1", "admin")]  # fmt: skip  # noqa: E501
    assert json.loads(skk("keys", "list", "--json").stdout)[0]["revoked_at"] is not None

    unknown = skk("keys", "revoke", "42")
    assert unknown.exit_code == 2
    assert "API key 42 does not exist" in unknown.stderr
    assert "skk keys list" in unknown.stderr
    not_a_number = skk("keys", "revoke", "first")
    assert not_a_number.exit_code == 2
    assert "not a valid integer" in not_a_number.output


@pytest.mark.parametrize(
    ("written", "life"),
    [("90d", timedelta(days=90)), ("12h", timedelta(hours=12)), ("2w", timedelta(weeks=2))],
)
def test_expires_in_takes_hours_days_and_weeks(
    skk: Skk, tmp_path: Path, written: str, life: timedelta
) -> None:
    before = datetime.now(UTC)
    made = skk("keys", "create", "--role", "auditor", "--name", "BPK", "--expires-in", written)
    assert made.exit_code == 0, made.output
    [expires] = json.loads(skk("keys", "list", "--json").stdout)
    expires_at = datetime.fromisoformat(expires["expires_at"])
    assert before + life <= expires_at <= datetime.now(UTC) + life


@pytest.mark.parametrize("garbage", ["90", "d", "90x", "-5d", "0d", "1.5d", "90 days", ""])
def test_expires_in_garbage_is_refused_with_the_forms_it_takes(skk: Skk, garbage: str) -> None:
    result = skk("keys", "create", "--role", "admin", "--name", "x", "--expires-in", garbage)
    assert result.exit_code == 2
    assert "is not a duration" in result.output and "90d, 12h or 2w" in result.output
    assert "skk_" not in result.output


def test_expires_in_beyond_ten_years_is_a_sentence(skk: Skk) -> None:
    result = skk("keys", "create", "--role", "admin", "--name", "x", "--expires-in", "600w")
    assert result.exit_code == 2
    assert "between 1 hour and 3650 days" in result.stderr
    assert "skk_" not in result.output


def test_list_on_a_new_database_says_how_to_make_a_key(skk: Skk) -> None:
    result = skk("keys", "list")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "skk keys create" in result.stderr


@needs_zbar
def test_create_with_a_printout_whose_qr_opens_the_sign_in_page_with_the_key(
    skk: Skk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SKK_PUBLIC_BASE_URL", "https://skk.kupangkota.go.id")
    printout = tmp_path / "kunci loket.pdf"
    created = skk(
        "keys", "create", "--role", "kelurahan", "--kelurahan", "53.71.04.1001",
        "--name", "Kelurahan Oebobo", "--expires-in", "90d", "--printout", str(printout),
    )  # fmt: skip
    assert created.exit_code == 0, created.output
    secret = created.stdout.strip()
    assert "printout written" in created.stderr and secret not in created.stderr
    assert "https" not in created.stderr  # no warning: the address is https
    pdf = printout.read_bytes()
    assert scan_pdf(pdf, tmp_path) == [f"https://skk.kupangkota.go.id/office/sign-in#key={secret}"]
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    words = " ".join(reader.pages[0].extract_text().split())
    for said in ("Kelurahan Oebobo", "Kelurahan 53.71.04.1001 Oebobo", "Kelurahan:", "UTC", secret):
        assert said in words, (said, words)
    assert "sampai dicabut" not in words  # it has an expiry


def test_a_printout_that_cannot_be_written_leaves_no_key(skk: Skk, tmp_path: Path) -> None:
    created = skk(
        "keys", "create", "--role", "operator", "--name", "Loket 2",
        "--printout", str(tmp_path / "no-such-folder" / "kunci.pdf"),
    )  # fmt: skip
    assert created.exit_code != 0
    assert "cannot write the printout" in created.output
    assert "warning" not in created.output
    assert _rows(tmp_path, "SELECT count(*) FROM api_keys") == [(0,)]


def test_a_printout_for_a_plain_http_address_is_warned_about(
    skk: Skk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SKK_PUBLIC_BASE_URL", "http://192.168.1.10:8000")
    created = skk(
        "keys", "create", "--role", "operator", "--name", "Loket 3",
        "--printout", str(tmp_path / "kunci.pdf"),
    )  # fmt: skip
    assert created.exit_code == 0, created.output
    assert "warning: its QR code opens http://192.168.1.10:8000" in created.stderr
