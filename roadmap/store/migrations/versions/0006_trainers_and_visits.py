"""Trainers (region, weekly capacity, assigned agencies) and the site visits planned for them.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "trainers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("region", sa.String(120), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("reviewer", sa.Boolean(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("capacity BETWEEN 1 AND 5", name="ck_trainers_capacity_days"),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contacts.id"], name="fk_trainers_contact_id_contacts", ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_trainers"),
        sa.UniqueConstraint("name", name="uq_trainers_name"),
    )
    op.create_table(
        "trainer_agencies",
        sa.Column("trainer_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["trainer_id"], ["trainers.id"], name="fk_trainer_agencies_trainer_id_trainers", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name="fk_trainer_agencies_agency_id_agencies", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("trainer_id", "agency_id", name="pk_trainer_agencies"),
    )
    op.create_table(
        "visits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(60), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=True),
        sa.Column("region", sa.String(120), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("slot", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name="fk_visits_agency_id_agencies", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_visits"),
    )
    op.create_index("ix_visits_agency_id", "visits", ["agency_id"])
    op.create_index("ix_visits_starts_on", "visits", ["starts_on"])
    op.create_index("ix_visits_status", "visits", ["status"])
    op.create_table(
        "visit_trainers",
        sa.Column("visit_id", sa.Integer(), nullable=False),
        sa.Column("trainer_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["visit_id"], ["visits.id"], name="fk_visit_trainers_visit_id_visits", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["trainer_id"], ["trainers.id"], name="fk_visit_trainers_trainer_id_trainers", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("visit_id", "trainer_id", name="pk_visit_trainers"),
    )


def downgrade() -> None:
    op.drop_table("visit_trainers")
    op.drop_index("ix_visits_status", "visits")
    op.drop_index("ix_visits_starts_on", "visits")
    op.drop_index("ix_visits_agency_id", "visits")
    op.drop_table("visits")
    op.drop_table("trainer_agencies")
    op.drop_table("trainers")
