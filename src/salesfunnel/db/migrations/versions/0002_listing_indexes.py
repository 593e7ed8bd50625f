"""Indexes for listings, lookups by email or phone, and the lifecycle history.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("contacts") as batch_op:
        batch_op.create_index(batch_op.f("ix_contacts_company_id"), ["company_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_contacts_email_key"), ["email_key"], unique=False)
        batch_op.create_index(
            "ix_contacts_list_status", ["list_id", "prospect_status"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_contacts_name"), ["name"], unique=False)
        batch_op.create_index(batch_op.f("ix_contacts_phone_key"), ["phone_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_contacts_source"), ["source"], unique=False)
        batch_op.create_index("ix_contacts_stage_status", ["stage", "lead_status"], unique=False)

    with op.batch_alter_table("contact_tags") as batch_op:
        batch_op.create_index(batch_op.f("ix_contact_tags_tag"), ["tag"], unique=False)

    with op.batch_alter_table("deals") as batch_op:
        batch_op.create_index(batch_op.f("ix_deals_contact_id"), ["contact_id"], unique=False)
        batch_op.create_index("ix_deals_status_stage", ["status", "stage"], unique=False)

    with op.batch_alter_table("activities") as batch_op:
        batch_op.create_index(batch_op.f("ix_activities_contact_id"), ["contact_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_activities_deal_id"), ["deal_id"], unique=False)
        batch_op.create_index("ix_activities_open_due", ["done_at", "due_date"], unique=False)

    with op.batch_alter_table("lifecycle_events") as batch_op:
        batch_op.create_index(batch_op.f("ix_lifecycle_events_at"), ["at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_lifecycle_events_contact_id"), ["contact_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_lifecycle_events_deal_id"), ["deal_id"], unique=False)

    with op.batch_alter_table("purchases") as batch_op:
        batch_op.create_index(
            "ix_purchases_contact_date", ["contact_id", "purchased_on"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("purchases") as batch_op:
        batch_op.drop_index("ix_purchases_contact_date")

    with op.batch_alter_table("lifecycle_events") as batch_op:
        batch_op.drop_index(batch_op.f("ix_lifecycle_events_deal_id"))
        batch_op.drop_index(batch_op.f("ix_lifecycle_events_contact_id"))
        batch_op.drop_index(batch_op.f("ix_lifecycle_events_at"))

    with op.batch_alter_table("activities") as batch_op:
        batch_op.drop_index("ix_activities_open_due")
        batch_op.drop_index(batch_op.f("ix_activities_deal_id"))
        batch_op.drop_index(batch_op.f("ix_activities_contact_id"))

    with op.batch_alter_table("deals") as batch_op:
        batch_op.drop_index("ix_deals_status_stage")
        batch_op.drop_index(batch_op.f("ix_deals_contact_id"))

    with op.batch_alter_table("contact_tags") as batch_op:
        batch_op.drop_index(batch_op.f("ix_contact_tags_tag"))

    with op.batch_alter_table("contacts") as batch_op:
        batch_op.drop_index("ix_contacts_stage_status")
        batch_op.drop_index(batch_op.f("ix_contacts_source"))
        batch_op.drop_index(batch_op.f("ix_contacts_phone_key"))
        batch_op.drop_index(batch_op.f("ix_contacts_name"))
        batch_op.drop_index("ix_contacts_list_status")
        batch_op.drop_index(batch_op.f("ix_contacts_email_key"))
        batch_op.drop_index(batch_op.f("ix_contacts_company_id"))
