"""Recording statuses: categories and the full table of allowed moves."""

from __future__ import annotations

import pytest

from app.domain.recording import (
    FOLLOW_UP,
    IN_PROCESS,
    PIPELINE,
    RecordingCategory,
    RecordingMoveError,
    RecordingStatus,
    allowed_next,
    category,
    check_move,
    is_recorded,
)

S = RecordingStatus

ORDER = [
    "unregistered",
    "bio_captured",
    "processing",
    "sent_for_enrollment",
    "received_at_central",
    "print_ready_record",
    "sent_for_card_printing",
    "card_printed",
    "card_shipped",
    "card_issued",
    "duplicate_record",
    "enroll_failure_at_central",
    "search_failure_at_central",
    "enroll_failure_at_regional",
]

# Written out by hand, not derived from the rules: row = current status, column = new
# status, columns a-n in ORDER (a = unregistered ... n = enroll_failure_at_regional);
# "x" allowed, "." refused.
#   columns:                        a  b  c  d  e  f  g  h  i  j  k  l  m  n
MOVES = {
    "unregistered": "               .  x  x  x  x  x  x  x  x  x  .  .  .  .",
    "bio_captured": "               .  .  x  x  x  x  x  x  x  x  x  x  x  x",
    "processing": "                 .  .  .  x  x  x  x  x  x  x  x  x  x  x",
    "sent_for_enrollment": "        .  .  .  .  x  x  x  x  x  x  x  x  x  x",
    "received_at_central": "        .  .  .  .  .  x  x  x  x  x  x  x  x  x",
    "print_ready_record": "         .  .  .  .  .  .  x  x  x  x  x  x  x  x",
    "sent_for_card_printing": "     .  .  .  .  .  .  .  x  x  x  x  x  x  x",
    "card_printed": "               .  .  .  .  .  .  .  .  x  x  x  x  x  x",
    "card_shipped": "               .  .  .  .  .  .  .  .  .  x  x  x  x  x",
    "card_issued": "                .  .  .  .  .  x  .  .  .  .  x  x  x  x",
    "duplicate_record": "           .  x  .  .  .  x  .  .  .  .  .  x  x  x",
    "enroll_failure_at_central": "  .  x  .  .  .  x  .  .  .  .  x  .  x  x",
    "search_failure_at_central": "  .  x  .  .  .  x  .  .  .  .  x  x  .  x",
    "enroll_failure_at_regional": " .  x  .  .  .  x  .  .  .  .  x  x  x  .",
}

EXPECTED: dict[tuple[str, str], bool] = {}
for _current, _row in MOVES.items():
    _cells = _row.split()
    assert len(_cells) == 14, _current
    for _new, _cell in zip(ORDER, _cells, strict=True):
        EXPECTED[(_current, _new)] = _cell == "x"


def test_enum_values_and_order() -> None:
    assert [s.value for s in RecordingStatus] == ORDER


def test_groups() -> None:
    assert [s.value for s in PIPELINE] == ORDER[:10]
    assert {s.value for s in FOLLOW_UP} == set(ORDER[10:])
    assert {s.value for s in IN_PROCESS} == set(ORDER[1:9])


@pytest.mark.parametrize(
    ("status", "expected_category", "recorded"),
    [
        pytest.param(S.unregistered, RecordingCategory.not_recorded, False, id="unregistered"),
        *[
            pytest.param(S(name), RecordingCategory.in_process, True, id=name)
            for name in ORDER[1:9]
        ],
        pytest.param(S.card_issued, RecordingCategory.card_issued, True, id="card_issued"),
        *[
            pytest.param(S(name), RecordingCategory.needs_follow_up, True, id=name)
            for name in ORDER[10:]
        ],
    ],
)
def test_category(
    status: RecordingStatus, expected_category: RecordingCategory, recorded: bool
) -> None:
    assert category(status) is expected_category
    assert is_recorded(status) is recorded


@pytest.mark.parametrize(
    ("current", "new", "allowed"),
    [
        pytest.param(S(c), S(n), ok, id=f"{c}->{n}-{'ok' if ok else 'refused'}")
        for (c, n), ok in EXPECTED.items()
    ],
)
def test_move(current: RecordingStatus, new: RecordingStatus, allowed: bool) -> None:
    expected_allowed = tuple(S(n) for n in ORDER if EXPECTED[(current.value, n)])
    if allowed:
        check_move(current, new)
        assert new in allowed_next(current)
    else:
        with pytest.raises(RecordingMoveError) as excinfo:
            check_move(current, new)
        error = excinfo.value
        assert isinstance(error, ValueError)
        assert error.current is current
        assert error.new is new
        assert error.allowed == expected_allowed
        assert current.value in str(error)
        if current is not new:
            assert new.value in str(error)


@pytest.mark.parametrize("current", [pytest.param(S(c), id=c) for c in ORDER])
def test_allowed_next_in_enum_order(current: RecordingStatus) -> None:
    assert allowed_next(current) == tuple(S(n) for n in ORDER if EXPECTED[(current.value, n)])


def test_messages() -> None:
    with pytest.raises(RecordingMoveError, match="already processing"):
        check_move(S.processing, S.processing)
    with pytest.raises(
        RecordingMoveError,
        match="cannot move from card_issued to card_shipped "
        r"\(allowed next: print_ready_record, duplicate_record",
    ):
        check_move(S.card_issued, S.card_shipped)
