"""What an import must make of a list of people, worked out row by row in plain Python.

The tests hold the import (SQL over a whole file) to this model of the rules of
docs/importing.md: the same email is the same person unless the names clearly
differ (a conflict: not imported); among the rows left, a shared phone merges a
row with no email into the earliest contact before it whose name agrees, one named
alike first.  The name rules themselves are
salesfunnel.domain.identity's, tested on their own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from salesfunnel.domain.identity import names_agree, names_clearly_differ

MATCHING_DIGITS = 6


@dataclass
class Person:
    name: str  # as typed ("" for none)
    email: str = ""
    phone: str = ""

    @property
    def email_key(self) -> str:
        return self.email.lower()

    @property
    def phone_key(self) -> str:
        digits = re.sub(r"\D", "", self.phone)
        return digits if len(digits) >= MATCHING_DIGITS else ""

    @property
    def stored_name(self) -> str:
        return self.name or self.email or self.phone


@dataclass
class Outcome:
    """Each row's fate: imported, duplicate (of a known contact or of a row), conflict."""

    fates: list[str] = field(default_factory=list)
    kept: list[Person] = field(default_factory=list)  # the rows imported, in order

    def count(self, fate: str) -> int:
        return sum(1 for f in self.fates if f == fate)


def model_import(rows: list[Person], known: list[Person] = ()) -> Outcome:  # type: ignore[assignment]
    """``known``: contacts the database had, in id order; ``rows``: the file's valid rows."""
    everyone = [*known, *rows]
    first = len(known)
    fates: dict[int, str] = {}
    by_email: dict[str, int] = {}
    for i, person in enumerate(everyone):
        if not person.email_key:
            continue
        if person.email_key not in by_email:
            by_email[person.email_key] = i
            continue
        earlier = everyone[by_email[person.email_key]]
        if names_clearly_differ(person.name, earlier.name):
            fates[i] = "conflict"
        else:
            fates[i] = "known" if by_email[person.email_key] < first else "in file"
    kept: dict[str, list[int]] = {}  # phone key -> contacts with it
    for i, person in enumerate(everyone):
        if i in fates or not person.phone_key:
            continue
        group = kept.setdefault(person.phone_key, [])
        allowed = []
        if i >= first and not person.email_key:
            allowed = [j for j in group if names_agree(person.name, everyone[j].name)]
        named = [j for j in allowed if person.name and everyone[j].name]
        target = (named or allowed or [None])[0]
        if target is None:
            group.append(i)
        else:
            fates[i] = "known" if target < first else "in file"
    outcome = Outcome()
    for i in range(first, len(everyone)):
        fate = fates.get(i, "imported")
        outcome.fates.append(fate)
        if fate == "imported":
            outcome.kept.append(everyone[i])
    return outcome
