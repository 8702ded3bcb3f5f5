"""Masking of NIK and KK numbers for display and logs."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["mask_kk", "mask_nik", "mask_text_niks"]

# Any decimal digit (Arabic-Indic and full-width ones too: written that way a NIK is still
# a NIK to a reader of the log). Between the digits, up to three characters that are neither
# letters nor digits: spaces of any kind, tabs, dots, dashes, slashes, doubled separators.
_SIXTEEN_DIGITS = re.compile(r"(?<!\d)\d(?:[\W_]{0,3}\d){15}(?!\d)")


def _mask16(number: str) -> str:
    digits = [str(unicodedata.decimal(ch)) for ch in number if ch.isdecimal()]
    if len(digits) != 16 or len(digits) != sum(1 for ch in number if not _is_separator(ch)):
        # Not a well-formed number: hide all of it rather than guess what is safe.
        return "*" * len(number)
    cleaned = "".join(digits)
    # Region and serial identify an office and a sequence, not a person on their own;
    # the birth date in the middle is the identifying part.
    return cleaned[:6] + "******" + cleaned[12:]


def _is_separator(ch: str) -> bool:
    return not ch.isalnum()


def mask_nik(nik: str) -> str:
    """Mask the birth-date digits of a NIK: '5371041208900001' -> '537104******0001'."""
    return _mask16(nik)


def mask_kk(kk: str) -> str:
    """Mask the issue-date digits of a KK number like mask_nik."""
    return _mask16(kk)


def mask_text_niks(text: str) -> str:
    """Mask every standalone run of 16 digits, up to three separators between two, in a text."""
    return _SIXTEEN_DIGITS.sub(lambda m: _mask16(m.group(0)), text)


# A run of digits with single separators between them, optionally led by "+" (an
# international phone prefix) and an area code in brackets: "(0380) 821-234".
_DIGIT_RUN = re.compile(r"(?<![0-9+])\+?(?:\([0-9]{2,5}\)[ .\-]?)?[0-9](?:[ .\-]?[0-9])*(?![0-9])")
_PHONE_MIN_DIGITS = 9


def _mask_run(run: str) -> str:
    # NIKs and KK numbers were masked before (mask_text_niks), like the holder's masked NIK.
    if sum(ch.isdecimal() for ch in run) < _PHONE_MIN_DIGITS:
        return run
    # Phone numbers (08xx..., +62...) and any other long number: no digit is safe to keep,
    # a number cut short is as good as whole for a caller who guesses the rest.
    return "".join("*" if ch.isdecimal() else ch for ch in run)


def mask_public_text(text: str) -> str:
    """Mask NIK-like (16 digits) and phone-like (9+ digits) numbers in text shown to the public."""
    # NIKs first, written in any script and with any separators, as in the logs.
    return _DIGIT_RUN.sub(lambda m: _mask_run(m.group(0)), mask_text_niks(text))
