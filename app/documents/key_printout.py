"""The printout of a new API key for a clerk: one A4 page with what the key may do and a QR
code that opens the office sign-in page with the key in the URL's fragment."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime

from reportlab.lib.colors import black
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen import canvas as rl_canvas

from app.documents.render import _BOLD, _REGULAR, _ensure_fonts, prepare_qr

__all__ = ["KeyPrintout", "render_key_printout", "sign_in_url"]

# A phone reads modules of about 0.6 mm from arm's length; the key's URL makes a version 5-7
# code, so the printed code stays between 50 and 70 mm.
QR_MODULE = 1.4 * mm
QR_BORDER = 4
MARGIN = 20 * mm

ROLES = {
    "admin": "Admin: semua data dan kunci API / everything, and the API keys",
    "operator": "Operator (loket): daftar, ubah, terbitkan, cabut / register, correct, issue",
    "kelurahan": "Kelurahan: surat kelurahan sendiri / its own kelurahan's letters",
    "auditor": "Auditor: membaca dan log audit / read and the audit log",
}


def sign_in_url(public_base_url: str, secret: str) -> str:
    """The office sign-in page with the key in the fragment (never sent to the server)."""
    return f"{public_base_url.rstrip('/')}/office/sign-in#key={secret}"


@dataclass(frozen=True)
class KeyPrintout:
    """What the printout says about one key; `secret` is the key itself."""

    secret: str
    name: str
    role: str
    kelurahan: str | None  # "53.71.04.1001 OEBOBO" for a kelurahan key
    expires_at: datetime | None
    created_at: datetime
    office: str  # "Dinas Kependudukan dan Pencatatan Sipil Kota Kupang"
    public_base_url: str


def _line(c: rl_canvas.Canvas, x: float, y: float, label: str, value: str) -> float:
    c.setFont(_REGULAR, 9)
    c.drawString(x, y, label)
    c.setFont(_BOLD, 12)
    lines = simpleSplit(value, _BOLD, 12, A4[0] - 2 * MARGIN - 45 * mm) or [""]
    for part in lines:
        c.drawString(x + 45 * mm, y, part)
        y -= 15
    return y - 4


WARNING_ID = (
    "Simpan seperti kata sandi: siapa pun yang memegang kertas ini dapat masuk sebagai "
    "pemegang kunci. Bila hilang, minta admin mencabut kunci ini (skk keys revoke)."
)
WARNING_EN = (
    "Keep it like a password: whoever holds this paper can sign in as the key's holder. "
    "If it is lost, ask an admin to revoke the key (skk keys revoke)."
)


def _paragraph(c: rl_canvas.Canvas, y: float, font: str, size: float, text: str) -> float:
    """`text` wrapped to the page's width from `y` down; returns the next line's baseline."""
    c.setFont(font, size)
    for part in simpleSplit(text, font, size, A4[0] - 2 * MARGIN):
        c.drawString(MARGIN, y, part)
        y -= size * 1.3
    return y


def render_key_printout(printout: KeyPrintout) -> bytes:
    """The one-page PDF handed to the clerk who holds the key."""
    _ensure_fonts()
    buffer = io.BytesIO()
    c = rl_canvas.Canvas(buffer, pagesize=A4, invariant=True, pageCompression=1)
    c.setTitle(f"Kunci API SKK: {printout.name}")
    c.setAuthor(printout.office)
    width, height = A4
    y = height - MARGIN
    c.setFont(_REGULAR, 10)
    c.drawString(MARGIN, y, printout.office)
    y -= 22
    c.setFont(_BOLD, 18)
    c.drawString(MARGIN, y, "Kunci API untuk halaman kantor SKK")
    y -= 16
    c.setFont(_REGULAR, 10)
    c.drawString(MARGIN, y, "API key for the SKK office pages")
    y -= 30
    y = _line(c, MARGIN, y, "Nama / name", printout.name)
    y = _line(c, MARGIN, y, "Peran / role", ROLES.get(printout.role, printout.role))
    y = _line(c, MARGIN, y, "Kelurahan", printout.kelurahan or "semua / all")
    expires = (
        f"{printout.expires_at:%Y-%m-%d %H:%M} UTC"
        if printout.expires_at
        else "sampai dicabut / until revoked"
    )
    y = _line(c, MARGIN, y, "Berlaku sampai / expires", expires)
    y = _line(c, MARGIN, y, "Dibuat / created", f"{printout.created_at:%Y-%m-%d %H:%M} UTC")

    url = sign_in_url(printout.public_base_url, printout.secret)
    count, path = prepare_qr(url)
    size = (count + 2 * QR_BORDER) * QR_MODULE
    top = y - 6
    c.saveState()
    c.translate((width - size) / 2 + QR_BORDER * QR_MODULE, top - QR_BORDER * QR_MODULE)
    c.scale(QR_MODULE, -QR_MODULE)
    c.setFillColor(black)
    c.addLiteral(path)
    c.restoreState()
    y = top - size - 16
    c.setFont(_BOLD, 11)
    c.drawCentredString(width / 2, y, "Pindai dengan kamera tablet, lalu tekan Masuk.")
    y -= 14
    c.setFont(_REGULAR, 9)
    c.drawCentredString(width / 2, y, "Scan with the tablet's camera, then press Sign in.")
    y -= 24
    c.setFont(_REGULAR, 9)
    c.drawString(MARGIN, y, f"Tanpa kamera / without a camera: {printout.public_base_url}/office")
    y -= 14
    c.drawString(MARGIN, y, "dan ketik kuncinya / and type the key:")
    y -= 16
    c.setFont("Courier-Bold", 11)
    c.drawString(MARGIN, y, printout.secret)
    y -= 30
    y = _paragraph(c, y, _BOLD, 10, WARNING_ID)
    _paragraph(c, y, _REGULAR, 9, WARNING_EN)
    c.showPage()
    c.save()
    return buffer.getvalue()
