"""`edit CONTACT` / `edit deal ID`: the record as a form in $VISUAL/$EDITOR, saved back as
one undoable command, checked as every command checks; refused whole otherwise."""

from __future__ import annotations

import json
import os
import pty
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import on_server
from salesfunnel.domain.forms import form_text, is_empty, lines_of, read_form
from salesfunnel.errors import BadValue
from test_fast_path import HEAVY, HEAVY_PREFIXES, SCRIPT
from test_undo import listings, state_of


@pytest.fixture
def forms_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where `edit` writes its forms, for the test to see what is left there."""
    where = tmp_path / "forms"
    where.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(where))
    return where


@pytest.fixture
def editor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forms_dir: Path):
    """``editor("s/^Phone:.*/Phone: 0612/", ...)``: EDITOR becomes a script that keeps a
    copy of the form it was given (``seen.txt``), then rewrites it with sed."""

    def make(*edits: str, variable: str = "EDITOR") -> Path:
        script = tmp_path / f"editor-{variable}.sh"
        expressions = " ".join(f"-e {shlex.quote(edit)}" for edit in edits)
        script.write_text(
            "#!/bin/sh\n"
            f'cp "$1" {shlex.quote(str(tmp_path / "seen.txt"))}\n'
            + (f'sed -i {expressions} "$1"\n' if edits else "")
        )
        script.chmod(0o700)
        monkeypatch.delenv("VISUAL", raising=False)
        monkeypatch.setenv(variable, str(script))
        return tmp_path / "seen.txt"

    return make


@pytest.fixture
def ana(ok) -> None:
    """#1 a lead with an email and a tag, deal #1 in qualification; #2 another lead."""
    ok("lead", "add", "Ana Silva", "--email", "ana@x.com", "--tag", "vip", "--company", "Acme")
    ok("lead", "qualify", "1", "--value", "5000")
    ok("lead", "add", "Bruno Costa", "--email", "bruno@x.com", "--phone", "0612 345 678")


def journal(db) -> list[tuple[object, ...]]:
    return db("SELECT command, summary FROM undo_commands ORDER BY id")


# --- a valid edit, and undo ----------------------------------------------------------------


def test_the_form_holds_what_a_user_edits_and_says_how(ana, ok, editor) -> None:
    seen = editor()
    ok("edit", "1")
    text = seen.read_text()
    assert text.startswith("# Editing #1 Ana Silva (lead, qualified).\n")
    assert "# Lines starting with # are left out. Save an empty file to call the edit off.\n" in (
        text
    )
    fields = [line for line in text.splitlines() if line and not line.startswith("#")]
    assert fields == [
        "Name:    Ana Silva",
        "Email:   ana@x.com",
        "Phone:",
        "Company: Acme",
        "Title:",
        "Website:",
        "City:",
        "Country:",
        "Source:",
        "Tags:    vip",
        "Notes:",
        "Starred: no",
    ]


def test_a_contact_edit_is_one_command_that_undo_takes_back(ana, ok, editor, db) -> None:
    before, shown = state_of(db), listings(ok)
    editor(
        "s/^Phone:.*/Phone: +351 912 000 111/",
        "s/^Company:.*/Company: Nova/",
        "s/^Title:.*/Title: CTO/",
        "s/^Tags:.*/Tags: VIP, hot/",
        "s/^Notes:.*/Notes: met at the fair\\n  call back in March/",
        "s/^Starred:.*/Starred: yes/",
    )
    result = ok("edit", "ana@x.com")
    assert result.stdout == ""
    assert result.stderr == (
        "Edited lead #1 Ana Silva: phone, company, title, tags, notes, starred.\n"
    )
    assert db(
        "SELECT c.phone, c.phone_key, co.name, c.title, c.notes, c.starred FROM contacts c "
        "JOIN companies co ON co.id = c.company_id WHERE c.id = 1"
    ) == [
        (
            "+351 912 000 111",
            "351912000111",
            "Nova",
            "CTO",
            "met at the fair\ncall back in March",
            1,
        )
    ]
    assert db("SELECT tag FROM contact_tags WHERE contact_id = 1 ORDER BY tag") == [
        ("hot",),
        ("vip",),
    ]
    assert ok("search", "nova").stdout.count("Ana Silva") >= 1  # the search index follows
    assert journal(db)[-1] == (
        "edit ana@x.com",
        "Edited lead #1 Ana Silva: phone, company, title, tags, notes, starred.",
    )

    undone = ok("undo", "--yes")
    assert undone.stderr.startswith("Undid `edit ana@x.com`: ")
    assert "Ana Silva (#1) company, notes, phone, starred, title put back" in undone.stderr
    assert "tag hot taken off Ana Silva (#1)" in undone.stderr
    assert "company Nova removed" in undone.stderr
    assert state_of(db) == before
    assert listings(ok) == shown


def test_visual_comes_before_editor_and_an_editor_takes_arguments(
    ana, ok, editor, monkeypatch, db
) -> None:
    editor("s/^Title:.*/Title: never/")  # EDITOR: not used while VISUAL is set
    monkeypatch.setenv("VISUAL", "sed -i -e 's/^Title:.*/Title: Head of sales/'")
    ok("edit", "1")
    assert db("SELECT title FROM contacts WHERE id = 1") == [("Head of sales",)]


def test_an_email_changed_is_checked_and_its_key_follows(ana, ok, editor, db) -> None:
    editor("s/^Email:.*/Email: Ana.Silva@Nova.example/")
    ok("edit", "1")
    assert db("SELECT email, email_key, email_flagged FROM contacts WHERE id = 1") == [
        ("Ana.Silva@Nova.example", "ana.silva@nova.example", 0)
    ]
    assert "Ana Silva" in ok("show", "ana.silva@nova.example").stdout


# --- nothing to write ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "edits",
    [
        (),  # saved as it was
        ("s/^Tags:.*/Tags:   VIP ,  vip/", "s/^Name: *Ana Silva$/Name:Ana Silva   /"),
        ("/^Title:/d", "/^Notes:/d"),  # a field left out stays as it is
    ],
    ids=["as-it-was", "same-once-read", "fields-left-out"],
)
def test_a_form_saved_unchanged_writes_nothing(ana, ok, editor, db, forms_dir, edits):
    before, journaled = state_of(db), journal(db)
    editor(*edits)
    result = ok("edit", "1")
    assert result.stderr == "Nothing changed: lead #1 Ana Silva is as it was.\n"
    assert state_of(db) == before
    assert journal(db) == journaled
    assert list(forms_dir.iterdir()) == []  # the form's file is gone


def test_an_empty_file_calls_the_edit_off(ana, run, editor, db, forms_dir) -> None:
    before, journaled = state_of(db), journal(db)
    editor("/^[^#]/d")  # only the comments left
    result = run("edit", "deal", "1")
    assert result.exit_code == 1
    assert result.stderr == "Error: the form was empty: edit called off, nothing changed\n"
    assert state_of(db) == before and journal(db) == journaled
    assert list(forms_dir.iterdir()) == []


def test_an_editor_that_fails_changes_nothing(ana, run, monkeypatch, db, forms_dir) -> None:
    before = state_of(db)
    monkeypatch.setenv("EDITOR", 'sed -i s/^Name:.*/Name:Zed/ "$1" && false')
    result = run("edit", "1")
    assert result.exit_code == 1
    assert "exited with status 1: edit called off, nothing changed" in result.stderr
    assert state_of(db) == before
    assert list(forms_dir.iterdir()) == []


# --- refusals ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("record", "edits", "error"),
    [
        ("1", ["s/^Email:.*/Email: ana at x/"], "Email: 'ana at x' is not an email address"),
        ("1", ["s/^Email:.*/Email: BRUNO@x.com/"], "Email: email BRUNO@x.com already belongs"),
        ("1", ["s/^Phone:.*/Phone: 0612-345-678/"], "Phone: phone 0612-345-678 already belongs"),
        ("1", ["s/^Name:.*/Name:/"], "Name: a contact needs a name"),
        ("1", ["s/^Starred:.*/Starred: maybe/"], "Starred: 'maybe' is not yes or no"),
        ("1", ["s/^City:.*/Stage: won/"], "line 14: no field 'Stage'; the fields are: Name,"),
        ("1", ["s/^City:.*/City: Porto\\nCity: Lisbon/"], "line 15: City is given twice"),
        ("1", ["s/^City:.*/Porto/"], "line 14: 'Porto' is not `Field: value`"),
        ("deal 1", ["s/^Value:.*/Value: lots/"], "Value: 'lots' is not an amount"),
        ("deal 1", ["s/^Value:.*/Value: -5/"], "Value: value can't be negative: -5"),
        ("deal 1", ["s/^Currency:.*/Currency: euros/"], "Currency: 'euros' is not a three-"),
        ("deal 1", ["s/^Stage:.*/Stage: won/"], "Stage: unknown stage 'won'; the stages are:"),
        ("deal 1", ["s/^Probability:.*/Probability: 100/"], "Probability: probability 100 is"),
        ("deal 1", ["s/^Close:.*/Close: someday/"], "Close: "),
        ("deal 1", ["s/^Title:.*/Title:/"], "Title: a deal needs a title"),
        ("1", ["s/^City:.*/City: S\\xe3o Paulo/"], "the form was saved in another encoding"),
    ],
)
def test_an_invalid_form_off_a_terminal_is_refused_and_changes_nothing(
    ana, run, editor, db, forms_dir, record, edits, error
) -> None:
    before, journaled = state_of(db), journal(db)
    editor(*edits)
    result = run("edit", *record.split())
    assert result.exit_code == 1, result.stderr
    assert result.stderr.startswith(f"Error: {error}"), result.stderr
    assert result.stderr.count("\n") == 1  # one line
    assert state_of(db) == before and journal(db) == journaled
    (kept,) = forms_dir.iterdir()  # what was typed is kept, and named
    assert f"(nothing changed; the form is kept in {kept})" in result.stderr
    assert kept.stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (("99",), "Error: no contact with id or email 99\n"),
        (("nobody@x.com",), "Error: no contact with id or email nobody@x.com\n"),
        (("deal", "99"), "Error: no deal with id 99\n"),
    ],
)
def test_an_unknown_record_is_refused_before_any_editor_runs(
    ana, run, editor, args, error, forms_dir
) -> None:
    seen = editor("s/^Name:.*/Name: Zed/")
    result = run("edit", *args)
    assert (result.exit_code, result.stderr) == (1, error)
    assert not seen.exists()
    assert list(forms_dir.iterdir()) == []


@pytest.mark.parametrize(
    ("args", "error"),
    [(("deal",), "name the deal: edit deal ID"), (("1", "2"), "edit takes one contact")],
)
def test_edit_usage_errors(ana, run, editor, args, error) -> None:
    editor()
    result = run("edit", *args)
    assert result.exit_code == 2
    assert error in result.stderr


def test_no_editor_and_no_terminal_is_refused_in_one_line(ana, run, monkeypatch) -> None:
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    result = run("edit", "1")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: edit needs an editor: set VISUAL or EDITOR (no terminal for vi)\n"
    )


# --- deals: the stage moves as `deal move` moves it ---------------------------------------


def test_a_deal_edit_moves_its_stage_as_deal_move_does(ana, ok, editor, db) -> None:
    editor(
        "s/^Stage:.*/Stage: Proposal/",
        "s/^Value:.*/Value: 7.500,50/",
        "s/^Close:.*/Close: eom/",
        "s/^Title:.*/Title: Acme renewal/",
    )
    result = ok("edit", "deal", "1")
    assert result.stderr == "Edited deal #1 Acme: title, value, stage, probability, close.\n"
    assert db(
        "SELECT title, value, stage, probability, probability_manual, expected_close "
        "FROM deals WHERE id = 1"
    ) == [("Acme renewal", 7500.5, "proposal", 50, 0, "2026-11-30")]
    assert db(
        "SELECT action, from_state, to_state FROM lifecycle_events WHERE deal_id = 1 "
        "ORDER BY id DESC LIMIT 1"
    ) == [("move", "qualification", "proposal")]
    assert ok("undo", "--yes").stderr == (
        "Undid `edit deal 1`: deal #1 Acme renewal back to qualification (10%), "
        "value back to 5,000.00 USD, expected close, title put back.\n"
    )
    assert db("SELECT title, stage, probability FROM deals WHERE id = 1") == [
        ("Acme", "qualification", 10)
    ]


def test_a_probability_typed_sticks_and_an_empty_one_follows_the_stage(ana, ok, editor, db) -> None:
    editor("s/^Probability:.*/Probability: 30/")
    ok("edit", "deal", "1")
    editor("s/^Stage:.*/Stage: negotiation/")
    ok("edit", "deal", "1")
    assert db("SELECT stage, probability, probability_manual FROM deals") == [
        ("negotiation", 30, 1)
    ]
    editor("s/^Probability:.*/Probability:/")
    ok("edit", "deal", "1")
    assert db("SELECT stage, probability, probability_manual FROM deals") == [
        ("negotiation", 75, 0)
    ]


def test_a_closed_deal_keeps_its_stage_value_and_probability(ana, ok, run, editor, db) -> None:
    ok("deal", "win", "1")
    before = state_of(db)
    for edit, error in [
        ("s/^Stage:.*/Stage: proposal/", "Error: can't move deal #1: it was won"),
        ("s/^Value:.*/Value: 1/", "Error: deal #1 Acme was won: its value is that of"),
        ("s/^Probability:.*/Probability: 50/", "Error: deal #1 Acme is won: its prob"),
    ]:
        editor(edit)
        result = run("edit", "deal", "1")
        assert result.exit_code == 1
        assert result.stderr.startswith(error), result.stderr
    assert state_of(db) == before
    editor("s/^Title:.*/Title: Acme 2027/")
    ok("edit", "deal", "1")
    assert db("SELECT title, status FROM deals") == [("Acme 2027", "won")]


# --- a change meanwhile --------------------------------------------------------------------


def test_a_record_changed_while_its_form_was_open_is_not_written_over(
    ana, run, tmp_path, monkeypatch, db, db_path, db_url, forms_dir
) -> None:
    connect = (  # another program changes the record meanwhile, on either database
        f"import psycopg\ndb = psycopg.connect({db_url!r})\n"
        if on_server()
        else f"import sqlite3\ndb = sqlite3.connect({str(db_path)!r})\n"
    )
    script = tmp_path / "editor.py"
    script.write_text(
        "import sys\n"
        "path = sys.argv[1]\n"
        "text = open(path).read().replace('Title:', 'Title: CEO', 1)\n"
        "open(path, 'w').write(text)\n"
        + connect
        + "db.execute(\"UPDATE contacts SET phone = '0700 111 222' WHERE id = 1\")\n"
        "db.commit()\n"
    )
    monkeypatch.setenv("EDITOR", f"{shlex.quote(sys.executable)} {shlex.quote(str(script))}")
    monkeypatch.delenv("VISUAL", raising=False)
    journaled = journal(db)
    result = run("edit", "1")
    assert result.exit_code == 1
    (kept,) = forms_dir.iterdir()
    assert result.stderr == (
        "Error: lead #1 Ana Silva changed while its form was open (Phone): nothing changed; "
        f"what you typed is kept in {kept}\n"
    )
    assert "Title: CEO" in kept.read_text()
    assert db("SELECT phone, title FROM contacts WHERE id = 1") == [("0700 111 222", None)]
    assert journal(db) == journaled


@pytest.mark.slow  # the editor runs salesfunnel in a process of its own
def test_a_deal_won_while_its_form_was_open_is_not_written_over(
    ana, run, tmp_path, monkeypatch, db, forms_dir
) -> None:
    script = tmp_path / "editor.sh"
    script.write_text(
        "#!/bin/sh\n"
        "sed -i 's/^Title:.*/Title: Renewal/' \"$1\"\n"
        f"{shlex.quote(str(Path(sys.executable).parent / 'salesfunnel'))} deal win 1 2>/dev/null\n"
    )
    script.chmod(0o700)
    monkeypatch.setenv("EDITOR", str(script))
    result = run("edit", "deal", "1")
    assert result.exit_code == 1
    assert "deal #1 Acme changed while its form was open (Probability, now won)" in result.stderr
    assert db("SELECT title, status FROM deals") == [("Acme", "won")]


# --- the form itself -----------------------------------------------------------------------

labels = st.sampled_from(["Name", "Email", "Notes", "Close"])
values = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)


def normal(value: str) -> str:
    """A value as the form gives it back: each line trimmed, blank lines at the ends gone."""
    return "\n".join(line.strip() for line in lines_of(value)).strip()


@given(st.dictionaries(labels, values, min_size=1))
def test_a_form_reads_back_what_it_shows(fields: dict[str, str]) -> None:
    text = form_text(["Editing #1", "# not a field: Name: x"], list(fields.items()))
    assert read_form(text, ["Name", "Email", "Notes", "Close"]) == {
        label: normal(value) for label, value in fields.items()
    }
    assert not is_empty(text)


@given(st.text(max_size=200))
def test_any_text_reads_as_a_form_or_is_refused_with_a_reason(text: str) -> None:
    try:
        read = read_form(text, ["Name", "Notes"])
    except BadValue as error:
        assert str(error).startswith("line ")
    else:
        assert set(read) <= {"Name", "Notes"}


def test_comments_and_blank_lines_alone_are_an_empty_form() -> None:
    assert is_empty("# Editing\n\n#Name: Ana\n   \n")
    assert not is_empty("# Editing\nName:\n")
    assert read_form("Notes: a\n\n  b\n# c\n  #d\n\nName: x\n", ["Name", "Notes"]) == {
        "Notes": "a\n\nb\n#d",
        "Name": "x",
    }


# --- on a terminal, a form with a mistake opens again ---------------------------------------


@pytest.mark.slow  # a real process on a pseudo-terminal
def test_on_a_terminal_an_invalid_form_opens_again_with_the_reason_on_top(
    ana, tmp_path, monkeypatch, db, forms_dir, read_terminal
) -> None:
    """The first save has a bad value; the editor is run again on the form as saved, with
    the reason on top, and the second save (fixed) is written."""
    second = tmp_path / "second.txt"
    script = tmp_path / "editor.sh"
    script.write_text(
        "#!/bin/sh\n"
        f"if [ -e {shlex.quote(str(tmp_path / 'once'))} ]; then\n"
        f'  cp "$1" {shlex.quote(str(second))}\n'
        "  sed -i 's/^Value:.*/Value: 6000/' \"$1\"\n"
        "else\n"
        f"  touch {shlex.quote(str(tmp_path / 'once'))}\n"
        "  sed -i -e 's/^Value:.*/Value: plenty/' -e 's/^Title:.*/Title: Acme 2027/' \"$1\"\n"
        "fi\n"
    )
    script.chmod(0o700)
    monkeypatch.setenv("EDITOR", str(script))
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("TMPDIR", str(forms_dir))
    main, secondary = pty.openpty()
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "salesfunnel"), "edit", "deal", "1"],
        stdin=secondary,
        stdout=secondary,
        stderr=secondary,
        env=dict(os.environ),
    )
    os.close(secondary)
    shown = read_terminal(main).decode()
    assert process.wait(timeout=30) == 0, shown
    reopened = second.read_text()
    assert reopened.startswith(
        "# Error: Value: 'plenty' is not an amount (e.g. 1200, 1,200.50 or 1.200,50)\n"
    )
    assert "# Editing deal #1 Acme, of #1 Ana Silva (open).\n" in reopened
    assert reopened.endswith(
        "\n\nTitle: Acme 2027\nValue: plenty\n" + "Currency:    USD\n"
        "Stage:       qualification\nProbability: 10\nClose:\n"
    )  # what was typed is kept
    assert "Edited deal #1 Acme: title, value." in shown
    assert db("SELECT title, value FROM deals WHERE id = 1") == [("Acme 2027", 6000.0)]
    assert list(forms_dir.iterdir()) == []


@pytest.mark.slow  # a process of its own, to see what it imports
def test_edit_imports_no_orm_no_tables_and_no_rich(ana, tmp_path, editor) -> None:
    editor("s/^Title:.*/Title: CTO/")
    modules_file = tmp_path / "modules.json"
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, "edit", "1"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "MODULES_FILE": str(modules_file)},
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == "Edited lead #1 Ana Silva: title.\n"
    modules = set(json.loads(modules_file.read_text()))
    heavy = sorted(m for m in modules if m in HEAVY or m.startswith(HEAVY_PREFIXES))
    assert heavy == []
