"""Derived columns: each agency's active gate and the days it counts towards a stall, kept with its due entries.

The state overview counts the stalled agencies and lists a page of them; with each agency's position kept
beside its stage durations it judges every agency from two narrow reads instead of rebuilding every standing.
No values are written here: they are worked out with the due list.

Revision ID: 0016
Revises: 0015
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("due_standings", sa.Column("current_stage", sa.String(40), nullable=True))
    op.add_column("due_standings", sa.Column("stage_days", sa.Integer(), nullable=True))
    # Standings written before this revision are stamped with the schema head they were worked out under
    # (due_list.py), so every one is stale from here on and is worked out again with its position.


def downgrade() -> None:
    with op.batch_alter_table("due_standings") as batch:
        batch.drop_column("stage_days")
        batch.drop_column("current_stage")
