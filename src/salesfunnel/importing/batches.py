"""Records -> checked batches: the half of an import that reads the file.

Each batch holds up to ``BATCH_ROWS`` records, read a column at a time
(:mod:`columns`), the records it rejected (with line and reason), and its
counts; the writer stores each batch before the next is read (or while the
next is read, in a second process: :mod:`ahead`), so memory holds a batch or
two whatever the file's size.  No database here.
"""

from __future__ import annotations

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
    )
