"""Recurring steps (`next --every`) and keep-in-touch cadences (`cadence.TAG`)."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salesfunnel.domain.dates import Interval, next_occurrence, parse_interval
from salesfunnel.errors import BadValue

# --- the interval, one parser ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "shown"),
    [("3d", "3d"), ("2w", "2w"), ("1m", "1m"), ("1y", "1y"), ("2 Weeks", "2w"), ("30 days", "30d")],
)
def test_intervals_are_read_as_typed(typed, shown) -> None:
    assert str(parse_interval(typed)) == shown


@pytest.mark.parametrize(
    "typed", ["", "0d", "2", "w", "-1w", "1.5w", "11y", "200m", "3 fortnights"]
)
def test_impossible_intervals_are_refused(typed) -> None:
    with pytest.raises(BadValue):
        parse_interval(typed)


INTERVALS = st.builds(Interval, st.integers(1, 24), st.sampled_from("dwm")) | st.builds(
    Interval, st.integers(1, 10), st.just("y")
)
DAYS = st.dates(date(1950, 1, 1), date(2900, 12, 31))


@given(INTERVALS)
def test_an_interval_reads_back_as_it_prints(every) -> None:
    assert parse_interval(str(every)) == every


@settings(deadline=None)
@given(DAYS, INTERVALS, st.integers(-400, 4000))
def test_the_next_occurrence_is_in_the_series_and_after_today(due, every, ahead) -> None:
    today = due + timedelta(days=ahead)
    following = next_occurrence(due, every, today)
    assert following > today
    assert following > due
    series = []
    for n in range(1, 5000):
        series.append(every.after(due, n))
        if series[-1] >= following:
            break
    assert series[-1] == following  # on the series
    assert len(series) == 1 or series[-2] <= today  # and none skipped that was still ahead


def test_a_month_keeps_its_day_where_it_can() -> None:
    assert Interval(1, "m").after(date(2026, 1, 31)) == date(2026, 2, 28)
    assert Interval(1, "m").after(date(2026, 1, 31), 2) == date(2026, 3, 31)  # not Mar 28


# --- recurring steps -------------------------------------------------------------------------


@pytest.fixture
def ana(ok) -> None:
    ok("lead", "add", "Ana", "--email", "ana@x.example", "--tag", "vip")


def test_doing_a_recurring_step_plans_the_next(ana, ok) -> None:
    planned = ok("next", "1", "call", "Check-in", "--due", "today 16:00", "--every", "2w")
    assert planned.stderr == (
        "Planned #1 call with Ana (#1), due Mon 2026-11-23 16:00, then every 2w.\n"
    )
    done = ok("done", "1")
    assert done.stderr.splitlines()[-1] == "Next: #2 call due Mon 2026-12-07 16:00 (every 2w)."
    step = json.loads(ok("show", "1", "--json").stdout)["planned"]
    assert [(s["id"], s["due_date"], s["every"], s["text"]) for s in step] == [
        (2, "2026-12-07", "2w", "Check-in")
    ]


def test_a_late_step_done_is_followed_by_the_next_date_ahead(ana, ok, monkeypatch) -> None:
    ok("next", "1", "call", "Weekly", "--due", "tomorrow", "--every", "1w")
    monkeypatch.setenv("SALESFUNNEL_NOW", "2026-12-15T09:00:00+00:00")  # three weeks late
    ok("done", "1")
    planned = json.loads(ok("show", "1", "--json").stdout)["planned"]
    assert [s["due_date"] for s in planned] == ["2026-12-22"]  # Tuesdays, the next one ahead


def test_snoozing_past_the_next_date_plans_the_next_one(ana, ok) -> None:
    ok("next", "1", "email", "Monthly report", "--due", "+2d", "--every", "1m")
    ok("snooze", "1")  # a week: still before the next date, the step moves alone
    assert len(json.loads(ok("show", "1", "--json").stdout)["planned"]) == 1
    result = ok("snooze", "1", "--to", "2027-01-10")
    assert result.stderr.splitlines()[-1] == "Next: #2 email due Fri 2026-12-25 (every 1m)."
    planned = json.loads(ok("show", "1", "--json").stdout)["planned"]
    assert [(s["id"], s["due_date"], s["every"]) for s in planned] == [
        (2, "2026-12-25", "1m"),
        (1, "2027-01-10", None),  # snoozed out of its series: done once
    ]


def test_undo_takes_back_the_step_done_and_the_one_it_planned(ana, ok, db) -> None:
    ok("next", "1", "call", "Weekly", "--due", "tomorrow", "--every", "1w")
    before = db("select * from activities")
    ok("done", "1")
    assert len(db("select * from activities")) == 2
    ok("undo", "--yes")
    assert db("select * from activities") == before


def test_a_bad_interval_is_refused_before_anything(ana, run, db) -> None:
    result = run("next", "1", "call", "x", "--due", "tomorrow", "--every", "fortnightly")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: can't read 'fortnightly' as an interval; use a count and a unit: 3d, 2w, "
        "1m or 1y (days, weeks, months, years)\n"
    )
    assert db("select count(*) from activities") == [(0,)]


# --- cadences ----------------------------------------------------------------------------------


def sections(ok, *args: str) -> dict[str, list[dict]]:
    todo = json.loads(ok("todo", "--json", *args).stdout)
    return {s["name"]: s["items"] for s in todo["sections"]}


def test_a_tag_cadence_flags_contacts_not_touched_within_it(ana, ok, monkeypatch) -> None:
    ok("lead", "add", "Bo", "--tag", "vip")
    ok("lead", "add", "Cy", "--tag", "smb")
    assert ok("config", "set", "cadence.VIP", "30d").stderr == "cadence.vip = 30d\n"
    assert sections(ok)["keep-in-touch"] == []  # all touched today
    monkeypatch.setenv("SALESFUNNEL_NOW", "2026-12-23T09:00:00+00:00")  # 30 days on
    flagged = sections(ok)["keep-in-touch"]
    assert [(i["contact_id"], i["idle_days"], i["cadence"]) for i in flagged] == [
        (1, 30, "30d for tag vip"),
        (2, 30, "30d for tag vip"),
    ]
    ok("log", "2", "call", "Caught up")  # a logged call resets it
    ok("next", "1", "meeting", "Lunch", "--due", "+3d")  # so does a step ahead
    assert sections(ok)["keep-in-touch"] == []
    digest = ok("digest").stdout
    assert "KEEP IN TOUCH" not in digest


def test_a_contacts_own_cadence_overrides_its_tags(ana, ok, monkeypatch) -> None:
    ok("config", "set", "cadence.vip", "1y")
    ok("config", "set", "cadence.contact.1", "2w")
    monkeypatch.setenv("SALESFUNNEL_NOW", "2026-12-08T09:00:00+00:00")
    items = sections(ok)["keep-in-touch"]
    assert [(i["contact_id"], i["cadence"]) for i in items] == [(1, "2w for this contact")]
    digest = ok("digest").stdout
    assert (
        "  - Ana (#1), lead, new: nothing done for 15 days (keep in touch: 2w for this contact)"
        in digest.splitlines()
    )
    assert "Keep in touch (1)" in ok("todo").stdout
    ok("config", "set", "cadence.contact.1", "off")
    assert sections(ok)["keep-in-touch"] == []  # the tag's year is not up


def test_cancelled_prospects_are_never_flagged(ok, monkeypatch) -> None:
    ok("prospect", "add", "Dee", "--email", "dee@x.example")
    ok("prospect", "cancel", "1", "--yes")
    ok("config", "set", "cadence.contact.1", "1w")
    monkeypatch.setenv("SALESFUNNEL_NOW", "2027-01-23T09:00:00+00:00")
    assert sections(ok)["keep-in-touch"] == []


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("cadence.vip", "0d", "Error: cadence.vip: '0d' is out of range: from 1d to 10y\n"),
        ("cadence.vip", "often", "Error: cadence.vip: can't read 'often' as an interval"),
        ("cadence.contact.x1", "1w", None),  # a tag named "contact.x1": fine
    ],
)
def test_cadence_settings_are_checked(ok, run, key, value, message) -> None:
    ok("lead", "add", "Ana")
    result = run("config", "set", key, value)
    if message is None:
        assert result.exit_code == 0
        return
    assert result.exit_code == 1
    assert result.stderr.startswith(message)
    assert json.loads(ok("config", "get", key, "--json").stdout)["value"] == "off"
