"""resident photos, and the photo each letter was signed with

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 05:11:57

`resident_photos` holds a resident's current pas foto (normalised JPEG, no metadata);
`letter_photos` a copy taken when a letter is issued, so the verification page keeps
showing the photo the letter was signed with after the resident's photo is replaced.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.models._types

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "resident_photos",
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("jpeg", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("updated_at", app.models._types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_by_key_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["resident_id"],
            ["residents.id"],
            name=op.f("fk_resident_photos_resident_id_residents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_key_id"],
            ["api_keys.id"],
            name=op.f("fk_resident_photos_updated_by_key_id_api_keys"),
        ),
        sa.PrimaryKeyConstraint("resident_id", name=op.f("pk_resident_photos")),
    )
    op.create_table(
        "letter_photos",
        sa.Column("letter_id", sa.String(length=36), nullable=False),
        sa.Column("jpeg", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["letter_id"], ["letters.id"], name=op.f("fk_letter_photos_letter_id_letters")
        ),
        sa.PrimaryKeyConstraint("letter_id", name=op.f("pk_letter_photos")),
    )


def downgrade() -> None:
    op.drop_table("letter_photos")
    op.drop_table("resident_photos")
