"""`prospect import` against what a user would otherwise use, on the same realistic file.

    .venv/bin/python bench/import.py                      # 1,000,000 rows, 3 runs each
    .venv/bin/python bench/import.py --rows 100000        # a quicker look
    .venv/bin/python bench/import.py --skip sqlite-utils  # leave out the slow ones

The file is made by the project's generator, bench/gen_prospects.py (UTF-8, comma,
English headers, about 2 % repeated people, some malformed emails and contact-less
rows), and cached in /tmp under a name that changes with the generator.  Each tool
imports it into a fresh database, as a whole process:

* ``salesfunnel prospect import FILE`` (detection, validation, dedupe, search index,
  history; into a salesfunnel database created beforehand, untimed);
* ``sqlite-utils insert DB prospects FILE --csv [--no-detect-types]``
  (``pip install -e '.[bench]'``);
* the ``sqlite3`` shell's ``.import --csv FILE prospects`` (``apt-get install -y sqlite3``).

Runs go round-robin (tool A, B, C, A, B, C...) so that load from elsewhere falls on
every tool alike; each figure is the median of ``--runs``.  CPU time includes the
processes a tool starts (salesfunnel reads a big file in a second one).  Peak memory
is the larger of the biggest process's maximum resident set (``wait4``) and what all
the tool's processes held together, sampled every 20 ms as summed PSS (a page two
processes share counts once).  The package is byte-compiled first (these machines set
PYTHONDONTWRITEBYTECODE=1).  Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import compileall
import hashlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GENERATOR = ROOT / "bench" / "gen_prospects.py"
BIN = Path(sys.executable).parent
CACHE = Path(tempfile.gettempdir()) / "salesfunnel-bench"


@dataclass
class Tool:
    name: str
    command: list[str]  # FILE and DB are filled in per run
    prepare: list[str] | None = None  # run untimed before each timed run
    walls: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)
    peaks: list[int] = field(default_factory=list)  # KiB

    def row(self, reference: Tool | None, bar: Tool | None) -> str:
        wall = statistics.median(self.walls)
        ratio = f"{wall / statistics.median(reference.walls):.1f}×" if reference else ""
        versus = f"{wall / statistics.median(bar.walls):.2f}×" if bar else ""
        cpu = statistics.median(self.cpus)
        peak = statistics.median(self.peaks) / 1024
        return (
            f"| {self.name} | {wall:.2f} s | {min(self.walls):.2f}–{max(self.walls):.2f} s "
            f"| {cpu:.2f} s | {peak:.0f} MiB | {ratio} | {versus} |"
        )


MAKE_DATABASE = (
    "import sys; from salesfunnel.db.engine import open_engine; "
    "from salesfunnel.db.location import database_url; "
    "open_engine(database_url(sys.argv[1])).dispose()"
)


def tools(skip: set[str]) -> list[Tool]:
    found = []
    salesfunnel = str(BIN / "salesfunnel")
    found.append(
        Tool(
            "salesfunnel prospect import",
            [salesfunnel, "--db", "{db}", "prospect", "import", "{file}", "--list", "bench"],
            # The database made (the schema, no rows) untimed: a command that only reads
            # no longer makes one, so the engine does it, as the first write would.
            prepare=[sys.executable, "-c", MAKE_DATABASE, "{db}"],
        )
    )
    sqlite_utils = shutil.which("sqlite-utils", path=str(BIN)) or shutil.which("sqlite-utils")
    if sqlite_utils is None:
        print("sqlite-utils not found: pip install -e '.[bench]'", file=sys.stderr)
    else:
        base = [sqlite_utils, "insert", "{db}", "prospects", "{file}", "--csv"]
        if "sqlite-utils-no-detect" not in skip and "sqlite-utils" not in skip:
            found.append(
                Tool("sqlite-utils insert --csv --no-detect-types", [*base, "--no-detect-types"])
            )
        if "sqlite-utils-detect" not in skip and "sqlite-utils" not in skip:
            found.append(Tool("sqlite-utils insert --csv (detects types)", base))
    sqlite3 = shutil.which("sqlite3")
    if sqlite3 is None:
        print("the sqlite3 shell is missing: apt-get install -y sqlite3", file=sys.stderr)
    elif "sqlite3" not in skip:
        found.append(
            Tool("sqlite3 shell .import --csv", [sqlite3, "{db}", ".import --csv {file} prospects"])
        )
    return found


def prospect_file(rows: int) -> Path:
    CACHE.mkdir(exist_ok=True)
    version = hashlib.sha256(GENERATOR.read_bytes()).hexdigest()[:12]
    path = CACHE / f"prospects_{rows}_{version}.csv"  # a changed generator makes a new file
    if not path.exists():
        print(f"generating {path} ...", file=sys.stderr)
        partial = path.with_suffix(".part")
        subprocess.run([sys.executable, str(GENERATOR), str(rows), str(partial)], check=True)
        partial.rename(path)
    return path


def fill(command: list[str], db: Path, file: Path) -> list[str]:
    return [part.format(db=db, file=file) for part in command]


def _tree(pid: int) -> list[int]:
    """``pid`` and every process under it (salesfunnel reads a big file in a second one)."""
    found, waiting = [], [pid]
    while waiting:
        current = waiting.pop()
        found.append(current)
        try:
            waiting += map(
                int, Path(f"/proc/{current}/task/{current}/children").read_text().split()
            )
        except OSError:
            pass
    return found


def _pss_kib(pid: int) -> int:
    """Proportional set size: a page two processes share counts half in each."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class PeakMemory(threading.Thread):
    """The most memory a process and its children held together, sampled every 20 ms."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak = 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.02):
            self.peak = max(self.peak, sum(_pss_kib(pid) for pid in _tree(self.pid)))


def timed(command: list[str]) -> tuple[float, float, int]:
    """Wall time, CPU time (user + system, children included) and peak memory (KiB): the
    larger of the largest process's RSS and what all its processes held together (PSS)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    sampler = PeakMemory(process.pid)
    sampler.start()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    sampler.done.set()
    sampler.join()
    process.returncode = os.waitstatus_to_exitcode(status)
    errors = process.stderr.read().decode(errors="replace") if process.stderr else ""
    if process.returncode != 0:
        sys.exit(f"{command[0]} failed ({process.returncode}): {errors.strip()[-500:]}")
    return wall, usage.ru_utime + usage.ru_stime, max(sampler.peak, usage.ru_maxrss)


def run(tool: Tool, file: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="salesfunnel-bench-") as directory:
        db = Path(directory) / "bench.db"
        if tool.prepare:
            subprocess.run(fill(tool.prepare, db, file), check=True, capture_output=True)
        wall, cpu, peak = timed(fill(tool.command, db, file))
    tool.walls.append(wall)
    tool.cpus.append(cpu)
    tool.peaks.append(peak)
    print(f"  {tool.name}: {wall:.2f} s, {cpu:.2f} s CPU, {peak / 1024:.0f} MiB", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--skip",
        action="append",
        default=[],
        help="sqlite-utils, sqlite-utils-detect, sqlite-utils-no-detect or sqlite3",
    )
    args = parser.parse_args(argv)
    compileall.compile_dir(ROOT / "src", quiet=1)
    file = prospect_file(args.rows)
    measured = tools(set(args.skip))
    load_before = os.getloadavg()
    for number in range(args.runs):
        print(f"run {number + 1} of {args.runs}", file=sys.stderr)
        for tool in measured:
            run(tool, file)
    load_after = os.getloadavg()

    reference = next((t for t in measured if t.name.startswith("sqlite3")), None)
    bar = next((t for t in measured if "no-detect" in t.name), None)
    size = file.stat().st_size / 1e6
    print(f"{args.rows:,} rows, {size:.0f} MB ({file.name}); median of {args.runs} runs each.")
    print(
        f"Load average (1 min) {load_before[0]:.1f} before, {load_after[0]:.1f} after, "
        f"on {os.cpu_count()} CPUs.\n"
    )
    print(
        "| tool | wall (median) | wall (range) | CPU | peak memory "
        "| vs `.import` | vs sqlite-utils --no-detect-types |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for tool in measured:
        print(tool.row(reference, bar))
    return 0


if __name__ == "__main__":
    sys.exit(main())
