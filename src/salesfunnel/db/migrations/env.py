"""Alembic environment: runs on the connection salesfunnel hands it."""

from __future__ import annotations

from alembic import context

from salesfunnel.db.tables import SQLModel

config = context.config
connection = config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
