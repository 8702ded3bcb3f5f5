"""The Dockerfile and compose.yaml: what an office starts with `docker compose up -d`. No Docker
daemon runs in CI; `docker compose config` checks the file where the plugin is installed, and
tests/test_packaging.py runs the image's steps (wheel, venv, init, serve) without Docker."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")
COMPOSE_FILE = ROOT / "compose.yaml"


def _compose() -> dict[str, Any]:
    return dict(yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8")))


def _instruction(name: str) -> list[str]:
    """The final stage's instructions of that name, continuation lines joined."""
    final_stage = DOCKERFILE.split("\nFROM ")[-1]
    joined = re.sub(r"\\\n\s*", " ", final_stage)
    return [line.split(None, 1)[1] for line in joined.splitlines() if line.startswith(name + " ")]


def test_the_image_keeps_its_state_in_a_volume_and_checks_its_health() -> None:
    [volume] = _instruction("VOLUME")
    assert volume == '["/var/lib/skk"]'
    env = " ".join(_instruction("ENV"))
    assert "SKK_DATABASE_URL=sqlite:////var/lib/skk/" in env
    assert "SKK_DATA_DIR=/var/lib/skk/" in env
    [health] = _instruction("HEALTHCHECK")
    assert "--interval=" in health and "--start-period=" in health
    assert "http://127.0.0.1:8000/health" in health
    assert _instruction("USER") == ["skk"]


def test_the_image_installs_the_wheel_then_inits_before_serving() -> None:
    assert "pip wheel --no-cache-dir --no-deps" in DOCKERFILE
    assert "pip install --no-cache-dir /tmp/wheels/*.whl" in DOCKERFILE
    [command] = _instruction("CMD")
    assert re.search(r"skk init && exec skk serve --host 0\.0\.0\.0 --port 8000", command)


def test_the_dockerfile_documents_the_production_settings() -> None:
    for setting in (
        "SKK_ENV=production",
        "SKK_PUBLIC_BASE_URL",
        "SKK_SIGNING_P12",
        "SKK_SIGNATORY_NAME",
        "SKK_MIGRATION_DATABASE_URL",
        "SKK_TRUSTED_PROXIES",
    ):
        assert setting in DOCKERFILE, setting


def test_compose_runs_the_service_on_postgresql_15_in_a_named_volume() -> None:
    compose = _compose()
    db, skk = compose["services"]["db"], compose["services"]["skk"]
    assert db["image"] == "postgres:15"
    [data] = db["volumes"]
    volume, target = data.split(":")
    assert volume in compose["volumes"] and target == "/var/lib/postgresql/data"
    assert "ports" not in db  # the database is the service's alone
    assert skk["depends_on"]["db"]["condition"] == "service_healthy"
    assert skk["build"] == "."

    for name in ("SKK_DATABASE_URL", "SKK_MIGRATION_DATABASE_URL"):
        url = make_url(re.sub(r"\$\{[^}]+\}", "pw", skk["environment"][name]))
        assert url.drivername == "postgresql+psycopg"
        assert (url.host, url.port, url.database) == ("db", 5432, db["environment"]["POSTGRES_DB"])
    owner = make_url(re.sub(r"\$\{[^}]+\}", "pw", skk["environment"]["SKK_MIGRATION_DATABASE_URL"]))
    service = make_url(re.sub(r"\$\{[^}]+\}", "pw", skk["environment"]["SKK_DATABASE_URL"]))
    # The migrations run as the tables' owner; the service as a role that cannot alter the log.
    assert owner.username == db["environment"]["POSTGRES_USER"] != service.username

    init, serve = " ".join(skk["command"]).split(" && ")
    assert init.endswith("skk init")
    assert shlex.split(serve)[:4] == ["exec", "skk", "serve", "--host"]
    assert any(v.endswith(":/var/lib/skk") for v in skk["volumes"])


def test_the_env_file_compose_reads_ships_and_sets_nothing_by_default() -> None:
    [env_file] = _compose()["services"]["skk"]["env_file"]
    lines = (ROOT / env_file).read_text(encoding="utf-8").splitlines()
    # As shipped, `docker compose up -d` starts in development mode: every line a comment.
    assert all(not line.strip() or line.startswith("#") for line in lines)
    assert "# SKK_ENV=production" in lines


def test_the_readme_shows_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Run it with Docker", 1)[1].split("\n## ", 1)[0]
    assert "docker compose up -d" in section
    assert 'docker compose exec skk skk keys create --role admin --name "first admin"' in section


@pytest.mark.skipif(
    shutil.which("docker") is None
    or subprocess.run(["docker", "compose", "version"], capture_output=True).returncode != 0,
    reason="the docker compose plugin is not installed",
)
def test_docker_compose_accepts_the_file() -> None:
    result = subprocess.run(
        ["docker", "compose", "-f", str(COMPOSE_FILE), "config", "--quiet"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
