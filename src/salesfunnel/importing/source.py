"""Opening what the user named (a file, or ``-`` for standard input) as CSV records.

The first 256 KiB (and, for a file, the last 64 KiB) are read once to detect the
encoding and the delimiter; the rest streams through, so memory does not grow
with the file.  Every way a file can be unusable becomes a one-line
:class:`BadValue` (or :class:`NotFound`).
"""

from __future__ import annotations

import codecs
import csv
import io
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from salesfunnel.errors import BadValue, NotFound
from salesfunnel.importing.sniff import (
    Delimiter,
    Encoding,
    detect_delimiter,
    detect_encoding,
    excel_separator_line,
    normalize_codec,
    refuse_binary,
)

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

HEAD_BYTES = 256 * 1024
TAIL_BYTES = 64 * 1024
READ_BUFFER = 1024 * 1024
STDIN = "-"


@dataclass
class CsvInput:
    """An opened input: what was detected, its header, and its records as a stream."""

    name: str  # the path as given, or "standard input"
    stem: str | None  # the file's name without extension (default list name)
    encoding: Encoding
    delimiter: Delimiter
    header: list[str]
    size: int | None  # bytes, when known (a file)
    _binary: BinaryIO
    _reader: Any  # a csv reader
    _header_lines: int
    _owned: bool = True  # standard input is not ours to close
    sample: list[list[str]] = field(default_factory=list)  # the first records after the header
    notes_above: int = 0  # lines of notes above the header (LinkedIn's "Notes:"), skipped

    @property
    def header_lines(self) -> int:
        """Lines up to the end of the header (a ``sep=`` line and blank lines included)."""
        return self._header_lines

    @contextmanager
    def reading(self) -> Iterator[Any]:
        """The csv reader over the records after the header (its ``line_num`` counts lines).

        A byte the encoding can't decode, or a broken quote, stops the import
        with a one-line error naming the line.
        """
        reader = self._reader
        try:
            yield reader
        except UnicodeDecodeError as error:
            where = f"after line {reader.line_num}"
            line = self._undecodable_line()
            if line is not None:
                where = f"line {line}"
            raise BadValue(
                f"{self.name}, {where}: bytes that are not "
                f"{self.encoding.codec} ({_hex(error)}); {_encoding_hint(self.encoding)}"
            ) from None
        except csv.Error as error:
            raise BadValue(
                f"{self.name}, line {reader.line_num}: {error} (a quote opened and not "
                "closed? fix that field, or save the file from Excel again)"
            ) from None

    def _undecodable_line(self) -> int | None:
        """The first line of the file its encoding can't decode (a file read line by line
        in a byte-per-line encoding: UTF-8 or a code page), or None when it can't be told.

        The reader decodes a chunk ahead of the record it hands out, so where it stopped
        is not where the bytes are; the file is read again, on this error only, to say."""
        codec = codecs.lookup(self.encoding.reads_as).name
        if self.stem is None or codec.startswith(("utf-16", "utf-32")):
            return None
        decoder = codecs.getincrementaldecoder(codec)(errors=self.encoding.errors)
        try:
            with open(Path(self.name).expanduser(), "rb") as again:
                for number, line in enumerate(again, start=1):
                    try:
                        decoder.decode(line)
                    except UnicodeDecodeError:
                        return number
        except OSError:
            return None
        return None

    def records(self) -> Iterator[tuple[int, list[str]]]:
        """``(line where the record starts, fields)`` for every record after the header."""
        with self.reading() as reader:
            line = self._header_lines
            for row in reader:
                yield line + 1, row
                line = reader.line_num

    def bytes_read(self) -> int:
        """How far into the input the reader is, for a progress bar."""
        try:
            return self._binary.tell()
        except (OSError, ValueError):
            return 0

    def close(self) -> None:
        """Close the file (standard input stays open: it is not ours)."""
        if self._owned:
            self._binary.close()


def _hex(error: UnicodeDecodeError) -> str:
    return " ".join(f"0x{b:02X}" for b in error.object[error.start : error.end][:4])


def _encoding_hint(encoding: Encoding) -> str:
    if encoding.how == "forced":
        return "check --encoding, or leave it out to detect the encoding"
    return "give the right one with --encoding (e.g. cp1252, cp1251)"


def open_csv(
    target: str,
    *,
    stdin: BinaryIO | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
) -> CsvInput:
    """Open ``target`` (a path or ``-``), detect what it is, and read its header."""
    binary, name, stem, size = _open_binary(target, stdin)
    try:
        head = _read_up_to(binary, HEAD_BYTES)
        tail = _tail(binary, size, len(head))
        if not head.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
            raise BadValue(f"{name} is empty: there is no header row and no data")
        if encoding is not None:
            chosen = Encoding(normalize_codec(encoding), "forced")
        else:
            chosen = detect_encoding(head, tail)
        refuse_binary(head, chosen, name)
        stream = _rewind(binary, head)
        text = io.TextIOWrapper(stream, encoding=chosen.reads_as, errors=chosen.errors, newline="")
        sample = _decode_sample(head, chosen, name)
        return _with_header(binary, text, sample, chosen, delimiter, name, stem, size)
    except BaseException:
        if target != STDIN:
            binary.close()
        raise


def _open_binary(
    target: str, stdin: BinaryIO | None
) -> tuple[BinaryIO, str, str | None, int | None]:
    if target == STDIN:
        if stdin is None:
            raise BadValue("no standard input to read")
        return stdin, "standard input", None, None
    path = Path(target).expanduser()
    if path.is_dir():
        raise BadValue(f"{target} is a directory, not a CSV file")
    try:
        binary = open(path, "rb", buffering=READ_BUFFER)  # noqa: SIM115 - closed by CsvInput
    except FileNotFoundError:
        raise NotFound(f"no such file: {target}") from None
    except OSError as error:
        raise BadValue(f"can't read {target}: {error.strerror or error}") from None
    size = os.fstat(binary.fileno()).st_size
    return binary, target, path.stem or path.name, size


def _read_up_to(binary: BinaryIO, count: int) -> bytes:
    chunks: list[bytes] = []
    remaining = count
    while remaining > 0:
        chunk = binary.read(remaining)
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def _tail(binary: BinaryIO, size: int | None, head_length: int) -> bytes:
    if size is None or size <= head_length + TAIL_BYTES:
        return b""
    binary.seek(size - TAIL_BYTES)
    tail = binary.read(TAIL_BYTES)
    return tail


def _rewind(binary: BinaryIO, head: bytes) -> BinaryIO:
    """The whole input again: a file seeks back; a pipe gets its head put in front."""
    if binary.seekable():
        binary.seek(0)
        return binary
    return io.BufferedReader(_Prefixed(head, binary), buffer_size=READ_BUFFER)


class _Prefixed(io.RawIOBase):
    """Bytes already read from a pipe, then the rest of the pipe."""

    def __init__(self, prefix: bytes, rest: BinaryIO) -> None:
        self._prefix = memoryview(prefix)
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        view = memoryview(buffer).cast("B")  # BufferedReader passes bytes; any buffer will do
        if self._prefix:
            count = min(len(view), len(self._prefix))
            view[:count] = self._prefix[:count]
            self._prefix = self._prefix[count:]
            return count
        data = self._rest.read(len(view))
        view[: len(data)] = data
        return len(data)


def _decode_sample(head: bytes, encoding: Encoding, name: str) -> str:
    decoder = io.IncrementalNewlineDecoder(None, translate=False)
    codec = codecs.getincrementaldecoder(encoding.reads_as)(errors=encoding.errors)
    try:
        text = codec.decode(head, final=False)
    except UnicodeDecodeError as error:
        raise BadValue(
            f"{name}: the first lines are not {encoding.codec} ({_hex(error)}); "
            f"{_encoding_hint(encoding)}"
        ) from None
    return str(decoder.decode(text))


def _with_header(
    binary: BinaryIO,
    text: io.TextIOWrapper,
    sample: str,
    encoding: Encoding,
    delimiter: str | None,
    name: str,
    stem: str | None,
    size: int | None,
) -> CsvInput:
    first_line = sample.lstrip("\ufeff").split("\n", 1)[0]
    hinted = excel_separator_line(first_line)
    if delimiter is not None:
        chosen = Delimiter(delimiter, "forced")
    elif hinted is not None:
        chosen = Delimiter(hinted, "Excel sep= line")
    else:
        chosen = detect_delimiter(sample)
    records = sample_records(sample, chosen.char, skip_first=hinted is not None)
    at = header_at(records)
    reader = csv.reader(text, delimiter=chosen.char, strict=True)  # bad quoting stops
    header: list[str] | None = None
    seen = 0  # non-blank records read
    try:
        for row in reader:
            if hinted is not None and reader.line_num == 1:
                continue
            if row and any(cell.strip() for cell in row):
                seen += 1
                if seen > at:
                    header = [cell.strip().lstrip("\ufeff").strip() for cell in row]
                    break
    except UnicodeDecodeError as error:
        raise BadValue(
            f"{name}: the header is not {encoding.codec} ({_hex(error)}); "
            f"{_encoding_hint(encoding)}"
        ) from None
    except csv.Error as error:
        raise BadValue(f"{name}: can't read the header row: {error}") from None
    if header is None:
        raise BadValue(f"{name} is empty: there is no header row and no data")
    return CsvInput(
        name=name,
        stem=stem,
        encoding=encoding,
        delimiter=chosen,
        header=header,
        size=size,
        _binary=binary,
        _reader=reader,
        _header_lines=reader.line_num,
        _owned=stem is not None,
        sample=_after_header(records, at),
        notes_above=at,
    )


SAMPLE_RECORDS = 200  # records of the file's head looked at for its header and content


def sample_records(text: str, delimiter: str, *, skip_first: bool = False) -> list[list[str]]:
    """The non-blank records of the head of a file (a record the sample cuts is left out)."""
    cut = max(text.rfind("\n"), text.rfind("\r"))
    whole = text[: cut + 1] if cut > 0 else text
    reader = csv.reader(io.StringIO(whole.lstrip("\ufeff"), newline=""), delimiter=delimiter)
    records: list[list[str]] = []
    try:
        for row in reader:
            if skip_first and reader.line_num == 1:
                continue
            if row and any(cell.strip() for cell in row):
                records.append(row)
            if len(records) > SAMPLE_RECORDS:
                break
    except csv.Error:
        pass  # a quote the sample cuts in two: what came before it will do
    return records


def header_at(records: list[list[str]], *, looked_at: int = 20) -> int:
    """Which non-blank record is the header: the first, unless lines of notes stand above it.

    The header is the first record that names two fields or more, or that is as wide as
    most of the records of two cells or more under it: lines of notes above a table (a
    cell each, mostly) are narrower than it.
    """
    from salesfunnel.importing.headers import guess

    for index, row in enumerate(records[:looked_at]):
        if sum(1 for cell in row if cell.strip() and guess(cell) is not None) >= 2:
            return index
        rest = [len(r) for r in records[index + 1 :]]
        rest = [width for width in rest if width > 1] or rest
        if not rest or len(row) >= max(set(rest), key=lambda width: (rest.count(width), width)):
            return index
    return 0


def _after_header(records: list[list[str]], at: int) -> list[list[str]]:
    rows = records[at + 1 :]
    return rows[:-1] if len(rows) >= SAMPLE_RECORDS else rows
