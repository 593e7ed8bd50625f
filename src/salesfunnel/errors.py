"""Named errors raised anywhere and turned into words only at the CLI boundary.

Each error carries its exit status, so the boundary needs no table of its own;
the statuses themselves live in one enum.
"""

from __future__ import annotations

from enum import IntEnum


class ExitStatus(IntEnum):
    """Every exit status salesfunnel uses (listed in docs/exit-codes.md)."""

    OK = 0
    REFUSED = 1  # unknown id, invalid transition, bad value, unusable database
    USAGE = 2  # unknown command or option, missing argument
    INTERRUPTED = 130  # Ctrl-C: the transaction was rolled back


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
