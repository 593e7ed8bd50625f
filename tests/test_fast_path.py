"""The one read and write path stays light, typed as the tables, and on its indexes.

Every command must start fast (SPEC §6): on an SQLite file at the current schema it
reads and writes in plain SQL through the standard library's driver (db/work.py), and
imports no SQLAlchemy, no SQLModel and, printing to a pipe, no Rich.  How fast is
bench/daily.py's business; what is imported, what comes back, and which index a query
reads are held here.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salesfunnel.db import rows as reader
from salesfunnel.db.connect import connect_at_head
from salesfunnel.db.work import SqliteDriver, Work

# What would undo the fast start: SQLAlchemy (and so the ORM and the tables), Rich,
# pydantic (the models are plain records: schemas.Public),
# Alembic (the schema is at head: no migration runs).
HEAVY = ("sqlmodel", "sqlalchemy", "salesfunnel.db.tables", "rich", "pydantic")
HEAVY_PREFIXES = ("sqlmodel.", "sqlalchemy.", "rich.", "alembic", "pydantic")

SCRIPT = """
import json, os, sys
sys.argv = ["salesfunnel", *sys.argv[1:]]
try:
    from salesfunnel.cli import main
    main()
finally:
    with open(os.environ["MODULES_FILE"], "w") as modules:
        json.dump(sorted(sys.modules), modules)
"""


@contextmanager
def plain(connection: sqlite3.Connection) -> Iterator[Work]:
    """A unit of work straight on an ``sqlite3`` connection (a read: rolled back)."""
    connection.isolation_level = None
    try:
        with Work(SqliteDriver(connection), write=False) as work:
            yield work
    finally:
        connection.close()


def test_the_reader_knows_the_type_of_every_typed_column_of_the_tables() -> None:
    """Every date, datetime, time, boolean and JSON column comes back typed, by its name."""
    from sqlalchemy import JSON, Boolean, Date, DateTime, Time
    from sqlmodel import SQLModel

    import salesfunnel.db.tables  # noqa: F401  (registers the tables)

    kinds = {Date: reader.DATES, DateTime: reader.MOMENTS, Time: reader.TIMES}
    kinds[Boolean] = reader.FLAGS
    kinds[JSON] = reader.DOCUMENTS
    for table in SQLModel.metadata.tables.values():
        for column in table.columns:
            python_type = type(column.type).__mro__
            for sql_type, names in kinds.items():
                typed = sql_type in python_type or isinstance(
                    getattr(column.type, "impl", None), sql_type
                )
                held = column.name in names
                assert typed == held or (not typed and column.name not in _all_typed()), (
                    f"{table.name}.{column.name}: {column.type!r} vs the reader's kinds"
                )


def _all_typed() -> frozenset[str]:
    return reader.DATES | reader.MOMENTS | reader.TIMES | reader.FLAGS | reader.DOCUMENTS


@pytest.mark.parametrize(
    "value",
    [
        datetime(2026, 11, 23, 9, 0, tzinfo=UTC),
        datetime(2026, 3, 29, 1, 30, 15, 250, tzinfo=timezone(timedelta(hours=-3))),
        datetime(2026, 11, 23, 23, 59, 59, 999999, tzinfo=timezone(timedelta(hours=14))),
    ],
)
def test_a_moment_reads_back_as_sqlalchemy_stored_it(tmp_path, value: datetime) -> None:
    """Bound as the models bind it, compared as text, read back aware in UTC."""
    from sqlalchemy import create_engine, text
    from sqlmodel import Session

    from salesfunnel.db.tables import Company

    engine = create_engine(f"sqlite:///{tmp_path / 'm.db'}")
    Company.metadata.create_all(engine, tables=[Company.__table__])  # type: ignore[attr-defined]
    with Session(engine) as session:
        session.add(Company(name="Atlântico", created_at=value))
        session.commit()
    with engine.connect() as connection:
        stored = connection.execute(text("SELECT created_at FROM companies")).scalar_one()
    engine.dispose()
    assert stored == reader.sqlite_value(value)  # the same text, so comparisons hold
    with plain(sqlite3.connect(tmp_path / "m.db")) as work:
        (row,) = work.rows("SELECT name, created_at FROM companies")
        at = {"at": value}
        assert work.value("SELECT count(*) AS n FROM companies WHERE created_at = :at", at) == 1
    assert row.created_at == value and row.created_at.tzinfo is UTC


@given(
    st.dates(),
    st.times(),
    st.datetimes(timezones=st.just(UTC)),
    st.booleans(),
    st.none() | st.text(max_size=20),
)
def test_values_go_in_and_come_back_typed(day, at, moment, flag, words) -> None:
    document = {"Cargo": words, "n": [1, 2]}
    with plain(sqlite3.connect(":memory:")) as work:
        (row,) = work.rows(
            "SELECT :day AS due_date, :at AS due_time, :moment AS created_at, "
            ":flag AS starred, :words AS name, :document AS extra",
            {
                "day": day,
                "at": at,
                "moment": moment,
                "flag": flag,
                "words": words,
                "document": document,
            },
        )
    assert (row.due_date, row.due_time, row.created_at, row.starred) == (day, at, moment, flag)
    assert row.extra == document
    assert row.name == words
    assert type(row.due_date) is date and type(row.due_time) is time and row.starred is flag


def test_a_long_in_list_is_asked_for_in_chunks(tmp_path) -> None:
    connection = sqlite3.connect(":memory:")
    connection.execute("CREATE TABLE t (id INTEGER PRIMARY KEY)")
    connection.executemany("INSERT INTO t VALUES (?)", [(i,) for i in range(1, 40_001)])
    with plain(connection) as work:
        wanted = range(2, 40_001, 1)  # more than SQLite's 32,766 parameters at once
        found = reader.rows_in(work, "SELECT id FROM t WHERE id IN {values}", wanted)
    assert sorted(row.id for row in found) == list(wanted)


def test_the_bare_connection_leaves_new_files_and_old_schemas_to_the_engine(tmp_path) -> None:
    missing = tmp_path / "new.db"
    assert connect_at_head(missing) is None
    assert not missing.exists()  # the engine creates it, with its schema
    older = tmp_path / "old.db"
    with sqlite3.connect(older) as connection:
        connection.execute("CREATE TABLE alembic_version (version_num TEXT)")
        connection.execute("INSERT INTO alembic_version VALUES ('0001')")
    connection.close()
    assert connect_at_head(older) is None
    foreign = tmp_path / "foreign.db"
    with sqlite3.connect(foreign) as connection:
        connection.execute("CREATE TABLE notes (body TEXT)")
    connection.close()
    before = foreign.read_bytes()
    assert connect_at_head(foreign) is None
    assert foreign.read_bytes() == before  # not switched to WAL, or touched at all


@pytest.fixture
def some_of_everything(ok) -> None:
    """A lead with a company and a tag, a deal, a step due, an open lead without one."""
    ok("lead", "add", "Ana Souza", "--company", "Atlântico", "--tag", "vip", "--star")
    ok("lead", "add", "Иван Петров", "--source", "webinar")
    ok("lead", "qualify", "1", "--value", "12000")
    ok("next", "1", "call", "Send the proposal", "--due", "today 14:00")
    ok("next", "1", "email", "Follow up", "--due", "2026-11-26", "--deal", "1")
    ok("lead", "add", "Carla Dias", "--email", "carla@x.example")
    ok("customer", "purchase", "3", "--value", "300")


@pytest.mark.slow
@pytest.mark.parametrize(
    "command",
    [
        ["todo"],
        ["todo", "--json", "--explain"],
        ["digest"],
        ["digest", "--format", "json"],
        ["pipeline"],
        ["pipeline", "--json"],
        ["lead", "list"],
        ["lead", "list", "--json", "--tag", "vip"],
        ["lead", "show", "1"],
        ["show", "3"],
        ["deal", "list"],
        ["deal", "show", "1"],
        ["customer", "list", "--as-of", "+1m"],
        ["customer", "status", "3"],
        ["prospect", "lists"],
        ["report", "funnel", "--json"],
        ["report", "sources", "--json"],
        ["report", "forecast", "--json"],
        ["search", "ana"],
        ["source", "list", "--json"],
        ["config", "list"],
        ["config", "set", "view.vip", "lead list --tag vip"],
        ["config", "unset", "lead.stale_days"],
        ["view", "--list"],
        ["export", "contacts"],
        pytest.param(["check"], marks=pytest.mark.sqlite_only("check reads an SQLite file")),
        ["log", "2", "call", "Left a voicemail"],
        ["next", "2", "call", "Call back", "--due", "tomorrow"],
        ["done", "1"],
        ["deal", "move", "1", "proposal"],
        ["deal", "win", "1"],
        ["lead", "add", "Bia", "--json"],
        ["undo", "--list"],
        ["undo", "--yes"],
    ],
    ids=" ".join,
)
def test_a_command_imports_no_orm_no_tables_and_no_rich(
    some_of_everything, tmp_path, command
) -> None:
    modules_file = tmp_path / "modules.json"
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, *command],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "MODULES_FILE": str(modules_file)},
    )
    assert done.returncode == 0, done.stderr
    said = done.stdout.strip() or done.stderr.strip()
    assert said, "the command printed nothing: the test would prove nothing"
    modules = set(json.loads(modules_file.read_text()))
    assert "salesfunnel.db.work" in modules  # it did use the database, in plain SQL
    heavy = sorted(m for m in modules if m in HEAVY or m.startswith(HEAVY_PREFIXES))
    assert heavy == [], f"{' '.join(command)} imported {heavy}"


@pytest.mark.sqlite_only("backup copies an SQLite file")
@pytest.mark.slow
def test_backup_imports_no_orm_and_no_rich(some_of_everything, tmp_path) -> None:
    """`backup` copies the file with the standard library's sqlite3 alone."""
    modules_file = tmp_path / "modules.json"
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, "backup", str(tmp_path / "copy.db")],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "MODULES_FILE": str(modules_file)},
    )
    assert done.returncode == 0, done.stderr
    assert "Backed up" in done.stderr
    modules = set(json.loads(modules_file.read_text()))
    assert "salesfunnel.db.sqlite" in modules
    heavy = sorted(m for m in modules if m in HEAVY or m.startswith(HEAVY_PREFIXES))
    assert heavy == [], f"backup imported {heavy}"


def test_a_write_reads_its_own_rows_and_leaves_nothing_when_refused(tmp_path) -> None:
    """Inside one unit of work a service sees what it wrote; an error takes it all back."""
    from salesfunnel.db.connect import database
    from salesfunnel.db.location import database_url
    from salesfunnel.services.leads import add_lead, list_leads

    with database(database_url(str(tmp_path / "write.db"))) as driver:
        with pytest.raises(RuntimeError), Work(driver, write=True) as work:
            add_lead(work, "Ana Souza", tags=["vip"])
            page = list_leads(work, tag="vip")
            assert [(lead.name, lead.tags) for lead in page.items] == [("Ana Souza", ["vip"])]
            assert page.total == 1
            raise RuntimeError("refused after the write")
        with Work(driver, write=False) as work:
            assert list_leads(work).total == 0


@given(st.text(max_size=40))
def test_plain_tables_measure_text_as_rich_does(text: str) -> None:
    from rich.cells import cell_len as rich_cell_len

    from salesfunnel.render.output import cell_len

    assert cell_len(text) == rich_cell_len(text)


class _PlanningDriver(SqliteDriver):
    """Answers as usual, and keeps each statement's plan."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        super().__init__(connection)
        self.plans: list[tuple[str, list[str]]] = []

    def run(self, sql, params):  # type: ignore[no-untyped-def]
        if sql.lstrip().upper().startswith("SELECT"):
            bound = {k: reader.sqlite_value(v) for k, v in params.items()}
            plan = self.connection.execute(f"EXPLAIN QUERY PLAN {sql}", bound).fetchall()
            self.plans.append((sql, [step[-1] for step in plan]))
        return super().run(sql, params)


@pytest.mark.parametrize("owner", [None, "ana"], ids=["team", "own"])
@pytest.mark.sqlite_only("SQLite's query plans")
@pytest.mark.parametrize("service", ["todo", "pipeline", "lead list", "deal list"])
def test_no_daily_query_reads_a_whole_table(some_of_everything, service, owner) -> None:
    """With the right indexes the data's size adds nothing you can feel (SPEC §6): the
    team's listings, and one's own (migration 0010's indexes)."""
    from salesfunnel.services.deals import list_deals
    from salesfunnel.services.leads import list_leads
    from salesfunnel.services.pipeline import pipeline
    from salesfunnel.services.todo import todo_list

    connection = sqlite3.connect(os.environ["SALESFUNNEL_DB"], isolation_level=None)
    planning = _PlanningDriver(connection)
    run_service = {
        "todo": todo_list,
        "pipeline": pipeline,
        "lead list": list_leads,
        "deal list": list_deals,
    }[service]
    with Work(planning, write=False) as work:
        run_service(work, owner=owner)
    connection.close()
    assert planning.plans
    whole_tables = [
        (sql.split(), step)
        for sql, steps in planning.plans
        for step in steps
        if step.startswith("SCAN ")
        and " USING " not in step
        and step not in ("SCAN settings", *_subquery_scans(steps))
    ]
    assert whole_tables == []


def _subquery_scans(steps: list[str]) -> list[str]:
    """``SCAN leads`` reads the rows of a subquery (``CO-ROUTINE leads``), not a table."""
    return [
        f"SCAN {step.split(' ', 1)[1]}"
        for step in steps
        if step.startswith(("CO-ROUTINE ", "MATERIALIZE "))
    ]


def _vm_steps_of_todo(path: str) -> int:
    """How many instructions SQLite's virtual machine runs for `todo`: its cost, untimed."""
    from salesfunnel.services.todo import todo_list

    steps = 0

    def count() -> int:
        nonlocal steps
        steps += 1
        return 0  # go on

    connection = sqlite3.connect(path, isolation_level=None)
    connection.set_progress_handler(count, 1)
    with plain(connection) as work:
        todo_list(work)
    return steps


@pytest.mark.sqlite_only("SQLite's virtual machine steps")
def test_todo_on_many_open_leads_costs_what_it_shows(ok, tmp_path, monkeypatch) -> None:
    """Ten times more open leads with no step (lists imported with --as-leads, stale and
    not), with the count capped at 10: not one instruction more (SPEC §6)."""
    from salesfunnel.services import todo

    monkeypatch.setattr(todo, "COUNT_CAP", 10)

    def import_leads(name: str, count: int, moment: str) -> None:
        monkeypatch.setenv("SALESFUNNEL_NOW", moment)
        path = tmp_path / f"{name}.csv"
        rows = "".join(f"{name} {n},{name.lower()}{n}@example.com\n" for n in range(count))
        path.write_text(f"name,email\n{rows}")
        ok("prospect", "import", str(path), "--as-leads", "--list", name)

    import_leads("Old", 30, "2026-10-01T09:00:00+00:00")
    import_leads("New", 30, "2026-11-22T09:00:00+00:00")
    ok("lead", "add", "Starred", "--star")
    monkeypatch.setenv("SALESFUNNEL_NOW", "2026-11-23T09:00:00+00:00")
    few = _vm_steps_of_todo(os.environ["SALESFUNNEL_DB"])
    import_leads("Older", 300, "2026-09-01T09:00:00+00:00")
    import_leads("Newer", 300, "2026-11-22T10:00:00+00:00")
    monkeypatch.setenv("SALESFUNNEL_NOW", "2026-11-23T09:00:00+00:00")
    many = _vm_steps_of_todo(os.environ["SALESFUNNEL_DB"])
    assert many == few, (few, many)
