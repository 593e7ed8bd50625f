"""`export contacts | deals | activities`: every row, streamed, as CSV or JSON.

Rows are read in id order, a batch at a time (keyset paging), and written as
they come, so memory stays the same on ten contacts or a million.  A contact's
extra fields (imported columns with no field of their own) become one CSV
column per key: the union of keys is found first, in SQL, without loading rows.

CSV is for spreadsheets, so a text cell that a spreadsheet would run as a
formula (it begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return)
is prefixed with a single quote; numbers stay numbers, and so do phone numbers
(digits and phone punctuation only: nothing a spreadsheet could run).  ``--excel`` adds the
UTF-8 byte-order mark Excel needs to read accents right, and CRLF line ends.
"""

from __future__ import annotations

import csv
import json
import os
import re
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy import text
from sqlmodel import col, select

from salesfunnel.db.tables import Activity, Company, Contact, ContactTag, Deal, ProspectList
from salesfunnel.db.uow import UnitOfWork
from salesfunnel.errors import BadValue

BATCH = 2_000  # rows read per query
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Text made of digits and phone punctuation can't call a function or another program:
# numbers ("-5", "1.200,50") and phones ("+351 912 345 678") are left as they are.
_NUMBER_OR_PHONE = re.compile(r"[+\-]?[\d\s().,/+\-]*\d[\d\s().,/+\-]*")
WHAT = ("contacts", "deals", "activities")
FORMATS = ("csv", "json")

# The contact's own fields, in the order of the CSV; the importer maps these names back.
CONTACT_FIELDS = (
    "name",
    "email",
    "phone",
    "company",
    "title",
    "website",
    "city",
    "country",
    "source",
    "tags",
    "notes",
    "value",
)
# Where the contact stands in the funnel: salesfunnel's own, after the fields.
CONTACT_STATE = (
    "id",
    "stage",
    "prospect_status",
    "lead_status",
    "level",
    "channel",
    "list",
    "starred",
    "email_flagged",
    "created_at",
)
DEAL_COLUMNS = (
    "id",
    "title",
    "contact_id",
    "contact",
    "company",
    "value",
    "currency",
    "stage",
    "probability",
    "expected_close",
    "status",
    "lost_reason",
    "opened_at",
    "closed_on",
)
ACTIVITY_COLUMNS = (
    "id",
    "contact_id",
    "contact",
    "deal_id",
    "kind",
    "text",
    "due_date",
    "due_time",
    "done_at",
    "created_at",
)


# --- cells -----------------------------------------------------------------------------------
def neutralise(value: str) -> str:
    """A text cell a spreadsheet would run as a formula gets a leading single quote."""
    if value.startswith(FORMULA_START) and not _NUMBER_OR_PHONE.fullmatch(value):
        return "'" + value
    return value


def csv_cell(value: Any) -> Any:
    """A value as a CSV cell: numbers as numbers, text neutralised, dates in ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() and abs(value) < 1e15 else value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, dict | list):
        return neutralise(json.dumps(value, ensure_ascii=False))
    return neutralise(str(value))


def json_value(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return value


# --- rows --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Table:
    """What an export writes: its columns, and its rows as dicts, streamed."""

    columns: tuple[str, ...]
    rows: Iterator[dict[str, Any]]
    extra_keys: tuple[str, ...] = ()  # contacts: one CSV column per key, after the columns


def _batches(uow: UnitOfWork, query: Any, id_column: Any) -> Iterator[list[Any]]:
    """The query's rows in id order, a batch at a time, never all at once."""
    last = 0
    while True:
        rows = uow.session.exec(
            query.where(id_column > last).order_by(id_column).limit(BATCH)
        ).all()
        if not rows:
            return
        yield list(rows)
        last = rows[-1][0]


def _names(uow: UnitOfWork, model: Any, ids: set[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = uow.session.exec(select(model.id, model.name).where(col(model.id).in_(wanted)))
    return dict(rows.all())


def extra_keys(uow: UnitOfWork) -> tuple[str, ...]:
    """Every key of the contacts' extra fields, in order of first appearance, found in SQL."""
    if uow.session.get_bind().dialect.name == "sqlite":
        query = (
            "SELECT j.key FROM contacts AS c, json_each(c.extra) AS j "
            "WHERE c.extra IS NOT NULL AND json_type(c.extra) = 'object' "
            "GROUP BY j.key ORDER BY min(c.id), min(j.id)"
        )
    else:
        query = (
            "SELECT j.key FROM contacts AS c, json_each(c.extra) AS j "
            "WHERE c.extra IS NOT NULL GROUP BY j.key ORDER BY min(c.id), j.key"
        )
    return tuple(uow.session.execute(text(query)).scalars())


def contacts_table(uow: UnitOfWork, *, with_extra_keys: bool) -> Table:
    keys = extra_keys(uow) if with_extra_keys else ()
    return Table((*CONTACT_FIELDS, *CONTACT_STATE), _contact_rows(uow), keys)


def _contact_rows(uow: UnitOfWork) -> Iterator[dict[str, Any]]:
    c = Contact
    query = select(
        c.id,
        c.name,
        c.email,
        c.phone,
        c.company_id,
        c.title,
        c.website,
        c.city,
        c.country,
        c.source,
        c.notes,
        c.value,
        c.stage,
        c.prospect_status,
        c.lead_status,
        c.qualification_level,
        c.channel,
        c.list_id,
        c.starred,
        c.email_flagged,
        c.created_at,
        c.extra,
    )
    for batch in _batches(uow, query, col(c.id)):
        companies = _names(uow, Company, {row.company_id for row in batch})
        lists = _names(uow, ProspectList, {row.list_id for row in batch})
        tags: dict[int, list[str]] = {}
        for contact_id, tag in uow.session.exec(
            select(ContactTag.contact_id, ContactTag.tag)
            .where(col(ContactTag.contact_id).in_([row.id for row in batch]))
            .order_by(ContactTag.contact_id, ContactTag.tag)
        ):
            tags.setdefault(contact_id, []).append(tag)
        for row in batch:
            yield {
                "id": row.id,
                "name": row.name,
                "email": row.email,
                "phone": row.phone,
                "company": companies.get(row.company_id),
                "title": row.title,
                "website": row.website,
                "city": row.city,
                "country": row.country,
                "source": row.source,
                "tags": tags.get(row.id, []),
                "notes": row.notes,
                "value": row.value,
                "stage": row.stage,
                "prospect_status": row.prospect_status,
                "lead_status": row.lead_status,
                "level": row.qualification_level,
                "channel": row.channel,
                "list": lists.get(row.list_id),
                "starred": row.starred,
                "email_flagged": row.email_flagged,
                "created_at": row.created_at,
                "extra": row.extra if isinstance(row.extra, dict) else {},
            }


def deals_table(uow: UnitOfWork) -> Table:
    return Table(DEAL_COLUMNS, _deal_rows(uow))


def _deal_rows(uow: UnitOfWork) -> Iterator[dict[str, Any]]:
    d = Deal
    query = select(
        d.id,
        d.title,
        d.contact_id,
        d.company_id,
        d.value,
        d.currency,
        d.stage,
        d.probability,
        d.expected_close,
        d.status,
        d.lost_reason,
        d.opened_at,
        d.closed_on,
    )
    for batch in _batches(uow, query, col(d.id)):
        contacts = _names(uow, Contact, {row.contact_id for row in batch})
        companies = _names(uow, Company, {row.company_id for row in batch})
        for row in batch:
            fields = row._asdict()
            company_id = fields.pop("company_id")
            yield {
                **fields,
                "contact": contacts.get(row.contact_id),
                "company": companies.get(company_id),
            }


def activities_table(uow: UnitOfWork) -> Table:
    return Table(ACTIVITY_COLUMNS, _activity_rows(uow))


def _activity_rows(uow: UnitOfWork) -> Iterator[dict[str, Any]]:
    a = Activity
    query = select(
        a.id,
        a.contact_id,
        a.deal_id,
        a.kind,
        a.text,
        a.due_date,
        a.due_time,
        a.done_at,
        a.created_at,
    )
    for batch in _batches(uow, query, col(a.id)):
        contacts = _names(uow, Contact, {row.contact_id for row in batch})
        for row in batch:
            yield {**row._asdict(), "contact": contacts.get(row.contact_id)}


# --- writing -----------------------------------------------------------------------------------
def write_csv(table: Table, stream: TextIO, *, excel: bool = False) -> int:
    """The table as CSV, row by row; returns how many rows it wrote."""
    if excel:
        stream.write("\ufeff")
    taken = set(table.columns)
    extra_headers = [key if key not in taken else f"extra:{key}" for key in table.extra_keys]
    writer = csv.writer(stream, lineterminator="\r\n" if excel else "\n")
    writer.writerow([csv_cell(h) for h in (*table.columns, *extra_headers)])
    count = 0
    for row in table.rows:
        cells = [_csv_field(row.get(name)) for name in table.columns]
        extra = row.get("extra") or {}
        cells += [csv_cell(extra.get(key)) for key in table.extra_keys]
        writer.writerow(cells)
        count += 1
    return count


def _csv_field(value: Any) -> Any:
    if isinstance(value, list):  # tags
        return neutralise("; ".join(value))
    return csv_cell(value)


def write_json(table: Table, stream: TextIO) -> int:
    """The table as one JSON array, streamed: an object per row (extra fields nested)."""
    count = 0
    stream.write("[")
    for row in table.rows:
        item = {key: json_value(value) for key, value in row.items()}
        stream.write(",\n  " if count else "\n  ")
        stream.write(json.dumps(item, ensure_ascii=False, default=str))
        count += 1
    stream.write("\n]\n" if count else "]\n")
    return count


def export(uow: UnitOfWork, what: str, fmt: str, stream: TextIO, *, excel: bool = False) -> int:
    """Write every contact, deal or activity to ``stream``; returns how many."""
    if what not in WHAT:
        raise BadValue(f"can't export {what!r}: choose {', '.join(WHAT)}")
    if fmt not in FORMATS:
        raise BadValue(f"unknown format {fmt!r}: choose csv or json")
    if excel and fmt != "csv":
        raise BadValue("--excel is for CSV (--format csv)")
    tables: dict[str, Callable[[], Table]] = {
        "contacts": lambda: contacts_table(uow, with_extra_keys=fmt == "csv"),
        "deals": lambda: deals_table(uow),
        "activities": lambda: activities_table(uow),
    }
    table = tables[what]()
    if fmt == "json":
        return write_json(table, stream)
    return write_csv(table, stream, excel=excel)


@contextmanager
def private_file(path: Path) -> Iterator[TextIO]:
    """A file readable by its owner alone, in place only once complete.

    Written to a temporary file beside it and renamed at the end, so an export
    that fails or is interrupted leaves any earlier file as it was.
    """
    directory = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise BadValue(f"{path} is a directory: give a file name")
    if not directory.is_dir():
        raise BadValue(f"can't write {path}: no directory {directory}")
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=directory)
    try:
        os.fchmod(handle, 0o600)
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            yield stream
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
