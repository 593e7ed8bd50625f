"""Recurring steps, and mail imported once.

``activities.every``: a step's interval (``2w``), so that doing it plans the next one;
``activities.series_on``: the day it falls on in its series, which snoozing leaves alone.
``activities.message_id``: the Message-ID of an email `mail import` logged, so that a
message imported again is not logged twice (one probe of ``ix_activities_message``).
(`merge --suggest` adds no index: one on company and name would cost every big import
a sort of its names, about 2.5 s a million, for a command run now and then; it reads
``ix_contacts_company_id`` instead.)

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # the column types autogenerate names in full
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("activities") as batch:
        batch.add_column(sa.Column("every", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch.add_column(sa.Column("series_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("message_id", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
    op.create_index(
        "ix_activities_message",
        "activities",
        ["message_id", "contact_id"],
        unique=False,
        sqlite_where=sa.text("message_id IS NOT NULL"),
        postgresql_where=sa.text("message_id IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_activities_message", table_name="activities")
    with op.batch_alter_table("activities") as batch:
        batch.drop_column("message_id")
        batch.drop_column("series_on")
        batch.drop_column("every")
