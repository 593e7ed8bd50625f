"""Records -> checked, packed batches: the pure-Python half of an import.

Each batch holds up to ``BATCH_ROWS`` records, read a column at a time
(:mod:`columns`) and laid out for the INSERT, the records it rejected (with
line and reason), and its counts; the writer stores each batch before the next
is read, so memory holds about one batch whatever the file's size.  No
database here (docs/benchmarks.md says why this half does not run in a process
of its own).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from salesfunnel.importing.columns import BatchReader
from salesfunnel.importing.pack import Packed, RowPacker
from salesfunnel.importing.source import CsvInput

BATCH_ROWS = 5_000  # records per batch: big enough to amortize, small for memory


@dataclass
class Batch:
    packed: Packed  # the rows, laid out for the INSERT
    rejects: list[tuple[int, str, Sequence[str]]] = field(default_factory=list)
    records: int = 0  # records read, blank lines included
    blank: int = 0
    flagged: int = 0
    bytes_read: int = 0


def batches(source: CsvInput, reader: BatchReader, packer: RowPacker) -> Iterator[Batch]:
    """Every record of ``source``, checked and packed, a batch at a time."""
    records: list[list[str]] = []
    lines: list[int] = []  # the line each record starts on
    with source.reading() as rows:
        line = source.header_lines + 1
        for row in rows:
            records.append(row)
            lines.append(line)
            line = rows.line_num + 1
            if len(records) >= BATCH_ROWS:
                yield _batch(records, lines, reader, packer, source)
                records, lines = [], []
    if records:
        yield _batch(records, lines, reader, packer, source)


def _batch(
    records: list[list[str]],
    lines: list[int],
    reader: BatchReader,
    packer: RowPacker,
    source: CsvInput,
) -> Batch:
    read = reader.read(records)
    return Batch(
        packed=packer.pack(read),
        rejects=[(lines[i], reason, records[i]) for i, reason in read.rejects],
        records=len(records),
        blank=read.blank,
        flagged=sum(read.columns["email_flagged"]),
        bytes_read=source.bytes_read(),
    )
