"""Render the README's picture of a letter: a demo resident's letter issued by the real service.

In a temporary directory: `skk init` (schema, regions, development signing key), an operator
key, one demo resident registered and moved to `card_printed`, one letter issued through the
API, its signed PDF saved, and page 1 rasterised with poppler's pdftoppm. The letter is signed
with the development key, so it carries the "not valid" marks a development letter must.

    .venv/bin/python scripts/render_demo_letter.py [--out docs/letter-example.png] [--dpi 100]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

RESIDENT = {
    "nik": "5371046208950003",
    "kk_number": "5371041503150003",
    "full_name": "MARIA YULIANA NDUN",
    "birth_place": "KUPANG",
    "birth_date": "1995-08-22",
    "sex": "perempuan",
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
OFFICE_SETTINGS = {
    "SKK_OFFICE_PHONE": "(0380) 800000",
    "SKK_OFFICE_EMAIL": "dukcapil@example.go.id",
    "SKK_OFFICE_WEBSITE": "dukcapil.example.go.id",
    "SKK_SIGNATORY_RANK": "Pembina Utama Muda (IV/c)",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "letter-example.png")
    parser.add_argument("--dpi", type=int, default=100)
    parser.add_argument("--pdf", type=Path, help="also keep the signed PDF here")
    args = parser.parse_args()
    if shutil.which("pdftoppm") is None:
        sys.exit("pdftoppm (poppler-utils) is needed to rasterise the letter")
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "SKK_DATABASE_URL": f"sqlite:///{tmp}/demo.db",
            "SKK_DATA_DIR": f"{tmp}/data",
            "SKK_PUBLIC_BASE_URL": "https://skk.example.go.id",
            **OFFICE_SETTINGS,
        }
        os.environ.update(env)
        skk = [sys.executable, "-m", "app.cli"]
        subprocess.run([*skk, "init"], env=env, check=True, capture_output=True)
        key = subprocess.run(
            [*skk, "keys", "create", "--role", "operator", "--name", "demo letter"],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        pdf = _issue(key)
        pdf_path = Path(tmp) / "letter.pdf"
        pdf_path.write_bytes(pdf)
        if args.pdf:
            args.pdf.write_bytes(pdf)
        stem = Path(tmp) / "letter"
        subprocess.run(
            ["pdftoppm", "-png", "-singlefile", "-r", str(args.dpi), str(pdf_path), str(stem)],
            check=True,
        )
        args.out.parent.mkdir(parents=True, exist_ok=True)
        _palette_png(stem.with_suffix(".png"), args.out)
    print(f"wrote {args.out} ({args.out.stat().st_size:,} bytes)")


def _palette_png(source: Path, target: Path) -> None:
    """Save as a 64-colour palette PNG: a text page stays sharp at a third of the size."""
    from PIL import Image  # installed with reportlab

    with Image.open(source) as image:
        image.convert("RGB").quantize(colors=64).save(target, optimize=True)


def _issue(key: str) -> bytes:
    """Register the resident, move the recording to card_printed, issue; the signed PDF."""
    from fastapi.testclient import TestClient

    from app.config import Settings
    from app.main import create_app

    headers = {"Authorization": f"Bearer {key}"}
    with TestClient(create_app(Settings())) as client:
        base = "/api/v1/residents"
        created = client.post(base, json=RESIDENT, headers=headers)
        created.raise_for_status()
        nik = created.json()["nik"]
        for status in ("bio_captured", "card_printed"):
            moved = client.post(
                f"{base}/{nik}/recording-events", json={"status": status}, headers=headers
            )
            moved.raise_for_status()
        issued = client.post(
            f"{base}/{nik}/letters", json={"purpose": "Pembukaan rekening bank"}, headers=headers
        )
        issued.raise_for_status()
        letter_id = issued.json()["id"]
        pdf = client.get(f"/api/v1/letters/{letter_id}/pdf", headers=headers)
        pdf.raise_for_status()
        return pdf.content


if __name__ == "__main__":
    main()
