"""Search on PostgreSQL: a trigram index over each searched table's ``search_key``.

`search` asks for rows whose key holds a word starting with each word typed; on
PostgreSQL it asks with a regular expression (db/dialect.py ``word_match``), which a GIN
index of pg_trgm's trigrams answers without reading the table, as SQLite's FTS5 index
(0002, 0004) does there.  The keys are folded by salesfunnel itself (domain/text.py:
lower case, no accents) on both databases, so the same search finds the same rows;
``unaccent`` would fold by other rules, and is not used.

The extension is created if it isn't there (pg_trgm is a trusted extension: the
database's owner may create it).  SQLite: nothing to do.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

SEARCHED = ("contacts", "companies", "deals")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table in SEARCHED:
        op.execute(
            f"CREATE INDEX ix_{table}_search_key_trgm ON {table} "
            "USING gin (search_key gin_trgm_ops)"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in SEARCHED:
        op.execute(f"DROP INDEX IF EXISTS ix_{table}_search_key_trgm")
