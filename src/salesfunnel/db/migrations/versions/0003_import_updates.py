"""What `--on-duplicate update` wrote onto existing contacts, for undo-import.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "import_updates",
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("before", sa.JSON(), nullable=False),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.Column("added_tags", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["contact_id"], ["contacts.id"]),
        sa.ForeignKeyConstraint(["import_id"], ["import_batches.id"]),
        sa.PrimaryKeyConstraint("import_id", "contact_id"),
    )


def downgrade() -> None:
    op.drop_table("import_updates")
