"""Inline SVG charts drawn on the server: no script, no external asset, printable."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

__all__ = ["Bar", "format_int_id", "format_pct_id", "stacked_bar_chart"]

RECORDED_COLOUR = "#2e7d32"
NOT_RECORDED_COLOUR = "#e65100"

# Drawing units; the SVG scales to its container (viewBox), so these are proportions: 360 wide
# keeps 14-unit text at about 13 px on a phone, and the page caps the width on a desktop.
_WIDTH = 360
_ROW = 42
_BAR = 14
_FONT = 14


@dataclass(frozen=True)
class Bar:
    """One horizontal bar: a label and its two stacked parts."""

    label: str
    recorded: int
    not_recorded: int

    @property
    def total(self) -> int:
        return self.recorded + self.not_recorded


def format_int_id(value: int) -> str:
    """12345 -> '12.345' (Indonesian thousands separator)."""
    return f"{value:,}".replace(",", ".")


def format_pct_id(value: float) -> str:
    """53.4 -> '53,4%'."""
    return f"{value:.1f}".replace(".", ",") + "%"


def _pct(part: int, whole: int) -> float:
    return round(part * 100 / whole, 1) if whole else 0.0


def stacked_bar_chart(bars: Sequence[Bar], *, title: str) -> Markup:
    """A horizontal stacked bar per item (recorded, then not recorded), bars to one scale."""
    longest = max((bar.total for bar in bars), default=0) or 1
    height = _ROW * len(bars) + 8
    parts = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_WIDTH} {height}" '
        f'role="img" aria-label="{escape(title)}" preserveAspectRatio="xMinYMin meet" '
        f'font-family="sans-serif" font-size="{_FONT}">',
        f"<title>{escape(title)}</title>",
    ]
    for i, bar in enumerate(bars):
        y = i * _ROW
        recorded_w = _WIDTH * bar.recorded / longest
        not_recorded_w = _WIDTH * bar.not_recorded / longest
        pct = format_pct_id(_pct(bar.recorded, bar.total))
        summary = (
            f"{bar.label}: {format_int_id(bar.recorded)} sudah rekam, "
            f"{format_int_id(bar.not_recorded)} belum rekam ({pct} sudah rekam)"
        )
        parts.append(f"<g><title>{escape(summary)}</title>")
        parts.append(f'<text x="0" y="{y + 15}">{escape(bar.label)}</text>')
        parts.append(
            f'<text x="{_WIDTH}" y="{y + 15}" text-anchor="end">{escape(pct)} · '
            f"{escape(format_int_id(bar.not_recorded))} belum</text>"
        )
        parts.append(
            f'<rect x="0" y="{y + 21}" width="{recorded_w:.1f}" height="{_BAR}" '
            f'fill="{RECORDED_COLOUR}"/>'
        )
        parts.append(
            f'<rect x="{recorded_w:.1f}" y="{y + 21}" width="{not_recorded_w:.1f}" '
            f'height="{_BAR}" fill="{NOT_RECORDED_COLOUR}"/>'
        )
        parts.append("</g>")
    parts.append("</svg>")
    return Markup("".join(parts))
