"""What the undo journal costs a write: its unit of work with and without the journal.

Each case runs a write command's use case in one unit of work, committed, on a fresh
copy of the demo database (copied outside the timing), with the journal on and off in
turn (the order alternating), and reports the median CPU time of each and the
difference.  CPU time of this process, because that is all the journal adds (a read
before each update, a few inserts at the commit) and because wall time on a shared
machine drifts by more than the whole difference.

    .venv/bin/python bench/journal.py            # 151 rounds of each case
    .venv/bin/python bench/journal.py --runs 51

Prints a Markdown table for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from daily import NOW, SALESFUNNEL, bench_env

os.environ["SALESFUNNEL_NOW"] = NOW

from salesfunnel.db.connect import open_driver  # noqa: E402  (after the clock is fixed)
from salesfunnel.db.journal import Journal  # noqa: E402
from salesfunnel.db.work import Work  # noqa: E402
from salesfunnel.services.activities import log_activity  # noqa: E402
from salesfunnel.services.deals import win  # noqa: E402
from salesfunnel.services.leads import add_lead  # noqa: E402
from salesfunnel.services.settings import set_setting  # noqa: E402

CASES: dict[str, Callable[[Work], object]] = {
    "deal win 2": lambda work: win(work, 2),
    "lead add (a tag)": lambda work: add_lead(work, "Bruna", email="b@x.example", tags=["vip"]),
    "log 5 call": lambda work: log_activity(work, "5", "call", "Left a voicemail"),
    "config set deal.currency EUR": lambda work: set_setting(work, "deal.currency", "EUR"),
}


def cpu_of(demo: Path, copy: Path, case: Callable[[Work], object], journaled: bool) -> float:
    shutil.copyfile(demo, copy)
    for side in ("-wal", "-shm"):
        Path(f"{copy}{side}").unlink(missing_ok=True)
    driver = open_driver(f"sqlite:///{copy}", notify=print)
    try:
        started = time.process_time()
        with Work(driver, write=True, journal=Journal("bench") if journaled else None) as work:
            case(work)
            work.summary = "bench"
        return time.process_time() - started
    finally:
        driver.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=151)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        demo, copy = Path(folder) / "demo.db", Path(folder) / "work.db"
        subprocess.run(
            [SALESFUNNEL, "--db", str(demo), "demo"], check=True, capture_output=True,
            env=bench_env(),
        )  # fmt: skip
        print(f"{args.runs} rounds of each, CPU time of the unit of work, medians:\n")
        print("| write | without journal | with journal | journal costs |")
        print("| --- | ---: | ---: | ---: |")
        for label, case in CASES.items():
            times: dict[bool, list[float]] = {False: [], True: []}
            for round_ in range(args.runs + 1):  # the first round warms up
                for journaled in (False, True) if round_ % 2 else (True, False):
                    cpu = cpu_of(demo, copy, case, journaled)
                    if round_:
                        times[journaled].append(cpu)
            off, on = (statistics.median(times[j]) * 1000 for j in (False, True))
            print(f"| `{label}` | {off:.2f} ms | {on:.2f} ms | {on - off:+.2f} ms |")


if __name__ == "__main__":
    main()
