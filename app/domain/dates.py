"""Indonesian date formatting, independent of the process locale."""

from __future__ import annotations

from datetime import date

__all__ = ["MONTHS_ID", "format_date_id"]

MONTHS_ID: tuple[str, ...] = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)


def format_date_id(d: date) -> str:
    """Format a date the Indonesian way, e.g. '12 Maret 2016'."""
    return f"{d.day} {MONTHS_ID[d.month - 1]} {d.year}"
