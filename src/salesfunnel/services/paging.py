"""A page of a listing: the rows shown, and how many matched in all."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from salesfunnel.db.rows import Params, Reader

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
    reader: Reader, query: str, order_by: str, params: Params, limit: int | None
) -> tuple[list[Any], int]:
    """Run the SELECT ``query`` for at most ``limit`` rows in that order; count every match."""
    total = reader.value(f"SELECT count(*) AS total FROM ({query}) AS matched", params)
    if limit is None:
        return reader.rows(f"{query} ORDER BY {order_by}", params), int(total)
    rows = reader.rows(f"{query} ORDER BY {order_by} LIMIT :limit", {**params, "limit": limit})
    return rows, int(total)
