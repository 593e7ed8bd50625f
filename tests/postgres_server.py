"""The tests' databases on a PostgreSQL server (tests/conftest.py, ``--postgres URL``).

Each test process (each xdist worker) creates one database of its own on the server,
migrated once by salesfunnel itself; before every test its tables are emptied and their
ids start again at 1 (TRUNCATE ... RESTART IDENTITY), which takes a fraction of what
creating a database from a template does (80 ms against 290-370 ms, measured).  A test
that left the schema changed gets a new database.  All are dropped at the end.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import Any

import psycopg
from psycopg import sql

from salesfunnel.db.rows import sqlite_value
from salesfunnel.db.sqlite import SCHEMA_HEAD

KEPT = ("alembic_version",)  # what a new database holds: its schema version


def _with_database(url: str, name: str) -> str:
    """``url`` with its database replaced by ``name``."""
    base, _, query = url.partition("?")
    head = re.sub(r"/[^/]*$", f"/{name}", base) if base.count("/") > 2 else f"{base}/{name}"
    return head + (f"?{query}" if query else "")


class TestServer:
    """A database of this process's own on the server, for its tests; dropped at the end."""

    __test__ = False  # not a test class

    def __init__(self, maintenance: str, suffix: str = "") -> None:
        """``suffix`` names a second database of the process's (a test's own, e.g. a
        copy's target), beside the one its tests share."""
        self.maintenance = maintenance
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        self.name = f"salesfunnel_test_{worker}_{os.getpid()}{'_' + suffix if suffix else ''}"
        self.url = _with_database(maintenance, self.name)

    def __enter__(self) -> str:
        self._create()
        return self.url

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        _forget(self.url)
        with psycopg.connect(self.maintenance, autocommit=True) as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(self.name))
            )

    def _create(self) -> None:
        from salesfunnel.db.engine import open_engine

        with psycopg.connect(self.maintenance, autocommit=True) as connection:
            name = sql.Identifier(self.name)
            connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
            connection.execute(sql.SQL("CREATE DATABASE {}").format(name))
        open_engine(self.url).dispose()  # migrated as salesfunnel migrates a new database
        _RECREATE[self.url] = self._recreate

    def _recreate(self) -> None:
        _forget(self.url)
        self._create()


_RECREATE: dict[str, Any] = {}
_CONNECTIONS: dict[str, psycopg.Connection[Any]] = {}


def _connection(url: str) -> psycopg.Connection[Any]:
    connection = _CONNECTIONS.get(url)
    if connection is None or connection.closed:
        connection = psycopg.connect(url, autocommit=True, options="-c TimeZone=UTC")
        _CONNECTIONS[url] = connection
    return connection


def _forget(url: str) -> None:
    connection = _CONNECTIONS.pop(url, None)
    if connection is not None:
        connection.close()


def empty(url: str) -> None:
    """Every table emptied and every id sequence back at 1, the schema version kept; a
    new database if a test left the schema at another version or without a table."""
    try:
        connection = _connection(url)
        version = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        if version is None or version[0] != SCHEMA_HEAD:
            raise psycopg.errors.UndefinedTable("not at head")
        tables = [
            name
            for (name,) in connection.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            )
            if name not in KEPT
        ]
        connection.execute(
            sql.SQL("TRUNCATE {} RESTART IDENTITY CASCADE").format(
                sql.SQL(", ").join(sql.Identifier(name) for name in tables)
            )
        )
    except psycopg.Error:
        _RECREATE[url]()


@contextmanager
def querying(url: str) -> Iterator[Any]:
    """The ``db`` fixture on the server: ``?`` parameters, values as SQLite stores them."""

    def query(statement: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
        connection = _connection(url)
        with connection.cursor() as cursor:
            cursor.execute(_pyformat(statement), tuple(_bound(v) for v in params))
            if cursor.description is None:
                return []
            return [tuple(sqlite_value(value) for value in row) for row in cursor.fetchall()]

    query.dialect = "postgresql"  # type: ignore[attr-defined]
    yield query


_TOKENS = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|\?|%")


def _pyformat(statement: str) -> str:
    def replace(match: re.Match[str]) -> str:
        token = match.group(0)
        if token == "?":
            return "%s"
        return token.replace("%", "%%")

    return _TOKENS.sub(replace, statement)


def _bound(value: object) -> object:
    if isinstance(value, dict | list):
        from psycopg.types.json import Json

        return Json(value)
    return value
