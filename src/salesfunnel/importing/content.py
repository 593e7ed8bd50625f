"""Columns read from their content: an unknown header over a column of emails is an email.

A column no vocabulary table knows (``Contato principal``, ``Col3``, a header left blank)
is looked at in the head of the file: if most of its cells are email addresses it is read
as an email, if most look like phone numbers as a phone.  It then comes after the columns
a header names for the same field.  The dry run says so for each such column.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from salesfunnel.domain import fields
from salesfunnel.importing.cells import clean
from salesfunnel.importing.headers import EXTRA, Mapping

MOSTLY = 0.8  # the share of a column's non-empty cells that must look the part
AT_LEAST = 2  # non-empty cells needed before a column is judged by them
_PHONE_TEXT = re.compile(r"\+?[\d\s().\-/]+")
_DATE = re.compile(r"\d{4}[./-]\d{1,2}[./-]\d{1,2}|\d{1,2}[./-]\d{1,2}[./-]\d{2,4}")
_TAX_ID = re.compile(r"\d{2}\.\d{3}\.\d{3}/\d{4}-\d{2}|\d{3}\.\d{3}\.\d{3}-\d{2}")  # CNPJ, CPF
_IP = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}")


def looks_like_email(text: str) -> bool:
    return fields.EMAIL.fullmatch(text) is not None


def looks_like_phone(text: str) -> bool:
    """7 to 15 digits with phone punctuation only; not a date, an IP address or a Brazilian
    tax id."""
    if not _PHONE_TEXT.fullmatch(text) or any(
        pattern.fullmatch(text) for pattern in (_DATE, _TAX_ID, _IP)
    ):
        return False
    return 7 <= sum(c.isdigit() for c in text) <= 15


def content_field(cells: Sequence[str]) -> str | None:
    """``email`` or ``phone`` when most of the column's non-empty cells are one, else None."""
    values = [v for v in map(clean, cells) if v]
    if len(values) < AT_LEAST:
        return None
    for field, test in (("email", looks_like_email), ("phone", looks_like_phone)):
        if sum(map(test, values)) >= MOSTLY * len(values):
            return field
    return None


def read_by_content(mapping: Mapping, sample: Sequence[Sequence[str]]) -> Mapping:
    """The mapping with each unknown column whose cells are emails (or phones) read so."""
    for column in mapping.columns:
        if column.known or column.field != EXTRA:
            continue
        cells = [row[column.index] for row in sample if column.index < len(row)]
        field = content_field(cells)
        if field is not None:
            mapping = mapping.with_field(column.index, field, f"read as {field} from its content")
    return mapping
