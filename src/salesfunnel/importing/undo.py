"""`prospect undo-import LIST`: take back what imports into a list added, as one unit.

Contacts that have moved on since (converted or cancelled, or worked on:
activities, deals, purchases, later lifecycle changes, referrals) stay, and
the result says how many and why: a cancelled prospect must stay so that a
re-import does not bring it back, and nothing a salesperson did is lost.

Contacts that were there before and that an import updated (``--on-duplicate
update``) get their values back: each column the import wrote and nobody changed
since, and the tags it added.
"""

from __future__ import annotations

from typing import Any

from salesfunnel import clock
from salesfunnel.db.work import Work
from salesfunnel.errors import NotFound
from salesfunnel.importing.dedupe import WRITTEN
from salesfunnel.schemas import UndoImportPublic

TEMP = "temp.undo_import"
# Why an imported contact stays, tested in this order (the first that holds is reported).
_KEPT = (
    ("cancelled", "c.prospect_status = 'cancelled'"),
    ("converted", "c.stage <> b.stage OR c.prospect_status = 'converted'"),
    ("worked on", "c.stage = 'lead' AND c.lead_status IS NOT 'new'"),
    ("worked on", "EXISTS (SELECT 1 FROM deals AS x WHERE x.contact_id = c.id)"),
    ("worked on", "EXISTS (SELECT 1 FROM activities AS x WHERE x.contact_id = c.id)"),
    ("worked on", "EXISTS (SELECT 1 FROM purchases AS x WHERE x.contact_id = c.id)"),
    (
        "worked on",
        "EXISTS (SELECT 1 FROM lifecycle_events AS x "
        "WHERE x.contact_id = c.id AND x.action <> 'created')",
    ),
    ("referred someone", "EXISTS (SELECT 1 FROM contacts AS x WHERE x.referred_by_id = c.id)"),
)


def _cursor(work: Work) -> Any:
    connection = work.sqlite
    if connection is None:
        raise NotFound("undo-import works on SQLite databases only, for now")
    return connection.cursor()


def _reason_sql() -> str:
    cases = " ".join(f"WHEN {condition} THEN '{reason}'" for reason, condition in _KEPT)
    return f"CASE {cases} END"


def _batches(work: Work, list_name: str) -> tuple[Any, list[Any]]:
    found = work.row("SELECT * FROM prospect_lists WHERE name = :name", {"name": list_name})
    if found is None:
        raise NotFound(f"no prospecting list named {list_name!r} (see: prospect lists)")
    batches = work.rows(
        "SELECT * FROM import_batches WHERE list_id = :list_id AND undone_at IS NULL ORDER BY id",
        {"list_id": found.id},
    )
    if not batches:
        raise NotFound(f"nothing was imported into list {list_name!r}, or it was undone already")
    return found, batches


def _classify(work: Work, batch_ids: list[int]) -> dict[str, int]:
    """Fill the temp table: every contact of these imports, with why it stays (or NULL)."""
    cursor = _cursor(work)
    cursor.execute(f"DROP TABLE IF EXISTS {TEMP}")
    cursor.execute(f"CREATE TABLE {TEMP} (id INTEGER PRIMARY KEY, kept TEXT)")
    marks = ", ".join("?" for _ in batch_ids)
    cursor.execute(
        f"INSERT INTO {TEMP} (id, kept) SELECT c.id, {_reason_sql()} "
        "FROM contacts AS c JOIN import_batches AS b ON b.id = c.import_id "
        f"WHERE c.list_id = b.list_id AND c.import_id IN ({marks})",
        batch_ids,
    )
    counts = dict(
        cursor.execute(f"SELECT coalesce(kept, ''), count(*) FROM {TEMP} GROUP BY 1").fetchall()
    )
    return counts


def preview_undo(work: Work, list_name: str) -> UndoImportPublic:
    """What undo-import would remove and keep (read only)."""
    found, batches = _batches(work, list_name)
    batch_ids = [b.id for b in batches]
    counts = _classify(work, batch_ids)
    cursor = _cursor(work)
    marks = ", ".join("?" for _ in batch_ids)
    (updated,) = cursor.execute(
        f"SELECT count(DISTINCT contact_id) FROM import_updates WHERE import_id IN ({marks})",
        batch_ids,
    ).fetchone()
    return _result(found.name, batches, counts, list_removed=False, restored=updated)


def undo_import(work: Work, list_name: str) -> UndoImportPublic:
    """Remove the contacts the list's imports added and that have not moved on."""
    found, batches = _batches(work, list_name)
    counts = _classify(work, [b.id for b in batches])
    cursor = _cursor(work)
    restored = _restore_updated(cursor, [b.id for b in batches])
    gone = f"SELECT id FROM {TEMP} WHERE kept IS NULL"
    cursor.execute(f"DELETE FROM lifecycle_events WHERE contact_id IN ({gone})")
    cursor.execute(f"DELETE FROM contact_tags WHERE contact_id IN ({gone})")
    cursor.execute(f"DELETE FROM contacts WHERE id IN ({gone})")
    batch_marks = ", ".join("?" for _ in batches)
    cursor.execute(  # companies these imports made that nobody names any more
        "DELETE FROM companies WHERE created_at IN "
        f"(SELECT started_at FROM import_batches WHERE id IN ({batch_marks})) "
        "AND NOT EXISTS (SELECT 1 FROM contacts WHERE contacts.company_id = companies.id) "
        "AND NOT EXISTS (SELECT 1 FROM deals WHERE deals.company_id = companies.id)",
        [b.id for b in batches],
    )
    remaining = cursor.execute(
        "SELECT count(*) FROM contacts WHERE list_id = ?", (found.id,)
    ).fetchone()[0]
    cursor.execute(f"DROP TABLE IF EXISTS {TEMP}")
    list_removed = remaining == 0
    undone = {"list_id": found.id, "now": clock.utcnow()}
    if list_removed:
        work.execute("DELETE FROM import_batches WHERE list_id = :list_id", undone)
        work.execute("DELETE FROM prospect_lists WHERE id = :list_id", undone)
    else:
        work.execute(
            "UPDATE import_batches SET undone_at = :now "
            "WHERE list_id = :list_id AND undone_at IS NULL",
            undone,
        )
    return _result(found.name, batches, counts, list_removed=list_removed, restored=restored)


def _restore_updated(cursor: Any, batch_ids: list[int]) -> int:
    """Put back what these imports wrote onto contacts that were already there, newest
    import first; a column changed since the import keeps its new value."""
    restored: set[int] = set()
    for batch_id in sorted(batch_ids, reverse=True):
        restored.update(
            contact_id
            for (contact_id,) in cursor.execute(
                "SELECT contact_id FROM import_updates WHERE import_id = ?", (batch_id,)
            )
        )
        cursor.execute(
            f"UPDATE contacts SET {_put_back()} FROM import_updates AS u "
            "WHERE u.contact_id = contacts.id AND u.import_id = ?",
            (batch_id,),
        )
        cursor.execute(
            "DELETE FROM contact_tags WHERE EXISTS (SELECT 1 FROM import_updates AS u, "
            "json_each(u.added_tags) AS added WHERE u.import_id = ? "
            "AND u.contact_id = contact_tags.contact_id AND added.value = contact_tags.tag)",
            (batch_id,),
        )
        cursor.execute("DELETE FROM import_updates WHERE import_id = ?", (batch_id,))
    return len(restored)


def _put_back() -> str:
    return ", ".join(
        f"{col} = CASE WHEN contacts.{col} IS json_extract(u.after, '$.{col}') "
        f"THEN json_extract(u.before, '$.{col}') ELSE contacts.{col} END"
        for col in WRITTEN
    )


def _result(
    name: str,
    batches: list[Any],
    counts: dict[str, int],
    *,
    list_removed: bool,
    restored: int = 0,
) -> UndoImportPublic:
    kept = {reason: n for reason, n in sorted(counts.items()) if reason}
    return UndoImportPublic(
        list=name,
        imports=[b.id for b in batches],
        removed=counts.get("", 0),
        kept=sum(kept.values()),
        kept_reasons=kept,
        list_removed=list_removed,
        restored=restored,
    )
