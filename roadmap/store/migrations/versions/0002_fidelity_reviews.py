"""Fidelity reviews, their item scores, and action-plan items.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "fidelity_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("visited_on", sa.Date(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("reviewers", sa.JSON(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name="fk_fidelity_reviews_agency_id_agencies", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_fidelity_reviews"),
        sa.UniqueConstraint("agency_id", "visited_on", name="uq_fidelity_reviews_agency_id"),
    )
    op.create_index("ix_fidelity_reviews_agency_id", "fidelity_reviews", ["agency_id"])
    op.create_table(
        "fidelity_scores",
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("item", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.CheckConstraint("item BETWEEN 1 AND 25", name="ck_fidelity_scores_item_number"),
        sa.CheckConstraint("score BETWEEN 1 AND 5", name="ck_fidelity_scores_score_range"),
        sa.ForeignKeyConstraint(
            ["review_id"],
            ["fidelity_reviews.id"],
            name="fk_fidelity_scores_review_id_fidelity_reviews",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("review_id", "item", name="pk_fidelity_scores"),
    )
    op.create_table(
        "action_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("item", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("criterion", sa.Text(), nullable=False),
        sa.Column("step", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(200), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name="fk_action_items_agency_id_agencies", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["review_id"],
            ["fidelity_reviews.id"],
            name="fk_action_items_review_id_fidelity_reviews",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_action_items"),
    )
    op.create_index("ix_action_items_agency_id", "action_items", ["agency_id"])


def downgrade() -> None:
    op.drop_table("action_items")
    op.drop_table("fidelity_scores")
    op.drop_index("ix_fidelity_reviews_agency_id", "fidelity_reviews")
    op.drop_table("fidelity_reviews")
