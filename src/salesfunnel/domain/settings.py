"""The settings a user can change, their defaults and how a value is checked.

Settings live in the database (so a team on PostgreSQL shares them); this
module only knows their names, types and defaults.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from salesfunnel.domain.customers import StatusThresholds
from salesfunnel.domain.pipeline import DEFAULT_STAGES, parse_stages
from salesfunnel.errors import BadValue

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


def _boolean(value: str) -> str:
    word = value.strip().lower()
    if word in _TRUE:
        return "true"
    if word in _FALSE:
        return "false"
    raise BadValue(f"{value!r} is not true or false")


def _positive_int(value: str) -> str:
    try:
        number = int(value)
    except ValueError:
        raise BadValue(f"{value!r} is not a whole number") from None
    if number <= 0:
        raise BadValue(f"{number} must be above zero")
    return str(number)


def _weekday(value: str) -> str:
    word = value.strip().lower()
    if word not in _WEEKDAYS:
        raise BadValue(f"{value!r} is not a weekday name (monday ... sunday)")
    return word


def _currency(value: str) -> str:
    code = value.strip().upper()
    if len(code) != 3 or not code.isalpha():
        raise BadValue(f"{value!r} is not a three-letter currency code (EUR, USD, BRL...)")
    return code


def _stages(value: str) -> str:
    stages = parse_stages(value)
    return ",".join(f"{s.name}:{s.probability}" for s in stages)


@dataclass(frozen=True)
class SettingSpec:
    key: str
    default: str
    help: str
    normalize: Callable[[str], str]


SETTINGS: dict[str, SettingSpec] = {
    spec.key: spec
    for spec in [
        SettingSpec(
            "automation.open_deal_on_qualify",
            "true",
            "qualifying a lead as sql opens a deal for it",
            _boolean,
        ),
        SettingSpec(
            "customer.pre_inactive_days",
            "90",
            "days since the last purchase after which a customer is pre-inactive",
            _positive_int,
        ),
        SettingSpec(
            "customer.inactive_days",
            "180",
            "days since the last purchase after which a customer is inactive",
            _positive_int,
        ),
        SettingSpec("deal.currency", "USD", "currency of a new deal when none is given", _currency),
        SettingSpec(
            "pipeline.stages",
            DEFAULT_STAGES,
            "open-deal stages in order, each with its default win probability (%)",
            _stages,
        ),
        SettingSpec(
            "locale.dayfirst",
            "false",
            "read 03/04/2026 as 3 April (day first) rather than March 4",
            _boolean,
        ),
        SettingSpec("locale.weekstart", "monday", "first day of the week, for eow", _weekday),
    ]
}


def setting_spec(key: str) -> SettingSpec:
    try:
        return SETTINGS[key]
    except KeyError:
        known = ", ".join(SETTINGS)
        raise BadValue(f"unknown setting {key!r}; the settings are: {known}") from None


def normalize_setting(key: str, value: str) -> str:
    """Check a value for ``key`` and give it its canonical spelling."""
    spec = setting_spec(key)
    try:
        return spec.normalize(value)
    except BadValue as error:
        raise BadValue(f"{key}: {error}") from None


def as_bool(value: str) -> bool:
    return value == "true"


def thresholds_from(values: dict[str, str]) -> StatusThresholds:
    return StatusThresholds(
        int(values["customer.pre_inactive_days"]), int(values["customer.inactive_days"])
    )


def weekday_index(name: str) -> int:
    return _WEEKDAYS.index(name)
