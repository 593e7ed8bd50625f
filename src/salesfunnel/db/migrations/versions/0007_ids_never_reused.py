"""Ids of contacts, prospecting lists and imports are never given out twice.

SQLite gives a new row the highest id in its table plus one, so once `undo` (or
`prospect undo-import`) deleted the newest contact, the next one got its id back: "#12"
in yesterday's notes or a shell's history named someone else.  With AUTOINCREMENT it
takes the highest id the table ever held plus one (kept in ``sqlite_sequence``).

SQLite can't add AUTOINCREMENT to a table, so each of the three is made again, as
SQLite's documentation says to change a table: a new table from the old one's own
definition with AUTOINCREMENT added, every row copied with its id, the old table
dropped and the new one renamed, then its indexes (the partial ones of 0002 as they
are) and triggers (the search index's, 0002/0004) made again from their own SQL.  The
search index's content is read by rowid, which every row keeps, so it stays as it was.
Foreign keys are not enforced meanwhile (db/migrate.py turns them off before the
transaction: SQLite takes that pragma only outside one); ``PRAGMA foreign_key_check``
must find nothing it did not find before, or the migration fails and nothing changes.
(A row that pointed at nothing before, made by hand or by an old bug, stays for
`salesfunnel check` to report with its repair: it doesn't stop the upgrade.)

Each sequence starts past the highest id the table holds and any id the undo journal
still remembers (a row deleted and journaled, an import an entry names), so no id
`undo` could bring back is handed out meanwhile.

On PostgreSQL this does nothing: a SERIAL column's sequence never goes back, so ids
were never reused there.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import json
import re

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# Parents first: import_batches points at prospect_lists, contacts at both.
REBUILT = ("prospect_lists", "import_batches", "contacts")
_ID_COLUMN = re.compile(r"(\(\s*id INTEGER NOT NULL)(\s*,)")
_ID_KEY = re.compile(r",\s*PRIMARY KEY \(id\)")


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return  # PostgreSQL: sequences never go back, ids are never reused (see above)
    if bind.exec_driver_sql("PRAGMA foreign_keys").scalar():
        raise RuntimeError("0007 rebuilds tables: it runs with foreign keys off (db/migrate.py)")
    seeds = _highest_ids(bind)
    already = set(bind.exec_driver_sql("PRAGMA foreign_key_check").fetchall())
    for table in REBUILT:
        _rebuild(bind, table)
    for table, highest in seeds.items():
        bind.exec_driver_sql("DELETE FROM sqlite_sequence WHERE name = ?", (table,))
        bind.exec_driver_sql(
            "INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", (table, highest)
        )
    broken = set(bind.exec_driver_sql("PRAGMA foreign_key_check").fetchall()) - already
    if broken:
        raise RuntimeError(f"0007: rows point at rows that are not there: {list(broken)[:5]}")


def downgrade() -> None:
    """The tables keep AUTOINCREMENT: without it they work as before, less safely."""


def _highest_ids(bind: sa.Connection) -> dict[str, int]:
    """The highest id each table holds, or the journal remembers, whichever is higher."""
    highest = {
        table: int(bind.exec_driver_sql(f"SELECT coalesce(max(id), 0) FROM {table}").scalar() or 0)
        for table in REBUILT
    }
    remembered = bind.exec_driver_sql(
        "SELECT table_name, row_key FROM undo_changes "
        f"WHERE table_name IN ({', '.join('?' for _ in REBUILT)})",
        REBUILT,
    ).fetchall()
    for table, key in remembered:
        ident = _id_of(key)
        if ident is not None:
            highest[table] = max(highest[table], ident)
    imports = bind.exec_driver_sql("SELECT max(import_id) FROM undo_commands").scalar()
    if isinstance(imports, int):
        highest["import_batches"] = max(highest["import_batches"], imports)
    return highest


def _id_of(key: object) -> int | None:
    """The id in a journaled row key (``{"id": 12}``), or None if it can't be read."""
    try:
        found = json.loads(key) if isinstance(key, str | bytes) else key
    except ValueError:
        return None
    ident = found.get("id") if isinstance(found, dict) else None
    return ident if isinstance(ident, int) and not isinstance(ident, bool) else None


def _rebuild(bind: sa.Connection, table: str) -> None:
    """``table`` made again with AUTOINCREMENT, keeping its rows, indexes and triggers."""
    (definition,) = bind.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
    ).one()
    if "AUTOINCREMENT" in definition.upper():
        return  # made so already
    new = f"{table}_0007"
    header = re.compile(rf'^CREATE TABLE\s+"?{table}"?\s*\(')
    created = _once(header, f"CREATE TABLE {new} (", definition, table)
    created = _once(_ID_COLUMN, r"\1 PRIMARY KEY AUTOINCREMENT\2", created, table)
    created = _once(_ID_KEY, "", created, table)
    dependents = [
        sql
        for (sql,) in bind.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE tbl_name = ? AND type IN ('index', 'trigger') "
            "AND sql IS NOT NULL ORDER BY type, name",
            (table,),
        )
    ]
    columns = ", ".join(
        f'"{name}"' for (_, name, *_) in bind.exec_driver_sql(f"PRAGMA table_info({table})")
    )
    bind.exec_driver_sql(created)
    bind.exec_driver_sql(f"INSERT INTO {new} ({columns}) SELECT {columns} FROM {table}")
    bind.exec_driver_sql(f"DROP TABLE {table}")
    bind.exec_driver_sql(f"ALTER TABLE {new} RENAME TO {table}")
    for sql in dependents:
        bind.exec_driver_sql(sql)


def _once(pattern: re.Pattern[str], replacement: str, sql: str, table: str) -> str:
    changed, count = pattern.subn(replacement, sql)
    if count != 1:
        raise RuntimeError(f"0007: the definition of {table} is not as expected: {sql}")
    return changed
