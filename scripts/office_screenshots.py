"""Screenshots of the office pages (/office) for the README, made in headless Chromium.

In a temporary directory: `skk init`, an operator key, a few demo residents, two letters, the
service on a free loopback port; then Selenium with Debian's `chromium` and `chromium-driver`
signs in and saves the main pages at 1280 px (an office PC) and 768 px (a tablet) into
docs/office/*.png; and the key printout of `skk keys create --printout` (a made-up key) as
docs/office/key-printout.png (poppler's pdftoppm).

    .venv/bin/python scripts/office_screenshots.py [--out docs/office]
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

RESIDENTS = [
    ("5371046208950003", "MARIA YULIANA NDUN", "1995-08-22", "perempuan"),
    ("5371041203980004", "YOSEF AGUSTINUS TEFA", "1998-03-12", "laki_laki"),
    ("5371045107000005", "ANASTASIA BELA LAKA", "2000-07-11", "perempuan"),
]
PAGES = [
    ("sign-in", "/office/sign-in", False),
    ("today", "/office/", True),
    ("resident", "/office/residents/5371046208950003", True),
    ("letters", "/office/letters", True),
    ("register", "/office/register", True),
]
WIDTHS = (1280, 768)


def _resident(nik: str, name: str, born: str, sex: str) -> dict[str, Any]:
    return {
        "nik": nik,
        "kk_number": "5371041503150003",
        "full_name": name,
        "birth_place": "KUPANG",
        "birth_date": born,
        "sex": sex,
        "blood_type": "O",
        "religion": "katolik",
        "marital_status": "belum_kawin",
        "occupation": "PELAJAR/MAHASISWA",
        "citizenship": "WNI",
        "address": "JL. W.J. LALAMENTIK NO. 12",
        "rt": "007",
        "rw": "003",
        "kelurahan_code": "53.71.04.1001",
    }


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "office")
    args = parser.parse_args()
    chromium, driver_path = shutil.which("chromium"), shutil.which("chromedriver")
    if not (chromium and driver_path):
        sys.exit("needs chromium and chromium-driver: apt-get install chromium chromium-driver")
    with tempfile.TemporaryDirectory() as tmp:
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        os.environ.update(
            {
                "SKK_DATABASE_URL": f"sqlite:///{tmp}/demo.db",
                "SKK_DATA_DIR": f"{tmp}/data",
                "SKK_PUBLIC_BASE_URL": base,
            }
        )
        skk = [sys.executable, "-m", "app.cli"]
        subprocess.run([*skk, "init"], check=True, capture_output=True)
        key = subprocess.run(
            [*skk, "keys", "create", "--role", "operator", "--name", "Loket 1"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        server = _serve(port)
        try:
            _demo_data(base, key)
            _shoot(base, key, args.out, chromium, driver_path, Path(tmp))
        finally:
            server.should_exit = True
    _printout(args.out)
    for path in sorted(args.out.glob("*.png")):
        print(f"wrote {path.relative_to(ROOT)} ({path.stat().st_size:,} bytes)")


def _printout(out: Path) -> None:
    """The key printout of `skk keys create --printout`, with a made-up key, as a picture."""
    from datetime import UTC, datetime

    from app.documents.key_printout import KeyPrintout, render_key_printout

    pdf = render_key_printout(
        KeyPrintout(
            secret="skk_CONTOH-bukan-kunci-sungguhan-EXAMPLE-only",
            name="Kelurahan Oebobo",
            role="kelurahan",
            kelurahan="53.71.04.1001 Oebobo",
            expires_at=datetime(2027, 6, 30, 16, 0, tzinfo=UTC),
            created_at=datetime(2026, 12, 1, 1, 30, tzinfo=UTC),
            office="PEMERINTAH KOTA KUPANG / DINAS KEPENDUDUKAN DAN PENCATATAN SIPIL",
            public_base_url="https://skk.kupangkota.go.id",
        )
    )
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "printout.pdf").write_bytes(pdf)
        subprocess.run(
            ["pdftoppm", "-r", "60", "-png", "-singlefile", f"{tmp}/printout.pdf"]
            + [str(out / "key-printout")],
            check=True,
        )


def _serve(port: int) -> Any:
    import uvicorn

    from app.config import Settings
    from app.main import create_app

    server = uvicorn.Server(
        uvicorn.Config(create_app(Settings()), host="127.0.0.1", port=port, log_level="warning")
    )
    threading.Thread(target=server.run, daemon=True).start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline:
            sys.exit("the service did not start")
        time.sleep(0.05)
    return server


def _demo_data(base: str, key: str) -> None:
    import httpx

    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {key}"}) as api:
        for row in RESIDENTS:
            api.post("/api/v1/residents", json=_resident(*row)).raise_for_status()
        for nik in (RESIDENTS[0][0], RESIDENTS[1][0]):
            api.post(
                f"/api/v1/residents/{nik}/letters", json={"purpose": "Pembukaan rekening bank"}
            ).raise_for_status()


def _shoot(base: str, key: str, out: Path, chromium: str, driver_path: str, tmp: Path) -> None:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--hide-scrollbars",
        "--force-device-scale-factor=1",
        f"--user-data-dir={tmp / 'profile'}",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    out.mkdir(parents=True, exist_ok=True)
    try:
        for width in WIDTHS:
            driver.delete_all_cookies()
            driver.set_window_size(width, 900)
            for name, path, signed in PAGES:
                if signed and not driver.get_cookie("skk_office"):
                    driver.get(f"{base}/office/sign-in")
                    driver.find_element(By.ID, "api_key").send_keys(key)
                    driver.find_element(By.ID, "sign-in").click()
                driver.get(base + path)
                height = driver.execute_script("return document.documentElement.scrollHeight")
                # The whole page in one picture: the viewport made as tall as the page.
                driver.execute_cdp_cmd(
                    "Emulation.setDeviceMetricsOverride",
                    {
                        "width": width,
                        "height": min(max(height, 600), 2400),
                        "deviceScaleFactor": 1,
                        "mobile": False,
                    },
                )
                driver.save_screenshot(str(out / f"{name}-{width}.png"))
                driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
