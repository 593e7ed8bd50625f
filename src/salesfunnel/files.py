"""Files salesfunnel writes (exports, calendars, rejected rows, backups): whole or not at
all, readable by their owner alone, and never over a file nobody asked to replace.

A file is written beside its target under a temporary name (mode 0600 from the start)
and put in place only once complete, so a command that fails or is interrupted leaves
any earlier file exactly as it was.

The rule for targets lives in :func:`checked_target`, for every command that writes a
file: an existing file is replaced only with ``--force``; the database, the files SQLite
keeps beside it (``-wal``, ``-shm``, ``-journal``) and the command's own input never,
``--force`` or not.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from salesfunnel.errors import BadValue

SIDE_FILES = ("-wal", "-shm", "-journal")  # what SQLite keeps beside a database file

Protected = Mapping[Path, str]  # files never written over, each with what it is


def database_files(database: Path | None) -> dict[Path, str]:
    """The database and the files SQLite keeps beside it, each named for a message."""
    if database is None:
        return {}
    files = {database: "the database"}
    for side in SIDE_FILES:
        files[database.with_name(database.name + side)] = f"the database's {side} file"
    return files


def checked_target(
    path: Path, what: str = "", *, force: bool = False, protected: Protected | None = None
) -> Path:
    """The file to write: not a directory, in a directory that exists, not one of the
    ``protected`` files (the database, the command's input) even with ``force``, and
    not an existing file unless ``force``."""
    label = f"{what}: " if what else ""
    target = path.expanduser()
    try:
        if target.is_dir():
            raise BadValue(f"{label}{path} is a directory: give a file name")
        folder = target.parent
        if not folder.is_dir():
            raise BadValue(f"{label}can't write {path}: no directory {folder}")
        for kept, name in (protected or {}).items():
            if same_file(target, kept):
                raise BadValue(
                    f"{label}won't write over {path}: it is {name} (give another file name)"
                )
        if not force and (target.exists() or target.is_symlink()):
            raise BadValue(f"{label}{path} already exists: add --force to replace it")
    except OSError as error:  # a name too long, a folder we may not look into...
        raise BadValue(f"{label}can't write {str(path)[:80]}: {error.strerror}") from None
    return target


def same_file(one: Path, other: Path) -> bool:
    """Whether two paths name one file: the same inode (a hard or symbolic link), or,
    for a file not there yet, the same path once resolved."""
    try:
        if os.path.samefile(one, other):
            return True
    except OSError:  # one of them doesn't exist (yet)
        pass
    return os.path.realpath(one) == os.path.realpath(other)


class PendingFile:
    """A private file being written; :meth:`keep` puts it in place, :meth:`discard` drops it."""

    def __init__(
        self,
        path: Path,
        *,
        what: str = "",
        force: bool = False,
        protected: Protected | None = None,
        binary: bool = False,
        **text: Any,
    ) -> None:
        """``force``: replace the file if it exists (never a ``protected`` one).

        ``text``: ``encoding`` and ``newline`` for a text file (UTF-8, no newline
        translation by default)."""
        self.target = checked_target(path, what, force=force, protected=protected)
        self._label = f"{what}: " if what else ""
        self._force = force
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

    @property
    def temporary(self) -> Path:
        """The file being written, under its temporary name (for writers that take a path)."""
        assert self._temporary is not None, "the file was kept or discarded already"
        return self._temporary

    def keep(self) -> Path:
        """Put the file in place; without ``force``, never over a file that appeared
        meanwhile (a hard link fails if the name is taken, where a rename would not)."""
        self.stream.close()
        if self._temporary is None:
            return self.target
        if self._force:
            os.replace(self._temporary, self.target)
        else:
            self._place_new()
        self._temporary = None
        return self.target

    def _place_new(self) -> None:
        assert self._temporary is not None
        try:
            os.link(self._temporary, self.target)
        except FileExistsError:
            self.discard()
            raise BadValue(
                f"{self._label}{self.target} appeared while it was being written: "
                "left as it is (add --force to replace it)"
            ) from None
        except OSError:  # a file system without hard links
            if self.target.exists():
                self.discard()
                raise BadValue(
                    f"{self._label}{self.target} already exists: add --force to replace it"
                ) from None
            os.replace(self._temporary, self.target)
            return
        self._temporary.unlink()

    def discard(self) -> None:
        self.stream.close()
        if self._temporary is not None:
            self._temporary.unlink(missing_ok=True)
            self._temporary = None


@contextmanager
def private_file(
    path: Path,
    *,
    what: str = "",
    force: bool = False,
    protected: Protected | None = None,
    binary: bool = False,
    **text: Any,
) -> Iterator[IO[Any]]:
    """Write a private file in a block: in place when the block ends well, else not at all."""
    pending = PendingFile(path, what=what, force=force, protected=protected, binary=binary, **text)
    try:
        yield pending.stream
    except BaseException:
        pending.discard()
        raise
    pending.keep()
