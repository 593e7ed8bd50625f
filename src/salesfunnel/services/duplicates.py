"""`merge --suggest`: contacts that are likely one person, for the user to merge.

Two rules, each walked along an index, a page at a time:

* the same phone (its digits: ``phone_key``), from ``ix_contacts_phone_key`` alone;
* the same name, folded (case and accents aside), in the same company: contacts in
  company order from ``ix_contacts_company_id``, their names compared a company at a time.

Listing stops as soon as it has found what it shows (the first ``limit`` groups), so
`merge --suggest` on a million contacts reads a page or two: ~0.05 s beyond start-up
(docs/benchmarks.md).  Counting every group (`check`, `--all`) reads every contact that
has a company.  No index of names: it would cost every big import a sort of its names.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from salesfunnel.db.rows import rows_in
from salesfunnel.db.work import Work
from salesfunnel.domain.merging import FunnelPlace, funnel_rank
from salesfunnel.domain.text import fold
from salesfunnel.schemas import DuplicatePublic
from salesfunnel.services.search import contact_hits

PAGE = 5_000  # contacts read at a time, in company order: the first groups come fast
SAME_PHONE = "same phone"
SAME_NAME = "same name and company"


def likely_duplicates(work: Work, limit: int | None = 50) -> tuple[list[DuplicatePublic], bool]:
    """The first ``limit`` groups of likely duplicates, and whether there may be more."""
    groups: list[tuple[str, list[int]]] = []
    seen: set[frozenset[int]] = set()
    more = False
    for reason, ids in _groups(work):
        if frozenset(ids) in seen:
            continue
        if limit is not None and len(groups) >= limit:
            more = True
            break
        seen.add(frozenset(ids))
        groups.append((reason, ids))
    everyone = [i for _, ids in groups for i in ids]
    hits = {hit.id: hit for hit in contact_hits(work, everyone)}
    ranks = {
        row.id: funnel_rank(FunnelPlace.of(row))
        for row in rows_in(
            work,
            "SELECT id, stage, prospect_status, lead_status, qualification_level "
            "FROM contacts WHERE id IN {values}",
            everyone,
        )
    }
    suggested = []
    for reason, ids in groups:
        ordered = sorted(ids, key=lambda i: (tuple(-n for n in ranks[i]), i))  # keep the first
        suggested.append(
            DuplicatePublic(
                reason=reason,
                contacts=[hits[i] for i in ordered],
                merge=f"salesfunnel merge {' '.join(str(i) for i in ordered)}",
            )
        )
    return suggested, more


def count_likely_duplicates(work: Work) -> int:
    """How many groups there are in all (`check` says so): every group read once."""
    return len({frozenset(ids) for _, ids in _groups(work)})


def _groups(work: Work) -> Iterator[tuple[str, list[int]]]:
    yield from _same_phone(work)
    yield from _same_name_and_company(work)


def _same_phone(work: Work) -> Iterator[tuple[str, list[int]]]:
    after = ""
    while True:
        keys = [
            row.phone_key
            for row in work.rows(
                "SELECT phone_key FROM contacts WHERE phone_key > :after "
                "GROUP BY phone_key HAVING count(*) > 1 ORDER BY phone_key LIMIT :page",
                {"after": after, "page": 100},
            )
        ]
        if not keys:
            return
        members: dict[str, list[int]] = defaultdict(list)
        rows = rows_in(work, "SELECT id, phone_key FROM contacts WHERE phone_key IN {values}", keys)
        for row in sorted(rows, key=lambda r: r.id):
            members[row.phone_key].append(row.id)
        for key in keys:
            yield SAME_PHONE, members[key]
        after = keys[-1]


def _same_name_and_company(work: Work) -> Iterator[tuple[str, list[int]]]:
    """Each company's contacts, by folded name; the index is read in pages of whole
    companies (a page ends where a company ends)."""
    after = 0
    while True:
        rows = work.rows(
            "SELECT company_id, name, id FROM contacts "
            "WHERE company_id > :after ORDER BY company_id LIMIT :page",
            {"after": after, "page": PAGE},
        )
        if not rows:
            return
        last = rows[-1].company_id
        whole = [r for r in rows if r.company_id != last] if len(rows) == PAGE else rows
        if not whole:  # one company fills the page: read it alone
            whole = work.rows(
                "SELECT company_id, name, id FROM contacts WHERE company_id = :company",
                {"company": last},
            )
        yield from _by_folded_name(whole)
        after = whole[-1].company_id


def _by_folded_name(rows: list[Any]) -> Iterator[tuple[str, list[int]]]:
    previous: Any = None
    names: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        if previous is not None and row.company_id != previous:
            yield from _repeated(names)
            names = defaultdict(list)
        previous = row.company_id
        names[fold(" ".join(row.name.split()))].append(row.id)
    yield from _repeated(names)


def _repeated(names: dict[str, list[int]]) -> Iterator[tuple[str, list[int]]]:
    for ids in names.values():
        if len(ids) > 1:
            yield SAME_NAME, sorted(ids)
