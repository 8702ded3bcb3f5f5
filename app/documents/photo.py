"""The holder's pas foto: an uploaded JPEG or PNG made into a clean 3×4 JPEG, and the drawn
placeholder portrait of the demo.

An upload is hostile until decoded: the pixel count is read from the header and checked
before a single pixel is decoded (a decompression bomb is a few KB of PNG that inflates to
gigabytes), only JPEG and PNG decoders are offered, and the output is a fresh encode of the
pixels alone, so EXIF (GPS position, device), comments and bytes after the image are gone.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageOps, UnidentifiedImageError

__all__ = [
    "MIN_HEIGHT",
    "MIN_WIDTH",
    "PHOTO_HEIGHT",
    "PHOTO_WIDTH",
    "Photo",
    "PhotoRejected",
    "normalise_photo",
    "placeholder_portrait",
]

# The stored size: 3×4, enough for a 30×40 mm print at 250 dpi.
PHOTO_WIDTH, PHOTO_HEIGHT = 300, 400
# Smaller than this, a face cannot be recognised on paper.
MIN_WIDTH, MIN_HEIGHT = 150, 200
JPEG_QUALITY = 85
_FORMATS = ("JPEG", "PNG")


class PhotoRejected(ValueError):
    """The upload is not a usable photo; `reason` is a stable code, the message a sentence,
    `params` the figures it names (for the same sentence in another language)."""

    def __init__(self, reason: str, message: str, **params: object) -> None:
        super().__init__(message)
        self.reason = reason
        self.params = params


@dataclass(frozen=True)
class Photo:
    """A normalised pas foto: JPEG bytes without metadata, and their SHA-256."""

    jpeg: bytes
    sha256: str
    width: int
    height: int


def _encode(image: Image.Image) -> Photo:
    buffer = io.BytesIO()
    # No exif=, icc_profile= or comment=: Pillow writes only what it is given.
    image.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True)
    data = buffer.getvalue()
    return Photo(data, hashlib.sha256(data).hexdigest(), image.width, image.height)


def _to_rgb(image: Image.Image) -> Image.Image:
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        # A transparent background prints as white, not as black.
        rgba = image.convert("RGBA")
        white = Image.new("RGB", rgba.size, "white")
        white.paste(rgba, mask=rgba.getchannel("A"))
        return white
    if image.mode.startswith("I"):  # 16-bit greyscale PNG: scale down to 8 bits
        return image.point(lambda v: v / 256).convert("L").convert("RGB")
    return image.convert("RGB")


def normalise_photo(data: bytes, *, max_pixels: int) -> Photo:
    """The upload as a 300×400 JPEG (centre crop to 3:4), or PhotoRejected."""
    try:
        image = Image.open(io.BytesIO(data), formats=_FORMATS)
        width, height = image.size  # from the header: nothing decoded yet
        if width * height > max_pixels:
            raise PhotoRejected(
                "photo_too_many_pixels",
                f"the image is {width}×{height} pixels, more than the "
                f"{max_pixels / 1e6:g} megapixel limit; send a smaller photo",
                width=width,
                height=height,
                megapixels=max_pixels / 1e6,
            )
        if width < MIN_WIDTH or height < MIN_HEIGHT:
            raise PhotoRejected(
                "photo_too_small",
                f"the image is {width}×{height} pixels; a pas foto needs at least "
                f"{MIN_WIDTH}×{MIN_HEIGHT} for the face to be recognisable",
                width=width,
                height=height,
                min_width=MIN_WIDTH,
                min_height=MIN_HEIGHT,
            )
        if image.format == "JPEG":
            # Let the JPEG decoder scale down by 1/2..1/8 while decoding: a phone photo
            # then costs a few MB of memory instead of a hundred.
            image.draft("RGB", (PHOTO_WIDTH * 2, PHOTO_HEIGHT * 2))
        image.load()
        # Phones store portraits sideways with an orientation tag: stand the face up
        # before the tag is dropped with the rest of the metadata.
        # In place, and no conversion of what is RGB already: a large PNG is decoded in
        # full, and every copy of it would cost as much memory again.
        ImageOps.exif_transpose(image, in_place=True)
        rgb = image if image.mode == "RGB" else _to_rgb(image)
    except PhotoRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # Pillow's own guard, far above our limit: only reached if the limit is set higher.
        raise PhotoRejected(
            "photo_too_many_pixels", "the image has too many pixels; send a smaller photo"
        ) from None
    except UnidentifiedImageError:
        raise PhotoRejected(
            "not_a_photo", "the file is not a JPEG or PNG image; send a photo of the holder"
        ) from None
    except (OSError, ValueError, SyntaxError, EOFError):
        # Truncated or corrupt data surfaces as any of these from Pillow's decoders.
        raise PhotoRejected(
            "photo_damaged", "the image is damaged or cut short; send the photo again"
        ) from None
    return _encode(_fit(rgb))


def _fit(image: Image.Image) -> Image.Image:
    """Crop to 3:4 (centred, a little above the middle where a face is) and scale to the
    stored size in one resize, without an intermediate copy of the crop."""
    width, height = image.size
    if width * PHOTO_HEIGHT > height * PHOTO_WIDTH:  # too wide: trim the sides
        crop_w, crop_h = height * PHOTO_WIDTH / PHOTO_HEIGHT, float(height)
    else:  # too tall: trim top and bottom
        crop_w, crop_h = float(width), width * PHOTO_HEIGHT / PHOTO_WIDTH
    left = (width - crop_w) / 2
    top = (height - crop_h) * 0.4
    return image.resize(
        (PHOTO_WIDTH, PHOTO_HEIGHT),
        Image.Resampling.LANCZOS,
        box=(left, top, left + crop_w, top + crop_h),
        reducing_gap=3.0,
    )


def placeholder_portrait(seed: str) -> Photo:
    """A drawn head-and-shoulders silhouette (never a face), its colours from `seed`."""
    digest = hashlib.sha256(seed.encode()).digest()
    # Pale background, mid-tone figure: reads as a pas foto at a glance, never as a person.
    background = tuple(170 + b % 70 for b in digest[:3])
    figure = tuple(60 + b % 60 for b in digest[3:6])
    image = Image.new("RGB", (PHOTO_WIDTH, PHOTO_HEIGHT), background)  # type: ignore[arg-type]
    draw = ImageDraw.Draw(image)
    cx = PHOTO_WIDTH // 2
    draw.ellipse((cx - 62, 85, cx + 62, 235), fill=figure)  # head
    draw.rectangle((cx - 28, 220, cx + 28, 275), fill=figure)  # neck
    draw.ellipse((cx - 150, 260, cx + 150, 560), fill=figure)  # shoulders
    draw.text((8, PHOTO_HEIGHT - 18), "CONTOH / SAMPLE", fill=(255, 255, 255))
    return _encode(image)
