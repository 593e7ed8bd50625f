"""The to-do list on screen (tables), and the digest as plain text or Markdown for cron.

The digest is built as a string, never through Rich: cron mails whatever it prints, so
it must be plain text with no escape codes whatever the terminal settings, and nothing
in it is truncated.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time
from typing import TYPE_CHECKING

from salesfunnel.domain.money import format_money
from salesfunnel.render.output import Column, Output, visible

if TYPE_CHECKING:
    from salesfunnel.schemas import ActivityPublic, TodoItemPublic, TodoPublic, TodoSectionPublic

STAR = "*"
STEP_SECTIONS = ("overdue", "today", "next-7-days")
HINT = (
    "Mark a step done: salesfunnel done ID. Put it off: salesfunnel snooze ID [--to WHEN]. "
    "Plan one: salesfunnel next CONTACT KIND TEXT --due WHEN."
)
EMPTY = "Nothing to do: no step is due, and every open lead and deal has a next step."


def is_empty(todo: TodoPublic) -> bool:
    return all(section.total == 0 for section in todo.sections)


# --- pieces of text --------------------------------------------------------------------


def days(count: int) -> str:
    return f"{count} day" if count == 1 else f"{count} days"


def money(value: float | None, currency: str | None) -> str:
    return format_money(value, currency)


def when(day: date | None, at: time | None = None) -> str:
    """``Tue 2026-11-24 14:00``: a due date with its weekday, and its time if it has one."""
    if day is None:
        return ""
    text = f"{day.strftime('%a')} {day.isoformat()}"
    return f"{text} {at.strftime('%H:%M')}" if at is not None else text


def due_text(item: TodoItemPublic, today: date) -> str:
    if item.due_date is None:
        return ""
    at = f" {item.due_time.strftime('%H:%M')}" if item.due_time else ""
    if item.section == "overdue":
        late = f"{days(item.days_late)} late" if item.days_late else "late"
        base = "today" + at if item.due_date == today else when(item.due_date, item.due_time)
        return f"{base} ({late})"
    if item.due_date == today:
        return "today" + at
    return when(item.due_date, item.due_time)


def who(item: TodoItemPublic) -> str:
    star = f" {STAR}" if item.starred else ""
    return f"{item.contact}{star} (#{item.contact_id})"


def deal_text(item: TodoItemPublic) -> str:
    if item.deal_id is None:
        return ""
    return f"#{item.deal_id} {item.deal}, {money(item.value, item.currency)}, {item.stage}"


def state_text(item: TodoItemPublic) -> str:
    if item.kind == "lead":
        return f"lead, {item.status}"
    if item.kind == "deal":
        return f"deal, {item.stage}"
    return item.status or ""


def idle_text(item: TodoItemPublic) -> str:
    if item.idle_days is None:
        return ""
    limit = f" (limit {item.limit_days})" if item.limit_days else ""
    return f"{days(item.idle_days)}{limit}"


def touched(item: TodoItemPublic) -> str:
    if not item.idle_days:
        return "last touched today"
    return f"last touched {days(item.idle_days)} ago"


def item_line(item: TodoItemPublic, today: date) -> str:
    """One item as one line of plain text, for the digest."""
    if item.kind == "step":
        line = f"#{item.activity_id} {item.step_kind} {who(item)}: {item.text}"
        line += f" -- due {due_text(item, today)}"
        if item.every:
            line += f" -- every {item.every}"
        if item.deal_id is not None:
            line += f" -- deal {deal_text(item)}"
        return line
    if item.kind == "lead":
        if item.limit_days:
            idle = f"no activity for {days(item.idle_days or 0)}"
            return f"lead {who(item)}, {item.status}: {idle} and no step ahead"
        return f"lead {who(item)}, {item.status}: no next step planned ({touched(item)})"
    if item.kind == "deal":
        deal = f"deal #{item.deal_id} {item.deal} -- {who(item)}, {item.stage}, "
        deal += money(item.value, item.currency)
        if item.limit_days:
            return f"{deal}: no activity or stage change for {days(item.idle_days or 0)}"
        return f"{deal}: no next step planned"
    if item.kind == "contact":
        return (
            f"{who(item)}, {item.status}: nothing done for {days(item.idle_days or 0)} "
            f"(keep in touch: {item.cadence})"
        )
    return (
        f"customer {who(item)}: last purchase {item.last_purchase}, "
        f"{days(item.idle_days or 0)} ago; {money(item.value, item.currency)} in all"
    )


def count_text(section: TodoSectionPublic) -> str:
    """``1,234``, or ``more than 10,000`` when counting stopped there."""
    return f"more than {section.total:,}" if section.total_capped else f"{section.total:,}"


def more_line(section: TodoSectionPublic) -> str | None:
    more = section.total - len(section.items)
    if section.total_capped:  # more than ``total`` in all
        how_many = f"over {more:,} more" if more > 0 else "more"
    elif more > 0:
        how_many = f"{more:,} more"
    else:
        return None
    return f"... and {how_many} (salesfunnel todo --all)"


def heading(todo: TodoPublic) -> str:
    return f"To do on {todo.as_of.strftime('%A')} {todo.as_of.isoformat()}"


# --- the digest --------------------------------------------------------------------------


def digest_text(todo: TodoPublic) -> str:
    """The whole to-do list as plain text: headings in capitals, one line per item.

    An item is one line whatever its data holds (:func:`visible`): a line break in a
    step's text can't forge a line of the mail.
    """
    if is_empty(todo):
        return f"{heading(todo)}\n\n{EMPTY}\n"
    lines = [heading(todo)]
    for section in todo.sections:
        if not section.total:
            continue
        lines += ["", f"{section.title.upper()} ({count_text(section)})"]
        lines += [f"  - {visible(item_line(item, todo.as_of))}" for item in section.items]
        if more := more_line(section):
            lines.append(f"  {more}")
    lines += ["", HINT]
    return "\n".join(lines) + "\n"


def digest_markdown(todo: TodoPublic) -> str:
    """The same content as Markdown: a heading per section, a bullet per item."""
    if is_empty(todo):
        return f"# {heading(todo)}\n\n{EMPTY}\n"
    lines = [f"# {heading(todo)}"]
    for section in todo.sections:
        if not section.total:
            continue
        lines += ["", f"## {section.title} ({count_text(section)})", ""]
        lines += [
            f"- {markdown_escape(visible(item_line(item, todo.as_of)))}" for item in section.items
        ]
        if more := more_line(section):
            lines.append(f"- {markdown_escape(more)}")
    lines += ["", markdown_escape(HINT)]
    return "\n".join(lines) + "\n"


def markdown_escape(text: str) -> str:
    """Names and step texts are data: keep their * _ ` [ ] < > from turning into markup."""
    for char in "\\`*_[]<>":
        text = text.replace(char, "\\" + char)
    return text


# --- todo on screen ------------------------------------------------------------------------


def _priority(explain: bool) -> list[Column]:
    columns = [Column("priority", lambda i: f"{i.priority:g}", numeric=True)]
    if explain:
        columns.append(Column("why", explain_text))
    return columns


def explain_text(item: TodoItemPublic) -> str:
    """``starred 1 x 100 = 100 + overdue 3 x 2 = 6 (3 days late)``: factor x weight = points."""
    return " + ".join(
        f"{t.name} {t.factor:g} x {t.weight:g} = {t.points:g}"
        + (f" ({t.detail})" if t.detail != t.name else "")
        for t in item.breakdown
    )


def step_columns(today: date, explain: bool) -> list[Column]:
    return [
        Column("id", lambda i: i.activity_id, numeric=True),
        Column("due", lambda i: due_text(i, today)),
        Column(
            "kind", lambda i: f"{i.step_kind}, every {i.every}" if i.every else i.step_kind, drop=1
        ),
        Column("step", lambda i: i.text, shrink=True),
        Column("contact", who, shrink=True),
        Column("deal", deal_text, shrink=True, drop=2),
        *_priority(explain),
    ]


def attention_columns(explain: bool) -> list[Column]:
    return [
        Column("contact", who, shrink=True),
        Column("is", state_text),
        Column("deal", lambda i: f"#{i.deal_id} {i.deal}" if i.deal_id else "", shrink=True),
        Column("value", lambda i: money(i.value, i.currency) if i.deal_id else "", numeric=True),
        Column("last touch", lambda i: i.last_touch, drop=1),
        Column("idle", idle_text, numeric=True),
        *_priority(explain),
    ]


def customer_columns(explain: bool) -> list[Column]:
    return [
        Column("customer", who, shrink=True),
        Column("company", lambda i: i.company, shrink=True, drop=1),
        Column("last purchase", lambda i: i.last_purchase),
        Column("days", lambda i: i.idle_days, numeric=True),
        Column("bought", lambda i: money(i.value, i.currency), numeric=True),
        *_priority(explain),
    ]


def in_touch_columns(explain: bool) -> list[Column]:
    return [
        Column("contact", who, shrink=True),
        Column("is", lambda i: i.status),
        Column("every", lambda i: i.cadence, drop=1),
        Column("last touch", lambda i: i.last_touch, drop=2),
        Column("idle", lambda i: days(i.idle_days or 0), numeric=True),
        *_priority(explain),
    ]


def columns_for(section: TodoSectionPublic, today: date, explain: bool) -> list[Column]:
    if section.name in STEP_SECTIONS:
        return step_columns(today, explain)
    if section.name == "pre-inactive":
        return customer_columns(explain)
    if section.name == "keep-in-touch":
        return in_touch_columns(explain)
    return attention_columns(explain)


def render_todo(output: Output, todo: TodoPublic, *, explain: bool = False) -> None:
    """Each section with items: a heading, a table, and on stderr how many more there are."""
    if is_empty(todo):
        output.message(EMPTY)
        return
    starred: Callable[[TodoItemPublic], bool] = lambda item: item.starred  # noqa: E731
    first = True
    for section in todo.sections:
        if not section.total:
            continue
        title = f"{section.title} ({count_text(section)})"
        if first and output.plain:
            output.line(title)  # no blank line at the very top of piped output
        else:
            output.heading(title)
        first = False
        output.table(section.items, columns_for(section, todo.as_of, explain), highlight=starred)
        if more := more_line(section):  # under its section, as the digest says it
            output.line(more.replace("(salesfunnel todo --all)", "(use --limit N or --all)"))


# --- next step in `lead show` / `deal show` -------------------------------------------------


def step_summary(step: ActivityPublic | None) -> str:
    """``#12 call: Send the proposal, due Tue 2026-11-24 14:00``, or that none is planned."""
    if step is None:
        return "none planned"
    return f"#{step.id} {step.kind}: {step.text}, due {when(step.due_date, step.due_time)}"
