"""A read batch -> the columns of the import's INSERT, in the statement's order.

What a row needs besides its values is worked out here -- its id, its tags,
the companies to create -- except the company's id: the company column carries
the company's name, which the writer replaces.  It runs in the writing process,
which hands out the ids.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from salesfunnel.domain.text import company_search_key
from salesfunnel.importing.columns import ReadBatch

COMPANIES_REMEMBERED = 50_000  # names already sent for insertion (bounded memory)


@dataclass
class Packed:
    """One batch, ready for the database."""

    columns: list[Sequence[Any]]  # the INSERT's parameters, a column each ("" = NULL)
    company_at: int | None  # which column holds company names, for the writer to replace
    tags: list[tuple[int, str]]  # (contact id, tag)
    companies: list[tuple[str, str | None]]  # (name, search key) not sent before

    @property
    def count(self) -> int:
        return len(self.columns[0]) if self.columns else 0


class RowPacker:
    """Hands out ids in file order and lays each batch out as the INSERT wants it."""

    def __init__(self, columns: Sequence[str], first_id: int) -> None:
        self.columns = list(columns)
        self._companies: set[str] = set()
        self.next_id = first_id

    def pack(self, batch: ReadBatch) -> Packed:
        first, fields = self.next_id, batch.columns
        companies: list[str] = fields["company"]
        laid_out: list[Sequence[Any]] = []
        for name in self.columns:
            if name == "id":
                laid_out.append(range(first, first + batch.count))
            elif name == "company_id":
                laid_out.append(companies)
            else:
                laid_out.append(fields[name])
        tags = [(first + i, tag) for i, each in enumerate(fields["tags"]) if each for tag in each]
        self.next_id += batch.count
        company_at = self.columns.index("company_id") if "company_id" in self.columns else None
        return Packed(laid_out, company_at, tags, self._new_companies(companies))

    def _new_companies(self, names: Sequence[str]) -> list[tuple[str, str | None]]:
        seen = self._companies
        new = set(names) - seen
        new.discard("")
        if len(seen) + len(new) > COMPANIES_REMEMBERED:
            seen.clear()  # sending a name twice is harmless: INSERT OR IGNORE
        seen.update(new)
        return [(name, company_search_key(name)) for name in new]
