"""The schema, as SQLModel tables: the one definition migrations and bulk paths share.

Timestamps (``*_at``) are aware, stored in UTC; calendar dates (``*_on``, due and close
dates) are the user's local dates.  Ids, phones and zip codes are text where a
human typed them.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from sqlalchemy import JSON, Column, Index, text
from sqlmodel import Field, SQLModel


class Company(SQLModel, table=True):
    __tablename__ = "companies"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    search_key: str | None = None  # for `search`: domain.text.company_search_key(name)
    created_at: datetime


class ProspectList(SQLModel, table=True):
    """One prospecting list per imported file or campaign."""

    __tablename__ = "prospect_lists"
    __table_args__ = ({"sqlite_autoincrement": True},)  # ids never reused (migration 0007)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    source_file: str | None = None
    created_at: datetime


class ImportBatch(SQLModel, table=True):
    """One run of `prospect import`: what it read and did, so undo-import can take it back."""

    __tablename__ = "import_batches"
    __table_args__ = ({"sqlite_autoincrement": True},)  # ids never reused (migration 0007)

    id: int | None = Field(default=None, primary_key=True)
    list_id: int = Field(foreign_key="prospect_lists.id", index=True)
    source_file: str  # the path as given, or "standard input"
    encoding: str
    delimiter: str
    stage: str  # what the rows became: prospect | lead
    on_duplicate: str  # skip | update
    rows_read: int = 0
    imported: int = 0
    duplicates: int = 0
    updated: int = 0  # existing contacts given the file's values (--on-duplicate update)
    rejected: int = 0
    flagged: int = 0
    started_at: datetime
    seconds: float = 0.0
    undone_at: datetime | None = None


# An open lead still has to be worked: the to-do list asks each one for a next step.
OPEN_LEAD = "stage = 'lead' AND lead_status IN ('new', 'contacted')"
# When an open lead was last touched: its last activity, or when it became a lead (an open
# lead's only status change since then, new -> contacted, comes from logging an activity).
LEAD_TOUCH = "coalesce(last_activity_at, became_lead_at, created_at)"
OPEN_LEAD_INDEX_COLUMNS = (
    "starred",
    text(LEAD_TOUCH),
    "last_activity_at",
    "became_lead_at",
    "created_at",
    "stage",
    "lead_status",
    "owner",  # migration 0010: one's own open leads are filtered in the index
)
# Whose a contact, deal or activity is (domain/owners.py); every write names it (db/work.py).
OWNER_DEFAULT = {"server_default": text("''")}


class ImportUpdate(SQLModel, table=True):
    """What an import with ``--on-duplicate update`` wrote onto a contact it found already
    there, so that undo-import can put the contact back as it was."""

    __tablename__ = "import_updates"

    import_id: int = Field(foreign_key="import_batches.id", primary_key=True)
    contact_id: int = Field(foreign_key="contacts.id", primary_key=True)
    # The contact's written columns (and its tags) before the import, and after it.
    before: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    after: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    added_tags: list[str] | None = Field(default=None, sa_column=Column(JSON))


class Contact(SQLModel, table=True):
    """One person, from prospect to customer; the id never changes."""

    __tablename__ = "contacts"
    # Partial indexes name only their sqlite_where here: PostgreSQL gets the same WHERE from
    # migration 0002, and a postgresql_where would import SQLAlchemy's PostgreSQL dialect
    # (asyncio, ssl...) in every command, ~25 ms of each start-up.
    __table_args__ = (
        Index("ix_contacts_stage_status", "stage", "lead_status"),
        Index("ix_contacts_list_status", "list_id", "prospect_status"),
        # Deleting a contact checks who it referred; few did, so only they are indexed.
        Index(
            "ix_contacts_referred_by",
            "referred_by_id",
            sqlite_where=text("referred_by_id IS NOT NULL"),
        ),
        # `lead list`: leads, starred first then newest, a page at a time, and their count,
        # from an index of leads alone (no sort, no row read for the count).
        Index(
            "ix_contacts_leads",
            "starred",
            "id",
            "lead_status",
            sqlite_where=text("lead_status IS NOT NULL"),
        ),
        # The to-do list's open leads (new or contacted), by star and last touch: stale and
        # no-next-step leads come out of this small index however many contacts there are.
        # It also holds every column those queries test, so counting them reads no rows.
        # One's own leads, in the lead list's order (migration 0010).
        Index(
            "ix_contacts_owner_leads",
            "owner",
            "starred",
            "id",
            "lead_status",
            sqlite_where=text("lead_status IS NOT NULL"),
        ),
        Index(
            "ix_contacts_open_leads",
            *OPEN_LEAD_INDEX_COLUMNS,
            sqlite_where=text(OPEN_LEAD),
        ),
        # An id is never handed out twice, even after `undo` deleted the newest contact
        # (migration 0007; PostgreSQL's sequences never go back).
        {"sqlite_autoincrement": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    stage: str  # prospect | lead | customer
    name: str  # not indexed: search finds names through the search index (migration 0005)
    email: str | None = None
    email_key: str | None = Field(default=None, index=True)  # lower-cased, for matching
    email_flagged: bool = False  # kept, but the address looks malformed
    phone: str | None = None
    phone_key: str | None = Field(default=None, index=True)  # digits only, for matching
    company_id: int | None = Field(default=None, foreign_key="companies.id", index=True)
    title: str | None = None
    website: str | None = None
    city: str | None = None
    country: str | None = None
    notes: str | None = None
    extra: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    value: float | None = None  # what the contact may be worth (an imported column)
    list_id: int | None = Field(default=None, foreign_key="prospect_lists.id")
    import_id: int | None = Field(default=None, foreign_key="import_batches.id")
    prospect_status: str | None = None  # open | converted | cancelled
    cancel_reason: str | None = None
    lead_status: str | None = None  # new | contacted | qualified | disqualified
    source: str | None = Field(default=None, index=True)
    channel: str | None = None  # inbound | outbound
    starred: bool = False
    referred_by_id: int | None = Field(default=None, foreign_key="contacts.id")
    need: bool | None = None
    budget: bool | None = None
    authority: bool | None = None
    timing: bool | None = None
    qualification_level: str | None = None  # mql | sql
    disqualify_reason: str | None = None
    churned_on: date | None = None
    churn_reason: str | None = None
    created_at: datetime
    became_lead_at: datetime | None = None
    last_activity_at: datetime | None = None
    # For `search`: domain.text.search_key_for(name, email, phone, company), set on every write.
    search_key: str | None = None
    owner: str = Field(sa_column_kwargs=OWNER_DEFAULT)


class ContactTag(SQLModel, table=True):
    __tablename__ = "contact_tags"

    contact_id: int = Field(foreign_key="contacts.id", primary_key=True, ondelete="CASCADE")
    tag: str = Field(primary_key=True, index=True)


class Deal(SQLModel, table=True):
    __tablename__ = "deals"
    __table_args__ = (
        Index("ix_deals_status_stage", "status", "stage"),
        Index("ix_deals_owner_status", "owner", "status", "stage"),
    )

    id: int | None = Field(default=None, primary_key=True)
    contact_id: int = Field(foreign_key="contacts.id", index=True)
    company_id: int | None = Field(default=None, foreign_key="companies.id")
    title: str
    value: float = 0.0
    currency: str
    stage: str  # the last pipeline stage it was in, kept when won or lost
    probability: int
    probability_manual: bool = False  # set by hand: sticks when the stage moves
    expected_close: date | None = None
    status: str = "open"  # open | won | lost
    lost_reason: str | None = None
    opened_at: datetime
    stage_changed_at: datetime
    closed_on: date | None = None
    last_activity_at: datetime | None = None
    search_key: str | None = None  # for `search`: domain.text.deal_search_key(title)
    owner: str = Field(sa_column_kwargs=OWNER_DEFAULT)


class Activity(SQLModel, table=True):
    """A call, email, meeting, task or note: planned (a next step) or done (history)."""

    __tablename__ = "activities"
    __table_args__ = (
        Index("ix_activities_open_due", "done_at", "due_date"),
        # "Has this contact / deal a step planned (from a date on)?" in one index probe.
        Index("ix_activities_contact_open", "contact_id", "done_at", "due_date"),
        Index("ix_activities_deal_open", "deal_id", "done_at", "due_date"),
        Index("ix_activities_owner_open", "owner", "done_at", "due_date"),  # one's own steps
        # `mail import`: is this message logged on this contact already?
        Index(
            "ix_activities_message",
            "message_id",
            "contact_id",
            sqlite_where=text("message_id IS NOT NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    contact_id: int = Field(foreign_key="contacts.id")
    deal_id: int | None = Field(default=None, foreign_key="deals.id")
    kind: str  # call | email | meeting | task | note
    text: str
    due_date: date | None = None  # local date, as planned
    due_time: time | None = None  # local wall-clock time, as typed; None: due all that day
    due_at: datetime | None = None  # a timed step's instant (UTC): overdue and calendar use it
    snoozed: int = Field(default=0, sa_column_kwargs={"server_default": "0"})  # its SEQUENCE
    done_at: datetime | None = None
    every: str | None = None  # a recurring step's interval (domain.dates.Interval: "2w")
    series_on: date | None = None  # its day in its series: snoozing moves due_date, not this
    message_id: str | None = None  # an email `mail import` logged: its Message-ID
    created_at: datetime
    owner: str = Field(sa_column_kwargs=OWNER_DEFAULT)


class Purchase(SQLModel, table=True):
    """What a customer bought: every won deal, plus purchases recorded directly."""

    __tablename__ = "purchases"
    __table_args__ = (
        Index("ix_purchases_contact_date", "contact_id", "purchased_on"),
        Index("ix_purchases_date", "purchased_on"),  # customers turning pre-inactive
    )

    id: int | None = Field(default=None, primary_key=True)
    contact_id: int = Field(foreign_key="contacts.id")
    deal_id: int | None = Field(default=None, foreign_key="deals.id")
    value: float
    currency: str
    purchased_on: date
    created_at: datetime


class LifecycleEvent(SQLModel, table=True):
    """Every lifecycle change, with its time: the facts the reports are computed from."""

    __tablename__ = "lifecycle_events"

    id: int | None = Field(default=None, primary_key=True)
    contact_id: int = Field(foreign_key="contacts.id", index=True)
    deal_id: int | None = Field(default=None, foreign_key="deals.id", index=True)
    entity: str  # prospect | lead | deal | customer
    action: str  # created | convert | cancel | qualify | disqualify | open | move | win ...
    from_state: str | None = None
    to_state: str | None = None
    detail: str | None = None
    at: datetime = Field(index=True)


class Setting(SQLModel, table=True):
    __tablename__ = "settings"

    key: str = Field(primary_key=True)
    value: str


class Source(SQLModel, table=True):
    """A source of contacts that can carry a cost (a bought list, a campaign), for ROI.

    ``name`` is lower-case, as ``Contact.source`` is; a prospecting list's source is its name.
    """

    __tablename__ = "sources"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    channel: str | None = None  # inbound | outbound, when the user said so
    created_at: datetime


class SourceCost(SQLModel, table=True):
    """What a source cost, on a date: the reports set won value against it."""

    __tablename__ = "source_costs"

    id: int | None = Field(default=None, primary_key=True)
    source_id: int = Field(foreign_key="sources.id", index=True)
    amount: float
    currency: str
    spent_on: date
    created_at: datetime


class SearchIndexState(SQLModel, table=True):
    """How far SQLite's full-text search index has caught up with a table (by id)."""

    __tablename__ = "search_index_state"

    name: str = Field(primary_key=True)  # contacts | companies | deals
    indexed_through: int = 0


class UndoCommand(SQLModel, table=True):
    """One write command, as `undo` sees it: the last ``journal.KEEP`` are kept (db/journal.py)."""

    __tablename__ = "undo_commands"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime  # when it committed
    command: str  # the command line as typed, without --db: "deal win 12"
    summary: str | None = None  # what it said it did: "Won deal #12 Acme renewal: ..."
    import_id: int | None = None  # an import: undo-import takes its rows back (no key: may go)
    undoable: bool = True  # False: undo stops here (an undo-import: what it removed is gone)


class UndoChange(SQLModel, table=True):
    """One row a command wrote, and how to put it back: undone newest first."""

    __tablename__ = "undo_changes"

    command_id: int = Field(foreign_key="undo_commands.id", primary_key=True)
    seq: int = Field(primary_key=True)  # the order the command wrote in
    table_name: str
    op: str  # insert | update | delete
    row_key: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))  # {"id": 12}
    # The columns it changed, before and after (insert: no before; delete: no after).
    before: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    after: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
