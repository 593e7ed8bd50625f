"""Reports, sources and search results: tables with bars drawn in the terminal.

Bars are block characters on a terminal and ``#`` in plain text (pipes, cron
mail), so they survive any mail client.  "—" stands for a number that can't be
computed (nothing to divide by, nothing happened).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from salesfunnel.domain.money import format_money
from salesfunnel.render.output import Column, Output
from salesfunnel.schemas import (
    ForecastPublic,
    FunnelPublic,
    FunnelReportPublic,
    SearchResultPublic,
    SourceCostPublic,
    SourcePublic,
    SourceRowPublic,
    SourcesReportPublic,
)

NONE = "—"
FUNNEL_WIDTH = 30  # the widest step of the funnel chart
BAR_WIDTH = 20


# --- formatting ------------------------------------------------------------------------------
def percent(rate: float | None) -> str:
    return NONE if rate is None else f"{rate * 100:.1f}%"


def days(value: float | None) -> str:
    """A duration given in days: hours under a day, days above."""
    if value is None:
        return NONE
    if value < 1:
        return f"{value * 24:.1f} h"
    return f"{value:.1f} d"


def whole_days(value: float | None) -> str:
    return NONE if value is None else f"{value:.1f} d"


def money(value: float | None, currency: str = "") -> str:
    if value is None:
        return NONE
    return format_money(value, currency)


def period_text(since: date | None, until: date | None) -> str:
    if since is None and until is None:
        return "all time"
    if since is None:
        return f"up to {until}"
    if until is None:
        return f"from {since}"
    return f"{since} to {until}"


def bar(output: Output, value: float, biggest: float, width: int = BAR_WIDTH) -> str:
    if biggest <= 0 or value <= 0:
        return ""
    return ("#" if output.plain else "█") * max(1, round(width * value / biggest))


def centred_bar(output: Output, value: float, biggest: float, width: int = FUNNEL_WIDTH) -> str:
    """A bar centred in ``width``: stacked, the steps draw a funnel that narrows."""
    drawn = bar(output, value, biggest, width)
    pad = (width - len(drawn)) // 2
    return " " * pad + drawn


# --- report funnel ---------------------------------------------------------------------------
def funnel_steps(f: FunnelPublic) -> list[tuple[str, int, str, str]]:
    """(step, count, conversion, what the conversion is a share of), top of the funnel first."""
    return [
        ("prospects worked", f.prospects_worked, "", "converted or cancelled"),
        ("converted to lead", f.prospects_converted, percent(f.prospect_to_lead_rate), "of worked"),
        ("new leads", f.leads_created, "", f"{f.leads_inbound} inbound + converted"),
        ("qualified", f.leads_qualified, percent(f.lead_to_qualified_rate), "of leads decided"),
        (
            "deals opened",
            f.deals_opened,
            percent(f.qualified_to_deal_rate),
            "of qualified got a deal",
        ),
        ("won", f.deals_won, percent(f.win_rate), "win rate: of deals closed"),
    ]


def render_funnel(output: Output, report: FunnelReportPublic) -> None:
    f = report.funnel
    steps = funnel_steps(f)
    biggest = max(count for _, count, _, _ in steps)
    output.table(
        steps,
        [
            Column("step", lambda s: s[0]),
            Column("count", lambda s: s[1], numeric=True),
            Column("", lambda s: centred_bar(output, s[1], biggest), style="cyan", drop=1),
            Column("conversion", lambda s: s[2], numeric=True),
            Column("", lambda s: s[3], style="dim", drop=2),
        ],
        title=f"Funnel, {period_text(report.since, report.until)}",
    )
    output.line()
    output.record(
        "Details",
        [
            ("prospects added", f.prospects_added),
            ("prospects cancelled", f.prospects_cancelled),
            ("leads contacted", f.leads_contacted),
            ("qualified mql / sql", f"{f.leads_mql} / {f.leads_sql}"),
            ("upgraded mql -> sql", f.leads_upgraded_to_sql),
            ("leads disqualified", f.leads_disqualified),
            ("deals lost", f.deals_lost),
            ("won value", money(f.won_value, report.currency)),
            (
                "lead handling time",
                f"average {days(f.lead_handling_avg_days)}, "
                f"median {days(f.lead_handling_median_days)} (over {f.leads_handled} leads)",
            ),
            (
                "sales cycle",
                f"average {whole_days(f.sales_cycle_avg_days)}, "
                f"median {whole_days(f.sales_cycle_median_days)} (over {f.deals_won} won)",
            ),
        ],
    )
    if report.won_other_currency:
        output.message(
            f"{report.won_other_currency} won deals in other currencies than "
            f"{report.currency} are left out of the won value."
        )
    if report.by_owner is not None:
        output.heading("By owner")
        _owner_table(output, report.by_owner, report.currency)
    if f.lost_reasons:
        most = f.lost_reasons[0].count
        output.heading("Lost reasons")
        output.table(
            f.lost_reasons,
            [
                Column("reason", lambda r: r.reason),
                Column("deals", lambda r: r.count, numeric=True),
                Column("", lambda r: bar(output, r.count, most), style="red", drop=1),
            ],
        )


# --- report sources --------------------------------------------------------------------------
def _source_columns(
    output: Output, rows: Sequence[SourceRowPublic], header: str, currency: str
) -> list[Column]:
    biggest = max((r.funnel.won_value for r in rows), default=0.0)
    columns = [Column(header, lambda r: r.name or "(none)")]
    if header == "source":
        columns.append(Column("channel", lambda r: r.channel or ""))
    return [
        *columns,
        Column("worked", lambda r: r.funnel.prospects_worked, numeric=True),
        Column("->lead", lambda r: percent(r.funnel.prospect_to_lead_rate), numeric=True),
        Column("leads", lambda r: r.funnel.leads_created, numeric=True),
        Column("qualif.", lambda r: percent(r.funnel.lead_to_qualified_rate), numeric=True),
        Column("won", lambda r: r.funnel.deals_won, numeric=True),
        Column("win", lambda r: percent(r.funnel.win_rate), numeric=True),
        Column(f"won {currency}", lambda r: money(r.funnel.won_value), numeric=True),
        Column(f"cost {currency}", lambda r: money(r.cost), numeric=True),
        Column("ROI", lambda r: percent(r.roi), numeric=True),
        Column("", lambda r: bar(output, r.funnel.won_value, biggest), style="green", drop=1),
    ]


def _owner_table(output: Output, rows: Sequence[SourceRowPublic], currency: str) -> None:
    if not rows:
        output.line("  nothing in this period")
        return
    columns = _source_columns(output, rows, "owner", currency)
    output.table(rows, [c for c in columns if c.header not in (f"cost {currency}", "ROI")])


def render_sources(output: Output, report: SourcesReportPublic) -> None:
    sections = [
        ("source", "By source", report.by_source),
        ("channel", "By channel", report.by_channel),
        ("list", "By prospecting list", report.by_list),
    ]
    output.line(f"Sources, {period_text(report.since, report.until)} ({report.currency})")
    for header, title, rows in sections:
        output.heading(title)
        if rows:
            output.table(rows, _source_columns(output, rows, header, report.currency))
        else:
            output.line("  nothing in this period")
    if report.by_owner is not None:
        output.heading("By owner")
        _owner_table(output, report.by_owner, report.currency)


# --- report forecast -------------------------------------------------------------------------
def render_forecast(output: Output, report: ForecastPublic) -> None:
    currency = report.currency
    if not report.count:
        output.message(f"No open deals{' in ' + currency if report.other_currency else ''}.")
        _other_currency_note(output, report)
        return
    biggest = max((b.weighted_value for b in report.by_month), default=0.0)
    bucket_columns = [
        Column("deals", lambda b: b.count, numeric=True),
        Column(f"total {currency}", lambda b: money(b.total_value), numeric=True),
        Column(f"weighted {currency}", lambda b: money(b.weighted_value), numeric=True),
    ]
    output.table(
        report.by_month,
        [
            Column("close", lambda b: b.key),
            *bucket_columns,
            Column("", lambda b: bar(output, b.weighted_value, biggest), style="green", drop=1),
        ],
        title=f"Forecast as of {report.as_of}: open deals by expected close month",
    )
    output.line(
        f"{report.count} open deals, {money(report.total_value, currency)} in all, "
        f"{money(report.weighted_value, currency)} weighted."
    )
    output.heading("By stage")
    by_stage = max((b.weighted_value for b in report.by_stage), default=0.0)
    output.table(
        report.by_stage,
        [
            Column("stage", lambda b: b.key),
            *bucket_columns,
            Column("", lambda b: bar(output, b.weighted_value, by_stage), style="green", drop=1),
        ],
    )
    if report.by_owner is not None:
        output.heading("By owner")
        by_owner = max((b.weighted_value for b in report.by_owner), default=0.0)
        output.table(
            report.by_owner,
            [
                Column("owner", lambda b: b.key),
                *bucket_columns,
                Column(
                    "", lambda b: bar(output, b.weighted_value, by_owner), style="green", drop=1
                ),
            ],
        )
    for title, deals, key in (
        ("Overdue: expected close date past", report.overdue, "overdue"),
        ("No expected close date", report.undated, "no date"),
    ):
        if not deals:
            continue
        count = next((b.count for b in report.by_month if b.key == key), len(deals))
        more = f" (first {len(deals)} of {count})" if count > len(deals) else ""
        output.heading(title + more)
        output.table(
            deals,
            [
                Column("id", lambda d: d.id, numeric=True),
                Column("title", lambda d: d.title, shrink=True),
                Column("contact", lambda d: d.contact, shrink=True),
                Column("stage", lambda d: d.stage),
                Column("value", lambda d: money(d.value, d.currency), numeric=True),
                Column("close", lambda d: d.expected_close or NONE),
            ],
        )
    _other_currency_note(output, report)


def _other_currency_note(output: Output, report: ForecastPublic) -> None:
    if report.other_currency:
        output.message(
            f"{report.other_currency} open deals in other currencies than {report.currency} "
            "are left out."
        )


# --- sources ---------------------------------------------------------------------------------
SOURCE_COLUMNS = [
    Column("source", lambda s: s.name),
    Column("channel", lambda s: s.channel or ""),
    Column("contacts", lambda s: s.contacts, numeric=True),
    Column(
        "cost",
        lambda s: ", ".join(money(v, c) for c, v in sorted(s.costs.items())) or NONE,
        numeric=True,
    ),
    Column("entries", lambda s: s.cost_entries, numeric=True),
    Column("last cost", lambda s: s.last_cost_on or ""),
]


def render_source_list(output: Output, sources: Sequence[SourcePublic]) -> None:
    if sources:
        output.table(sources, SOURCE_COLUMNS)
    else:
        output.message("No sources yet: add leads with --source, or import a list.")


def cost_message(cost: SourceCostPublic) -> str:
    totals = ", ".join(money(v, c) for c, v in sorted(cost.total.costs.items()))
    return (
        f"Recorded {money(cost.amount, cost.currency)} for source {cost.source!r} "
        f"on {cost.spent_on} (in all: {totals})."
    )


# --- search ----------------------------------------------------------------------------------
def render_search(output: Output, result: SearchResultPublic) -> None:
    sections: list[tuple[str, Sequence[Any], int, list[Column]]] = [
        (
            "Contacts",
            result.contacts,
            result.contacts_total,
            [
                Column("id", lambda c: c.id, numeric=True),
                Column("", lambda c: "*" if c.starred else ""),
                Column("name", lambda c: c.name),
                Column("email", lambda c: c.email),
                Column("phone", lambda c: c.phone),
                Column("company", lambda c: c.company),
                Column("stage", lambda c: f"{c.stage} ({c.status})" if c.status else c.stage),
            ],
        ),
        (
            "Companies",
            result.companies,
            result.companies_total,
            [
                Column("id", lambda c: c.id, numeric=True),
                Column("company", lambda c: c.name),
                Column("contacts", lambda c: c.contacts, numeric=True),
                Column("open deals", lambda c: c.open_deals, numeric=True),
            ],
        ),
        (
            "Deals",
            result.deals,
            result.deals_total,
            [
                Column("id", lambda d: d.id, numeric=True),
                Column("title", lambda d: d.title, shrink=True),
                Column("contact", lambda d: d.contact, shrink=True),
                Column("status", lambda d: d.status if d.status != "open" else d.stage),
                Column("value", lambda d: money(d.value, d.currency), numeric=True),
            ],
        ),
    ]
    shown = [s for s in sections if s[1]]
    if not shown:
        output.message(f"Nothing matches {result.query!r}.")
        return
    for index, (title, rows, total, columns) in enumerate(shown):
        heading = f"{title} ({total})"
        if index:
            output.heading(heading)
        else:
            output.line(heading)
        output.table(rows, columns)


def search_more(result: SearchResultPublic) -> str | None:
    """What a search left out, said on stderr in every format, as listings do."""
    counts = [
        ("contacts", result.contacts_total - len(result.contacts)),
        ("companies", result.companies_total - len(result.companies)),
        ("deals", result.deals_total - len(result.deals)),
    ]
    more = [f"{count} more {noun}" for noun, count in counts if count > 0]
    if not more:
        return None
    return f"Not shown: {', '.join(more)}; use --limit N or --all to see more."
