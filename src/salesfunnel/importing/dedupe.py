"""Duplicates of an import, found and removed in SQL once every row is in.

A row of the import is a duplicate when an earlier contact (already in the
database, cancelled prospects included, or earlier in the same file) has the
same email key; then, among the rows left, the same phone key.  Finding them
is one indexed lookup per row inside SQLite, with no per-row round trip to
Python and no set of keys in memory, so a re-import of a million rows stays
within the same memory as a first import.

With ``--on-duplicate update`` the duplicate's non-empty values are first
written onto the contact it duplicates (the last duplicate in the file wins), and
what the contact was before and after is kept in ``import_updates`` for undo-import.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from salesfunnel.domain.text import search_key_for

TEMP = "temp.import_duplicates"
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


def contact_snapshot(alias: str) -> str:
    """SQL for a JSON object of a contact's WRITTEN columns (``alias``: the contacts row)."""
    return "json_object(" + ", ".join(f"'{col}', {alias}.{col}" for col in WRITTEN) + ")"


@dataclass(frozen=True)
class Duplicates:
    in_file: int = 0  # later rows of the same person in the file
    in_database: int = 0  # people the database already had
    updated: int = 0  # existing contacts given the file's values
    flagged: int = 0  # duplicates that had a malformed email

    @property
    def total(self) -> int:
        return self.in_file + self.in_database


def remove_duplicates(
    cursor: Any, first_id: int, *, imported: int, update: bool, import_id: int
) -> Duplicates:
    """Find, (optionally) merge, and delete the import's duplicate rows (ids >= first_id).

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
        flagged = 0
        for key in ("email_key", "phone_key"):
            (_scan if scan else _probe)(cursor, key, first_id)
            if update:
                _remember_before(cursor, key, first_id, import_id)
                _merge(cursor, key)
            flagged += cursor.execute(
                f"SELECT count(*) FROM {TEMP} AS m JOIN contacts AS c ON c.id = m.id "
                "WHERE m.key = ? AND c.email_flagged",
                (key,),
            ).fetchone()[0]
            # Their tags go first: with foreign keys unchecked (the import's unit of
            # work), ON DELETE CASCADE doesn't act.
            cursor.execute(
                "DELETE FROM contact_tags WHERE contact_id IN "
                f"(SELECT id FROM {TEMP} WHERE key = ?)",
                (key,),
            )
            cursor.execute(
                f"DELETE FROM contacts WHERE id IN (SELECT id FROM {TEMP} WHERE key = ?)",
                (key,),
            )
        if update:
            _refresh_search_keys(cursor)
            _remember_after(cursor, import_id)
        return _counts(cursor, first_id, update, flagged)
    finally:
        cursor.execute(f"DROP TABLE IF EXISTS {TEMP}")


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
        ") WHERE original < id",
        (key, first_id),
    )


def _refresh_search_keys(cursor: Any) -> None:
    """Contacts given new values are found by them: their search key is made again."""
    rows = cursor.execute(
        "SELECT c.id, c.name, c.email, c.phone, co.name FROM contacts AS c "
        "LEFT JOIN companies AS co ON co.id = c.company_id "
        f"WHERE c.id IN (SELECT DISTINCT original FROM {TEMP})"
    ).fetchall()
    cursor.executemany(
        "UPDATE contacts SET search_key = ? WHERE id = ?",
        [
            (search_key_for(name, email, phone, company), contact_id)
            for contact_id, name, email, phone, company in rows
        ],
    )


def _remember_before(cursor: Any, key: str, first_id: int, import_id: int) -> None:
    """Each existing contact this key's duplicates will write onto, as it is now (once)."""
    cursor.execute(
        "INSERT OR IGNORE INTO import_updates (import_id, contact_id, before) "
        f"SELECT ?, c.id, json_set({contact_snapshot('c')}, '$.tags', json("
        "(SELECT json_group_array(t.tag) FROM contact_tags AS t WHERE t.contact_id = c.id))) "
        f"FROM contacts AS c WHERE c.id IN (SELECT original FROM {TEMP} WHERE key = ?) "
        "AND c.id < ?",
        (import_id, key, first_id),
    )


def _remember_after(cursor: Any, import_id: int) -> None:
    """What the import wrote: each updated contact's columns now, and the tags it added."""
    cursor.execute(
        f"UPDATE import_updates SET after = (SELECT {contact_snapshot('c')} FROM contacts AS c "
        "WHERE c.id = import_updates.contact_id), "
        "added_tags = (SELECT json_group_array(t.tag) FROM contact_tags AS t "
        "WHERE t.contact_id = import_updates.contact_id AND t.tag NOT IN "
        "(SELECT value FROM json_each(import_updates.before, '$.tags'))) "
        "WHERE import_id = ?",
        (import_id,),
    )


def _merge(cursor: Any, key: str) -> None:
    """Write the last duplicate's non-empty values onto the contact it duplicates."""
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
        "WHEN contacts.extra IS NULL OR contacts.extra = 'null' THEN u.extra "
        "ELSE json_patch(contacts.extra, u.extra) END "
        f"FROM {latest} AS m JOIN contacts AS u ON u.id = m.id "
        "WHERE contacts.id = m.original",
    )
    cursor.execute(
        "INSERT OR IGNORE INTO contact_tags (contact_id, tag) "
        f"SELECT m.original, t.tag FROM {TEMP} AS m JOIN contact_tags AS t ON t.contact_id = m.id "
        "WHERE m.key = ?",
        (key,),
    )


def _counts(cursor: Any, first_id: int, update: bool, flagged: int) -> Duplicates:
    in_file, in_database, originals = cursor.execute(
        "SELECT count(*) FILTER (WHERE original >= ?), count(*) FILTER (WHERE original < ?), "
        "count(DISTINCT original) FILTER (WHERE original < ?) "
        f"FROM {TEMP}",
        (first_id, first_id, first_id),
    ).fetchone()
    return Duplicates(in_file, in_database, originals if update else 0, flagged)
