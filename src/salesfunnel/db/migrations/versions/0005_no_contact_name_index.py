"""Contacts' names lose their index: no query looks a contact up or orders by name.

Every statement the test suite runs, planned by SQLite on a database of a million
contacts (EXPLAIN QUERY PLAN), used `ix_contacts_name` not once: `search` finds names
through the search index, listings order by id.  It cost every write of a contact an
index entry, and a big import a sort of every name at its end (about 0.8 s a million).

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_contacts_name", table_name="contacts")


def downgrade() -> None:
    op.create_index("ix_contacts_name", "contacts", ["name"], unique=False)
