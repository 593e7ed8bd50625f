"""A big file's batches are made in a second process while this one stores them.

Reading and checking rows is Python; storing them is mostly SQLite.  On a
machine with a second core the two halves can overlap, but not as threads (the
interpreter's lock would make them take turns), so a forked child reads the
file and sends each batch through a pipe, one or two ahead of the writer.

What goes through the pipe matters: pickling a batch object by object costs
as much as making it, so each column of text is sent as one string, joined by
a separator none of its values contains (checked; a column that has it is
pickled as it is).  The child never touches the database: the parent holds the
only connection and the one transaction.  It ignores Ctrl-C (the parent
decides), and it ends when the parent stops reading, whether the parent
finished, failed or was killed.
"""

from __future__ import annotations

import os
import pickle
import signal
import struct
import sys
import threading
from collections.abc import Iterable, Iterator
from typing import Any, BinaryIO

from salesfunnel.importing.batches import Batch

AHEAD_FROM_BYTES = 8 * 1024 * 1024  # smaller files: not worth a second process
_SEPARATOR = "\x1f"  # ASCII unit separator: made for this, and absent from real lists
_FRAME = struct.Struct("<QB")  # payload size, kind
_BATCH, _END, _ERROR = 1, 2, 3
_PIPE_BYTES = 1024 * 1024  # a bigger pipe: fewer switches between the two processes


def worth_a_second_process(size: int | None) -> bool:
    """A file big enough, a second core to run on, and a process that can fork safely.

    Linux only: macOS's system libraries don't promise a forked child works.  A fork
    copies one thread, so with others running a lock one of them held stays locked.
    """
    if size is None or size < AHEAD_FROM_BYTES or sys.platform != "linux":
        return False
    return len(os.sched_getaffinity(0)) > 1 and threading.active_count() == 1


def made_ahead(batches: Iterable[Batch]) -> Iterator[Batch]:
    """``batches``, made in a forked child and received here in order."""
    receiving, sending = os.pipe()
    _widen(sending)
    try:
        child = os.fork()
    except OSError:  # no process to spare (a limit on processes): read them here
        os.close(receiving)
        os.close(sending)
        yield from batches
        return
    if child == 0:  # pragma: no cover (runs in the child; its work is checked by the parent)
        os.close(receiving)
        _serve(batches, sending)
    os.close(sending)
    stream = os.fdopen(receiving, "rb", buffering=_PIPE_BYTES)
    try:
        yield from _receive(stream)
    finally:
        stream.close()  # a child still sending gets a broken pipe, and ends
        _reap(child)


def _serve(batches: Iterable[Batch], sending: int) -> None:  # pragma: no cover
    """The child's whole life: send every batch, or the error that stopped it; then exit."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    code = 0
    try:
        with os.fdopen(sending, "wb", buffering=0) as out:
            try:
                for batch in batches:
                    _send(out, _BATCH, _encode(batch))
                _send(out, _END, b"")
            except BrokenPipeError:
                code = 1
            except Exception as error:
                _send(out, _ERROR, _pickled_error(error))
    except BaseException:
        code = 1
    finally:
        os._exit(code)  # nothing of the parent's (atexit, buffers, the database) runs here


def _send(out: BinaryIO, kind: int, payload: bytes) -> None:
    _write_all(out, _FRAME.pack(len(payload), kind))
    _write_all(out, payload)


def _write_all(out: BinaryIO, data: bytes) -> None:
    """Every byte of ``data``: a write to a pipe may take only part of it when a signal
    comes in the middle (Ctrl-Z then ``fg``, a profiler or debugger attaching), and
    the part left out would leave the parent reading a batch cut short."""
    view = memoryview(data)
    while view:
        written = out.write(view)
        view = view[written or 0 :]


def _receive(stream: BinaryIO) -> Iterator[Batch]:
    while True:
        head = stream.read(_FRAME.size)
        if len(head) < _FRAME.size:
            raise RuntimeError("the process reading the file stopped without a word")
        size, kind = _FRAME.unpack(head)
        payload = stream.read(size)
        if len(payload) < size:
            raise RuntimeError("the process reading the file stopped part way through a batch")
        if kind == _BATCH:
            yield _decode(payload)
        elif kind == _END:
            return
        else:
            raise pickle.loads(payload)


def _reap(child: int) -> None:
    """Wait for the child to end, stopping it first if it is still at work."""
    done, _status = os.waitpid(child, os.WNOHANG)
    if done == 0:
        try:
            os.kill(child, signal.SIGTERM)
        except ProcessLookupError:
            pass
        os.waitpid(child, 0)


def _widen(pipe: int) -> None:
    try:
        import fcntl

        fcntl.fcntl(pipe, getattr(fcntl, "F_SETPIPE_SZ", 1031), _PIPE_BYTES)
    except (ImportError, OSError):
        pass  # the default size works, with more switches


def _pickled_error(error: Exception) -> bytes:
    try:
        return pickle.dumps(error)
    except Exception:
        return pickle.dumps(RuntimeError(f"{type(error).__name__}: {error}"))


def _encode(batch: Batch) -> bytes:
    """The batch pickled, its text columns each as one joined string."""
    read = batch.read
    columns = read.columns
    read.columns = {name: _joined(column) for name, column in columns.items()}
    try:
        return pickle.dumps(batch, protocol=pickle.HIGHEST_PROTOCOL)
    finally:
        read.columns = columns


def _decode(payload: bytes) -> Batch:
    batch: Batch = pickle.loads(payload)
    read = batch.read
    read.columns = {name: _split(column) for name, column in read.columns.items()}
    return batch


class _Joined(str):
    """A column of text sent as one string (a subclass, so it can't be mistaken)."""


def _joined(column: Any) -> Any:
    if not column or type(column[0]) is not str:
        return column
    try:
        joined = _SEPARATOR.join(column)
    except TypeError:  # not text all the way down
        return column
    if joined.count(_SEPARATOR) != len(column) - 1:  # a value has the separator in it
        return column
    return _Joined(joined)


def _split(column: Any) -> Any:
    return column.split(_SEPARATOR) if type(column) is _Joined else column
