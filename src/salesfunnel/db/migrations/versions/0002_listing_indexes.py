"""Indexes for listings, lookups by email or phone, and the lifecycle history.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# As in db/tables.py, spelled out here so the migration never changes under a later edit.
OPEN_LEAD = "stage = 'lead' AND lead_status IN ('new', 'contacted')"
LEAD_TOUCH = "coalesce(last_activity_at, became_lead_at, created_at)"

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
        batch_op.create_index(
            "ix_contacts_leads",
            ["starred", "id", "lead_status"],
            unique=False,
            sqlite_where=sa.text("lead_status IS NOT NULL"),
            postgresql_where=sa.text("lead_status IS NOT NULL"),
        )
        batch_op.create_index(
            "ix_contacts_open_leads",
            [
                "starred",
                sa.text(LEAD_TOUCH),
                "last_activity_at",
                "became_lead_at",
                "created_at",
                "stage",
                "lead_status",
            ],
            unique=False,
            sqlite_where=sa.text(OPEN_LEAD),
            postgresql_where=sa.text(OPEN_LEAD),
        )
        batch_op.create_index(
            "ix_contacts_referred_by",
            ["referred_by_id"],
            unique=False,
            sqlite_where=sa.text("referred_by_id IS NOT NULL"),
            postgresql_where=sa.text("referred_by_id IS NOT NULL"),
        )

    with op.batch_alter_table("import_batches") as batch_op:
        batch_op.create_index(batch_op.f("ix_import_batches_list_id"), ["list_id"], unique=False)

    with op.batch_alter_table("contact_tags") as batch_op:
        batch_op.create_index(batch_op.f("ix_contact_tags_tag"), ["tag"], unique=False)

    with op.batch_alter_table("deals") as batch_op:
        batch_op.create_index(batch_op.f("ix_deals_contact_id"), ["contact_id"], unique=False)
        batch_op.create_index("ix_deals_status_stage", ["status", "stage"], unique=False)

    with op.batch_alter_table("activities") as batch_op:
        batch_op.create_index("ix_activities_open_due", ["done_at", "due_date"], unique=False)
        batch_op.create_index(
            "ix_activities_contact_open", ["contact_id", "done_at", "due_date"], unique=False
        )
        batch_op.create_index(
            "ix_activities_deal_open", ["deal_id", "done_at", "due_date"], unique=False
        )

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
        batch_op.create_index("ix_purchases_date", ["purchased_on"], unique=False)

    with op.batch_alter_table("source_costs") as batch_op:
        batch_op.create_index(batch_op.f("ix_source_costs_source_id"), ["source_id"], unique=False)

    _create_search_index()


def downgrade() -> None:
    _drop_search_index()

    with op.batch_alter_table("source_costs") as batch_op:
        batch_op.drop_index(batch_op.f("ix_source_costs_source_id"))

    with op.batch_alter_table("purchases") as batch_op:
        batch_op.drop_index("ix_purchases_date")
        batch_op.drop_index("ix_purchases_contact_date")

    with op.batch_alter_table("lifecycle_events") as batch_op:
        batch_op.drop_index(batch_op.f("ix_lifecycle_events_deal_id"))
        batch_op.drop_index(batch_op.f("ix_lifecycle_events_contact_id"))
        batch_op.drop_index(batch_op.f("ix_lifecycle_events_at"))

    with op.batch_alter_table("activities") as batch_op:
        batch_op.drop_index("ix_activities_deal_open")
        batch_op.drop_index("ix_activities_contact_open")
        batch_op.drop_index("ix_activities_open_due")

    with op.batch_alter_table("deals") as batch_op:
        batch_op.drop_index("ix_deals_status_stage")
        batch_op.drop_index(batch_op.f("ix_deals_contact_id"))

    with op.batch_alter_table("contact_tags") as batch_op:
        batch_op.drop_index(batch_op.f("ix_contact_tags_tag"))

    with op.batch_alter_table("import_batches") as batch_op:
        batch_op.drop_index(batch_op.f("ix_import_batches_list_id"))

    with op.batch_alter_table("contacts") as batch_op:
        batch_op.drop_index("ix_contacts_referred_by")
        batch_op.drop_index("ix_contacts_open_leads")
        batch_op.drop_index("ix_contacts_leads")
        batch_op.drop_index("ix_contacts_stage_status")
        batch_op.drop_index(batch_op.f("ix_contacts_source"))
        batch_op.drop_index(batch_op.f("ix_contacts_phone_key"))
        batch_op.drop_index(batch_op.f("ix_contacts_name"))
        batch_op.drop_index("ix_contacts_list_status")
        batch_op.drop_index(batch_op.f("ix_contacts_email_key"))
        batch_op.drop_index(batch_op.f("ix_contacts_company_id"))


# --- search (issue 5) ---------------------------------------------------------------
# Each searched table keeps a folded ``search_key`` (salesfunnel.domain.text).  On
# SQLite an FTS5 index over it answers `search` without scanning the table.  New rows
# are indexed in bulk by db.search_index.catch_up (one INSERT ... SELECT
# of the rows above ``search_index_state.indexed_through``), not by a trigger per
# row, which would make a million-row import many times slower.  Updates and deletes
# of rows already indexed go through the triggers below.
SEARCHED = ("contacts", "companies", "deals")
FTS_OPTIONS = "tokenize = 'unicode61 remove_diacritics 2'"


def _search_index_sql(table: str) -> list[str]:
    watermark = f"(SELECT indexed_through FROM search_index_state WHERE name = '{table}')"
    fts = f"{table}_fts"
    highest = f"(SELECT coalesce(max(id), 0) FROM {table})"
    unindex_old = (
        f"INSERT INTO {fts} ({fts}, rowid, search_key) VALUES ('delete', old.id, old.search_key);"
    )
    index_new = f"INSERT INTO {fts} (rowid, search_key) VALUES (new.id, new.search_key);"
    return [
        f"CREATE VIRTUAL TABLE {fts} USING fts5("
        f"search_key, content = '{table}', content_rowid = 'id', {FTS_OPTIONS})",
        f"INSERT INTO search_index_state (name, indexed_through) VALUES ('{table}', 0)",
        # A row given an id at or below the watermark (one used again) is indexed at once.
        # Even idle, a trigger costs a bulk insert ~1.6 s per million rows: `prospect
        # import` drops it while it inserts (importing.writer.PausedTriggers).
        f"CREATE TRIGGER {fts}_insert AFTER INSERT ON {table} WHEN new.id <= {watermark} "
        f"BEGIN {index_new} END",
        f"CREATE TRIGGER {fts}_update AFTER UPDATE OF search_key ON {table} "
        f"WHEN old.id <= {watermark} BEGIN {unindex_old} {index_new} END",
        # Deleting the newest rows lowers the watermark: an id used again is then above it.
        f"CREATE TRIGGER {fts}_delete AFTER DELETE ON {table} WHEN old.id <= {watermark} "
        f"BEGIN {unindex_old} UPDATE search_index_state SET indexed_through = {highest} "
        f"WHERE name = '{table}' AND indexed_through > {highest}; END",
        f"INSERT INTO {fts} (rowid, search_key) SELECT id, search_key FROM {table}",
        f"UPDATE search_index_state SET indexed_through = {highest} WHERE name = '{table}'",
    ]


def _create_search_index() -> None:
    bind = op.get_bind()
    _fill_search_keys(bind)
    if bind.dialect.name != "sqlite":
        return  # elsewhere `search` reads search_key with LIKE
    for table in SEARCHED:
        for statement in _search_index_sql(table):
            op.execute(statement)


def _drop_search_index() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in SEARCHED:
        for action in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_fts_{action}")
        op.execute(f"DROP TABLE IF EXISTS {table}_fts")
    op.execute("DELETE FROM search_index_state")


def _fill_search_keys(bind: sa.Connection) -> None:
    """Rows written before search keys existed get theirs (a new database has none)."""
    from salesfunnel.domain.text import deal_search_key, search_key_for

    queries = {
        "contacts": "SELECT c.id, c.name, c.email, c.phone, co.name FROM contacts AS c "
        "LEFT JOIN companies AS co ON co.id = c.company_id WHERE c.search_key IS NULL",
        "companies": "SELECT id, name FROM companies WHERE search_key IS NULL",
        "deals": "SELECT id, title FROM deals WHERE search_key IS NULL",
    }
    for table, query in queries.items():
        keyed = deal_search_key if table == "deals" else search_key_for
        rows = bind.execute(sa.text(query)).all()
        updates = [{"id": row[0], "key": keyed(*row[1:])} for row in rows]
        if updates:
            bind.execute(sa.text(f"UPDATE {table} SET search_key = :key WHERE id = :id"), updates)
