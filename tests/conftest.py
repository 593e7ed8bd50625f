"""Every test gets its own database and a fixed "now"; `run` drives the real CLI.

The database is an SQLite file, or, with ``SALESFUNNEL_TEST_POSTGRES=URL`` (or
``--postgres URL``), an empty database on that PostgreSQL server: ``URL`` names a
maintenance database (``postgresql://user:password@host:port/postgres``) where each
test process creates its own, migrated once and emptied before every test.  Tests
about SQLite files alone are marked ``sqlite_only(reason)`` and left out there
(docs/postgres.md lists them).
"""

from __future__ import annotations

import os
import select
import sqlite3
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import typer.main
from typer.testing import CliRunner, Result

from salesfunnel.cli import app

NOW = "2026-11-23T09:00:00+00:00"
POSTGRES_VARIABLE = "SALESFUNNEL_TEST_POSTGRES"

Run = Callable[..., Result]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--postgres",
        metavar="URL",
        default=os.environ.get(POSTGRES_VARIABLE) or None,
        help=f"run the tests on this PostgreSQL server (a maintenance database's URL; "
        f"default ${POSTGRES_VARIABLE})",
    )


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("postgres"):  # one answer to "on a server?", for modules too
        os.environ[POSTGRES_VARIABLE] = config.getoption("postgres")
    config.addinivalue_line(
        "markers",
        "sqlite_only(reason): about SQLite files alone (left out on PostgreSQL, with reason)",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On PostgreSQL, the tests about SQLite files alone are left out (deselected)."""
    if not config.getoption("postgres"):
        return
    for item in items:
        marker = item.get_closest_marker("sqlite_only")
        if marker is not None and not marker.args:
            raise pytest.UsageError(f"{item.nodeid}: sqlite_only needs its reason")
    kept = [item for item in items if item.get_closest_marker("sqlite_only") is None]
    left_out = [item for item in items if item.get_closest_marker("sqlite_only") is not None]
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = kept


def on_server() -> bool:
    """Whether the tests run on a PostgreSQL server (``--postgres``)."""
    return bool(os.environ.get(POSTGRES_VARIABLE))


@pytest.fixture(scope="session")
def server(request: pytest.FixtureRequest) -> Iterator[str | None]:
    """This test process's own database on the PostgreSQL server (its URL), made and
    migrated once; None when the tests run on SQLite."""
    maintenance = request.config.getoption("postgres")
    if not maintenance:
        yield None
        return
    from postgres_server import TestServer

    with TestServer(maintenance) as url:
        yield url


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, server: str | None) -> Path:
    """A fresh database, a fixed clock, no colour settings from the developer's shell.

    On SQLite, the path of a file not made yet; on PostgreSQL, the server database is
    emptied and SALESFUNNEL_DB names it (the path returned is then one no test uses).
    """
    db = tmp_path / "funnel.db"
    if server is not None:
        from postgres_server import empty

        empty(server)
    monkeypatch.setenv("SALESFUNNEL_DB", server or str(db))
    monkeypatch.setenv("SALESFUNNEL_NOW", NOW)
    monkeypatch.setenv("TZ", "UTC")
    for name in ("NO_COLOR", "SALESFUNNEL_DEBUG", "FORCE_COLOR", "SALESFUNNEL_USER"):
        monkeypatch.delenv(name, raising=False)
    return db


@contextmanager
def zone(name: str) -> Iterator[None]:
    """The process's local time zone is ``name`` inside (tzset, so C-level time sees it)."""
    import time

    previous = os.environ.get("TZ")
    os.environ["TZ"] = name
    time.tzset()
    try:
        yield
    finally:
        if previous is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = previous
        time.tzset()


@contextmanager
def umask(value: int) -> Iterator[None]:
    """The process's umask is ``value`` inside: what a file's mode owes to us, not to it."""
    previous = os.umask(value)
    try:
        yield
    finally:
        os.umask(previous)


@pytest.fixture
def in_sao_paulo() -> Iterator[None]:
    """The process's local time zone is UTC-3 for the test."""
    with zone("America/Sao_Paulo"):
        yield


@pytest.fixture
def db_path(isolated: Path) -> Path:
    return isolated


@pytest.fixture
def db_url(isolated: Path) -> str:
    """The test's database as a URL: its SQLite file's, or the server database's."""
    from salesfunnel.db.location import database_url

    return database_url(None)


@pytest.fixture
def empty_db(db_path: Path, server: str | None) -> Path:
    """The test's database made, with nothing in it, as the first write makes it: for
    commands that only read, which refuse a database that isn't there (SPEC §3).
    (A server database is there already, migrated and empty.)"""
    from salesfunnel.db.engine import open_engine
    from salesfunnel.db.location import database_url

    if server is None:
        open_engine(database_url(str(db_path))).dispose()
    return db_path


@pytest.fixture(scope="session")
def run() -> Run:
    """Run the CLI in-process: ``run("lead", "add", "Ana", input=None)``.

    ``CliRunner.invoke`` builds the Click commands of the Typer app it is given on every
    run, and the whole tree takes longer to build than most commands take to run. So the
    tree is built once, with Typer's public ``get_command``, and each run does what
    ``invoke`` does with it: the command's ``main`` in the runner's ``isolation``. (Click
    commands are reusable: every run gets a fresh context.)
    """
    runner = CliRunner()
    command = typer.main.get_command(app)

    def invoke(*args: str, input: str | bytes | None = None) -> Result:
        exit_code = 0
        with runner.isolation(input=input) as (stdout, stderr, output):
            try:
                command.main(args=list(args), prog_name="salesfunnel")
            except SystemExit as exit_:  # how main ends, as a program would
                exit_code = int(exit_.code or 0)
            sys.stdout.flush()
            sys.stderr.flush()
            captured = stdout.getvalue(), stderr.getvalue(), output.getvalue()
        return Result(
            runner=runner,
            stdout_bytes=captured[0],
            stderr_bytes=captured[1],
            output_bytes=captured[2],
            return_value=None,
            exit_code=exit_code,
            exception=None,
        )

    return invoke


@pytest.fixture
def ok(run: Run) -> Run:
    """Like ``run``, but fails the test unless the command exits 0."""

    def invoke(*args: str, input: str | bytes | None = None) -> Result:
        result = run(*args, input=input)
        assert result.exit_code == 0, (result.exit_code, result.stdout, result.stderr)
        return result

    return invoke


@pytest.fixture
def db(
    db_path: Path, server: str | None
) -> Iterator[Callable[[str, tuple[object, ...]], list[tuple[object, ...]]]]:
    """Query the database directly, the way a test double-checks what was stored.

    SQL with ``?`` parameters; values come back as SQLite stores them (an instant as
    UTC text, a flag as 0 or 1, a document as JSON text) on either database.
    """
    if server is not None:
        from postgres_server import querying

        with querying(server) as query:
            yield query
        return
    connections: list[sqlite3.Connection] = []

    def query(sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
        connection = sqlite3.connect(db_path)
        connections.append(connection)
        rows = connection.execute(sql, params).fetchall()
        connection.commit()  # a change made by hand is there for the next command
        return rows

    query.dialect = "sqlite"  # type: ignore[attr-defined]
    yield query
    for connection in connections:
        connection.close()


def table_names(db: Callable[..., list[tuple[object, ...]]]) -> list[str]:
    """The tables of the test's database (``db`` the fixture), on either database."""
    if getattr(db, "dialect", "sqlite") == "sqlite":
        sql = "SELECT name FROM sqlite_master WHERE type = 'table'"
    else:
        sql = "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
    return [str(name) for (name,) in db(sql)]


def index_names(db: Callable[..., list[tuple[object, ...]]]) -> set[str]:
    """The indexes of the test's database (``db`` the fixture), on either database."""
    if getattr(db, "dialect", "sqlite") == "sqlite":
        sql = "SELECT name FROM sqlite_master WHERE type = 'index'"
    else:
        sql = "SELECT indexname FROM pg_indexes WHERE schemaname = 'public'"
    return {str(name) for (name,) in db(sql)}


@pytest.fixture
def read_terminal() -> Callable[[int], bytes]:
    """Everything a pseudo-terminal shows until the command on it ends (or 30 s of silence)."""

    def read(main: int) -> bytes:
        chunks = []
        while select.select([main], [], [], 30)[0]:
            try:
                chunk = os.read(main, 65536)
            except OSError:  # the terminal closed: the command is done
                break
            if not chunk:
                break
            chunks.append(chunk)
        os.close(main)
        return b"".join(chunks)

    return read
