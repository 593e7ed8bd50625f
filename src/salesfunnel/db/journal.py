"""The undo journal: what each write command changed, row by row, so `undo` can put it back.

A write's unit of work (db/work.py) records, as the command writes through it, the
inverse of each change: for a row it inserted, the row's key (undo deletes it); for a row
it updated, the columns it changed, before and after (undo sets them back); for a row it
deleted, the whole row (undo inserts it again).  Just before the commit, in the same
transaction, the command is stored in ``undo_commands`` (its command line and what it
said it did) and its changes in ``undo_changes``: a journal costs a command a few small
inserts, and nothing if the command is refused.  Only the last :data:`KEEP` commands are
kept.

Two kinds of command don't write row by row: an import (its bulk rows are taken back by
undo-import's machinery: the entry names the import) and an undo-import (what it removed
is not kept, so `undo` stops there).  Their raw SQL is allowed in a unit that says so;
elsewhere a raw write would escape the journal, so :class:`~salesfunnel.db.work.Work`
refuses it.

Taking a command back checks, row by row, newest change first, that each row is still
as the command left it and that nothing outside the journal points at a row it is about
to delete; anything else refuses the whole undo (:class:`CannotUndo`), in one transaction.
The same SQL runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from salesfunnel import clock
from salesfunnel.db.rows import sqlite_value, typed_value
from salesfunnel.errors import CannotUndo

if TYPE_CHECKING:
    from salesfunnel.db.work import Work

KEEP = 50  # commands the journal keeps; older ones can no longer be undone
# The key of each table that has no ``id`` (tests/test_undo.py holds these to the tables).
KEYS: dict[str, tuple[str, ...]] = {
    "settings": ("key",),
    "contact_tags": ("contact_id", "tag"),
    "import_updates": ("import_id", "contact_id"),
    "search_index_state": ("name",),
}
# Who may point at a row of each table (table, column): a row `undo` deletes must be
# pointed at by nothing (tests/test_undo.py holds these to the tables' foreign keys).
REFERENCES: dict[str, tuple[tuple[str, str], ...]] = {
    "companies": (("contacts", "company_id"), ("deals", "company_id")),
    "prospect_lists": (("contacts", "list_id"), ("import_batches", "list_id")),
    "import_batches": (("contacts", "import_id"), ("import_updates", "import_id")),
    "contacts": (
        ("contacts", "referred_by_id"),
        ("contact_tags", "contact_id"),
        ("deals", "contact_id"),
        ("activities", "contact_id"),
        ("purchases", "contact_id"),
        ("lifecycle_events", "contact_id"),
        ("import_updates", "contact_id"),
    ),
    "deals": (("activities", "deal_id"), ("purchases", "deal_id"), ("lifecycle_events", "deal_id")),
    "sources": (("source_costs", "source_id"),),
}
_NAME = re.compile(r"[a-z_][a-z0-9_]*\Z")


@dataclass(frozen=True)
class Change:
    """One row written: its table and key, and its columns before and after (stored form)."""

    table: str
    op: str  # insert | update | delete
    key: dict[str, Any]
    before: dict[str, Any] | None
    after: dict[str, Any] | None


class Journal:
    """What one command is writing, saved with it when it commits (:meth:`save`)."""

    def __init__(self, command: str) -> None:
        self.command = command  # the command line, as typed (without --db)
        self.changes: list[Change] = []
        self.import_id: int | None = None  # an import: its bulk rows go with undo-import
        self.undoable = True  # False: undo can't take this command back, and stops here

    @property
    def covers_raw_writes(self) -> bool:
        """Whether raw SQL writes are taken back (or knowingly not) by the command's kind."""
        return self.import_id is not None or not self.undoable

    def inserted(self, table: str, key: Mapping[str, Any], values: Mapping[str, Any]) -> None:
        self.changes.append(Change(table, "insert", stored(key), None, stored(values)))

    def updated(
        self,
        table: str,
        key: Mapping[str, Any],
        before: Mapping[str, Any],
        values: Mapping[str, Any],
    ) -> None:
        self.changes.append(Change(table, "update", stored(key), stored(before), stored(values)))

    def deleted(self, table: str, key: Mapping[str, Any], before: Mapping[str, Any]) -> None:
        self.changes.append(Change(table, "delete", stored(key), stored(before), None))

    def save(self, work: Work, summary: str | None) -> None:
        """Store the command and its changes, in its transaction; forget the oldest."""
        if not self.changes and self.import_id is None and self.undoable:
            return  # it wrote nothing: nothing to undo
        run = work.driver.run
        rows, _ = run(
            "INSERT INTO undo_commands (at, command, summary, import_id, undoable) "
            "VALUES (:at, :command, :summary, :import_id, :undoable) RETURNING id",
            {
                "at": clock.utcnow(),
                "command": self.command,
                "summary": summary,
                "import_id": self.import_id,
                "undoable": self.undoable,
            },
        )
        command_id = int(rows[0][0])
        for seq, change in enumerate(self.changes, start=1):
            run(
                "INSERT INTO undo_changes "
                "(command_id, seq, table_name, op, row_key, before, after) "
                "VALUES (:command_id, :seq, :table_name, :op, :row_key, :before, :after)",
                {
                    "command_id": command_id,
                    "seq": seq,
                    "table_name": change.table,
                    "op": change.op,
                    "row_key": change.key,
                    "before": change.before,
                    "after": change.after,
                },
            )
        if command_id > KEEP:
            oldest = {"oldest": command_id - KEEP}
            run("DELETE FROM undo_changes WHERE command_id <= :oldest", oldest)
            run("DELETE FROM undo_commands WHERE id <= :oldest", oldest)


def stored(values: Mapping[str, Any]) -> dict[str, Any]:
    """Values as the journal keeps them: JSON, in the form SQLite stores them."""
    return {
        name: value if isinstance(value, dict | list) else sqlite_value(value)
        for name, value in values.items()
    }


def typed(values: Mapping[str, Any]) -> dict[str, Any]:
    """Stored values back to what the driver binds: dates, instants, flags..."""
    return {name: typed_value(name, value) for name, value in values.items()}


# --- reading the journal -------------------------------------------------------------------


def last_commands(work: Work, limit: int | None) -> list[Any]:
    """The newest commands first."""
    sql = "SELECT * FROM undo_commands ORDER BY id DESC"
    if limit is None:
        return work.rows(sql)
    return work.rows(f"{sql} LIMIT :limit", {"limit": limit})


def count_commands(work: Work) -> int:
    return int(work.value("SELECT count(*) FROM undo_commands"))


def changes_of(work: Work, command_id: int) -> list[Any]:
    """A command's changes, in the order it wrote them."""
    return work.rows(
        "SELECT * FROM undo_changes WHERE command_id = :id ORDER BY seq", {"id": command_id}
    )


def forget(work: Work, command_id: int) -> None:
    """Drop a command from the journal (it has been undone)."""
    work.driver.run("DELETE FROM undo_changes WHERE command_id = :id", {"id": command_id})
    work.driver.run("DELETE FROM undo_commands WHERE id = :id", {"id": command_id})


# --- taking a command back -----------------------------------------------------------------


def take_back(work: Work, changes: list[Any], what: str) -> None:
    """Put back every row of ``changes``, newest first, or refuse (:class:`CannotUndo`).

    ``what`` names the command in a refusal ("`deal win 12`").  Each row must be as the
    command left it; a row to delete must be pointed at by nothing else.
    """
    for change in reversed(changes):
        table, key = _name(change.table_name), change.row_key
        label = row_label(table, key)
        if change.op == "delete":
            if current_values(work, table, key, key) is not None:
                raise CannotUndo(f"can't undo {what}: {label} was made again since")
            _insert(work, table, change.before)
            continue
        found = current_values(work, table, key, change.after)
        if found is None:
            raise CannotUndo(f"can't undo {what}: {label} is gone")
        if found != change.after:
            changed = ", ".join(c for c in change.after if found[c] != change.after[c])
            raise CannotUndo(f"can't undo {what}: {label} was changed since ({changed})")
        if change.op == "update":
            _update(work, table, key, change.before)
        else:
            _refuse_if_pointed_at(work, table, key, what, label)
            _delete(work, table, key)


def current_values(
    work: Work, table: str, key: Mapping[str, Any], columns: Mapping[str, Any]
) -> dict[str, Any] | None:
    """The row's values of these columns now, in the journal's stored form, or None."""
    names = ", ".join(_quoted(c) for c in columns)
    clause, params = where(key)
    sql = f"SELECT {names} FROM {_name(table)} WHERE {clause}"
    rows, _ = work.driver.run(sql, params)
    if not rows:
        return None
    return stored(rows[0]._asdict())


def row_label(table: str, key: Mapping[str, Any]) -> str:
    """``deals #12``, ``settings deal.currency``: a row named in a refusal."""
    return f"{table} " + " ".join(f"#{v}" if k == "id" else str(v) for k, v in key.items())


def _refuse_if_pointed_at(
    work: Work, table: str, key: Mapping[str, Any], what: str, label: str
) -> None:
    for other, column in REFERENCES.get(table, ()):
        sql = f"SELECT 1 AS found FROM {other} WHERE {column} = :id LIMIT 1"
        if work.driver.run(sql, {"id": key["id"]})[0]:
            raise CannotUndo(
                f"can't undo {what}: {label} is used by {other} written since outside the journal"
            )


def _insert(work: Work, table: str, values: Mapping[str, Any]) -> None:
    columns = ", ".join(_quoted(c) for c in values)
    placeholders = ", ".join(f":v_{c}" for c in values)
    params = {f"v_{c}": v for c, v in typed(values).items()}
    work.driver.run(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", params)


def _update(work: Work, table: str, key: Mapping[str, Any], values: Mapping[str, Any]) -> None:
    assignments = ", ".join(f"{_quoted(c)} = :v_{c}" for c in values)
    clause, params = where(key)
    params |= {f"v_{c}": v for c, v in typed(values).items()}
    work.driver.run(f"UPDATE {table} SET {assignments} WHERE {clause}", params)


def _delete(work: Work, table: str, key: Mapping[str, Any]) -> None:
    clause, params = where(key)
    work.driver.run(f"DELETE FROM {table} WHERE {clause}", params)


def key_of(table: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """The key of a row of ``table`` (its id, or the columns in :data:`KEYS`)."""
    return {name: values[name] for name in KEYS.get(table, ("id",))}


def where(key: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """``"id" = :k_id``: the WHERE clause of the row of this key, and its parameters."""
    if not key:
        raise ValueError("a row needs a key")
    clause = " AND ".join(f"{_quoted(c)} = :k_{c}" for c in key)
    return clause, {f"k_{c}": typed_value(c, v) for c, v in key.items()}


def _quoted(name: str) -> str:
    return f'"{_name(name)}"'


def _name(name: str) -> str:
    """A table or column name from the journal: one of ours, never SQL."""
    if not _NAME.match(name):
        raise ValueError(f"not a table or column name: {name!r}")
    return name
