"""What an operator reads: `skk init` without Alembic's step-by-step lines unless --verbose,
and an all-or-nothing import that was refused never reads as if rows were stored."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.services.test_importer import row, to_csv


def skk(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        env={
            **os.environ,
            "SKK_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
            "SKK_DATA_DIR": str(tmp_path / "data"),
        },
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_init_keeps_alembic_quiet_unless_verbose(tmp_path: Path) -> None:
    quiet = skk(tmp_path / "quiet", "init")
    assert quiet.returncode == 0, quiet.stderr
    assert "Running upgrade" not in quiet.stdout + quiet.stderr
    assert "alembic" not in quiet.stdout + quiet.stderr
    assert quiet.stderr.strip().splitlines() == ["schema at head; 7888 region codes added"]

    verbose = skk(tmp_path / "verbose", "--verbose", "init")
    assert verbose.returncode == 0, verbose.stderr
    assert "Running upgrade  -> 0001" in verbose.stderr
    assert "-> 0009" in verbose.stderr
    short = skk(tmp_path / "short", "-v", "init")
    assert "Running upgrade" in short.stderr


def test_refused_all_or_nothing_import_says_nothing_was_stored(tmp_path: Path) -> None:
    good = [row(full_name="MARIA NDUN"), row(full_name="YOHANES BENU", sex="laki_laki")]
    bad = row(full_name="PAULUS TEFA", religion="ISLM")
    source = tmp_path / "siak.csv"
    source.write_bytes(to_csv([good[0], bad, good[1]]))

    result = skk(tmp_path, "import", str(source))
    assert result.returncode == 1, result.stderr
    out = result.stdout
    assert "inserted" not in out and "updated" not in out
    assert "nothing was stored: 1 of 3 rows rejected (all or nothing)" in out
    assert "--partial to store the 2 good rows" in out
    assert "line 3" in out and "religion" in out  # names the error
    assert bad["nik"] not in out + result.stderr  # masked
    with sqlite3.connect(tmp_path / "cli.db") as db:
        assert db.execute("SELECT count(*) FROM residents").fetchone() == (0,)

    # The same file with --partial stores the good rows, and says so.
    partial = skk(tmp_path, "import", str(source), "--partial")
    assert partial.returncode == 1
    assert "3 rows: 2 inserted, 0 updated, 0 unchanged, 1 rejected" in partial.stdout
    assert "nothing was stored" not in partial.stdout


def test_dry_run_says_nothing_was_stored(tmp_path: Path) -> None:
    source = tmp_path / "siak.csv"
    source.write_bytes(to_csv([row()]))
    result = skk(tmp_path, "import", str(source), "--dry-run")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("dry run, nothing was stored: of 1 rows, 1 inserted")
