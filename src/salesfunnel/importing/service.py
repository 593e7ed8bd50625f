"""The `prospect import` use case: one file, one list, one transaction.

Rows stream from the file in batches, read a column at a time (:mod:`columns`;
in a second process for a big file, :mod:`ahead`), laid out (:mod:`pack`) and
stored by :class:`BulkWriter`; duplicates are then removed in SQL
(:mod:`dedupe`), and the lifecycle history records every new contact.  Nothing
here commits: the unit of work does, once, when the command ends well, so an
import lands whole or not at all.
"""

from __future__ import annotations

import gc
import time
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from salesfunnel import clock
from salesfunnel.db.dialect import SQLITE, of_cursor
from salesfunnel.db.postgres import next_id as server_next_id
from salesfunnel.db.records import get_or_create_list
from salesfunnel.db.search_index import index_new_rows_unless_far_behind
from salesfunnel.db.sqlite import next_id
from salesfunnel.db.work import Work
from salesfunnel.domain.lifecycle import Channel, LeadStatus, ProspectStatus, Stage
from salesfunnel.importing.ahead import made_ahead, worth_a_second_process
from salesfunnel.importing.batches import batches
from salesfunnel.importing.columns import BatchReader
from salesfunnel.importing.conflicts import conflict_rows, reopener
from salesfunnel.importing.dedupe import Duplicates, remove_duplicates
from salesfunnel.importing.pack import RowPacker
from salesfunnel.importing.plan import ImportPlan
from salesfunnel.importing.rejects import Rejects
from salesfunnel.importing.rows import RowReader
from salesfunnel.importing.source import CsvInput
from salesfunnel.importing.writer import BulkMode, BulkWriter, Constants, sqlite_import_cache
from salesfunnel.schemas import ImportSummaryPublic

DROP_INDEXES_AFTER = 20_000  # rows imported before rebuilding indexes beats updating them
DUPLICATE_KEYS = ("email_key", "phone_key")  # the columns duplicates are found by
IMPORT_CACHE_KIB = 8 * 1024  # SQLite page cache during the import (memory vs. speed)

Progress = Callable[[int, int, str], None]  # (bytes read, rows read, what it is doing)


def import_prospects(
    work: Work,
    source: CsvInput,
    plan: ImportPlan,
    rejects: Rejects,
    progress: Progress | None = None,
) -> ImportSummaryPublic:
    """Import every row of ``source`` into one prospecting list, inside ``work``."""
    started = time.perf_counter()
    options, name = plan.options, plan.list_name
    now = clock.utcnow()
    cursor = work.bulk_cursor()
    sqlite = of_cursor(cursor) == SQLITE
    if not sqlite:  # the import hands out ids itself: no other writer takes one meanwhile
        cursor.execute("LOCK TABLE contacts, companies IN SHARE ROW EXCLUSIVE MODE")
        # New search keys wait in the trigram index's pending list, merged by autovacuum
        # after the import, rather than each going into the index as it is inserted.
        cursor.execute("SET LOCAL gin_pending_list_limit = '1GB'")
    prospect_list = get_or_create_list(work, name, source_file=source.name)
    stage = Stage.LEAD if options.as_leads else Stage.PROSPECT
    batch_id = work.insert(
        "import_batches",
        {
            "list_id": prospect_list.id,
            "source_file": source.name,
            "encoding": source.encoding.codec,
            "delimiter": source.delimiter.char,
            "stage": stage,
            "on_duplicate": options.on_duplicate,
            "started_at": now,
            "rows_read": 0,
            "imported": 0,
            "duplicates": 0,
            "updated": 0,
            "rejected": 0,
            "flagged": 0,
            "seconds": 0.0,
        },
    )
    work.covered_by_import(batch_id)  # `undo` takes its rows back as undo-import does
    # The import hands out its contacts' ids itself: never one given out before (0007).
    ids = next_id if sqlite else server_next_id
    first_id, first_company = ids(cursor, "contacts"), ids(cursor, "companies")
    constants = Constants(
        stage=stage,
        list_id=prospect_list.id,
        import_id=batch_id,
        prospect_status=None if options.as_leads else ProspectStatus.OPEN,
        lead_status=LeadStatus.NEW if options.as_leads else None,
        channel=Channel.INBOUND if options.as_leads else Channel.OUTBOUND,
        created_at=now,
        became_lead_at=now if options.as_leads else None,
        owner=work.user,
    )
    reader = plan.reader()
    writer = BulkWriter(cursor, constants, unfilled=reader.unfilled)
    rejects.start(source.header, source.delimiter.char)
    previous_cache = sqlite_import_cache(cursor, IMPORT_CACHE_KIB) if sqlite else 0
    collecting = gc.isenabled()
    gc.disable()  # millions of short-lived rows and no cycles: the collector only costs time
    try:
        bulk = BulkMode(cursor, {"contacts": first_id, "companies": first_company}, writer.shared)
        counted = _stream(source, reader, writer, rejects, bulk, first_id, progress)
        if not sqlite and counted.written:  # the sequence past every id the import gave out
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('contacts', 'id'), ?)",
                (first_id + counted.written - 1,),
            )
        if bulk.engaged:  # the key indexes first: finding duplicates reads them
            bulk.indexes.restore(only=DUPLICATE_KEYS)
        if not sqlite and counted.written >= DROP_INDEXES_AFTER:
            cursor.execute("ANALYZE contacts")  # the planner sees the rows dedupe reads
        duplicates = remove_duplicates(
            cursor,
            first_id,
            imported=counted.written,
            update=options.on_duplicate == "update",
            import_id=batch_id,
        )
        _list_conflicts(source, plan, duplicates, counted, first_id, rejects)
        if bulk.engaged:  # the other indexes after: they don't take the duplicates in
            bulk.release()
        cursor.execute(
            "DELETE FROM companies WHERE id >= ? AND NOT EXISTS "
            "(SELECT 1 FROM contacts WHERE contacts.company_id = companies.id)",
            (first_company,),
        )  # companies only duplicates named
        _record_creation(work, first_id, prospect_list.id, stage, batch_id, now)
        if sqlite and not counted.bulk:  # make the new contacts (and companies) searchable
            index_new_rows_unless_far_behind(cursor)
        # A big import leaves its rows to the first search after it (services.search
        # .index_if_far_behind): search finds them meanwhile by reading their keys.
    finally:
        if collecting:
            gc.enable()
        if sqlite:
            cursor.execute(f"PRAGMA cache_size = {int(previous_cache)}")
        cursor.close()
    return _finish(
        work, batch_id, prospect_list, stage, source, counted, duplicates, rejects, started
    )


@dataclass
class _Counted:
    rows: int = 0
    written: int = 0
    blank: int = 0
    flagged: int = 0
    bulk: bool = False  # big: indexes rebuilt at the end, search index caught up later
    lines: array[int] = field(default_factory=lambda: array("I"))  # each written row's line


def _list_conflicts(
    source: CsvInput,
    plan: ImportPlan,
    duplicates: Duplicates,
    counted: _Counted,
    first_id: int,
    rejects: Rejects,
) -> None:
    """The conflicts go to the rejects (their own count), with the earlier contact named."""
    if not duplicates.conflicts:
        return
    lines = counted.lines

    def line_of(contact_id: int) -> int | None:
        at = contact_id - first_id
        return lines[at] if 0 <= at < len(lines) else None

    for line, reason, row in conflict_rows(
        source, plan.mapping, duplicates.conflicts, line_of, reopener(source)
    ):
        rejects.add_conflict(line, reason, row)


def _stream(
    source: CsvInput,
    reader: RowReader,
    writer: BulkWriter,
    rejects: Rejects,
    bulk: BulkMode,
    first_id: int,
    progress: Progress | None,
) -> _Counted:
    """Store every batch as it comes; a big import rebuilds the indexes at its end."""
    counted = _Counted()
    existing = first_id - 1
    made = batches(source, BatchReader(reader))
    if worth_a_second_process(source.size):
        made = made_ahead(made)
    packer = RowPacker(writer.columns, first_id)
    for batch in made:
        writer.write(packer.pack(batch.read))
        counted.lines.extend(batch.lines)
        for line, reason, row in batch.rejects:
            rejects.add(line, reason, row)
        counted.rows += batch.records - batch.blank
        counted.blank += batch.blank
        counted.flagged += batch.flagged
        big = _big(writer.written, batch.bytes_read, source.size, existing)
        if not bulk.engaged and bulk.possible and big:
            bulk.engage()
        if progress is not None:
            progress(batch.bytes_read, counted.rows, "")
    if progress is not None:
        progress(source.size or 0, counted.rows, "indexes, duplicates, history")
    counted.written = writer.written
    counted.bulk = bulk.engaged
    return counted


def _big(written: int, bytes_read: int, size: int | None, existing: int) -> bool:
    """Will this import add more rows than the table has (and enough to matter)?

    Then rebuilding the indexes at the end beats keeping them up to date.  The
    total is estimated from how far into the file the rows written so far reach.
    """
    expected = written * size / bytes_read if size and bytes_read else written
    return expected >= max(DROP_INDEXES_AFTER, existing)


def _record_creation(
    work: Work, first_id: int, list_id: int, stage: str, import_id: int, now: Any
) -> None:
    """One 'created' event per new contact, in one INSERT ... SELECT.

    The new ids are read from the list's index (list_id, status, id), not the table.
    """
    state = LeadStatus.NEW if stage == Stage.LEAD else ProspectStatus.OPEN
    work.execute(
        "INSERT INTO lifecycle_events (contact_id, entity, action, to_state, detail, at) "
        "SELECT id, :entity, 'created', :state, :detail, :at FROM contacts "
        "WHERE list_id = :list_id AND id >= :first_id",
        {
            "entity": str(stage),
            "state": str(state),
            "detail": f"import #{import_id}",
            "at": now,
            "list_id": list_id,
            "first_id": first_id,
        },
    )


def _finish(
    work: Work,
    batch_id: int,
    prospect_list: Any,
    stage: str,
    source: CsvInput,
    counted: _Counted,
    duplicates: Duplicates,
    rejects: Rejects,
    started: float,
) -> ImportSummaryPublic:
    imported = counted.written - duplicates.total - len(duplicates.conflicts)
    flagged = counted.flagged - duplicates.flagged
    seconds = round(time.perf_counter() - started, 3)
    work.update(
        "import_batches",
        batch_id,
        {
            "rows_read": counted.rows,
            "imported": imported,
            "duplicates": duplicates.total,
            "updated": duplicates.updated,
            "rejected": rejects.count,
            "flagged": flagged,
            "seconds": seconds,
        },
    )
    return ImportSummaryPublic(
        import_id=batch_id,
        list=prospect_list.name,
        list_id=prospect_list.id,
        file=source.name,
        encoding=source.encoding.codec,
        delimiter=source.delimiter.char,
        stage=stage,
        rows=counted.rows,
        imported=imported,
        duplicates=duplicates.total,
        duplicates_in_file=duplicates.in_file,
        duplicates_in_database=duplicates.in_database,
        duplicates_by_phone=duplicates.by_phone,
        conflicts=len(duplicates.conflicts),
        updated=duplicates.updated,
        rejected=rejects.count,
        flagged=flagged,
        blank=counted.blank,
        seconds=seconds,
        rejects_file=str(rejects.target) if rejects.target else None,
    )
