"""Shell completion on a million contacts: what a TAB costs, as a whole process.

A shell runs salesfunnel on every TAB, with its own variables (bash: COMP_WORDS and
COMP_CWORD; zsh and fish: _TYPER_COMPLETE_ARGS), and waits for the candidates.  This
script times that, as bash and zsh ask it, on the 1,000,000-contact database
bench/daily.py builds (and caches in /tmp), and on an empty one, in turn with
`python -c "import typer"`, so that the machine's load falls on all alike.  Goal
(issue 15): under 0.2 s a TAB, whatever the database holds.

    python bench/completion.py                 # 1,000,000 contacts, 9 runs of each
    python bench/completion.py --contacts 50000 --runs 5

It prints a Markdown table for docs/benchmarks.md, and stops if a completion on the
big database offers nothing (a database at another schema completes nothing: the
figures would be those of an empty answer).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from daily import (
    NOW,
    ROOT,
    SALESFUNNEL,
    Timing,
    bench_env,
    cached_database,
    make_database,
    timed_side_by_side,
    verdict,
)

GOAL = 0.2  # seconds a TAB may take, whole process

# (label, shell, command line as typed up to the cursor)
CASES = [
    ("a contact id: `show 12345<TAB>`", "bash", "salesfunnel show 12345"),
    ("a contact id, names beside (zsh): `show 1<TAB>`", "zsh", "salesfunnel show 1"),
    ("an email: `show person4242<TAB>`", "bash", "salesfunnel show person4242"),
    ("a stage: `deal move 1 <TAB>`", "bash", "salesfunnel deal move 1 "),
    ("an open deal: `deal move <TAB>`", "bash", "salesfunnel deal move "),
    ("a source: `lead list --source <TAB>`", "bash", "salesfunnel lead list --source "),
    ("a command: `de<TAB>`", "bash", "salesfunnel de"),
]


def completion_env(shell: str, line: str, db: Path) -> dict[str, str]:
    env = bench_env(SALESFUNNEL_DB=str(db), _SALESFUNNEL_COMPLETE=f"complete_{shell}")
    if shell == "bash":
        env |= {"COMP_WORDS": line, "COMP_CWORD": str(len(line.split(" ")) - 1)}
    else:
        env["_TYPER_COMPLETE_ARGS"] = line
    return env


def candidates(env: dict[str, str]) -> list[str]:
    done = subprocess.run([SALESFUNNEL], env=env, capture_output=True, text=True, check=True)
    return [line for line in done.stdout.splitlines() if line.strip()]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args(argv)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "src")], check=True)
    big = cached_database(args.contacts, "daily")
    rows: list[tuple[str, Timing, Timing, int]] = []
    with tempfile.TemporaryDirectory() as folder:
        empty = Path(folder) / "empty.db"
        make_database(empty)
        for label, shell, line in CASES:
            on_big = completion_env(shell, line, big)
            offered = candidates(on_big)
            if not offered:
                raise SystemExit(f"{line!r} offered nothing on {big}: is it at this schema?")
            typer_import, big_time, empty_time = timed_side_by_side(
                args.runs,
                ([sys.executable, "-c", "import typer"], bench_env()),
                ([SALESFUNNEL], on_big),
                ([SALESFUNNEL], completion_env(shell, line, empty)),
            )
            rows.append((label, big_time, empty_time, len(offered)))
            rows.append(("", typer_import, typer_import, -1))
    print(
        f"Whole processes, `SALESFUNNEL_NOW={NOW}`; {args.runs} runs of each, in turn with "
        "`import typer` after a warm-up: median wall time, and in brackets the least CPU "
        f"time of the runs. Load average when done: {os.getloadavg()[0]:.1f} on "
        f"{os.cpu_count()} cores.\n"
    )
    print(
        f"| completing | {args.contacts:,} contacts | empty database | candidates "
        f"| `import typer` | goal < {GOAL:g} s |"
    )
    print("| --- | ---: | ---: | ---: | ---: | --- |")
    for (label, big_time, empty_time, count), (_, typer_import, _, _) in zip(
        rows[::2], rows[1::2], strict=True
    ):
        print(
            f"| {label} | {big_time.wall:.3f} s ({big_time.cpu:.3f}) | {empty_time.wall:.3f} s "
            f"({empty_time.cpu:.3f}) | {count} | {typer_import.wall:.3f} s "
            f"({typer_import.cpu:.3f}) | {verdict(big_time.wall < GOAL, big_time.cpu < GOAL)} |"
        )


if __name__ == "__main__":
    main()
