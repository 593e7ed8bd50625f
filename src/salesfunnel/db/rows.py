"""Typed rows and parameters: what the SQL of every command reads back and binds.

Every read and write is plain SQL with ``:named`` parameters (db/work.py).  Values come
back typed as the tables define them (db/tables.py): dates, aware UTC instants, times,
booleans, JSON.  Which column names hold which is in ``DATES``, ``MOMENTS``, ``TIMES``,
``FLAGS`` and ``DOCUMENTS``, held to the tables by tests/test_fast_path.py.  On SQLite,
parameters are bound in the form the schema stores (:func:`sqlite_value`).
"""

from __future__ import annotations

import json
from collections import namedtuple
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, time
from functools import cache
from typing import Any, Protocol

Params = Mapping[str, Any]

# Column names (and labels of computed columns) by the type of what they hold.
DATES = frozenset(
    {
        "churned_on",
        "closed_on",
        "due_date",
        "expected_close",
        "last_purchase",
        "purchased_on",
        "series_on",
        "spent_on",
    }
)
MOMENTS = frozenset(
    {
        "at",
        "became_lead_at",
        "created_at",
        "done_at",
        "due_at",
        "last_activity_at",
        "opened_at",
        "stage_changed_at",
        "started_at",
        "touched",
        "undone_at",
    }
)
TIMES = frozenset({"due_time"})
FLAGS = frozenset(
    {
        "authority",
        "budget",
        "email_flagged",
        "need",
        "planned",
        "probability_manual",
        "starred",
        "timing",
        "undoable",
    }
)
DOCUMENTS = frozenset({"extra", "before", "after", "added_tags", "row_key"})  # JSON columns
IN_CHUNK = 500  # values per IN (...) list: far below SQLite's limit on parameters


class Reader(Protocol):
    """Runs a SELECT and returns its rows, each a named tuple of typed values."""

    def rows(self, sql: str, params: Params | None = None) -> list[Any]: ...

    def value(self, sql: str, params: Params | None = None) -> Any: ...


def in_list(prefix: str, values: Sequence[Any]) -> tuple[str, dict[str, Any]]:
    """``(:p0, :p1, ...)`` and its parameters, for ``column IN`` a list of values."""
    names = [f"{prefix}{i}" for i in range(len(values))]
    placeholders = "(" + ", ".join(f":{name}" for name in names) + ")"
    return placeholders, dict(zip(names, values, strict=True))


def rows_in(
    reader: Reader, sql: str, values: Iterable[Any], params: Params | None = None
) -> list[Any]:
    """Rows of ``sql`` whose ``{values}`` placeholder stands for ``IN (...)`` the values,
    asked for a chunk at a time."""
    wanted = sorted(set(values))
    found: list[Any] = []
    for start in range(0, len(wanted), IN_CHUNK):
        placeholders, bound = in_list("v", wanted[start : start + IN_CHUNK])
        found.extend(reader.rows(sql.format(values=placeholders), {**(params or {}), **bound}))
    return found


# --- binding --------------------------------------------------------------------------------
def sqlite_value(value: Any) -> Any:
    """A parameter as the schema stores it in SQLite, so comparisons with stored text hold.

    Instants are UTC text with microseconds, dates ISO, times ``HH:MM:SS.ffffff``,
    booleans 0/1, documents JSON text.
    """
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, datetime):
        if value.utcoffset() is None:
            raise ValueError("datetime values must have timezone information")
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M:%S.%f")
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return value


def document_value(value: Any) -> Any:
    """A JSON parameter for a server that types its columns (PostgreSQL): the text."""
    return json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else value


# --- reading --------------------------------------------------------------------------------
def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def _as_moment(value: Any) -> datetime | None:
    if value is None:
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    if moment.utcoffset() is None:  # stored in UTC, without an offset
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _as_time(value: Any) -> time | None:
    if value is None or isinstance(value, time):
        return value
    return time.fromisoformat(value)


def _as_flag(value: Any) -> bool | None:
    return None if value is None else bool(value)


def _as_document(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str | bytes) else value


def _converter(name: str) -> Callable[[Any], Any] | None:
    if name in DATES:
        return _as_date
    if name in MOMENTS:
        return _as_moment
    if name in TIMES:
        return _as_time
    if name in FLAGS:
        return _as_flag
    if name in DOCUMENTS:
        return _as_document
    return None


def typed_value(column: str, value: Any) -> Any:
    """A value of this column as a row read back would hold it (a date, an instant...),
    from the form :func:`sqlite_value` gives it; a document's value stays as it is."""
    convert = _converter(column)
    if convert is None or column in DOCUMENTS:
        return value
    return convert(value)


@cache
def row_maker(names: tuple[str, ...]) -> Callable[[Sequence[Any]], Any]:
    """Builds a named tuple of typed values from a raw row with these column names."""
    row_type = namedtuple("Row", names, rename=True)  # type: ignore[misc]  # noqa: PYI024
    converters = [(i, c) for i, c in enumerate(map(_converter, names)) if c is not None]
    if not converters:
        return row_type._make

    def make(raw: Sequence[Any]) -> Any:
        values = list(raw)
        for i, convert in converters:
            values[i] = convert(values[i])
        return row_type._make(values)

    return make


def rows_page(
    reader: Reader, query: str, order_by: str, params: Params, limit: int | None
) -> tuple[list[Any], int]:
    """Run the SELECT ``query`` for at most ``limit`` rows in that order; count every match."""
    total = reader.value(f"SELECT count(*) AS total FROM ({query}) AS matched", params)
    if limit is None:
        return reader.rows(f"{query} ORDER BY {order_by}", params), int(total)
    rows = reader.rows(f"{query} ORDER BY {order_by} LIMIT :limit", {**params, "limit": limit})
    return rows, int(total)


def is_utf8(text: str) -> bool:
    """Whether ``text`` can be stored: no lone surrogates (bytes a terminal sent that
    were not UTF-8, kept by Python as surrogate escapes)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
