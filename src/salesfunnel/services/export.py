"""`export contacts | deals | activities`: every row, streamed, as CSV or JSON
(contacts also as vCard: services/vcard.py).

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
import dataclasses
import itertools
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import IO, Any

from salesfunnel.db.dialect import extra_keys_sql
from salesfunnel.db.rows import rows_in
from salesfunnel.db.work import Work
from salesfunnel.domain.exchange import CONTACT_FIELDS, CONTACT_STATE, neutralise
from salesfunnel.errors import BadValue
from salesfunnel.schemas import to_json

BATCH = 2_000  # rows read per query
WHAT = ("contacts", "deals", "activities")
FORMATS = ("csv", "json", "vcard")

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


def _text(value: Any) -> Any:
    return "" if value is None else neutralise(str(value))


def _number(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    return value


def _flag(value: Any) -> str:
    return "" if value is None else ("true" if value else "false")


def _moment(value: Any) -> str:
    return "" if value is None else value.isoformat()


def _tags(value: Any) -> str:
    return neutralise("; ".join(value)) if value else ""


def csv_cell(value: Any) -> Any:
    """Any value as a CSV cell: numbers as numbers, text neutralised, dates in ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _flag(value)
    if isinstance(value, int | float):
        return _number(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, dict | list):
        return neutralise(json.dumps(value, ensure_ascii=False))
    return neutralise(str(value))


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return to_json(value)  # instants with Z, as every JSON document salesfunnel prints
    return str(value)


# --- rows --------------------------------------------------------------------------------------
Cell = Callable[[Any], Any]


@dataclass(frozen=True)
class Table:
    """What an export writes: its columns (name, CSV cell maker) and its rows, streamed.

    A row is a tuple of the columns' values; a contact's ends with its extra fields
    (a dict), which CSV spreads over one column per key and JSON nests.
    """

    columns: tuple[tuple[str, Cell], ...]
    rows: Iterator[tuple[Any, ...]]
    extra_keys: tuple[str, ...] = ()
    has_extra: bool = False

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.columns)


def _batches(work: Work, query: str) -> Iterator[Sequence[Any]]:
    """The rows of ``query`` in id order, a batch at a time (keyset paging: its first
    column is the id, above ``:last``, at most ``:batch`` rows), never all at once."""
    last = 0
    while True:
        rows = work.rows(query, {"last": last, "batch": BATCH})
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def extra_keys(work: Work) -> tuple[str, ...]:
    """Every key of the contacts' extra fields, in order of first appearance, found in SQL."""
    query = extra_keys_sql(work.dialect)
    return tuple(row[0] for row in work.rows(query))


CONTACT_COLUMNS: tuple[tuple[str, Cell], ...] = (
    *((name, _text) for name in CONTACT_FIELDS[:9]),  # name ... source
    ("tags", _tags),
    ("notes", _text),
    ("value", _number),
    ("id", _number),
    *((name, _text) for name in CONTACT_STATE[1:7]),  # stage ... list
    ("starred", _flag),
    ("email_flagged", _flag),
    ("created_at", _moment),
)
assert tuple(name for name, _ in CONTACT_COLUMNS) == (*CONTACT_FIELDS, *CONTACT_STATE)


def contacts_table(work: Work, *, with_extra_keys: bool) -> Table:
    keys = extra_keys(work) if with_extra_keys else ()
    return Table(CONTACT_COLUMNS, _contact_rows(work), keys, has_extra=True)


CONTACTS = """
SELECT c.id, c.name, c.email, c.phone, co.name AS company, c.title, c.website, c.city,
       c.country, c.source, c.notes, c.value, c.stage, c.prospect_status, c.lead_status,
       c.qualification_level, c.channel, l.name AS list, c.starred, c.email_flagged,
       c.created_at, c.extra
FROM contacts AS c
LEFT JOIN companies AS co ON co.id = c.company_id
LEFT JOIN prospect_lists AS l ON l.id = c.list_id
WHERE c.id > :last ORDER BY c.id LIMIT :batch
"""
DEALS = """
SELECT d.id, d.title, d.contact_id, c.name AS contact, co.name AS company, d.value,
       d.currency, d.stage, d.probability, d.expected_close, d.status, d.lost_reason,
       d.opened_at, d.closed_on
FROM deals AS d
JOIN contacts AS c ON c.id = d.contact_id
LEFT JOIN companies AS co ON co.id = d.company_id
WHERE d.id > :last ORDER BY d.id LIMIT :batch
"""
ACTIVITIES = """
SELECT a.id, a.contact_id, c.name AS contact, a.deal_id, a.kind, a.text, a.due_date,
       a.due_time, a.done_at, a.created_at
FROM activities AS a JOIN contacts AS c ON c.id = a.contact_id
WHERE a.id > :last ORDER BY a.id LIMIT :batch
"""


def _contact_rows(work: Work) -> Iterator[tuple[Any, ...]]:
    for batch in _batches(work, CONTACTS):
        tags: dict[int, list[str]] = {}
        for row in rows_in(
            work,
            "SELECT contact_id, tag FROM contact_tags WHERE contact_id IN {values} "
            "ORDER BY contact_id, tag",
            (row[0] for row in batch),
        ):
            tags.setdefault(row.contact_id, []).append(row.tag)
        for row in batch:
            (id_, name, email, phone, company_name, title, website, city, country, source,
             notes, value, *state, extra) = row  # fmt: skip
            yield (
                name, email, phone, company_name, title, website, city, country, source,
                tags.get(id_, []), notes, value, id_, *state,
                extra if isinstance(extra, dict) else {},
            )  # fmt: skip


def deals_table(work: Work) -> Table:
    kinds: dict[str, Cell] = {
        "id": _number,
        "contact_id": _number,
        "value": _number,
        "probability": _number,
        "expected_close": _moment,
        "opened_at": _moment,
        "closed_on": _moment,
    }
    columns = tuple((name, kinds.get(name, _text)) for name in DEAL_COLUMNS)
    return Table(columns, _flat(work, DEALS))


def activities_table(work: Work) -> Table:
    kinds: dict[str, Cell] = {"id": _number, "contact_id": _number, "deal_id": _number}
    moments = ("due_date", "due_time", "done_at", "created_at")
    columns = tuple(
        (name, _moment if name in moments else kinds.get(name, _text)) for name in ACTIVITY_COLUMNS
    )
    return Table(columns, _flat(work, ACTIVITIES))


def _flat(work: Work, query: str) -> Iterator[tuple[Any, ...]]:
    for batch in _batches(work, query):
        yield from batch


# --- writing -----------------------------------------------------------------------------------
def write_csv(table: Table, stream: IO[str], *, excel: bool = False) -> int:
    """The table as CSV, row by row; returns how many rows it wrote."""
    if excel:
        stream.write("\ufeff")
    taken = set(table.names)
    extra_headers = [key if key not in taken else f"extra:{key}" for key in table.extra_keys]
    writer = csv.writer(stream, lineterminator="\r\n")  # RFC 4180; quotes any CR or LF
    writer.writerow([_text(h) for h in (*table.names, *extra_headers)])
    cells = [cell for _, cell in table.columns]
    keys = table.extra_keys
    count = 0
    for row in table.rows:
        line = [cell(value) for cell, value in zip(cells, row, strict=False)]
        if keys:
            extra = row[-1]
            line += [csv_cell(extra.get(key)) for key in keys]
        writer.writerow(line)
        count += 1
    return count


def write_json(table: Table, stream: IO[str]) -> int:
    """The table as one JSON array, streamed: an object per row (extra fields nested)."""
    names = table.names
    count = 0
    stream.write("[")
    for row in table.rows:
        item = dict(zip(names, row, strict=False))
        if "id" in item:  # the id first, as in every JSON document salesfunnel prints
            item = {"id": item.pop("id"), **item}
        if table.has_extra:
            item["extra"] = row[-1]
        stream.write(",\n  " if count else "\n  ")
        stream.write(json.dumps(item, ensure_ascii=False, default=_json_default))
        count += 1
    stream.write("\n]\n" if count else "]\n")
    return count


def export(work: Work, what: str, fmt: str, stream: IO[str], *, excel: bool = False) -> int:
    """Write every contact, deal or activity to ``stream``; returns how many."""
    if what not in WHAT:
        raise BadValue(f"can't export {what!r}: choose {', '.join(WHAT)}")
    if fmt not in FORMATS:
        raise BadValue(f"unknown format {fmt!r}: choose csv, json or vcard")
    if fmt == "vcard" and what != "contacts":
        raise BadValue("vcard is for contacts (export contacts --format vcard)")
    if excel and fmt != "csv":
        raise BadValue("--excel is for CSV (--format csv)")
    tables: dict[str, Callable[[], Table]] = {
        "contacts": lambda: contacts_table(work, with_extra_keys=fmt == "csv"),
        "deals": lambda: deals_table(work),
        "activities": lambda: activities_table(work),
    }
    table = tables[what]()
    # The first rows are read before anything is written, so a database that can't be
    # read (damaged, busy) is refused with nothing on the output, not after a header.
    rows = iter(table.rows)
    first = list(itertools.islice(rows, 1))
    table = dataclasses.replace(table, rows=itertools.chain(first, rows))
    if fmt == "json":
        return write_json(table, stream)
    if fmt == "vcard":
        from salesfunnel.services.vcard import write_vcards

        return write_vcards(table.rows, stream)
    return write_csv(table, stream, excel=excel)
