"""Alembic, driven from code: the migrations ship inside the package."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def is_known_revision(revision: str) -> bool:
    script = ScriptDirectory.from_config(alembic_config())
    return any(r.revision == revision for r in script.walk_revisions())


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply the migrations up to ``revision`` in one connection, in one transaction.

    On SQLite the foreign keys are not enforced while they run, as SQLite's own way of
    changing a table says (make the new table, copy, drop the old one, rename): dropping
    a table others point at would otherwise fail or cascade.  The pragma is only taken
    outside a transaction, so it is set before Alembic begins one; a migration that
    rebuilds tables runs ``PRAGMA foreign_key_check`` before its end (0007).
    """
    config = alembic_config()
    with engine.connect() as connection:
        sqlite = _sqlite_connection(connection)
        if sqlite is not None:
            sqlite.execute("PRAGMA foreign_keys = OFF")
        try:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
            connection.commit()
        finally:
            if sqlite is not None:
                connection.rollback()  # after a failure: the pragma needs no transaction open
                sqlite.execute("PRAGMA foreign_keys = ON")


def _sqlite_connection(connection: Connection) -> Any:
    """The driver's own connection under an SQLite one (None elsewhere), not in a
    transaction yet: SQLAlchemy's would begin one for the pragma."""
    if connection.dialect.name != "sqlite":
        return None
    driver = connection.connection.driver_connection
    assert driver is not None and not driver.in_transaction
    return driver
