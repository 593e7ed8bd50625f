"""The settings a user can change, their defaults and how a value is checked.

Settings live in the database (so a team on PostgreSQL shares them); this
module only knows their names, types and defaults.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from salesfunnel.domain.customers import StatusThresholds
from salesfunnel.domain.dates import DAY_NAMES, Interval, parse_interval, weekstart_from_name
from salesfunnel.domain.money import currency_code
from salesfunnel.domain.owners import USER_SETTING, owner_name
from salesfunnel.domain.pipeline import DEFAULT_STAGES, parse_stages
from salesfunnel.errors import BadValue, NotFound

ROTTING_DAYS = "deal.rotting_days"
CADENCE = "cadence"
_CADENCE_KEY = re.compile(r"cadence\.(?:contact\.(?P<contact>[0-9]{1,18})|(?P<tag>\S+))")
CADENCE_OFF = "off"
VIEW = "view"
_VIEW_KEY = re.compile(r"view\.(?P<name>[a-z0-9][a-z0-9_-]{0,49})", re.IGNORECASE)
# What a saved view may run: the commands that only list or report, as their words.
LISTINGS = (
    ("prospect", "list"),
    ("prospect", "lists"),
    ("lead", "list"),
    ("deal", "list"),
    ("pipeline",),
    ("customer", "list"),
    ("source", "list"),
    ("search",),
    ("todo",),
    ("digest",),
    ("report", "funnel"),
    ("report", "sources"),
    ("report", "forecast"),
)
# Options a view can't hold: the database is the one the view is stored in, and help or
# the version is no listing.
_NOT_IN_VIEWS = frozenset({"--db", "--help", "-h", "--version"})
_STAGE_KEY = re.compile(re.escape(ROTTING_DAYS) + r"\.(?P<stage>[^\s.,:]+)")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


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


def _weight(value: str) -> str:
    """A priority weight: a number of points, zero or more (0 turns a term off)."""
    try:
        number = float(value.strip())
    except ValueError:
        raise BadValue(f"{value!r} is not a number (e.g. 2 or 0.5)") from None
    if not 0 <= number <= 1000:
        raise BadValue(f"{value.strip()} is out of range: use 0 to 1000")
    return f"{number:g}"


def _weekday(value: str) -> str:
    """Any weekday name dates read (``fri``, ``Friday``), stored in full: ``friday``."""
    return DAY_NAMES[weekstart_from_name(value)]


def _user_name(value: str) -> str:
    """A person's name; empty: none stored, the login name is used (domain/owners.py)."""
    return owner_name(value) if value.strip() else ""


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
        SettingSpec(
            "currency.default",
            "USD",
            "currency of new deals, purchases and costs when none is given, and of totals",
            currency_code,
        ),
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
        SettingSpec(
            "lead.stale_days",
            "14",
            "an open lead with no activity for this many days and no step ahead is stale",
            _positive_int,
        ),
        SettingSpec(
            ROTTING_DAYS,
            "30",
            "an open deal with no activity or stage change for this many days and no step "
            f"ahead is rotting; per stage: {ROTTING_DAYS}.<stage>",
            _positive_int,
        ),
        SettingSpec(
            "activity.snooze_days",
            "7",
            "days snooze puts a step off by, without --to",
            _positive_int,
        ),
        SettingSpec(
            "todo.weight.starred",
            "100",
            "priority points for a starred contact (100 outweighs all the rest: starred first)",
            _weight,
        ),
        SettingSpec(
            "todo.weight.overdue",
            "2",
            "priority points per day a step is late, or a lead or deal past its limit (30 at most)",
            _weight,
        ),
        SettingSpec(
            "todo.weight.value",
            "5",
            "priority points x log10(1 + weighted deal value / 1000)",
            _weight,
        ),
        SettingSpec(
            "todo.weight.stage",
            "4",
            "priority points x how far along the pipeline the deal is (last stage = 1)",
            _weight,
        ),
        SettingSpec(
            "todo.weight.due",
            "5",
            "priority points for a step due today, less each day further off (0 in 7 days)",
            _weight,
        ),
        SettingSpec(
            USER_SETTING,
            "",
            "who you are: the owner of what you add and whose records listings show "
            "(SALESFUNNEL_USER overrides it; empty: your login name)",
            _user_name,
        ),
    ]
}


# Names a setting had before, still read and written under its name of now.
RENAMED = {"deal.currency": "currency.default"}


def canonical_key(key: str) -> str:
    """A setting's name of now: ``deal.currency`` is ``currency.default``; a cadence's tag
    is lower-case, as tags are stored (``cadence.VIP`` is ``cadence.vip``)."""
    if _CADENCE_KEY.fullmatch(key) or _VIEW_KEY.fullmatch(key):
        return key.lower()
    return RENAMED.get(key, key)


def is_view_key(key: str) -> bool:
    return _VIEW_KEY.fullmatch(key) is not None


def view_name(key: str) -> str:
    """``view.vip`` -> ``vip``; refuses a key that is no view's."""
    match = _VIEW_KEY.fullmatch(key)
    if match is None:
        raise BadValue(
            f"{key!r} is no view name: letters, digits, - and _, up to 50 (e.g. view.vip)"
        )
    return match["name"].lower()


def view_key(name: str) -> str:
    """The setting that holds the view ``name``: ``view.<name>``."""
    return f"{VIEW}.{view_name(f'{VIEW}.{name.strip()}')}"


def listing_words(value: str) -> list[str]:
    """A saved view's command line, as words: it must be one of the LISTINGS (``lead list
    --tag vip``), without a database, help or version option."""
    try:
        words = shlex.split(value)
    except ValueError as error:
        raise BadValue(f"{value!r} is not a command line: {error}") from None
    if not words:
        raise BadValue('a view needs a listing command, e.g. "lead list --tag vip"')
    listing = next((names for names in LISTINGS if tuple(words[: len(names)]) == names), None)
    if listing is None:
        known = ", ".join(" ".join(names) for names in LISTINGS)
        raise BadValue(
            f"a view runs a listing, not {shlex.join(words[:2])!r}; the listings: {known}"
        )
    for word in words:
        if word.split("=", 1)[0] in _NOT_IN_VIEWS:
            raise BadValue(f"a view can't hold {word.split('=', 1)[0]}")
    return words


def _view(value: str) -> str:
    """A listing's command line, spelled as a shell would take it."""
    return shlex.join(listing_words(value))


def _cadence(value: str) -> str:
    """An interval (``30d``, ``2w``, ``1m``), or ``off`` to stop keeping in touch."""
    if value.strip().lower() in (CADENCE_OFF, "none", "0"):
        return CADENCE_OFF
    return str(parse_interval(value))


def is_cadence_key(key: str) -> bool:
    return _CADENCE_KEY.fullmatch(key) is not None


def cadences(values: Mapping[str, str]) -> tuple[dict[str, Interval], dict[int, Interval]]:
    """The keep-in-touch cadences that are on: per tag, and per contact (which overrides
    its tags')."""
    by_tag: dict[str, Interval] = {}
    by_contact: dict[int, Interval] = {}
    for key, value in values.items():
        match = _CADENCE_KEY.fullmatch(key)
        if match is None or value == CADENCE_OFF:
            continue
        if match["contact"] is not None:
            by_contact[int(match["contact"])] = parse_interval(value)
        else:
            by_tag[match["tag"]] = parse_interval(value)
    return by_tag, by_contact


def setting_spec(key: str) -> SettingSpec:
    key = canonical_key(key)
    if key in SETTINGS:
        return SETTINGS[key]
    stage = rotting_stage_of(key)
    if stage is not None:
        return SettingSpec(
            key,
            SETTINGS[ROTTING_DAYS].default,
            f"{ROTTING_DAYS} for deals in the {stage} stage",
            _positive_int,
        )
    cadence = _CADENCE_KEY.fullmatch(key)
    if cadence is not None:
        whom = (
            f"contact #{cadence['contact']}"
            if cadence["contact"] is not None
            else f"contacts tagged {cadence['tag']}"
        )
        return SettingSpec(
            key,
            CADENCE_OFF,
            f"keep in touch with {whom}: todo flags them when nothing was done with them "
            "for this long (30d, 2w, 1m; off)",
            _cadence,
        )
    if is_view_key(key):
        return SettingSpec(
            key,
            "",
            f"saved view: `salesfunnel view {view_name(key)}` runs this listing",
            _view,
        )
    known = ", ".join(
        [
            *SETTINGS,
            f"{ROTTING_DAYS}.<stage>",
            "cadence.<tag>",
            "cadence.contact.<id>",
            "view.<name>",
        ]
    )
    raise BadValue(f"unknown setting {key!r}; the settings are: {known}")


def rotting_stage_of(key: str) -> str | None:
    """The stage a per-stage ``deal.rotting_days.<stage>`` key names, or None."""
    match = _STAGE_KEY.fullmatch(key)
    return match["stage"] if match else None


def setting_value(values: Mapping[str, str], key: str) -> str:
    """A setting's value; a per-stage key not set falls back to its general setting."""
    key = canonical_key(key)
    if key in values:
        return values[key]
    spec = setting_spec(key)
    if is_view_key(key):
        raise NotFound(f"no view named {view_name(key)!r}; see salesfunnel view --list")
    return spec.default if is_cadence_key(key) else values[ROTTING_DAYS]


def check_settings(key: str, proposed: Mapping[str, str]) -> None:
    """Rules across settings, checked before ``key`` is stored with its proposed value.

    A per-stage key must name a stage of the pipeline as it is now (a typo would
    otherwise be stored and silently never used); a key left behind by a stage that was
    later removed is kept and ignored.
    """
    thresholds_from(proposed)
    stage = rotting_stage_of(key)
    if stage is not None:
        stages = [s.name for s in parse_stages(proposed["pipeline.stages"])]
        if stage not in stages:
            raise BadValue(
                f"{key}: {stage!r} is not a pipeline stage; the stages are: {', '.join(stages)}"
            )


def rotting_days_for(values: Mapping[str, str], stage: str) -> int:
    """Days without activity or stage change after which an open deal in ``stage`` rots."""
    return int(values.get(f"{ROTTING_DAYS}.{stage}", values[ROTTING_DAYS]))


def normalize_setting(key: str, value: str) -> str:
    """Check a value for ``key`` and give it its canonical spelling."""
    spec = setting_spec(key)
    try:
        return spec.normalize(value)
    except BadValue as error:
        raise BadValue(f"{key}: {error}") from None


def as_bool(value: str) -> bool:
    return value == "true"


def thresholds_from(values: Mapping[str, str]) -> StatusThresholds:
    return StatusThresholds(
        int(values["customer.pre_inactive_days"]), int(values["customer.inactive_days"])
    )


def weekday_index(name: str) -> int:
    return weekstart_from_name(name)
