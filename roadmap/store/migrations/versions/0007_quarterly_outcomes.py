"""Quarterly outcomes: clients served and working (and what supervisors also count), per agency and quarter.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "quarterly_outcomes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("quarter", sa.String(8), nullable=False),
        sa.Column("served", sa.Integer(), nullable=False),
        sa.Column("working", sa.Integer(), nullable=False),
        sa.Column("job_starts", sa.Integer(), nullable=True),
        sa.Column("in_school", sa.Integer(), nullable=True),
        sa.Column("working_90_days", sa.Integer(), nullable=True),
        sa.Column("jobs_ended_before_90_days", sa.Integer(), nullable=True),
        sa.Column("avg_hours", sa.Float(), nullable=True),
        sa.Column("reported_on", sa.Date(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.CheckConstraint("working <= served", name="ck_quarterly_outcomes_working_within_served"),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name="fk_quarterly_outcomes_agency_id_agencies", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_quarterly_outcomes"),
        sa.UniqueConstraint("agency_id", "quarter", name="uq_quarterly_outcomes_agency_id"),
    )
    op.create_index("ix_quarterly_outcomes_agency_id", "quarterly_outcomes", ["agency_id"])


def downgrade() -> None:
    op.drop_index("ix_quarterly_outcomes_agency_id", "quarterly_outcomes")
    op.drop_table("quarterly_outcomes")
