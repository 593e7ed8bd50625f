"""Settings stored in the database: list, read, change."""

from __future__ import annotations

from salesfunnel.db.work import Work
from salesfunnel.domain.settings import (
    RENAMED,
    canonical_key,
    check_settings,
    normalize_setting,
    setting_spec,
    setting_value,
)
from salesfunnel.schemas import SettingPublic


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
