"""Kode wilayah (Kepmendagri): the levels of a dotted region code."""

from __future__ import annotations

__all__ = ["kecamatan_of"]


def kecamatan_of(kelurahan_code: str) -> str:
    """The kecamatan of a kelurahan: '53.71.04.1001' -> '53.71.04'."""
    return kelurahan_code.rsplit(".", 1)[0]
