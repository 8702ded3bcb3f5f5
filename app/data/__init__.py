"""Reference data shipped with the service: region codes (see wilayah/SOURCE.md)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

WILAYAH_DIR = Path(__file__).parent / "wilayah"
REGION_FILES = ("indonesia_kecamatan.csv", "kota_kupang_kelurahan.csv")
RETIRED_REGENCIES_FILE = "kabupaten_kota_retired.csv"


def region_rows() -> Iterator[tuple[str, str, str]]:
    """(code, name, level) of every region shipped, parents before children."""
    for filename in REGION_FILES:
        with open(WILAYAH_DIR / filename, encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                yield row["code"], row["name"], row["level"]


@lru_cache
def known_regencies() -> frozenset[str]:
    """Four-digit codes of every kabupaten/kota a NIK may carry (digits 1-4): today's list
    and the retired codes of older lists, since a NIK never changes."""
    current = {
        code.replace(".", "") for code, _, level in region_rows() if level == "kabupaten_kota"
    }
    with open(WILAYAH_DIR / RETIRED_REGENCIES_FILE, encoding="utf-8", newline="") as handle:
        retired = {row["code"].replace(".", "") for row in csv.DictReader(handle)}
    return frozenset(current | retired)


def parent_code(code: str) -> str | None:
    """The dotted code one level up, or None for a provinsi."""
    head, _, _ = code.rpartition(".")
    return head or None
