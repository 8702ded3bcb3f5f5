"""`skk import`, `skk export` and `skk demo` as a clerk runs them (subprocesses on SQLite)."""

from __future__ import annotations

import csv
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.demo.kupang2016 import expected_counts, generate
from app.services.importer import IMPORT_COLUMNS


def _env(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "SKK_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        "SKK_DATA_DIR": str(tmp_path / "data"),
    }


def skk(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=300,
    )


def _count(tmp_path: Path, sql: str) -> int:
    with sqlite3.connect(tmp_path / "cli.db", timeout=30) as db:
        return int(db.execute(sql).fetchone()[0])


def _demo_csv(path: Path, scale: float) -> list[dict[str, str]]:
    """The demo population as an import file (what a SIAK export would hold)."""
    rows = []
    for person in generate(seed=11, scale=scale):
        values = {c: getattr(person, c) for c in IMPORT_COLUMNS if c != "recording_status_at"}
        values["has_itap"] = "YA" if person.has_itap else "TIDAK"
        values["birth_date"] = person.birth_date.strftime("%d-%m-%Y")
        rows.append(values)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), delimiter=";")
        writer.writeheader()
        writer.writerows(rows)
    return rows


def test_demo_loads_the_expected_count_once(tmp_path: Path) -> None:
    first = skk(tmp_path, "demo", "kupang-2016", "--scale", "0.01", "--seed", "7")
    assert first.returncode == 0, first.stderr
    total = expected_counts(0.01)["total"]
    assert _count(tmp_path, "SELECT count(*) FROM residents") == total
    events = _count(tmp_path, "SELECT count(*) FROM recording_events WHERE source = 'demo'")
    assert events == sum(len(p.recording_events) for p in generate(seed=7, scale=0.01))
    again = skk(tmp_path, "demo", "kupang-2016", "--scale", "0.01", "--seed", "7", "--if-empty")
    assert again.returncode == 0, again.stderr
    assert "not loaded" in again.stderr
    assert _count(tmp_path, "SELECT count(*) FROM residents") == total
    refused = skk(tmp_path, "demo", "kupang-2016", "--scale", "0.01")
    assert refused.returncode == 1
    assert "empty database" in refused.stderr


def test_export_then_import_is_a_no_op(tmp_path: Path) -> None:
    assert skk(tmp_path, "demo", "kupang-2016", "--scale", "0.002").returncode == 0
    out = tmp_path / "out.csv"
    exported = skk(tmp_path, "export", str(out))
    assert exported.returncode == 0, exported.stderr
    total = expected_counts(0.002)["total"]
    assert f"exported {total:,} residents" in exported.stderr
    result = skk(tmp_path, "import", str(out))
    assert result.returncode == 0, result.stderr
    assert f"0 inserted, 0 updated, {total:,} unchanged, 0 rejected" in result.stdout
    scoped = skk(tmp_path, "export", "-", "--kelurahan", "53.71.04.1001")
    lines = scoped.stdout.splitlines()
    assert lines[0].split(",") == list(IMPORT_COLUMNS)
    assert {line.split(",")[15] for line in lines[1:]} == {"53.71.04.1001"}


def test_errors_csv_can_be_fixed_and_imported_again(tmp_path: Path) -> None:
    source = tmp_path / "siak.csv"
    rows = _demo_csv(source, 0.001)
    text = source.read_text(encoding="utf-8").splitlines()
    broken = text[1].replace(rows[0]["religion"].upper(), "ISLM", 1)
    broken = broken.replace(rows[0]["religion"], "ISLM", 1)
    source.write_text("\n".join([text[0], broken, *text[2:]]) + "\n", encoding="utf-8")
    errors = tmp_path / "errors.csv"
    result = skk(tmp_path, "import", str(source), "--partial", "--errors-csv", str(errors))
    assert result.returncode == 1
    assert f"{len(rows) - 1:,} inserted" in result.stdout
    assert "line 2" in result.stdout and "religion" in result.stdout
    assert rows[0]["nik"] not in result.stdout + result.stderr  # masked
    with open(errors, encoding="utf-8-sig", newline="") as handle:
        [rejected] = list(csv.DictReader(handle, delimiter=";"))
    assert "religion" in rejected["errors"]
    rejected["religion"] = "ISLAM"
    fixed = tmp_path / "fixed.csv"
    with open(fixed, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rejected), delimiter=";")
        writer.writeheader()
        writer.writerow(rejected)
    again = skk(tmp_path, "import", str(fixed))
    assert again.returncode == 0, again.stdout + again.stderr
    assert "1 inserted" in again.stdout
    assert _count(tmp_path, "SELECT count(*) FROM residents") == len(rows)


@pytest.mark.parametrize("mode", ["--partial", "--all-or-nothing"])
def test_killed_import_leaves_whole_batches_and_a_rerun_completes_it(
    tmp_path: Path, mode: str
) -> None:
    source = tmp_path / "siak.csv"
    rows = _demo_csv(source, 0.03)
    recorded = sum(1 for r in rows if r["recording_status"] != "unregistered")
    assert skk(tmp_path, "init").returncode == 0
    args = [str(source), "--batch-size", "20"] + (["--partial"] if mode == "--partial" else [])
    process = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "import", *args],
        env=_env(tmp_path),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    stored = 0
    deadline = time.monotonic() + 120
    while process.poll() is None and time.monotonic() < deadline:
        stored = _count(tmp_path, "SELECT count(*) FROM residents")
        if stored >= 40:  # at least two batches committed
            break
        time.sleep(0.002)
    process.send_signal(signal.SIGKILL)
    process.wait()
    stored = _count(tmp_path, "SELECT count(*) FROM residents")
    assert 0 < stored < len(rows), "the import was not caught mid-way"
    # Whole batches only: each stored resident has its import event, nothing half-written.
    assert stored % 20 == 0
    events = _count(tmp_path, "SELECT count(*) FROM recording_events")
    stored_recorded = _count(
        tmp_path, "SELECT count(*) FROM residents WHERE recording_status != 'unregistered'"
    )
    assert events == stored_recorded

    rerun = skk(tmp_path, "import", *args)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert f"{len(rows) - stored:,} inserted" in rerun.stdout
    assert f"{stored:,} unchanged" in rerun.stdout
    assert _count(tmp_path, "SELECT count(*) FROM residents") == len(rows)
    assert _count(tmp_path, "SELECT count(DISTINCT nik) FROM residents") == len(rows)
    assert _count(tmp_path, "SELECT count(*) FROM recording_events WHERE source = 'import'") == (
        recorded
    )


def test_cli_export_and_errors_csv_never_hold_a_formula(tmp_path: Path) -> None:
    from tests.services.test_importer import row, to_csv

    hostile = row(birth_date="1981-01-01", full_name='=HYPERLINK("http://x","y")', address="-1")
    bad = row(birth_date="1981-01-02", full_name="@SUM(A1)", religion="=1+1")
    source = tmp_path / "in.csv"
    source.write_bytes(to_csv([hostile, bad]))
    errors = tmp_path / "errors.csv"
    result = skk(tmp_path, "import", str(source), "--partial", "--errors-csv", str(errors))
    assert "1 inserted" in result.stdout, result.stdout + result.stderr
    out = tmp_path / "out.csv"
    assert skk(tmp_path, "export", str(out)).returncode == 0
    for path in (out, errors):
        with open(path, encoding="utf-8-sig", newline="") as handle:
            cells = [c for r in csv.reader(handle) for c in r]
        assert cells and not [c for c in cells if c[:1] in ("=", "+", "-", "@")], path
    [exported] = list(csv.DictReader(out.open(encoding="utf-8")))
    assert exported["full_name"] == '\'=HYPERLINK("http://x","y")'
    # The errors file, fixed, imports the name as it was sent.
    with open(errors, encoding="utf-8-sig", newline="") as handle:
        [rejected] = list(csv.DictReader(handle))
    rejected["religion"] = "ISLAM"
    del rejected["errors"]
    fixed = tmp_path / "fixed.csv"
    fixed.write_bytes(to_csv([rejected]))
    assert "1 inserted" in skk(tmp_path, "import", str(fixed)).stdout
    names = _count(tmp_path, "SELECT count(*) FROM residents WHERE full_name = '@SUM(A1)'")
    assert names == 1
