"""Recording statistics: one row of figures per region, and the answer around them."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from app.schemas import examples


class GroupBy(StrEnum):
    """The level the statistics are broken down by."""

    kota = "kota"
    kecamatan = "kecamatan"
    kelurahan = "kelurahan"


# The CSV's columns, in this order: the JSON row's fields.
STAT_COLUMNS: tuple[str, ...] = (
    "code",
    "name",
    "parent_code",
    "residents",
    "wajib_ktp",
    "recorded",
    "not_recorded",
    "card_issued",
    "needs_follow_up",
    "valid_letters",
    "recorded_pct",
)


class RecordingStatRow(BaseModel):
    """The figures of one region on the day asked for."""

    model_config = ConfigDict(from_attributes=True)

    code: str = Field(examples=["53.71.04"], description="Region code (Kepmendagri)")
    name: str = Field(examples=["Oebobo"])
    parent_code: str | None = Field(
        default=None, examples=["53.71"], description="The region one level up"
    )
    residents: int = Field(description="Residents with residency_status active (as of now)")
    wajib_ktp: int = Field(description="Active residents obliged to hold an e-KTP on the day")
    recorded: int = Field(description="Wajib KTP with any recording status but unregistered")
    not_recorded: int = Field(description="wajib_ktp - recorded (belum rekam)")
    card_issued: int = Field(description="Wajib KTP whose card is in hand (card_issued)")
    needs_follow_up: int = Field(description="Wajib KTP in one of the four follow-up statuses")
    valid_letters: int = Field(description="Valid Surat Keterangan Kependudukan at day's end")
    recorded_pct: float = Field(
        examples=[53.4], description="recorded / wajib_ktp * 100, one decimal; 0 without wajib"
    )


class RecordingStatistics(BaseModel):
    """Recording figures per group on a day, and their total."""

    model_config = ConfigDict(json_schema_extra={"examples": [examples.RECORDING_STATISTICS]})

    group_by: GroupBy
    as_of: date = Field(description="The day: status at its end in the office's time zone")
    generated_at: datetime
    items: list[RecordingStatRow]
    total: RecordingStatRow
