"""The audit trail: every change to an agency-level fact, with when, who and before/after.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_trail",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(120), nullable=False),
        sa.Column("via", sa.String(16), nullable=False),
        sa.Column("agency", sa.String(80), nullable=True),
        sa.Column("subject", sa.String(16), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_audit_trail"),
    )
    op.create_index("ix_audit_trail_agency", "audit_trail", ["agency"])


def downgrade() -> None:
    op.drop_index("ix_audit_trail_agency", "audit_trail")
    op.drop_table("audit_trail")
