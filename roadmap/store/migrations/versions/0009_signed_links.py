"""Agency links become signed tokens, so reminders can carry them; a link may belong to a contact.

Links made before this revision held a random secret of which only the hash was kept: they cannot be signed,
so they are kept in the list as revoked (make new ones with `ips-roadmap link create`). The state's link key
is made here, once, so every process using this database signs with the same key.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(sa.text("UPDATE access_links SET revoked_at = CURRENT_TIMESTAMP WHERE revoked_at IS NULL"))
    with op.batch_alter_table("access_links") as table:
        table.drop_constraint("uq_access_links_secret_hash", type_="unique")
        table.drop_column("secret_hash")
        table.add_column(sa.Column("contact_id", sa.Integer(), nullable=True))
        table.create_foreign_key(
            "fk_access_links_contact_id_contacts", "contacts", ["contact_id"], ["id"], ondelete="CASCADE"
        )
        table.create_index("ix_access_links_contact_id", ["contact_id"])
        table.add_column(sa.Column("salt", sa.String(24), nullable=False, server_default=""))
    op.get_bind().execute(
        sa.text("INSERT INTO roadmap_meta (key, value) VALUES ('link_key', :key)"),
        {"key": secrets.token_urlsafe(32)},
    )


def downgrade() -> None:
    op.execute("DELETE FROM roadmap_meta WHERE key = 'link_key'")
    op.execute("DELETE FROM access_links")
    with op.batch_alter_table("access_links") as table:
        table.drop_column("salt")
        table.drop_index("ix_access_links_contact_id")
        table.drop_constraint("fk_access_links_contact_id_contacts", type_="foreignkey")
        table.drop_column("contact_id")
        table.add_column(sa.Column("secret_hash", sa.String(64), nullable=False))
        table.create_unique_constraint("uq_access_links_secret_hash", ["secret_hash"])
