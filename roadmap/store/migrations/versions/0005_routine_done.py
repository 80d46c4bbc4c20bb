"""Occurrences of routines: meetings held, visits made, quarterly reports sent.

A database that already holds agencies has no record of their past meetings: it notes the day routines began
to be tracked, and routines count from then (otherwise every one would fall overdue at the first sweep).

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "routine_done",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("routine", sa.String(60), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=False),
        sa.Column("period", sa.String(8), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name="fk_routine_done_agency_id_agencies", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_routine_done"),
        sa.UniqueConstraint("agency_id", "routine", "done_on", "period", name="uq_routine_done_agency_id"),
    )
    op.create_index("ix_routine_done_agency_id", "routine_done", ["agency_id"])
    connection = op.get_bind()
    if connection.execute(sa.text("SELECT COUNT(*) FROM agencies")).scalar():
        connection.execute(
            sa.text("INSERT INTO roadmap_meta (key, value) VALUES ('routines_tracked_from', :day)"),
            {"day": date.today().isoformat()},
        )


def downgrade() -> None:
    op.execute("DELETE FROM roadmap_meta WHERE key = 'routines_tracked_from'")
    op.drop_index("ix_routine_done_agency_id", "routine_done")
    op.drop_table("routine_done")
