"""Alembic environment: migrations run on the connection handed over by Database.upgrade."""

from alembic import context

from roadmap.store.tables import Base

connection = context.config.attributes["connection"]
# render_as_batch lets later migrations alter columns on SQLite too.
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
