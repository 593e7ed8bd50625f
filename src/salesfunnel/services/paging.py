"""A page of a listing: the rows shown, and how many matched in all."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from sqlalchemy import Connection, Select

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """The rows a listing shows, and how many matched in all."""

    items: list[T]
    total: int

    @property
    def more(self) -> int:
        return max(0, self.total - len(self.items))


def rows_page(
    connection: Connection, query: Select[Any], limit: int | None
) -> tuple[list[Any], int]:
    """Run a Core ``query`` for at most ``limit`` rows and count every match."""
    from sqlalchemy import func, select

    total = connection.execute(
        select(func.count()).select_from(query.order_by(None).subquery())
    ).scalar_one()
    rows = connection.execute(query if limit is None else query.limit(limit)).all()
    return list(rows), int(total)
