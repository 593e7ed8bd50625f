"""Named errors raised anywhere and turned into words only at the CLI boundary.

Each error carries its exit status, so the boundary needs no table of its own;
the statuses themselves live in one enum.
"""

from __future__ import annotations

import os
from enum import IntEnum

DEBUG_VARIABLE = "SALESFUNNEL_DEBUG"


def debugging() -> bool:
    """Whether to show what is normally hidden: tracebacks, libraries' own log lines."""
    return os.environ.get(DEBUG_VARIABLE, "").strip() not in ("", "0")


class ExitStatus(IntEnum):
    """Every exit status salesfunnel uses, each with its meaning (docs/exit-codes.md)."""

    meaning: str

    def __new__(cls, value: int, meaning: str) -> ExitStatus:
        member = int.__new__(cls, value)
        member._value_ = value
        member.meaning = meaning
        return member

    OK = 0, "done: the command did what it was asked"
    REFUSED = 1, "refused, nothing changed: unknown id, invalid transition, bad value or date"
    USAGE = 2, "usage error: unknown command or option, missing or malformed argument"
    INTERRUPTED = 130, "interrupted (Ctrl-C): the transaction was rolled back, nothing written"


class SalesfunnelError(Exception):
    """A refusal the user can act on: one line, exit status 1, nothing written."""

    status = ExitStatus.REFUSED


class NotFound(SalesfunnelError):
    """An id or email that names nothing."""


class InvalidTransition(SalesfunnelError):
    """A lifecycle move the funnel does not allow (winning a lost deal...)."""


class BadValue(SalesfunnelError):
    """A value that cannot be used: a negative amount, an unknown stage, a bad date."""


class DatabaseError(SalesfunnelError):
    """The database cannot be opened, read or upgraded."""


class CannotUndo(SalesfunnelError):
    """`undo` can't take the last command back exactly: nothing to undo, a command undo
    doesn't take back (undo-import), or rows it wrote were changed since by something else."""


class ChangedMeanwhile(SalesfunnelError):
    """`edit`: the record changed in the database while its form was open in the editor."""


class EditCalledOff(SalesfunnelError):
    """`edit` did nothing: the form was emptied, or there is no editor to run, or it failed."""


class NotConfirmed(SalesfunnelError):
    """A change that asks first ran with no terminal to ask on: pass --yes."""
