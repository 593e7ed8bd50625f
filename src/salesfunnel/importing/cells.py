"""What spreadsheets leave in cells: Excel's text marker and placeholders for nothing.

A leading ``'`` is how Excel keeps ``'+55 11 98765-4321`` or ``'00123`` as typed text: it
is not part of the value.  ``null``, ``N/A``, ``-`` and their like are how exports and
hand-typed sheets say "nothing here": they are read as empty cells, so a literal
``null`` never becomes a phone or a name.  Standard library only.
"""

from __future__ import annotations

from collections.abc import Iterable

# Compared after stripping and lower-casing the cell.
PLACEHOLDER_WORDS = ("null", "nil", "none", "n/a", "#n/a", "n.a.", "-", "--", "---", "—", "–")
_CASED = {variant for word in PLACEHOLDER_WORDS for variant in (word, word.upper(), word.title())}
PLACEHOLDERS = frozenset(_CASED | {"NULL", "Null", "N/A", "n/A", "N/a", "#N/A"})
TEXT_MARK = "'"
_JOIN = "\n"


def clean(cell: str) -> str:
    """One cell, stripped, without Excel's text mark, and empty if it only says "nothing"."""
    cell = cell.strip()
    if cell.startswith(TEXT_MARK):
        cell = cell[1:].strip()
    return "" if cell.lower() in PLACEHOLDER_WORDS else cell


def clean_column(column: list[str]) -> list[str]:
    """A stripped column, cleaned as :func:`clean` does each cell, checked in C first.

    Most columns have neither a text mark nor a placeholder: one join and a few
    substring searches tell, and only a column that has one is cleaned cell by cell.
    """
    joined = _JOIN + _JOIN.join(column) + _JOIN
    if _JOIN + TEXT_MARK in joined or _has_placeholder(joined):
        return list(map(clean, column))
    return column


def _has_placeholder(joined: str) -> bool:
    lowered = joined if joined.isascii() and joined.islower() else joined.lower()
    return any(f"{_JOIN}{word}{_JOIN}" in lowered for word in PLACEHOLDER_WORDS)


def cleaned(cells: Iterable[str]) -> list[str]:
    return [clean(cell) for cell in cells]
