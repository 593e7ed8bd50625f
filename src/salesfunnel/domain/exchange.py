"""The file format of `export contacts`, shared with the importer so an export imports back.

An export lists a contact's own fields, then where it stands in the funnel (salesfunnel's
own state, which an import does not take back: a re-imported contact starts afresh), and
guards text cells a spreadsheet would run as a formula with a leading single quote.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

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
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_CHARS = "".join(FORMULA_START)
# Text made of digits and phone punctuation can't call a function or another program:
# numbers ("-5", "1.200,50") and phones ("+351 912 345 678") are left as they are.
_NUMBER_OR_PHONE = re.compile(r"[+\-]?[\d\s().,/+\-]*\d[\d\s().,/+\-]*")


def neutralise(value: str) -> str:
    """A text cell a spreadsheet would run as a formula gets a leading single quote
    (every CSV salesfunnel writes: exports and rejected rows)."""
    if value and value[0] in _FORMULA_CHARS and not _NUMBER_OR_PHONE.fullmatch(value):
        return "'" + value
    return value


def is_contacts_export(header: Sequence[str]) -> bool:
    """A header carrying every field and state column is one of our own exports."""
    return set(CONTACT_FIELDS + CONTACT_STATE) <= {h.strip() for h in header}


def unguard(cell: str) -> str:
    """Undo the quote an export put before a cell that starts like a formula."""
    if len(cell) > 1 and cell[0] == "'" and cell[1] in _FORMULA_CHARS:
        return cell[1:]
    return cell
