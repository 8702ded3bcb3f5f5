"""audit sealing through a SECURITY DEFINER function; the trigger allows no plain UPDATE

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 10:00:00

On PostgreSQL the service may run as a role that can only INSERT and SELECT audit_events
(`skk init` grants that, see app/migrate.py). Sealing is then done by `seal_audit_events`,
which runs as the owner of the tables. It computes nothing: the sealer hands it the hashes.
It writes the chain columns of entries that have none, in order, each the head's next,
and moves the head. The trigger refuses every UPDATE that does not come from it: a plain
UPDATE can no longer write garbage chain columns that block sealing for ever.
"""

from collections.abc import Sequence

from alembic import op
from sqlalchemy import text

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


SEAL_FUNCTION = """
CREATE OR REPLACE FUNCTION seal_audit_events(seals jsonb) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = {schema}, pg_temp
SET skk.sealing = 'on'
AS $$
DECLARE
    head_seq integer;
    head_sha text;
    seal record;
BEGIN
    INSERT INTO audit_chain_head (id, last_seq, last_sha256) VALUES (1, 0, repeat('0', 64))
        ON CONFLICT (id) DO NOTHING;
    SELECT last_seq, last_sha256 INTO head_seq, head_sha
        FROM audit_chain_head WHERE id = 1 FOR UPDATE;
    FOR seal IN
        SELECT (item->>'id')::integer AS id, (item->>'chain_seq')::integer AS chain_seq,
               item->>'prev_sha256' AS prev_sha256, item->>'sha256' AS sha256
        FROM jsonb_array_elements(seals) WITH ORDINALITY AS e(item, n) ORDER BY n
    LOOP
        IF seal.chain_seq IS DISTINCT FROM head_seq + 1 THEN
            RAISE EXCEPTION 'seal_audit_events: entry id % would be number % of the chain, '
                'but the next is %', seal.id, seal.chain_seq, head_seq + 1;
        END IF;
        IF seal.prev_sha256 IS DISTINCT FROM head_sha THEN
            RAISE EXCEPTION 'seal_audit_events: entry id % does not follow the chain head',
                seal.id;
        END IF;
        IF seal.sha256 IS NULL OR seal.sha256 !~ '^[0-9a-f]{{64}}$' THEN
            RAISE EXCEPTION 'seal_audit_events: entry id % has no SHA-256 hash', seal.id;
        END IF;
        UPDATE audit_events
            SET chain_seq = seal.chain_seq, prev_sha256 = seal.prev_sha256, sha256 = seal.sha256
            WHERE id = seal.id
              AND chain_seq IS NULL AND prev_sha256 IS NULL AND sha256 IS NULL;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'seal_audit_events: entry id % is not waiting to be sealed', seal.id;
        END IF;
        head_seq := seal.chain_seq;
        head_sha := seal.sha256;
    END LOOP;
    UPDATE audit_chain_head SET last_seq = head_seq, last_sha256 = head_sha WHERE id = 1;
    RETURN head_seq;
END;
$$
"""

# `skk.sealing` is on only inside seal_audit_events (its SET clause restores it on return).
APPEND_ONLY_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND current_setting('skk.sealing', true) = 'on'
       AND OLD.chain_seq IS NULL AND OLD.prev_sha256 IS NULL AND OLD.sha256 IS NULL
       AND NEW.chain_seq IS NOT NULL AND NEW.prev_sha256 IS NOT NULL AND NEW.sha256 IS NOT NULL
       AND (to_jsonb(NEW) - 'chain_seq' - 'prev_sha256' - 'sha256')
           = (to_jsonb(OLD) - 'chain_seq' - 'prev_sha256' - 'sha256') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP;
END;
$$ LANGUAGE plpgsql
"""

PREVIOUS_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.sha256 IS NULL AND NEW.sha256 IS NOT NULL
       AND (to_jsonb(NEW) - 'chain_seq' - 'prev_sha256' - 'sha256')
           = (to_jsonb(OLD) - 'chain_seq' - 'prev_sha256' - 'sha256') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP;
END;
$$ LANGUAGE plpgsql
"""


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    schema = bind.execute(text("SELECT quote_ident(current_schema())")).scalar_one()
    op.execute(SEAL_FUNCTION.format(schema=schema))
    # Functions are executable by everyone unless told otherwise; `skk init` grants it to
    # the service role.
    op.execute("REVOKE ALL ON FUNCTION seal_audit_events(jsonb) FROM PUBLIC")
    op.execute(APPEND_ONLY_FUNCTION)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(PREVIOUS_FUNCTION)
    op.execute("DROP FUNCTION IF EXISTS seal_audit_events(jsonb)")
