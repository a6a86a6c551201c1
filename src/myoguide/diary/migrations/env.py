"""Alembic environment: runs the diary's migrations on the connection it is given."""

from __future__ import annotations

from alembic import context

from myoguide.diary.tables import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
