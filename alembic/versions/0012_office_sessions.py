"""office sessions

Revision ID: 0012
Revises: 0008
Create Date: 2026-11-30 07:40:00

A browser signed in to the office pages (/office) with an API key. The cookie holds a random
session id; the table keeps only its SHA-256, the key it acts for, the CSRF token of its forms
and when it was last used (the idle timeout).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.models._types

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "office_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_sha256", sa.String(length=64), nullable=False),
        sa.Column("key_id", sa.Integer(), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", app.models._types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", app.models._types.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["key_id"],
            ["api_keys.id"],
            name=op.f("fk_office_sessions_key_id_api_keys"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_office_sessions")),
        sa.UniqueConstraint("session_sha256", name=op.f("uq_office_sessions_session_sha256")),
    )
    op.create_index(op.f("ix_office_sessions_key_id"), "office_sessions", ["key_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_office_sessions_key_id"), table_name="office_sessions")
    op.drop_table("office_sessions")
