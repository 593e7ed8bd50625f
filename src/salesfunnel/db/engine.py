"""Opening a database: a private file, the right pragmas, and the schema brought up to date."""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.exc import SQLAlchemyError

from salesfunnel import clock
from salesfunnel.db.dialect import alchemy_url
from salesfunnel.db.location import sqlite_path
from salesfunnel.db.sqlite import (
    SCHEMA_HEAD,
    configure,
    online_copy,
    open_read_only,
    user_tables,
)
from salesfunnel.errors import DatabaseError, debugging

Notify = Callable[[str], None]

# SQLAlchemy logs some failures it recovers from (a cursor it can't close after Ctrl-C
# cut a fetch short), traceback and all; with no handler set up, Python would print
# them on stderr.  The error boundary (cli/__init__.py) says what happened, in one line.
# SALESFUNNEL_DEBUG=1 lets them through.
if not debugging():
    logging.getLogger("sqlalchemy").addHandler(logging.NullHandler())


def open_engine(url: str, notify: Notify = lambda message: None) -> Engine:
    """An engine on an up-to-date schema, creating or upgrading the database first."""
    path = sqlite_path(url)
    if path is not None:
        _prepare_sqlite_file(path)
        _refuse_a_stranger(path)
    where = str(path) if path is not None else _safe_url(url)
    try:
        engine = create_engine(alchemy_url(url))
        if engine.dialect.name == "sqlite":
            _configure_sqlite(engine)
        _bring_schema_up_to_date(engine, path, notify)
    except SQLAlchemyError as error:
        raise DatabaseError(f"can't open database {where}: {_first_line(error)}") from None
    except ImportError as error:
        driver = error.name or "its driver"
        raise DatabaseError(
            f"can't open database {where}: the driver is not installed (pip install {driver})"
        ) from None
    return engine


def _safe_url(url: str) -> str:
    """The URL as it may be shown in a message: never with its password."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except SQLAlchemyError:
        return url.split("@")[-1] if "@" in url else url


def _first_line(error: Exception) -> str:
    message = str(getattr(error, "orig", None) or error)
    return message.splitlines()[0] if message else type(error).__name__


def _prepare_sqlite_file(path: Path) -> None:
    """Create a missing database file readable by its owner alone; refuse what isn't a file."""
    if path.is_dir():
        raise DatabaseError(f"can't open database {path}: it is a directory")
    if path.exists():
        if not os.access(path, os.R_OK | os.W_OK):
            raise DatabaseError(f"can't open database {path}: permission denied")
        return
    blocker = next((p for p in path.parents if p.exists() and not p.is_dir()), None)
    if blocker is not None:
        raise DatabaseError(f"can't create database {path}: {blocker} is a file, not a directory")
    try:
        _make_private_folders(path.parent)
        handle = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        try:
            os.fchmod(handle, 0o600)  # whatever the umask took away or let through
        finally:
            os.close(handle)
    except FileExistsError:
        pass  # another process created it a moment ago
    except OSError as error:
        raise DatabaseError(f"can't create database {path}: {error.strerror}") from None


def _make_private_folders(folder: Path) -> None:
    """Make a missing folder, and any missing above it, readable by their owner alone.

    ``mkdir -p`` makes the folders above with the umask's mode (0777 under ``umask
    000``), and the umask can take from the last one's: each is set to 0700 itself.
    """
    missing = [folder, *folder.parents]
    missing = list(reversed([p for p in missing if not p.exists()]))
    for each in missing:
        try:
            each.mkdir(mode=0o700)
        except FileExistsError:
            continue  # made by another process a moment ago: not ours to change
        os.chmod(each, 0o700)


def _refuse_a_stranger(path: Path) -> None:
    """Refuse an SQLite file salesfunnel didn't make before anything is set up on it:
    switching to WAL mode (db/sqlite.py) would rewrite its header."""
    if path.stat().st_size == 0:
        return  # a new database
    try:
        connection = open_read_only(path)
        try:
            tables = user_tables(connection)
        finally:
            connection.close()
    except sqlite3.Error as error:
        raise DatabaseError(f"can't open database {path}: {error}") from None
    if tables and "alembic_version" not in tables:
        raise DatabaseError("this database was not made by salesfunnel")


def _configure_sqlite(engine: Engine) -> None:
    """Every connection set up as db/sqlite.py says (creating and upgrading a database)."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        configure(dbapi_connection)

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN")  # the driver's own handling is off (db/sqlite.py)


def schema_version(engine: Engine) -> str | None:
    """The migration a database is at, or None for a database with no schema yet."""
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            if inspect(connection).get_table_names():
                raise DatabaseError("this database was not made by salesfunnel")
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _bring_schema_up_to_date(engine: Engine, path: Path | None, notify: Notify) -> None:
    current = schema_version(engine)
    if current == SCHEMA_HEAD:
        return
    from salesfunnel.db import migrate

    if current is not None and not migrate.is_known_revision(current):
        raise DatabaseError(
            f"the database is at schema {current}, newer than this salesfunnel knows "
            f"(it reads up to {SCHEMA_HEAD}): upgrade salesfunnel to use it"
        )
    if current is not None and path is not None:
        backup = backup_beside(path, f"schema-{current}")
        notify(f"Backed up the database to {backup} before upgrading its schema.")
    migrate.upgrade(engine)
    if current is not None:
        notify(f"Upgraded the database schema from {current} to {SCHEMA_HEAD}.")


def backup_beside(path: Path, label: str) -> Path:
    """A consistent copy of an SQLite database next to it, readable by its owner alone."""
    stamp = clock.now().strftime("%Y%m%dT%H%M%S")
    target = path.with_name(f"{path.name}.{label}-{stamp}.bak")
    copies = 1
    while target.exists():  # never overwrite an earlier backup
        copies += 1
        target = path.with_name(f"{path.name}.{label}-{stamp}-{copies}.bak")
    try:
        os.close(os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        online_copy(path, target)
    except (OSError, sqlite3.Error) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise DatabaseError(f"can't back up {path} to {target}: {reason}") from None
    return target
