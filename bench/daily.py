"""Daily commands on a million contacts: `todo`, `pipeline`, `lead list`, `digest`.

Builds (once, cached in /tmp) a database of 1,000,000 contacts with a realistic history:
mostly prospects from imported lists, leads in every status (a few thousand still open,
most of them long untouched), deals in every stage, won and lost, customers, done
activities and a few thousand planned steps around "today".  Rows go in with the
standard library's ``executemany`` on INSERT statements compiled from the SQLModel
tables, with the indexes dropped during the load and rebuilt after, so the schema is
the one the migrations make.

Then it times whole processes, as a user runs them: each command on that database and
on an empty one (median of --runs), and ``salesfunnel --help`` beside
``python -c "import typer"``.  It prints a Markdown table for docs/benchmarks.md.

``--scenario open-leads`` builds (and caches) another database instead: every contact
an open lead with no next step, as lists imported with ``--as-leads`` leave them, and
times `todo` and `digest` on it against an empty database.  Their to-do list has two
huge sections (no next step, stale leads) whose cost must stay bounded by what is shown.

    python bench/daily.py                 # 1,000,000 contacts
    python bench/daily.py --contacts 50000 --runs 5
    python bench/daily.py --plans         # EXPLAIN QUERY PLAN of every query `todo` runs
    python bench/daily.py --scenario open-leads [--plans]
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SALESFUNNEL = str(BIN / "salesfunnel")
NOW = "2026-11-23T09:00:00+00:00"  # the benchmark's "today"; the data is built around it
TODAY = date(2026, 11, 23)
# Bump a scenario's version when its data below changes, to rebuild its cache.
BUILD_VERSIONS = {"daily": "daily-8", "open-leads": "open-leads-2"}
COMMANDS = {
    "daily": [["todo"], ["pipeline"], ["lead", "list"], ["digest"]],
    "open-leads": [["todo"], ["digest"]],
}
GOALS = {"daily": 1.15, "open-leads": 1.3}  # SPEC §6: within this much of an empty database

FIRST = ["Ana", "João", "Maria", "José", "Lucía", "Иван", "Ольга", "James", "Emily", "Sofía"]
LAST = ["Silva", "Santos", "García", "Núñez", "Иванов", "Попова", "Smith", "Brown", "Ribeiro"]
SOURCES = ["webinar", "referral", "website form", "newsletter", "trade fair", "linkedin"]
STAGES = [("qualification", 10), ("meeting", 25), ("proposal", 50), ("negotiation", 75)]
KINDS = ["call", "email", "meeting", "task"]


# --- building the database ----------------------------------------------------------------


def stamp(moment: datetime) -> str:
    """A timestamp the way SQLAlchemy stores it in SQLite (UTC, microseconds)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def days_ago(rng: random.Random, low: float, high: float) -> datetime:
    now = datetime.fromisoformat(NOW)
    return now - timedelta(days=rng.uniform(low, high))


def insert_sql(table_name: str, columns: Sequence[str]) -> str:
    """INSERT for some columns of a table, compiled from the SQLModel definition."""
    from sqlalchemy import insert
    from sqlalchemy.dialects import sqlite
    from sqlmodel import SQLModel

    from salesfunnel.db import tables  # noqa: F401  (registers the tables)

    table = SQLModel.metadata.tables[table_name]
    missing = [c.name for c in table.columns if not c.nullable and c.name not in columns]
    missing = [m for m in missing if table.columns[m].server_default is None]
    if missing:
        raise SystemExit(f"bench/daily.py: {table_name} needs values for {missing}")
    compiled = insert(table).compile(
        dialect=sqlite.dialect(paramstyle="qmark"), column_keys=list(columns)
    )
    assert list(compiled.positiontup or []) == list(columns), compiled.positiontup
    return str(compiled)


class Builder:
    """Rows for each table, generated in the order the foreign keys need."""

    def __init__(self, contacts: int, seed: int = 4) -> None:
        self.n = contacts
        self.rng = random.Random(seed)
        self.companies = max(10, contacts // 20)
        self.contacts: list[tuple] = []
        self.deals: list[tuple] = []
        self.activities: list[tuple] = []
        self.purchases: list[tuple] = []
        self.events: list[tuple] = []
        self.tags: list[tuple] = []
        self.activity_id = 0

    # Contacts: 85 % prospects, 13 % leads, 2 % customers (scaled to n).
    def build(self) -> None:
        rng = self.rng
        n_customers = max(5, self.n // 50)
        n_leads = max(20, self.n * 13 // 100)
        for cid in range(1, self.n + 1):
            if cid <= n_customers:
                self.customer(cid)
            elif cid <= n_customers + n_leads:
                self.lead(cid, rng.random())
            else:
                self.prospect(cid)

    def build_open_leads(self) -> None:
        """Every contact an open lead with no next step: two lists imported with
        ``--as-leads``, each sharing one moment (2 % forty days ago, so stale; the rest
        two days ago).  Since then a few leads were starred and a few got a step."""
        stale = max(1, self.n // 50)
        now = datetime.fromisoformat(NOW)
        for cid in range(1, self.n + 1):
            imported = now - timedelta(days=40 if cid <= stale else 2)
            self.contact(
                cid,
                "lead",
                created=imported,
                became_lead_at=stamp(imported),
                list_id=1 if cid <= stale else 2,
                lead_status="new",
                source="list",
                channel="inbound",
                starred=int(self.rng.random() < 0.001),
            )
            self.maybe_step(cid, None, 0.001)

    def person(self, cid: int) -> tuple[str, str]:
        rng = self.rng
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        return name, f"person{cid}@example.com"

    def contact(self, cid: int, stage: str, **fields: object) -> None:
        name, email = self.person(cid)
        created = fields.pop("created", days_ago(self.rng, 30, 1000))
        row = {
            "id": cid,
            "stage": stage,
            "name": name,
            "email": email,
            "email_key": email,
            "email_flagged": 0,
            "phone": f"0{self.rng.randrange(10**8, 10**9)}" if self.rng.random() < 0.5 else None,
            "company_id": self.rng.randrange(1, self.companies + 1)
            if self.rng.random() < 0.6
            else None,
            "starred": 0,
            "created_at": stamp(created),
            **fields,
        }
        self.contacts.append(tuple(row.get(c) for c in CONTACT_COLUMNS))

    def prospect(self, cid: int) -> None:
        status = "cancelled" if self.rng.random() < 0.25 else "open"
        self.contact(
            cid,
            "prospect",
            list_id=self.rng.randrange(1, 41),
            prospect_status=status,
            cancel_reason="not interested" if status == "cancelled" else None,
        )

    def lead(self, cid: int, fate: float) -> None:
        rng = self.rng
        created = days_ago(rng, 1, 1000)
        fields: dict[str, object] = {
            "created": created,
            "became_lead_at": stamp(created),
            "source": rng.choice(SOURCES),
            "channel": "inbound",
            "starred": int(rng.random() < 0.02),
        }
        self.event(cid, None, "lead", "created", None, "new", created)
        if fate < 0.06:  # new: most of them were never worked (stale), a few are recent
            fields["lead_status"] = "new"
            self.maybe_step(cid, None, 0.04)
        elif fate < 0.12:  # contacted
            fields["lead_status"] = "contacted"
            touched = self.history(cid, None, created, rng.randrange(1, 3))
            fields["last_activity_at"] = stamp(touched)
            self.maybe_step(cid, None, 0.08)
        elif fate < 0.46:  # qualified: an sql one has a deal
            fields["lead_status"] = "qualified"
            fields["qualification_level"] = "sql" if rng.random() < 0.7 else "mql"
            touched = self.history(cid, None, created, rng.randrange(1, 4))
            fields["last_activity_at"] = stamp(touched)
            if fields["qualification_level"] == "sql":
                self.deal(cid, touched, "open" if rng.random() < 0.013 else "lost")
        else:  # disqualified
            fields["lead_status"] = "disqualified"
            fields["disqualify_reason"] = "no budget"
        self.contact(cid, "lead", lead_status=fields.pop("lead_status"), **fields)

    def customer(self, cid: int) -> None:
        rng = self.rng
        created = days_ago(self.rng, 200, 1000)
        touched = self.history(cid, None, created, rng.randrange(2, 6))
        self.deal(cid, touched, "won")
        self.contact(
            cid,
            "customer",
            created=created,
            became_lead_at=stamp(created),
            lead_status="qualified",
            qualification_level="sql",
            last_activity_at=stamp(touched),
            starred=int(rng.random() < 0.05),
        )

    def history(self, cid: int, deal_id: int | None, since: datetime, count: int) -> datetime:
        """Done activities after ``since``; returns the last one's time."""
        last = since
        now = datetime.fromisoformat(NOW)
        for _ in range(count):
            last = min(now, last + timedelta(days=self.rng.uniform(0.5, 30)))
            self.activity_id += 1
            self.activities.append(
                (
                    self.activity_id,
                    cid,
                    deal_id,
                    self.rng.choice(KINDS),
                    "Talked",
                    None,
                    None,
                    None,
                    0,
                    stamp(last),
                    stamp(last),
                )
            )
        return last

    def maybe_step(self, cid: int, deal_id: int | None, chance: float) -> None:
        """A planned step, due from 20 days ago to 60 days ahead (some with a time)."""
        if self.rng.random() >= chance:
            return
        due = TODAY + timedelta(days=self.rng.randrange(-20, 61))
        self.activity_id += 1
        timed = self.rng.random() < 0.4
        at = f"{self.rng.randrange(8, 18):02d}:30:00.000000" if timed else None
        due_at = f"{due.isoformat()} {at}" if at else None
        created = stamp(days_ago(self.rng, 25, 40))
        self.activities.append(
            (
                self.activity_id,
                cid,
                deal_id,
                self.rng.choice(KINDS),
                "Follow up",
                due.isoformat(),
                at,
                due_at,
                0,
                None,
                created,
            )
        )

    def deal(self, cid: int, opened: datetime, status: str) -> None:
        rng = self.rng
        deal_id = len(self.deals) + 1
        stage, probability = rng.choice(STAGES)
        value = float(rng.choice([1500, 4800, 9900, 12000, 25000, 60000]))
        changed = min(datetime.fromisoformat(NOW), opened + timedelta(days=rng.uniform(0, 40)))
        closed = None
        if status != "open":
            closed = (changed + timedelta(days=rng.uniform(1, 20))).date()
            closed = min(closed, TODAY).isoformat()
            probability = 100 if status == "won" else 0
        touched = (
            self.history(cid, deal_id, opened, rng.randrange(0, 4)) if status == "open" else None
        )
        self.deals.append(
            (
                deal_id,
                cid,
                None,
                f"Deal {deal_id}",
                value,
                "USD",
                stage,
                probability,
                0,
                None,
                status,
                "price" if status == "lost" else None,
                stamp(opened),
                stamp(changed),
                closed,
                stamp(touched) if touched and touched > opened else None,
            )
        )
        self.event(cid, deal_id, "deal", "open", None, stage, opened)
        if status == "open":
            self.maybe_step(cid, deal_id, 0.8)
        if status == "won":
            self.purchases.append(
                (len(self.purchases) + 1, cid, deal_id, value, "USD", closed, stamp(changed))
            )

    def event(
        self,
        cid: int,
        deal_id: int | None,
        entity: str,
        action: str,
        before: str | None,
        after: str | None,
        at: datetime,
    ) -> None:
        self.events.append(
            (len(self.events) + 1, cid, deal_id, entity, action, before, after, None, stamp(at))
        )


CONTACT_COLUMNS = [
    "id",
    "stage",
    "name",
    "email",
    "email_key",
    "email_flagged",
    "phone",
    "company_id",
    "list_id",
    "prospect_status",
    "cancel_reason",
    "lead_status",
    "source",
    "channel",
    "starred",
    "qualification_level",
    "disqualify_reason",
    "created_at",
    "became_lead_at",
    "last_activity_at",
]
DEAL_COLUMNS = [
    "id",
    "contact_id",
    "company_id",
    "title",
    "value",
    "currency",
    "stage",
    "probability",
    "probability_manual",
    "expected_close",
    "status",
    "lost_reason",
    "opened_at",
    "stage_changed_at",
    "closed_on",
    "last_activity_at",
]
ACTIVITY_COLUMNS = [
    "id",
    "contact_id",
    "deal_id",
    "kind",
    "text",
    "due_date",
    "due_time",
    "due_at",
    "snoozed",
    "done_at",
    "created_at",
]
PURCHASE_COLUMNS = [
    "id",
    "contact_id",
    "deal_id",
    "value",
    "currency",
    "purchased_on",
    "created_at",
]
EVENT_COLUMNS = [
    "id",
    "contact_id",
    "deal_id",
    "entity",
    "action",
    "from_state",
    "to_state",
    "detail",
    "at",
]


def make_database(path: Path) -> None:
    """The schema, from the migrations, with no rows: what the first write makes (a
    command that only reads makes no database)."""
    from salesfunnel.db.engine import open_engine
    from salesfunnel.db.location import database_url

    open_engine(database_url(str(path))).dispose()


def build_database(path: Path, contacts: int, scenario: str) -> None:
    """A fresh schema from the migrations, then every row in one transaction."""
    started = time.perf_counter()
    path.unlink(missing_ok=True)
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    make_database(path)
    builder = Builder(contacts)
    if scenario == "open-leads":
        builder.build_open_leads()
    else:
        builder.build()
    generated = time.perf_counter()
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA synchronous = OFF")
    connection.execute("PRAGMA cache_size = -400000")
    indexes = connection.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
    ).fetchall()
    connection.execute("BEGIN")
    for name, _ in indexes:
        connection.execute(f'DROP INDEX "{name}"')
    now = stamp(datetime.fromisoformat(NOW))
    load(
        connection,
        "companies",
        ["id", "name", "created_at"],
        ((i, f"Company {i}", now) for i in range(1, builder.companies + 1)),
    )
    load(
        connection,
        "prospect_lists",
        ["id", "name", "created_at"],
        ((i, f"List {i}", now) for i in range(1, 41)),
    )
    load(connection, "contacts", CONTACT_COLUMNS, builder.contacts)
    load(connection, "deals", DEAL_COLUMNS, builder.deals)
    load(connection, "activities", ACTIVITY_COLUMNS, builder.activities)
    load(connection, "purchases", PURCHASE_COLUMNS, builder.purchases)
    load(connection, "lifecycle_events", EVENT_COLUMNS, builder.events)
    # A personal database: every record is its maker's (the user.name the new database
    # stored), so the listings that show one's own show them all.
    owner = connection.execute("SELECT value FROM settings WHERE key = 'user.name'").fetchone()
    for table in ("contacts", "deals", "activities"):
        connection.execute(f"UPDATE {table} SET owner = ?", (owner[0] if owner else "",))
    for _, sql in indexes:
        connection.execute(sql)
    connection.execute("COMMIT")  # no ANALYZE: a user's database has no statistics either
    connection.close()
    print(
        f"Built {path} in {time.perf_counter() - started:.1f} s "
        f"(rows generated in {generated - started:.1f} s): {contacts:,} contacts, "
        f"{len(builder.deals):,} deals, {len(builder.activities):,} activities, "
        f"{len(builder.purchases):,} purchases, {len(builder.events):,} events.",
        file=sys.stderr,
    )


def load(
    connection: sqlite3.Connection, table: str, columns: list[str], rows: Iterable[tuple]
) -> None:
    connection.executemany(insert_sql(table, columns), rows)


def cached_database(contacts: int, scenario: str) -> Path:
    path = Path(tempfile.gettempdir()) / f"salesfunnel-bench-{scenario}-{contacts}.db"
    marker = path.with_suffix(".built")
    version = BUILD_VERSIONS[scenario]
    if not (path.exists() and marker.exists() and marker.read_text() == version):
        marker.unlink(missing_ok=True)
        build_database(path, contacts, scenario)
        marker.write_text(version)
    return path


# --- timing -----------------------------------------------------------------------------


def bench_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SALESFUNNEL_")}
    env.update(SALESFUNNEL_NOW=NOW, **extra)
    env.pop("NO_COLOR", None)
    return env


@dataclass(frozen=True)
class Timing:
    """One command: median wall time, and the least CPU time (user + system) of its runs.

    On a machine other work keeps busy, the wall time swings with the load; the least
    CPU time a run needed is what its wall time would be on an idle machine, and the
    steadiest figure to take a ratio of.
    """

    wall: float
    cpu: float


def run_once(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one whole process, its output going to a pipe."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed: {done.stderr.decode()[-400:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def timed_side_by_side(runs: int, *cases: tuple[list[str], dict[str, str]]) -> list[Timing]:
    """Medians for several commands, run in turn (A B A B ...) after a warm-up of each,
    so that a change in the machine's load falls on all of them alike."""
    for argv, env in cases:
        run_once(argv, env)
    samples: list[list[tuple[float, float]]] = [[] for _ in cases]
    for _ in range(runs):
        for sample, (argv, env) in zip(samples, cases, strict=True):
            sample.append(run_once(argv, env))
    return [Timing(statistics.median(w for w, _ in s), min(c for _, c in s)) for s in samples]


def time_commands(
    commands: list[list[str]], big: Path, empty: Path, runs: int
) -> list[tuple[str, Timing, Timing]]:
    results = []
    for command in commands:
        on_big, on_empty = timed_side_by_side(
            runs,
            ([SALESFUNNEL, *command], bench_env(SALESFUNNEL_DB=str(big))),
            ([SALESFUNNEL, *command], bench_env(SALESFUNNEL_DB=str(empty))),
        )
        results.append((" ".join(command), on_big, on_empty))
    return results


def show_plans(path: Path) -> None:
    """Every statement `todo` runs, with its time and SQLite's plan for it."""
    os.environ["SALESFUNNEL_NOW"] = NOW
    from salesfunnel.db.rows import sqlite_value
    from salesfunnel.db.work import SqliteDriver, Work
    from salesfunnel.services.todo import todo_list

    statements: list[tuple[str, dict[str, object], float]] = []

    class TimingDriver(SqliteDriver):
        def run(self, sql, params):  # type: ignore[no-untyped-def]
            started = time.perf_counter()
            found = super().run(sql, params)
            bound = {k: sqlite_value(v) for k, v in params.items()}
            statements.append((sql, bound, time.perf_counter() - started))
            return found

    driver = TimingDriver(sqlite3.connect(path, isolation_level=None))
    started = time.perf_counter()
    with Work(driver, write=False) as work:
        todo_list(work)
    total = time.perf_counter() - started
    driver.close()
    raw = sqlite3.connect(path)
    for statement, parameters, seconds in statements:
        print(f"-- {seconds * 1000:.2f} ms\n{' '.join(statement.split())}")
        for row in raw.execute(f"EXPLAIN QUERY PLAN {statement}", parameters):
            print(f"   {row[-1]}")
    print(f"todo_list in-process: {total * 1000:.1f} ms, {len(statements)} statements")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--scenario", choices=sorted(BUILD_VERSIONS), default="daily")
    parser.add_argument("--plans", action="store_true", help="show query plans and stop")
    args = parser.parse_args(argv)

    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "src")], check=True)
    big = cached_database(args.contacts, args.scenario)
    if args.plans:
        show_plans(big)
        return
    with tempfile.TemporaryDirectory() as folder:
        empty = Path(folder) / "empty.db"
        make_database(empty)
        results = time_commands(COMMANDS[args.scenario], big, empty, args.runs)
    label = "open leads" if args.scenario == "open-leads" else "contacts"
    lines = [preamble(args.runs), ""]
    lines += commands_table(results, f"{args.contacts:,} {label}", GOALS[args.scenario])
    if args.scenario == "daily":
        typer_import, help_time = timed_side_by_side(
            args.runs,
            ([sys.executable, "-c", "import typer"], bench_env()),
            ([SALESFUNNEL, "--help"], bench_env()),
        )
        lines += ["", *help_table(help_time, typer_import)]
    print("\n".join(lines))


def preamble(runs: int) -> str:
    load = os.getloadavg()[0]
    return (
        f"Whole processes, output to a pipe, `SALESFUNNEL_NOW={NOW}`; {runs} runs of each, "
        "taken in turn after a warm-up: median wall time, and in brackets the least CPU "
        "time (user + system) of the runs, which is what the wall time is on an idle "
        f"machine. Load average when done: {load:.1f} on {os.cpu_count()} cores."
    )


def commands_table(results: list[tuple[str, Timing, Timing]], label: str, goal: float) -> list[str]:
    lines = [
        f"| command | {label} | empty database | ratio (CPU) | bar < 0.5 s | goal ≤ {goal:g}× |",
        "| --- | ---: | ---: | ---: | --- | --- |",
    ]
    for command, big, empty in results:
        ratio, cpu_ratio = big.wall / empty.wall, big.cpu / empty.cpu
        lines.append(
            f"| `{command}` | {big.wall:.3f} s ({big.cpu:.3f}) | {empty.wall:.3f} s "
            f"({empty.cpu:.3f}) | {ratio:.2f}× ({cpu_ratio:.2f}×) | "
            f"{verdict(big.wall < 0.5, big.cpu < 0.5)} | "
            f"{verdict(ratio <= goal, cpu_ratio <= goal)} |"
        )
    return lines


def help_table(help_time: Timing, typer_import: Timing) -> list[str]:
    ratio, cpu_ratio = help_time.wall / typer_import.wall, help_time.cpu / typer_import.cpu
    return [
        "| what | time (CPU) | ratio to `import typer` (CPU) | bar ≤ 2× | goal ≤ 1.3× |",
        "| --- | ---: | ---: | --- | --- |",
        f'| `python -c "import typer"` | {typer_import.wall:.3f} s ({typer_import.cpu:.3f}) '
        "| 1.00× | | |",
        f"| `salesfunnel --help` | {help_time.wall:.3f} s ({help_time.cpu:.3f}) | "
        f"{ratio:.2f}× ({cpu_ratio:.2f}×) | {verdict(ratio <= 2, cpu_ratio <= 2)} | "
        f"{verdict(ratio <= 1.3, cpu_ratio <= 1.3)} |",
    ]


def verdict(wall_ok: bool, cpu_ok: bool) -> str:
    if wall_ok:
        return "met"
    return "met in CPU time" if cpu_ok else "missed"


if __name__ == "__main__":
    main()
