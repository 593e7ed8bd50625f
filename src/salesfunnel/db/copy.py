"""Copying a whole database into another, empty one: `copy-to` (moving house).

Every table salesfunnel keeps is copied row for row, with its ids, in the order the
foreign keys need (a table before the tables that point at it).  The source is read in
one snapshot (its read unit of work), the target written in one transaction: a copy that
fails half-way leaves the target as it was, with its schema and no data.

The SQL is plain and portable (db/work.py): rows are read a page at a time (by id, or by
the first column of a table keyed by several) and written with one prepared INSERT per
page.  What differs between SQLite and PostgreSQL is said here, once: how far each
table's ids have gone (SQLite's AUTOINCREMENT counter, PostgreSQL's sequence), so that
an id is never given out twice on the target either (migration 0007); and SQLite's
full-text search index, which the target builds for the copied rows in the same
transaction (db/search_index.py).

``user.name`` is one person's name: it is copied into another personal (SQLite) file,
never into a server's settings, which are the whole team's (domain/owners.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from salesfunnel.db.sqlite import next_id
from salesfunnel.db.work import Work
from salesfunnel.domain.owners import USER_SETTING

PAGE = 5_000  # rows read and written at a time
NOT_COPIED = frozenset({"search_index_state"})  # SQLite's own bookkeeping: rebuilt instead

Advance = Callable[[str, int], None]  # (table, rows just copied)


@dataclass(frozen=True)
class TableSpec:
    """One table as the copy sees it: its columns, key, and rows that point at its own."""

    name: str
    columns: tuple[str, ...]
    key: tuple[str, ...]  # the primary key's columns
    self_references: tuple[str, ...] = ()  # columns pointing at this same table (referrers)

    @property
    def has_id(self) -> bool:
        return self.key == ("id",)


@dataclass
class CopySummary:
    """What was copied: rows per table, in the order they were copied."""

    rows: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def tables() -> list[TableSpec]:
    """Every table salesfunnel keeps, parents first (from the one schema, db/tables.py)."""
    from salesfunnel.db.tables import SQLModel

    specs = []
    for table in SQLModel.metadata.sorted_tables:
        if table.name in NOT_COPIED:
            continue
        self_refs = tuple(
            column.name
            for column in table.columns
            if any(fk.column.table is table for fk in column.foreign_keys)
        )
        specs.append(
            TableSpec(
                table.name,
                tuple(column.name for column in table.columns),
                tuple(column.name for column in table.primary_key.columns),
                self_refs,
            )
        )
    return specs


def counts(work: Work, specs: list[TableSpec]) -> dict[str, int]:
    return {spec.name: int(work.value(f"SELECT count(*) FROM {spec.name}")) for spec in specs}


def holds_data(target: Work, specs: list[TableSpec]) -> str | None:
    """What makes the target not empty (``contacts: 12``), or None when it holds nothing but
    its settings (a new database has a few of its own)."""
    names = sorted((s.name for s in specs if s.name != "settings"), key=lambda n: n != "contacts")
    for name in names:  # contacts first: what a user would call data
        found = target.value(f"SELECT count(*) FROM {name}")
        if found:
            return f"{name.replace('_', ' ')}: {found:,}"
    return None


def copy_database(
    source: Work, target: Work, specs: list[TableSpec], advance: Advance = lambda t, n: None
) -> CopySummary:
    """Copy every table of ``source`` into the empty ``target`` (both units open)."""
    summary = CopySummary()
    target.driver.run("DELETE FROM settings", {})  # the copied database's own replace them
    for spec in specs:
        copied = 0
        for page in _pages(source, spec):
            written = (_written(spec, target, row) for row in page)
            rows = [row for row in written if row is not None]
            if rows:
                target.driver.run_many(_insert_sql(spec), rows)
                if spec.self_references:
                    _point_back(target, spec, page)
            copied += len(rows)
            advance(spec.name, len(page))
        summary.rows[spec.name] = copied
    for spec in specs:
        if spec.has_id:
            _carry_counter(source, target, spec.name)
    connection = target.sqlite
    if connection is not None:
        from salesfunnel.db.search_index import index_new_rows

        index_new_rows(connection)
    return summary


def _pages(source: Work, spec: TableSpec) -> Iterator[list[Any]]:
    """The table's rows a page at a time, in key order (its id, or its first key column)."""
    columns = ", ".join(spec.columns)
    if spec.has_id:
        after = 0
        while True:
            page = source.rows(
                f"SELECT {columns} FROM {spec.name} WHERE id > :after ORDER BY id LIMIT :page",
                {"after": after, "page": PAGE},
            )
            if not page:
                return
            yield page
            after = page[-1].id
        return
    first = spec.key[0]
    if first not in ("contact_id", "import_id", "command_id"):  # text keys: a small table
        yield source.rows(f"SELECT {columns} FROM {spec.name} ORDER BY {', '.join(spec.key)}")
        return
    highest = int(source.value(f"SELECT coalesce(max({first}), 0) FROM {spec.name}"))
    low = 0
    while low <= highest:  # windows of ids: a range of the key's index each
        page = source.rows(
            f"SELECT {columns} FROM {spec.name} WHERE {first} > :low AND {first} <= :high "
            f"ORDER BY {', '.join(spec.key)}",
            {"low": low, "high": low + PAGE},
        )
        if page:
            yield page
        low += PAGE


def _written(spec: TableSpec, target: Work, row: Any) -> dict[str, Any] | None:
    values = row._asdict()
    if spec.name == "settings" and values["key"] == USER_SETTING and target.dialect != "sqlite":
        return None  # one person's name: never the settings of a whole team's server
    for column in spec.self_references:
        values[column] = None  # pointed back once every row of the page is there
    return values


def _insert_sql(spec: TableSpec) -> str:
    names = ", ".join(f'"{c}"' if c == "key" else c for c in spec.columns)
    values = ", ".join(f":{c}" for c in spec.columns)
    return f"INSERT INTO {spec.name} ({names}) VALUES ({values})"


def _point_back(target: Work, spec: TableSpec, page: list[Any]) -> None:
    """A contact referred by another: the reference set once both are in (any order)."""
    for column in spec.self_references:
        pointed = [
            {"id": row.id, "ref": getattr(row, column)}
            for row in page
            if getattr(row, column) is not None
        ]
        if pointed:
            target.driver.run_many(
                f"UPDATE {spec.name} SET {column} = :ref WHERE id = :id", pointed
            )


def highest_id(work: Work, table: str) -> int:
    """The highest id the table has ever given out (0: none), deleted rows included."""
    connection = work.sqlite
    if connection is not None:
        return next_id(connection, table) - 1
    highest = int(work.value(f"SELECT coalesce(max(id), 0) FROM {table}"))
    sequence = work.value("SELECT pg_get_serial_sequence(:table, 'id')", {"table": table})
    if sequence is None:
        return highest
    row = work.row(f"SELECT last_value, is_called FROM {sequence}")
    given = int(row.last_value) if row is not None and row.is_called else 0
    return max(highest, given)


def _carry_counter(source: Work, target: Work, table: str) -> None:
    """The target gives out ids past every id the source ever gave out."""
    highest = highest_id(source, table)
    if highest <= 0:
        return
    connection = target.sqlite
    if connection is not None:
        # Only tables made with AUTOINCREMENT keep a counter; the others go past max(id).
        autoincrement = connection.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ? "
            "AND sql LIKE '%AUTOINCREMENT%'",
            (table,),
        ).fetchone()
        if autoincrement is None:
            return
        updated = connection.execute(
            "UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = ?", (highest, table)
        ).rowcount
        if not updated:
            connection.execute(
                "INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", (table, highest)
            )
        return
    sequence = target.value("SELECT pg_get_serial_sequence(:table, 'id')", {"table": table})
    if sequence is not None:
        target.value(
            "SELECT setval(CAST(:sequence AS regclass), :highest)",
            {"sequence": sequence, "highest": highest},
        )
