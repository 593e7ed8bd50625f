"""`prospect undo-import LIST`: take back what imports into a list added, as one unit.

Contacts that have moved on since (converted or cancelled, or worked on:
activities, deals, purchases, later lifecycle changes, referrals) stay, and
the result says how many and why: a cancelled prospect must stay so that a
re-import does not bring it back, and nothing a salesperson did is lost.

Contacts that were there before and that an import updated (``--on-duplicate
update``) get their values back: each column the import wrote and nobody changed
since, and the tags it added.

`undo` takes back the last command; when that is an import, :func:`take_back_import`
removes the rows of that one import exactly as undo-import would, or refuses if any of
them moved on (the import's own rows in ``import_batches`` and ``prospect_lists`` are
the undo journal's).  An undo-import itself is not undone: what it removed is not kept.
"""

from __future__ import annotations

from typing import Any

from salesfunnel import clock
from salesfunnel.db.dialect import json_field, json_texts, of_cursor, same_value
from salesfunnel.db.work import Work
from salesfunnel.errors import CannotUndo, NotFound
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
    return work.bulk_cursor()


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
    work.not_undoable()  # what it removes is not kept: `undo` can't bring it back
    found, batches = _batches(work, list_name)
    counts = _classify(work, [b.id for b in batches])
    restored = _remove_classified(work, [b.id for b in batches])
    remaining = work.value(
        "SELECT count(*) FROM contacts WHERE list_id = :list_id", {"list_id": found.id}
    )
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


def preview_take_back(work: Work, import_id: int) -> UndoImportPublic:
    """What :func:`take_back_import` would remove and put back (read only)."""
    batch, list_name = _batch(work, import_id)
    counts = _classify(work, [import_id])
    restored = work.value(
        "SELECT count(DISTINCT contact_id) FROM import_updates WHERE import_id = :id",
        {"id": import_id},
    )
    _cursor(work).execute(f"DROP TABLE IF EXISTS {TEMP}")
    return _result(list_name, [batch], counts, list_removed=False, restored=int(restored))


def take_back_import(work: Work, import_id: int) -> UndoImportPublic:
    """For `undo`: remove what import #N added and put back what it updated, exactly.

    Refuses (:class:`CannotUndo`) if any of its contacts moved on, or a contact it updated
    was changed since: then it couldn't be put back as it was.
    """
    batch, list_name = _batch(work, import_id)
    counts = _classify(work, [import_id])
    kept = {reason: n for reason, n in counts.items() if reason}
    if kept:
        why = ", ".join(f"{n:,} {reason}" for reason, n in sorted(kept.items()))
        raise CannotUndo(f"can't undo import #{import_id}: some of its contacts moved on ({why})")
    changed = work.value(
        "SELECT count(*) FROM import_updates AS u JOIN contacts ON contacts.id = u.contact_id "
        f"WHERE u.import_id = :id AND NOT ({_as_left(work.dialect)})",
        {"id": import_id},
    )
    if changed:
        raise CannotUndo(
            f"can't undo import #{import_id}: {changed:,} contact(s) it updated changed since"
        )
    restored = _remove_classified(work, [import_id])
    return _result(list_name, [batch], counts, list_removed=False, restored=restored)


def _batch(work: Work, import_id: int) -> tuple[Any, str]:
    batch = work.row("SELECT * FROM import_batches WHERE id = :id", {"id": import_id})
    if batch is None or batch.undone_at is not None:
        raise CannotUndo(f"import #{import_id} was taken back already (prospect undo-import)")
    name = work.value("SELECT name FROM prospect_lists WHERE id = :id", {"id": batch.list_id})
    return batch, str(name)


def _remove_classified(work: Work, batch_ids: list[int]) -> int:
    """Remove the contacts :func:`_classify` found free to go, and the companies only they
    named; put back what the imports updated.  Returns how many contacts were put back."""
    cursor = _cursor(work)
    restored = _restore_updated(cursor, batch_ids)
    gone = f"SELECT id FROM {TEMP} WHERE kept IS NULL"
    cursor.execute(f"DELETE FROM lifecycle_events WHERE contact_id IN ({gone})")
    cursor.execute(f"DELETE FROM contact_tags WHERE contact_id IN ({gone})")
    cursor.execute(f"DELETE FROM contacts WHERE id IN ({gone})")
    batch_marks = ", ".join("?" for _ in batch_ids)
    cursor.execute(  # companies these imports made that nobody names any more
        "DELETE FROM companies WHERE created_at IN "
        f"(SELECT started_at FROM import_batches WHERE id IN ({batch_marks})) "
        "AND NOT EXISTS (SELECT 1 FROM contacts WHERE contacts.company_id = companies.id) "
        "AND NOT EXISTS (SELECT 1 FROM deals WHERE deals.company_id = companies.id)",
        batch_ids,
    )
    cursor.execute(f"DROP TABLE IF EXISTS {TEMP}")
    return restored


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
            f"UPDATE contacts SET {_put_back(of_cursor(cursor))} FROM import_updates AS u "
            "WHERE u.contact_id = contacts.id AND u.import_id = ?",
            (batch_id,),
        )
        added = json_texts(of_cursor(cursor), "u.added_tags", "added")
        cursor.execute(
            f"DELETE FROM contact_tags WHERE EXISTS (SELECT 1 FROM import_updates AS u, {added} "
            "WHERE u.import_id = ? "
            "AND u.contact_id = contact_tags.contact_id AND added.value = contact_tags.tag)",
            (batch_id,),
        )
        cursor.execute("DELETE FROM import_updates WHERE import_id = ?", (batch_id,))
    return len(restored)


def _as_left(dialect: str) -> str:
    """SQL: the contact still holds every value the import wrote (``u``: its update)."""
    return " AND ".join(
        same_value(dialect, f"contacts.{col}", json_field(dialect, "u.after", col), col)
        for col in WRITTEN
    )


def _put_back(dialect: str) -> str:
    return ", ".join(
        f"{col} = CASE WHEN "
        f"{same_value(dialect, f'contacts.{col}', json_field(dialect, 'u.after', col), col)} "
        f"THEN {json_field(dialect, 'u.before', col)} ELSE contacts.{col} END"
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
