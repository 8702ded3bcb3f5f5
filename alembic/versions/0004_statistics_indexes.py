"""statistics indexes

Covering indexes for the recording statistics: one index-only pass over residents grouped by
(kelurahan, status), and each resident's latest recording event first for a past day's status.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 16:36:05.400975
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("recording_events", schema=None) as batch_op:
        batch_op.create_index(
            "ix_recording_events_resident_latest",
            [
                "resident_id",
                sa.literal_column("occurred_at DESC"),
                sa.literal_column("id DESC"),
                "status",
            ],
            unique=False,
        )

    with op.batch_alter_table("residents", schema=None) as batch_op:
        batch_op.create_index(
            "ix_residents_statistics",
            [
                "residency_status",
                "kelurahan_code",
                "recording_status",
                "citizenship",
                "has_itap",
                "marital_status",
                "birth_date",
                "recording_status_at",
            ],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("residents", schema=None) as batch_op:
        batch_op.drop_index("ix_residents_statistics")

    with op.batch_alter_table("recording_events", schema=None) as batch_op:
        batch_op.drop_index("ix_recording_events_resident_latest")
