"""One PDF of several letters for the printer, each page stamped as a print copy: the merged
file carries no signature, and says so on every page."""

from __future__ import annotations

import io

from pypdf import PdfReader, PdfWriter
from reportlab.lib.colors import Color
from reportlab.pdfgen.canvas import Canvas


def _stamp(width: float, height: float, note: str) -> PdfReader:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(width, height))
    canvas.setFillColor(Color(0.65, 0.1, 0.1))
    canvas.setFont("Helvetica-Bold", 8)
    # Top and bottom margins: the letter's own content stays readable.
    canvas.drawCentredString(width / 2, height - 12, note[:150])
    canvas.drawCentredString(width / 2, 6, note[:150])
    canvas.save()
    return PdfReader(io.BytesIO(buffer.getvalue()))


def print_copy(pdfs: list[bytes], note: str) -> bytes:
    """The pages of every PDF in order, each with `note` printed on it."""
    writer = PdfWriter()
    stamps: dict[tuple[float, float], PdfReader] = {}
    for pdf in pdfs:
        for page in PdfReader(io.BytesIO(pdf)).pages:
            size = (float(page.mediabox.width), float(page.mediabox.height))
            if size not in stamps:
                stamps[size] = _stamp(*size, note)
            added = writer.add_page(page)
            added.merge_page(stamps[size].pages[0])
    # Annotations of the signed file (the signature widget) do not belong on a print copy.
    for page in writer.pages:
        if "/Annots" in page:
            del page["/Annots"]
    writer.add_metadata({"/Title": note[:150]})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
