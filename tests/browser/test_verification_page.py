"""The verification page in headless Chromium: what a phone that scans the QR code shows."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from app.db import make_engine, make_sessionmaker, session_scope
from app.domain.masking import mask_nik
from app.schemas.common import Role
from app.services.keys import create_key
from tests.factories import resident_payload
from tests.servers import free_port, initialised_settings, serving

CHROMIUM = shutil.which("chromium")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="chromium is not installed (CI installs it with `apt-get install chromium`)",
)
BROWSER_TIMEOUT = 60


@dataclass(frozen=True)
class LiveLetter:
    page_url: str
    number: str
    nik: str


@pytest.fixture(scope="module")
def live_letter(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveLetter]:
    """A server on a free port with one issued letter."""
    tmp = tmp_path_factory.mktemp("browser")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    settings = initialised_settings(tmp, port)
    engine = make_engine(settings.database_url)
    with session_scope(make_sessionmaker(engine)) as session:
        secret = create_key(session, name="browser test", role=Role.operator).secret
    engine.dispose()

    with (
        serving(settings, port),
        httpx.Client(base_url=base, headers={"Authorization": f"Bearer {secret}"}) as http,
    ):
        resident = http.post("/api/v1/residents", json=resident_payload())
        assert resident.status_code == 201, resident.text
        nik = resident.json()["nik"]
        letter = http.post(f"/api/v1/residents/{nik}/letters", json={"purpose": "Bank"})
        assert letter.status_code == 201, letter.text
        yield LiveLetter(
            page_url=letter.json()["verification_url"], number=letter.json()["number"], nik=nik
        )


def _chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    return subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={tmp_path / 'chromium-profile'}",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=BROWSER_TIMEOUT,
        check=False,
    )


def test_the_page_shows_status_number_and_masked_nik(live_letter: LiveLetter, tmp_path) -> None:
    result = _chromium(tmp_path, "--dump-dom", live_letter.page_url)
    assert result.returncode == 0, result.stderr[-2000:]
    dom = result.stdout
    assert "BERLAKU" in dom and "VALID" in dom
    assert live_letter.number in dom
    assert mask_nik(live_letter.nik) in dom
    assert live_letter.nik not in dom


def test_the_page_renders_on_a_phone_sized_screen(live_letter: LiveLetter, tmp_path) -> None:
    shot = tmp_path / "page.png"
    result = _chromium(
        tmp_path, f"--screenshot={shot}", "--window-size=412,915", live_letter.page_url
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert shot.exists()
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    # A blank 412x915 PNG compresses to a few hundred bytes; the page has text and colour.
    assert len(data) > 10_000
