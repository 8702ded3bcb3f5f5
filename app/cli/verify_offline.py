"""`skk verify-offline FILE.pdf --jwks jwks.json`: check a letter's QR code as an offline
verifier app would, against a JWK Set saved from `/.well-known/jwks.json`."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import click

from app.cli.main import main
from app.documents.offline_qr import VERDICTS, OfflineCheck, Outcome, check_qr_url, split_qr_url

RENDER_DPI = 150  # a phone photo or an office scan of the printed page, no better
TOOL_SECONDS = 60

_CLAIM_LABELS = {
    "n": "Letter number",
    "h": "Holder",
    "k": "NIK (masked)",
    "i": "Issued on",
    "e": "Valid until",
    "t": "Token hash",
}


class QrNotRead(Exception):
    """The page's QR code could not be read; the message says why."""


def qr_texts_of_pdf(path: Path, *, dpi: int = RENDER_DPI) -> list[str]:
    """Every QR code on the PDF's first page, read from its image (pdftoppm, then zbarimg)."""
    for tool, package in (("pdftoppm", "poppler-utils"), ("zbarimg", "zbar-tools")):
        if shutil.which(tool) is None:
            raise QrNotRead(f"{tool} is not installed (Debian package {package})")
    with tempfile.TemporaryDirectory(prefix="skk-qr-") as tmp:
        image = Path(tmp) / "page"
        try:
            subprocess.run(
                ["pdftoppm", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile", "-png"]
                + [str(path), str(image)],
                check=True,
                capture_output=True,
                timeout=TOOL_SECONDS,
            )
        except subprocess.CalledProcessError:
            raise QrNotRead(f"{path} cannot be rendered: it is not a readable PDF") from None
        except subprocess.TimeoutExpired:
            raise QrNotRead(f"{path} took too long to render") from None
        try:
            read = subprocess.run(
                ["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable"]
                + [str(image.with_suffix(".png"))],
                capture_output=True,
                timeout=TOOL_SECONDS,
            )
        except subprocess.TimeoutExpired:
            raise QrNotRead("the page's image took too long to scan") from None
    # zbarimg: 0 found, 4 nothing found; its output is one code a line (URLs hold none).
    if read.returncode not in (0, 4):
        raise QrNotRead(f"zbarimg failed: {read.stderr.decode(errors='replace').strip()}")
    return [line for line in read.stdout.decode("utf-8", errors="replace").splitlines() if line]


def _load_jwks(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise click.BadParameter(f"{path} is not a readable JSON file ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("keys"), list):
        raise click.BadParameter(f"{path} is not a JWK Set (no `keys` list)")
    return data


def _show(check: OfflineCheck, url: str | None) -> None:
    for claim, label in _CLAIM_LABELS.items():
        if claim in check.claims:
            click.echo(f"{label + ':':15} {check.claims[claim]}")
    if check.kid:
        click.echo(f"{'Key (kid):':15} {check.kid}")
    click.echo(f"{'Verdict:':15} {VERDICTS[check.outcome]} ({check.reason})")
    if check.outcome in (Outcome.valid, Outcome.expired) and url:
        click.echo(
            "Checked offline: a revocation made after printing shows only online, at "
            + url.split("#", 1)[0]
        )


@main.command("verify-offline")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option(
    "--jwks",
    "jwks_path",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    required=True,
    help="The office's key set, saved from /.well-known/jwks.json",
)
def verify_offline(file: Path, jwks_path: Path) -> None:
    """Read the QR code from FILE, a letter's PDF, on its page image (rendered at 150 dpi,
    decoded with zbar) and check the signed details in its URL's fragment against the key set,
    with no network; exit 0 when valid, 1 otherwise."""
    from app.config import get_settings

    key_set = _load_jwks(jwks_path)
    try:
        texts = qr_texts_of_pdf(file)
    except QrNotRead as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    ours = [text for text in texts if split_qr_url(text) is not None]
    if not ours:
        found = "no QR code" if not texts else "no QR code with a signed verification URL"
        _show(OfflineCheck(Outcome.not_our_letter, f"{found} on the first page"), None)
        sys.exit(1)
    check = check_qr_url(ours[0], key_set, today=get_settings().office_today())
    _show(check, ours[0])
    sys.exit(0 if check.accepted else 1)
