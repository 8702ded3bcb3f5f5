"""resident nationality

A WNA's nationality (ISO 3166-1 alpha-2), printed on the letter as on a KTP-el. Nullable:
WNI residents have none, and residents registered before this revision keep NULL until a
clerk fills it in.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 05:18:22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A nullable column without a default: a plain ALTER on SQLite and PostgreSQL alike.
    op.add_column("residents", sa.Column("nationality", sa.String(length=2), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("residents") as batch_op:
        batch_op.drop_column("nationality")
