"""Prospects -> the parameter tuples of the import's INSERT, in the statement's order.

Pure Python (no database), so it can run in the reader process: everything a
row needs is worked out here -- its id, its search key, its tags -- except the
company's id: the row carries the company's name, which the writer replaces.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from operator import itemgetter

from salesfunnel.domain.text import company_search_key
from salesfunnel.importing.rows import Prospect
from salesfunnel.importing.searchkeys import SearchKeys

COMPANIES_REMEMBERED = 50_000  # names already sent for insertion (bounded memory)


@dataclass
class Packed:
    """One batch, ready for the database."""

    rows: list[list[object]]  # the contacts INSERT's parameters (the company by name)
    tags: list[tuple[int, str]]  # (contact id, tag)
    companies: list[tuple[str, str | None]]  # (name, search key) not sent before


class RowPacker:
    """Hands out ids in file order and lays each prospect out as the INSERT wants it."""

    def __init__(self, columns: Sequence[str], first_id: int) -> None:
        # Each tuple is picked, in the statement's order, out of
        # (id, company name, search key, *prospect): one C-level call per row.
        available = ["id", "company_id", "search_key", *Prospect._fields]
        self._pick = itemgetter(*(available.index(name) for name in columns))
        self._search_keys = SearchKeys()
        self._companies: set[str] = set()
        self.next_id = first_id

    def pack(self, prospects: Sequence[Prospect]) -> Packed:
        pick, first, key = self._pick, self.next_id, self._search_keys.key
        rows = [
            [
                *pick(
                    (
                        first + offset,
                        p.company,  # the writer turns the name into the company's id
                        key(p.name, p.email, p.phone, p.company, digits=p.phone_key),
                        *p,
                    )
                )
            ]
            for offset, p in enumerate(prospects)
        ]
        tags = [(first + i, tag) for i, p in enumerate(prospects) if p.tags for tag in p.tags]
        self.next_id += len(prospects)
        return Packed(rows, tags, self._new_companies(prospects))

    def _new_companies(self, prospects: Sequence[Prospect]) -> list[tuple[str, str | None]]:
        seen = self._companies
        names = {p.company for p in prospects if p.company and p.company not in seen}
        if len(seen) + len(names) > COMPANIES_REMEMBERED:
            seen.clear()  # sending a name twice is harmless: INSERT OR IGNORE
        seen.update(names)
        return [(name, company_search_key(name)) for name in names]
