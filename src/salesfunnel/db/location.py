"""Where the data lives: ``--db``, ``SALESFUNNEL_DB``, or the platform's data directory."""

from __future__ import annotations

import os
from pathlib import Path

DB_VARIABLE = "SALESFUNNEL_DB"


def default_database_path() -> Path:
    from platformdirs import user_data_path

    return user_data_path("salesfunnel", appauthor=False) / "salesfunnel.db"


def database_url(db: str | None) -> str:
    """An SQLAlchemy URL from a path or URL given by option, variable or default."""
    target = db or os.environ.get(DB_VARIABLE) or str(default_database_path())
    if "://" in target:
        return target
    return f"sqlite:///{Path(target).expanduser().resolve()}"


def sqlite_path(url: str) -> Path | None:
    """The file behind an SQLite URL, or None for other databases and in-memory SQLite."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or url == prefix or url.endswith(":memory:"):
        return None
    return Path(url[len(prefix) :])
