"""Migration 0007 (ids never reused) on a database of a million contacts.

    .venv/bin/python bench/migration.py                      # 1,000,000 contacts
    .venv/bin/python bench/migration.py --contacts 20000     # a quick look

A database at schema 0006 is made as salesfunnel made it (16 KiB pages, WAL), filled
in SQL with imported prospects (a list, an import, a company each 50th contact, a
tag each 10th, search keys) and their search index, and cached in /tmp.  Each run
copies it and times, in a whole process, the first command on it (`config list`: it
backs the file up, then upgrades it), and the upgrade alone in this process on
another copy (wall and CPU time: on a shared machine the wall time is mostly waiting
for the disk).  Prints Markdown.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
SALESFUNNEL = str(BIN / "salesfunnel")


def build(path: Path, contacts: int) -> None:
    from sqlalchemy import create_engine

    from salesfunnel.db import migrate
    from salesfunnel.db.sqlite import configure

    connection = sqlite3.connect(path)
    configure(connection)  # the page size and WAL a new database gets
    connection.close()
    engine = create_engine(f"sqlite:///{path}")
    migrate.upgrade(engine, "0006")
    engine.dispose()
    connection = sqlite3.connect(path, isolation_level=None)
    now = "'2026-12-01 10:00:00.000000'"
    statements = [
        "BEGIN",
        "INSERT INTO prospect_lists (name, source_file, created_at) "
        f"VALUES ('fair', 'f.csv', {now})",
        "INSERT INTO import_batches (list_id, source_file, encoding, delimiter, stage, "
        "on_duplicate, rows_read, imported, duplicates, updated, rejected, flagged, "
        f"started_at, seconds) VALUES (1, 'f.csv', 'utf-8', ',', 'prospect', 'skip', {contacts}, "
        f"{contacts}, 0, 0, 0, 0, {now}, 1.0)",
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < "
        f"{contacts // 50}) INSERT INTO companies (name, search_key, created_at) "
        f"SELECT 'Company ' || i, 'company ' || i, {now} FROM n",
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < "
        f"{contacts}) INSERT INTO contacts (stage, name, email, email_key, email_flagged, "
        "phone, phone_key, company_id, city, list_id, import_id, prospect_status, source, "
        "channel, starred, created_at, search_key) SELECT 'prospect', 'Person ' || i, "
        "'p' || i || '@example.com', 'p' || i || '@example.com', 0, '+351 91 ' || i, "
        "'35191' || i, CASE WHEN i % 50 = 0 THEN i / 50 END, 'Lisboa', 1, 1, 'open', "
        f"'fair', 'outbound', 0, {now}, 'person ' || i || ' p' || i || '@example.com' "
        "FROM n",
        "INSERT INTO contact_tags (contact_id, tag) SELECT id, 'vip' FROM contacts "
        "WHERE id % 10 = 0",
        "INSERT INTO lifecycle_events (contact_id, entity, action, to_state, detail, at) "
        f"SELECT id, 'prospect', 'created', 'open', 'import #1', {now} FROM contacts",
        *(
            f"INSERT INTO {table}_fts ({table}_fts) VALUES ('rebuild')"
            for table in ("contacts", "companies", "deals")
        ),
        "UPDATE search_index_state SET indexed_through = "
        "(SELECT coalesce(max(id), 0) FROM contacts) WHERE name = 'contacts'",
        "UPDATE search_index_state SET indexed_through = "
        "(SELECT coalesce(max(id), 0) FROM companies) WHERE name = 'companies'",
        "COMMIT",
        "PRAGMA wal_checkpoint(TRUNCATE)",
    ]
    for statement in statements:
        connection.execute(statement)
    connection.close()


def copy(source: Path, folder: Path, name: str) -> Path:
    target = folder / name
    shutil.copyfile(source, target)
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    cached = Path(tempfile.gettempdir()) / f"salesfunnel-0006-{options.contacts}.db"
    if not cached.exists():
        started = time.perf_counter()
        build(cached, options.contacts)
        print(f"built {cached} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    from sqlalchemy import create_engine

    from salesfunnel.db import migrate

    size = cached.stat().st_size / 1e6
    print(f"{options.contacts:,} contacts, {size:,.0f} MB at schema 0006\n")
    print("| run | first command (backup + upgrade), wall | upgrade alone, wall | its CPU |")
    print("| --- | ---: | ---: | ---: |")
    with tempfile.TemporaryDirectory() as folder:
        for run in range(1, options.runs + 1):
            whole = copy(cached, Path(folder), f"whole-{run}.db")
            started = time.perf_counter()
            subprocess.run(
                [SALESFUNNEL, "--db", str(whole), "config", "list"],
                check=True,
                capture_output=True,
            )
            command = time.perf_counter() - started
            alone = copy(cached, Path(folder), f"alone-{run}.db")
            engine = create_engine(f"sqlite:///{alone}")
            started, cpu = time.perf_counter(), time.process_time()
            migrate.upgrade(engine)
            upgrade, cpu = time.perf_counter() - started, time.process_time() - cpu
            engine.dispose()
            print(f"| {run} | {command:.1f} s | {upgrade:.1f} s | {cpu:.1f} s |")
            for each in Path(folder).iterdir():
                each.unlink()


if __name__ == "__main__":
    main()
