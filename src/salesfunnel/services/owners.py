"""Whose records a command shows, and handing a deal over to someone else."""

from __future__ import annotations

from salesfunnel.db.work import Work
from salesfunnel.domain.owners import owner_name
from salesfunnel.errors import BadValue

Whose = str | None  # one owner's records, or everybody's (None)


def whose(work: Work, *, team: bool = False, owner: str | None = None) -> Whose:
    """The current user's records by default; ``--owner NAME`` one user's; ``--team`` all."""
    if owner is not None:
        if team:
            raise BadValue("--team shows everybody's records, --owner one user's: give one")
        return owner_name(owner)
    return None if team else work.user


def only(alias: str, owner: Whose) -> str:
    """`` AND alias.owner = :owner`` for one owner's records; nothing for the team's."""
    return "" if owner is None else f" AND {alias}.owner = :owner"
