"""api key expiry

A key may carry the moment it stops working (`skk keys create --expires-in 90d`, or
`expires_in_days` in the API). Nullable: keys made before this revision, and keys made
without an expiry, keep working until they are revoked.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 07:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.models._types import UtcDateTime

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A nullable column without a default: a plain ALTER on SQLite and PostgreSQL alike.
    op.add_column("api_keys", sa.Column("expires_at", UtcDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("api_keys") as batch_op:
        batch_op.drop_column("expires_at")
