"""The daily commands' read path stays light, and stays the one schema.

`todo`, `digest`, `pipeline` and `lead list` must start fast (SPEC §6): they read through
SQLAlchemy Core tables made from the SQLModel models (db/core.py), import no SQLModel,
no ORM and, printing to a pipe, no Rich.  How fast is bench/daily.py's business; what is
imported is held here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salesfunnel.db import core, core_gen
from salesfunnel.db.coltypes import UTCDateTime

# What would undo the fast start: the ORM and the models, all the Public models, Rich,
# Alembic (the schema is at head: no migration runs).
HEAVY = ("sqlmodel", "sqlalchemy.orm", "salesfunnel.db.tables", "salesfunnel.schemas", "rich")
HEAVY_PREFIXES = ("sqlmodel.", "rich.", "alembic")

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


def test_core_tables_are_made_from_the_models() -> None:
    assert Path(core.__file__).read_text(encoding="utf-8") == core_gen.render(), (
        "db/core.py no longer matches db/tables.py: run `make docs` and commit the result"
    )


def test_core_gen_check_says_when_it_is_out_of_date(monkeypatch, tmp_path, capsys) -> None:
    stale = tmp_path / "core.py"
    stale.write_text("# an old version\n", encoding="utf-8")
    monkeypatch.setattr(core_gen, "TARGET", stale)
    assert core_gen.main(["--check"]) == 1
    assert stale.read_text(encoding="utf-8") == "# an old version\n"  # --check writes nothing
    assert core_gen.main([]) == 0
    assert core_gen.main(["--check"]) == 0
    assert "out of date" in capsys.readouterr().err


@pytest.mark.parametrize(
    "value",
    [
        None,
        datetime(2026, 11, 23, 9, 0, tzinfo=UTC),
        datetime(2026, 3, 29, 1, 30, 15, 250, tzinfo=timezone(timedelta(hours=-3))),
        datetime(2026, 11, 23, 23, 59, 59, 999999, tzinfo=timezone(timedelta(hours=14))),
    ],
)
def test_utc_datetime_is_sqlmodels_type(value: datetime | None) -> None:
    from sqlalchemy.dialects import sqlite
    from sqlmodel.sql.sqltypes import UTCDateTime as SQLModelUTCDateTime

    ours, theirs, dialect = UTCDateTime(), SQLModelUTCDateTime(), sqlite.dialect()
    assert repr(ours) == repr(theirs)
    assert ours.impl.timezone == theirs.impl.timezone
    bound = ours.process_bind_param(value, dialect)
    assert bound == theirs.process_bind_param(value, dialect)
    naive = bound.replace(tzinfo=None) if bound is not None else None
    assert ours.process_result_value(naive, dialect) == theirs.process_result_value(naive, dialect)
    read = ours.process_result_value(naive, dialect)
    assert read == value and (read is None or read.tzinfo is UTC)


def test_utc_datetime_refuses_a_naive_datetime_as_sqlmodel_does() -> None:
    from sqlalchemy.dialects import sqlite

    with pytest.raises(ValueError, match="timezone"):
        UTCDateTime().process_bind_param(datetime(2026, 11, 23, 9, 0), sqlite.dialect())


@pytest.fixture
def some_of_everything(ok) -> None:
    """A lead with a company and a tag, a deal, a step due, an open lead without one."""
    ok("lead", "add", "Ana Souza", "--company", "Atlântico", "--tag", "vip", "--star")
    ok("lead", "add", "Иван Петров", "--source", "webinar")
    ok("lead", "qualify", "1", "--value", "12000")
    ok("next", "1", "call", "Send the proposal", "--due", "today 14:00")
    ok("next", "1", "email", "Follow up", "--due", "2026-11-26", "--deal", "1")


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
    assert "salesfunnel.db.core" in modules  # it did read the database, through Core
    heavy = sorted(m for m in modules if m in HEAVY or m.startswith(HEAVY_PREFIXES))
    assert heavy == [], f"{' '.join(command)} imported {heavy}"


def test_core_services_see_what_a_write_has_not_committed_yet(tmp_path) -> None:
    """A service written on Core, run inside an ORM unit of work, sees its pending rows."""
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
