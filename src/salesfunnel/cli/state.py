"""What every command shares: where the database is, and where output goes."""

from __future__ import annotations

from dataclasses import dataclass, field
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

    def driver(self) -> Driver:
        """Opened on first use, so --help and usage errors never touch the database."""
        if self._driver is None:
            from salesfunnel.db.connect import open_driver
            from salesfunnel.db.location import database_url

            self._driver = open_driver(database_url(self.db), notify=self.output.message)
        return self._driver

    def close(self) -> None:
        """Let go of the database when the command ends (SQLite then tidies its WAL)."""
        if self._driver is not None:
            self._driver.close()
            self._driver = None

    def reading(self) -> Work:
        """A read: one snapshot of the database, never committed."""
        from salesfunnel.db.work import Work

        return Work(self.driver(), write=False)

    def writing(self, *, check_references: bool = True, journal: bool = True) -> Work:
        """A write: committed once at the end of the block, or not at all.

        Journaled for `undo` (db/journal.py) unless ``journal=False``: a write the user
        doesn't see as one (the calendar's database identity), or `undo` itself.
        """
        from salesfunnel.db.journal import Journal
        from salesfunnel.db.work import Work

        unit = Work(
            self.driver(),
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
