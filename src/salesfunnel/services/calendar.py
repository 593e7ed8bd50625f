"""Planned next steps as iCalendar events, for any calendar app.

* One event per planned step.  A step due on a date is an all-day event on that date;
  a timed one starts at its moment, written in UTC (``...Z``), and lasts 30 minutes.
  UTC because every calendar app reads it the same way and shows it in the viewer's
  zone; floating times are read differently by each app, and a named zone needs a
  VTIMEZONE we can only write when the system zone's name is known.
* Stable UIDs: ``activity-<id>.<database id>@salesfunnel``.  The database id is a
  random token stored in the database on the first export, so importing a newer
  export updates the events instead of doubling them, and two databases never share
  a UID.  SEQUENCE counts the snoozes, so apps take a moved step as the newer version.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from salesfunnel import clock
from salesfunnel.db.rows import rows_in
from salesfunnel.db.work import Work
from salesfunnel.domain.money import format_money
from salesfunnel.services.views import company_names

IDENTITY_KEY = "database.id"  # not a user setting: config never lists it
TIMED_STEP_LENGTH = timedelta(minutes=30)
PRODID = "-//salesfunnel//next steps//EN"


def database_identity(work: Work) -> str:
    """A random token naming this database, made on first use and kept."""
    found = work.value('SELECT value FROM settings WHERE "key" = :key', {"key": IDENTITY_KEY})
    if found is not None:
        return str(found)
    identity = uuid.uuid4().hex[:12]
    work.insert_keyed("settings", {"key": IDENTITY_KEY, "value": identity})
    return identity


def calendar_of_steps(work: Work) -> tuple[bytes, int]:
    """The iCalendar document of every planned step, and how many events it holds."""
    from icalendar import Calendar, Event

    identity = database_identity(work)
    steps = work.rows(
        "SELECT * FROM activities WHERE done_at IS NULL AND due_date IS NOT NULL "
        "ORDER BY due_date, due_time IS NOT NULL, due_time, id"
    )
    contacts = {
        row.id: row
        for row in rows_in(
            work, "SELECT * FROM contacts WHERE id IN {values}", (s.contact_id for s in steps)
        )
    }
    deals = {
        row.id: row
        for row in rows_in(
            work,
            "SELECT * FROM deals WHERE id IN {values}",
            (s.deal_id for s in steps if s.deal_id is not None),
        )
    }
    rows = [(step, contacts[step.contact_id], deals.get(step.deal_id)) for step in steps]
    companies = company_names(work, (contact.company_id for _, contact, _ in rows))
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", "salesfunnel next steps")
    stamp = clock.utcnow().replace(microsecond=0)
    for step, contact, deal in rows:
        event = Event()
        event.add("uid", f"activity-{step.id}.{identity}@salesfunnel")
        event.add("dtstamp", stamp)
        event.add("created", step.created_at.replace(microsecond=0))
        event.add("sequence", step.snoozed)
        event.add("summary", f"{step.kind.capitalize()}: {contact.name} - {step.text}")
        event.add("description", _description(step, contact, deal, companies))
        event.add("categories", [step.kind, "salesfunnel"])
        if step.due_at is not None:
            start = step.due_at.replace(microsecond=0)
            event.add("dtstart", start)
            event.add("dtend", start + TIMED_STEP_LENGTH)
        else:
            assert step.due_date is not None
            event.add("dtstart", step.due_date)
            event.add("dtend", step.due_date + timedelta(days=1))
            event.add("transp", "TRANSPARENT")  # a day's to-do does not block the day
        calendar.add_component(event)
    return calendar.to_ical(), len(rows)


def _description(step: Any, contact: Any, deal: Any | None, companies: dict[int, str]) -> str:
    lines = [step.text, "", f"Contact #{contact.id}: {contact.name}"]
    company = companies.get(contact.company_id or 0)
    lines += [value for value in (company, contact.email, contact.phone) if value]
    if deal is not None:
        value = format_money(deal.value, deal.currency)
        lines.append(f"Deal #{deal.id}: {deal.title} ({deal.stage}, {value})")
    lines += ["", f"salesfunnel done {step.id}  |  salesfunnel snooze {step.id}"]
    return "\n".join(lines)
