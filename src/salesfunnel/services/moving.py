"""`copy-to URL`: the whole database into another, empty one (a personal file into a
team's server, or back).  The copying itself is db/copy.py."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from salesfunnel.db.work import Work
from salesfunnel.errors import BadValue, DatabaseError
from salesfunnel.schemas import CopyPublic, CopyTablePublic

Notify = Callable[[str], None]
Advance = Callable[[str, int], None]


def same_database(source_url: str, target_url: str) -> bool:
    """Whether two URLs name one database (an SQLite file however its path is written, a
    server database whichever driver or default port its URL spells out)."""
    from salesfunnel.db.location import sqlite_path

    source, target = sqlite_path(source_url), sqlite_path(target_url)
    if source is not None and target is not None:
        if source.exists() and target.exists():
            return source.samefile(target)
        return source.resolve() == target.resolve()
    if source_url == target_url:
        return True
    key = _server_key(source_url)
    return key is not None and key == _server_key(target_url)


def _server_key(url: str) -> tuple[object, ...] | None:
    """What names a server database whatever the URL's spelling: its backend (whichever
    driver), host, port (the default written or not) and database; None if unreadable."""
    from sqlalchemy.engine import make_url

    try:
        parsed = make_url(url)
    except Exception:  # the engine says why when it opens it
        return None
    backend = parsed.get_backend_name()
    port = parsed.port or (5432 if backend == "postgresql" else None)
    return (backend, (parsed.host or "").lower(), port, parsed.database)


def shown(url: str) -> str:
    """The target as a message shows it: an SQLite file's path; a URL without its password."""
    from salesfunnel.db.location import sqlite_path

    path = sqlite_path(url)
    if path is not None:
        return str(path)
    try:
        from sqlalchemy.engine import make_url

        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # an URL SQLAlchemy can't read: the engine says why when it opens it
        return url.split("@")[-1]


def copy_to(
    source: Work,
    source_url: str,
    target_url: str,
    *,
    notify: Notify,
    progress: Callable[[int], Advance | None] = lambda total: None,
) -> CopyPublic:
    """Copy the database ``source`` reads into the one at ``target_url``, created or
    brought to the same schema first; refused when it is the same database or holds data.

    ``progress(total rows)`` may give a callback told of each page copied.
    """
    from salesfunnel.db.connect import open_driver
    from salesfunnel.db.copy import copy_database, counts, holds_data, tables

    where = shown(target_url)
    if same_database(source_url, target_url):
        raise BadValue(f"{where} is the database being copied: copy it to another one")
    path = _sqlite_target(target_url)
    if path is not None and path.exists() and path.stat().st_size == 0:
        raise DatabaseError(f"can't copy into {where}: it is an empty file, not a database")
    started = time.perf_counter()
    specs = tables()
    totals = counts(source, specs)
    driver = open_driver(target_url, notify, create=True)
    try:
        with Work(driver, write=True, check_references=False) as target:
            found = holds_data(target, specs)
            if found is not None:
                raise BadValue(
                    f"{where} already holds data ({found}): copy-to fills an empty database only"
                )
            advance = progress(sum(totals.values())) or (lambda table, rows: None)
            summary = copy_database(source, target, specs, advance)
    finally:
        driver.close()
    return CopyPublic(
        target=where,
        tables=[CopyTablePublic(table=name, rows=rows) for name, rows in summary.rows.items()],
        rows=summary.total,
        contacts=summary.rows.get("contacts", 0),
        deals=summary.rows.get("deals", 0),
        seconds=round(time.perf_counter() - started, 2),
    )


def _sqlite_target(url: str) -> Path | None:
    from salesfunnel.db.location import sqlite_path

    return sqlite_path(url)
