"""The layout: migrations in the top-level alembic/, shipped in the wheel as app/migrations."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import tomllib
from pathlib import Path

import httpx
import pytest

from app.migrate import migrations_dir
from tests.servers import free_port, wait_until_healthy

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


@pytest.mark.slow  # ~1 min: builds the wheel and installs it with its dependencies
def test_the_wheel_installs_inits_and_serves_as_the_image_does(tmp_path: Path) -> None:
    """The Dockerfile's steps without Docker: build the wheel, install it into a fresh venv,
    `skk init`, `skk serve`, and /health answers ok (SQLite in a folder that does not exist
    yet, as in a fresh volume)."""
    wheels, venv, state = tmp_path / "wheels", tmp_path / "venv", tmp_path / "state" / "skk"
    built = _run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--wheel-dir", wheels, ROOT],
        timeout=300,
    )
    assert built.returncode == 0, built.stderr
    [wheel] = wheels.glob("skk_service-*.whl")
    assert _run([sys.executable, "-m", "venv", venv]).returncode == 0
    installed = _run([venv / "bin" / "pip", "install", "-q", wheel], timeout=600)
    assert installed.returncode == 0, installed.stderr[-3000:]

    # Outside the checkout, with nothing of it on the path: only the installed wheel runs.
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SKK_", "PYTHON"))},
        "SKK_DATABASE_URL": f"sqlite:///{state / 'skk.db'}",
        "SKK_DATA_DIR": str(state / "data"),
    }
    skk = str(venv / "bin" / "skk")
    init = _run([skk, "init"], env=env, cwd=tmp_path)
    assert init.returncode == 0, init.stderr
    assert init.stderr.strip() == "schema at head; 7888 region codes added"
    version = _run([skk, "--version"], env=env, cwd=tmp_path)
    assert version.returncode == 0 and "0." in version.stdout
    key = _run([skk, "keys", "create", "--role", "admin", "--name", "first"], env=env, cwd=tmp_path)
    assert key.returncode == 0, key.stderr

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "serve.log"
    with open(log, "wb") as out:
        server = subprocess.Popen(
            [skk, "serve", "--host", "127.0.0.1", "--port", str(port)],
            env={**env, "SKK_PUBLIC_BASE_URL": base},
            cwd=tmp_path,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_until_healthy(base, server, log)
            health = httpx.get(f"{base}/health", timeout=10)
            assert health.json()["status"] == "ok"
            me = httpx.get(
                f"{base}/api/v1/me",
                headers={"Authorization": f"Bearer {key.stdout.strip()}"},
                timeout=10,
            )
            assert me.status_code == 200 and me.json()["name"] == "first"
            # The templates and the region data came with the wheel.
            assert "Kota Kupang" in httpx.get(f"{base}/statistics", timeout=30).text
            # So did the office sign-in page's script.
            script = httpx.get(f"{base}/office/sign-in.js", timeout=10)
            assert script.status_code == 200 and "api_key" in script.text
        finally:
            server.terminate()
            server.wait(timeout=30)
    where = _run(
        [venv / "bin" / "python", "-c", "import app; print(app.__file__)"], env=env, cwd=tmp_path
    )
    assert where.stdout.startswith(str(venv)), where.stdout  # not the checkout's app/


def _run(
    command: list[str | Path],
    *,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(part) for part in command],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
