"""Settings stored in the database: list, read, change."""

from __future__ import annotations

from salesfunnel.db.tables import Setting
from salesfunnel.db.uow import UnitOfWork
from salesfunnel.domain.settings import (
    check_settings,
    normalize_setting,
    setting_spec,
    setting_value,
)
from salesfunnel.schemas import SettingPublic


def list_settings(uow: UnitOfWork) -> list[SettingPublic]:
    return [get_setting(uow, key) for key in uow.settings()]  # per-stage keys after the rest


def get_setting(uow: UnitOfWork, key: str) -> SettingPublic:
    spec = setting_spec(key)
    value = setting_value(uow.settings(), key)
    return SettingPublic(key=key, value=value, default=spec.default, help=spec.help)


def set_setting(uow: UnitOfWork, key: str, value: str) -> SettingPublic:
    """Checked before it is stored: a setting that would break a rule is refused."""
    canonical = normalize_setting(key, value)
    proposed = {**uow.settings(), key: canonical}
    check_settings(key, proposed)  # e.g. pre-inactive days at or beyond inactive days
    row = uow.session.get(Setting, key)
    if row is None:
        uow.session.add(Setting(key=key, value=canonical))
    else:
        row.value = canonical
    uow.session.flush()
    uow.forget_settings()
    return get_setting(uow, key)
