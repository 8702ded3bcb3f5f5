"""Render the Surat Keterangan Kependudukan (SKK) as a one-page A4 PDF.

The renderer draws straight onto a reportlab canvas (no platypus) because the
layout is fixed and the whole issue path has a tight latency budget.  Output is
deterministic: the same ``LetterContent`` always gives identical bytes, which
keeps the pinned-hash test meaningful and makes re-rendering auditable.
"""

from __future__ import annotations

import functools
import io
import threading
import zlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import zxingcpp
from reportlab import rl_config
from reportlab.lib.colors import Color, black
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary, PDFInfo, PDFName, PDFString
from reportlab.pdfbase.ttfonts import FF_NONSYMBOLIC, FF_SYMBOLIC, TTFont, TTFontFace
from reportlab.pdfgen import canvas as rl_canvas

from app.documents import letter_texts as T
from app.domain.countries import country_name_id
from app.domain.dates import format_date_id

__all__ = [
    "INFO_KEY_LETTER_NUMBER",
    "INFO_KEY_VERIFICATION_TOKEN",
    "LetterContent",
    "LetterDoesNotFit",
    "Office",
    "Signatory",
    "format_nip",
    "render_letter",
]

# Custom document-information keys; the verifier reads them back from the signed
# revision, so they are part of the signed content.
INFO_KEY_VERIFICATION_TOKEN = "SKKVerificationToken"
INFO_KEY_LETTER_NUMBER = "SKKLetterNumber"

WORDINGS = tuple(T.STATEMENT)


class LetterDoesNotFit(ValueError):
    """The content needs more than one page even in the smallest body font."""


@dataclass(frozen=True)
class Office:
    """The issuing population office; every value comes from settings."""

    government: str  # "PEMERINTAH KOTA KUPANG"
    agency: str  # "DINAS KEPENDUDUKAN DAN PENCATATAN SIPIL"
    address: str  # "Jl. ... Kupang"
    city: str  # "Kupang" (place of signing)
    phone: str = ""
    email: str = ""
    website: str = ""
    emblem: Path | None = None  # PNG or JPEG drawn left of the letterhead


@dataclass(frozen=True)
class Signatory:
    """The official who signs the letter."""

    name: str
    title: str
    nip: str  # raw 18 digits, e.g. "197001011990031001"
    rank: str = ""  # pangkat/golongan, e.g. "Pembina Utama Muda (IV/c)"
    capacity: str = ""  # "", "a.n." or "Plt." (keys of letter_texts.OPENING)
    on_behalf_of: str = ""  # a.n.: the official signed for


@dataclass(frozen=True)
class LetterContent:
    """Everything printed on one letter; enum fields carry API codes."""

    office: Office
    signatory: Signatory
    number: str
    issued_on: date
    valid_from: date
    valid_until: date
    purpose: str
    wording: str  # a key of letter_texts.STATEMENT
    nik: str
    full_name: str
    birth_place: str
    birth_date: date
    sex: str
    blood_type: str
    address: str
    rt: str
    rw: str
    kelurahan: str
    kecamatan: str
    religion: str
    marital_status: str
    occupation: str
    citizenship: str
    verification_url: str
    verification_token: str
    development_signature: bool
    # The holder's pas foto (a normalised 3×4 JPEG), printed beside the data; None: no box.
    photo_jpeg: bytes | None = None
    # Who issued the signing certificate (LetterSigner.issuer), for the e-signature statement.
    signature_issuer: str = ""
    nationality: str = ""  # ISO 3166 alpha-2, printed for a WNA
    # Where a printed card is collected; empty: the office's agency and address.
    collection_place: str = ""


# --- labels -----------------------------------------------------------------

_SEX = {"laki_laki": "LAKI-LAKI", "perempuan": "PEREMPUAN"}
_RELIGION = {
    "islam": "ISLAM",
    "kristen": "KRISTEN",
    "katolik": "KATOLIK",
    "hindu": "HINDU",
    "buddha": "BUDDHA",
    "budha": "BUDDHA",
    "khonghucu": "KHONGHUCU",
    "konghucu": "KHONGHUCU",
    "kepercayaan": "KEPERCAYAAN",
}
_MARITAL = {
    "belum_kawin": "BELUM KAWIN",
    "kawin": "KAWIN",
    "cerai_hidup": "CERAI HIDUP",
    "cerai_mati": "CERAI MATI",
}
_CITIZENSHIP = {"wni": "WNI", "wna": "WNA"}


def _label(mapping: dict[str, str], code: str) -> str:
    # Unknown codes print as readable upper case rather than failing the issue.
    return mapping.get(code, code.replace("_", " ").upper())


def _blood_type_label(code: str) -> str:
    # A KTP-el prints "-" for an unknown blood group.
    if code in ("tidak_tahu", "", "-"):
        return T.BLOOD_TYPE_UNKNOWN
    return code.replace("_", " ").upper()


def _citizenship_label(content: LetterContent) -> str:
    # A WNA's KTP-el prints the nationality rather than "WNA".
    if content.citizenship.upper() == "WNA" and content.nationality:
        return country_name_id(content.nationality).upper()
    return _label(_CITIZENSHIP, content.citizenship.lower())


def format_nip(nip: str) -> str:
    """Format an 18-digit NIP as "19700101 199003 1 001" (other input unchanged)."""
    digits = nip.replace(" ", "")
    if len(digits) != 18 or not digits.isdigit():
        return nip
    return f"{digits[:8]} {digits[8:14]} {digits[14]} {digits[15:]}"


_SMALL_WORDS = frozenset({"dan", "di", "ke", "dari", "yang", "untuk", "atau", "pada"})


def _title_case_id(text: str) -> str:
    # Letterhead strings come in upper case; body text needs Indonesian title
    # case, where conjunctions and prepositions stay lower case.
    words = text.split()
    out = []
    for i, word in enumerate(words):
        lower = word.lower()
        out.append(lower if i and lower in _SMALL_WORDS else lower.capitalize())
    return " ".join(out)


def _region(government: str) -> str:
    # "PEMERINTAH KOTA KUPANG" -> "Kota Kupang"; derived so nothing is hard-coded.
    text = government.strip()
    if text.upper().startswith("PEMERINTAH "):
        text = text[len("PEMERINTAH ") :]
    return _title_case_id(text)


def _pad_rt_rw(value: str) -> str:
    value = value.strip()
    return value.zfill(3) if value.isdigit() and len(value) < 3 else value


# --- fonts ------------------------------------------------------------------

FONT_DIR = Path(__file__).resolve().parent / "fonts"
_REGULAR = "SKK-DejaVuSans"
_BOLD = "SKK-DejaVuSans-Bold"
_font_lock = threading.Lock()
_fonts_ready = False


class _SubsetCachingFace(TTFontFace):
    """TTFontFace that reuses compressed font subsets across documents."""

    # reportlab rebuilds and re-compresses every subset for every document
    # (~1 ms per font).  With reportlab's default "ASCII readable" subsets,
    # subset 0 holds all of printable ASCII plus the few non-ASCII characters
    # used, so nearly every letter produces the same subsets and the cache hits.

    def addSubsetObjects(
        self, doc: pdfdoc.PDFDocument, fontname: str, subset: list[int]
    ) -> pdfdoc.PDFObjectReference:
        """Add the FontFile2/FontDescriptor objects for one subset (cached bytes)."""
        raw_length, data = _font_subset_bytes(self, tuple(subset))
        font_file = pdfdoc.PDFStream()
        font_file.content = data
        font_file.dictionary["Length1"] = raw_length
        # A Filter entry tells reportlab the content is already encoded.
        font_file.dictionary["Filter"] = PDFArray([PDFName("FlateDecode")])
        font_file_ref = doc.Reference(font_file, f"fontFile:{self.filename}({fontname})")
        flags = (self.flags & ~FF_NONSYMBOLIC) | FF_SYMBOLIC
        descriptor = PDFDictionary(
            {
                "Type": "/FontDescriptor",
                "Ascent": self.ascent,
                "CapHeight": self.capHeight,
                "Descent": self.descent,
                "Flags": flags,
                "FontBBox": PDFArray(self.bbox),
                "FontName": PDFName(fontname),
                "ItalicAngle": self.italicAngle,
                "StemV": self.stemV,
                "FontFile2": font_file_ref,
                "MissingWidth": self.defaultWidth,
            }
        )
        return doc.Reference(descriptor, "fontDescriptor:" + fontname)


_subset_lock = threading.Lock()


@functools.lru_cache(maxsize=256)
def _font_subset_bytes(face: TTFontFace, subset: tuple[int, ...]) -> tuple[int, bytes]:
    # makeSubset reads the font through a shared seek position, so two threads
    # subsetting the same face at once would corrupt each other's output (plain
    # reportlab has that race too); the lock makes it safe.  lru_cache itself
    # is thread-safe, at worst two threads build the same entry.
    with _subset_lock:
        raw = face.makeSubset(list(subset))
    return len(raw), zlib.compress(raw)


def _load_font(name: str, filename: str) -> TTFont:
    font = TTFont(name, str(FONT_DIR / filename))
    # Upgrade this one face object in place (the subclass only overrides a
    # method) instead of parsing the 700 KB font file a second time.
    font.face.__class__ = _SubsetCachingFace
    return font


def _ensure_fonts() -> None:
    # Parsing a TTF costs tens of milliseconds, so do it once per process;
    # the lock stops two first requests from registering concurrently.
    global _fonts_ready
    if _fonts_ready:
        return
    with _font_lock:
        if _fonts_ready:
            return
        pdfmetrics.registerFont(_load_font(_REGULAR, "DejaVuSans.ttf"))
        pdfmetrics.registerFont(_load_font(_BOLD, "DejaVuSans-Bold.ttf"))
        # ASCII85 on top of Flate only makes streams 25% bigger and costs ~1 ms
        # per letter in pure Python; this process-wide switch affects nothing
        # else we rely on.
        rl_config.useA85 = 0
        _fonts_ready = True


# --- document info ----------------------------------------------------------


class _LetterInfo(PDFInfo):
    """PDF /Info dictionary with the SKK custom keys and the issue date."""

    def __init__(self, extra: dict[str, str], issued_on: date) -> None:
        super().__init__()
        self._extra = extra
        self._issued_on = issued_on

    def format(self, document: object) -> bytes:
        # reportlab has no hook for custom /Info keys, so build the whole
        # dictionary here; dates are the issue date (not reportlab's fixed
        # invariant date) so the metadata stays meaningful and deterministic.
        pdf_date = PDFString(f"D:{self._issued_on:%Y%m%d}")
        entries = {
            "Title": PDFString(self.title),
            "Author": PDFString(self.author),
            "Subject": PDFString(self.subject),
            "Creator": PDFString(self.creator),
            "Producer": PDFString(self.producer),
            "Keywords": PDFString(self.keywords),
            "CreationDate": pdf_date,
            "ModDate": pdf_date,
            "Trapped": PDFName(self.trapped),
        }
        for key, value in self._extra.items():
            entries[key] = PDFString(value)
        return PDFDictionary(entries).format(document)


# --- layout -----------------------------------------------------------------

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_LEFT = 25 * mm
MARGIN_RIGHT = 20 * mm
CONTENT_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT
MIN_BOTTOM = 12 * mm
BODY_SIZE = 10.5
BODY_LEADING = 14.5
# Long names, addresses or purposes shrink the body text (the resident table and the
# paragraphs) step by step until the page holds it; 8 pt is still readable when printed.
BODY_SIZES = (10.5, 10.0, 9.5, 9.0, 8.5, 8.0)
# The customary pas foto: 3×4 cm, in a framed box at the right of the resident's data.
PHOTO_BOX_WIDTH = 30 * mm
PHOTO_BOX_HEIGHT = 40 * mm
PHOTO_BOX_GAP = 5 * mm
_RED = Color(0.75, 0.05, 0.05)
_WATERMARK = Color(0.85, 0.1, 0.1, alpha=0.18)
DEVELOPMENT_WARNING = T.DEVELOPMENT_WARNING
DEVELOPMENT_WARNING_EN = T.DEVELOPMENT_WARNING_EN


def _leading(size: float) -> float:
    return BODY_LEADING if size == BODY_SIZE else size * BODY_LEADING / BODY_SIZE


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Lines of `text` no wider than `width`: broken at spaces, and inside a word that is
    wider than a line by itself (reportlab's simpleSplit lets it run past the margin)."""
    lines: list[str] = []
    # A line break stored before free text was checked must not print as a line of its own.
    text = " ".join(text.split())
    for line in simpleSplit(text, font, size, width):
        if pdfmetrics.stringWidth(line, font, size) <= width:
            lines.append(line)
            continue
        part, used = "", 0.0
        for ch in line:
            w = pdfmetrics.stringWidth(ch, font, size)
            if part and used + w > width:
                lines.append(part)
                part, used = "", 0.0
            part, used = part + ch, used + w
        if part:
            lines.append(part)
    return lines


def _paragraph(
    c: rl_canvas.Canvas, text: str, y: float, *, indent: float = 0, size: float = BODY_SIZE
) -> float:
    """Draw wrapped body text from baseline y; return the next free baseline."""
    width = CONTENT_WIDTH - indent
    c.setFont(_REGULAR, size)
    for line in _wrap(text, _REGULAR, size, width):
        c.drawString(MARGIN_LEFT + indent, y, line)
        y -= _leading(size)
    return y - 4


def _statement(content: LetterContent) -> str:
    office = content.office
    if content.wording not in T.STATEMENT:
        raise ValueError(f"unknown wording {content.wording!r}; expected one of {WORDINGS}")
    registry = f"{_title_case_id(office.agency)} {_region(office.government)}"
    place = content.collection_place.strip() or (
        f"{_title_case_id(office.agency)} {_region(office.government)}, {office.address}"
    )
    return T.STATEMENT[content.wording].format(
        registered=T.REGISTERED.format(registry=registry),
        collection_place=place.rstrip("."),
    )


def _use(content: LetterContent) -> str:
    return T.USE["not_recorded" if content.wording == "not_recorded" else "recorded"]


def _opening(signatory: Signatory) -> str:
    return T.OPENING[signatory.capacity].format(
        title=signatory.title, on_behalf_of=signatory.on_behalf_of
    )


def _resident_rows(content: LetterContent) -> list[tuple[str, str]]:
    birth = f"{content.birth_place}, {format_date_id(content.birth_date)}"
    labels = T.ROW_LABELS
    if content.religion == "kepercayaan":
        religion = (T.KEPERCAYAAN_LABEL, T.KEPERCAYAAN_VALUE)
    else:
        religion = (labels["religion"], _label(_RELIGION, content.religion))
    return [
        (labels["nik"], content.nik),
        (labels["name"], content.full_name),
        (labels["birth"], birth),
        (labels["sex"], _label(_SEX, content.sex)),
        (labels["blood_type"], _blood_type_label(content.blood_type)),
        (labels["address"], content.address),
        (labels["rt_rw"], f"{_pad_rt_rw(content.rt)}/{_pad_rt_rw(content.rw)}"),
        (labels["kelurahan"], content.kelurahan.upper()),
        (labels["kecamatan"], content.kecamatan.upper()),
        religion,
        (labels["marital_status"], _label(_MARITAL, content.marital_status)),
        (labels["occupation"], content.occupation),
        (labels["citizenship"], _citizenship_label(content)),
    ]


def _draw_letterhead(c: rl_canvas.Canvas, office: Office) -> float:
    centre = MARGIN_LEFT + CONTENT_WIDTH / 2
    y = PAGE_HEIGHT - 20 * mm
    c.setFont(_BOLD, 13)
    c.drawCentredString(centre, y, office.government.upper())
    y -= 18
    c.setFont(_BOLD, 14.5)
    for line in _wrap(office.agency.upper(), _BOLD, 14.5, CONTENT_WIDTH):
        c.drawCentredString(centre, y, line)
        y -= 17
    c.setFont(_REGULAR, 9)
    contacts = ", ".join(
        T.CONTACT_PARTS[key].format(value=value.strip())
        for key, value in (
            ("phone", office.phone),
            ("email", office.email),
            ("website", office.website),
        )
        if value.strip()
    )
    for text in (office.address, contacts):
        for line in _wrap(text, _REGULAR, 9, CONTENT_WIDTH) if text else []:
            c.drawCentredString(centre, y + 2, line)
            y -= 11
    if office.emblem is not None:
        # The emblem sits left of the centred text, as high as the letterhead's text block.
        top = PAGE_HEIGHT - 20 * mm + 12
        height = max(top - y - 2, 18 * mm)
        c.drawImage(
            _emblem(office.emblem),
            MARGIN_LEFT,
            top - height,
            width=height,
            height=height,
            preserveAspectRatio=True,
            anchor="c",
            mask="auto",
        )
    # The classic Indonesian letterhead rule: a thick line over a thin one.
    y -= 2
    c.setLineWidth(2.2)
    c.line(MARGIN_LEFT, y, PAGE_WIDTH - MARGIN_RIGHT, y)
    c.setLineWidth(0.6)
    c.line(MARGIN_LEFT, y - 3, PAGE_WIDTH - MARGIN_RIGHT, y - 3)
    return y - 28


@functools.lru_cache(maxsize=4)
def _emblem(path: Path) -> ImageReader:
    # Read once per process: the same emblem is on every letter.
    return ImageReader(str(path))


def _draw_title(c: rl_canvas.Canvas, number: str, y: float) -> float:
    centre = MARGIN_LEFT + CONTENT_WIDTH / 2
    title = T.TITLE
    c.setFont(_BOLD, 13)
    c.drawCentredString(centre, y, title)
    half = pdfmetrics.stringWidth(title, _BOLD, 13) / 2
    c.setLineWidth(0.8)
    c.line(centre - half, y - 2.5, centre + half, y - 2.5)
    y -= 16
    c.setFont(_REGULAR, BODY_SIZE)
    c.drawCentredString(centre, y, T.NUMBER_LINE.format(number=number))
    return y - 26


def _draw_resident_table(
    c: rl_canvas.Canvas, content: LetterContent, y: float, size: float = BODY_SIZE
) -> float:
    indent = 8 * mm
    label_x = MARGIN_LEFT + indent
    colon_x = label_x + 40 * mm
    value_x = colon_x + 8
    value_width = PAGE_WIDTH - MARGIN_RIGHT - value_x
    photo_bottom = y
    if content.photo_jpeg is not None:
        box_x = PAGE_WIDTH - MARGIN_RIGHT - PHOTO_BOX_WIDTH
        # Values wrap before the box instead of running under the photo.
        value_width = box_x - PHOTO_BOX_GAP - value_x
        photo_bottom = _draw_photo(c, content.photo_jpeg, box_x, y + size)
    for label, value in _resident_rows(content):
        bold = label == "Nama"
        font = _BOLD if bold else _REGULAR
        c.setFont(_REGULAR, size)
        c.drawString(label_x, y, label)
        c.drawString(colon_x, y, ":")
        c.setFont(font, size)
        for line in _wrap(value, font, size, value_width) or [""]:
            c.drawString(value_x, y, line)
            y -= _leading(size)
    return min(y, photo_bottom - size) - 6


def _draw_photo(c: rl_canvas.Canvas, jpeg: bytes, x: float, top: float) -> float:
    """Draw the pas foto in its framed 3×4 box (top-left at x, top); return the box's bottom."""
    bottom = top - PHOTO_BOX_HEIGHT
    # A JPEG goes into the PDF as it is (DCTDecode): no re-encoding, and the same bytes
    # give the same PDF, which keeps rendering deterministic.
    c.drawImage(ImageReader(io.BytesIO(jpeg)), x, bottom, PHOTO_BOX_WIDTH, PHOTO_BOX_HEIGHT)
    c.setLineWidth(0.8)
    c.rect(x, bottom, PHOTO_BOX_WIDTH, PHOTO_BOX_HEIGHT, stroke=1, fill=0)
    return bottom


def _qr_modules(data: str) -> list[list[bool]]:
    """Encode data as QR (level M, the spec's mask choice) and return the module matrix."""
    # zxing-cpp's encoder (C++): ~1.5 ms for the version 15 code that the offline proof in
    # the URL's fragment makes, where reportlab's pure-Python one took ~18 ms, under the
    # letter number's lock (the proof signs the number, so it cannot be prepared before).
    code = zxingcpp.create_barcode(data, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    image = memoryview(code.to_image(with_quiet_zones=False))  # one byte a module, 0 dark
    size = image.shape[0] if image.shape else 0
    pixels = image.tobytes()
    return [[pixels[row * size + col] == 0 for col in range(size)] for row in range(size)]


@functools.lru_cache(maxsize=256)
def prepare_qr(data: str) -> tuple[int, str]:
    """The QR code of `data` as (modules per side, PDF path operators), remembered.

    The offline proof in the URL's fragment signs the letter number, so the code is made
    once the number is allocated, while the page is drawn.
    """
    modules = _qr_modules(data)
    count = len(modules)
    # One filled path of horizontal runs in module units under a scaling
    # transform: integer operands keep reportlab's slow float formatting out
    # of the hot path (hundreds of rectangles per code).
    ops = []
    for r, row in enumerate(modules):
        col = 0
        while col < count:
            if row[col]:
                start = col
                while col < count and row[col]:
                    col += 1
                ops.append(f"{start} {r} {col - start} 1 re")
            else:
                col += 1
    return count, "\n".join(ops) + "\nf"


# A phone camera (and zbar on a 150 dpi scan) reads modules of about half a millimetre
# reliably: the QR grows with its version (the offline proof in the URL's fragment makes it a
# version 14-16 code) rather than shrinking its modules, between 30 and 40 mm.
QR_MIN_SIZE = 30 * mm
QR_MAX_SIZE = 40 * mm
QR_MODULE = 0.46 * mm
QR_BORDER = 2  # modules of white around the code, inside its size


def qr_print_size(data: str) -> float:
    """The printed width of the QR code of `data`, in points."""
    count, _ = prepare_qr(data)
    return min(QR_MAX_SIZE, max(QR_MIN_SIZE, (count + 2 * QR_BORDER) * QR_MODULE))


def _draw_qr(c: rl_canvas.Canvas, content: LetterContent, x: float, y: float, size: float) -> float:
    """Draw the QR code (bottom-left at x, y) and its caption; return the lowest baseline."""
    count, path = prepare_qr(content.verification_url)
    border = QR_BORDER
    box = size / (count + 2 * border)
    c.saveState()
    c.translate(x + border * box, y + size - border * box)
    c.scale(box, -box)
    c.setFillColor(black)
    c.addLiteral(path)
    c.restoreState()
    caption_y = y - 8
    c.setFont(_REGULAR, 6.5)
    for line in (text.format(token=content.verification_token) for text in T.QR_CAPTION):
        for part in simpleSplit(line, _REGULAR, 6.5, size + 30):
            c.drawString(x + border * box, caption_y, part)
            caption_y -= 8
    return caption_y + 8


def _draw_stamp(c: rl_canvas.Canvas, content: LetterContent, x: float, y: float, w: float) -> float:
    """Draw the electronic-signature box with top-left (x, y); return its bottom."""
    dev = content.development_signature
    lines: list[tuple[str, float, str]] = [
        (_BOLD, 7.5, T.STAMP_HEADING),
        (_REGULAR, 7.5, content.signatory.name),
        (_REGULAR, 7.5, format_date_id(content.issued_on)),
    ]
    if dev:
        lines = [
            (_BOLD, 7.5, T.DEVELOPMENT_WARNING),
            (_REGULAR, 7, T.DEVELOPMENT_WARNING_EN),
            *lines,
        ]
    wrapped = [
        (font, size, part)
        for font, size, text in lines
        for part in simpleSplit(text, font, size, w - 10)
    ]
    h = 8 + 9.5 * len(wrapped)
    colour = _RED if dev else black
    c.setStrokeColor(colour)
    c.setLineWidth(1.2 if dev else 0.8)
    c.rect(x, y - h, w, h, stroke=1, fill=0)
    c.setFillColor(colour)
    ty = y - 11
    for font, size, part in wrapped:
        c.setFont(font, size)
        c.drawCentredString(x + w / 2, ty, part)
        ty -= 9.5
    c.setFillColor(black)
    c.setStrokeColor(black)
    return y - h


def _draw_signature_block(c: rl_canvas.Canvas, content: LetterContent, y: float) -> float:
    """Draw place/date, signatory, stamp and QR code; return the lowest baseline used."""
    block_x = MARGIN_LEFT + CONTENT_WIDTH * 0.52
    block_w = PAGE_WIDTH - MARGIN_RIGHT - block_x
    top = y
    c.setFont(_REGULAR, BODY_SIZE)
    place = T.PLACE_AND_DATE.format(
        city=content.office.city, date=format_date_id(content.issued_on)
    )
    c.drawString(block_x, y, place)
    y -= BODY_LEADING
    signatory = content.signatory
    for heading in T.SIGNATURE_HEADING[signatory.capacity]:
        text = heading.format(title=signatory.title, on_behalf_of=signatory.on_behalf_of)
        for line in _wrap(text, _REGULAR, BODY_SIZE, block_w):
            c.drawString(block_x, y, line)
            y -= BODY_LEADING
    y = _draw_stamp(c, content, block_x, y - 4, block_w) - 16
    name = content.signatory.name
    c.setFont(_BOLD, BODY_SIZE)
    c.drawString(block_x, y, name)
    c.setLineWidth(0.6)
    c.line(block_x, y - 2, block_x + pdfmetrics.stringWidth(name, _BOLD, BODY_SIZE), y - 2)
    y -= BODY_LEADING
    c.setFont(_REGULAR, BODY_SIZE)
    if signatory.rank.strip():
        c.drawString(block_x, y, signatory.rank.strip())
        y -= BODY_LEADING
    c.drawString(block_x, y, T.NIP_LINE.format(nip=format_nip(signatory.nip)))
    size = qr_print_size(content.verification_url)
    qr_bottom = _draw_qr(c, content, MARGIN_LEFT, top - size, size)
    return min(y, qr_bottom)


def _draw_development_watermark(c: rl_canvas.Canvas) -> None:
    # A development-signed letter must never pass for a real one, even printed.
    c.saveState()
    c.setFillColor(_WATERMARK)
    c.setFont(_BOLD, 40)
    c.translate(PAGE_WIDTH / 2, PAGE_HEIGHT / 2)
    c.rotate(35)
    c.drawCentredString(0, 0, T.DEVELOPMENT_WATERMARK)
    c.restoreState()


def _esign_statement(content: LetterContent) -> list[str]:
    """The e-signature statement: the certificate's issuer and UU ITE, or "not official"."""
    issuer = content.signature_issuer.strip()
    if content.development_signature:
        # A development key's issuer is itself: naming it would only look like a real issuer.
        return [T.ESIGN_DEVELOPMENT]
    if not issuer:
        return []
    return [T.ESIGN_STATEMENT.format(issuer=issuer), T.ESIGN_UU_ITE]


def _draw_esign_statement(c: rl_canvas.Canvas, content: LetterContent, y: float) -> float:
    """Draw the e-signature statement in small print from baseline y; return the next one."""
    size = 7
    c.setFillColor(_RED if content.development_signature else black)
    c.setFont(_REGULAR, size)
    for text in _esign_statement(content):
        for line in _wrap(text, _REGULAR, size, CONTENT_WIDTH):
            c.drawString(MARGIN_LEFT, y, line)
            y -= size * 1.3
    c.setFillColor(black)
    return y


def render_letter(content: LetterContent) -> bytes:
    """Render the letter as an unsigned one-page A4 PDF (deterministic bytes).

    Raises LetterDoesNotFit when the content needs more than one page even with the body
    text at its smallest size.
    """
    _ensure_fonts()
    statement = _statement(content)  # validates wording before drawing anything
    for size in BODY_SIZES:
        pdf = _render(content, statement, size)
        if pdf is not None:
            return pdf
    # Printing over the page edge would cut off the signature block; the caller must
    # shorten the free-text fields (or the office texts in the settings).
    raise LetterDoesNotFit(
        "letter content does not fit on one page; shorten the address, purpose or office texts"
    )


def _render(content: LetterContent, statement: str, size: float) -> bytes | None:
    """The letter with the body text at `size`, or None when it does not fit the page."""
    buffer = io.BytesIO()
    # invariant=True fixes the timestamp and document ID so output is reproducible.
    c = rl_canvas.Canvas(buffer, pagesize=A4, invariant=True, pageCompression=1)
    # reportlab exposes no public API for extra /Info keys; replacing the info
    # object before any setter runs is the least intrusive way to add them.
    c._doc.info = _LetterInfo(
        {
            INFO_KEY_VERIFICATION_TOKEN: content.verification_token,
            INFO_KEY_LETTER_NUMBER: content.number,
        },
        content.issued_on,
    )
    c.setTitle(f"Surat Keterangan Kependudukan {content.number}")
    c.setAuthor(f"{_title_case_id(content.office.agency)} {_region(content.office.government)}")
    c.setSubject("Surat Keterangan Kependudukan")
    c.setCreator("SKK service")

    y = _draw_letterhead(c, content.office)
    y = _draw_title(c, content.number, y)
    y = _paragraph(c, _opening(content.signatory), y, size=size)
    y = _draw_resident_table(c, content, y - 2, size)
    y = _paragraph(c, statement, y, size=size)
    y = _paragraph(c, _use(content), y, size=size)
    purpose = content.purpose.strip().rstrip(".")
    y = _paragraph(c, T.PURPOSE.format(purpose=purpose), y, size=size)
    validity = T.VALIDITY.format(
        valid_from=format_date_id(content.valid_from),
        valid_until=format_date_id(content.valid_until),
    )
    y = _paragraph(c, validity, y, size=size)
    y = _paragraph(c, T.CLOSING, y, size=size)
    bottom = _draw_signature_block(c, content, y - 6)
    bottom = _draw_esign_statement(c, content, bottom - 14)
    if bottom < MIN_BOTTOM:
        return None
    if content.development_signature:
        _draw_development_watermark(c)
    c.showPage()
    c.save()
    return buffer.getvalue()
