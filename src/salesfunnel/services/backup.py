"""`backup FILE`: a consistent copy of the database while it is in use.

SQLite's online backup API copies one snapshot (the last commit) while other commands go
on writing (db/sqlite.py ``online_copy``).  The copy is written as every file salesfunnel
writes is (files.py): private, under a temporary name until whole, and never over a file
nobody asked to replace, nor over the database itself.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from salesfunnel.db.sqlite import online_copy, open_read_only, user_tables
from salesfunnel.errors import DatabaseError
from salesfunnel.files import PendingFile, Protected
from salesfunnel.schemas import BackupPublic


def back_up(
    database: Path, target: Path, *, force: bool = False, protected: Protected | None = None
) -> BackupPublic:
    """Copy ``database`` to ``target``; what the copy holds, for the message."""
    pending = PendingFile(target, force=force, protected=protected, binary=True)
    try:
        pending.stream.close()  # SQLite writes the file by its name
        online_copy(database, pending.temporary)
        schema, contacts = _contents(pending.temporary)
        kept = pending.keep()
    except sqlite3.Error as error:
        pending.discard()
        raise DatabaseError(f"can't back up {database}: {error}") from None
    except BaseException:
        pending.discard()
        raise
    return BackupPublic(
        database=str(database),
        file=str(kept.absolute()),
        size=kept.stat().st_size,
        schema_version=schema,
        contacts=contacts,
    )


def _contents(copy: Path) -> tuple[str | None, int | None]:
    """The copy's schema version and how many contacts it holds, as far as it has them."""
    connection = open_read_only(copy)
    try:
        tables = user_tables(connection)
        schema = None
        if "alembic_version" in tables:
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
            schema = row[0] if row else None
        contacts = None
        if "contacts" in tables:
            (contacts,) = connection.execute("SELECT count(*) FROM contacts").fetchone()
        return schema, contacts
    finally:
        connection.close()
