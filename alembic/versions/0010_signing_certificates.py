"""signing certificates over time

`signing_certificates` keeps every certificate the office has signed with (recorded when the
service first starts with it), so letters keep verifying after the key is renewed; each letter
names the certificate it was signed with (NULL for letters issued before this revision).

Revision ID: 0010
Revises: 0008
Create Date: 2026-11-30 07:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.models._types

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "signing_certificates",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("subject", sa.String(length=500), nullable=False),
        sa.Column("issuer", sa.String(length=500), nullable=False),
        sa.Column("not_before", app.models._types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("not_after", app.models._types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("certificate_pem", sa.Text(), nullable=False),
        sa.Column("development", sa.Boolean(), nullable=False),
        sa.Column("registered_at", app.models._types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("first_used_at", app.models._types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("last_used_at", app.models._types.UtcDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_signing_certificates")),
    )
    # Nullable without a default: a plain ALTER on SQLite and PostgreSQL alike.
    op.add_column(
        "letters", sa.Column("signing_certificate_sha256", sa.String(length=64), nullable=True)
    )


def downgrade() -> None:
    with op.batch_alter_table("letters") as batch_op:
        batch_op.drop_column("signing_certificate_sha256")
    op.drop_table("signing_certificates")
