"""Derived rows: what the last sweep to work each agency out found, and until when it owes nothing new.

A day-to-day sweep passes by the agencies whose records, rules and people are as they were when they were last
worked out, while the day is before the first one on which they may owe something new. No rows are written
here: the first sweep after the upgrade works every agency out and writes them.

Revision ID: 0017
Revises: 0016
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sweep_marks",
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("swept_for", sa.Date(), nullable=False),
        sa.Column("stamp", sa.String(80), nullable=False),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.Column("reach", sa.String(32), nullable=False),
        sa.Column("quiet_until", sa.Date(), nullable=False),
        sa.Column("items", sa.Integer(), nullable=False),
        sa.Column("current_stage", sa.String(40), nullable=True),
        sa.Column("stage_days", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name="fk_sweep_marks_agency_id_agencies", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("agency_id", name="pk_sweep_marks"),
    )


def downgrade() -> None:
    op.drop_table("sweep_marks")
