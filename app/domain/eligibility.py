"""Whether a Surat Keterangan Kependudukan may be issued, and how it is worded.

The Dirjen Dukcapil circular of 29 Sep 2016 (471.13/10231/Dukcapil) lets an office issue the
letter to a resident who has recorded but has no card; the 2018 circular (471.13/8039) refuses
it once the record is print-ready (print the card instead). The mission in Kupang also serves
residents who have not yet recorded. Both choices are the office's: `LetterPolicy` and
`refuse_print_ready`.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from app.domain.dates import format_date_id
from app.domain.messages import Message, message
from app.domain.people import ResidencyStatus
from app.domain.recording import FOLLOW_UP, RecordingStatus

__all__ = [
    "PRINT_READY",
    "LetterPolicy",
    "LetterRefusal",
    "LetterWording",
    "letter_refusal",
    "letter_wording",
    "refusal_message",
]

S = RecordingStatus


class LetterPolicy(StrEnum):
    """Who may receive a letter (setting SKK_LETTER_POLICY)."""

    any_wajib_ktp = "any_wajib_ktp"  # every resident who must hold a KTP-el, recorded or not
    recorded_only = "recorded_only"  # the 2016 circular: recorded, card not yet received


class LetterRefusal(StrEnum):
    """Why no letter may be issued, in the order the checks run."""

    resident_not_active = "resident_not_active"
    not_wajib_ktp = "not_wajib_ktp"
    card_already_issued = "card_already_issued"
    recording_needs_follow_up = "recording_needs_follow_up"
    not_yet_recorded = "not_yet_recorded"
    record_print_ready = "record_print_ready"


class LetterWording(StrEnum):
    """Which statement the letter makes about the e-KTP recording."""

    not_recorded = "not_recorded"  # proof of registration, not a substitute for a KTP-el
    in_process = "in_process"  # recorded, data being processed centrally
    being_printed = "being_printed"  # print-ready or sent for printing
    ready_to_collect = "ready_to_collect"  # printed or shipped to the office


# From here on the card is printed or about to be: the 2018 circular's cut-off.
PRINT_READY: frozenset[RecordingStatus] = frozenset(
    {S.print_ready_record, S.sent_for_card_printing, S.card_printed, S.card_shipped}
)
_BEING_PRINTED = frozenset({S.print_ready_record, S.sent_for_card_printing})
_READY_TO_COLLECT = frozenset({S.card_printed, S.card_shipped})


def letter_refusal(
    *,
    residency_status: str,
    wajib_ktp: bool,
    recording_status: RecordingStatus,
    policy: LetterPolicy = LetterPolicy.any_wajib_ktp,
    refuse_print_ready: bool = False,
) -> LetterRefusal | None:
    """Return the first reason a letter may not be issued, or None if it may."""
    if residency_status != ResidencyStatus.active:
        return LetterRefusal.resident_not_active
    if not wajib_ktp:
        return LetterRefusal.not_wajib_ktp
    if recording_status is S.card_issued:
        return LetterRefusal.card_already_issued
    if recording_status in FOLLOW_UP:
        return LetterRefusal.recording_needs_follow_up
    if recording_status is S.unregistered and policy is LetterPolicy.recorded_only:
        return LetterRefusal.not_yet_recorded
    if recording_status in PRINT_READY and refuse_print_ready:
        return LetterRefusal.record_print_ready
    return None


def letter_wording(status: RecordingStatus) -> LetterWording:
    """Return the letter's wording for an issuable recording status."""
    if status is S.unregistered:
        return LetterWording.not_recorded
    if status in _BEING_PRINTED:
        return LetterWording.being_printed
    if status in _READY_TO_COLLECT:
        return LetterWording.ready_to_collect
    return LetterWording.in_process


def refusal_message(
    refusal: LetterRefusal,
    *,
    residency_status: str,
    recording_status_at: date | None,
    recording_status: RecordingStatus | None = None,
    foreign_without_itap: bool = False,
) -> Message:
    """Return the sentence a front-desk clerk reads to the resident, in Indonesian and English."""
    status = recording_status.value if recording_status else "-"
    if refusal is LetterRefusal.resident_not_active:
        if residency_status == ResidencyStatus.moved_out:
            return message("resident_moved_out")
        if residency_status == ResidencyStatus.deceased:
            return message("resident_deceased")
        return message("resident_not_active", status=residency_status)
    if refusal is LetterRefusal.not_wajib_ktp:
        return message("not_wajib_ktp_wna" if foreign_without_itap else "not_wajib_ktp")
    if refusal is LetterRefusal.card_already_issued:
        when = recording_status_at
        return message(
            "card_already_issued",
            since_id=f" pada {format_date_id(when)}" if when else "",
            since_en=f" on {when.isoformat()}" if when else "",
        )
    if refusal is LetterRefusal.not_yet_recorded:
        return message("not_yet_recorded")
    if refusal is LetterRefusal.record_print_ready:
        return message("record_print_ready", status=status)
    when = recording_status_at
    return message(
        "recording_needs_follow_up",
        status_id=status if recording_status else "tindak lanjut",
        status_en=status if recording_status else "unknown",
        since_id=f" sejak {format_date_id(when)}" if when else "",
        since_en=f" since {when.isoformat()}" if when else "",
    )
