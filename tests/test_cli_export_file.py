"""`skk export FILE` writes a file only its owner can read, and never replaces one unasked
(issue 10, class 11)."""

from __future__ import annotations

import stat
from pathlib import Path

from tests.test_cli_transfer import _demo_csv, skk


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_export_file_is_private_and_not_overwritten_without_force(tmp_path: Path) -> None:
    assert skk(tmp_path, "demo", "kupang-2016", "--scale", "0.0005").returncode == 0
    out = tmp_path / "residents.csv"
    first = skk(tmp_path, "export", str(out))
    assert first.returncode == 0, first.stderr
    assert _mode(out) == 0o600
    exported = out.read_bytes()
    assert exported.count(b"\n") > 10

    out.write_bytes(b"the clerk's other work\n")
    refused = skk(tmp_path, "export", str(out))
    assert refused.returncode == 2
    assert "already exists" in refused.stderr and "--force" in refused.stderr
    assert out.read_bytes() == b"the clerk's other work\n"

    out.chmod(0o644)
    forced = skk(tmp_path, "export", str(out), "--force")
    assert forced.returncode == 0, forced.stderr
    assert out.read_bytes() == exported
    assert _mode(out) == 0o600
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_errors_csv_is_private(tmp_path: Path) -> None:
    source = tmp_path / "siak.csv"
    rows = _demo_csv(source, 0.0005)
    lines = source.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace(rows[0]["nik"], "123", 1)
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    errors = tmp_path / "errors.csv"
    errors.write_text("old\n", encoding="utf-8")
    errors.chmod(0o644)
    result = skk(tmp_path, "import", str(source), "--partial", "--errors-csv", str(errors))
    assert result.returncode == 1, result.stderr
    assert "123" in errors.read_text(encoding="utf-8-sig")
    assert _mode(errors) == 0o600
