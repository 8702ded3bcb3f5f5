"""letter number reservations

A letter's number is reserved in a short transaction of its own before the letter is signed,
so a slow remote signer does not hold the year's counter locked; a failed issue gives its
number back here for the next letter. Every number up to the counter's last one is a letter's
or a row of this table.

Revision ID: 0011
Revises: 0008
Create Date: 2026-11-30 07:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.models._types import UtcDateTime

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "letter_reservations",
        sa.Column("series", sa.String(length=20), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("letter_id", sa.String(length=36), nullable=True),
        sa.Column("reserved_at", UtcDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("series", "year", "seq", name=op.f("pk_letter_reservations")),
    )


def downgrade() -> None:
    op.drop_table("letter_reservations")
