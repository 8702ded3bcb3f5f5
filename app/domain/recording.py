"""e-KTP recording statuses, their categories, and which status changes are allowed."""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "FOLLOW_UP",
    "IN_PROCESS",
    "PIPELINE",
    "RecordingCategory",
    "RecordingMoveError",
    "RecordingStatus",
    "allowed_next",
    "category",
    "check_move",
    "is_recorded",
]


class RecordingStatus(StrEnum):
    """Where a resident's e-KTP recording stands, as reported by the central system."""

    unregistered = "unregistered"
    bio_captured = "bio_captured"
    processing = "processing"
    sent_for_enrollment = "sent_for_enrollment"
    received_at_central = "received_at_central"
    print_ready_record = "print_ready_record"
    sent_for_card_printing = "sent_for_card_printing"
    card_printed = "card_printed"
    card_shipped = "card_shipped"
    card_issued = "card_issued"
    duplicate_record = "duplicate_record"
    enroll_failure_at_central = "enroll_failure_at_central"
    search_failure_at_central = "search_failure_at_central"
    enroll_failure_at_regional = "enroll_failure_at_regional"


S = RecordingStatus

PIPELINE: tuple[RecordingStatus, ...] = (
    S.unregistered,
    S.bio_captured,
    S.processing,
    S.sent_for_enrollment,
    S.received_at_central,
    S.print_ready_record,
    S.sent_for_card_printing,
    S.card_printed,
    S.card_shipped,
    S.card_issued,
)
FOLLOW_UP: frozenset[RecordingStatus] = frozenset(
    {
        S.duplicate_record,
        S.enroll_failure_at_central,
        S.search_failure_at_central,
        S.enroll_failure_at_regional,
    }
)
IN_PROCESS: frozenset[RecordingStatus] = frozenset(PIPELINE[1:-1])


class RecordingCategory(StrEnum):
    """The coarse grouping the letter and the reports use."""

    not_recorded = "not_recorded"
    in_process = "in_process"
    card_issued = "card_issued"
    needs_follow_up = "needs_follow_up"


def category(status: RecordingStatus) -> RecordingCategory:
    """Return the coarse category of a recording status."""
    if status is S.unregistered:
        return RecordingCategory.not_recorded
    if status is S.card_issued:
        return RecordingCategory.card_issued
    if status in FOLLOW_UP:
        return RecordingCategory.needs_follow_up
    return RecordingCategory.in_process


def is_recorded(status: RecordingStatus) -> bool:
    """Tell whether biometrics have been captured (every status but unregistered)."""
    return status is not S.unregistered


def _allowed_set(current: RecordingStatus) -> set[RecordingStatus]:
    if current in FOLLOW_UP:
        # Resolved by re-recording or by central marking the record print-ready.
        return (set(FOLLOW_UP) - {current}) | {S.bio_captured, S.print_ready_record}
    if current is S.card_issued:
        # A lost or damaged card is reprinted from the existing record.
        return {S.print_ready_record} | set(FOLLOW_UP)
    allowed = set(PIPELINE[PIPELINE.index(current) + 1 :])
    if is_recorded(current):
        allowed |= FOLLOW_UP
    return allowed


def allowed_next(current: RecordingStatus) -> tuple[RecordingStatus, ...]:
    """Return the statuses that may follow current, in enum order."""
    allowed = _allowed_set(current)
    return tuple(s for s in RecordingStatus if s in allowed)


class RecordingMoveError(ValueError):
    """A refused recording status change, carrying what would have been allowed."""

    def __init__(
        self,
        current: RecordingStatus,
        new: RecordingStatus,
        allowed: tuple[RecordingStatus, ...],
    ) -> None:
        self.current = current
        self.new = new
        self.allowed = allowed
        options = ", ".join(s.value for s in allowed) or "none"
        if current is new:
            message = f"recording status is already {current.value}; choose a different status"
        else:
            message = f"recording status cannot move from {current.value} to {new.value}"
        super().__init__(f"{message} (allowed next: {options})")


def check_move(current: RecordingStatus, new: RecordingStatus) -> None:
    """Raise RecordingMoveError unless moving from current to new is allowed."""
    allowed = allowed_next(current)
    if new not in allowed:
        raise RecordingMoveError(current, new, allowed)
