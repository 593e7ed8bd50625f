"""What spreadsheets leave in cells: Excel's text marker and placeholders for nothing.

A leading ``'`` is how Excel keeps ``'+55 11 98765-4321`` or ``'00123`` as typed text: it
is not part of the value.  ``null``, ``N/A``, ``-`` and their like are how exports and
hand-typed sheets say "nothing here": they are read as empty cells, so a literal
``null`` never becomes a phone or a name.  Standard library only.
"""

from __future__ import annotations

# A cell that is one of these, once stripped, is empty (in the usual casings: null, NULL,
# Null; N/A, n/a, N/a).
PLACEHOLDER_WORDS = ("null", "nil", "none", "n/a", "#n/a", "n.a.", "-", "--", "---", "—", "–")
PLACEHOLDERS = frozenset(
    variant
    for word in PLACEHOLDER_WORDS
    for variant in (word, word.upper(), word.title(), word.capitalize())
)
TEXT_MARK = "'"


def clean(cell: str) -> str:
    """One cell, stripped, without Excel's text mark, and empty if it only says "nothing"."""
    cell = cell.strip()
    if cell.startswith(TEXT_MARK):
        cell = cell[1:].strip()
    return "" if cell in PLACEHOLDERS else cell


def clean_column(column: list[str]) -> list[str]:
    """A stripped column, cleaned as :func:`clean` does each cell, checked in C first.

    Most columns have neither a text mark nor a placeholder: a set operation and a
    search of the joined column for ``'`` tell (measured the cheapest checks), and only
    a column that has one is cleaned cell by cell.
    """
    if not PLACEHOLDERS.isdisjoint(column) or (
        TEXT_MARK in "".join(column) and any(cell.startswith(TEXT_MARK) for cell in column)
    ):
        return list(map(clean, column))
    return column
