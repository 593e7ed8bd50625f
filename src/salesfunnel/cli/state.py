"""What every command shares: where the database is, and where output goes."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from salesfunnel.render.output import Output

if TYPE_CHECKING:
    from salesfunnel.db.work import Driver, Work


@dataclass
class AppState:
    db: str | None = None
    command: str = ""  # the command line as typed, without --db: what the undo journal shows
    output: Output = field(default_factory=Output)
    _driver: Driver | None = None
    _writes: list[Work] = field(default_factory=list)

    def driver(self, *, create: bool = False) -> Driver:
        """Opened on first use, so --help and usage errors never touch the database.

        Only a write creates the database (``create``): a command that only reads
        refuses a database file that isn't there, and makes nothing.
        """
        if self._driver is None:
            from salesfunnel.db.connect import open_driver
            from salesfunnel.db.location import database_url

            self._driver = open_driver(
                database_url(self.db), notify=self.output.message, create=create
            )
        return self._driver

    def database_file(self) -> Path | None:
        """The SQLite file the command works on; None for a server database."""
        from salesfunnel.db.location import database_url, sqlite_path

        return sqlite_path(database_url(self.db))

    def own_files(self) -> dict[Path, str]:
        """Files no command writes over, ``--force`` or not: the database and its side files."""
        from salesfunnel.files import database_files

        return database_files(self.database_file())

    def sqlite_file(self, command: str, server_tools: str) -> Path:
        """The SQLite file a command works on as a whole (``backup``, ``check``), which
        must be there; on a server database, a refusal naming the server's own tools."""
        from salesfunnel.db.connect import require_database
        from salesfunnel.db.location import database_url
        from salesfunnel.errors import DatabaseError

        path = self.database_file()
        if path is None:
            kind = database_url(self.db).split("://")[0].split("+")[0]
            raise DatabaseError(
                f"{command} works on an SQLite file; a server database ({kind}) has its "
                f"own tools: {server_tools}"
            )
        require_database(path)
        return path

    def inspecting(self, path: Path) -> Work:
        """A read of an SQLite file as it is (:meth:`sqlite_file`), never set up, upgraded
        or written: ``check`` sees what is there, and changes nothing."""
        from salesfunnel.db.connect import read_only_driver
        from salesfunnel.db.work import Work

        if self._driver is None:
            self._driver = read_only_driver(path)
        return Work(self._driver, write=False)

    def close(self) -> None:
        """Let go of the database when the command ends (SQLite then tidies its WAL)."""
        if self._driver is not None:
            self._driver.close()
            self._driver = None

    def reading(self) -> Work:
        """A read: one snapshot of the database, never committed."""
        from salesfunnel.db.work import Work

        return Work(self.driver(create=False), write=False)

    def writing(
        self, *, check_references: bool = True, journal: bool = True, create: bool = True
    ) -> Work:
        """A write: committed once at the end of the block, or not at all.

        Journaled for `undo` (db/journal.py) unless ``journal=False``: a write the user
        doesn't see as one (the calendar's database identity), or `undo` itself.
        ``create=False``: a write that only makes sense on data already there (the
        calendar export, which stores the database's identity) refuses a missing file.
        """
        from salesfunnel.db.journal import Journal
        from salesfunnel.db.work import Work

        unit = Work(
            self.driver(create=create),
            write=True,
            check_references=check_references,
            journal=Journal(self.command) if journal else None,
        )
        self._writes.append(unit)
        return unit

    @property
    def saved(self) -> bool:
        """Whether this command has already committed a change (so Ctrl-C can't undo it)."""
        return any(unit.committed for unit in self._writes)


def state(ctx: typer.Context) -> AppState:
    root: Any = ctx.find_root().obj
    if not isinstance(root, AppState):
        root = AppState()
        ctx.find_root().obj = root
    return root
