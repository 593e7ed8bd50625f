"""Records -> checked batches: the half of an import that reads the file.

Each batch holds up to ``BATCH_ROWS`` records, read a column at a time
(:mod:`columns`), the records it rejected (with line and reason), and its
counts; the writer stores each batch before the next is read (or while the
next is read, in a second process: :mod:`ahead`), so memory holds a batch or
two whatever the file's size.  No database here.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from salesfunnel.importing.columns import BatchReader, ReadBatch
from salesfunnel.importing.source import CsvInput

BATCH_ROWS = 2_000  # records per batch: big enough to amortize, small for memory


@dataclass
class Batch:
    read: ReadBatch  # the prospects' values, a column each
    rejects: list[tuple[int, str, Sequence[str]]] = field(default_factory=list)
    records: int = 0  # records read, blank lines included
    blank: int = 0
    flagged: int = 0
    bytes_read: int = 0
    lines: array[int] = field(default_factory=lambda: array("I"))  # each prospect's line


def batches(source: CsvInput, reader: BatchReader) -> Iterator[Batch]:
    """Every record of ``source``, checked, a batch at a time."""
    records: list[list[str]] = []
    lines: list[int] = []  # the line each record starts on
    with source.reading() as rows:
        line = source.header_lines + 1
        for row in rows:
            records.append(row)
            lines.append(line)
            line = rows.line_num + 1
            if len(records) >= BATCH_ROWS:
                yield _batch(records, lines, reader, source)
                records, lines = [], []
    if records:
        yield _batch(records, lines, reader, source)


def _batch(
    records: list[list[str]],
    lines: list[int],
    reader: BatchReader,
    source: CsvInput,
) -> Batch:
    read = reader.read(records)
    return Batch(
        read=read,
        rejects=[(lines[i], reason, records[i]) for i, reason in read.rejects],
        records=len(records),
        blank=read.blank,
        flagged=sum(read.columns["email_flagged"]),
        bytes_read=source.bytes_read(),
        lines=_prospect_lines(records, lines, read, reader),
    )


def _prospect_lines(
    records: list[list[str]], lines: list[int], read: ReadBatch, reader: BatchReader
) -> array[int]:
    """The line of each record that became a prospect, in order (a conflict is told by it).

    Records that did not: the rejected ones (the batch names them) and the blank ones,
    told by having no cell with text; should that ever count otherwise than the
    reader did, each record is asked of the reader's reference rule instead.
    """
    if not read.rejects and not read.blank:
        return array("I", lines)
    dropped = {i for i, _ in read.rejects}
    if read.blank:
        dropped.update(i for i, record in enumerate(records) if not any(map(str.strip, record)))
    kept = [line for i, line in enumerate(lines) if i not in dropped]
    if len(kept) != read.count:
        one = reader.reader.read
        kept = [line for record, line in zip(records, lines, strict=True) if _is_row(one(record))]
    return array("I", kept)


def _is_row(read: object) -> bool:
    return read is not None and not isinstance(read, str)
