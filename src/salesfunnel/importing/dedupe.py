"""Duplicates of an import, found and removed in SQL once every row is in.

The rules are :mod:`salesfunnel.domain.identity`'s.  A row of the import is a
duplicate when an earlier contact (already in the database, cancelled prospects
included, or earlier in the same file) has the same email key -- unless their names
clearly differ: then it is a *conflict*, not imported and not merged, and the import
lists it for the user to decide.  Among the rows left, a row with no email is a
duplicate of an earlier contact with the same phone key when their names agree.

Finding the email duplicates is one indexed lookup per row inside SQLite, with no
per-row round trip to Python and no set of keys in memory, so a re-import of a
million rows stays within the same memory as a first import; only the pairs whose
names are written differently, and the groups of contacts that share a phone, come
to Python to be judged.

With ``--on-duplicate update`` the duplicate's non-empty values are first
written onto the contact it duplicates (the last duplicate in the file wins), and
what the contact was before and after is kept in ``import_updates`` for undo-import.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from itertools import groupby
from operator import itemgetter
from typing import Any

from salesfunnel.db.dialect import (
    json_array_of,
    json_is_null,
    json_merged,
    json_object,
    json_texts,
    json_with,
    of_cursor,
)
from salesfunnel.domain.identity import names_clearly_differ, phone_may_merge, real_name
from salesfunnel.domain.text import search_key_for

TEMP = "temp.import_duplicates"
CONFLICT = "conflict"  # the key of a conflict's row in TEMP: removed, never merged
SCAN_RATIO = 10  # scan the whole key index when the import is a tenth of the table or more
# Columns a duplicate row may fill in on the contact it duplicates; the funnel
# state (stage, statuses, list, source, dates) is never touched.
_UPDATED = ("company_id", "title", "website", "city", "country", "notes", "value")
# Every column an update may write, as undo-import puts them back.
WRITTEN = (
    *_UPDATED,
    *("name", "email", "email_key", "email_flagged", "phone", "phone_key", "extra"),
    "search_key",
)


def contact_snapshot(dialect: str, alias: str) -> str:
    """SQL for a JSON object of a contact's WRITTEN columns (``alias``: the contacts row)."""
    return json_object(dialect, ", ".join(f"'{col}', {alias}.{col}" for col in WRITTEN))


@dataclass(frozen=True)
class Conflict:
    """A row with the email of an earlier contact and a clearly different name."""

    id: int  # the row's id while it was in (it is removed: never imported)
    name: str  # the name the row gave
    email: str
    known_id: int  # the earlier contact with that email
    known_name: str
    known_before: bool  # the database had it (else: an earlier row of the file)
    stored: dict[str, Any] = field(default_factory=dict, compare=False)  # its values


@dataclass(frozen=True)
class Duplicates:
    in_file: int = 0  # later rows of the same person in the file
    in_database: int = 0  # people the database already had
    by_phone: int = 0  # of those, rows with no email merged by a shared phone
    updated: int = 0  # existing contacts given the file's values
    flagged: int = 0  # duplicates (and conflicts) that had a malformed email
    conflicts: tuple[Conflict, ...] = ()

    @property
    def total(self) -> int:
        return self.in_file + self.in_database


def remove_duplicates(
    cursor: Any, first_id: int, *, imported: int, update: bool, import_id: int
) -> Duplicates:
    """Find, (optionally) merge, and delete the import's duplicate rows (ids >= first_id);
    set its conflicts apart (removed, never merged).

    ``imported`` (rows written) decides how: a big import reads the key's index once
    in order, where duplicates sit side by side; a small one into a big table looks
    each of its rows up instead.
    """
    scan = imported * SCAN_RATIO >= first_id
    cursor.execute(f"DROP TABLE IF EXISTS {TEMP}")
    cursor.execute(
        f"CREATE TABLE {TEMP} (id INTEGER PRIMARY KEY, original INTEGER NOT NULL, key TEXT)"
    )
    try:
        (_scan if scan else _probe)(cursor, "email_key", first_id)
        conflicts = _set_conflicts_apart(cursor, first_id)
        flagged = _remove(cursor, "email_key", first_id, update, import_id)
        flagged += _remove(cursor, CONFLICT, first_id, False, import_id)
        _phone_duplicates(cursor, first_id, scan)
        flagged += _remove(cursor, "phone_key", first_id, update, import_id)
        if update:
            _refresh_search_keys(cursor)
            _remember_after(cursor, import_id)
        return _counts(cursor, first_id, update, flagged, conflicts)
    finally:
        cursor.execute(f"DROP TABLE IF EXISTS {TEMP}")


def _remove(cursor: Any, key: str, first_id: int, update: bool, import_id: int) -> int:
    """Merge (when updating) and delete the rows found by ``key``; how many were flagged."""
    if update:
        _remember_before(cursor, key, first_id, import_id)
        _merge(cursor, key)
    flagged = cursor.execute(
        f"SELECT count(*) FROM {TEMP} AS m JOIN contacts AS c ON c.id = m.id "
        "WHERE m.key = ? AND c.email_flagged",
        (key,),
    ).fetchone()[0]
    # Their tags go first: with foreign keys unchecked (the import's unit of
    # work), ON DELETE CASCADE doesn't act.
    cursor.execute(
        f"DELETE FROM contact_tags WHERE contact_id IN (SELECT id FROM {TEMP} WHERE key = ?)",
        (key,),
    )
    cursor.execute(
        f"DELETE FROM contacts WHERE id IN (SELECT id FROM {TEMP} WHERE key = ?)", (key,)
    )
    return int(flagged)


def _set_conflicts_apart(cursor: Any, first_id: int) -> tuple[Conflict, ...]:
    """Email duplicates whose name clearly differs from the contact's: conflicts.

    Only pairs whose names are written differently come to Python to be judged
    (a re-import, or the same person in other capitals, stays in SQL).
    """
    pairs = cursor.execute(
        "SELECT m.id, c.name, c.email, c.phone, o.id, o.name, o.email, o.phone "
        f"FROM {TEMP} AS m JOIN contacts AS c ON c.id = m.id "
        "JOIN contacts AS o ON o.id = m.original "
        "WHERE m.key = 'email_key' AND c.name IS NOT o.name ORDER BY m.id"
    ).fetchall()
    found = []
    for row_id, name, email, phone, known_id, known_name, known_email, known_phone in pairs:
        mine = real_name(name, email, phone)
        theirs = real_name(known_name, known_email, known_phone)
        if names_clearly_differ(mine, theirs):
            stored = _stored(cursor, row_id) | {"name": mine}
            found.append(
                Conflict(row_id, name, email, known_id, known_name, known_id < first_id, stored)
            )
    cursor.executemany(
        f"UPDATE {TEMP} SET key = '{CONFLICT}' WHERE id = ?", [(c.id,) for c in found]
    )
    return tuple(found)


_STORED = ("email", "phone", "title", "website", "city", "country", "source", "notes", "value")


def _stored(cursor: Any, contact_id: int) -> dict[str, Any]:
    """A row's values as the import stored them (to write it out again)."""
    columns = ", ".join(f"c.{name}" for name in _STORED)
    tags = json_array_of(of_cursor(cursor), "t.tag")
    row = cursor.execute(
        f"SELECT {columns}, co.name, c.extra, (SELECT {tags} "
        "FROM contact_tags AS t WHERE t.contact_id = c.id) "
        "FROM contacts AS c LEFT JOIN companies AS co ON co.id = c.company_id WHERE c.id = ?",
        (contact_id,),
    ).fetchone()
    stored = dict(zip(_STORED, row, strict=False))
    stored["company"] = row[-3]
    stored["extra"] = _document(row[-2]) or {}
    stored["tags"] = _document(row[-1]) or []
    return stored


def _document(value: Any) -> Any:
    """A JSON value as read: text from SQLite, already decoded from PostgreSQL."""
    return json.loads(value) if isinstance(value, str | bytes) else value


def _phone_duplicates(cursor: Any, first_id: int, scan: bool) -> None:
    """Judge each group of contacts that shares a phone with a row of the import.

    Members in id order; each row of the import goes into the earliest contact before
    it that :func:`phone_may_merge` allows -- one whose name shares a word with the
    row's first, then one with no name -- or stays a contact of its own.
    """
    if scan:
        keys = (
            "SELECT phone_key FROM contacts WHERE phone_key IS NOT NULL "
            "GROUP BY phone_key HAVING count(*) > 1 AND max(id) >= :first"
        )
    else:
        keys = (
            "SELECT d.phone_key FROM contacts AS d WHERE d.id >= :first "
            "AND d.phone_key IS NOT NULL AND EXISTS (SELECT 1 FROM contacts AS e "
            "WHERE e.phone_key = d.phone_key AND e.id < d.id)"
        )
    rows = cursor.execute(
        "SELECT phone_key, id, name, email_key, email, phone FROM contacts "
        f"WHERE phone_key IN ({keys}) ORDER BY phone_key, id",
        {"first": first_id},
    )
    merged: list[tuple[int, int]] = []
    for _key, members in groupby(rows, key=itemgetter(0)):
        merged += _judge_group(list(members), first_id)
    cursor.executemany(f"INSERT INTO {TEMP} (id, original, key) VALUES (?, ?, 'phone_key')", merged)


def _judge_group(members: list[Any], first_id: int) -> list[tuple[int, int]]:
    """(row, contact it is merged into) for the import's rows of one phone group."""
    kept: list[tuple[int, str | None]] = []  # id, real name
    merged = []
    for _key, member_id, name, email_key, email, phone in members:
        mine = real_name(name, email, phone)
        target = _best(kept, email_key, mine) if member_id >= first_id else None
        if target is None:
            kept.append((member_id, mine))
        else:
            merged.append((member_id, target))
    return merged


def _best(
    kept: list[tuple[int, str | None]], email_key: str | None, name: str | None
) -> int | None:
    """The earliest contact the row may merge into, one that names it alike first."""
    allowed = [k for k in kept if phone_may_merge(email_key, name, k[1])]
    named = [k for k in allowed if name and k[1]]
    found = named or allowed
    return found[0][0] if found else None


def _scan(cursor: Any, key: str, first_id: int) -> None:
    """Groups of one key that an import row joined, in one ordered pass over the key's index."""
    cursor.execute(
        f"INSERT INTO {TEMP} (id, original, key) "
        f"SELECT c.id, g.original, ? FROM ("
        f"  SELECT {key} AS value, min(id) AS original FROM contacts"
        f"  WHERE {key} IS NOT NULL GROUP BY {key} HAVING count(*) > 1 AND max(id) >= ?"
        f") AS g JOIN contacts AS c ON c.{key} = g.value AND c.id > g.original AND c.id >= ?",
        (key, first_id, first_id),
    )


def _probe(cursor: Any, key: str, first_id: int) -> None:
    """Each import row whose key an earlier contact has, with that earliest contact."""
    cursor.execute(
        f"INSERT INTO {TEMP} (id, original, key) "
        "SELECT id, original, ? FROM ("
        f"  SELECT c.id AS id, (SELECT min(d.id) FROM contacts AS d WHERE d.{key} = c.{key})"
        "   AS original"
        f"  FROM contacts AS c WHERE c.id >= ? AND c.{key} IS NOT NULL"
        ") AS found WHERE original < id",
        (key, first_id),
    )


def _refresh_search_keys(cursor: Any) -> None:
    """Contacts given new values are found by them, and still by every email and phone
    they had (their own, and the other columns' of each row merged into them): their
    search key is made again from their values, followed by the words it held."""
    rows = cursor.execute(
        "SELECT c.id, c.name, c.email, c.phone, co.name, c.search_key FROM contacts AS c "
        "LEFT JOIN companies AS co ON co.id = c.company_id "
        f"WHERE c.id IN (SELECT DISTINCT original FROM {TEMP})"
    ).fetchall()
    cursor.executemany(
        "UPDATE contacts SET search_key = ? WHERE id = ?",
        [
            (_joined(search_key_for(name, email, phone, company), held), contact_id)
            for contact_id, name, email, phone, company, held in rows
        ],
    )


def _joined(key: str | None, held: str | None) -> str | None:
    """The words of ``key``, then those of ``held`` it doesn't have, each once."""
    words = dict.fromkeys((key or "").split() + (held or "").split())
    return " ".join(words) or None


def _remember_before(cursor: Any, key: str, first_id: int, import_id: int) -> None:
    """Each existing contact this key's duplicates will write onto, as it is now (once)."""
    dialect = of_cursor(cursor)
    tags = (
        f"(SELECT {json_array_of(dialect, 't.tag')} FROM contact_tags AS t "
        "WHERE t.contact_id = c.id)"
    )
    cursor.execute(
        "INSERT OR IGNORE INTO import_updates (import_id, contact_id, before) "
        f"SELECT ?, c.id, {json_with(dialect, contact_snapshot(dialect, 'c'), 'tags', tags)} "
        f"FROM contacts AS c WHERE c.id IN (SELECT original FROM {TEMP} WHERE key = ?) "
        "AND c.id < ?",
        (import_id, key, first_id),
    )


def _remember_after(cursor: Any, import_id: int) -> None:
    """What the import wrote: each updated contact's columns now, and the tags it added."""
    dialect = of_cursor(cursor)
    cursor.execute(
        f"UPDATE import_updates SET after = (SELECT {contact_snapshot(dialect, 'c')} "
        "FROM contacts AS c WHERE c.id = import_updates.contact_id), "
        f"added_tags = (SELECT {json_array_of(dialect, 't.tag')} FROM contact_tags AS t "
        "WHERE t.contact_id = import_updates.contact_id AND t.tag NOT IN "
        f"(SELECT b.value FROM {json_texts(dialect, 'import_updates.before', 'b', 'tags')})) "
        "WHERE import_id = ?",
        (import_id,),
    )


def _merge(cursor: Any, key: str) -> None:
    """Write the last duplicate's non-empty values onto the contact it duplicates."""
    dialect = of_cursor(cursor)
    latest = f"(SELECT original, max(id) AS id FROM {TEMP} WHERE key = '{key}' GROUP BY original)"
    assignments = ", ".join(f"{col} = coalesce(u.{col}, contacts.{col})" for col in _UPDATED)
    cursor.execute(
        f"UPDATE contacts SET {assignments}, "
        # a name made up from the email or phone (the row had none) never replaces one
        "name = CASE WHEN u.name IS u.email OR u.name IS u.phone THEN contacts.name "
        "ELSE u.name END, "
        # an email is who someone is: filled in when missing, never replaced
        "email = coalesce(contacts.email, u.email), "
        "email_key = coalesce(contacts.email_key, u.email_key), "
        "email_flagged = CASE WHEN contacts.email IS NULL AND u.email IS NOT NULL "
        "THEN u.email_flagged ELSE contacts.email_flagged END, "
        "phone = coalesce(u.phone, contacts.phone), "
        "phone_key = coalesce(u.phone_key, contacts.phone_key), "
        "extra = CASE WHEN u.extra IS NULL THEN contacts.extra "
        f"WHEN {json_is_null(dialect, 'contacts.extra')} THEN u.extra "
        f"ELSE {json_merged(dialect, 'contacts.extra', 'u.extra')} END, "
        # the row's other emails and phones (E-mail 2, Mobile) are searched on the contact
        # too: its key is joined here and made again by _refresh_search_keys
        "search_key = trim(coalesce(contacts.search_key, '') || ' ' || "
        "coalesce(u.search_key, '')) "
        f"FROM {latest} AS m JOIN contacts AS u ON u.id = m.id "
        "WHERE contacts.id = m.original",
    )
    cursor.execute(
        "INSERT OR IGNORE INTO contact_tags (contact_id, tag) "
        f"SELECT m.original, t.tag FROM {TEMP} AS m JOIN contact_tags AS t ON t.contact_id = m.id "
        "WHERE m.key = ?",
        (key,),
    )


def _counts(
    cursor: Any, first_id: int, update: bool, flagged: int, conflicts: tuple[Conflict, ...]
) -> Duplicates:
    in_file, in_database, by_phone, originals = cursor.execute(
        "SELECT count(*) FILTER (WHERE original >= :first), "
        "count(*) FILTER (WHERE original < :first), "
        "count(*) FILTER (WHERE key = 'phone_key'), "
        "count(DISTINCT original) FILTER (WHERE original < :first) "
        f"FROM {TEMP} WHERE key <> '{CONFLICT}'",
        {"first": first_id},
    ).fetchone()
    return Duplicates(
        in_file, in_database, by_phone, originals if update else 0, flagged, conflicts
    )
