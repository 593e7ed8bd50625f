"""What the importer added to the schema is the same in the models and the migrations."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

from salesfunnel.db import tables
from salesfunnel.db.engine import open_engine

IMPORT_PARTS = ("import_batches", "import_id", "ix_contacts_referred_by", "'value'")


@pytest.mark.filterwarnings("ignore:.*expression-based index")
def test_the_migrations_create_what_the_models_say(tmp_path) -> None:
    engine = open_engine(f"sqlite:///{tmp_path / 'schema.db'}")
    try:
        with engine.connect() as connection:
            differences = compare_metadata(
                MigrationContext.configure(connection), SQLModel.metadata
            )
        ours = [d for d in map(str, differences) if any(part in d for part in IMPORT_PARTS)]
        assert ours == []
        with engine.connect() as connection:
            columns = {c["name"] for c in inspect(connection).get_columns("contacts")}
        assert {"import_id", "value"} <= columns
    finally:
        engine.dispose()


def test_the_import_batch_model_names_its_list() -> None:
    foreign = {fk.column.table.name for fk in tables.ImportBatch.__table__.foreign_keys}
    assert foreign == {"prospect_lists"}
    assert {fk.column.table.name for fk in tables.Contact.__table__.c.import_id.foreign_keys} == {
        "import_batches"
    }
