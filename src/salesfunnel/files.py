"""Files salesfunnel writes (exports, calendars, rejected rows): whole or not at all,
readable by their owner alone.

A file is written beside its target under a temporary name (mode 0600 from the start)
and renamed over the target only once complete, so a command that fails or is
interrupted leaves any earlier file exactly as it was.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from salesfunnel.errors import BadValue


def checked_target(path: Path, what: str = "") -> Path:
    """The file to write: not a directory, in a directory that exists."""
    label = f"{what}: " if what else ""
    target = path.expanduser()
    try:
        if target.is_dir():
            raise BadValue(f"{label}{path} is a directory: give a file name")
        folder = target.parent
        if not folder.is_dir():
            raise BadValue(f"{label}can't write {path}: no directory {folder}")
    except OSError as error:  # a name too long, a folder we may not look into...
        raise BadValue(f"{label}can't write {str(path)[:80]}: {error.strerror}") from None
    return target


class PendingFile:
    """A private file being written; :meth:`keep` puts it in place, :meth:`discard` drops it."""

    def __init__(self, path: Path, *, what: str = "", binary: bool = False, **text: Any) -> None:
        """``text``: ``encoding`` and ``newline`` for a text file (UTF-8, no newline
        translation by default)."""
        self.target = checked_target(path, what)
        try:
            handle, name = tempfile.mkstemp(prefix=f".{self.target.name}.", dir=self.target.parent)
        except OSError as error:
            label = f"{what}: " if what else ""
            raise BadValue(
                f"{label}can't write in {self.target.parent}: {error.strerror}"
            ) from None
        self._temporary: Path | None = Path(name)
        os.fchmod(handle, 0o600)  # mkstemp's mode already; said, in case that ever changes
        options = {} if binary else {"encoding": "utf-8", "newline": ""} | text
        self.stream: IO[Any] = os.fdopen(handle, "wb" if binary else "w", **options)

    def keep(self) -> Path:
        self.stream.close()
        if self._temporary is not None:
            os.replace(self._temporary, self.target)
            self._temporary = None
        return self.target

    def discard(self) -> None:
        self.stream.close()
        if self._temporary is not None:
            self._temporary.unlink(missing_ok=True)
            self._temporary = None


@contextmanager
def private_file(path: Path, *, binary: bool = False, **text: Any) -> Iterator[IO[Any]]:
    """Write a private file in a block: in place when the block ends well, else not at all."""
    pending = PendingFile(path, binary=binary, **text)
    try:
        yield pending.stream
    except BaseException:
        pending.discard()
        raise
    pending.keep()
