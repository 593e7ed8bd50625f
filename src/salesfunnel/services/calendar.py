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

import os
import tempfile
import uuid
from datetime import timedelta
from pathlib import Path

from sqlmodel import col, select

from salesfunnel import clock
from salesfunnel.db.tables import Activity, Contact, Deal, Setting
from salesfunnel.db.uow import UnitOfWork
from salesfunnel.errors import BadValue
from salesfunnel.services.views import company_names

IDENTITY_KEY = "database.id"  # not a user setting: config never lists it
TIMED_STEP_LENGTH = timedelta(minutes=30)
PRODID = "-//salesfunnel//next steps//EN"


def database_identity(uow: UnitOfWork) -> str:
    """A random token naming this database, made on first use and kept."""
    row = uow.session.get(Setting, IDENTITY_KEY)
    if row is None:
        row = Setting(key=IDENTITY_KEY, value=uuid.uuid4().hex[:12])
        uow.session.add(row)
        uow.session.flush()
    return row.value


def calendar_of_steps(uow: UnitOfWork) -> tuple[bytes, int]:
    """The iCalendar document of every planned step, and how many events it holds."""
    from icalendar import Calendar, Event

    identity = database_identity(uow)
    rows = uow.session.exec(
        select(Activity, Contact, Deal)
        .join(Contact, col(Contact.id) == Activity.contact_id)
        .outerjoin(Deal, col(Deal.id) == Activity.deal_id)
        .where(col(Activity.done_at).is_(None), col(Activity.due_date).is_not(None))
        .order_by(col(Activity.due_date), col(Activity.due_time), col(Activity.id))
    ).all()
    companies = company_names(uow.session, (contact.company_id for _, contact, _ in rows))
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


def _description(step: Activity, contact: Contact, deal: Deal | None, companies: dict) -> str:
    lines = [step.text, "", f"Contact #{contact.id}: {contact.name}"]
    company = companies.get(contact.company_id or 0)
    lines += [value for value in (company, contact.email, contact.phone) if value]
    if deal is not None:
        lines.append(
            f"Deal #{deal.id}: {deal.title} ({deal.stage}, {deal.value:,.2f} {deal.currency})"
        )
    lines += ["", f"salesfunnel done {step.id}  |  salesfunnel snooze {step.id}"]
    return "\n".join(lines)


def write_private(path: Path, data: bytes) -> None:
    """Write a file readable by its owner alone (0600), whole or not at all."""
    target = path.expanduser()
    if target.is_dir():
        raise BadValue(f"{path} is a directory; give a file name such as steps.ics")
    folder = target.parent
    if not folder.is_dir():
        raise BadValue(f"can't write {path}: no directory {folder}")
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=folder)  # mode 0600
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
