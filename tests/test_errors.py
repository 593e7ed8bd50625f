"""Errors and scripting: one line and a status, no tracebacks, no prompts in scripts, Ctrl-C."""

from __future__ import annotations

import io
import os
import pty
import select
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import typer

from salesfunnel.cli import main
from salesfunnel.cli.options import confirm
from salesfunnel.domain.owners import login_name
from salesfunnel.errors import ExitStatus

SALESFUNNEL = Path(sys.executable).with_name("salesfunnel")
INTERRUPTED = "Interrupted: nothing was written."


def one_error_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("Error: "), stderr
    assert "Traceback" not in stderr
    return lines[0]


@pytest.fixture
def funnel(ok) -> None:
    """#1 a prospect, #2 a lead with open deal #1, #3 a customer (deal #2 won)."""
    ok("prospect", "add", "Pia Prospect")
    ok("lead", "add", "Leo Lead", "--email", "leo@example.com")
    ok("deal", "open", "2", "--value", "5000")
    ok("lead", "add", "Cid Customer")
    ok("deal", "open", "3", "--value", "900")
    ok("deal", "win", "2")


# --- refusals: one line, exit 1 ---------------------------------------------------------


REFUSALS = [
    (("lead", "show", "42"), ["42"]),
    (("lead", "show", "nobody@example.com"), ["nobody@example.com"]),
    (("deal", "move", "99", "proposal"), ["99"]),
    (("customer", "status", "77"), ["77"]),
    (("prospect", "convert", "2"), ["not a prospect"]),
    (("deal", "open", "2", "--value", "-5"), ["negative"]),
    (("deal", "open", "2", "--probability", "150"), ["150", "0 to 99"]),
    (("deal", "open", "2", "--value", "lots"), ["lots"]),
    (("deal", "move", "1", "closing"), ["closing", "qualification"]),
    (("deal", "win", "2"), ["won"]),
    (("customer", "purchase", "3", "--value", "10", "--date", "someday"), ["someday"]),
    (("config", "set", "customer.inactive_days", "ten"), ["ten"]),
    (("config", "get", "no.such.key"), ["no.such.key"]),
]


def test_a_refusal_is_one_line_on_stderr_and_exit_1(run, funnel, db) -> None:
    before = db("select count(*) from lifecycle_events")
    for command, words in REFUSALS:
        result = run(*command)

        assert result.exit_code == ExitStatus.REFUSED == 1, command
        assert result.stdout == "", command
        line = one_error_line(result.stderr)
        for word in words:
            assert word in line, command
    assert db("select count(*) from lifecycle_events") == before


def test_a_bad_date_says_what_is_accepted(ok, run) -> None:
    ok("lead", "add", "Ana")
    result = run("deal", "open", "1", "--close", "someday")
    assert result.exit_code == 1
    line = one_error_line(result.stderr)
    assert "someday" in line
    for example in ("2026-12-01", "today", "tomorrow", "+3d", "friday", "eom"):
        assert example in line


def test_an_unreadable_db_is_one_line_and_exit_1(run, tmp_path) -> None:
    folder = tmp_path / "a-folder"
    folder.mkdir()
    result = run("--db", str(folder), "lead", "list")
    assert result.exit_code == 1
    assert "directory" in one_error_line(result.stderr)


def test_a_bad_fixed_clock_is_one_line(run, monkeypatch) -> None:
    monkeypatch.setenv("SALESFUNNEL_NOW", "next tuesday-ish")
    result = run("lead", "add", "Ana")
    assert result.exit_code == 1
    assert "SALESFUNNEL_NOW" in one_error_line(result.stderr)


# --- usage errors: exit 2 ---------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        ("lead", "list", "--no-such-option"),
        ("lead", "add"),  # missing argument
        ("deal", "move"),  # missing arguments
        ("lead", "disqualify", "1"),  # missing required --reason
        ("lead", "fly"),  # unknown command
        ("teleport",),
        ("deal", "win", "abc"),  # not an id
        ("lead", "list", "--status", "sleepy"),  # not a choice
        ("lead", "list", "--limit", "0"),
    ],
)
def test_usage_errors_exit_2(run, db_path, command) -> None:
    result = run(*command)
    assert result.exit_code == ExitStatus.USAGE == 2
    assert result.stdout == ""
    assert "Error" in result.stderr
    assert "Traceback" not in result.stderr
    assert not db_path.exists()  # a usage error never opens the database


def test_a_missing_argument_shows_clicks_usage_message(run) -> None:
    result = run("deal", "move", "1")
    assert result.exit_code == 2
    usage, hint, blank, error = result.stderr.splitlines()
    # The metavars vary by Typer version, the help option named by Click version.
    assert usage.startswith("Usage: salesfunnel deal move [OPTIONS] ")
    assert hint in {f"Try 'salesfunnel deal move {flag}' for help." for flag in ("-h", "--help")}
    assert blank == ""
    assert error.lower() == "error: missing argument 'stage'."


@pytest.mark.slow
@pytest.mark.parametrize(
    ("command", "status"),
    [(("lead", "show", "42"), 1), (("lead", "fly"), 2), (("deal", "move"), 2)],
)
def test_exit_statuses_in_a_real_process(command, status) -> None:
    result = subprocess.run(
        [str(SALESFUNNEL), *command], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == status, result.stderr
    assert "Traceback" not in result.stderr
    if status == ExitStatus.USAGE:
        assert result.stderr.startswith(f"Usage: salesfunnel {command[0]} "), result.stderr


# --- unexpected errors ------------------------------------------------------------------


def explode(*args: object, **kwargs: object) -> None:
    raise RuntimeError("disk on fire\nand more detail nobody asked for")


def test_an_unexpected_error_is_one_line_without_a_traceback(empty_db, run, monkeypatch) -> None:
    monkeypatch.setattr("salesfunnel.services.leads.list_leads", explode)
    result = run("lead", "list")
    assert result.exit_code == 1
    line = one_error_line(result.stderr)
    assert "RuntimeError: disk on fire" in line
    assert "SALESFUNNEL_DEBUG=1" in line
    assert "nobody asked" not in line


def test_debug_lets_an_unexpected_error_through(empty_db, run, monkeypatch) -> None:
    monkeypatch.setattr("salesfunnel.services.leads.list_leads", explode)
    monkeypatch.setenv("SALESFUNNEL_DEBUG", "1")
    with pytest.raises(RuntimeError, match="disk on fire"):
        run("lead", "list")


def test_debug_off_means_off(empty_db, run, monkeypatch) -> None:
    monkeypatch.setattr("salesfunnel.services.leads.list_leads", explode)
    monkeypatch.setenv("SALESFUNNEL_DEBUG", "0")
    assert run("lead", "list").exit_code == 1


@pytest.mark.slow
def test_debug_shows_the_traceback_in_a_real_process(empty_db) -> None:
    script = textwrap.dedent(
        """
        import sys
        import salesfunnel.services.leads as leads
        def explode(*args, **kwargs):
            raise RuntimeError("disk on fire")
        leads.list_leads = explode
        from salesfunnel.cli import main
        sys.argv = ["salesfunnel", "lead", "list"]
        main()
        """
    )
    loud = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "SALESFUNNEL_DEBUG": "1"},
    )
    assert loud.returncode != 0
    assert "Traceback" in loud.stderr and "RuntimeError: disk on fire" in loud.stderr


@pytest.mark.slow
def test_a_closed_pipe_ends_quietly(empty_db, ok, db) -> None:
    names = [f"Lead number {n} with a name long enough to fill the pipe" for n in range(3000)]
    for start in range(0, len(names), 500):  # a statement a chunk, on either database
        chunk = names[start : start + 500]
        row = "('lead', ?, 'new', false, false, '2026-11-01 09:00:00.000000', ?)"
        db(
            "insert into contacts "
            "(stage, name, lead_status, email_flagged, starred, created_at, owner) "
            f"values {', '.join(row for _ in chunk)}",
            tuple(value for name in chunk for value in (name, login_name())),
        )
    process = subprocess.Popen(
        [str(SALESFUNNEL), "lead", "list", "--all", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.read(10).startswith(b"[")
    process.stdout.close()  # like `| head -c 10`
    errors = process.stderr.read().decode()
    process.stderr.close()
    assert process.wait(60) == 1
    assert errors == ""


# --- Ctrl-C -----------------------------------------------------------------------------


def test_an_interrupt_rolls_back_and_exits_130(run, monkeypatch, db) -> None:
    from salesfunnel.services import leads

    real_add_lead = leads.add_lead

    def add_then_interrupt(*args: object, **kwargs: object) -> None:
        real_add_lead(*args, **kwargs)  # written to the transaction (flushed)...
        raise KeyboardInterrupt  # ...then Ctrl-C before the commit

    monkeypatch.setattr(leads, "add_lead", add_then_interrupt)
    result = run("lead", "add", "Ana")

    assert result.exit_code == ExitStatus.INTERRUPTED == 130
    assert result.stdout == ""
    assert result.stderr.strip() == INTERRUPTED
    assert db("select count(*) from contacts") == [(0,)]
    assert db("select count(*) from lifecycle_events") == [(0,)]


def test_an_interrupt_after_the_commit_does_not_claim_nothing_was_written(
    run, monkeypatch, db
) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("salesfunnel.cli.deal.pipeline", interrupted)  # demo's last step
    result = run("demo", "--contacts", "20")

    assert result.exit_code == 130
    assert result.stderr.strip().splitlines()[-1] == "Interrupted after the change was saved."
    assert db("select count(*) from contacts") == [(20,)]


def test_an_interrupt_before_any_command_exits_130(monkeypatch, capsys) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("salesfunnel.cli.app_for", lambda args: interrupted)
    monkeypatch.setattr(sys, "argv", ["salesfunnel", "lead", "list"])
    with pytest.raises(SystemExit) as exit_:
        main()
    assert exit_.value.code == 130
    assert capsys.readouterr().err.strip() == INTERRUPTED


def schema_ready(path: Path) -> bool:
    if not path.exists():
        return False
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=0.1) as connection:
            return bool(connection.execute("select * from alembic_version").fetchall())
    except sqlite3.Error:
        return False


def test_ctrl_c_while_the_engine_is_let_go_lands_right_after() -> None:
    """A new or upgraded database: SQLAlchemy's objects are let go before the command
    goes on, and Python drops a KeyboardInterrupt raised in their weakref callbacks;
    so Ctrl-C is held meanwhile, and lands just after (it was lost, and `demo` went on)."""
    from salesfunnel.db.connect import ctrl_c_held

    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    reached = False
    try:
        with pytest.raises(KeyboardInterrupt):
            with ctrl_c_held():
                os.kill(os.getpid(), signal.SIGINT)
                time.sleep(0.05)
                reached = True  # not interrupted inside the block
    finally:
        signal.signal(signal.SIGINT, previous)
    assert reached


@pytest.mark.slow
def test_ctrl_c_during_a_slow_write_leaves_nothing_and_exits_130(tmp_path) -> None:
    path = tmp_path / "demo.db"
    process = subprocess.Popen(
        [str(SALESFUNNEL), "demo", "--contacts", "5000", "--db", str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # a shell may start background jobs with SIGINT ignored; a terminal would not
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 30
    while not schema_ready(path) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)  # well into the demo's one transaction (it takes many seconds)
    assert process.poll() is None, "the demo finished before it could be interrupted"
    process.send_signal(signal.SIGINT)
    out, errors = process.communicate(timeout=30)

    assert process.returncode == 130, errors
    assert out == ""
    assert errors.strip() == INTERRUPTED
    with sqlite3.connect(path) as connection:
        assert connection.execute("select count(*) from contacts").fetchall() == [(0,)]
        assert connection.execute("select count(*) from lifecycle_events").fetchall() == [(0,)]


# --- never a prompt in a script ----------------------------------------------------------


def test_cancel_does_not_prompt_when_stdin_is_not_a_terminal(ok, db) -> None:
    ok("prospect", "add", "Pia")
    result = ok("prospect", "cancel", "1")
    assert "[y/N]" not in result.stdout + result.stderr
    assert db("select prospect_status from contacts") == [("cancelled",)]


def test_churn_does_not_prompt_when_stdin_is_not_a_terminal(ok, funnel, db) -> None:
    result = ok("customer", "churn", "3", "--reason", "contract ended")
    assert "[y/N]" not in result.stdout + result.stderr
    assert db("select churned_on from contacts where id = 3") == [("2026-11-23",)]


class TerminalInput(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("answer", ["y\n", "yes\n", "Y\n"])
def test_on_a_terminal_confirm_asks_on_stderr_and_goes_on_after_yes(
    monkeypatch, capsys, answer
) -> None:
    monkeypatch.setattr(sys, "stdin", TerminalInput(answer))
    confirm("Cancel 2 prospect(s) for good?", yes=False)
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "Cancel 2 prospect(s) for good? [y/N]" in captured.err


@pytest.mark.parametrize("answer", ["n\n", "\n", "maybe\n", ""])
def test_on_a_terminal_anything_but_yes_aborts(monkeypatch, capsys, answer) -> None:
    monkeypatch.setattr(sys, "stdin", TerminalInput(answer))
    with pytest.raises(typer.Abort):
        confirm("Mark customer 3 as churned?", yes=False)
    assert "[y/N]" in capsys.readouterr().err


def test_yes_skips_the_question_even_on_a_terminal(monkeypatch, capsys) -> None:
    stdin = TerminalInput("n\n")
    monkeypatch.setattr(sys, "stdin", stdin)
    confirm("Cancel?", yes=True)
    assert capsys.readouterr().err == ""
    assert stdin.read() == "n\n"  # nothing was read


def test_ctrl_c_at_the_question_is_an_interrupt(monkeypatch) -> None:
    class Interrupted(TerminalInput):
        def readline(self, *args: object) -> str:  # type: ignore[override]
            raise KeyboardInterrupt

    monkeypatch.setattr(sys, "stdin", Interrupted())
    with pytest.raises(KeyboardInterrupt):
        confirm("Cancel?", yes=False)


@pytest.mark.slow
def test_a_real_terminal_is_asked_and_no_means_nothing_changes(ok, db) -> None:
    ok("prospect", "add", "Pia")
    main_fd, terminal = pty.openpty()
    process = subprocess.Popen(
        [str(SALESFUNNEL), "prospect", "cancel", "1"],
        stdin=terminal,
        stdout=subprocess.PIPE,
        stderr=terminal,
    )
    os.close(terminal)
    seen = b""
    deadline = time.monotonic() + 30
    while b"[y/N]" not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([main_fd], [], [], 1)
        if ready:
            seen += os.read(main_fd, 1024)
    os.write(main_fd, b"n\n")
    out, _ = process.communicate(timeout=30)
    os.close(main_fd)

    assert b"Cancel #1 Pia for good (never to be contacted)? [y/N]" in seen
    assert process.returncode == 1
    assert out == b""
    assert db("select prospect_status from contacts") == [("open",)]


@pytest.mark.slow
@pytest.mark.parametrize(("debug", "shown"), [("", False), ("1", True)])
def test_what_sqlalchemy_logs_after_ctrl_c_is_not_printed_unless_debugging(debug, shown) -> None:
    """Ctrl-C in a fetch makes SQLAlchemy log "Error closing cursor" with a traceback."""
    script = (
        "import logging, salesfunnel.db.engine\n"
        "try:\n"
        "    raise KeyboardInterrupt\n"
        "except KeyboardInterrupt:\n"
        "    logging.getLogger('sqlalchemy.pool.impl.QueuePool').error("
        "'Error closing cursor', exc_info=True)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "SALESFUNNEL_DEBUG": debug},
    )
    assert done.returncode == 0
    assert ("Error closing cursor" in done.stderr) is shown
    assert ("Traceback" in done.stderr) is shown
