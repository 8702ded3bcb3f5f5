"""The office pages in a real browser (Selenium, Debian's headless Chromium and
chromium-driver): sign in, find a resident, issue a letter, download the signed PDF; a
kelurahan key cannot open another kelurahan's resident; keyboard and tablet width.

Skipped with the reason where Chromium, its driver or Selenium is absent; `.ci/run` installs
them and sets SKK_TEST_REQUIRE_BROWSER=1, which turns the skip into a failure.
"""

from __future__ import annotations

import base64
import io
import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pypdf
import pytest

from app.db import make_engine, make_sessionmaker, session_scope
from app.schemas.common import Role
from app.services.keys import create_key
from tests.factories import KELURAHAN, OTHER_KELURAHAN, resident_payload
from tests.servers import free_port, initialised_settings, serving

try:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
except ImportError:  # pragma: no cover - the test extra installs it
    webdriver = None  # type: ignore[assignment]

CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver")
MISSING = [
    name
    for name, found in (
        ("chromium", CHROMIUM),
        ("chromium-driver", CHROMEDRIVER),
        ("selenium", webdriver),
    )
    if not found
]
if MISSING and os.environ.get("SKK_TEST_REQUIRE_BROWSER"):
    raise RuntimeError(f"SKK_TEST_REQUIRE_BROWSER is set but {', '.join(MISSING)} is missing")
pytestmark = pytest.mark.skipif(
    bool(MISSING),
    reason=f"{', '.join(MISSING)} not installed (CI: `apt-get install chromium chromium-driver`, "
    "selenium comes with the test extra)",
)
WAIT = 60


@dataclass(frozen=True)
class Office:
    base: str
    operator_key: str
    kelurahan_key: str
    own_nik: str
    other_nik: str
    api: httpx.Client


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Office]:
    """A served app with an operator key, a kelurahan key and a resident in each kelurahan."""
    tmp = tmp_path_factory.mktemp("office-browser")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    settings = initialised_settings(tmp, port)
    engine = make_engine(settings.database_url)
    with session_scope(make_sessionmaker(engine)) as session:
        operator = create_key(session, name="loket 1", role=Role.operator).secret
        kelurahan = create_key(
            session, name="kelurahan oebobo", role=Role.kelurahan, kelurahan_code=KELURAHAN
        ).secret
    engine.dispose()
    with (
        serving(settings, port),
        httpx.Client(base_url=base, headers={"Authorization": f"Bearer {operator}"}) as api,
    ):
        own = api.post("/api/v1/residents", json=resident_payload(full_name="MARIA NDUN"))
        other = api.post(
            "/api/v1/residents",
            json=resident_payload(full_name="YAKOBUS LAY", kelurahan_code=OTHER_KELURAHAN),
        )
        assert own.status_code == other.status_code == 201, (own.text, other.text)
        yield Office(base, operator, kelurahan, own.json()["nik"], other.json()["nik"], api)


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Any]:
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        # No name resolves but the loopback: a third-party asset would fail to load.
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        "--window-size=1280,900",
        f"--user-data-dir={tmp_path / 'profile'}",
    ):
        options.add_argument(flag)
    options.add_experimental_option(
        "prefs",
        {
            "download.default_directory": str(downloads),
            "download.prompt_for_download": False,
            "plugins.always_open_pdf_externally": True,
        },
    )
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(WAIT)
    driver.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
    )
    driver.downloads = downloads
    try:
        yield driver
    finally:
        driver.quit()


def _sign_in(driver: Any, base: str, key: str) -> None:
    driver.get(f"{base}/office/sign-in")
    driver.find_element(By.ID, "api_key").send_keys(key)
    driver.find_element(By.ID, "sign-in").click()
    _wait_for(lambda: driver.find_elements(By.ID, "sign-out"), "the signed-in page")


def _sign_in_from_qr(driver: Any, base: str, key: str) -> None:
    """Open the URL that the printout's QR code holds; the page fills in the key, the clerk
    presses "Masuk"."""
    driver.get(f"{base}/office/sign-in#key={key}")
    field = driver.find_element(By.ID, "api_key")
    _wait_for(lambda: field.get_attribute("value") == key, "the key filled in from the QR")
    # The key leaves the address bar (and the history) at once.
    assert "#" not in driver.current_url and key not in driver.current_url
    assert driver.find_element(By.ID, "key_from_qr").is_displayed()
    # The button has the focus: Enter signs in.
    assert driver.switch_to.active_element.get_attribute("id") == "sign-in"
    driver.switch_to.active_element.send_keys(Keys.ENTER)
    _wait_for(lambda: driver.find_elements(By.ID, "sign-out"), "the signed-in page")


def _wait_for(found: Any, what: str) -> Any:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        result = found()
        if result:
            return result
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def _downloaded(folder: Path, name: str = "") -> Path:
    def done() -> Path | None:
        files = [
            p
            for p in folder.iterdir()
            if not p.name.endswith(".crdownload") and p.name.startswith(name)
        ]
        return files[0] if files else None

    return _wait_for(done, "the downloaded PDF")  # type: ignore[no-any-return]


def test_sign_in_from_the_qr_find_issue_download_and_print(
    office: Office, browser: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """The clerk's whole errand, timed: sign in from the printout's QR code, find the
    resident, issue, download the signed PDF, print the letter's print view, and download the
    print copy from the letters list."""
    started = time.monotonic()
    _sign_in_from_qr(browser, office.base, office.operator_key)
    signed_in = time.monotonic()
    # Find by NIK, typed the way it is read out: with spaces.
    nik = office.own_nik
    search = browser.find_element(By.ID, "q")
    search.send_keys(f"{nik[:6]} {nik[6:12]} {nik[12:]}")
    search.send_keys(Keys.ENTER)
    _wait_for(lambda: browser.find_elements(By.ID, "issue-letter"), "the resident's page")
    assert "MARIA NDUN" in browser.find_element(By.TAG_NAME, "h1").text
    browser.find_element(By.ID, "purpose").send_keys("Pembukaan rekening bank")
    browser.find_element(By.ID, "issue-letter").click()
    notice = _wait_for(lambda: browser.find_elements(By.ID, "notice"), "the issued notice")
    assert "telah terbit" in notice[0].text
    browser.find_element(By.CSS_SELECTOR, "a.download").click()
    pdf = _downloaded(browser.downloads, "SKK-470")
    downloaded = time.monotonic()
    # The signed file as stored: the same bytes the API serves, and genuine by /api/v1/verify.
    letters = office.api.get("/api/v1/letters", params={"nik": nik}).json()["items"]
    stored = office.api.get(f"/api/v1/letters/{letters[0]['id']}/pdf").content
    assert pdf.read_bytes() == stored
    verdict = office.api.post(
        "/api/v1/verify", content=pdf.read_bytes(), headers={"Content-Type": "application/pdf"}
    ).json()
    assert verdict["letter"]["number"] == letters[0]["number"], verdict

    # The print view, printed (Chromium's print to PDF, as the print dialog would).
    started_print = time.monotonic()
    browser.get(f"{office.base}/office/letters/{letters[0]['id']}")
    browser.find_element(By.ID, "print-view").click()
    _wait_for(lambda: "print=1" in browser.current_url, "the print view")
    printed = base64.b64decode(browser.print_page())
    page_text = " ".join(pypdf.PdfReader(io.BytesIO(printed)).pages[0].extract_text().split())
    assert letters[0]["number"] in page_text and "MARIA NDUN" in page_text
    assert "Keluar" not in page_text  # the site header and its buttons are not printed
    print_view = time.monotonic()

    # The print copy of the letter, from the letters list found by its holder's name.
    browser.get(f"{office.base}/office/letters")
    search = browser.find_element(By.ID, "q")
    search.send_keys("ndun")
    search.send_keys(Keys.ENTER)
    _wait_for(lambda: "q=ndun" in browser.current_url, "the search's answer")
    boxes = browser.find_elements(By.CSS_SELECTOR, "input[name=letter]")
    assert len(boxes) == 1
    boxes[0].click()
    browser.find_element(By.ID, "print").click()
    copy = _downloaded(browser.downloads, "SKK-salinan")
    print_copy = time.monotonic()
    copy_text = pypdf.PdfReader(io.BytesIO(copy.read_bytes())).pages[0].extract_text()
    assert "SALINAN CETAK" in copy_text

    with capsys.disabled():
        print(
            "\noffice, in the browser: sign-in from the QR "
            f"{signed_in - started:.2f} s; sign-in to the downloaded signed letter "
            f"{downloaded - started:.2f} s; print view printed {print_view - started_print:.2f} s; "
            f"sign-in to the printed letter (print copy downloaded) {print_copy - started:.2f} s"
        )


def test_a_kelurahan_key_cannot_open_another_kelurahans_resident(
    office: Office, browser: Any
) -> None:
    _sign_in(browser, office.base, office.kelurahan_key)
    browser.get(f"{office.base}/office/residents/{office.own_nik}")
    assert "MARIA NDUN" in browser.find_element(By.TAG_NAME, "h1").text
    browser.get(f"{office.base}/office/residents/{office.other_nik}")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Tidak ditemukan"
    assert "YAKOBUS" not in browser.page_source
    # The same answer as the API gives that key: 404.
    api = httpx.get(
        f"{office.base}/api/v1/residents/{office.other_nik}",
        headers={"Authorization": f"Bearer {office.kelurahan_key}"},
    )
    assert api.status_code == 404


def test_keyboard_first_stop_is_the_skip_link_and_a_tablet_needs_no_sideways_scroll(
    office: Office, browser: Any
) -> None:
    _sign_in(browser, office.base, office.operator_key)
    browser.get(f"{office.base}/office/residents/{office.own_nik}")
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    assert browser.switch_to.active_element.get_attribute("class") == "skip"
    for width in (1280, 768):
        browser.set_window_size(width, 1000)
        for page in ("/office/", "/office/letters", f"/office/residents/{office.own_nik}"):
            browser.get(office.base + page)
            overflow = browser.execute_script(
                "return document.documentElement.scrollWidth - window.innerWidth"
            )
            assert overflow <= 0, (width, page, overflow)
