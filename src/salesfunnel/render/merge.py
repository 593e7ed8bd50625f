"""`merge --suggest` on screen: each group of likely duplicates, and the command that merges it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from salesfunnel.render.output import Column, Output

if TYPE_CHECKING:
    from salesfunnel.schemas import DuplicatePublic

CONTACT = [
    Column("id", lambda c: c.id, numeric=True),
    Column("name", lambda c: c.name, shrink=True),
    Column("email", lambda c: c.email),
    Column("phone", lambda c: c.phone),
    Column("company", lambda c: c.company, shrink=True, drop=1),
    Column("stage", lambda c: f"{c.stage} ({c.status})" if c.status else c.stage),
]


def render_suggestions(output: Output, groups: Sequence[DuplicatePublic]) -> None:
    """A heading per group (why they look alike), its contacts, then how to merge them."""
    for number, group in enumerate(groups, start=1):
        title = f"{number}. {group.reason}"
        if number == 1 and output.plain:
            output.line(title)  # no blank line at the very top of piped output
        else:
            output.heading(title)
        output.table(group.contacts, CONTACT)
        output.line(f"  {group.merge}")
