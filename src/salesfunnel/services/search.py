"""`search`: contacts, companies and deals by name, email, phone or company.

Every searched row carries a folded ``search_key`` (domain.text).  On SQLite an
FTS5 index over it (db/search_index.py) finds the matches without reading the
table: each word of the search is a prefix of a word of the key.  Rows not indexed
yet (above the table's watermark) are still found, by a LIKE scan of that small
tail.  On PostgreSQL a trigram index over ``search_key`` (migration 0009) answers a
regular expression of the same words (db/dialect.py).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from salesfunnel.db.dialect import word_match, word_pattern
from salesfunnel.db.rows import rows_in
from salesfunnel.db.search_index import SEARCHED
from salesfunnel.db.work import Work
from salesfunnel.domain.text import PHONE_SUFFIX_MARK, SearchTerms, fold, search_terms
from salesfunnel.schemas import CompanyHitPublic, ContactHitPublic, SearchResultPublic
from salesfunnel.services import views


# --- searching ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Matches:
    ids: list[int]  # newest first, at most the limit
    total: int


_PHRASE_REFUSED = "phrase queries are not supported"  # FTS5's words, detail = none


def _fts_query(terms: SearchTerms) -> str:
    if terms.phone_digits:
        digits = terms.phone_digits
        return f'("{digits}"* OR "{PHONE_SUFFIX_MARK}{digits[::-1]}"*)'
    return " AND ".join(f'"{word}"*' for word in terms.words)


def _like_where(work: Work, terms: SearchTerms) -> str:
    """Rows whose key holds every word (db/dialect.py: a LIKE on SQLite's rows not
    indexed yet, an indexed regular expression on PostgreSQL)."""
    return " AND ".join(
        word_match(work.dialect, "search_key", f"w{i}") for i in range(len(terms.words))
    )


def _like_params(work: Work, terms: SearchTerms) -> dict[str, Any]:
    if terms.phone_digits and work.dialect != "sqlite":  # its start, or its end
        reversed_digits = PHONE_SUFFIX_MARK + terms.phone_digits[::-1]
        return {"w0": word_pattern(work.dialect, terms.phone_digits, reversed_digits)}
    return {f"w{i}": word_pattern(work.dialect, word) for i, word in enumerate(terms.words)}


def _watermark(work: Work, table: str) -> int | None:
    """How far the table's FTS index reaches, or None where there is none (not SQLite)."""
    if work.dialect != "sqlite":
        return None
    found = work.value(
        "SELECT indexed_through FROM search_index_state WHERE name = :t", {"t": table}
    )
    return None if found is None else int(found)


def _ids(work: Work, sql: str, params: dict[str, Any]) -> list[int]:
    return [row[0] for row in work.rows(sql, params)]


def _matches(work: Work, table: str, terms: SearchTerms, limit: int | None) -> Matches:
    where = _like_where(work, terms)
    params = _like_params(work, terms)
    cap = "" if limit is None else " LIMIT :limit"
    params["limit"] = limit
    watermark = _watermark(work, table)
    if watermark is None:
        ids = _ids(work, f"SELECT id FROM {table} WHERE {where} ORDER BY id DESC{cap}", params)
        total = work.value(f"SELECT count(*) FROM {table} WHERE {where}", params)
        return Matches(ids, int(total or 0))
    # The tail not indexed yet holds the newest rows: they come first.
    params["mark"] = watermark
    tail_ids = _ids(
        work, f"SELECT id FROM {table} WHERE id > :mark AND {where} ORDER BY id DESC{cap}", params
    )
    tail_total = len(tail_ids)
    if limit is not None and tail_total >= limit:
        tail_total = int(
            work.value(f"SELECT count(*) FROM {table} WHERE id > :mark AND {where}", params) or 0
        )
    fts = {"q": _fts_query(terms), "limit": None if limit is None else limit - len(tail_ids)}
    try:
        indexed_ids = _ids(
            work,
            f"SELECT rowid FROM {table}_fts WHERE {table}_fts MATCH :q ORDER BY rowid DESC" + cap,
            fts,
        )
        indexed_total = work.value(
            f"SELECT count(*) FROM {table}_fts WHERE {table}_fts MATCH :q", fts
        )
    except sqlite3.OperationalError as error:
        if _PHRASE_REFUSED not in str(error):
            raise
        # A word SQLite's tokenizer splits in two (a few letters it knows by an older
        # Unicode, e.g. New Tai Lue vowel signs) is a phrase, which an index without
        # token positions can't answer: those rare searches read the keys instead.
        params["limit"] = fts["limit"]
        indexed_ids = _ids(
            work,
            f"SELECT id FROM {table} WHERE id <= :mark AND {where} ORDER BY id DESC{cap}",
            params,
        )
        indexed_total = work.value(
            f"SELECT count(*) FROM {table} WHERE id <= :mark AND {where}", params
        )
    return Matches(tail_ids + indexed_ids, tail_total + int(indexed_total or 0))


def _email_matches(work: Work, prefix: str, limit: int | None) -> Matches:
    """Contacts whose address starts with what was typed: a range of the email index."""
    where = "email_key >= :low AND email_key < :high"
    bounds = {"low": prefix, "high": prefix + "\U0010ffff", "limit": limit}
    cap = "" if limit is None else " LIMIT :limit"
    ids = _ids(work, f"SELECT id FROM contacts WHERE {where} ORDER BY id DESC{cap}", bounds)
    total = work.value(f"SELECT count(*) FROM contacts WHERE {where}", bounds)
    return Matches(ids, int(total or 0))


def _any_email_matches(work: Work, terms: SearchTerms, limit: int | None) -> Matches:
    """Contacts whose address, or one of their other addresses (an import's ``E-mail 2``,
    kept in the search key), starts with what was typed."""
    own = _email_matches(work, terms.email_prefix or "", limit)
    others = [i for i in _other_address_ids(work, terms, limit) if i not in set(own.ids)]
    if not others:
        return own
    ids = sorted({*own.ids, *others}, reverse=True)
    return Matches(ids if limit is None else ids[:limit], own.total + len(others))


def _other_address_ids(work: Work, terms: SearchTerms, limit: int | None) -> list[int]:
    """Contacts whose search key holds an address starting with the one typed: the index
    finds those with each of its words, the key confirms the address."""
    prefix = fold(terms.email_prefix or "")
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    like = "(search_key LIKE :inside ESCAPE '\\' OR search_key LIKE :first ESCAPE '\\')"
    params: dict[str, Any] = {"inside": f"% {escaped}%", "first": f"{escaped}%", "limit": limit}
    cap = "" if limit is None else " LIMIT :limit"
    watermark = _watermark(work, "contacts")
    if watermark is None:  # no full-text index (PostgreSQL): the keys are read
        return _ids(work, f"SELECT id FROM contacts WHERE {like} ORDER BY id DESC{cap}", params)
    params |= {"mark": watermark, "q": _fts_query(terms)}
    tail = _ids(
        work, f"SELECT id FROM contacts WHERE id > :mark AND {like} ORDER BY id DESC{cap}", params
    )
    try:
        indexed = _ids(
            work,
            "SELECT id FROM contacts WHERE id IN "
            "(SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH :q) "
            f"AND {like} ORDER BY id DESC{cap}",
            params,
        )
    except sqlite3.OperationalError as error:
        if _PHRASE_REFUSED not in str(error):
            raise
        indexed = _ids(
            work, f"SELECT id FROM contacts WHERE id <= :mark AND {like} ORDER BY id DESC{cap}",
            params,
        )  # fmt: skip
    return tail + indexed


def _in_order(rows: list[Any], ids: list[int]) -> list[Any]:
    by_id = {row.id: row for row in rows}
    return [by_id[i] for i in ids if i in by_id]


def _rows(work: Work, table: str, ids: list[int]) -> list[Any]:
    return _in_order(rows_in(work, f"SELECT * FROM {table} WHERE id IN {{values}}", ids), ids)


def search(work: Work, text: str, *, limit: int | None = 50) -> SearchResultPublic:
    """Contacts, companies and deals whose words start with each word searched for.

    Case and accents don't matter; a phone number matches by its start or its end, an
    email address (anything with an @ after its first letter) by its start.
    """
    terms = search_terms(text)
    if terms.email_prefix is not None:  # an address names a person: no company or deal has one
        nothing = Matches([], 0)
        found = {
            "contacts": _any_email_matches(work, terms, limit),
            "companies": nothing,
            "deals": nothing,
        }
    else:
        found = {table: _matches(work, table, terms, limit) for table in SEARCHED}
    return SearchResultPublic(
        query=text,
        contacts=contact_hits(work, found["contacts"].ids),
        contacts_total=found["contacts"].total,
        companies=_companies(work, found["companies"].ids),
        companies_total=found["companies"].total,
        deals=views.deals(work, _rows(work, "deals", found["deals"].ids)),
        deals_total=found["deals"].total,
    )


def contact_hits(work: Work, ids: list[int]) -> list[ContactHitPublic]:
    """Contacts as search shows them, in the order of ``ids``."""
    rows = _rows(work, "contacts", ids)
    companies = views.company_names(work, (c.company_id for c in rows))
    return [
        ContactHitPublic(
            id=c.id,
            name=c.name,
            email=c.email,
            phone=c.phone,
            company=companies.get(c.company_id or 0),
            stage=c.stage,
            status=(c.prospect_status if c.stage == "prospect" else c.lead_status) or "",
            source=c.source,
            starred=c.starred,
        )
        for c in rows
    ]


def _companies(work: Work, ids: list[int]) -> list[CompanyHitPublic]:
    rows = _rows(work, "companies", ids)
    people = {
        row.company_id: row.contacts
        for row in rows_in(
            work,
            "SELECT company_id, count(*) AS contacts FROM contacts "
            "WHERE company_id IN {values} GROUP BY company_id",
            ids,
        )
    }
    deals = {
        row.company_id: row.deals
        for row in rows_in(
            work,
            "SELECT company_id, count(*) AS deals FROM deals "
            "WHERE company_id IN {values} AND status = :open GROUP BY company_id",
            ids,
            {"open": "open"},
        )
    }
    return [
        CompanyHitPublic(
            id=c.id,
            name=c.name,
            contacts=int(people.get(c.id, 0)),
            open_deals=int(deals.get(c.id, 0)),
        )
        for c in rows
    ]
