"""The pas foto normaliser: what comes out of an upload, and what is refused before decoding."""

from __future__ import annotations

import io
import time

import pytest
from PIL import Image, ImageFile

from app.documents.photo import (
    PHOTO_HEIGHT,
    PHOTO_WIDTH,
    PhotoRejected,
    normalise_photo,
    placeholder_portrait,
)
from tests.photos import DEVICE, SECRET_TRAILER, jpeg_with_gps, png, png_bomb, png_bomb_header

LIMIT = 20_000_000


def test_a_phone_jpeg_comes_out_3x4_without_exif_or_trailing_bytes() -> None:
    data = jpeg_with_gps()
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825)  # the input has GPS
    photo = normalise_photo(data, max_pixels=LIMIT)
    out = Image.open(io.BytesIO(photo.jpeg))
    assert (out.format, out.size) == ("JPEG", (PHOTO_WIDTH, PHOTO_HEIGHT))
    assert not out.getexif()
    assert b"Exif" not in photo.jpeg and DEVICE.encode() not in photo.jpeg
    assert SECRET_TRAILER not in photo.jpeg
    assert photo.jpeg.endswith(b"\xff\xd9")


def test_a_landscape_photo_is_centre_cropped_not_squashed() -> None:
    # Left third red, middle third green, right third blue: the 3×4 crop keeps the middle.
    image = Image.new("RGB", (1200, 600), "red")
    image.paste("green", (400, 0, 800, 600))
    image.paste("blue", (800, 0, 1200, 600))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    out = Image.open(io.BytesIO(normalise_photo(buffer.getvalue(), max_pixels=LIMIT).jpeg))
    r, g, b = out.convert("RGB").getpixel((PHOTO_WIDTH // 2, PHOTO_HEIGHT // 2))  # type: ignore[misc]
    assert g > 100 and r < 60 and b < 60


def test_a_transparent_png_prints_on_white() -> None:
    out = Image.open(
        io.BytesIO(normalise_photo(png(mode="RGBA", colour=(0, 0, 0, 0)), max_pixels=LIMIT).jpeg)
    )
    assert min(out.getpixel((5, 5))) > 240  # type: ignore[arg-type]


def test_the_bomb_is_refused_from_its_header_without_decoding(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bomb = png_bomb()
    assert len(bomb) < 200_000  # a small file that would inflate to 108 MB

    def no_decoding(self: ImageFile.ImageFile) -> None:
        raise AssertionError("the bomb was decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    started = time.perf_counter()
    with pytest.raises(PhotoRejected) as refused:
        normalise_photo(bomb, max_pixels=LIMIT)
    assert refused.value.reason == "photo_too_many_pixels"
    assert time.perf_counter() - started < 0.2


def test_a_gigapixel_header_is_refused_too() -> None:
    with pytest.raises(PhotoRejected) as refused:
        normalise_photo(png_bomb_header(), max_pixels=LIMIT)
    assert refused.value.reason == "photo_too_many_pixels"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"Nama: MARIA\nNIK: bukan foto\n", "not_a_photo"),
        (b"%PDF-1.7\n", "not_a_photo"),
        (b"GIF89a" + bytes(64), "not_a_photo"),
        (jpeg_with_gps()[:2000], "photo_damaged"),
        (png(size=(120, 160)), "photo_too_small"),
    ],
    ids=["text", "pdf", "gif", "truncated-jpeg", "too-small"],
)
def test_what_is_not_a_usable_photo_is_refused(data: bytes, reason: str) -> None:
    with pytest.raises(PhotoRejected) as refused:
        normalise_photo(data, max_pixels=LIMIT)
    assert refused.value.reason == reason


def test_a_gif_is_refused_even_though_pillow_reads_it() -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (600, 800), "red").save(buffer, "GIF")
    with pytest.raises(PhotoRejected):
        normalise_photo(buffer.getvalue(), max_pixels=LIMIT)


def test_placeholder_portraits_are_drawn_deterministically_per_seed() -> None:
    first, again, other = (
        placeholder_portrait(s)
        for s in ("5371044108900001", "5371044108900001", "5371040101900002")
    )
    assert first == again and first.sha256 != other.sha256
    assert Image.open(io.BytesIO(first.jpeg)).size == (PHOTO_WIDTH, PHOTO_HEIGHT)


def test_a_sideways_phone_photo_is_stood_up_before_the_tag_is_dropped() -> None:
    # Stored landscape, top half red and bottom half blue, tagged "rotate 90° clockwise to
    # view" (orientation 6): viewed, red is on the right and blue on the left.
    image = Image.new("RGB", (800, 600), "red")
    image.paste("blue", (0, 300, 800, 600))
    exif = Image.Exif()
    exif[0x0112] = 6
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    out = Image.open(io.BytesIO(normalise_photo(buffer.getvalue(), max_pixels=LIMIT).jpeg))
    right = out.getpixel((PHOTO_WIDTH - 30, PHOTO_HEIGHT // 2))
    left = out.getpixel((30, PHOTO_HEIGHT // 2))
    assert right[0] > 200 and right[2] < 60  # type: ignore[index]
    assert left[2] > 200 and left[0] < 60  # type: ignore[index]
