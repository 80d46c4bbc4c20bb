"""Agencies that were already running IPS when the state began tracking them, and agencies that left.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("agencies") as table:
        table.add_column(sa.Column("tracked_from", sa.Date(), nullable=True))
        table.add_column(sa.Column("archived_on", sa.Date(), nullable=True))
        table.add_column(sa.Column("archive_reason", sa.Text(), nullable=True))
    with op.batch_alter_table("agency_stages") as table:
        table.add_column(sa.Column("before_tracking", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("agency_stages") as table:
        table.drop_column("before_tracking")
    with op.batch_alter_table("agencies") as table:
        table.drop_column("archive_reason")
        table.drop_column("archived_on")
        table.drop_column("tracked_from")
