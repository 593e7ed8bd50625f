"""Every command on the demo database, beside `python -c "import typer"`, in one run.

SPEC §6 asks every command other than the daily ones (`deal list`, `customer list`,
`show`, reports, `log`, `next`, `deal win`...) to take, as a whole process on the demo
database, within 3x the time Python takes to import Typer (goal: 1.5x).  This script
builds the demo database (`salesfunnel demo`, a fixed "now"), then times each command
as a user runs it, its output going to a pipe: reads on the demo database, writes each
on a fresh copy of it (copied before the run, outside the timing), all in turn with
`python -c "import typer"` and a one-command Typer app that prints a line (the least a
Typer program costs), so that the machine's load falls on all alike.

    python bench/commands.py              # 9 runs of each, medians
    python bench/commands.py --runs 15 --only "deal win" --only "lead list"

It prints a Markdown table for docs/benchmarks.md: median wall time, the least CPU
time of the runs (the steadiest figure on a busy machine), each as a ratio to
`import typer`.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from daily import NOW, ROOT, SALESFUNNEL, Timing, bench_env, run_once

HELLO = """
import typer

app = typer.Typer()


@app.command()
def hello(name: str = "world") -> None:
    print(f"hello {name}")


app()
"""


@dataclass(frozen=True)
class Case:
    """One command line; a write runs on a fresh copy of the demo database each time."""

    label: str
    argv: list[str]
    writes: bool = False


def demo_ids(db: Path) -> dict[str, int]:
    """Ids the commands name: an open lead, an open deal, a customer, a planned step..."""
    with sqlite3.connect(db) as connection:

        def first(sql: str) -> int:
            row = connection.execute(sql).fetchone()
            if row is None:
                raise SystemExit(f"the demo database has nothing for: {sql}")
            return int(row[0])

        return {
            "lead": first("SELECT id FROM contacts WHERE lead_status = 'new' ORDER BY id"),
            "qualifiable": first(
                "SELECT id FROM contacts WHERE lead_status = 'contacted' ORDER BY id"
            ),
            "prospect": first("SELECT id FROM contacts WHERE prospect_status = 'open' ORDER BY id"),
            "deal": first(
                "SELECT id FROM deals WHERE status = 'open' AND stage <> 'qualification' "
                "ORDER BY id"
            ),
            "customer": first("SELECT id FROM contacts WHERE stage = 'customer' ORDER BY id"),
            "step": first(
                "SELECT id FROM activities WHERE done_at IS NULL AND due_date IS NOT NULL "
                "ORDER BY id"
            ),
        }


def cases(ids: dict[str, int], scratch: Path) -> list[Case]:
    lead, deal, customer, step = (str(ids[k]) for k in ("lead", "deal", "customer", "step"))
    reads = [
        ["--help"],
        ["todo"],
        ["digest"],
        ["pipeline"],
        ["lead", "list"],
        ["lead", "show", lead],
        ["deal", "list"],
        ["deal", "show", deal],
        ["customer", "list"],
        ["customer", "status", customer],
        ["prospect", "list"],
        ["prospect", "lists"],
        ["report", "funnel"],
        ["report", "sources"],
        ["report", "forecast"],
        ["search", "ana"],
        ["source", "list"],
        ["config", "list"],
        ["export", "deals"],
        ["undo", "--list"],
        ["check"],
        ["backup", str(scratch / "copy.db"), "--force"],  # every run replaces the last copy
    ]
    writes = [
        ["log", lead, "call", "Left a voicemail"],
        ["next", lead, "call", "Call back", "--due", "tomorrow"],
        ["done", step],
        ["snooze", step],
        ["lead", "add", "Bruna Teixeira", "--email", "bruna@example.com.br", "--tag", "vip"],
        ["lead", "qualify", str(ids["qualifiable"]), "--need", "--budget"],
        ["prospect", "convert", str(ids["prospect"])],
        ["deal", "move", deal, "qualification"],
        ["deal", "win", deal],
        ["deal", "lose", deal, "--reason", "price"],
        ["customer", "purchase", customer, "--value", "1200"],
        ["source", "cost", "webinar", "250"],
        ["config", "set", "currency.default", "EUR"],
        ["calendar", "export", str(scratch / "steps.ics"), "--force"],
    ]
    return [Case(" ".join(argv), argv) for argv in reads] + [
        Case(" ".join(argv), argv, writes=True) for argv in writes
    ]


def measure(
    runs: int, references: list[tuple[str, list[str]]], chosen: list[Case], demo: Path, work: Path
) -> dict[str, Timing]:
    """Every command and reference, in turn, ``runs`` times after a warm-up of each."""
    env = bench_env(SALESFUNNEL_DB=str(work))

    def fresh() -> None:
        shutil.copyfile(demo, work)
        for side in ("-wal", "-shm"):
            Path(f"{work}{side}").unlink(missing_ok=True)

    steps: list[tuple[str, list[str], Callable[[], None] | None]] = [
        (label, argv, None) for label, argv in references
    ]
    steps += [(c.label, [SALESFUNNEL, *c.argv], fresh if c.writes else None) for c in chosen]
    samples: dict[str, list[tuple[float, float]]] = {label: [] for label, _, _ in steps}
    fresh()
    for round_ in range(runs + 1):  # the first round warms the caches up
        for label, argv, prepare in steps:
            if prepare is not None:
                prepare()
            timing = run_once(argv, env)
            if round_:
                samples[label].append(timing)
            if prepare is not None:
                fresh()  # reads see the demo database as built
    return {
        label: Timing(statistics.median(w for w, _ in s), min(c for _, c in s))
        for label, s in samples.items()
    }


def table(results: dict[str, Timing], chosen: list[Case], base: str, floor: str) -> str:
    reference = results[base]
    lines = [
        "| command | wall | ÷ `import typer` | least CPU | ÷ `import typer` (CPU) |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    rows = [(f"`{base}`", results[base]), (f"`{floor}`", results[floor])]
    rows += [(f"`{c.label}`" + (" (write)" if c.writes else ""), results[c.label]) for c in chosen]
    for label, t in rows:
        lines.append(
            f"| {label} | {t.wall:.3f} s | {t.wall / reference.wall:.2f}x | "
            f"{t.cpu:.3f} s | {t.cpu / reference.cpu:.2f}x |"
        )
    commands = [results[c.label] for c in chosen]
    worst_wall = max(t.wall for t in commands) / reference.wall
    worst_cpu = max(t.cpu for t in commands) / reference.cpu
    median_wall = statistics.median(t.wall for t in commands) / reference.wall
    lines.append("")
    lines.append(
        f"{len(commands)} commands: median {median_wall:.2f}x, worst {worst_wall:.2f}x "
        f"(wall); worst {worst_cpu:.2f}x (CPU)."
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--only", action="append", help="time only these commands (by label)")
    args = parser.parse_args(argv)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "src")], check=True)
    with tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder)
        demo = scratch / "demo.db"
        subprocess.run(
            [SALESFUNNEL, "--db", str(demo), "demo"],
            check=True,
            capture_output=True,
            env=bench_env(),
        )
        hello = scratch / "hello.py"
        hello.write_text(HELLO)
        chosen = cases(demo_ids(demo), scratch)
        if args.only:
            chosen = [c for c in chosen if c.label in args.only]
        base, floor = 'python -c "import typer"', "a one-command Typer app"
        references = [
            (base, [sys.executable, "-c", "import typer"]),
            (floor, [sys.executable, str(hello)]),
        ]
        results = measure(args.runs, references, chosen, demo, scratch / "work.db")
    print(f"{args.runs} runs of each, SALESFUNNEL_NOW={NOW}, medians:\n")
    print(table(results, chosen, base, floor))


if __name__ == "__main__":
    main()
