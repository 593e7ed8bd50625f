"""The ``--rejects`` CSV: every rejected row as it was, with its line and reason.

Written to a temporary file beside the target and moved into place only when
the import commits, so a failed import leaves no rejects file either.  UTF-8
with a BOM, so Excel opens it right; the input's delimiter, so the user's
locale does too.  Its two extra columns are skipped when the fixed file is
imported again.
"""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import Self, TextIO

from salesfunnel.errors import BadValue

LINE_HEADER = "rejected line"
REASON_HEADER = "rejected reason"


class Rejects:
    """Collects rejected rows; keeps the first few for the summary."""

    SHOWN = 5  # reasons echoed in the summary when there is no --rejects file

    def __init__(self, target: Path | None = None) -> None:
        self.target = target
        self.count = 0
        self.first: list[tuple[int, str]] = []
        self._file: TextIO | None = None
        self._temp: Path | None = None
        self._writer: csv.Writer | None = None  # type: ignore[name-defined]

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
        directory = self.target.parent
        if not directory.is_dir():
            raise BadValue(f"--rejects: no such directory: {directory}")
        try:
            handle, name = tempfile.mkstemp(
                prefix=f".{self.target.name}.", suffix=".tmp", dir=directory
            )
        except OSError as error:
            raise BadValue(f"--rejects: can't write in {directory}: {error.strerror}") from None
        self._temp = Path(name)
        self._file = os.fdopen(handle, "w", encoding="utf-8-sig", newline="")
        self._writer = csv.writer(self._file, delimiter=delimiter)
        self._writer.writerow([LINE_HEADER, REASON_HEADER, *header])

    def add(self, line: int, reason: str, row: Sequence[str]) -> None:
        self.count += 1
        if len(self.first) < self.SHOWN:
            self.first.append((line, reason))
        if self._writer is not None:
            self._writer.writerow([line, reason, *row])

    def keep(self) -> Path | None:
        """Move the file into place (after the import committed)."""
        if self._file is None or self._temp is None or self.target is None:
            return None
        self._file.close()
        os.replace(self._temp, self.target)
        self._file = None
        return self.target

    def discard(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        if self._temp is not None:
            self._temp.unlink(missing_ok=True)
            self._temp = None
