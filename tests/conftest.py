"""Every test gets its own database file and a fixed "now"; `run` drives the real CLI."""

from __future__ import annotations

import os
import select
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import typer.main
import typer.testing
from typer.testing import CliRunner, Result

from salesfunnel.cli import app

NOW = "2026-11-23T09:00:00+00:00"

Run = Callable[..., Result]

# Typer rebuilds the whole command tree on every CliRunner.invoke; building it once
# makes the suite several times faster and changes nothing else (Click commands are
# reusable: every invocation gets a fresh context).
_COMMAND = typer.main.get_command(app)
typer.testing._get_command = lambda typer_app: (  # type: ignore[attr-defined]
    _COMMAND if typer_app is app else typer.main.get_command(typer_app)
)


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh database path, a fixed clock, no colour settings from the developer's shell."""
    db = tmp_path / "funnel.db"
    monkeypatch.setenv("SALESFUNNEL_DB", str(db))
    monkeypatch.setenv("SALESFUNNEL_NOW", NOW)
    monkeypatch.setenv("TZ", "UTC")
    for name in ("NO_COLOR", "SALESFUNNEL_DEBUG", "FORCE_COLOR"):
        monkeypatch.delenv(name, raising=False)
    return db


@pytest.fixture
def in_sao_paulo() -> Iterator[None]:
    """The process's local time zone is UTC-3 for the test (tzset, so C-level time sees it)."""
    import time

    previous = os.environ.get("TZ")
    os.environ["TZ"] = "America/Sao_Paulo"
    time.tzset()
    try:
        yield
    finally:
        if previous is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = previous
        time.tzset()


@pytest.fixture
def db_path(isolated: Path) -> Path:
    return isolated


@pytest.fixture
def run() -> Run:
    """Run the CLI in-process: ``run("lead", "add", "Ana", input=None)``."""
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None) -> Result:
        return runner.invoke(app, list(args), input=input, catch_exceptions=False)

    return invoke


@pytest.fixture
def ok(run: Run) -> Run:
    """Like ``run``, but fails the test unless the command exits 0."""

    def invoke(*args: str, input: str | None = None) -> Result:
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
