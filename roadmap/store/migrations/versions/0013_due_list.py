"""What is due, kept as derived rows: each agency's due items as last worked out, and for which day and rules.

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("agencies") as table:
        table.add_column(sa.Column("generation", sa.Integer(), server_default="0", nullable=False))
    op.create_table(
        "due_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("stage", sa.String(80), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("state_run", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name="fk_due_entries_agency_id_agencies", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_due_entries"),
        sa.UniqueConstraint("agency_id", "kind", "subject", name="uq_due_entries_agency_id"),
    )
    op.create_index("ix_due_entries_agency_id", "due_entries", ["agency_id"])
    op.create_index("ix_due_entries_due_on", "due_entries", ["due_on"])
    # Nothing is computed here: an agency without a standing is worked out when a due list is next read.
    op.create_table(
        "due_standings",
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("computed_for", sa.Date(), nullable=False),
        sa.Column("basis", sa.String(64), nullable=False),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name="fk_due_standings_agency_id_agencies", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("agency_id", name="pk_due_standings"),
    )


def downgrade() -> None:
    op.drop_table("due_standings")
    op.drop_index("ix_due_entries_due_on", "due_entries")
    op.drop_index("ix_due_entries_agency_id", "due_entries")
    op.drop_table("due_entries")
    with op.batch_alter_table("agencies") as table:
        table.drop_column("generation")
