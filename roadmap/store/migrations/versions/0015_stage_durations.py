"""Derived rows: the days each agency took over each stage it completed, kept beside its due entries.

A page about one agency judges its stall against every agency's median stage durations; these rows spare it
reading every agency's stages. No rows are written here: they are worked out with the due list.

Revision ID: 0015
Revises: 0014
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stage_durations",
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(40), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name="fk_stage_durations_agency_id_agencies", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("agency_id", "stage", name="pk_stage_durations"),
    )
    # Standings written before this revision have no durations; they are stamped with the schema head they were
    # worked out under (due_list.py), so every one is stale from here on.


def downgrade() -> None:
    op.drop_table("stage_durations")
