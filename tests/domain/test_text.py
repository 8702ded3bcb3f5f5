"""One line of free text, and the CSV cell escape that keeps a spreadsheet from running it."""

from __future__ import annotations

import pytest

from app.domain.text import TextError, clean_line, csv_defuse, csv_escape, csv_unescape


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("  MARIA   YULIANA  NDUN ", "MARIA YULIANA NDUN"),
        ("JL.\u00a0EL\u3000TARI", "JL. EL TARI"),  # no-break and ideographic spaces
        ("NGUYE\u0302\u0303N", "NGUY\u1ec4N"),  # decomposed -> composed (NFC)
        ("Ł'ÚCJA O'NEIL", "Ł'ÚCJA O'NEIL"),
        ("", ""),
    ],
)
def test_clean_line_normalises(raw: str, clean: str) -> None:
    assert clean_line(raw) == clean


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("GURU\nBerlaku sampai 2099", "line breaks"),
        ("GURU\r", "line breaks"),
        ("GURU\u2028Berlaku", "line breaks"),
        ("GURU\u2029Berlaku", "line breaks"),
        ("GURU\x85Berlaku", "line breaks"),
        ("GURU\x0bX", "line breaks"),
        ("A\tB", "tab"),
        ("A\x00B", "U+0000"),
        ("A\x07B", "U+0007"),
        ("A\x7fB", "U+007F"),
        ("MARIA\u202eAMLA", "U+202E"),
        ("MA\u200bRIA", "U+200B"),
        ("MA\u00adRIA", "U+00AD"),
        ("\ufeffMARIA", "U+FEFF"),
        ("MARIA\ud800", "U+D800"),
    ],
)
def test_clean_line_refuses_breaks_controls_and_invisible_characters(
    raw: str, fragment: str
) -> None:
    with pytest.raises(TextError, match=fragment.replace("+", r"\+")):
        clean_line(raw)


HOSTILE = [
    '=HYPERLINK("http://x","y")',
    "+6281234567890",
    "-1",
    "@SUM(A1)",
    "\tTAB",
    "\rCR",
    "'ABDUL",
    "'=1+1",
    "''",
    "'",
    "O'NEIL",
    "NORMAL NAME",
    "",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_csv_escape_defuses_formulas_and_round_trips(value: str) -> None:
    escaped = csv_escape(value)
    assert escaped[:1] not in {"=", "+", "-", "@", "\t", "\r"}
    assert csv_unescape(escaped) == value


def test_csv_unescape_keeps_a_quote_written_by_hand() -> None:
    # A SIAK file with a name that begins with ' (not our escape) keeps it.
    assert csv_unescape("'ABDUL") == "'ABDUL"
    assert csv_unescape("'=1") == "=1"


@pytest.mark.parametrize("value", HOSTILE)
def test_csv_defuse_keeps_a_cell_as_sent_yet_never_a_formula(value: str) -> None:
    defused = csv_defuse(value)
    assert defused[:1] not in {"=", "+", "-", "@", "\t", "\r"}
    # What the import reads from the defused cell is what it read from the cell as sent.
    assert csv_unescape(defused) == csv_unescape(value)
