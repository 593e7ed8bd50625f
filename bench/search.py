"""`search` on a million contacts: the FTS5 index against a plain LIKE scan; and `export`.

    .venv/bin/python bench/search.py                  # 1,000,000 contacts, 7 runs each
    .venv/bin/python bench/search.py --contacts 20000 --runs 3   # a quick look

The database is built once with the driver's ``executemany`` (an INSERT compiled
from the SQLModel tables), its search index caught up as a bulk import does, and
cached in /tmp.  Every timing is a median of ``--runs`` whole processes after a
warm-up run.  "Beyond start-up" subtracts the same command on an empty database.
The LIKE scan is the same `salesfunnel search` with the full-text index switched
off (the path PostgreSQL takes), so both find exactly the same contacts; the
`sqlite3` shell's LIKE over the same keys is shown too.  Prints Markdown.
"""

from __future__ import annotations

import argparse
import compileall
import random
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SALESFUNNEL = str(BIN / "salesfunnel")

# First names, surnames and company words per language (half the surnames are made up).
PEOPLE = {
    "en": (
        ["James", "Oliver", "Harry", "Emily", "Sophie", "Grace", "Jack", "Chloe", "Liam"],
        ["Smith", "Johnson", "Brown", "Taylor", "Walker", "Wright", "Clarke", "Hughes"],
    ),
    "pt": (
        ["João", "António", "Gonçalo", "Luís", "Maria", "Inês", "Beatriz", "Conceição"],
        ["Silva", "Santos", "Gonçalves", "Araújo", "Magalhães", "Simões", "Brandão"],
    ),
    "es": (
        ["José", "Álvaro", "Íñigo", "Sergio", "Lucía", "Sofía", "Martina", "Begoña"],
        ["García", "Núñez", "Fernández", "Martínez", "Peña", "Ibáñez", "Muñoz"],
    ),
    "ru": (
        ["Алексей", "Дмитрий", "Сергей", "Иван", "Мария", "Ольга", "Анна", "Екатерина"],
        ["Иванов", "Смирнов", "Кузнецов", "Попов", "Соколов", "Лебедев", "Новиков"],
    ),
}
COMPANY_WORDS = (
    "Northwind Acme Bluebird Harbor Padaria Construtora Atlântico Vinhos Douro Ibérica "
    "Clínica Núñez Aceites Mancha Ромашка СтройИнвест Балтийский ТехноСфера Traders Logistics"
).split()
DOMAINS = {"en": "example.com", "pt": "example.com.br", "es": "example.es", "ru": "example.ru"}
TRANSLIT = str.maketrans(
    dict(
        zip(
            "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
            "a b v g d e e zh z i i k l m n o p r s t u f kh ts ch sh sch  y  e yu ya".split(" "),
            strict=True,
        )
    )
)


def build(path: Path, contacts: int) -> dict[str, float]:
    """A salesfunnel database of ``contacts`` prospects in four languages; returns timings."""
    from sqlalchemy import insert

    from salesfunnel.db.engine import open_engine
    from salesfunnel.db.search_index import index_new_rows
    from salesfunnel.db.tables import Company, Contact, Deal
    from salesfunnel.domain.text import company_search_key, deal_search_key, search_key_for

    if path.exists():
        path.unlink()
    engine = open_engine(f"sqlite:///{path}")
    dialect = engine.dialect
    engine.dispose()
    rng = random.Random(5)
    syllables = ["ba", "ro", "ki", "len", "mar", "sto", "vi", "dal", "quin", "te", "ru", "sha"]
    made_up = ["".join(rng.choice(syllables) for _ in range(3)).title() for _ in range(5000)]
    words = COMPANY_WORDS + made_up
    companies = [f"{rng.choice(words)} {rng.choice(words)} {n}" for n in range(50_000)]
    company_rows = [(i + 1, name, company_search_key(name)) for i, name in enumerate(companies)]
    created = "2026-11-01 09:00:00.000000"
    languages = list(PEOPLE)
    prefixes = {"en": "+44 20", "pt": "+351 91", "es": "+34 6", "ru": "+7 495"}
    rows = []
    for n in range(1, contacts + 1):
        lang = languages[n % 4]
        first_names, last_names = PEOPLE[lang]
        first = rng.choice(first_names)
        last = rng.choice(last_names) if rng.random() < 0.5 else rng.choice(made_up)
        name = f"{first} {last}"
        local = f"{first}.{last}".lower().translate(TRANSLIT)
        email = f"{local}{n}@{DOMAINS[lang]}"
        phone = f"{prefixes[lang]} {rng.randint(1_000_000, 9_999_999)}"
        company_id = rng.randint(1, len(companies)) if n % 3 else None
        company = companies[company_id - 1] if company_id else None
        key = search_key_for(name, email, phone, company)
        digits = "".join(c for c in phone if c.isdigit())
        rows.append(
            (n, "prospect", name, email, email.lower(), False, phone, digits, company_id)
            + ("open", "bench", "outbound", False, created, key)
        )
    columns = [
        "id",
        "stage",
        "name",
        "email",
        "email_key",
        "email_flagged",
        "phone",
        "phone_key",
        "company_id",
        "prospect_status",
        "source",
        "channel",
        "starred",
        "created_at",
        "search_key",
    ]
    contact_sql = str(insert(Contact.__table__).compile(dialect=dialect, column_keys=columns))
    company_sql = str(
        insert(Company.__table__).compile(
            dialect=dialect, column_keys=["id", "name", "search_key", "created_at"]
        )
    )
    deal_columns = [
        "id",
        "contact_id",
        "title",
        "value",
        "currency",
        "stage",
        "probability",
        "probability_manual",
        "status",
        "opened_at",
        "stage_changed_at",
        "search_key",
    ]
    deal_sql = str(insert(Deal.__table__).compile(dialect=dialect, column_keys=deal_columns))
    deals = []
    for n in range(1, contacts // 20 + 1):
        title = f"{rng.choice(words)} renewal {n}"
        deals.append(
            (n, n * 20, title, 1000.0, "USD", "proposal", 50, False, "open", created, created)
            + (deal_search_key(title),)
        )
    timings = {}
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = NORMAL")
        connection.execute("PRAGMA cache_size = -262144")  # 256 MiB, as a bulk import takes
        connection.execute("BEGIN IMMEDIATE")
        connection.executemany(
            company_sql, [(i, name, key, created) for i, name, key in company_rows]
        )
        # Secondary indexes are built once at the end, as `prospect import` does.
        indexes = connection.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'contacts' "
            "AND sql IS NOT NULL"
        ).fetchall()
        for name, _ in indexes:
            connection.execute(f'DROP INDEX "{name}"')
        # ... and without the search index's insert trigger, as `prospect import` does.
        triggers = connection.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
            "AND name = 'contacts_fts_insert'"
        ).fetchall()
        for name, _ in triggers:
            connection.execute(f'DROP TRIGGER "{name}"')
        started = time.perf_counter()
        connection.executemany(contact_sql, rows)
        timings["insert the contacts (executemany)"] = time.perf_counter() - started
        connection.executemany(deal_sql, deals)
        started = time.perf_counter()
        index_new_rows(connection.cursor())
        timings["catch the search index up (one INSERT ... SELECT)"] = time.perf_counter() - started
        started = time.perf_counter()
        for _, sql in [*indexes, *triggers]:
            connection.execute(sql)
        timings["build the contacts' other indexes"] = time.perf_counter() - started
        connection.execute("COMMIT")
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()
    return timings


def median_seconds(command: list[str], runs: int) -> float:
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def in_process(db: Path, text: str, runs: int) -> tuple[float, int]:
    """The search service alone, in this process: the time beyond start-up, and the matches."""
    from salesfunnel.db.connect import database
    from salesfunnel.db.work import Work
    from salesfunnel.services.search import search

    with database(f"sqlite:///{db}") as driver:
        times = []
        for _ in range(runs + 1):
            with Work(driver, write=False) as work:
                started = time.perf_counter()
                result = search(work, text)
                times.append(time.perf_counter() - started)
        return statistics.median(times[1:]), result.contacts_total


def full_text_index(db: Path, on: bool, saved: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """Switch the index off (forget the watermarks: every row is 'not indexed yet') or back."""
    with sqlite3.connect(db) as connection:
        if on:
            connection.executemany(
                "INSERT INTO search_index_state (name, indexed_through) VALUES (?, ?)", saved
            )
            return saved
        rows = connection.execute("SELECT name, indexed_through FROM search_index_state").fetchall()
        connection.execute("DELETE FROM search_index_state")
        return rows


def peak_memory_mib(command: list[str], stdout: Path) -> tuple[float, float]:
    """Seconds and peak resident memory (MiB) of one process, as GNU time reports them.

    Through /usr/bin/time, a small process: Linux counts a forked child's peak from the
    fork, so a child forked from this (big) process would report this process's size.
    """
    report = stdout.with_suffix(".time")
    with stdout.open("wb") as out:
        subprocess.run(
            ["/usr/bin/time", "-f", "%e %M", "-o", str(report), *command],
            check=True,
            stdout=out,
            stderr=subprocess.DEVNULL,
        )
    seconds, kib = report.read_text().split()[-2:]
    return float(seconds), int(kib) / 1024


def sample_queries(db: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(db) as connection:
        n = connection.execute("SELECT max(id) FROM contacts").fetchone()[0]
        some = max(1, n * 7 // 9)
        email, phone, name = connection.execute(
            "SELECT email, phone, name FROM contacts WHERE id = ?", (some,)
        ).fetchone()
    digits = "".join(c for c in phone if c.isdigit())
    rare = name.split()[-1]
    return [
        ("a common first name, accented: `joao`", "joao"),
        ("an accented surname: `nunez`", "nunez"),
        ("two words: `maria silva`", "maria silva"),
        (f"a rare surname: `{rare.lower()}`", rare.lower()),
        ("an exact email", email),
        ("a phone's last 7 digits", digits[-7:]),
        ("nothing matches: `zzzzz`", "zzzzz"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--rebuild", action="store_true", help="Build the database again.")
    parser.add_argument("--no-export", action="store_true", help="Skip the export figures.")
    args = parser.parse_args()
    compileall.compile_dir(str(ROOT / "src"), quiet=1)
    db = Path(tempfile.gettempdir()) / f"salesfunnel-bench-search-{args.contacts}.db"
    if args.rebuild or not db.exists():
        print(f"Building {db} ({args.contacts:,} contacts)...", file=sys.stderr)
        building = db.with_suffix(".building")
        for what, seconds in build(building, args.contacts).items():
            print(f"- {what}: {seconds:.2f} s", file=sys.stderr)
        building.replace(db)  # cached only once complete
    workdir = Path(tempfile.mkdtemp(prefix="salesfunnel-bench-"))
    try:
        empty = workdir / "empty.db"
        subprocess.run(
            [SALESFUNNEL, "--db", str(empty), "config", "list"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        report(db, empty, workdir, args)
    finally:
        shutil.rmtree(workdir)


def report(db: Path, empty: Path, workdir: Path, args: argparse.Namespace) -> None:
    from salesfunnel.domain.text import search_terms

    runs = args.runs
    print(f"\n{args.contacts:,} contacts, medians of {runs} runs (seconds)\n")
    print(
        "| search | matches | salesfunnel (FTS5) | beyond start-up | in-process FTS5 "
        "| LIKE scan (same command) | in-process LIKE | `sqlite3` shell LIKE |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    queries = sample_queries(db)
    start_up = median_seconds([SALESFUNNEL, "--db", str(empty), "search", "joao", "--json"], runs)
    fts = {}
    for label, text in queries:
        command = [SALESFUNNEL, "--db", str(db), "search", *text.split(), "--json"]
        fts[label] = (median_seconds(command, runs), *in_process(db, text, runs))
    saved = full_text_index(db, False, [])
    try:
        for label, text in queries:
            command = [SALESFUNNEL, "--db", str(db), "search", *text.split(), "--json"]
            whole, beyond, matches = fts[label]
            like = median_seconds(command, runs)
            like_inside, like_matches = in_process(db, text, runs)
            assert like_matches == matches, (text, like_matches, matches)
            terms = search_terms(text).words
            where = " AND ".join(f"search_key LIKE '%{w}%'" for w in terms)
            shell = (
                median_seconds(
                    [
                        "sqlite3",
                        str(db),
                        f"SELECT id, name FROM contacts WHERE {where} ORDER BY id DESC LIMIT 50",
                    ],
                    runs,
                )
                if shutil.which("sqlite3")
                else float("nan")
            )
            print(
                f"| {label} | {matches:,} | {whole:.3f} | {whole - start_up:+.3f} | "
                f"{beyond:.4f} | {like:.3f} | {like_inside:.4f} | {shell:.3f} |"
            )
    finally:
        full_text_index(db, True, saved)
    print(f"\nStart-up: the same search on an empty database, {start_up:.3f} s.")
    if args.no_export:
        return
    print("\n| export (1 process) | seconds | peak memory (MiB) |")
    print("| --- | ---: | ---: |")
    for fmt in ("csv", "json"):
        target = workdir / f"contacts.{fmt}"
        seconds, peak = peak_memory_mib(
            [SALESFUNNEL, "--db", str(db), "export", "contacts", "-f", fmt, "-o", str(target)],
            workdir / "stdout",
        )
        print(f"| `salesfunnel export contacts -f {fmt}` | {seconds:.2f} | {peak:.0f} |")
        target.unlink()
    if shutil.which("sqlite3"):
        seconds, peak = peak_memory_mib(
            ["sqlite3", "-csv", "-header", str(db), "SELECT * FROM contacts"], workdir / "out.csv"
        )
        print(f"| `sqlite3 -csv` (reference) | {seconds:.2f} | {peak:.0f} |")
    print(
        f"\n(this process peaked at {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} "
        "MiB while building and timing)"
    )


if __name__ == "__main__":
    main()
