"""Output: Rich tables on a terminal, plain full-width text in pipes, data and messages apart."""

from __future__ import annotations

import io
import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from salesfunnel.domain.owners import login_name
from salesfunnel.render import columns
from salesfunnel.render.output import Column, Output
from salesfunnel.schemas import LeadPublic

SALESFUNNEL = Path(sys.executable).with_name("salesfunnel")
LONG_COMPANY = "Companhia Atlântica de Navegação, Comércio e Indústria " * 3  # ~160 chars
LONG_COMPANY = LONG_COMPANY.strip()[:150]


class Terminal(io.StringIO):
    """A stream that says it is a terminal, as a real tty would."""

    def isatty(self) -> bool:
        return True


@pytest.fixture
def terminal_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """A colour terminal, whatever the shell running the tests says."""
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setenv("COLUMNS", "120")
    for name in ("NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE"):
        monkeypatch.delenv(name, raising=False)


def lead(name: str, *, starred: bool = False, company: str | None = None) -> LeadPublic:
    from datetime import UTC, datetime

    return LeadPublic(
        id=1 if starred else 2,
        name=name,
        email=None,
        phone=None,
        company=company,
        title=None,
        status="new",
        level=None,
        source="webinar",
        channel="inbound",
        tags=["vip"] if starred else [],
        starred=starred,
        stage="lead",
        created_at=datetime(2026, 11, 23, 9, tzinfo=UTC),
        owner="ana",
    )


# --- in a pipe: plain, whole, unstyled --------------------------------------------------


def test_piped_listing_is_plain_whole_and_one_line_per_row(ok) -> None:
    ok("lead", "add", "Ana Long", "--company", LONG_COMPANY, "--email", "ana@example.com")
    ok("lead", "add", "Bo Star", "--star")

    out = ok("lead", "list").stdout

    assert "\x1b" not in out
    lines = out.splitlines()
    assert len(lines) == 3  # header + two leads
    ana = next(line for line in lines if "Ana Long" in line)
    assert LONG_COMPANY in ana and "ana@example.com" in ana
    assert len(ana) > 150  # not squeezed to 80 columns
    assert "…" not in out and "..." not in out


def test_starred_leads_are_marked_with_a_star_in_plain_text(ok) -> None:
    ok("lead", "add", "Ana Plain")
    ok("lead", "add", "Bo Star", "--star")

    lines = ok("lead", "list").stdout.splitlines()

    star_line = next(line for line in lines if "Bo Star" in line)
    plain_line = next(line for line in lines if "Ana Plain" in line)
    assert columns.STAR in star_line.split()
    assert columns.STAR not in plain_line.split()
    assert lines[1] == star_line  # starred first


def test_every_view_is_plain_in_a_pipe(ok) -> None:
    ok("prospect", "add", "Pia", "--list", "fair")
    ok("lead", "add", "Ana", "--company", LONG_COMPANY, "--star")
    ok("deal", "open", "2", "--value", "1200")
    ok("deal", "open", "2", "--value", "900", "--stage", "proposal")
    ok("deal", "win", "1")
    for command in [
        ("prospect", "list"),
        ("prospect", "lists"),
        ("lead", "show", "2"),
        ("deal", "list"),
        ("deal", "list", "--status", "won"),
        ("deal", "show", "1"),
        ("pipeline",),
        ("customer", "list"),
        ("customer", "status", "2"),
        ("config", "list"),
    ]:
        out = ok(*command).stdout
        assert out.strip(), command
        assert "\x1b" not in out, command
        assert "…" not in out, command


@pytest.mark.parametrize(("variable", "value"), [("NO_COLOR", "1"), ("TERM", "dumb")])
def test_no_color_or_a_dumb_terminal_means_plain_even_on_a_terminal(
    terminal_env, monkeypatch, variable, value
) -> None:
    monkeypatch.setenv(variable, value)
    stream = Terminal()
    output = Output(stdout=stream)

    output.table([lead("Bo Star", starred=True)], columns.LEAD, highlight=lambda r: r.starred)
    output.record("#1 Bo", [("status", "new")])
    output.heading("History")

    assert output.plain
    assert "\x1b" not in stream.getvalue()
    assert "Bo Star" in stream.getvalue()


def test_plain_is_chosen_when_stdout_is_not_a_terminal(terminal_env) -> None:
    assert Output(stdout=io.StringIO()).plain
    assert not Output(stdout=Terminal()).plain


# --- on a terminal: Rich ----------------------------------------------------------------


def test_a_terminal_gets_a_rich_table_with_starred_rows_highlighted(terminal_env) -> None:
    stream = Terminal()
    output = Output(stdout=stream)
    rows = [lead("Bo Star", starred=True), lead("Ana Plain")]

    output.table(rows, columns.LEAD, highlight=lambda r: r.starred)

    text = stream.getvalue()
    assert "\x1b[" in text
    assert "━" in text or "─" in text  # a drawn table, not aligned text
    star_line = next(line for line in text.splitlines() if "Bo Star" in line)
    plain_line = next(line for line in text.splitlines() if "Ana Plain" in line)
    bold_yellow = "\x1b[1;33m"
    assert bold_yellow in star_line
    assert bold_yellow not in plain_line


@pytest.mark.parametrize("name", ["Bob [/]", "[bold]Ana", "Acme [Ltd]", "x[/red]"])
def test_brackets_in_data_are_shown_as_typed_on_a_terminal(terminal_env, name) -> None:
    stream = Terminal()
    output = Output(stdout=stream)

    output.table([lead(name)], columns.LEAD)
    output.record(f"#2 {name}", [("company", name)])

    text = stream.getvalue()
    assert text.count(name) == 3  # in the table, the title and the field: data, not markup


@pytest.mark.slow
def test_a_real_terminal_gets_rich_output(ok, terminal_env, read_terminal) -> None:
    ok("lead", "add", "Ana Term", "--star")
    main, secondary = pty.openpty()
    process = subprocess.Popen(
        [str(SALESFUNNEL), "lead", "list"],
        stdout=secondary,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ),
    )
    os.close(secondary)
    shown = read_terminal(main)
    _, errors = process.communicate(timeout=30)
    assert process.returncode == 0, errors
    text = shown.decode()
    assert "Ana Term" in text
    assert "\x1b[" in text
    assert "━" in text or "─" in text


# --- data on stdout, messages on stderr --------------------------------------------------


@pytest.mark.parametrize(
    ("command", "message"),
    [
        (("lead", "add", "Ana"), "Added lead #1 Ana."),
        (("prospect", "add", "Pia"), "Added prospect #1 Pia"),
        (("config", "set", "currency.default", "eur"), "currency.default = EUR"),
    ],
)
def test_a_write_confirms_on_stderr_and_leaves_stdout_empty(ok, command, message) -> None:
    result = ok(*command)
    assert result.stdout == ""
    assert message in result.stderr


def test_more_rows_than_shown_are_counted_on_stderr_not_in_the_json(ok) -> None:
    for name in ("Ana", "Bo", "Cy"):
        ok("lead", "add", name)

    result = ok("lead", "list", "--json", "--limit", "2")

    assert [item["name"] for item in json.loads(result.stdout)] == ["Cy", "Bo"]
    assert "Showing 2 of 3 leads" in result.stderr


def test_a_listing_shows_fifty_rows_by_default(empty_db, ok, db) -> None:
    rows = ", ".join(
        "('lead', ?, 'new', false, false, '2026-11-01 09:00:00.000000', ?)" for _ in range(51)
    )
    db(
        "insert into contacts "
        "(stage, name, lead_status, email_flagged, starred, created_at, owner) "
        f"values {rows}",
        tuple(value for n in range(51) for value in (f"Lead {n:02}", login_name())),
    )

    as_json = ok("lead", "list", "--json")
    as_text = ok("lead", "list")
    everything = ok("lead", "list", "--json", "--all")

    assert len(json.loads(as_json.stdout)) == 50
    assert len(as_text.stdout.splitlines()) == 51  # header + 50
    assert "Showing 50 of 51 leads" in as_json.stderr
    assert "Showing 50 of 51 leads" in as_text.stderr
    assert len(json.loads(everything.stdout)) == 51
    assert "Showing" not in everything.stderr


LISTINGS = [
    ("prospect", "list"),
    ("prospect", "lists"),
    ("lead", "list"),
    ("deal", "list"),
    ("deal", "list", "--status", "won"),
    ("customer", "list"),
    ("pipeline",),
]


@pytest.mark.parametrize("command", LISTINGS[:-1])
def test_an_empty_listing_is_an_empty_json_array_and_exit_0(empty_db, ok, command) -> None:
    result = ok(*command, "--json")
    assert json.loads(result.stdout) == []
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize("command", LISTINGS[:-1])
def test_an_empty_listing_in_text_says_so_on_stderr_only(empty_db, ok, command) -> None:
    result = ok(*command)
    assert result.stdout == ""
    assert result.stderr.strip()


def test_config_list_is_never_empty(empty_db, ok) -> None:
    settings = json.loads(ok("config", "list", "--json").stdout)
    assert "currency.default" in {s["key"] for s in settings}


def test_an_empty_pipeline_still_lists_its_stages(empty_db, ok) -> None:
    stages = json.loads(ok("pipeline", "--json").stdout)
    assert [s["count"] for s in stages] == [0] * len(stages)
    assert stages


# --- the pieces -------------------------------------------------------------------------


def test_plain_columns_align_numbers_right_and_text_left() -> None:
    stream = io.StringIO()
    output = Output(stdout=stream)
    cols = [Column("name", lambda r: r[0]), Column("value", lambda r: r[1], numeric=True)]

    output.table([("Ana", 5.0), ("Bartholomew", 1200.5)], cols)

    assert stream.getvalue().splitlines() == [
        "name            value",
        "Ana              5.00",
        "Bartholomew  1,200.50",
    ]


def test_a_value_with_line_breaks_stays_on_one_line() -> None:
    stream = io.StringIO()
    Output(stdout=stream).table([("two\nlines",)], [Column("note", lambda r: r[0])])
    assert stream.getvalue().splitlines() == ["note", "two\\nlines"]  # shown, not obeyed


def test_messages_go_to_stderr() -> None:
    out, err = io.StringIO(), io.StringIO()
    Output(stdout=out, stderr=err).message("Saved.")
    assert (out.getvalue(), err.getvalue()) == ("", "Saved.\n")
