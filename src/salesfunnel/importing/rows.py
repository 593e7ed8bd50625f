"""One CSV record -> one prospect, or the reason it can't be one.

:meth:`RowReader.read` is the rule for a record; an import reads whole batches a
column at a time (:mod:`columns`), held to give the same result, and comes back
here for the records that batch reading leaves alone (ragged, blank).  It works
on plain lists and tuples with precomputed column positions; what it returns is
still a readable :class:`Prospect`.  Standard library only.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from operator import itemgetter
from typing import NamedTuple

from salesfunnel.domain import fields
from salesfunnel.domain.exchange import unguard
from salesfunnel.domain.fields import MATCHING_PHONE_DIGITS
from salesfunnel.domain.money import read_amount
from salesfunnel.domain.text import other_contacts_key
from salesfunnel.importing.cells import clean
from salesfunnel.importing.headers import FIELDS, Mapping


class Prospect(NamedTuple):
    """A valid row, normalized: what the writer stores."""

    name: str
    email: str | None
    email_key: str | None
    email_flagged: int  # 1: kept, but malformed (an int: the driver binds it fastest)
    phone: str | None  # as typed: leading zeros and + kept
    phone_key: str | None  # digits only, for matching
    company: str | None
    title: str | None
    website: str | None
    city: str | None
    country: str | None
    source: str | None
    notes: str | None
    value: float | None
    extra: str | None  # JSON object of the columns with no field of their own
    tags: list[str] | None
    also: str | None  # search words of its other emails and phones (not a stored column)


NO_CONTACT = "no name, email or phone"
NOT_A_ROW = "a line after a blank line, not a row of the table"
MORE_VALUES = ":::"  # Google Contacts' separator of several values in one cell
_SEARCHED_TOO = ("email", "phone")  # a field whose other columns' values search finds


_new = tuple.__new__  # builds a Prospect without NamedTuple's Python-level __new__
_email_match = fields.EMAIL.fullmatch  # what fields.email_is_valid does, one call less
_non_digits = fields.NON_DIGITS.sub  # what fields.phone_key does, inlined
# The fields read() takes out of a record, in the order of its unpacking below.
_READ: tuple[str, ...] = ("name", "first_name", "middle_name", "last_name", "email", "phone")
_READ += ("company", "title", "website", "city", "country", "source", "notes", "value", "tags")


class RowReader:
    """Reads records of one file, laid out as its header mapping says."""

    def __init__(
        self, mapping: Mapping, *, default_source: str | None = None, lower_source: bool = False
    ) -> None:
        self.mapping = mapping
        self.width = mapping.width
        self.lower_source = lower_source  # leads keep sources lower-cased, as `lead add` does
        # A lead's source when its row names none: the list's name, as a lead's is stored.
        self.default_source = fields.source_key(default_source) if lower_source else default_source
        absent = self.width  # read() appends one empty cell: a missing field points at it
        where = {field: mapping.indexes(field) for field in FIELDS}
        # One C-level call takes every field out of a record (missing ones: the empty cell).
        self._fields = itemgetter(*(where[f][0] if where[f] else absent for f in _READ))
        # Fields fed by several columns (Phone + Mobile): the first non-empty wins,
        # the others are kept as extra fields under their own header.
        self.several = [
            tuple((i, mapping.columns[i].key) for i in found)
            for found in where.values()
            if len(found) > 1
        ]
        # For each of those, whether search should find the contact by its other values.
        self.searched = [field in _SEARCHED_TOO for field, found in where.items() if len(found) > 1]
        self._extras = tuple((c.index, c.key) for c in mapping.extras)
        self.value_key = mapping.columns[where["value"][0]].key if where["value"] else "value"
        self.email_key = mapping.columns[where["email"][0]].key if where["email"] else "email"
        self.phone_key = mapping.columns[where["phone"][0]].key if where["phone"] else "phone"
        self.unfilled = self._unfilled(where)
        self.unguard = mapping.from_export  # undo the export's guard against formulas

    def _unfilled(self, where: dict[str, tuple[int, ...]]) -> dict[str, object]:
        """Prospect fields no row can fill (the file has no column for them), with their value."""
        missing = {field for field, found in where.items() if not found}
        unfilled: dict[str, object] = {}
        for field in ("company", "title", "website", "city", "country", "notes", "value"):
            if field in missing:
                unfilled[field] = None
        if "email" in missing:
            unfilled |= {"email": None, "email_key": None, "email_flagged": 0}
        if "phone" in missing:
            unfilled |= {"phone": None, "phone_key": None}
        if "tags" in missing:
            unfilled["tags"] = None
        if not self._extras and not self.several and "value" in missing:
            unfilled["extra"] = None
        return unfilled

    def read(self, row: Sequence[str], after_blank: bool = False) -> Prospect | str | None:
        """A prospect; a reason (str) to reject the row; or None for a blank line.

        ``after_blank``: the records since the last row of the table were blank lines or
        lines of notes, so a short line is one more note (a report's "Grand Totals").
        """
        if len(row) != self.width:
            fitted = self.fit(row, after_blank)
            if not isinstance(fitted, list):
                return fitted
            row = fitted
        if self.unguard:
            cells = [unguard(cell.strip()) for cell in row]
        else:
            cells = [clean(cell) for cell in row]
        if not any(cells):
            return None
        cells.append("")
        extra = {key: cells[i] for i, key in self._extras if cells[i]} if self._extras else None
        also = None
        if self.several:
            extra, others = self._pick(cells, extra or {})
            also = other_contacts_key(others["email"], others["phone"]) or None
        (
            name, first, middle, last, email, phone, company, title,
            website, city, country, source, notes, value, tags,
        ) = self._fields(cells)  # fmt: skip
        if (email and MORE_VALUES in email) or (phone and MORE_VALUES in phone):
            email, phone, extra, also = self._split(email, phone, extra, also)
        if not name and (first or middle or last):
            name = " ".join(part for part in (first, middle, last) if part)
        if not (name or email or (phone and fields.has_digit(phone))):
            return NO_CONTACT
        amount = None
        if value:
            amount = read_amount(value)
            if amount is None:
                extra = {**(extra or {}), self.value_key: value}
        if not source:
            source = self.default_source
        elif self.lower_source:
            source = fields.source_key(source) or self.default_source
        phone_key = None
        if phone:
            digits = _non_digits("", phone)
            phone_key = digits if len(digits) >= MATCHING_PHONE_DIGITS else None
        return _new(
            Prospect,
            (
                name or email or phone,
                email or None,
                email.lower() if email else None,
                1 if email and _email_match(email) is None else 0,
                phone or None,
                phone_key,
                company or None,
                title or None,
                website or None,
                city or None,
                country or None,
                source,
                notes or None,
                amount,
                json.dumps(extra, ensure_ascii=False) if extra else None,
                fields.split_tags(tags) or None if tags else None,
                also,
            ),
        )

    def fit(self, row: Sequence[str], after_blank: bool = False) -> list[str] | str | None:
        """A record of another width than the header's: trailing empty cells are dropped
        (Excel adds them), missing trailing cells are empty (Outlook leaves them out) -- but
        a short line after blank lines is a note under the table, not a row; a record with
        more values than the header has is ragged."""
        if not any(cell.strip() for cell in row):
            return None
        width = self.width
        if len(row) > width:
            if not any(cell.strip() for cell in row[width:]):
                return list(row[:width])
            return f"{len(row)} fields where the header has {width}"
        if after_blank:
            return f"{NOT_A_ROW} ({len(row)} fields where the header has {width})"
        return [*row, *[""] * (width - len(row))]

    def _split(
        self, email: str, phone: str, extra: dict[str, str] | None, also: str | None
    ) -> tuple[str, str, dict[str, str] | None, str | None]:
        """Google Contacts puts a person's several work emails (or mobiles) in one cell,
        ``a@x.example ::: b@y.example``: the first is the contact's, the others are kept
        under the column's header and searched, as a second column's would be."""
        more: dict[str, list[str]] = {"email": [], "phone": []}
        values = {"email": email, "phone": phone}
        for field, key in (("email", self.email_key), ("phone", self.phone_key)):
            if MORE_VALUES not in values[field]:
                continue
            first, *others = (part.strip() for part in values[field].split(MORE_VALUES))
            others = [other for other in others if other]
            values[field] = first or (others.pop(0) if others else "")
            if others:
                extra = {**(extra or {}), key: " ::: ".join(others)}
                more[field] = others
        added = other_contacts_key(more["email"], more["phone"])
        also = " ".join(part for part in (also, added) if part) or None
        return values["email"], values["phone"], extra, also

    def _pick(
        self, cells: list[str], extra: dict[str, str]
    ) -> tuple[dict[str, str], dict[str, list[str]]]:
        """The first non-empty column feeds the field (moved to the field's first column);
        the others are kept as extra fields, and an email's or phone's are searched too."""
        others: dict[str, list[str]] = {"email": [], "phone": []}
        for columns, searched in zip(self.several, self.searched, strict=True):
            first = columns[0][0]
            for index, key in columns[1:]:
                if not cells[index]:
                    continue
                if not cells[first]:
                    cells[first] = cells[index]
                else:
                    extra[key] = cells[index]
                    if searched:
                        field = self.mapping.columns[first].field
                        others[field].append(cells[index])
        return extra, others
