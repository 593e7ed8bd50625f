"""A batch of CSV records -> the prospects' values, a column at a time.

:meth:`RowReader.read` says what one record becomes; this does the same for
thousands at once, column by column: each column is stripped, lower-cased or
matched by one ``map`` over a C-level function, so a million-row import spends
its time in C rather than in a Python loop per cell.  A batch this doesn't
handle the same way (one of salesfunnel's own exports) goes through
``RowReader.read`` record by record instead, and so do the odd records of a
batch (another width: fitted or rejected as ``read`` says); the tests hold the
two to the same result.

Empty text stays ``""`` here, not ``None``: the INSERT turns it into NULL
(``nullif(?, '')``), and the driver binds a string faster than ``None``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from itertools import compress
from operator import not_
from typing import Any

from salesfunnel.domain import fields
from salesfunnel.domain.fields import MATCHING_PHONE_DIGITS
from salesfunnel.domain.money import read_amount
from salesfunnel.domain.text import other_contacts_key
from salesfunnel.importing.cells import clean, clean_column
from salesfunnel.importing.headers import FIELDS
from salesfunnel.importing.rows import MORE_VALUES, NO_CONTACT, NOT_A_ROW, Prospect, RowReader
from salesfunnel.importing.searchkeys import SearchKeys

_digits_of = partial(fields.NON_DIGITS.sub, "")
_email_match = fields.EMAIL.fullmatch
_dumps = partial(json.dumps, ensure_ascii=False)
# Prospect fields held as "" when empty (stored NULL); the others are never empty.
EMPTY_AS_TEXT = tuple(f for f in Prospect._fields if f not in ("email_flagged", "tags"))
_PLAIN = ("company", "title", "website", "city", "country", "notes")  # stored as read
_NAME_PARTS = ("first_name", "middle_name", "last_name")


@dataclass
class ReadBatch:
    """What a batch of records became: the prospects' fields as columns, and the rest."""

    # Prospect field (and "search_key") -> one value per prospect ("" = empty)
    columns: dict[str, list[Any]]
    rejects: list[tuple[int, str]] = field(default_factory=list)  # (record index, reason)
    blank: int = 0

    @property
    def count(self) -> int:
        return len(self.columns["name"])


class BatchReader:
    """Reads batches of records of one file, as its :class:`RowReader` reads each record."""

    def __init__(self, reader: RowReader) -> None:
        self.reader = reader
        self._search_keys = SearchKeys()
        self._at: dict[str, int | None] = {}
        for name in FIELDS:
            found = reader.mapping.indexes(name)
            self._at[name] = found[0] if found else None
        self._extras = [(c.index, c.key) for c in reader.mapping.extras]
        # Columns whose cells may hold several values (Google's "a ::: b"): a batch with
        # one is read record by record, where RowReader.read splits them.
        self._several_values = [
            i for name in ("email", "phone") for i in reader.mapping.indexes(name)
        ]
        # Read record by record: salesfunnel's own exports (their cells are unguarded).
        self.by_columns = not reader.unguard
        self.after_blank = False  # the last record read was a blank line (or a note)

    def read(self, records: Sequence[Sequence[str]]) -> ReadBatch:
        """The batch's prospects, rejects and blank lines (the next batch goes on from
        where this one ends: after a blank line or not)."""
        if not self.by_columns or not records:
            return self.read_each(records)
        if set(map(len, records)) != {self.reader.width}:
            return self._read_fitted(records)
        return self._read_uniform(records)

    def _read_uniform(self, records: Sequence[Sequence[str]]) -> ReadBatch:
        """Records as wide as the header, a column at a time."""
        raw = list(zip(*records, strict=True))
        if any(MORE_VALUES in "\x1f".join(raw[i]) for i in self._several_values):
            return self.read_each(records)
        cells = [clean_column(list(map(str.strip, column))) for column in raw]
        filled = list(map(any, zip(*cells, strict=True)))
        self.after_blank = not filled[-1]
        if all(filled):
            return self._read_columns(cells)
        # Blank records (delimiters only) count as blank lines; the rest are read.
        positions = list(compress(range(len(records)), filled))
        cells = [list(compress(column, filled)) for column in cells]
        read = self._read_columns(cells) if positions else self._empty()
        read.rejects = [(positions[i], reason) for i, reason in read.rejects]
        read.blank = len(records) - len(positions)
        return read

    def _read_fitted(self, records: Sequence[Sequence[str]]) -> ReadBatch:
        """Records of another width are fitted (trailing empty cells dropped, missing ones
        added), or counted as blank, or rejected, as ``RowReader.read`` does, in order (a
        short line after a blank one is a note); the rest are read by columns."""
        fitting: list[Sequence[str]] = []
        positions: list[int] = []
        rejects: list[tuple[int, str]] = []
        blank = 0
        width, fit = self.reader.width, self.reader.fit
        after_blank = self.after_blank
        for index, record in enumerate(records):
            if len(record) != width:
                fitted = fit(record, after_blank)
                if fitted is None:
                    blank += 1
                    after_blank = True
                    continue
                if isinstance(fitted, str):
                    rejects.append((index, fitted))
                    after_blank = after_blank and fitted.startswith(NOT_A_ROW)
                    continue
                record = fitted
            after_blank = not any(map(clean, record))
            fitting.append(record)
            positions.append(index)
        self.after_blank = after_blank
        read = self._read_uniform(fitting) if fitting else self._empty()
        self.after_blank = after_blank
        rejects += [(positions[i], reason) for i, reason in read.rejects]
        read.rejects = sorted(rejects)
        read.blank += blank
        return read

    def _empty(self) -> ReadBatch:
        after_blank = self.after_blank
        read = self.read_each([])
        self.after_blank = after_blank
        return read

    def read_each(self, records: Sequence[Sequence[str]]) -> ReadBatch:
        """Record by record, through ``RowReader.read``: what :meth:`read` must equal."""
        prospects: list[Prospect] = []
        rejects: list[tuple[int, str]] = []
        blank = 0
        read = self.reader.read
        after_blank = self.after_blank
        for index, record in enumerate(records):
            result = read(record, after_blank)
            if isinstance(result, Prospect):
                prospects.append(result)
                after_blank = False
            elif result is None:
                blank += 1
                after_blank = True
            else:
                rejects.append((index, result))
                after_blank = after_blank and result.startswith(NOT_A_ROW)
        self.after_blank = after_blank
        columns: dict[str, list[Any]] = {}
        for position, name in enumerate(Prospect._fields):
            column = [p[position] for p in prospects]
            if name in EMPTY_AS_TEXT:
                column = ["" if v is None else v for v in column]
            columns[name] = column
        digits = list(map(_digits_of, columns["phone"]))
        columns["search_key"] = self._keys(columns, digits)
        return ReadBatch(columns, rejects, blank)

    def _column(self, cells: list[list[str]], name: str) -> list[str]:
        index = self._at[name]
        return cells[index] if index is not None else [""] * len(cells[0])

    def _read_columns(self, cells: list[list[str]]) -> ReadBatch:
        picked, also = self._pick(cells)
        name, phone = self._names(cells), self._column(cells, "phone")
        digits = list(map(_digits_of, phone))
        kept = self._who(name, self._column(cells, "email"), phone, digits)
        rejects = [(i, NO_CONTACT) for i in compress(range(len(kept)), map(not_, kept))]
        if rejects:
            cells = [list(compress(column, kept)) for column in cells]
            picked = list(compress(picked, kept))
            also = list(compress(also, kept)) if also is not None else None
            name, digits = list(compress(name, kept)), list(compress(digits, kept))
        reader = self.reader
        email, phone = self._column(cells, "email"), self._column(cells, "phone")
        columns: dict[str, list[Any]] = {
            "name": [n or e or p for n, e, p in zip(name, email, phone, strict=True)],
            "email": email,
            "email_key": list(map(str.lower, email)),
            "email_flagged": [0 if m or not e else 1
                              for e, m in zip(email, map(_email_match, email), strict=True)],
            "phone": phone,
            "phone_key": [d if len(d) >= MATCHING_PHONE_DIGITS else "" for d in digits],
        }  # fmt: skip
        for plain in _PLAIN:
            columns[plain] = self._column(cells, plain)
        default, sources = reader.default_source, self._column(cells, "source")
        if reader.lower_source:
            columns["source"] = [fields.source_key(s) or default for s in sources]
        else:
            columns["source"] = [s or default for s in sources]
        columns["value"], columns["extra"] = self._amounts_and_extras(cells, picked)
        columns["tags"] = [
            fields.split_tags(t) or None if t else None for t in self._column(cells, "tags")
        ]
        columns["also"] = also if also is not None else [""] * len(name)
        columns["search_key"] = self._keys(columns, digits)
        return ReadBatch(columns, rejects)

    def _keys(self, columns: dict[str, list[Any]], digits: list[str]) -> list[str]:
        """Each prospect's search key, from its name, email, phone digits and company."""
        also = columns["also"] if any(columns["also"]) else None
        return self._search_keys.keys(columns["name"], columns["email"], digits,
                                      columns["company"], also)  # fmt: skip

    def _pick(self, cells: list[list[str]]) -> tuple[list[dict[str, str] | None], list[str] | None]:
        """A field fed by several columns (Phone, Mobile) takes the first non-empty one, moved
        into its first column; the others' values are kept as extra fields, per record, and
        an email's or phone's are made search words (None: the file has no such values)."""
        count = len(cells[0])
        picked: list[dict[str, str] | None] = [None] * count
        others: dict[str, list[list[str]]] = {}
        reader = self.reader
        for columns, searched in zip(reader.several, reader.searched, strict=True):
            first = cells[columns[0][0]]
            field = reader.mapping.columns[columns[0][0]].field
            for index, key in columns[1:]:
                other = cells[index]
                for i in compress(range(count), other):
                    if not first[i]:
                        first[i] = other[i]
                    else:
                        extra = picked[i]
                        if extra is None:
                            extra = picked[i] = {}
                        extra[key] = other[i]
                        if searched:
                            found = others.setdefault(field, [[] for _ in range(count)])
                            found[i].append(other[i])
        if not others:
            return picked, None
        emails = others.get("email") or [[] for _ in range(count)]
        phones = others.get("phone") or [[] for _ in range(count)]
        also = [other_contacts_key(e, p) for e, p in zip(emails, phones, strict=True)]
        return picked, also

    @staticmethod
    def _who(name: list[str], email: list[str], phone: list[str], digits: list[str]) -> list[bool]:
        """Which records name someone: a name, an email, or a phone with a digit in it."""
        kept = [bool(n or e or d) for n, e, d in zip(name, email, digits, strict=True)]
        for i in compress(range(len(kept)), map(not_, kept)):
            kept[i] = bool(phone[i]) and fields.has_digit(phone[i])  # digits of any script
        return kept

    def _names(self, cells: list[list[str]]) -> list[str]:
        """A row with no name is named by its first, middle and last names, joined."""
        names = self._column(cells, "name")
        parts = [cells[i] for i in (self._at[p] for p in _NAME_PARTS) if i is not None]
        if not parts:
            return names
        return [
            n or " ".join(filter(None, each))
            for n, each in zip(names, zip(*parts, strict=True), strict=True)
        ]

    def _amounts_and_extras(
        self, cells: list[list[str]], picked: list[dict[str, str] | None]
    ) -> tuple[list[Any], list[Any]]:
        """Amounts, and the extra fields as JSON: the unmapped columns, the values a field's
        other columns had, and any value that isn't an amount, in that order."""
        texts = self._column(cells, "value")
        count = len(texts)
        extras: list[dict[str, str] | None] = [None] * count
        if self._extras:
            keys = [key for _, key in self._extras]
            extras = [
                {key: v for key, v in zip(keys, each, strict=True) if v} or None
                for each in zip(*(cells[i] for i, _ in self._extras), strict=True)
            ]
        if self.reader.several:
            extras = [
                ({**mine, **more} if mine else more) if more else mine
                for mine, more in zip(extras, picked, strict=True)
            ]
        amounts: list[Any] = [""] * count
        for i in compress(range(count), texts):
            amount = read_amount(texts[i])
            if amount is None:
                extras[i] = {**(extras[i] or {}), self.reader.value_key: texts[i]}
            else:
                amounts[i] = amount
        return amounts, [_dumps(e) if e else "" for e in extras]
