"""The layout: migrations in the top-level alembic/, shipped in the wheel as app/migrations."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import tomllib
from pathlib import Path

from app.migrate import migrations_dir

ROOT = Path(__file__).resolve().parent.parent


def _listed_packages() -> set[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return set(config["tool"]["setuptools"]["packages"])


def test_every_folder_of_the_app_is_a_listed_package() -> None:
    folders = {
        ".".join(path.relative_to(ROOT).parts)
        for path in [ROOT / "app", *(ROOT / "app").rglob("*")]
        if path.is_dir() and path.name != "__pycache__"
    }
    assert folders | {"app.migrations", "app.migrations.versions"} == _listed_packages()


def test_a_checkout_finds_the_top_level_migrations() -> None:
    assert migrations_dir() == ROOT / "alembic"
    assert (ROOT / "alembic" / "env.py").is_file()
    # No __init__.py: a folder named like the library must never shadow it.
    assert not (ROOT / "alembic" / "__init__.py").exists()


def test_alembic_upgrade_head_from_the_repository_root(tmp_path: Path) -> None:
    database = tmp_path / "alembic.db"
    result = subprocess.run(
        [sys.executable, "-m", "alembic", "upgrade", "head"],
        cwd=ROOT,
        env={**os.environ, "SKK_DATABASE_URL": f"sqlite:///{database}"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(database) as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
    assert {"residents", "letters", "audit_events", "alembic_version"} <= tables
