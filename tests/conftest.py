"""Every test gets its own database file and a fixed "now"; `run` drives the real CLI."""

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

Run = Callable[..., Result]


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh database path, a fixed clock, no colour settings from the developer's shell."""
    db = tmp_path / "funnel.db"
    monkeypatch.setenv("SALESFUNNEL_DB", str(db))
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
def empty_db(db_path: Path) -> Path:
    """The test's database made, with nothing in it, as the first write makes it: for
    commands that only read, which refuse a database that isn't there (SPEC §3)."""
    from salesfunnel.db.engine import open_engine
    from salesfunnel.db.location import database_url

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
def db(db_path: Path) -> Iterator[Callable[[str, tuple[object, ...]], list[tuple[object, ...]]]]:
    """Query the database file directly, the way a test double-checks what was stored."""
    connections: list[sqlite3.Connection] = []

    def query(sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
        connection = sqlite3.connect(db_path)
        connections.append(connection)
        return connection.execute(sql, params).fetchall()

    yield query
    for connection in connections:
        connection.close()


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
