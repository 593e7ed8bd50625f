"""`undo`: take back the last write command as one unit, saying first what that puts back.

The journal (db/journal.py) holds, per command, the rows it wrote; undoing puts them back
newest first, or refuses as a whole.  What undoing will do is said in business terms,
read from those rows and the records they belong to: "deal #12 Acme renewal back to open
in negotiation, purchase of 5,000.00 EUR on 2026-11-23 removed, Ana Silva (#3) back to
qualified lead (sql)".  Undo is a stack: each undo takes back the newest command left,
and removes it from the journal (there is no redo).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from salesfunnel.db import journal
from salesfunnel.db.search_index import catch_up
from salesfunnel.db.work import Work
from salesfunnel.domain.money import format_money
from salesfunnel.domain.settings import is_view_key, setting_spec, view_name
from salesfunnel.errors import BadValue, CannotUndo
from salesfunnel.schemas import Page, UndoCommandPublic, UndoImportPublic, UndoResultPublic

MAX_PHRASES = 8  # beyond this many rows to describe, say how many of each table instead
NOT_UNDOABLE = "what it removed isn't kept (import the file again to bring it back)"
# Columns that change with any activity, or follow another: never worth a phrase alone.
NOISE = frozenset({"last_activity_at", "search_key", "email_key", "phone_key", "snoozed"})
CONTACT_STATE = frozenset(
    {
        "stage",
        "lead_status",
        "prospect_status",
        "qualification_level",
        "need",
        "budget",
        "authority",
        "timing",
        "became_lead_at",
        "disqualify_reason",
        "cancel_reason",
        "channel",
    }
)
DEAL_STATE = frozenset(
    {"status", "stage", "probability", "closed_on", "lost_reason", "stage_changed_at"}
)


class ImportTakeBack(Protocol):
    """Takes back import #N's own rows (``apply``), or says what that would do."""

    def __call__(self, work: Work, import_id: int, *, apply: bool) -> UndoImportPublic: ...


def recent_commands(work: Work, limit: int | None) -> Page[UndoCommandPublic]:
    """The journal, newest first: what `undo` would take back, in order."""
    rows = journal.last_commands(work, limit)
    return Page([_public(row) for row in rows], journal.count_commands(work))


def last_command(work: Work) -> UndoCommandPublic:
    """The command `undo` would take back; refuses when there is none it can."""
    rows = journal.last_commands(work, 1)
    if not rows:
        raise CannotUndo(
            f"nothing to undo: the journal is empty (it keeps the last {journal.KEEP} "
            "write commands)"
        )
    entry = _public(rows[0])
    if not entry.undoable:
        raise CannotUndo(f"can't undo `{entry.command}`: {NOT_UNDOABLE}; undo goes no further back")
    return entry


def undo_last(work: Work, expected: UndoCommandPublic, imports: ImportTakeBack) -> UndoResultPublic:
    """Take back the last command, which must still be ``expected`` (what the user was
    shown), in this unit of work; or refuse, having changed nothing."""
    entry = last_command(work)
    if (entry.id, entry.at, entry.command) != (expected.id, expected.at, expected.command):
        raise CannotUndo("another command was journaled meanwhile: run undo again")
    changes = journal.changes_of(work, entry.id)
    what = f"`{entry.command}`"
    imported = None
    if entry.import_id is not None:
        imported = imports(work, entry.import_id, apply=False)
    words = describe(work, changes, imported)
    if entry.import_id is not None:
        imports(work, entry.import_id, apply=True)
    journal.take_back(work, changes, what)
    journal.forget(work, entry.id)
    catch_up(work)  # rows put back above the search index's mark
    return UndoResultPublic(command=entry, undone=words)


def _public(row: Any) -> UndoCommandPublic:
    return UndoCommandPublic(
        id=row.id,
        at=row.at,
        command=row.command,
        summary=row.summary,
        import_id=row.import_id,
        undoable=row.undoable,
    )


# --- in words ---------------------------------------------------------------------------


def describe(work: Work, changes: list[Any], imported: UndoImportPublic | None = None) -> str:
    """What putting back these changes does, in the user's terms, one phrase per record."""
    phrases = [_import_phrase(imported)] if imported is not None else []
    groups = _net_changes(changes)
    inserted = {key for key, (op, _, _) in groups.items() if op == "insert"}
    names = _Names(work, groups)
    described = [
        phrase
        for (table, key), (op, before, after) in groups.items()
        if (phrase := _phrase(names, table, dict(key), op, before, after, inserted)) is not None
    ]
    if len(described) > MAX_PHRASES:
        described = _counted(groups)
    phrases += described
    if not phrases:
        changed = sorted({table for table, _ in groups})
        phrases = [f"its changes to {', '.join(changed)} put back" if changed else "nothing"]
    return ", ".join(phrases)


Group = tuple[str, dict[str, Any], dict[str, Any]]  # net op, before, after


def _net_changes(changes: list[Any]) -> dict[tuple[str, tuple[tuple[str, Any], ...]], Group]:
    """Per record, in the order first written: inserted, deleted or updated, and the
    values before and after the whole command."""
    groups: dict[tuple[str, tuple[tuple[str, Any], ...]], Group] = {}
    for change in changes:
        key = (change.table_name, tuple(sorted(change.row_key.items())))
        before, after = change.before or {}, change.after or {}
        if key not in groups:
            groups[key] = (change.op, dict(before), dict(after))
            continue
        op, was, now = groups[key]
        for column, value in before.items():
            was.setdefault(column, value)
        now.update(after)
    return groups


class _Names:
    """Contacts by name: from the journal for those it inserted or deleted (one may be
    gone already), else as they are now."""

    def __init__(self, work: Work, groups: Mapping[tuple[str, Any], Group]) -> None:
        self.work = work
        self.known: dict[Any, Any] = {}
        for (table, key), (op, before, after) in groups.items():
            values = after if op == "insert" else before
            if table == "contacts" and "name" in values:
                self.known[dict(key)["id"]] = values["name"]

    def contact(self, contact_id: Any) -> str:
        name = self.known.get(contact_id) or self.work.value(
            "SELECT name FROM contacts WHERE id = :id", {"id": contact_id}
        )
        return f"{name} (#{contact_id})"


def _counted(groups: Mapping[tuple[str, Any], Group]) -> list[str]:
    counts: dict[tuple[str, str], int] = {}
    for (table, _), (op, _, _) in groups.items():
        counts[(op, table)] = counts.get((op, table), 0) + 1
    verbs = {"insert": "removed", "delete": "put back", "update": "put back as they were"}
    return [f"{n:,} {table.replace('_', ' ')} {verbs[op]}" for (op, table), n in counts.items()]


def _import_phrase(imported: UndoImportPublic) -> str:
    imports = ", ".join(f"#{i}" for i in imported.imports)
    phrase = (
        f"import {imports} into list {imported.list!r} taken back: "
        f"its {imported.removed:,} contact(s) removed"
    )
    if imported.restored:
        phrase += f", {imported.restored:,} contact(s) it updated put back as they were"
    return phrase


def _phrase(
    names: _Names,
    table: str,
    key: dict[str, Any],
    op: str,
    before: dict[str, Any],
    after: dict[str, Any],
    inserted: set[tuple[str, tuple[tuple[str, Any], ...]]],
) -> str | None:
    """One record's phrase; None for what goes without saying (history, tags of a
    removed contact, an import's own bookkeeping)."""
    if table in ("lifecycle_events", "import_batches", "import_updates"):
        return None
    work = names.work
    values = after if op == "insert" else before if op == "delete" else {}
    done = "removed" if op == "insert" else "put back"
    if table == "contacts":
        return _contact_phrase(work, key["id"], op, before, after, done)
    if table == "deals":
        return _deal_phrase(work, key["id"], op, before, after, done)
    if table == "activities":
        return _activity_phrase(names, key["id"], op, before, after, done)
    if table == "contact_tags":
        if ("contacts", (("id", key["contact_id"]),)) in inserted:
            return None
        off = "taken off" if op == "insert" else "put back on"
        return f"tag {key['tag']} {off} {names.contact(key['contact_id'])}"
    if table == "settings":
        return _setting_phrase(key["key"], op, before)
    if op == "update":
        return _record_name(work, table, key) + " " + _put_back(before, after)
    if table == "purchases":
        money = format_money(values.get("value"), values.get("currency"))
        return f"purchase of {money} on {values.get('purchased_on')} {done}"
    if table == "source_costs":
        money = format_money(values.get("amount"), values.get("currency"))
        source = work.value(
            "SELECT name FROM sources WHERE id = :id", {"id": values.get("source_id")}
        )
        return f"cost of {money} for {source} on {values.get('spent_on')} {done}"
    return f"{_record_name(work, table, key, values)} {done}"


def _record_name(
    work: Work, table: str, key: dict[str, Any], values: Mapping[str, Any] | None = None
) -> str:
    """``company Acme``, ``list 'Fair 2026'``, ``source webinar``: a record by its name."""
    names = {"companies": "company", "prospect_lists": "list", "sources": "source"}
    if table in names:
        name = (values or {}).get("name") or work.value(
            f"SELECT name FROM {table} WHERE id = :id", {"id": key["id"]}
        )
        shown = repr(name) if table == "prospect_lists" else name
        return f"{names[table]} {shown}"
    return journal.row_label(table, key)


def _put_back(before: Mapping[str, Any], after: Mapping[str, Any]) -> str:
    changed = [c for c in before if before[c] != after.get(c)]
    if len(changed) == 1:
        column = changed[0]
        return f"{column.replace('_', ' ')} back to {_shown(before[column])}"
    return f"{', '.join(c.replace('_', ' ') for c in changed) or 'values'} put back"


def _shown(value: Any) -> str:
    return "none" if value is None else str(value)


def _changed(before: Mapping[str, Any], after: Mapping[str, Any]) -> set[str]:
    return {c for c in before if before[c] != after.get(c)}


def _contact_phrase(
    work: Work, contact_id: int, op: str, before: dict[str, Any], after: dict[str, Any], done: str
) -> str | None:
    if op != "update":
        values = after if op == "insert" else before
        return f"{values.get('stage', 'contact')} {values.get('name')} (#{contact_id}) {done}"
    now = work.row("SELECT * FROM contacts WHERE id = :id", {"id": contact_id})
    changed = _changed(before, after)
    if now is None or not changed - NOISE:
        return None
    was = {**journal.stored(now._asdict()), **before}
    parts = []
    if _funnel_place(was) != _funnel_place(journal.stored(now._asdict())):
        parts.append(f"back to {_funnel_place(was)}")
    if "churned_on" in changed:
        parts.append("no longer churned" if before["churned_on"] is None else "churn put back")
    others = sorted(changed - NOISE - CONTACT_STATE - {"churned_on", "churn_reason"})
    if others:
        parts.append(f"{', '.join(_column_words(c) for c in others)} put back")
    if not parts:
        parts.append("qualification put back")
    return f"{now.name} (#{contact_id}) {', '.join(parts)}"


def _column_words(column: str) -> str:
    """A column as the user knows the field: ``company_id`` is the company."""
    return column.removesuffix("_id").replace("_", " ")


def _funnel_place(contact: Mapping[str, Any]) -> str:
    """``qualified lead (sql)``, ``open prospect``, ``customer``."""
    stage = contact.get("stage")
    if stage == "prospect":
        return f"{contact.get('prospect_status')} prospect"
    if stage == "lead":
        level = contact.get("qualification_level")
        return f"{contact.get('lead_status')} lead" + (f" ({level})" if level else "")
    return str(stage)


def _deal_phrase(
    work: Work, deal_id: int, op: str, before: dict[str, Any], after: dict[str, Any], done: str
) -> str | None:
    if op != "update":
        values = after if op == "insert" else before
        return f"deal #{deal_id} {values.get('title')} {done}"
    now = work.row("SELECT * FROM deals WHERE id = :id", {"id": deal_id})
    changed = _changed(before, after)
    if now is None or not changed - NOISE:
        return None
    was = {**journal.stored(now._asdict()), **before}
    parts = []
    if "status" in changed:
        place = f"open in {was['stage']}" if was["status"] == "open" else str(was["status"])
        parts.append(f"back to {place}")
    elif "stage" in changed:
        parts.append(f"back to {was['stage']} ({was['probability']}%)")
    elif "probability" in changed:
        parts.append(f"probability back to {was['probability']}%")
    if "value" in changed or "currency" in changed:
        parts.append(f"value back to {format_money(was['value'], was['currency'])}")
    others = sorted(changed - NOISE - DEAL_STATE - {"value", "currency"})
    if others:
        parts.append(f"{', '.join(c.replace('_', ' ') for c in others)} put back")
    return f"deal #{deal_id} {now.title} {', '.join(parts)}"


def _activity_phrase(
    names: _Names, step_id: int, op: str, before: dict[str, Any], after: dict[str, Any], done: str
) -> str | None:
    now = names.work.row("SELECT * FROM activities WHERE id = :id", {"id": step_id})
    values = {**(journal.stored(now._asdict()) if now else {}), **after, **before}
    who = names.contact(values.get("contact_id"))
    kind = values.get("kind", "activity")
    if op != "update":
        planned = "logged" if values.get("done_at") else "planned"
        return f"{planned} {kind} #{step_id} with {who} {done}"
    changed = _changed(before, after)
    if "done_at" in changed:
        return f"{kind} #{step_id} with {who} back to planned"
    if changed & {"due_date", "due_time"}:
        when = " ".join(str(values[c]) for c in ("due_date", "due_time") if values.get(c))
        return f"{kind} #{step_id} with {who} back to due {when[:16]}"
    if not changed - NOISE:
        return None
    return f"{kind} #{step_id} with {who} {_put_back(before, after)}"


def _setting_phrase(key: str, op: str, before: Mapping[str, Any]) -> str:
    if is_view_key(key):
        name = view_name(key)
        if op == "insert":
            return f"view {name} removed"
        return f"view {name} put back ({before.get('value')})"
    if op in ("update", "delete"):
        return f"setting {key} back to {before.get('value')}"
    try:
        default = setting_spec(key).default
    except BadValue:  # not a user setting
        return f"setting {key} removed"
    return f"setting {key} back to its default ({default})"
