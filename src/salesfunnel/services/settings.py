"""Settings stored in the database: list, read, change, put back to the default; saved
views (``view.NAME``), which are settings too."""

from __future__ import annotations

from salesfunnel.db.work import OWNED, Work
from salesfunnel.domain.owners import USER_SETTING, login_name
from salesfunnel.domain.settings import (
    RENAMED,
    canonical_key,
    check_settings,
    is_view_key,
    listing_words,
    normalize_setting,
    setting_spec,
    setting_value,
    view_key,
    view_name,
)
from salesfunnel.errors import BadValue, NotFound
from salesfunnel.schemas import SettingPublic, ViewPublic


def list_settings(work: Work) -> list[SettingPublic]:
    return [get_setting(work, key) for key in work.settings()]  # per-stage keys after the rest


def get_setting(work: Work, key: str) -> SettingPublic:
    key = canonical_key(key)
    spec = setting_spec(key)
    value = setting_value(work.settings(), key)
    return SettingPublic(key=key, value=value, default=spec.default, help=spec.help)


def set_setting(work: Work, key: str, value: str) -> SettingPublic:
    """Checked before it is stored: a setting that would break a rule is refused.

    A setting stored under a name it had before is moved to its name of now.
    """
    key = canonical_key(key)
    canonical = normalize_setting(key, value)
    proposed = {**work.settings(), key: canonical}
    check_settings(key, proposed)  # e.g. pre-inactive days at or beyond inactive days
    changed = work.update_keyed("settings", {"key": key}, {"value": canonical})
    if not changed:
        work.insert_keyed("settings", {"key": key, "value": canonical})
    old_names = [old for old, new in RENAMED.items() if new == key]
    for old in old_names:
        work.delete("settings", {"key": old})
    work.forget_settings()
    return get_setting(work, key)


def unset_setting(work: Work, key: str) -> tuple[bool, SettingPublic | None]:
    """Remove a stored value: a setting goes back to its default, a saved view is gone.

    Returns whether a value was stored, and the setting as it now reads (None for a view);
    refuses a view that isn't saved (a typo would otherwise pass unnoticed).
    """
    key = canonical_key(key)
    spec = setting_spec(key)  # refuses an unknown name
    gone = work.delete("settings", {"key": key})
    for old in [old for old, new in RENAMED.items() if new == key]:
        gone += work.delete("settings", {"key": old})
    work.forget_settings()
    if is_view_key(key):
        if not gone:
            raise NotFound(f"no view named {view_name(key)!r}; see salesfunnel view --list")
        return True, None
    value = setting_value(work.settings(), key)
    return bool(gone), SettingPublic(key=key, value=value, default=spec.default, help=spec.help)


def list_views(work: Work) -> list[ViewPublic]:
    """The saved views, by name."""
    return [
        ViewPublic(name=view_name(key), command=value)
        for key, value in sorted(work.settings().items())
        if is_view_key(key)
    ]


def view_command(work: Work, name: str) -> list[str]:
    """The saved view's command line, as words to run."""
    key = view_key(name)
    stored = work.settings().get(key)
    if stored is None:
        known = ", ".join(view.name for view in list_views(work)) or "none yet"
        raise NotFound(f"no view named {view_name(key)!r}; the saved views: {known}")
    return listing_words(stored)


def set_user_name(work: Work, value: str) -> tuple[SettingPublic, int]:
    """``user.name`` on a personal (SQLite) database: who you are, and whose its records are.

    What the previous name owned (the stored ``user.name``, else the login name) is
    re-labelled with the new one, so that the listings still show it all: a personal
    database follows its owner's name.  The records of anyone else (a deal handed
    over) keep their owner.  Returns the setting and how many records were re-labelled.
    The re-labelling is one bulk UPDATE, which `undo` can't take back (undo stops
    here); setting the previous name again re-labels them back.

    On a server database the settings are the team's, so one person's name can't be
    one of them: each person is their SALESFUNNEL_USER, or their login name.
    """
    if work.dialect != "sqlite":
        raise BadValue(
            f"{USER_SETTING} is one person's and the settings of a server database are the "
            "team's: set SALESFUNNEL_USER in your environment instead (default: your login name)"
        )
    stored = work.value('SELECT value FROM settings WHERE "key" = :key', {"key": USER_SETTING})
    before = stored or login_name()
    setting = set_setting(work, USER_SETTING, value)
    after = setting.value or login_name()
    owned = {
        table: int(
            work.value(f"SELECT count(*) FROM {table} WHERE owner = :before", {"before": before})
        )
        for table in sorted(OWNED)
    }
    if after != before and any(owned.values()):
        work.not_undoable()
        for table in owned:
            work.execute(
                f"UPDATE {table} SET owner = :after WHERE owner = :before",
                {"before": before, "after": after},
            )
    return setting, sum(owned.values()) if after != before else 0
