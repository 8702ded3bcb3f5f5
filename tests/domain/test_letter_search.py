"""What a letters search text asks for: a name, the NIK's last digits, or a masked NIK."""

from __future__ import annotations

import pytest

from app.domain.letters import LetterSearch, parse_letter_search


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  ", None),
        ("0001", LetterSearch("nik_end", "0001")),
        ("5371 0441 0890 0001", LetterSearch("nik_end", "5371044108900001")),
        ("537104******0001", LetterSearch("nik_mask", "537104******0001")),
        ("537104-******-0001", LetterSearch("nik_mask", "537104******0001")),
        # Not 16 characters: a name, not a NIK pattern.
        ("537104****0001", LetterSearch("name", "537104****0001")),
        ("Maria  NDUN", LetterSearch("name", "maria ndun")),
        # More than 16 digits is not a NIK's end.
        ("1" * 17, LetterSearch("name", "1" * 17)),
        # Stars alone say nothing of a NIK; full-width digits are not a NIK typed.
        ("*" * 16, LetterSearch("name", "*" * 16)),
        ("\uff15\uff13\uff17\uff11", LetterSearch("name", "\uff15\uff13\uff17\uff11")),
        ("537104******000a", LetterSearch("name", "537104******000a")),
    ],
)
def test_a_search_text_is_read_as_a_name_a_nik_end_or_a_masked_nik(
    text: str, expected: LetterSearch | None
) -> None:
    assert parse_letter_search(text) == expected
