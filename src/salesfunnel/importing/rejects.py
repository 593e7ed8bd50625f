"""The ``--rejects`` CSV: every rejected row as it was, with its line and reason.

After them come the conflicts (a known email with another name), whose reason
starts with ``conflict:``: not imported, for the user to decide.

Written to a temporary file beside the target and moved into place only when
the import commits, so a failed import leaves no rejects file either.  UTF-8
with a BOM, so Excel opens it right; the input's delimiter, so the user's
locale does too.  Its two extra columns are skipped when the fixed file is
imported again.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol, Self

from salesfunnel.domain.exchange import neutralise
from salesfunnel.files import PendingFile, Protected

LINE_HEADER = "rejected line"
REASON_HEADER = "rejected reason"


class _RowWriter(Protocol):
    """What csv.writer() makes (the csv module gives its type no public name)."""

    def writerow(self, row: Iterable[Any], /) -> Any: ...


class Rejects:
    """Collects rejected rows; keeps the first few for the summary."""

    SHOWN = 5  # reasons echoed in the summary when there is no --rejects file

    def __init__(
        self,
        target: Path | None = None,
        *,
        force: bool = False,
        protected: Protected | None = None,
    ) -> None:
        """``force``: replace an existing file; never one of ``protected`` (the database,
        the file being imported)."""
        self.target = target
        self._force = force
        self._protected = protected
        self.count = 0
        self.first: list[tuple[int, str]] = []
        self.conflicts = 0
        self.first_conflicts: list[tuple[int, str]] = []
        self._file: PendingFile | None = None
        self._writer: _RowWriter | None = None

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if exc_type is not None:
            self.discard()

    def start(self, header: Sequence[str], delimiter: str) -> None:
        """Open the temporary file (when there is a target) and write the header."""
        if self.target is None:
            return
        self._file = PendingFile(
            self.target,
            what="--rejects",
            force=self._force,
            protected=self._protected,
            encoding="utf-8-sig",
        )
        self._writer = csv.writer(self._file.stream, delimiter=delimiter)
        self._writer.writerow([LINE_HEADER, REASON_HEADER, *header])

    def add(self, line: int, reason: str, row: Sequence[str]) -> None:
        self.count += 1
        if len(self.first) < self.SHOWN:
            self.first.append((line, reason))
        if self._writer is not None:
            self._writer.writerow([line, reason, *map(neutralise, row)])

    def add_conflict(self, line: int, reason: str, row: Sequence[str]) -> None:
        """A row set apart for the user to decide: written after the rejected ones."""
        self.conflicts += 1
        if len(self.first_conflicts) < self.SHOWN:
            self.first_conflicts.append((line, reason))
        if self._writer is not None:
            self._writer.writerow([line, reason, *map(neutralise, row)])

    def keep(self) -> Path | None:
        """Move the file into place (after the import committed)."""
        if self._file is None:
            return None
        kept = self._file.keep()
        self._file = None
        return kept

    def discard(self) -> None:
        if self._file is not None:
            self._file.discard()
            self._file = None
