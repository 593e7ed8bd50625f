"""Data never drives the terminal: control characters and escape codes from names, notes,
file names and arguments are shown visibly (``\\x1b``), on a terminal, in plain text and in
messages; ``--json`` and exports keep them exact."""

from __future__ import annotations

import csv
import io
import json
import os
import pty
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import on_server
from salesfunnel.render import columns
from salesfunnel.render.output import Output, visible
from salesfunnel.schemas import LeadPublic

SALESFUNNEL = Path(sys.executable).with_name("salesfunnel")
# What a hostile name may carry: clear the screen, ring the bell, go back to the start of
# the line and overwrite, a C1 control (CSI), a right-to-left override, a line break.
NASTY = "Eve\x1b[2J\x07\rMallory\x9b31m\u202eevil\nforged line\x00end"
if on_server():  # PostgreSQL's text holds no NUL: refused in one line (test below)
    NASTY = NASTY.replace("\x00", "")
SGR = re.compile(r"\x1b\[[0-9;]*m")  # the styles Rich itself writes on a terminal


def unsafe_characters(text: str) -> list[str]:
    """What must never reach a terminal raw: any control but the line breaks of the layout."""
    return [
        c
        for c in text
        if (ord(c) < 0x20 and c != "\n")
        or 0x7F <= ord(c) <= 0x9F
        or c in "\u061c\u200e\u200f\u2028\u2029"
        or 0x202A <= ord(c) <= 0x202E
        or 0x2066 <= ord(c) <= 0x2069
        or 0xD800 <= ord(c) <= 0xDFFF
    ]


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def terminal_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setenv("COLUMNS", "200")
    for name in ("NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE"):
        monkeypatch.delenv(name, raising=False)


def a_lead(name: str, company: str | None = None) -> LeadPublic:
    return LeadPublic(
        id=1,
        name=name,
        email=None,
        phone=None,
        company=company,
        title=None,
        status="new",
        level=None,
        source=None,
        channel="inbound",
        tags=[name],
        starred=True,
        stage="lead",
        created_at=datetime(2026, 11, 23, 9, tzinfo=UTC),
        owner=name,
    )


# --- the rule ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("Ana", "Ana"),
        ("Zoë Ñúñez Иван 李 🙂", "Zoë Ñúñez Иван 李 🙂"),  # letters of every script stay
        ("a\x1b[2Jb", "a\\x1b[2Jb"),
        ("bell\x07", "bell\\x07"),
        ("over\rwrite", "over\\rwrite"),
        ("two\nlines", "two\\nlines"),
        ("tab\there", "tab\\there"),
        ("del\x7f", "del\\x7f"),
        ("csi\x9b1m", "csi\\x9b1m"),
        ("\u202eevil", "\\u202eevil"),
        ("iso\u2066late\u2069", "iso\\u2066late\\u2069"),
        ("para\u2029graph", "para\\u2029graph"),
        ("not utf-8 \udcff", "not utf-8 \\xff"),  # a byte of an argument or a file name
        ("back\\slash", "back\\slash"),  # left alone, so showing twice changes nothing
    ],
)
def test_visible_shows_control_characters_instead_of_obeying_them(raw, shown) -> None:
    assert visible(raw) == shown
    assert visible(visible(raw)) == shown
    assert not unsafe_characters(visible(raw))


# --- every way out ------------------------------------------------------------------------


def test_typed_data_is_shown_visibly_in_every_view_and_message(ok, run) -> None:
    added = ok("lead", "add", NASTY, "--company", NASTY, "--tag", "x\x1b[31m", "--source", NASTY)
    assert "Added lead #1 Eve\\x1b[2J\\x07\\rMallory" in added.stderr
    ok("deal", "open", "1", "--title", NASTY, "--value", "100")
    ok("next", "1", "call", NASTY, "--due", "today")
    ok("log", "1", "note", NASTY)
    outputs = [
        added,
        ok("lead", "list"),
        ok("lead", "show", "1"),
        ok("deal", "list"),
        ok("deal", "show", "1"),
        ok("pipeline"),
        ok("todo"),
        ok("todo", "--explain"),
        ok("digest"),
        ok("digest", "--format", "markdown"),
        ok("search", "Eve"),
        ok("report", "sources"),
        ok("report", "forecast"),
        ok("source", "list"),
        ok("deal", "lose", "1", "--reason", NASTY),
        ok("lead", "disqualify", "1", "--reason", NASTY),
        run("lead", "show", NASTY),  # refused: the error line quotes it
        run("deal", "move", "1", NASTY),
    ]
    for result in outputs:
        assert not unsafe_characters(result.stdout), result.stdout
        assert not unsafe_characters(result.stderr), result.stderr
        assert "Traceback" not in result.stderr
    assert ok("digest").stdout.count("\n- ") == 0  # no line forged by the step's text
    for line in ok("lead", "list").stdout.splitlines()[1:]:
        assert "Eve" in line  # the line break in the company did not make a row of its own


def test_json_and_exports_keep_the_data_exact(ok, tmp_path) -> None:
    ok("lead", "add", NASTY, "--company", NASTY)
    ok("next", "1", "call", NASTY, "--due", "today")

    assert json.loads(ok("lead", "show", "1", "--json").stdout)["name"] == NASTY.strip()
    assert json.loads(ok("todo", "--json").stdout)["sections"][1]["items"][0]["text"] == NASTY
    exported = json.loads(ok("export", "contacts", "--format", "json").stdout)
    assert exported[0]["name"] == NASTY.strip() and exported[0]["company"] == NASTY
    rows = list(csv.reader(io.StringIO(ok("export", "contacts").stdout, newline="")))
    assert rows[1][0] == NASTY.strip()


def test_data_from_a_csv_file_is_shown_visibly(ok, tmp_path) -> None:
    path = tmp_path / "list\x1b[2J.csv"
    nasty = NASTY.replace("\x00", "")  # a NUL byte makes a binary file, refused as such
    others = "".join(f"Person {i},p{i}@example.com,some notes,a value\n" for i in range(40))
    path.write_text(  # controls in a few cells, among ordinary rows, as in a real list
        f'name,email,notes,Favourite\n"{nasty}",eve@example.com,"{nasty}","{nasty}"\n{others}',
        encoding="utf-8",
    )
    imported = ok("prospect", "import", str(path))
    results = [
        imported,
        ok("prospect", "import", str(path), "--dry-run"),
        ok("prospect", "list"),
        ok("prospect", "lists"),
        ok("prospect", "convert", "1"),
        ok("lead", "show", "1"),  # its extra field too, key and value
    ]
    for result in results:
        assert not unsafe_characters(result.stdout), result.stdout
        assert not unsafe_characters(result.stderr), result.stderr
    assert "list\\x1b[2J" in imported.stderr


def test_a_header_from_the_data_is_shown_visibly(ok, tmp_path) -> None:
    path = tmp_path / "odd.csv"
    path.write_text('name,"Evil\x1b[31m\rkey"\nAna,value\x07\n', encoding="utf-8")
    ok("prospect", "import", str(path), "--as-leads")
    shown = ok("lead", "show", "1").stdout
    assert not unsafe_characters(shown)
    assert "Evil\\x1b[31m\\rkey" in shown and "value\\x07" in shown


def test_a_nul_character_is_kept_on_sqlite_and_refused_in_one_line_on_a_server(run) -> None:
    result = run("lead", "add", "Eve\x00end")
    if on_server():
        assert result.exit_code == 1
        assert result.stderr == (
            "Error: text with a NUL character (\\x00) can't be stored in a PostgreSQL database\n"
        )
        assert run("lead", "list", "--json").stdout == "[]\n"
    else:
        assert result.exit_code == 0
        assert run("lead", "list", "--json").stdout.count("Eve\\u0000end") == 1


# --- the property -------------------------------------------------------------------------

NAMES = st.text(min_size=1, max_size=40).filter(
    lambda name: name.strip() != "" and not (on_server() and "\x00" in name)
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=NAMES)
def test_any_name_is_listed_without_control_characters_and_round_trips_in_json(
    ok, name, terminal_env
) -> None:
    added = ok("lead", "add", "--json", "--", name)  # a name may start with a dash
    lead_id = json.loads(added.stdout)["id"]

    shown = json.loads(ok("lead", "show", str(lead_id), "--json").stdout)
    assert shown["name"] == name.strip()  # exact, whatever it holds
    for result in (ok("lead", "list", "--limit", "1"), ok("lead", "show", str(lead_id))):
        assert not unsafe_characters(result.stdout + result.stderr), result.stdout
    # On a terminal: Rich's own styles are the only escape codes.
    stream = Terminal()
    Output(stdout=stream).table([a_lead(name, name)], columns.LEAD, title=name)
    Output(stdout=stream).record(name, [(name, name)])
    assert not unsafe_characters(SGR.sub("", stream.getvalue())), stream.getvalue()


# --- a real terminal ----------------------------------------------------------------------


@pytest.mark.slow
def test_on_a_real_terminal_the_data_is_shown_not_obeyed(ok, read_terminal) -> None:
    ok("lead", "add", NASTY, "--star", "--company", "[bold]markup[/bold]")
    main, secondary = pty.openpty()
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "200"}
    env.pop("NO_COLOR", None)
    process = subprocess.Popen(
        [str(SALESFUNNEL), "lead", "list"], stdout=secondary, stderr=secondary, env=env
    )
    os.close(secondary)
    shown = read_terminal(main).decode()
    process.wait(timeout=60)

    assert process.returncode == 0
    assert SGR.search(shown)  # styled: it did run as on a terminal
    assert not unsafe_characters(SGR.sub("", shown).replace("\r\n", "\n")), shown
    assert "Eve\\x1b[2J\\x07\\rMallory" in shown
    assert "[bold]markup[/bold]" in shown  # Rich markup in the data is text, not style
