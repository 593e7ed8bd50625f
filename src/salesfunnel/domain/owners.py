"""Who is using salesfunnel: the owner of what they add, and whose records they see.

The current user is, in this order: ``SALESFUNNEL_USER`` from the environment, the
``user.name`` setting, the login name; ``me`` when there is no login name to be had
(cron's bare environment, a container with no user entry).  Names are compared as
stored: ``ana`` and ``Ana`` are two people.
"""

from __future__ import annotations

import getpass
import os

from salesfunnel.errors import BadValue

USER_ENV = "SALESFUNNEL_USER"
USER_SETTING = "user.name"
NOBODY = "me"  # when the login name can't be read
MAX_NAME = 80


def login_name() -> str:
    """The login name, or ``me`` when the system can't say (no LOGNAME, USER or passwd entry)."""
    try:
        name = getpass.getuser().strip()
    except Exception:  # getpass raises OSError or KeyError, depending on the platform
        return NOBODY
    return name or NOBODY


def current_user(setting: str | None) -> str:
    """The environment's name, else the ``user.name`` setting, else the login name."""
    for name in (os.environ.get(USER_ENV), setting):
        if name is not None and name.strip():
            return name.strip()
    return login_name()


def owner_name(value: str) -> str:
    """A user name as typed (``deal assign 4 ana``, ``--owner ana``): trimmed, one line."""
    name = value.strip()
    if not name:
        raise BadValue("a user name can't be empty")
    if len(name) > MAX_NAME or any(not ch.isprintable() for ch in name):
        raise BadValue(f"a user name is one line of at most {MAX_NAME} characters")
    return name
