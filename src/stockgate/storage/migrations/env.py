"""Alembic environment: runs on the engine stockgate hands over (see storage/migrate.py)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine, text

from stockgate.storage.schema import metadata

engine: Engine = context.config.attributes["engine"]

with engine.connect() as connection:
    if connection.dialect.name == "postgresql":
        # Several server processes may start at once: one migrates, the others wait for it.
        connection.execute(text("SELECT pg_advisory_xact_lock(421337)"))
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
