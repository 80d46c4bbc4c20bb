"""Agencies, their started stages and checklist marks.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "agencies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(80), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("region", sa.String(120), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("joined_on", sa.Date(), nullable=False),
        sa.Column("launched_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_agencies"),
        sa.UniqueConstraint("slug", name="uq_agencies_slug"),
    )
    op.create_table(
        "agency_stages",
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("stage_key", sa.String(40), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.Column("forced", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name="fk_agency_stages_agency_id_agencies", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("agency_id", "stage_key", name="pk_agency_stages"),
    )
    op.create_table(
        "checklist_marks",
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("item_key", sa.String(80), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name="fk_checklist_marks_agency_id_agencies", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("agency_id", "item_key", name="pk_checklist_marks"),
    )
    op.create_table(
        "roadmap_meta",
        sa.Column("key", sa.String(40), nullable=False),
        sa.Column("value", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_roadmap_meta"),
    )


def downgrade() -> None:
    op.drop_table("roadmap_meta")
    op.drop_table("checklist_marks")
    op.drop_table("agency_stages")
    op.drop_table("agencies")
