"""The daily commands' read path stays light, typed as the models, and on its indexes.

`todo`, `digest`, `pipeline` and `lead list` must start fast (SPEC §6): on an SQLite
file at the current schema they read in plain SQL through the standard library's
driver (db/reader.py), import no SQLAlchemy, no SQLModel and, printing to a pipe, no
Rich.  How fast is bench/daily.py's business; what is imported, what comes back, and
which index a query reads are held here.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from datetime import UTC, date, datetime, time, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salesfunnel.db import reader

# What would undo the fast start: SQLAlchemy (and so the ORM and the models), all the
# Public models, Rich, Alembic (the schema is at head: no migration runs).
HEAVY = ("sqlmodel", "sqlalchemy", "salesfunnel.db.tables", "salesfunnel.schemas", "rich")
HEAVY_PREFIXES = ("sqlmodel.", "sqlalchemy.", "rich.", "alembic")

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


def test_the_reader_knows_the_type_of_every_typed_column_of_the_models() -> None:
    """Every date, datetime, time and boolean column comes back typed, under its own name."""
    from sqlalchemy import Boolean, Date, DateTime, Time
    from sqlmodel import SQLModel

    import salesfunnel.db.tables  # noqa: F401  (registers the tables)

    kinds = {Date: reader.DATES, DateTime: reader.MOMENTS, Time: reader.TIMES}
    kinds[Boolean] = reader.FLAGS
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
    return reader.DATES | reader.MOMENTS | reader.TIMES | reader.FLAGS


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
    assert stored == reader._sqlite_value(value)  # the same text, so comparisons hold
    plain = reader.SqliteReader(sqlite3.connect(tmp_path / "m.db"), owned=True)
    try:
        (row,) = plain.rows("SELECT name, created_at FROM companies")
        at = {"at": value}
        assert plain.value("SELECT count(*) AS n FROM companies WHERE created_at = :at", at) == 1
    finally:
        plain.close()
    assert row.created_at == value and row.created_at.tzinfo is UTC


@given(
    st.dates(),
    st.times(),
    st.datetimes(timezones=st.just(UTC)),
    st.booleans(),
    st.none() | st.text(max_size=20),
)
def test_values_go_in_and_come_back_typed(day, at, moment, flag, words) -> None:
    connection = sqlite3.connect(":memory:")
    plain = reader.SqliteReader(connection, owned=True)
    try:
        (row,) = plain.rows(
            "SELECT :day AS due_date, :at AS due_time, :moment AS created_at, "
            ":flag AS starred, :words AS name",
            {"day": day, "at": at, "moment": moment, "flag": flag, "words": words},
        )
    finally:
        plain.close()
    assert (row.due_date, row.due_time, row.created_at, row.starred) == (day, at, moment, flag)
    assert row.name == words
    assert type(row.due_date) is date and type(row.due_time) is time and row.starred is flag


def test_a_long_in_list_is_asked_for_in_chunks(tmp_path) -> None:
    connection = sqlite3.connect(":memory:")
    connection.execute("CREATE TABLE t (id INTEGER PRIMARY KEY)")
    connection.executemany("INSERT INTO t VALUES (?)", [(i,) for i in range(1, 40_001)])
    plain = reader.SqliteReader(connection, owned=True)
    try:
        wanted = range(2, 40_001, 1)  # more than SQLite's 32,766 parameters at once
        found = reader.rows_in(plain, "SELECT id FROM t WHERE id IN {values}", wanted)
    finally:
        plain.close()
    assert sorted(row.id for row in found) == list(wanted)


def test_the_bare_reader_leaves_new_files_and_old_schemas_to_the_engine(tmp_path) -> None:
    missing = tmp_path / "new.db"
    assert reader.open_sqlite_reader(missing) is None
    assert not missing.exists()  # the engine creates it, with its schema
    assert reader.open_sqlite_reader(None) is None  # not an SQLite file
    older = tmp_path / "old.db"
    with sqlite3.connect(older) as connection:
        connection.execute("CREATE TABLE alembic_version (version_num TEXT)")
        connection.execute("INSERT INTO alembic_version VALUES ('0001')")
    connection.close()
    assert reader.open_sqlite_reader(older) is None
    foreign = tmp_path / "foreign.db"
    with sqlite3.connect(foreign) as connection:
        connection.execute("CREATE TABLE notes (body TEXT)")
    connection.close()
    assert reader.open_sqlite_reader(foreign) is None


@pytest.fixture
def some_of_everything(ok) -> None:
    """A lead with a company and a tag, a deal, a step due, an open lead without one."""
    ok("lead", "add", "Ana Souza", "--company", "Atlântico", "--tag", "vip", "--star")
    ok("lead", "add", "Иван Петров", "--source", "webinar")
    ok("lead", "qualify", "1", "--value", "12000")
    ok("next", "1", "call", "Send the proposal", "--due", "today 14:00")
    ok("next", "1", "email", "Follow up", "--due", "2026-11-26", "--deal", "1")


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
    ],
    ids=" ".join,
)
def test_a_daily_command_imports_no_orm_no_models_and_no_rich(
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
    assert done.stdout.strip(), "the command printed nothing: the test would prove nothing"
    modules = set(json.loads(modules_file.read_text()))
    assert "salesfunnel.db.reader" in modules  # it did read the database, in plain SQL
    heavy = sorted(m for m in modules if m in HEAVY or m.startswith(HEAVY_PREFIXES))
    assert heavy == [], f"{' '.join(command)} imported {heavy}"


def test_plain_sql_services_see_what_a_write_has_not_committed_yet(tmp_path) -> None:
    """A service written in plain SQL, run inside an ORM unit of work, sees its pending rows."""
    from salesfunnel.db.engine import open_engine
    from salesfunnel.db.location import database_url
    from salesfunnel.db.uow import UnitOfWork
    from salesfunnel.services.leads import add_lead, list_leads

    engine = open_engine(database_url(str(tmp_path / "write.db")))
    try:
        with UnitOfWork(engine, write=True) as uow:
            add_lead(uow, "Ana Souza", tags=["vip"])
            page = list_leads(uow, tag="vip")
            assert [(lead.name, lead.tags) for lead in page.items] == [("Ana Souza", ["vip"])]
            assert page.total == 1
            uow.session.rollback()
    finally:
        engine.dispose()


@given(st.text(max_size=40))
def test_plain_tables_measure_text_as_rich_does(text: str) -> None:
    from rich.cells import cell_len as rich_cell_len

    from salesfunnel.render.output import cell_len

    assert cell_len(text) == rich_cell_len(text)


class _PlanningReader(reader.SqliteReader):
    """Answers as usual, and keeps each statement's plan."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        super().__init__(connection, owned=True)
        self.plans: list[tuple[str, list[str]]] = []

    def rows(self, sql, params=None):  # type: ignore[no-untyped-def]
        bound = {k: reader._sqlite_value(v) for k, v in (params or {}).items()}
        plan = self.connection.execute(f"EXPLAIN QUERY PLAN {sql}", bound).fetchall()
        self.plans.append((sql, [step[-1] for step in plan]))
        return super().rows(sql, params)


@pytest.mark.parametrize("service", ["todo", "pipeline", "lead list"])
def test_no_daily_query_reads_a_whole_table(some_of_everything, service) -> None:
    """With the right indexes the data's size adds nothing you can feel (SPEC §6)."""
    from salesfunnel.db.uow import ReadOnlyWork
    from salesfunnel.services.leads import list_leads
    from salesfunnel.services.pipeline import pipeline
    from salesfunnel.services.todo import todo_list

    planning = _PlanningReader(sqlite3.connect(os.environ["SALESFUNNEL_DB"]))
    run_service = {"todo": todo_list, "pipeline": pipeline, "lead list": list_leads}[service]
    with ReadOnlyWork(planning, planning.close) as work:
        run_service(work)
    assert planning.plans
    whole_tables = [
        (sql.split(), step)
        for sql, steps in planning.plans
        for step in steps
        if step.startswith("SCAN ") and " USING " not in step and step != "SCAN settings"
    ]
    assert whole_tables == []
