"""`report funnel | sources | forecast` on a crafted history, placed in time with
SALESFUNNEL_NOW; every expected number is worked out by hand next to it."""

from __future__ import annotations

import io
import json
import os
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from salesfunnel.db.connect import database
from salesfunnel.db.work import Work
from salesfunnel.domain import metrics
from salesfunnel.render.output import Output
from salesfunnel.render.reports import FUNNEL_WIDTH, render_funnel
from salesfunnel.services.reports import funnel_report

NOVEMBER = ("--since", "2026-11-01", "--until", "2026-11-30")


@pytest.fixture
def at(monkeypatch):
    """``at("2026-11-03T09:00")``: the following commands happen then (UTC)."""

    def travel(moment: str) -> None:
        monkeypatch.setenv("SALESFUNNEL_NOW", f"{moment}:00+00:00")

    return travel


def copy_database(source: Path, target: Path) -> None:
    with sqlite3.connect(source) as original, sqlite3.connect(target) as copy:
        original.backup(copy)


@pytest.fixture(scope="module")
def history_file(tmp_path_factory, run) -> Path:
    """The history below, built once for the module; each test gets its own copy."""
    path = tmp_path_factory.mktemp("history") / "funnel.db"
    with pytest.MonkeyPatch.context() as env:
        env.setenv("SALESFUNNEL_DB", str(path))
        env.setenv("TZ", "UTC")

        def ok(*args: str):  # type: ignore[no-untyped-def]
            result = run(*args)
            assert result.exit_code == 0, (args, result.stdout, result.stderr)
            return result

        def at(moment: str) -> None:
            env.setenv("SALESFUNNEL_NOW", f"{moment}:00+00:00")

        build_history(ok, at)
    return path


@pytest.fixture
def history(request, server, db_path: Path, ok, at, monkeypatch) -> None:
    """The history in the test's database: a copy of the module's file, or, on a server
    database, built there (the clock put back where it was)."""
    if server is None:
        copy_database(request.getfixturevalue("history_file"), db_path)
        return
    now = os.environ["SALESFUNNEL_NOW"]
    build_history(ok, at)
    monkeypatch.setenv("SALESFUNNEL_NOW", now)


def build_history(ok: Callable[..., object], at: Callable[[str], None]) -> None:
    """A funnel over October, November and December 2026 (ids in comments).

    Contacts: 1 Olga (prospect, list Fair, October), 2 Oscar (lead, webinar, October),
    3 Pia, 4 Quim (list Fair), 5 Rui (list Madrid retailers), 6 Sara (lead, referral).
    """
    at("2026-10-20T10:00")
    ok("prospect", "add", "Olga", "--list", "Fair")  # 1
    ok("lead", "add", "Oscar", "--source", "webinar")  # 2: a lead since Oct 20 10:00
    ok("source", "cost", "webinar", "100", "--date", "2026-10-15")  # October: not November's
    at("2026-11-02T09:00")
    ok("prospect", "add", "Pia", "--list", "Fair")  # 3
    ok("prospect", "add", "Quim", "--list", "Fair")  # 4
    ok("prospect", "add", "Rui", "--list", "Madrid retailers")  # 5
    ok("source", "cost", "Fair", "500", "--date", "2026-11-01")
    ok("source", "cost", "fair", "50", "--currency", "EUR")  # another currency: left out
    at("2026-11-03T09:00")
    ok("prospect", "convert", "1")  # Olga: a lead from Nov 3 09:00
    ok("prospect", "cancel", "3")  # Pia
    at("2026-11-04T09:00")
    ok("prospect", "convert", "4")  # Quim: a lead from Nov 4 09:00
    ok("source", "cost", "referral", "4000", "--date", "2026-11-05")
    at("2026-11-05T12:00")
    ok("lead", "qualify", "2", "--level", "mql")  # Oscar: 16 d 2 h after Oct 20 10:00
    at("2026-11-06T09:00")
    ok("lead", "add", "Sara", "--source", "Referral")  # 6
    at("2026-11-06T21:00")
    ok("lead", "qualify", "1", "--value", "1000")  # Olga, sql, 3.5 d: opens deal 1
    at("2026-11-07T09:00")
    ok("lead", "disqualify", "4", "--reason", "no budget")  # Quim, 3 d
    at("2026-11-10T09:00")
    ok("lead", "qualify", "6", "--value", "2000")  # Sara, sql, 4 d: opens deal 2
    at("2026-11-15T09:00")
    ok("deal", "open", "6", "--value", "300")  # deal 3
    at("2026-11-16T09:00")
    ok("deal", "open", "1", "--value", "700")  # deal 4
    at("2026-11-17T09:00")
    ok("deal", "open", "6", "--value", "900")  # deal 5
    at("2026-11-20T09:00")
    ok("deal", "win", "1")  # 1000, opened Nov 6: 14 days
    at("2026-11-21T09:00")
    ok("deal", "win", "2", "--date", "2026-11-18")  # 2000, opened Nov 10: 8 days
    at("2026-11-22T09:00")
    ok("deal", "lose", "3", "--reason", "Price")
    ok("deal", "lose", "4", "--reason", " price ")
    ok("deal", "lose", "5", "--reason", "went with a competitor")
    at("2026-12-02T10:00")
    ok("lead", "qualify", "2", "--level", "sql", "--value", "500")  # upgrade; opens deal 6
    ok("prospect", "convert", "5")
    ok("deal", "win", "6")


def funnel_of(ok, *args: str) -> dict:
    return json.loads(ok("report", "funnel", "--json", *args).stdout)


def test_the_funnel_of_a_month_is_counted_from_the_history(history, ok) -> None:
    report = funnel_of(ok, *NOVEMBER)
    assert (report["since"], report["until"], report["currency"]) == (
        "2026-11-01",
        "2026-11-30",
        "USD",
    )
    f = report["funnel"]
    # Pia, Quim, Rui were added in November (Olga in October).
    assert f["prospects_added"] == 3
    # Olga and Quim converted, Pia cancelled: 3 worked, 2 of 3 converted.
    assert (f["prospects_worked"], f["prospects_converted"], f["prospects_cancelled"]) == (3, 2, 1)
    assert f["prospect_to_lead_rate"] == round(2 / 3, 4)
    # New leads: Sara (inbound) + Olga and Quim (converted); Oscar came in October.
    assert (f["leads_created"], f["leads_inbound"]) == (3, 1)
    # First qualified in November: Oscar (mql), Olga and Sara (sql); Quim disqualified.
    assert (f["leads_qualified"], f["leads_mql"], f["leads_sql"]) == (3, 1, 2)
    assert (f["leads_disqualified"], f["leads_upgraded_to_sql"]) == (1, 0)
    assert f["lead_to_qualified_rate"] == 0.75  # 3 / (3 + 1)
    # Olga and Sara had a deal by Nov 30, Oscar not (his opened in December): 2 of 3.
    assert f["qualified_to_deal_rate"] == round(2 / 3, 4)
    # Deals 1-5 opened in November; 1 and 2 won (2 closed Nov 18 by --date), 3-5 lost.
    assert (f["deals_opened"], f["deals_won"], f["deals_lost"]) == (5, 2, 3)
    assert f["win_rate"] == 0.4
    assert f["won_value"] == 3000.0
    # Handling: Oscar 16 d 2 h, Olga 3.5 d, Quim 3 d, Sara 4 d.
    handled = [16 + 2 / 24, 3.5, 3.0, 4.0]
    assert f["leads_handled"] == 4
    assert f["lead_handling_avg_days"] == round(sum(handled) / 4, 4) == 6.6458
    assert f["lead_handling_median_days"] == 3.75  # (3.5 + 4) / 2
    # Sales cycle: deal 1 Nov 6 -> Nov 20 = 14 d, deal 2 Nov 10 -> Nov 18 = 8 d.
    assert (f["sales_cycle_avg_days"], f["sales_cycle_median_days"]) == (11.0, 11.0)
    # "Price" and " price " are one reason, given twice.
    assert f["lost_reasons"] == [
        {"reason": "Price", "count": 2},
        {"reason": "went with a competitor", "count": 1},
    ]


def test_the_next_month_counts_only_what_happened_then(history, ok) -> None:
    f = funnel_of(ok, "--since", "2026-12-01", "--until", "2026-12-31")["funnel"]
    # Oscar's mql -> sql upgrade is not a first qualification.
    assert (f["leads_qualified"], f["leads_upgraded_to_sql"]) == (0, 1)
    assert (f["prospects_converted"], f["deals_opened"], f["deals_won"]) == (1, 1, 1)
    assert (f["won_value"], f["win_rate"]) == (500.0, 1.0)
    # Nothing was decided or qualified in December: nothing to divide by.
    assert f["lead_to_qualified_rate"] is None
    assert f["qualified_to_deal_rate"] is None
    assert f["lead_handling_avg_days"] is None and f["leads_handled"] == 0
    assert f["sales_cycle_avg_days"] == 0.0  # opened and won on Dec 2


def test_all_time_is_the_default(history, ok) -> None:
    report = funnel_of(ok)
    f = report["funnel"]
    assert report["since"] is None and report["until"] is None
    assert f["prospects_added"] == 4  # Olga, Pia, Quim, Rui
    assert f["leads_created"] == 2 + 3  # Oscar, Sara + Olga, Quim, Rui converted
    assert (f["deals_won"], f["won_value"]) == (3, 3500.0)
    assert f["leads_sql"] == 3  # Oscar is sql by now


def test_an_empty_period_shows_dashes_not_errors(history, ok) -> None:
    result = ok("report", "funnel", "--since", "2025-01-01", "--until", "2025-12-31")
    assert "—" in result.stdout
    assert "prospects worked" in result.stdout
    report = funnel_of(ok, "--since", "2025-01-01", "--until", "2025-12-31")["funnel"]
    assert report["prospects_worked"] == 0
    for rate in ("prospect_to_lead_rate", "lead_to_qualified_rate", "win_rate"):
        assert report[rate] is None
    assert report["lost_reasons"] == []


def test_an_empty_database_reports_without_error(empty_db, ok) -> None:
    for kind in ("funnel", "sources", "forecast"):
        result = ok("report", kind)
        assert result.stderr == "" or "No open deals" in result.stderr
    f = funnel_of(ok)["funnel"]
    assert f["win_rate"] is None and f["deals_won"] == 0


def test_the_funnel_as_text_shows_steps_rates_and_bars(history, ok) -> None:
    text = ok("report", "funnel", *NOVEMBER).stdout
    assert "Funnel, 2026-11-01 to 2026-11-30" in text
    assert "converted to lead" in text and "66.7%" in text
    assert "40.0%" in text  # win rate
    assert "#" in text  # the funnel's bars, plain in a pipe
    assert "\x1b[" not in text  # no escape codes when not a terminal
    assert "average 6.6 d, median 3.8 d (over 4 leads)" in text
    assert "Price" in text and "went with a competitor" in text


def test_the_funnel_draws_block_bars_on_a_terminal(history, db_url) -> None:
    with database(db_url) as driver, Work(driver, write=False) as work:
        report = funnel_report(work, "2026-11-01", "2026-11-30")

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen = Terminal()
    render_funnel(Output(stdout=screen, stderr=io.StringIO()), report)
    assert "█" in screen.getvalue() and "prospects worked" in screen.getvalue()


@pytest.mark.parametrize("width", [80, 100, 120])
def test_the_funnel_bars_are_never_cut_on_a_terminal_of_80_to_120_columns(
    history, db_url, monkeypatch, width
) -> None:
    """Issue 14: on 100 columns the longest bar ended in an ellipsis. Columns go first
    (the notes beside the rates), the bars stay whole."""
    with database(db_url) as driver, Work(driver, write=False) as work:
        report = funnel_report(work, "2026-11-01", "2026-11-30")

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setenv("COLUMNS", str(width))
    screen = Terminal()
    render_funnel(Output(stdout=screen, stderr=io.StringIO()), report)
    lines = re.sub(r"\x1b\[[0-9;]*m", "", screen.getvalue()).splitlines()
    assert max(len(line) for line in lines) <= width
    funnel = lines[: next(i for i, line in enumerate(lines) if line.startswith("└"))]
    table = [line for line in funnel if line.startswith("│")]
    assert len(table) == 6 and not any("…" in line for line in table)
    assert sum("█" * FUNNEL_WIDTH in line for line in table) == 1  # deals opened, the biggest


def test_since_after_until_is_refused(empty_db, run) -> None:
    result = run("report", "funnel", "--since", "2026-12-01", "--until", "2026-11-01")
    assert result.exit_code == 1
    assert "after --until" in result.stderr
    assert result.stdout == ""


def test_a_bad_date_is_refused(run) -> None:
    result = run("report", "sources", "--since", "someday")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error:")


# --- report sources -------------------------------------------------------------------------
def rows_by_name(rows: list[dict]) -> dict:
    return {row["name"]: row for row in rows}


def test_sources_set_won_value_against_cost(history, ok) -> None:
    report = json.loads(ok("report", "sources", "--json", *NOVEMBER).stdout)
    by_source = report["by_source"]
    # Best payers first: referral won 2000, fair 1000; then by new leads, then name.
    assert [row["name"] for row in by_source] == ["referral", "fair", "madrid retailers", "webinar"]
    sources = rows_by_name(by_source)
    fair = sources["fair"]
    # Olga (won 1000, deal 4 lost), Pia (cancelled), Quim (disqualified); 500 USD cost.
    assert (fair["funnel"]["prospects_worked"], fair["funnel"]["prospects_converted"]) == (3, 2)
    assert (fair["funnel"]["deals_won"], fair["funnel"]["deals_lost"]) == (1, 1)
    assert fair["channel"] == "outbound"
    assert (fair["cost"], fair["roi"]) == (500.0, 1.0)  # (1000 - 500) / 500; EUR left out
    referral = sources["referral"]
    assert referral["channel"] == "inbound"
    assert (referral["funnel"]["won_value"], referral["funnel"]["win_rate"]) == (
        2000.0,
        round(1 / 3, 4),
    )
    assert (referral["cost"], referral["roi"]) == (4000.0, -0.5)  # (2000 - 4000) / 4000
    # Webinar's cost is dated October: no cost in November, so no ROI.
    assert (sources["webinar"]["cost"], sources["webinar"]["roi"]) == (None, None)
    assert sources["webinar"]["funnel"]["leads_mql"] == 1
    assert sources["madrid retailers"]["funnel"]["prospects_added"] == 1

    channels = rows_by_name(report["by_channel"])
    assert (channels["outbound"]["cost"], channels["outbound"]["roi"]) == (500.0, 1.0)
    assert channels["inbound"]["funnel"]["won_value"] == 2000.0
    assert (channels["inbound"]["cost"], channels["inbound"]["roi"]) == (4000.0, -0.5)

    lists = rows_by_name(report["by_list"])
    assert set(lists) == {"Fair", "Madrid retailers"}
    assert (lists["Fair"]["cost"], lists["Fair"]["roi"]) == (500.0, 1.0)
    assert lists["Madrid retailers"]["cost"] is None


def test_a_source_that_cost_and_won_nothing_shows_its_loss(ok, at) -> None:
    ok("source", "cost", "Trade fair", "1200", "--channel", "outbound")
    report = json.loads(ok("report", "sources", "--json").stdout)
    row = rows_by_name(report["by_source"])["trade fair"]
    assert (row["cost"], row["roi"], row["channel"]) == (1200.0, -1.0, "outbound")
    assert row["funnel"]["win_rate"] is None
    text = ok("report", "sources").stdout
    assert "-100.0%" in text and "By prospecting list" in text


def test_sources_as_text_has_a_section_each_and_bars(history, ok) -> None:
    text = ok("report", "sources", *NOVEMBER).stdout
    for section in ("By source", "By channel", "By prospecting list"):
        assert section in text
    assert "referral" in text and "-50.0%" in text and "100.0%" in text
    assert "####" in text


# --- report forecast ------------------------------------------------------------------------
@pytest.fixture
def pipeline(ok):
    """Open deals around today (2026-11-23), in USD unless said otherwise."""
    ok("lead", "add", "Ana")
    ok("deal", "open", "1", "--value", "1000", "--close", "2026-12-10")  # qualification 10%
    ok("deal", "open", "1", "--value", "2000", "--close", "2026-12-20", "--stage", "proposal")
    ok("deal", "open", "1", "--value", "4000", "--close", "2027-01-15", "--probability", "30")
    ok("deal", "open", "1", "--value", "500", "--close", "2026-11-01", "--stage", "meeting")
    ok("deal", "open", "1", "--value", "800", "--stage", "negotiation")  # no close date
    ok("deal", "open", "1", "--value", "9999", "--close", "2026-12-01")
    ok("deal", "win", "6")  # won: not in the forecast
    ok("deal", "open", "1", "--value", "100", "--currency", "EUR", "--close", "2026-12-01")


def test_the_forecast_groups_open_deals_by_close_month_and_stage(pipeline, ok) -> None:
    report = json.loads(ok("report", "forecast", "--json").stdout)
    months = {
        b["key"]: (b["count"], b["total_value"], b["weighted_value"]) for b in report["by_month"]
    }
    assert [b["key"] for b in report["by_month"]] == ["overdue", "no date", "2026-12", "2027-01"]
    assert months["overdue"] == (1, 500.0, 125.0)  # 25 %
    assert months["no date"] == (1, 800.0, 600.0)  # 75 %
    assert months["2026-12"] == (2, 3000.0, 1100.0)  # 1000 x 10 % + 2000 x 50 %
    assert months["2027-01"] == (1, 4000.0, 1200.0)  # 30 % set by hand
    assert (report["count"], report["total_value"], report["weighted_value"]) == (5, 8300.0, 3025.0)
    stages = {b["key"]: (b["count"], b["total_value"]) for b in report["by_stage"]}
    assert list(stages) == ["qualification", "meeting", "proposal", "negotiation"]
    assert stages == {
        "qualification": (2, 5000.0),
        "meeting": (1, 500.0),
        "proposal": (1, 2000.0),
        "negotiation": (1, 800.0),
    }
    assert [d["id"] for d in report["overdue"]] == [4]
    assert [d["id"] for d in report["undated"]] == [5]
    assert report["other_currency"] == 1


def test_the_forecast_period_limits_the_months_not_the_call_outs(pipeline, ok) -> None:
    report = json.loads(ok("report", "forecast", "--json", "--until", "2026-12-31").stdout)
    assert [b["key"] for b in report["by_month"]] == ["overdue", "no date", "2026-12"]
    assert report["count"] == 4


def test_the_forecast_as_text_calls_out_overdue_and_undated_deals(pipeline, ok) -> None:
    result = ok("report", "forecast")
    assert "2026-12" in result.stdout and "1,100.00" in result.stdout
    assert "Overdue: expected close date past" in result.stdout
    assert "No expected close date" in result.stdout
    assert "1 open deals in other currencies than USD are left out." in result.stderr


# --- the domain, directly -----------------------------------------------------------------------
def test_rates_and_roi_without_a_denominator_are_none() -> None:
    assert metrics.ratio(3, 0) is None
    assert metrics.roi(1000.0, None) is None and metrics.roi(1000.0, 0.0) is None
    assert metrics.roi(1500.0, 1000.0) == 0.5
    assert metrics.average([]) is None and metrics.median([]) is None
    empty = metrics.funnel([], [], metrics.Period(), "USD")
    assert empty.win_rate is None and empty.prospect_to_lead_rate is None
    assert empty.lead_handling_average is None and empty.sales_cycle_median is None
