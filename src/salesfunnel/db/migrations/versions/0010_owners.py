"""Owners: every contact, deal and activity belongs to someone.

``owner`` (text, not null) on contacts, deals and activities.  Rows already there are
the current user's (domain/owners.py: SALESFUNNEL_USER, else the login name), and on an
SQLite file, a personal database, that name is stored as the ``user.name`` setting
when none is: the file stays its owner's whoever runs it later (cron's bare
environment, another login name after a move), and `config set user.name` re-labels
(services/settings.py).  On a server the settings are shared by the whole team, so
each person is their SALESFUNNEL_USER or login name instead.

Indexes where listings filter by owner: one's own leads in the lead list's order
(``ix_contacts_owner_leads``), one's own deals by status (``ix_deals_owner_status``),
one's own planned steps by due date (``ix_activities_owner_open``), and the owner in the
to-do list's small index of open leads, so that it filters there (``ix_contacts_open_leads``).

Revision ID: 0010
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from salesfunnel.domain.owners import USER_SETTING, current_user

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

OWNED = ("contacts", "deals", "activities")
# As in db/tables.py, spelled out here so the migration never changes under a later edit.
OPEN_LEAD = "stage = 'lead' AND lead_status IN ('new', 'contacted')"
LEAD_TOUCH = "coalesce(last_activity_at, became_lead_at, created_at)"
OPEN_LEAD_COLUMNS = ["starred", LEAD_TOUCH, "last_activity_at", "became_lead_at", "created_at"]


def _open_leads_index(with_owner: bool) -> None:
    columns = [
        *[sa.text(c) if "(" in c else c for c in OPEN_LEAD_COLUMNS],
        "stage",
        "lead_status",
    ]
    op.create_index(
        "ix_contacts_open_leads",
        "contacts",
        [*columns, "owner"] if with_owner else columns,
        unique=False,
        sqlite_where=sa.text(OPEN_LEAD),
        postgresql_where=sa.text(OPEN_LEAD),
    )


def upgrade() -> None:
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    stored = bind.execute(
        sa.text('SELECT value FROM settings WHERE "key" = :key'), {"key": USER_SETTING}
    ).scalar()
    owner = current_user(stored)
    for table in OWNED:
        # Added with an empty default (SQLite adds such a column without a rewrite), then
        # given its owner; every write names the owner itself (db/work.py).
        op.add_column(
            table, sa.Column("owner", sa.String(), nullable=False, server_default=sa.text("''"))
        )
        bind.execute(sa.text(f"UPDATE {table} SET owner = :owner"), {"owner": owner})
    if sqlite and stored is None:
        bind.execute(
            sa.text('INSERT INTO settings ("key", value) VALUES (:key, :value)'),
            {"key": USER_SETTING, "value": owner},
        )
    op.create_index(
        "ix_contacts_owner_leads",
        "contacts",
        ["owner", "starred", "id", "lead_status"],
        unique=False,
        sqlite_where=sa.text("lead_status IS NOT NULL"),
        postgresql_where=sa.text("lead_status IS NOT NULL"),
    )
    op.drop_index("ix_contacts_open_leads", table_name="contacts")
    _open_leads_index(with_owner=True)
    op.create_index("ix_deals_owner_status", "deals", ["owner", "status", "stage"], unique=False)
    op.create_index(
        "ix_activities_owner_open", "activities", ["owner", "done_at", "due_date"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_activities_owner_open", table_name="activities")
    op.drop_index("ix_deals_owner_status", table_name="deals")
    op.drop_index("ix_contacts_open_leads", table_name="contacts")
    _open_leads_index(with_owner=False)
    op.drop_index("ix_contacts_owner_leads", table_name="contacts")
    for table in OWNED:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("owner")
