"""`search`: contacts, companies and deals by name, email, phone or company.

Every searched row carries a folded ``search_key`` (domain.text).  On SQLite an
FTS5 index over it (created by migration 0002, made leaner by 0004: no token
positions) finds the matches without reading the table: each word of the search is
a prefix of a word of the key.
New rows reach the index in bulk through :func:`catch_up_search_index`; rows
not indexed yet (above the table's watermark) are still found, by a LIKE scan of
that small tail.  Other databases (PostgreSQL) LIKE-scan ``search_key`` itself.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import func
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, col, select

from salesfunnel.db.tables import Company, Contact, Deal
from salesfunnel.db.uow import UnitOfWork
from salesfunnel.domain.text import PHONE_SUFFIX_MARK, SearchTerms, search_terms
from salesfunnel.schemas import CompanyHitPublic, ContactHitPublic, SearchResultPublic
from salesfunnel.services import views

if TYPE_CHECKING:
    from sqlalchemy import Engine

SEARCHED = ("contacts", "companies", "deals")


# --- keeping the index up to date ---------------------------------------------------------
def catch_up_search_index(session: Session) -> None:
    """Index the rows written since the last catch-up: call it after writing contacts,
    companies or deals (cheap when there is nothing new)."""
    session.flush()
    if session.get_bind().dialect.name != "sqlite":
        return
    cursor = session.connection().connection.cursor()
    try:
        index_new_rows_unless_far_behind(cursor)
    finally:
        cursor.close()


def index_new_rows_unless_far_behind(cursor: Any) -> int:
    """Index the rows written since the last catch-up, unless a big import left so many
    that the next search should (``index_if_far_behind``): a `lead add` after an import
    of a million rows stays instant.  Returns how many rows it indexed."""
    if rows_not_indexed(cursor) >= FAR_BEHIND:
        return 0
    return index_new_rows(cursor)


def index_new_rows(cursor: Any) -> int:
    """The same on a DBAPI (sqlite3) cursor, for bulk writers; returns how many rows it indexed.

    One ``INSERT ... SELECT`` per table: FTS5 builds its index for all the new rows
    at once, many times faster than row by row.
    """
    indexed = 0
    for table in SEARCHED:
        row = cursor.execute(
            "SELECT indexed_through FROM search_index_state WHERE name = ?", (table,)
        ).fetchone()
        if row is None:
            continue  # a database without the search index
        (highest,) = cursor.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()
        if highest <= row[0]:
            continue
        cursor.execute(
            f"INSERT INTO {table}_fts (rowid, search_key) "
            f"SELECT id, search_key FROM {table} WHERE id > ? AND id <= ?",
            (row[0], highest),
        )
        indexed += cursor.rowcount if cursor.rowcount and cursor.rowcount > 0 else 0
        cursor.execute(
            "UPDATE search_index_state SET indexed_through = ? WHERE name = ?", (highest, table)
        )
    return indexed


FAR_BEHIND = 20_000  # rows not indexed yet that a search indexes before reading


def rows_not_indexed(cursor: Any) -> int:
    """How many rows lie above the search index's watermarks (0 without the index)."""
    behind = 0
    for table in SEARCHED:
        row = cursor.execute(
            f"SELECT (SELECT coalesce(max(id), 0) FROM {table}) - indexed_through "
            "FROM search_index_state WHERE name = ?",
            (table,),
        ).fetchone()
        behind += max(row[0], 0) if row else 0
    return behind


def index_if_far_behind(engine: Engine) -> int:
    """Before a search: index the rows a big import left unindexed; returns how many.

    A big `prospect import` doesn't build the search index for its rows (a third of
    a million-row import's time went there); until they are indexed, each search
    reads their keys one by one.  The first search after it indexes them, in a
    short write of its own.  It doesn't wait for another writer: while an import
    or another command writes, the search goes on reading the keys.
    """
    if engine.dialect.name != "sqlite":
        return 0
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        if rows_not_indexed(cursor) < FAR_BEHIND:
            return 0
        (waits,) = cursor.execute("PRAGMA busy_timeout").fetchone()
        cursor.execute("PRAGMA busy_timeout = 0")
        try:
            cursor.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError:
            return 0  # someone is writing: search reads the keys this time
        finally:
            cursor.execute(f"PRAGMA busy_timeout = {int(waits)}")
        try:
            indexed = index_new_rows(cursor)
            cursor.execute("COMMIT")
        except BaseException:
            cursor.execute("ROLLBACK")
            raise
        return indexed
    finally:
        connection.close()


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


def _like_patterns(terms: SearchTerms) -> list[str]:
    return [
        "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        for word in terms.words
    ]


def _like_where(terms: SearchTerms) -> str:
    return " AND ".join(f"search_key LIKE :w{i} ESCAPE '\\'" for i in range(len(terms.words)))


def _like_params(terms: SearchTerms) -> dict[str, Any]:
    return {f"w{i}": pattern for i, pattern in enumerate(_like_patterns(terms))}


def _watermark(session: Session, table: str) -> int | None:
    """How far the table's FTS index reaches, or None where there is none (not SQLite)."""
    if session.get_bind().dialect.name != "sqlite":
        return None
    from sqlalchemy import text

    return session.execute(
        text("SELECT indexed_through FROM search_index_state WHERE name = :t"), {"t": table}
    ).scalar()


def _matches(session: Session, table: str, terms: SearchTerms, limit: int | None) -> Matches:
    from sqlalchemy import text

    where = _like_where(terms)
    params = _like_params(terms)
    cap = "" if limit is None else " LIMIT :limit"
    params["limit"] = limit
    watermark = _watermark(session, table)
    if watermark is None:
        ids = session.execute(
            text(f"SELECT id FROM {table} WHERE {where} ORDER BY id DESC{cap}"), params
        ).scalars()
        total = session.execute(text(f"SELECT count(*) FROM {table} WHERE {where}"), params)
        return Matches(list(ids), int(total.scalar() or 0))
    # The tail not indexed yet holds the newest rows: they come first.
    params["mark"] = watermark
    tail_ids = list(
        session.execute(
            text(f"SELECT id FROM {table} WHERE id > :mark AND {where} ORDER BY id DESC{cap}"),
            params,
        ).scalars()
    )
    tail_total = len(tail_ids)
    if limit is not None and tail_total >= limit:
        tail_total = int(
            session.execute(
                text(f"SELECT count(*) FROM {table} WHERE id > :mark AND {where}"), params
            ).scalar()
            or 0
        )
    fts = {"q": _fts_query(terms), "limit": None if limit is None else limit - len(tail_ids)}
    try:
        indexed_ids = list(
            session.execute(
                text(
                    f"SELECT rowid FROM {table}_fts WHERE {table}_fts MATCH :q ORDER BY rowid DESC"
                    + cap
                ),
                fts,
            ).scalars()
        )
        indexed_total = session.execute(
            text(f"SELECT count(*) FROM {table}_fts WHERE {table}_fts MATCH :q"), fts
        ).scalar()
    except OperationalError as error:
        if _PHRASE_REFUSED not in str(error):
            raise
        # A word SQLite's tokenizer splits in two (a few letters it knows by an older
        # Unicode, e.g. New Tai Lue vowel signs) is a phrase, which an index without
        # token positions can't answer: those rare searches read the keys instead.
        params["limit"] = fts["limit"]
        indexed_ids = list(
            session.execute(
                text(f"SELECT id FROM {table} WHERE id <= :mark AND {where} ORDER BY id DESC{cap}"),
                params,
            ).scalars()
        )
        indexed_total = session.execute(
            text(f"SELECT count(*) FROM {table} WHERE id <= :mark AND {where}"), params
        ).scalar()
    return Matches(tail_ids + indexed_ids, tail_total + int(indexed_total or 0))


def _email_matches(session: Session, prefix: str, limit: int | None) -> Matches:
    """Contacts whose address starts with what was typed: a range of the email index."""
    from sqlalchemy import text

    where = "email_key >= :low AND email_key < :high"
    bounds = {"low": prefix, "high": prefix + "\U0010ffff", "limit": limit}
    cap = "" if limit is None else " LIMIT :limit"
    ids = session.execute(
        text(f"SELECT id FROM contacts WHERE {where} ORDER BY id DESC{cap}"), bounds
    ).scalars()
    total = session.execute(text(f"SELECT count(*) FROM contacts WHERE {where}"), bounds)
    return Matches(list(ids), int(total.scalar() or 0))


def _in_order(rows: list[Any], ids: list[int]) -> list[Any]:
    by_id = {row.id: row for row in rows}
    return [by_id[i] for i in ids if i in by_id]


def search(uow: UnitOfWork, text: str, *, limit: int | None = 50) -> SearchResultPublic:
    """Contacts, companies and deals whose words start with each word searched for.

    Case and accents don't matter; a phone number matches by its start or its end, an
    email address (anything with an @ after its first letter) by its start.
    """
    terms = search_terms(text)
    session = uow.session
    if terms.email_prefix is not None:  # an address names a person: no company or deal has one
        nothing = Matches([], 0)
        found = {
            "contacts": _email_matches(session, terms.email_prefix, limit),
            "companies": nothing,
            "deals": nothing,
        }
    else:
        found = {table: _matches(session, table, terms, limit) for table in SEARCHED}
    return SearchResultPublic(
        query=text,
        contacts=_contacts(session, found["contacts"].ids),
        contacts_total=found["contacts"].total,
        companies=_companies(session, found["companies"].ids),
        companies_total=found["companies"].total,
        deals=views.deals(
            session,
            _in_order(
                list(session.exec(select(Deal).where(col(Deal.id).in_(found["deals"].ids)))),
                found["deals"].ids,
            ),
        ),
        deals_total=found["deals"].total,
    )


def _contacts(session: Session, ids: list[int]) -> list[ContactHitPublic]:
    if not ids:
        return []
    rows = _in_order(list(session.exec(select(Contact).where(col(Contact.id).in_(ids)))), ids)
    companies = views.company_names(session, (c.company_id for c in rows))
    return [
        ContactHitPublic(
            id=c.id or 0,
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


def _companies(session: Session, ids: list[int]) -> list[CompanyHitPublic]:
    if not ids:
        return []
    rows = _in_order(list(session.exec(select(Company).where(col(Company.id).in_(ids)))), ids)
    people = dict(
        session.exec(
            select(Contact.company_id, func.count())
            .where(col(Contact.company_id).in_(ids))
            .group_by(col(Contact.company_id))
        ).all()
    )
    deals = dict(
        session.exec(
            select(Deal.company_id, func.count())
            .where(col(Deal.company_id).in_(ids), Deal.status == "open")
            .group_by(col(Deal.company_id))
        ).all()
    )
    return [
        CompanyHitPublic(
            id=c.id or 0,
            name=c.name,
            contacts=int(people.get(c.id, 0)),
            open_deals=int(deals.get(c.id, 0)),
        )
        for c in rows
    ]
