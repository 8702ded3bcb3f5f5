"""Builders of test images: a phone-like JPEG with EXIF GPS, PNG decompression bombs."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import ExifTags, Image

SECRET_TRAILER = b"--TRAILING-SECRET-BYTES--"
DEVICE = "PhoneMaker X100"


def jpeg_with_gps(size: tuple[int, int] = (900, 1200), colour: str = "teal") -> bytes:
    """A JPEG carrying an EXIF GPS position, a device name and bytes after the image."""
    image = Image.new("RGB", size, colour)
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = DEVICE
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "S"
    gps[ExifTags.GPS.GPSLatitude] = (10.0, 9.0, 30.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (123.0, 36.0, 0.0)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif, quality=90)
    return buffer.getvalue() + SECRET_TRAILER


def png(size: tuple[int, int] = (600, 800), colour: str = "orange", mode: str = "RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, colour).save(buffer, "PNG")
    return buffer.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bomb(width: int = 6000, height: int = 6000) -> bytes:
    """A real decompression bomb: a ~100 KB PNG of zeros that inflates to width×height×3 bytes."""
    compressor = zlib.compressobj(9)
    row = bytes(1 + width * 3)  # filter byte + black pixels
    parts = [compressor.compress(row) for _ in range(height)]
    parts.append(compressor.flush())
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", ihdr)
        + _chunk(b"IDAT", b"".join(parts))
        + _chunk(b"IEND", b"")
    )


def png_bomb_header(width: int = 50_000, height: int = 50_000) -> bytes:
    """A PNG whose header declares gigapixels (beyond even Pillow's own guard)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(bytes(1 + width * 3) * 4)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", idat)
