"""salesfunnel on a PostgreSQL server: `prospect import` beside ``psql \\copy``, and the
daily commands on a million contacts (SPEC §6).

    python bench/postgres.py import --server URL [--rows 1000000] [--sqlite]
    python bench/postgres.py daily --server URL [--contacts 1000000] [--runs 7]

``URL`` names a maintenance database of a server salesfunnel may create databases on
(``postgresql://user:password@host:port/postgres``; default $SALESFUNNEL_BENCH_POSTGRES);
the benchmark makes its own (``salesfunnel_bench_*``) and drops them at the end.  On a
throwaway cluster:

    pg_virtualenv -t -o timezone=America/Sao_Paulo -- sh -c 'python bench/postgres.py \\
      import --server "postgresql://$PGUSER:$PGPASSWORD@$PGHOST:$PGPORT/postgres"'

``import``: the file bench/import.py uses (bench/gen_prospects.py, cached in /tmp), as
whole processes, one run each, in turn: ``psql -c "\\copy prospects FROM FILE CSV
HEADER"`` into a plain table of text columns (the bar: salesfunnel within 2× of it),
and ``salesfunnel prospect import FILE`` into a new salesfunnel database (made
beforehand, untimed); ``--sqlite`` adds the same import into an SQLite file.

``daily``: the database bench/daily.py builds (cached in /tmp as an SQLite file) is
copied into a server database with COPY (untimed, then ANALYZE, as autovacuum would
soon after a load); then `todo`, `pipeline`, `lead list` and `digest` are timed on it
and on an empty server database, as bench/daily.py times them on files.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import daily  # noqa: E402  (bench/daily.py: the database and the timing)

ROOT = Path(__file__).resolve().parent.parent
SALESFUNNEL = str(Path(sys.executable).with_name("salesfunnel"))
TABLES = (  # parents first
    "companies",
    "prospect_lists",
    "import_batches",
    "contacts",
    "contact_tags",
    "deals",
    "activities",
    "purchases",
    "lifecycle_events",
    "settings",
    "sources",
    "source_costs",
)


def database_url(server: str, name: str) -> str:
    base, _, query = server.partition("?")
    return base.rsplit("/", 1)[0] + f"/{name}" + (f"?{query}" if query else "")


def fresh_database(server: str, name: str, *, schema: bool) -> str:
    """A new, empty database on the server (with salesfunnel's schema, if asked)."""
    import psycopg

    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    url = database_url(server, name)
    if schema:
        from salesfunnel.db.engine import open_engine

        open_engine(url).dispose()
    return url


def drop_database(server: str, name: str) -> None:
    import psycopg

    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def timed(argv: list[str], env: dict[str, str] | None = None) -> float:
    started = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, env=env)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv[:4])} failed: {done.stderr.decode()[-600:]}")
    return seconds


# --- import -----------------------------------------------------------------------------------
def bench_import(server: str, rows: int, with_sqlite: bool) -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    from importlib import import_module

    csv_file = import_module("import").prospect_file(rows)
    header = csv_file.open(encoding="utf-8").readline().strip().split(",")
    columns = ", ".join(f'"{name}" text' for name in header)

    plain = fresh_database(server, "salesfunnel_bench_copy", schema=False)
    subprocess.run(["psql", plain, "-qc", f"CREATE TABLE prospects ({columns})"], check=True)
    copy = timed(["psql", plain, "-qc", f"\\copy prospects FROM '{csv_file}' CSV HEADER"])
    drop_database(server, "salesfunnel_bench_copy")

    ours = fresh_database(server, "salesfunnel_bench_import", schema=True)
    env = {**os.environ, "SALESFUNNEL_DB": ours}
    imported = timed([SALESFUNNEL, "prospect", "import", str(csv_file), "--list", "bench"], env)
    drop_database(server, "salesfunnel_bench_import")

    lines = [
        f"`prospect import` of {csv_file.name} ({rows:,} rows, "
        f"{csv_file.stat().st_size / 1e6:.0f} MB), whole processes, one run each:",
        "",
        "| what | time | ratio to `psql \\copy` | bar ≤ 2× | goal ≤ 1.3× |",
        "| --- | ---: | ---: | --- | --- |",
        f"| `psql \\copy` into a plain table (text columns) | {copy:.1f} s | 1.0× | | |",
        f"| `salesfunnel prospect import` into PostgreSQL | {imported:.1f} s | "
        f"{imported / copy:.1f}× | {daily.verdict(imported <= 2 * copy, imported <= 2 * copy)} | "
        f"{daily.verdict(imported <= 1.3 * copy, imported <= 1.3 * copy)} |",
    ]
    if with_sqlite:
        import tempfile

        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "bench.db"
            daily.make_database(path)
            env = {**os.environ, "SALESFUNNEL_DB": str(path)}
            argv = [SALESFUNNEL, "prospect", "import", str(csv_file), "--list", "bench"]
            on_file = timed(argv, env)
        lines.append(
            f"| `salesfunnel prospect import` into SQLite | {on_file:.1f} s | "
            f"{on_file / copy:.1f}× | | |"
        )
    print("\n".join(lines))


# --- daily ------------------------------------------------------------------------------------
def copy_into_server(source: Path, url: str) -> None:
    """Every row of the SQLite file into the server database (its schema made already)."""
    import psycopg

    started = time.perf_counter()
    reader = sqlite3.connect(source)
    with psycopg.connect(url, options="-c TimeZone=UTC") as connection:
        kinds = dict(
            connection.execute(
                "SELECT table_name || '.' || column_name, data_type "
                "FROM information_schema.columns WHERE table_schema = current_schema()"
            ).fetchall()
        )
        for table in TABLES:
            cursor = reader.execute(f"SELECT * FROM {table}")
            names = [d[0] for d in cursor.description]
            flags = [i for i, n in enumerate(names) if kinds.get(f"{table}.{n}") == "boolean"]
            quoted = ", ".join(f'"{name}"' for name in names)
            with connection.cursor().copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                for row in cursor:
                    if flags:
                        row = list(row)
                        for i in flags:
                            row[i] = None if row[i] is None else bool(row[i])
                    copy.write_row(row)
            if "id" in names:
                connection.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT coalesce(max(id), 1) FROM {table}))"
                )
        connection.commit()
        connection.autocommit = True
        connection.execute("ANALYZE")
    reader.close()
    print(
        f"Copied {source} into the server in {time.perf_counter() - started:.1f} s.",
        file=sys.stderr,
    )


def bench_daily(server: str, contacts: int, runs: int) -> None:
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "src")], check=True)
    source = daily.cached_database(contacts, "daily")
    big = fresh_database(server, "salesfunnel_bench_daily", schema=True)
    empty = fresh_database(server, "salesfunnel_bench_empty", schema=True)
    try:
        copy_into_server(source, big)
        results = []
        for command in daily.COMMANDS["daily"]:
            on_big, on_empty = daily.timed_side_by_side(
                runs,
                ([SALESFUNNEL, *command], daily.bench_env(SALESFUNNEL_DB=big)),
                ([SALESFUNNEL, *command], daily.bench_env(SALESFUNNEL_DB=empty)),
            )
            results.append((" ".join(command), on_big, on_empty))
    finally:
        drop_database(server, "salesfunnel_bench_daily")
        drop_database(server, "salesfunnel_bench_empty")
    label = f"{contacts:,} contacts (PostgreSQL)"
    print("\n".join([daily.preamble(runs), "", *daily.commands_table(results, label, 1.15)]))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["import", "daily"])
    parser.add_argument("--server", default=os.environ.get("SALESFUNNEL_BENCH_POSTGRES"))
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--sqlite", action="store_true", help="the import into SQLite too")
    args = parser.parse_args(argv)
    if not args.server:
        parser.error("--server URL (or SALESFUNNEL_BENCH_POSTGRES) names the server")
    if args.what == "import":
        bench_import(args.server, args.rows, args.sqlite)
    else:
        bench_daily(args.server, args.contacts, args.runs)


if __name__ == "__main__":
    main()
