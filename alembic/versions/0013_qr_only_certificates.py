"""certificates that sign QR proofs only

`signing_certificates.qr_only` marks a key that signs the QR's offline proof (the JWS) but
never a letter's PDF, such as the companion key beside BSrE: it is published in the JWK Set,
and a PDF signed with it is not trusted as the office's.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30 08:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Every certificate recorded so far signed letters.
    op.add_column(
        "signing_certificates",
        sa.Column("qr_only", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    with op.batch_alter_table("signing_certificates") as batch_op:
        batch_op.drop_column("qr_only")
