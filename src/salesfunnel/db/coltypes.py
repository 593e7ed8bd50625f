"""Column types of the Core tables (db/core.py) that SQLAlchemy itself does not have.

SQLModel stores ``datetime`` fields with its ``UTCDateTime``: aware datetimes in, UTC
out.  Importing it would import SQLModel (and SQLAlchemy's ORM, pydantic...), which the
fast read path exists to avoid, so this is the same type, kept to it by
``tests/test_fast_path.py`` (same values bound, same values read back).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import types
from sqlalchemy.engine.interfaces import Dialect
from sqlalchemy.sql.operators import OperatorType


class UTCDateTime(types.TypeDecorator[datetime]):
    """Aware datetimes stored in UTC, read back aware in UTC (as ``sqlmodel``'s type)."""

    impl = types.DateTime
    cache_ok = True

    def __init__(self) -> None:
        super().__init__(timezone=True)

    def __repr__(self) -> str:
        return "UTCDateTime()"

    def coerce_compared_value(self, op: OperatorType | None, value: Any) -> types.TypeEngine[Any]:
        if isinstance(value, timedelta):
            return types.Interval()
        return self

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.utcoffset() is None:
            raise ValueError("datetime values must have timezone information")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.utcoffset() is None:  # databases without time zones store UTC, no offset
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
