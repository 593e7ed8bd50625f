"""Hostile values get a one-line refusal, never "unexpected", and change nothing.

Each case was an "Error: unexpected ..." (or a wrong message) before: ids beyond 64 bits,
text that isn't UTF-8, dates at the calendar's ends, a database another writer holds,
a damaged file, a negative amount read as an option.  Then Hypothesis drives every
command with such values.
"""

from __future__ import annotations

import csv
import io
import shutil
import sqlite3
from pathlib import Path

import pytest
import typer.main
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from salesfunnel.cli import app

HUGE = "99999999999999999999"


def dump(db_path: Path) -> list[str]:
    """Everything the database holds, as SQL: compared before and after a refusal."""
    if not db_path.exists():
        return []
    connection = sqlite3.connect(db_path)
    try:
        return list(connection.iterdump())
    finally:
        connection.close()


def refused(run, *args: str, code: int = 1) -> str:
    result = run(*args)
    assert result.exit_code == code, (args, result.stdout, result.stderr)
    assert "Error: unexpected" not in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) >= 1
    return result.stderr


@pytest.fixture
def ana(ok) -> None:
    ok("lead", "add", "Ana", "--email", "ana@example.com")
    ok("deal", "open", "1")
    ok("next", "1", "call", "Call", "--due", "tomorrow")


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("deal", "show", HUGE), f"no deal with id {HUGE}"),
        (("deal", "win", HUGE), f"no deal with id {HUGE}"),
        (("done", HUGE), f"no activity with id {HUGE}"),
        (("snooze", HUGE), f"no activity with id {HUGE}"),
        (("lead", "show", HUGE), f"no lead with id or email {HUGE}"),
        (("log", HUGE, "call", "x"), f"no contact with id or email {HUGE}"),
        (("customer", "status", HUGE), f"no customer with id or email {HUGE}"),
    ],
)
def test_an_id_beyond_64_bits_names_nothing(run, ana, db_path, args, said) -> None:
    before = dump(db_path)
    assert refused(run, *args) == f"Error: {said}\n"
    assert dump(db_path) == before


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("todo", "--as-of", "9999-12-31"), "9999-12-31 is out of range"),
        (("digest", "--as-of", "9999-12-31"), "9999-12-31 is out of range"),
        (("customer", "list", "--as-of", "+2000y"), "+2000y (4026-11-23) is out of range"),
        (("deal", "open", "1", "--close", "1899-12-31"), "1899-12-31 is out of range"),
        (("next", "1", "call", "x", "--due", "3000-01-01"), "3000-01-01 is out of range"),
    ],
)
def test_dates_at_the_calendars_ends_are_refused(run, ana, db_path, args, said) -> None:
    before = dump(db_path)
    assert said in refused(run, *args)
    assert dump(db_path) == before


@pytest.mark.parametrize("now", ["0001-01-01", "9999-12-31T23:59", "2026-13-01", "soon"])
def test_a_now_the_clock_cannot_show_is_refused(run, monkeypatch, now) -> None:
    monkeypatch.setenv("SALESFUNNEL_NOW", now)
    assert "SALESFUNNEL_NOW=" in refused(run, "lead", "add", "Ana")


def test_text_that_is_not_utf8_is_refused_and_shown_visibly(run, ok, db_path) -> None:
    ok("lead", "add", "Ana")
    before = dump(db_path)
    name = b"\xff".decode("utf-8", "surrogateescape")  # what Python makes of such an argument
    said = refused(run, "lead", "add", name)
    assert said == "Error: text that is not valid UTF-8 can't be stored: \\xff\n"
    assert dump(db_path) == before


def test_a_negative_cost_is_refused_as_an_amount_not_as_an_option(run) -> None:
    assert refused(run, "source", "cost", "website", "-10") == (
        "Error: a cost can't be negative: -10\n"
    )


@pytest.mark.sqlite_only("SQLite's busy timeout")
def test_a_writer_held_up_too_long_says_so_in_one_line(run, ok, db_path, monkeypatch) -> None:
    """Another process holds the write lock past the busy timeout (lowered for the test)."""
    from salesfunnel.db import sqlite as sqlite_setup

    ok("lead", "add", "Ana")
    before = dump(db_path)
    monkeypatch.setattr(sqlite_setup, "BUSY_TIMEOUT_MS", 200)
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        said = refused(run, "lead", "add", "Bia")
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert said.startswith("Error: another salesfunnel command kept the database busy")
    assert "nothing was written" in said
    assert dump(db_path) == before


@pytest.mark.sqlite_only("a damaged SQLite file")
def test_a_damaged_file_is_refused_in_one_line_with_nothing_on_stdout(
    run, ok, db_path, tmp_path, monkeypatch
) -> None:
    for n in range(300):  # enough rows for the contacts table to span many pages
        ok("prospect", "add", f"Prospect {n:03} " + "x" * 80, "--list", "big")
    damaged = tmp_path / "damaged.db"
    connection = sqlite3.connect(db_path)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    shutil.copy(db_path, damaged)
    data = bytearray(damaged.read_bytes())
    page = int.from_bytes(data[16:18], "big")  # the header says the page size
    data[2 * page :] = b"\xa5" * (len(data) - 2 * page)  # every page after the schema's
    damaged.write_bytes(bytes(data))
    monkeypatch.setenv("SALESFUNNEL_DB", str(damaged))
    for args in (("export", "contacts"), ("prospect", "list", "--all"), ("search", "prospect")):
        result = run(*args)
        assert result.exit_code == 1, (args, result.stderr)
        assert result.stdout == "", args
        assert result.stderr.startswith("Error: the database file is damaged"), result.stderr
        assert len(result.stderr.splitlines()) == 1


# --- every command, with hostile values ---------------------------------------------------------


def _commands() -> list[tuple[str, ...]]:
    """Every runnable command path: ('lead', 'add'), ('todo',)..."""
    found: list[tuple[str, ...]] = []

    def walk(command: object, path: tuple[str, ...]) -> None:
        children = getattr(command, "commands", None)
        if children:
            for name, child in children.items():
                walk(child, (*path, name))
        elif path and path[0] not in ("demo",):  # demo builds a whole database: slow
            found.append(path)

    walk(typer.main.get_command(app), ())
    return found


HOSTILE = st.sampled_from(
    [
        HUGE,
        "-1",
        "0",
        "",
        "   ",
        "\x1b[2J",
        "a\nb",
        b"\xff".decode("utf-8", "surrogateescape"),
        "x" * 5_000,
        "inf",
        "nan",
        "1e309",
        "9999-12-31",
        "0000-00-00",
        "'; DROP TABLE contacts; --",
        "/",
        "/nonexistent/folder/file.csv",
        "ana@example.com",
        "1",
    ]
)


@pytest.mark.slow
@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    command=st.sampled_from(_commands()),
    values=st.lists(HOSTILE, min_size=0, max_size=3),
    options=st.lists(
        st.sampled_from(["--json", "--value", "--due", "--as-of", "--date", "--reason", "--to"]),
        max_size=2,
    ),
)
def test_every_command_refuses_hostile_values_in_one_line(
    run, ana, db_path, tmp_path, monkeypatch, command, values, options
) -> None:
    """No traceback, never "unexpected", only the documented exit codes; a refusal changes
    nothing."""
    monkeypatch.chdir(tmp_path)  # a relative FILE (`backup ana@example.com`) lands here
    args = list(command)
    for option, value in zip(options, [*values, "x", "x"], strict=False):
        args += [option] if option == "--json" else [option, value]
    args += values
    if any(part in ("export", "backup", "calendar") for part in command):
        args = [a if not a.startswith("/") else str(tmp_path / "out") for a in args]
    before = dump(db_path)
    result = run(*args, input="")
    assert result.exit_code in (0, 1, 2), (args, result.exit_code, result.stderr)
    assert "Error: unexpected" not in result.stderr, (args, result.stderr)
    assert "Traceback" not in result.stderr + result.stdout, args
    if result.exit_code != 0:
        assert dump(db_path) == before, args


def test_a_rejects_file_does_not_hand_a_spreadsheet_formulas(ok, tmp_path) -> None:
    """A rejected row's cells are copied to the --rejects CSV, which is opened in a
    spreadsheet: text a spreadsheet would run gets the leading ' an export gives it."""
    source = tmp_path / "list.csv"
    source.write_text(
        "name,email,company\n"
        "Ana,ana@example.com,Acme\n"
        ',,"=HYPERLINK(""http://evil.example"",""click"")"\n'
        ",,@SUM(A1:A9)\n",
        encoding="utf-8",
    )
    rejects = tmp_path / "rejects.csv"
    ok("prospect", "import", str(source), "--rejects", str(rejects))
    rows = list(csv.reader(io.StringIO(rejects.read_text(encoding="utf-8-sig"), newline="")))
    assert [row[-1] for row in rows[1:]] == [
        '\'=HYPERLINK("http://evil.example","click")',
        "'@SUM(A1:A9)",
    ]
