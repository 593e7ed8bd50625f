"""Conflicts (an earlier contact's email, a clearly different name) back as the user's rows.

They are found after every row is in, so the rows they came from are read again:
from the file, by their line, as it was typed.  Standard input can't be read
twice; there a conflict's row is laid back out from what was stored, one value
per column of the header, which imports again to the same contact.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from salesfunnel.errors import BadValue, NotFound
from salesfunnel.importing.dedupe import Conflict
from salesfunnel.importing.headers import Mapping
from salesfunnel.importing.source import CsvInput

Row = tuple[int, str, Sequence[str]]  # line, reason, cells


def conflict_reason(conflict: Conflict, known_line: int | None) -> str:
    """What the user reads in the rejects file and the summary."""
    whom = (
        f"contact #{conflict.known_id} {conflict.known_name!r}"
        if conflict.known_before
        else f"line {known_line} ({conflict.known_name!r})"
    )
    return f"conflict: same email as {whom}, another name: not imported, you decide"


def conflict_rows(
    source: CsvInput,
    mapping: Mapping,
    conflicts: Sequence[Conflict],
    line_of: Callable[[int], int | None],
    reopen: Callable[[], CsvInput] | None,
) -> list[Row]:
    """Each conflict as (line, reason, the row's cells), in the file's order.

    ``line_of``: the line a row of the import (by id) came from; ``reopen``: the file
    opened again as it was read (None for standard input).
    """
    wanted = {}
    for conflict in conflicts:
        line = line_of(conflict.id) or 0
        wanted[line] = (conflict, conflict_reason(conflict, line_of(conflict.known_id)))
    cells: dict[int, Sequence[str]] = {}
    if reopen is not None and wanted:
        cells = _read_again(reopen, set(wanted))
    rows = []
    for line in sorted(wanted):
        conflict, reason = wanted[line]
        found = cells.get(line)
        if found is None:
            found = laid_out(mapping, conflict.stored)
        rows.append((line, reason, found))
    return rows


def _read_again(reopen: Callable[[], CsvInput], lines: set[int]) -> dict[int, Sequence[str]]:
    """The records on these lines; those it can't read again are laid out instead."""
    found: dict[int, Sequence[str]] = {}
    last = max(lines)
    try:
        again = reopen()
    except (BadValue, NotFound):  # the file changed or went away meanwhile
        return found
    try:
        for line, record in again.records():
            if line in lines:
                found[line] = record
            if line >= last:
                break
    except BadValue:
        pass
    finally:
        again.close()
    return found


def laid_out(mapping: Mapping, stored: dict[str, Any]) -> list[str]:
    """A stored contact as cells under the file's header (standard input's conflicts).

    The whole name goes in the first name column (first, middle and last are joined
    again on import); a field's first column gets its value, any other column the
    extra field kept under its header.
    """
    extra: dict[str, Any] = stored.get("extra") or {}
    named = False
    seen: set[str] = set()
    cells = []
    for column in mapping.columns:
        field = column.field
        if field in _NAME_FIELDS:
            cells.append("" if named else _text(stored.get("name")))
            named = True
        elif field in _STORED and field not in seen:
            seen.add(field)
            cells.append(_text(stored.get(field)))
        elif field == "tags" and field not in seen:
            seen.add(field)
            cells.append(", ".join(stored.get("tags") or ()))
        else:
            cells.append(_text(extra.get(column.key)))
    return cells


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


_NAME_FIELDS = ("name", "first_name", "middle_name", "last_name")
_STORED: tuple[str, ...] = ("email", "phone", "company", "title", "website", "city")
_STORED += ("country", "source", "notes", "value")


def reopener(source: CsvInput) -> Callable[[], CsvInput] | None:
    """How to open the file again as it was read; None for standard input."""
    own = getattr(source, "reopen", None)
    if own is not None:
        return own
    if source.stem is None:
        return None

    def reopen() -> CsvInput:
        from salesfunnel.importing.source import open_csv

        return open_csv(
            source.name, encoding=source.encoding.codec, delimiter=source.delimiter.char
        )

    return reopen
