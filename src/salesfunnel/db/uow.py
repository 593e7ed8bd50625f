"""The unit of work: one transaction per command, committed once or not at all."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy import Engine
from sqlmodel import Session, select

from salesfunnel.db.tables import Setting
from salesfunnel.domain.settings import SETTINGS, rotting_stage_of


class UnitOfWork:
    """Opens a session; commits on a clean exit of a write, rolls back on anything else.

    Writes on SQLite begin with BEGIN IMMEDIATE, so a second writer (cron's digest
    during an import) waits on the busy timeout instead of failing half-way.
    """

    def __init__(self, engine: Engine, *, write: bool) -> None:
        self.write = write
        bind = engine
        if write and engine.dialect.name == "sqlite":
            bind = engine.execution_options(sqlite_begin="IMMEDIATE")
        self.session = Session(bind=bind, expire_on_commit=False, autoflush=True)
        self.committed = False
        self._settings: dict[str, str] | None = None

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        try:
            if exc_type is None and self.write:
                self.session.commit()
                self.committed = True
            else:
                self.session.rollback()
        finally:
            self.session.close()

    def settings(self) -> dict[str, str]:
        """Every setting, stored value over default, read once per unit of work."""
        if self._settings is None:
            stored = dict(self.session.exec(select(Setting.key, Setting.value)).all())
            self._settings = {key: stored.get(key, spec.default) for key, spec in SETTINGS.items()}
            self._settings |= {k: v for k, v in stored.items() if rotting_stage_of(k)}  # per stage
        return self._settings

    def forget_settings(self) -> None:
        self._settings = None
