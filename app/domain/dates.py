"""Indonesian date formatting, independent of the process locale."""

from __future__ import annotations

from datetime import date

__all__ = ["MONTHS_ID", "add_months", "format_date_id"]

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


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clipped to the month's end (31 Aug + 6 = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")
