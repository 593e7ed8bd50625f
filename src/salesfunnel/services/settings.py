"""Settings stored in the database: list, read, change, put back to the default; saved
views (``view.NAME``), which are settings too."""

from __future__ import annotations

from salesfunnel.db.work import Work
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
from salesfunnel.errors import NotFound
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
