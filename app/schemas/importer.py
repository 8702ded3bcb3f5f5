"""Import report: what a CSV import did, row by row where it refused."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, Field


class ImportMode(StrEnum):
    all_or_nothing = "all_or_nothing"
    partial = "partial"


class RowFieldError(BaseModel):
    """Why one field of a row was refused."""

    field: str
    msg: str


class RejectedRow(BaseModel):
    """A refused row: its line in the file (the header is line 1) and the NIK, masked."""

    line: int
    nik: str = Field(description="Masked: region and serial only, e.g. 537104******0001")
    errors: list[RowFieldError]


class RowWarning(BaseModel):
    """Something accepted but worth a second look (e.g. a birth date that differs from the NIK)."""

    line: int
    nik: str
    msg: str


class ImportReport(BaseModel):
    """The outcome of an import (or of a dry run: what it would do)."""

    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "mode": "all_or_nothing",
                    "dry_run": False,
                    "committed": False,
                    "rows": 3,
                    "inserted": 2,
                    "updated": 0,
                    "unchanged": 0,
                    "rejected": 1,
                    "rejected_rows": [
                        {
                            "line": 3,
                            "nik": "537104******0001",
                            "errors": [{"field": "birth_date", "msg": "must not be in the future"}],
                        }
                    ],
                    "rejected_rows_truncated": False,
                    "warnings": [],
                    "ignored_columns": ["no"],
                    "delimiter": ";",
                }
            ]
        }
    }

    mode: ImportMode
    dry_run: bool
    committed: bool = Field(
        description="Whether the counts were stored. False for a dry run, and for "
        "all_or_nothing when any row was rejected (then the counts say what would have happened)"
    )
    rows: int = Field(description="Data rows read (the header not counted)")
    inserted: int
    updated: int
    unchanged: int
    rejected: int
    rejected_rows: list[RejectedRow] = Field(
        description="The refused rows, first ones first; see rejected_rows_truncated"
    )
    rejected_rows_truncated: bool = False
    warnings: list[RowWarning] = Field(default_factory=list)
    ignored_columns: list[str] = Field(
        default_factory=list, description="Header columns that are not resident fields"
    )
    delimiter: str
