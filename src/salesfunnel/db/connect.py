"""Opening the database for a command: straight to the file when it is ready for use.

An SQLite file at the current schema is opened with the standard library's ``sqlite3``
alone.  Anything else (a new file, an older schema, a file salesfunnel didn't make, a
PostgreSQL URL) goes through the engine first (db/engine.py), which creates, upgrades
(after a backup) or refuses it, in SQLAlchemy and Alembic: the slow path, taken once.
"""

from __future__ import annotations

import gc
import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from salesfunnel.db.dialect import is_postgres_url
from salesfunnel.db.location import sqlite_path
from salesfunnel.db.sqlite import BUSY_TIMEOUT_MS, SCHEMA_HEAD, configure, open_read_only
from salesfunnel.db.work import AlchemyDriver, Driver, SqliteDriver
from salesfunnel.errors import DatabaseError

Notify = Callable[[str], None]


def open_driver(url: str, notify: Notify, *, create: bool = True) -> Driver:
    """A connection to the database at ``url``, its schema up to date.

    ``create=False`` (a command that only reads): an SQLite file that isn't there is
    refused, and nothing is made, neither the file nor its folder.
    """
    path = sqlite_path(url)
    if path is not None and not create:
        require_database(path)
    if path is None and is_postgres_url(url):
        return open_postgres(url, notify)
    if path is None:
        from salesfunnel.db.engine import open_engine

        return AlchemyDriver(open_engine(url, notify))
    connection = connect_at_head(path)
    if connection is None:
        from salesfunnel.db.engine import open_engine

        engine = open_engine(url, notify)  # creates, upgrades, or says why not
        with ctrl_c_held():
            engine.dispose()
            del engine
            gc.collect()  # SQLAlchemy's leftovers go now, not in the middle of the command
        connection = connect_at_head(path)
        if connection is None:
            raise DatabaseError(f"can't open database {path}")
    return SqliteDriver(connection)


def open_postgres(url: str, notify: Notify) -> Driver:
    """A psycopg connection to a server database at the current schema: one query checks
    it; a new or older one is created or upgraded by the engine first, once."""
    from salesfunnel.db import postgres

    connection = postgres.connect(url)
    if postgres.schema_version(connection) != SCHEMA_HEAD:
        connection.close()
        from salesfunnel.db.engine import open_engine

        engine = open_engine(url, notify)  # creates, upgrades, or says why not
        with ctrl_c_held():
            engine.dispose()
            del engine
            gc.collect()
        connection = postgres.connect(url)
    return postgres.PostgresDriver(connection)


@contextmanager
def ctrl_c_held() -> Iterator[None]:
    """Ctrl-C (SIGINT) waits until the block ends, then interrupts as usual.

    Letting SQLAlchemy's objects go runs its weakref callbacks, and a KeyboardInterrupt
    raised inside one is printed and dropped by Python ("Exception ignored in"): the
    command would go on as if Ctrl-C had not been pressed.  Held, it lands just after.
    """
    import signal

    pressed: list[int] = []
    try:
        previous = signal.signal(signal.SIGINT, lambda signum, _frame: pressed.append(signum))
    except ValueError:  # not the main thread: Python delivers no signal here anyway
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if pressed and callable(previous):
            previous(signal.SIGINT, None)  # Python's own handler raises KeyboardInterrupt
        elif pressed and previous == signal.SIG_DFL:
            signal.raise_signal(signal.SIGINT)


def read_only_driver(path: Path) -> SqliteDriver:
    """The file as it is, for ``check``: never set up, upgraded or written (``mode=ro``)."""
    require_database(path)
    return SqliteDriver(open_read_only(path))


# How long shell completion waits for a writer that holds the database (exclusively,
# as a migration or a checkpoint may): the shell must not stall on a TAB.
GLANCE_BUSY_TIMEOUT_MS = 100


def glance_driver(path: Path) -> SqliteDriver | None:
    """A read-only connection to an SQLite file at the current schema, or None, for
    shell completion: it never creates, upgrades or writes the file, and waits at most
    :data:`GLANCE_BUSY_TIMEOUT_MS` for another process that holds it.

    None for a file that isn't there (nothing is made, not even its folder), a schema
    that isn't the current one, a file that isn't ours and one that is held too long:
    completion then offers nothing, rather than stall or speak in the shell.
    """
    if not path.is_file():
        return None
    try:
        uri = f"{path.absolute().as_uri()}?mode=ro"
        connection = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
    except (sqlite3.Error, ValueError):
        return None
    try:
        connection.execute(f"PRAGMA busy_timeout = {GLANCE_BUSY_TIMEOUT_MS}")
        version = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        if version is None or version[0] != SCHEMA_HEAD:
            connection.close()
            return None
    except sqlite3.Error:
        connection.close()
        return None
    return SqliteDriver(connection)


def require_database(path: Path) -> None:
    """Refuse, in one line that says what to do, a database file that isn't there yet
    (or a directory, or a file that can't be read)."""
    if path.is_dir():
        raise DatabaseError(f"can't open database {path}: it is a directory")
    if path.exists():
        if not os.access(path, os.R_OK):
            raise DatabaseError(f"can't open database {path}: permission denied")
        return
    blocker = next((p for p in path.parents if p.exists() and not p.is_dir()), None)
    if blocker is not None:
        raise DatabaseError(f"can't open database {path}: {blocker} is a file, not a directory")
    raise DatabaseError(
        f"no database at {path} yet: adding something makes it (salesfunnel lead add NAME), "
        "or try salesfunnel demo --db demo.db"
    )


def connect_at_head(path: Path) -> sqlite3.Connection | None:
    """A set-up connection to an SQLite file at the current schema, or None.

    None for a file that doesn't exist yet or can't be read and written, and for a
    schema that isn't the current one: the engine deals with those.  The schema is read
    before anything is set up, so a file that isn't ours is left exactly as it was.
    """
    if not path.is_file() or not os.access(path, os.R_OK | os.W_OK):
        return None
    try:
        connection = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
    except sqlite3.Error:
        return None
    try:
        connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        version = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        if version is None or version[0] != SCHEMA_HEAD:
            connection.close()
            return None
        configure(connection)
    except sqlite3.Error:
        connection.close()
        return None
    return connection


@contextmanager
def database(url: str, notify: Notify = lambda message: None) -> Iterator[Driver]:
    """The database for a block of units of work (``Work(driver, write=...)``), then let go."""
    driver = open_driver(url, notify)
    try:
        yield driver
    finally:
        driver.close()
