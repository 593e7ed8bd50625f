"""The funnel's rules on their own: no database, no CLI, just the domain functions."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salesfunnel.domain.customers import CustomerStatus, StatusThresholds, customer_status_as_of
from salesfunnel.domain.lifecycle import (
    TRANSITIONS,
    DealStatus,
    LeadStatus,
    ProspectStatus,
    check_level_upgrade,
    transition,
    transitions_markdown,
)
from salesfunnel.domain.pipeline import (
    DEFAULT_STAGES,
    PipelineStage,
    find_stage,
    parse_stages,
    probability_after_move,
    validate_probability,
)
from salesfunnel.domain.settings import (
    SETTINGS,
    as_bool,
    normalize_setting,
    setting_spec,
    thresholds_from,
)
from salesfunnel.errors import BadValue, InvalidTransition

# Every state each entity can be in, and every action the rulebook knows (for any entity).
STATES: dict[str, list[str]] = {
    "prospect": list(ProspectStatus),
    "lead": list(LeadStatus),
    "deal": list(DealStatus),
    "customer": ["active", "churned"],
}
ACTIONS = sorted({action for (_, _, action) in TRANSITIONS})
REFUSED = [
    (entity, state, action)
    for entity, states in STATES.items()
    for state in states
    for action in ACTIONS
    if (entity, state, action) not in TRANSITIONS
]
RANK = {CustomerStatus.ACTIVE: 0, CustomerStatus.PRE_INACTIVE: 1, CustomerStatus.INACTIVE: 2}
DEFAULT = StatusThresholds()
BOUGHT = date(2026, 1, 1)


# -- transitions --------------------------------------------------------------------------


def test_the_rulebook_names_only_known_states() -> None:
    for (entity, state, _action), new in TRANSITIONS.items():
        assert state in STATES[entity]
        assert new in STATES[entity] or (entity, new) == ("customer", "churned")


@pytest.mark.parametrize(("key", "new"), list(TRANSITIONS.items()), ids=str)
def test_every_allowed_transition_gives_its_new_state(key: tuple[str, str, str], new: str) -> None:
    entity, state, action = key
    assert transition(entity, state, action) == new


@pytest.mark.parametrize(("entity", "state", "action"), REFUSED, ids=str)
def test_every_other_transition_is_refused_in_one_line(
    entity: str, state: str, action: str
) -> None:
    with pytest.raises(InvalidTransition) as refused:
        transition(entity, state, action, label=f"{entity} #7")
    message = str(refused.value)
    assert "\n" not in message
    assert message.startswith(f"can't {action} {entity} #7: ")
    reason = message.removeprefix(f"can't {action} {entity} #7: ")
    assert state in reason or reason.startswith(("it was", "it is already", "it has already"))
    allowed = sorted(a for (e, s, a) in TRANSITIONS if (e, s) == (entity, state))
    if allowed:
        assert message.endswith(f"from {state} you can: {', '.join(allowed)}")


@pytest.mark.parametrize(
    ("entity", "state", "action", "reason"),
    [
        ("deal", "won", "win", "it was won"),
        ("deal", "lost", "win", "it was lost"),
        ("deal", "won", "move", "it was won"),
        ("prospect", "cancelled", "convert", "it was cancelled (do not contact)"),
        ("prospect", "converted", "cancel", "it is already a lead"),
        ("lead", "disqualified", "qualify", "it was disqualified"),
        ("lead", "qualified", "disqualify", "it is already qualified"),
        ("customer", "churned", "churn", "it has already churned"),
    ],
)
def test_a_refusal_says_why(entity: str, state: str, action: str, reason: str) -> None:
    with pytest.raises(InvalidTransition, match=re.escape(f"can't {action} {entity}: {reason}")):
        transition(entity, state, action)


def test_a_refusal_from_a_live_state_lists_what_is_possible() -> None:
    with pytest.raises(InvalidTransition) as refused:
        transition("lead", "new", "win", label="lead #3 Ana")
    assert str(refused.value) == (
        "can't win lead #3 Ana: it is new; from new you can: contact, disqualify, qualify"
    )


@pytest.mark.slow
@given(st.text(max_size=12), st.text(max_size=12), st.text(max_size=12))
def test_transition_either_follows_the_table_or_refuses(
    entity: str, state: str, action: str
) -> None:
    try:
        new = transition(entity, state, action)
    except InvalidTransition as refused:
        assert (entity, state, action) not in TRANSITIONS
        assert str(refused).startswith("can't ")
    else:
        assert TRANSITIONS[(entity, state, action)] == new


def test_the_docs_table_lists_every_transition() -> None:
    table = transitions_markdown()
    assert table.count("\n") == len(TRANSITIONS) + 1
    for (entity, state, action), new in TRANSITIONS.items():
        assert f"| {entity} | {state} | `{action}` | {new} |" in table


@pytest.mark.parametrize(("current", "requested"), [(None, "mql"), (None, "sql"), ("mql", "sql")])
def test_qualification_level_may_rise(current: str | None, requested: str) -> None:
    check_level_upgrade(current, requested)


@pytest.mark.parametrize(
    ("current", "requested", "message"),
    [
        ("sql", "mql", "can't qualify as mql: already qualified as sql"),
        ("sql", "sql", "can't qualify: already qualified as sql"),
        ("mql", "mql", "can't qualify: already qualified as mql"),
    ],
)
def test_qualification_level_never_drops_or_repeats(
    current: str, requested: str, message: str
) -> None:
    with pytest.raises(InvalidTransition, match=f"^{message}$"):
        check_level_upgrade(current, requested)


# -- pipeline -----------------------------------------------------------------------------


def test_default_stages_in_order_with_their_probabilities() -> None:
    assert parse_stages(DEFAULT_STAGES) == [
        PipelineStage("qualification", 10),
        PipelineStage("meeting", 25),
        PipelineStage("proposal", 50),
        PipelineStage("negotiation", 75),
    ]


def test_stage_names_are_trimmed_and_lower_cased() -> None:
    assert parse_stages(" Demo : 5 , Closing:90") == [
        PipelineStage("demo", 5),
        PipelineStage("closing", 90),
    ]


@pytest.mark.parametrize(
    ("setting", "fragment"),
    [
        ("qualification", "'qualification' is not name:probability"),
        (":10", "':10' is not name:probability"),
        ("a:10,", "'' is not name:probability"),
        ("a:10,A:20", "a stage name appears twice"),
        ("a:100", "probability 100 is out of range"),
        ("a:ten", "probability 'ten' is not a whole number"),
    ],
)
def test_bad_stage_settings_are_refused(setting: str, fragment: str) -> None:
    with pytest.raises(BadValue, match=fragment):
        parse_stages(setting)


@pytest.mark.parametrize(("value", "expected"), [(0, 0), ("99", 99), (" 42 ", 42)])
def test_probability_from_0_to_99(value: str | int, expected: int) -> None:
    assert validate_probability(value) == expected


@pytest.mark.parametrize("value", [-1, 100, "100", "5.5", "", "half"])
def test_probability_outside_0_to_99_is_refused(value: str | int) -> None:
    with pytest.raises(BadValue, match="probability"):
        validate_probability(value)


def test_an_unknown_stage_names_the_known_ones() -> None:
    stages = parse_stages(DEFAULT_STAGES)
    assert find_stage(stages, " Proposal ") == PipelineStage("proposal", 50)
    with pytest.raises(BadValue, match="the stages are: qualification, meeting, proposal"):
        find_stage(stages, "closing")


@given(
    current=st.integers(0, 99),
    stages=st.lists(
        st.builds(PipelineStage, st.sampled_from(["a", "b", "c"]), st.integers(0, 99)),
        min_size=1,
        max_size=6,
    ),
)
def test_a_manual_probability_sticks_across_any_moves(
    current: int, stages: list[PipelineStage]
) -> None:
    manual = current
    for stage in stages:
        manual = probability_after_move(manual, True, stage)
    assert manual == current
    automatic = current
    for stage in stages:
        automatic = probability_after_move(automatic, False, stage)
    assert automatic == stages[-1].probability


# -- customer status ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "status"),
    [
        (0, CustomerStatus.ACTIVE),
        (90, CustomerStatus.ACTIVE),
        (91, CustomerStatus.PRE_INACTIVE),
        (180, CustomerStatus.PRE_INACTIVE),
        (181, CustomerStatus.INACTIVE),
        (2000, CustomerStatus.INACTIVE),
    ],
)
def test_status_at_the_threshold_edges(days: int, status: CustomerStatus) -> None:
    assert customer_status_as_of(BOUGHT, BOUGHT + timedelta(days=days), DEFAULT) == status


def test_thresholds_come_from_the_settings() -> None:
    custom = StatusThresholds(pre_inactive_days=10, inactive_days=20)
    as_of = BOUGHT + timedelta(days=11)
    assert customer_status_as_of(BOUGHT, as_of, custom) == CustomerStatus.PRE_INACTIVE
    assert customer_status_as_of(BOUGHT, as_of, DEFAULT) == CustomerStatus.ACTIVE


def test_a_churn_after_the_last_purchase_makes_the_customer_inactive() -> None:
    churned = BOUGHT + timedelta(days=5)
    as_of = BOUGHT + timedelta(days=6)
    assert customer_status_as_of(BOUGHT, as_of, DEFAULT, churned_on=churned) == "inactive"
    assert customer_status_as_of(BOUGHT, churned, DEFAULT, churned_on=churned) == "inactive"


def test_a_churn_still_ahead_of_the_as_of_date_does_not_count_yet() -> None:
    churned = BOUGHT + timedelta(days=30)
    as_of = BOUGHT + timedelta(days=10)
    assert customer_status_as_of(BOUGHT, as_of, DEFAULT, churned_on=churned) == "active"


def test_a_purchase_after_the_churn_counts_from_the_purchase() -> None:
    churned = BOUGHT - timedelta(days=30)
    assert customer_status_as_of(BOUGHT, BOUGHT, DEFAULT, churned_on=churned) == "active"
    later = BOUGHT + timedelta(days=91)
    assert customer_status_as_of(BOUGHT, later, DEFAULT, churned_on=churned) == "pre-inactive"


def test_a_churn_on_the_day_of_the_last_purchase_wins() -> None:
    """Same day: the purchase was not *after* the churn, so the contract is broken."""
    assert customer_status_as_of(BOUGHT, BOUGHT, DEFAULT, churned_on=BOUGHT) == "inactive"


@pytest.mark.parametrize(("pre", "inactive"), [(0, 10), (-1, 10), (90, 90), (100, 90)])
def test_thresholds_must_be_positive_and_ordered(pre: int, inactive: int) -> None:
    with pytest.raises(BadValue, match="customer.pre_inactive_days must be positive"):
        StatusThresholds(pre, inactive)


thresholds = st.integers(1, 400).flatmap(
    lambda pre: st.builds(StatusThresholds, st.just(pre), st.integers(pre + 1, pre + 400))
)
days = st.dates(date(2020, 1, 1), date(2030, 12, 31))


@given(
    last_purchase=days,
    first=st.integers(0, 1000),
    gap=st.integers(0, 1000),
    limits=thresholds,
    churned_on=st.none() | days,
)
def test_status_only_worsens_as_the_as_of_date_advances(
    last_purchase: date, first: int, gap: int, limits: StatusThresholds, churned_on: date | None
) -> None:
    d1 = last_purchase + timedelta(days=first)
    d2 = d1 + timedelta(days=gap)
    before = customer_status_as_of(last_purchase, d1, limits, churned_on=churned_on)
    after = customer_status_as_of(last_purchase, d2, limits, churned_on=churned_on)
    assert RANK[before] <= RANK[after]


@given(last_purchase=days, elapsed=st.integers(0, 1000), limits=thresholds)
def test_status_follows_the_days_since_the_last_purchase(
    last_purchase: date, elapsed: int, limits: StatusThresholds
) -> None:
    status = customer_status_as_of(last_purchase, last_purchase + timedelta(elapsed), limits)
    if elapsed <= limits.pre_inactive_days:
        assert status == CustomerStatus.ACTIVE
    elif elapsed <= limits.inactive_days:
        assert status == CustomerStatus.PRE_INACTIVE
    else:
        assert status == CustomerStatus.INACTIVE


# -- settings -----------------------------------------------------------------------------


def test_every_default_is_already_in_its_canonical_form() -> None:
    for key, spec in SETTINGS.items():
        assert normalize_setting(key, spec.default) == spec.default
    assert thresholds_from({k: s.default for k, s in SETTINGS.items()}) == StatusThresholds()


@pytest.mark.parametrize(
    ("key", "value", "canonical"),
    [
        ("automation.open_deal_on_qualify", " Yes", "true"),
        ("automation.open_deal_on_qualify", "ON", "true"),
        ("automation.open_deal_on_qualify", "0", "false"),
        ("locale.dayfirst", "No", "false"),
        ("customer.pre_inactive_days", " 60 ", "60"),
        ("customer.inactive_days", "365", "365"),
        ("currency.default", " eur ", "EUR"),
        ("locale.weekstart", "Sunday", "sunday"),
        ("pipeline.stages", "Demo: 20 , Closing:80", "demo:20,closing:80"),
    ],
)
def test_settings_take_their_canonical_spelling(key: str, value: str, canonical: str) -> None:
    assert normalize_setting(key, value) == canonical


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("automation.open_deal_on_qualify", "maybe", "'maybe' is not true or false"),
        ("customer.pre_inactive_days", "0", "0 must be above zero"),
        ("customer.inactive_days", "-5", "-5 must be above zero"),
        ("customer.inactive_days", "soon", "'soon' is not a whole number"),
        ("currency.default", "EURO", "'EURO' is not a three-letter currency code"),
        ("currency.default", "E1R", "'E1R' is not a three-letter currency code"),
        ("locale.weekstart", "funday", "can't read 'funday' as a weekday"),
        ("pipeline.stages", "demo", "pipeline.stages: 'demo' is not name:probability"),
    ],
)
def test_bad_setting_values_are_refused_naming_the_key(key: str, value: str, message: str) -> None:
    with pytest.raises(BadValue) as refused:
        normalize_setting(key, value)
    assert str(refused.value).startswith(f"{key}: ")
    assert message in str(refused.value)
    assert "\n" not in str(refused.value)


def test_an_unknown_setting_lists_the_known_ones() -> None:
    with pytest.raises(BadValue, match="unknown setting 'deal.colour'; the settings are: "):
        setting_spec("deal.colour")
    with pytest.raises(BadValue, match="automation.open_deal_on_qualify, customer"):
        normalize_setting("deal.colour", "red")


def test_booleans_read_back_from_their_canonical_form() -> None:
    assert as_bool(normalize_setting("locale.dayfirst", "yes")) is True
    assert as_bool(normalize_setting("locale.dayfirst", "off")) is False


def test_thresholds_from_stored_settings() -> None:
    values = {"customer.pre_inactive_days": "30", "customer.inactive_days": "60"}
    assert thresholds_from(values) == StatusThresholds(30, 60)
    with pytest.raises(BadValue, match="below customer.inactive_days"):
        thresholds_from({"customer.pre_inactive_days": "60", "customer.inactive_days": "30"})
