"""Builders of hostile PDFs for the upload check: tiny files that stall or bloat a parser."""

from __future__ import annotations

import re
import zlib


def _root_and_size(base: bytes) -> tuple[str, int]:
    root = re.findall(rb"/Root\s+(\d+\s+\d+\s+R)", base)[-1].decode()
    size = int(re.findall(rb"/Size\s+(\d+)", base)[-1])
    return root, size


def looping_prev(base: bytes, *, self_loop: bool) -> bytes:
    """base plus xref sections whose /Prev chain loops: onto itself, or two onto each other."""
    root, size = _root_and_size(base)
    out = bytearray(base if base.endswith(b"\n") else base + b"\n")
    first = len(out)

    def section(prev: int) -> bytes:
        # Fixed-width offsets, so a section's length does not depend on where it points.
        return (
            f"xref\n0 1\n0000000000 65535 f \ntrailer\n"
            f"<< /Size {size} /Root {root} /Prev {prev:010d} >>\n"
        ).encode()

    if self_loop:
        out += section(first) + f"startxref\n{first}\n%%EOF\n".encode()
        return bytes(out)
    second = first + len(section(0))
    out += section(second) + section(first) + f"startxref\n{second}\n%%EOF\n".encode()
    return bytes(out)


def deflate_bomb(inflated: int) -> bytes:
    """A zlib stream of `inflated` zero bytes (a multiple of 1 MiB), ~1/1000 of that in size."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    # A full flush ends each block byte-aligned with no back-references into the previous
    # one, so one compressed MiB can be repeated instead of compressing a gigabyte.
    block = compressor.compress(bytes(1 << 20)) + compressor.flush(zlib.Z_FULL_FLUSH)
    end = zlib.compressobj(9, zlib.DEFLATED, -15).flush(zlib.Z_FINISH)
    blocks = inflated >> 20
    adler32 = (((blocks << 20) % 65521) << 16) | 1  # Adler-32 of that many zero bytes
    return b"\x78\xda" + block * blocks + end + adler32.to_bytes(4, "big")


def xref_stream_bomb(inflated: int) -> bytes:
    """A PDF whose only cross-reference stream inflates to `inflated` bytes."""
    data = deflate_bomb(inflated)
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    out += b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    out += b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
    xref = len(out)
    out += (
        b"3 0 obj\n<< /Type /XRef /Size 4 /W [1 4 2] /Root 1 0 R /Filter /FlateDecode "
        b"/Length %d >>\nstream\n" % len(data)
    )
    out += data + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def object_stream_bomb(inflated: int) -> bytes:
    """A PDF whose catalog sits in an object stream that inflates to `inflated` bytes."""
    data = deflate_bomb(inflated)
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    pages = len(out)
    out += b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
    objstm = len(out)
    out += (
        b"4 0 obj\n<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length %d >>\nstream\n"
        % len(data)
    )
    out += data + b"\nendstream\nendobj\n"
    xref = len(out)
    rows = [(0, 0, 0xFFFF), (2, 4, 0), (1, pages, 0), (0, 0, 0), (1, objstm, 0), (1, xref, 0)]
    table = b"".join(
        kind.to_bytes(1, "big") + field.to_bytes(4, "big") + gen.to_bytes(2, "big")
        for kind, field, gen in rows
    )
    out += b"5 0 obj\n<< /Type /XRef /Size 6 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n" % len(
        table
    )
    out += table + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)
