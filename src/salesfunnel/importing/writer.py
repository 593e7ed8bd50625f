"""The fast path: prospects in batches, as tuples, through the driver's ``executemany``.

The INSERT names the columns the database itself lists for the table (``PRAGMA
table_info``), so the migrations stay the one schema; what every row of an import
shares is written into the statement once, in the form every other write stores
(db/rows.py), and only what differs is bound per row.  All of it runs on the unit
of work's own connection, inside its one transaction.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import repeat
from typing import Any

from salesfunnel.db.dialect import SQLITE, of_cursor
from salesfunnel.db.rows import sqlite_value
from salesfunnel.importing.pack import Packed
from salesfunnel.importing.rows import Prospect

STAGING = "pg_temp.import_rows"  # PostgreSQL: where COPY puts each batch first
COMPANY_IDS = 50_000  # company ids remembered by name between batches (bounded memory)
# Prospect fields stored in a column of their own name; company and tags go elsewhere.
STORED_FIELDS = tuple(f for f in Prospect._fields if f not in ("company", "tags"))


@dataclass(frozen=True)
class Constants:
    """What every contact of one import shares."""

    stage: str
    list_id: int
    import_id: int
    prospect_status: str | None
    lead_status: str | None
    channel: str
    created_at: datetime
    became_lead_at: datetime | None
    owner: str  # who imported them (domain/owners.py)

    def columns(self) -> dict[str, Any]:
        return {
            "stage": self.stage,
            "list_id": self.list_id,
            "import_id": self.import_id,
            "prospect_status": self.prospect_status,
            "lead_status": self.lead_status,
            "channel": self.channel,
            "starred": False,
            "created_at": self.created_at,
            "became_lead_at": self.became_lead_at,
            "owner": self.owner,
        }


def table_columns(cursor: Any, table: str) -> list[tuple[str, bool]]:
    """A table's columns in order, each with whether the database gives it a default."""
    return [(name, has_default) for name, has_default, _ in typed_columns(cursor, table)]


def typed_columns(cursor: Any, table: str) -> list[tuple[str, bool, str]]:
    """A table's columns in order: name, whether it has a default, its type."""
    if of_cursor(cursor) == SQLITE:
        rows = cursor.execute(f"PRAGMA table_info({table})").fetchall()
        return [(row[1], row[4] is not None, row[2]) for row in rows]
    return [
        (str(name), bool(has_default), str(kind))
        for name, has_default, kind in cursor.execute(
            "SELECT column_name, column_default IS NOT NULL, data_type "
            "FROM information_schema.columns WHERE table_schema = current_schema() "
            "AND table_name = ? ORDER BY ordinal_position",
            (table,),
        ).fetchall()
    ]


def sql_literal(value: Any, kind: str | None = None) -> str:
    """A value written into a statement, stored as a bound one would be; with the
    column's type (``kind``, PostgreSQL), cast to it."""
    stored = sqlite_value(value)
    if stored is None:
        return "NULL" if kind is None else f"CAST(NULL AS {kind})"
    if kind is not None:
        return "CAST('" + str(stored).replace("'", "''") + f"' AS {kind})"
    if isinstance(stored, int | float):
        return repr(stored)
    return "'" + str(stored).replace("'", "''") + "'"


def positional_insert(
    table: str,
    columns: Sequence[str],
    fixed: dict[str, Any] | None = None,
    *,
    empty_is_null: Sequence[str] = (),
) -> str:
    """``INSERT INTO t (a, b, c) VALUES (?, ?, 'x')``.

    ``columns`` are bound per row, in this order; ``fixed`` values are written into
    the statement once, so no row carries them; the ``empty_is_null`` columns store an
    empty string bound to them as NULL.
    """
    fixed = fixed or {}
    names = [*columns, *fixed]
    values = ["nullif(?, '')" if name in empty_is_null else "?" for name in columns]
    values += [sql_literal(value) for value in fixed.values()]
    return f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join(values)})"


class BulkWriter:
    """Stores packed batches in ``contacts`` (and companies, tags) on one DBAPI connection."""

    def __init__(
        self,
        cursor: Any,
        constants: Constants,
        *,
        unfilled: dict[str, Any] | None = None,
    ) -> None:
        """``unfilled``: prospect fields no row of this file can fill, with their one value.

        Those are written once into the statement, like the import's constants,
        instead of being bound as NULL on every row.
        """
        self.cursor = cursor
        self.dialect = of_cursor(cursor)
        contact_columns = table_columns(self.cursor, "contacts")
        known = {name for name, _ in contact_columns}
        unfilled = dict(unfilled or {})
        if "company" in unfilled:
            unfilled["company_id"] = None
        fixed = constants.columns() | {
            name: value for name, value in unfilled.items() if name in known
        }
        wanted = {"id", "company_id", "search_key", *STORED_FIELDS} - set(fixed)
        self.columns = [name for name, _ in contact_columns if name in wanted]  # table order
        # What every row of this import has: the fixed values, and NULL in the columns
        # the statement leaves out (none of them has a default in the database).
        self.shared: dict[str, Any] = {
            name: None
            for name, has_default in contact_columns
            if name not in wanted and name not in fixed and not has_default
        } | fixed
        self._company_ids: dict[str, int] = {}
        self._contact_sql = positional_insert(
            "contacts",
            self.columns,
            fixed,
            empty_is_null=[
                name for name in self.columns if name not in ("id", "search_key", "email_flagged")
            ],
        )
        if self.dialect != SQLITE:
            self._contact_sql = self._staged_insert(fixed)
        self._tag_sql = "INSERT OR IGNORE INTO contact_tags (contact_id, tag) VALUES (?, ?)"
        self._company_sql = positional_insert(
            "companies", ["name", "search_key"], {"created_at": constants.created_at}
        ).replace("INSERT INTO", "INSERT OR IGNORE INTO", 1)
        self.written = 0

    def write(self, packed: Packed) -> None:
        """Insert a batch: its new companies first, then its contacts and their tags."""
        if packed.companies:
            self.cursor.executemany(self._company_sql, packed.companies)
        columns = packed.columns
        if packed.company_at is not None:
            columns = list(columns)
            columns[packed.company_at] = self._ids_of(columns[packed.company_at])
        if self.dialect == SQLITE:
            self.cursor.executemany(self._contact_sql, zip(*columns, strict=True))
        else:
            self._copy(zip(*columns, strict=True))
        if packed.tags:
            self.cursor.executemany(self._tag_sql, packed.tags)
        self.written += packed.count

    def _staged_insert(self, fixed: dict[str, Any]) -> str:
        """PostgreSQL: a temporary table (text columns) that COPY fills a batch at a
        time, and the INSERT ... SELECT that moves a batch from it into ``contacts``,
        each value cast to its column's type, the fixed ones written in once."""
        kinds = {name: kind for name, _, kind in typed_columns(self.cursor, "contacts")}
        staged = ", ".join(f'"{name}" text' for name in self.columns)
        self.cursor.execute(f"DROP TABLE IF EXISTS {STAGING}")
        self.cursor.execute(f"CREATE TEMPORARY TABLE {STAGING} ({staged}) ON COMMIT DROP")
        kept = ("id", "search_key", "email_flagged")  # the others: an empty string is NULL
        values = []
        for name in self.columns:
            value = name if name in kept else f"nullif({name}, '')"
            values.append(f"CAST({value} AS {kinds[name]})")
        values += [sql_literal(value, kinds[name]) for name, value in fixed.items()]
        names = ", ".join([*self.columns, *fixed])
        return f"INSERT INTO contacts ({names}) SELECT {', '.join(values)} FROM {STAGING}"

    def _copy(self, rows: Any) -> None:
        """PostgreSQL: a batch through COPY into the staging table, then into contacts."""
        names = ", ".join(f'"{name}"' for name in self.columns)
        with self.cursor.copy(f"COPY {STAGING} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        self.cursor.execute(self._contact_sql)
        self.cursor.execute(f"TRUNCATE {STAGING}")

    def _ids_of(self, names: Sequence[str]) -> list[Any]:
        """Each company name's id ("" where there is none); names remembered between batches."""
        ids = self._company_ids
        missing = set(names) - ids.keys()
        missing.discard("")
        if missing:
            if len(ids) + len(missing) > COMPANY_IDS:
                ids.clear()
                missing = set(names)
                missing.discard("")
            if self.dialect == SQLITE:
                found = self.cursor.execute(
                    "SELECT name, id FROM companies WHERE name IN (SELECT value FROM json_each(?))",
                    (json.dumps(sorted(missing), ensure_ascii=False),),
                )
            else:
                found = self.cursor.execute(
                    "SELECT name, id FROM companies WHERE name = ANY(?)", (sorted(missing),)
                )
            ids.update(found.fetchall())
        return list(map(ids.get, names, repeat("")))


class SecondaryIndexes:
    """Drop a table's indexes for a big import and build them again at its end.

    Building an index over a million rows at once (a sort) costs a fraction of
    keeping it up to date row by row.  An index on columns every imported row
    shares (list and status, stage) only ever grows at one end, so it stays; so
    does a partial index no imported row can enter (the leads' indexes, during an
    import of prospects), which a rebuild would only read the whole table for.  It
    all happens inside the import's transaction: other processes keep reading
    the old, indexed snapshot, and an import that fails or is killed leaves the
    indexes as they were.
    """

    def __init__(self, cursor: Any, table: str, shared: dict[str, Any] | None = None) -> None:
        """``shared``: the columns every imported row has the same value in, with it."""
        self.cursor = cursor
        self.table = table
        self.shared = shared or {}
        self.constant = set(self.shared)
        self._dropped: list[tuple[str, str, list[str]]] = []  # name, SQL, key columns

    @property
    def dropped(self) -> bool:
        return bool(self._dropped)

    def drop(self) -> None:
        rows = self.cursor.execute(
            "SELECT name, sql FROM sqlite_master "
            "WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
            (self.table,),
        ).fetchall()
        dropped = []
        for name, sql in rows:
            columns = self._key_columns(name)
            if (columns and set(columns) <= self.constant) or self._never_entered(sql):
                continue  # appended to at its end, or never entered
            self.cursor.execute(f'DROP INDEX "{name}"')
            dropped.append((name, sql, columns))
        self._dropped = dropped

    def _key_columns(self, index: str) -> list[str]:
        """The index's key columns (an expression column counts as None)."""
        return [row[2] for row in self.cursor.execute(f'PRAGMA index_info("{index}")')]

    def _never_entered(self, sql: str) -> bool:
        """A partial index whose WHERE no imported row meets, judged on the shared values.

        The WHERE is asked of one row made of those values; one that names any other
        column can't be judged (SQLite says "no such column") and counts as entered.
        """
        where = _PARTIAL_WHERE.search(sql)
        if where is None or not self.shared:
            return False
        names = list(self.shared)
        row = ", ".join(f'? AS "{name}"' for name in names)
        values = [_plain(self.shared[name]) for name in names]
        try:
            met = self.cursor.execute(
                f"SELECT 1 FROM (SELECT {row}) WHERE {where.group(1)}", values
            ).fetchone()
        except sqlite3.OperationalError:
            return False
        return met is None

    def restore(self, *, only: Sequence[str] | None = None) -> None:
        """Build them again, from the very statements that made them; ``only`` those
        on these columns, if given (the others wait for the next call)."""
        waiting = []
        for name, sql, columns in self._dropped:
            if only is None or (columns and set(columns) <= set(only)):
                self.cursor.execute(sql)
            else:
                waiting.append((name, sql, columns))
        self._dropped = waiting


_PARTIAL_WHERE = re.compile(r"\)\s*WHERE\s+(.+)$", re.IGNORECASE | re.DOTALL)


def _plain(value: Any) -> Any:
    """A value as the driver binds it without an adapter (stored dates are text)."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, datetime):
        return value.isoformat(" ")
    return value


def sqlite_import_cache(cursor: Any, kib: int) -> int:
    """Give SQLite a bigger page cache for the import; returns the old setting to restore."""
    (previous,) = cursor.execute("PRAGMA cache_size").fetchone()
    cursor.execute(f"PRAGMA cache_size = {-abs(int(kib))}")
    return int(previous)


_WATERMARKED_INSERT = re.compile(
    r"\bAFTER\s+INSERT\s+ON\s+\"?(\w+)\"?\s+WHEN\s+new\.id\s*<=\s*"
    r"\(\s*SELECT\s+indexed_through\s+FROM\s+search_index_state\s+WHERE\s+name\s*=\s*'(\w+)'\s*\)",
    re.IGNORECASE,
)


class PausedTriggers:
    """Insert triggers that cannot fire for the import's rows, dropped while it inserts.

    The search index's insert triggers act only on rows at or below its
    watermark (``search_index_state.indexed_through``); every imported row gets
    a new id above it (checked here), so for an import they are a per-row cost
    that does nothing.  They are dropped inside the import's transaction and
    created again, from the same SQL, before anything else writes; a trigger of
    any other form is left alone.
    """

    def __init__(self, cursor: Any, first_ids: dict[str, int]) -> None:
        self.cursor = cursor
        self.first_ids = first_ids
        self._paused: list[tuple[str, str]] = []

    def pause(self) -> None:
        tables = list(self.first_ids)
        marks = ", ".join("?" for _ in tables)
        triggers = self.cursor.execute(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ({marks})",
            tables,
        ).fetchall()
        for name, sql in triggers:
            match = _WATERMARKED_INSERT.search(sql or "")
            if match is None or match.group(1) not in self.first_ids:
                continue
            row = self.cursor.execute(
                "SELECT indexed_through FROM search_index_state WHERE name = ?", (match.group(2),)
            ).fetchone()
            if row is None or row[0] >= self.first_ids[match.group(1)]:
                continue
            self.cursor.execute(f'DROP TRIGGER "{name}"')
            self._paused.append((name, sql))

    def resume(self) -> None:
        for _name, sql in self._paused:
            self.cursor.execute(sql)
        self._paused = []


class BulkMode:
    """What a big import switches off while it inserts, and on again before it goes on."""

    def __init__(self, cursor: Any, first_ids: dict[str, int], shared: dict[str, Any]) -> None:
        self.indexes = SecondaryIndexes(cursor, "contacts", shared)
        self.triggers = PausedTriggers(cursor, first_ids)
        self.engaged = False
        # SQLite only: PostgreSQL's COPY keeps its indexes up to date fast enough.
        self.possible = of_cursor(cursor) == SQLITE

    def engage(self) -> None:
        self.indexes.drop()
        self.triggers.pause()
        self.engaged = True

    def release(self) -> None:
        self.triggers.resume()
        self.indexes.restore()
        self.engaged = False
