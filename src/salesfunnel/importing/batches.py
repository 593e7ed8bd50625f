"""Records -> checked, packed batches: the pure-Python half of an import.

Each batch holds up to ``BATCH_ROWS`` rows laid out for the INSERT, the rows
it rejected (with line and reason), and its counts; the writer stores each
batch before the next is read, so memory holds about one batch whatever the
file's size.  No database here (docs/benchmarks.md says why this half does
not run in a process of its own).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from salesfunnel.importing.pack import Packed, RowPacker
from salesfunnel.importing.rows import Prospect, RowReader
from salesfunnel.importing.source import CsvInput

BATCH_ROWS = 5_000  # rows per executemany: big enough to amortize, small for memory


@dataclass
class Batch:
    packed: Packed  # the rows, laid out for the INSERT
    rejects: list[tuple[int, str, list[str]]] = field(default_factory=list)
    records: int = 0  # records read, blank lines included
    blank: int = 0
    flagged: int = 0
    bytes_read: int = 0


def batches(source: CsvInput, reader: RowReader, packer: RowPacker) -> Iterator[Batch]:
    """Every record of ``source``, checked and packed, a batch at a time."""
    read = reader.read
    prospects: list[Prospect] = []
    rejects: list[tuple[int, str, list[str]]] = []
    records = blank = 0
    with source.reading() as rows:
        line = source.header_lines
        for row in rows:
            records += 1
            result = read(row)
            if type(result) is Prospect:
                prospects.append(result)
                if len(prospects) >= BATCH_ROWS:
                    yield _batch(prospects, rejects, records, blank, packer, source)
                    prospects, rejects, records, blank = [], [], 0, 0
            elif result is None:
                blank += 1
            else:
                rejects.append((line + 1, result, row))  # type: ignore[arg-type]
            line = rows.line_num
    if prospects or records:
        yield _batch(prospects, rejects, records, blank, packer, source)


def _batch(
    prospects: list[Prospect],
    rejects: list[tuple[int, str, list[str]]],
    records: int,
    blank: int,
    packer: RowPacker,
    source: CsvInput,
) -> Batch:
    return Batch(
        packed=packer.pack(prospects),
        rejects=rejects,
        records=records,
        blank=blank,
        flagged=sum(p.email_flagged for p in prospects),
        bytes_read=source.bytes_read(),
    )
