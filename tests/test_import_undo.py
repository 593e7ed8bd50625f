"""`prospect undo-import LIST`: a whole import taken back as one unit; what moved on stays."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

SALESFUNNEL = Path(sys.executable).with_name("salesfunnel")

FAIR = (
    "name,email,company\n"
    "Ana,ana@x.example,Acme\n"
    "Bia,bia@x.example,Acme\n"
    "Cid,cid@x.example,Brava\n"
    "Dan,dan@x.example,Cota\n"
    "Eva,eva@x.example,\n"
)


def imported(tmp_path: Path, ok, text: str = FAIR, *args: str) -> None:
    path = tmp_path / "fair.csv"
    path.write_text(text, encoding="utf-8")
    ok("prospect", "import", str(path), *args)


def test_undo_removes_an_untouched_import_and_its_list(tmp_path, ok, db) -> None:
    ok("prospect", "add", "Hand", "--email", "hand@x.example", "--company", "Acme")
    imported(tmp_path, ok)
    result = ok("prospect", "undo-import", "fair")
    assert result.stderr == (
        "Removed 5 contact(s) that import #1 added to list 'fair'.\n"
        "List 'fair' is empty now, so it is gone too.\n"
    )
    assert db("select name from contacts") == [("Hand",)]
    assert db("select name from prospect_lists") == [("manual",)]
    assert db("select name from companies") == [("Acme",)]  # still named by Hand
    assert db("select count(*) from import_batches") == [(0,)]
    assert db("select count(*) from lifecycle_events where contact_id > 1") == [(0,)]
    assert found(ok, "ana") == (0, 0)


def test_contacts_that_moved_on_stay_and_the_command_says_why(tmp_path, run, ok, db) -> None:
    imported(tmp_path, ok)
    ok("prospect", "convert", "1")
    ok("prospect", "cancel", "2", "--reason", "not interested")
    ok("log", "3", "call", "Left a message")
    result = ok("prospect", "undo-import", "fair", "--json")
    undo = json.loads(result.stdout)
    assert undo == {
        "list": "fair",
        "imports": [1],
        "removed": 2,
        "kept": 3,
        "kept_reasons": {"cancelled": 1, "converted": 1, "worked on": 1},
        "list_removed": False,
        "restored": 0,
    }
    assert "Kept 3 that moved on since (1 cancelled, 1 converted, 1 worked on)" in result.stderr
    assert "cancelled ones keep a re-import from bringing them back" in result.stderr
    assert [n for (n,) in db("select name from contacts order by id")] == ["Ana", "Bia", "Cid"]
    assert db("select count(*) from companies") == [(2,)]  # Acme, Brava; Cota went with Dan
    assert db("select undone_at is not null from import_batches") == [(1,)]
    again = run("prospect", "undo-import", "fair")
    assert again.exit_code == 1
    assert "nothing was imported into list 'fair', or it was undone already" in again.stderr


def test_undo_is_one_unit_with_the_imports_of_the_list(tmp_path, ok, db) -> None:
    imported(tmp_path, ok)
    imported(tmp_path, ok, "name,email\nFay,fay@x.example\n", "--list", "fair")
    result = ok("prospect", "undo-import", "fair")
    assert "Removed 6 contact(s) that import #1, #2 added to list 'fair'." in result.stderr
    assert db("select count(*) from contacts") == [(0,)]


def answer_on_a_terminal(args: list[str], answer: bytes) -> tuple[int, bytes]:
    """Run salesfunnel with a real terminal on stdin and stderr; answer its question."""
    main_fd, terminal = pty.openpty()
    process = subprocess.Popen(
        [str(SALESFUNNEL), *args], stdin=terminal, stdout=subprocess.PIPE, stderr=terminal
    )
    os.close(terminal)
    seen = b""
    deadline = time.monotonic() + 30
    while b"[y/N]" not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([main_fd], [], [], 1)
        if ready:
            seen += os.read(main_fd, 1024)
    os.write(main_fd, answer)
    process.communicate(timeout=30)
    os.close(main_fd)
    return process.returncode, seen


@pytest.mark.slow
def test_undo_asks_on_a_terminal_and_no_changes_nothing(tmp_path, ok, db) -> None:
    imported(tmp_path, ok)
    ok("prospect", "convert", "5")
    status, seen = answer_on_a_terminal(["prospect", "undo-import", "fair"], b"n\n")
    assert b"Remove the 4 contact(s) imported into list 'fair' (1 that moved on will stay)?" in seen
    assert status == 1
    assert db("select count(*) from contacts") == [(5,)]
    status, _ = answer_on_a_terminal(["prospect", "undo-import", "fair"], b"y\n")
    assert status == 0
    assert db("select count(*) from contacts") == [(1,)]


def test_undo_never_asks_with_yes_or_in_a_script(tmp_path, ok, db) -> None:
    imported(tmp_path, ok)
    result = ok("prospect", "undo-import", "fair")  # stdin is not a terminal here
    assert "[y/N]" not in result.stderr
    assert db("select count(*) from contacts") == [(0,)]


def test_undo_of_an_unknown_list(run, ok) -> None:
    ok("prospect", "add", "Hand")
    result = run("prospect", "undo-import", "nope")
    assert result.exit_code == 1
    assert result.stderr == "Error: no prospecting list named 'nope' (see: prospect lists)\n"
    by_hand = run("prospect", "undo-import", "manual")
    assert by_hand.exit_code == 1
    assert "nothing was imported into list 'manual'" in by_hand.stderr


def test_a_re_import_after_undo_brings_the_contacts_back(tmp_path, ok, db) -> None:
    imported(tmp_path, ok)
    ok("prospect", "undo-import", "fair", "--yes")
    imported(tmp_path, ok)
    assert db("select count(*) from contacts") == [(5,)]
    assert db("select name from prospect_lists") == [("fair",)]


def contact_row(db, contact_id: int) -> tuple[object, ...]:
    (row,) = db(
        "select c.name, c.email, c.phone, c.phone_key, c.title, c.city, co.name, c.extra, "
        "c.search_key from contacts as c left join companies as co on co.id = c.company_id "
        "where c.id = ?",
        (contact_id,),
    )
    return row


def edit(db, sql: str) -> None:
    """A change by other means than the import, committed (``db``: the fixture)."""
    db(sql)


def found(ok, words: str) -> tuple[int, int]:
    """How many contacts and companies `search` finds (through the search index)."""
    result = json.loads(ok("search", words, "--json").stdout)
    return result["contacts_total"], result["companies_total"]


def test_undo_puts_back_what_an_update_import_wrote_onto_contacts_already_there(
    tmp_path, ok, db
) -> None:
    ok("prospect", "add", "Ana Souza", "--email", "ana@x.example", "--company", "Acme")
    ok("prospect", "add", "Rui Lima", "--phone", "+351 912 345 678")
    edit(db, "insert into contact_tags (contact_id, tag) values (2, 'fair')")
    before = {1: contact_row(db, 1), 2: contact_row(db, 2)}
    tags_before = db("select contact_id, tag from contact_tags order by 1, 2")
    update = (
        "name,email,phone,company,title,city,tags,Shoe size\n"
        "Ana S.,ANA@x.example,+351 911 111 111,Brava,CEO,Porto,vip,38\n"
        'Rui,,(+351) 912-345-678,Cota,,Braga,"vip, fair",44\n'
        "Eva,eva@x.example,,,,,,\n"
    )
    imported(tmp_path, ok, update, "--on-duplicate", "update", "--list", "update")
    assert contact_row(db, 1)[4:6] == ("CEO", "Porto")  # the import did write
    assert (2, "vip") not in tags_before and (2, "vip") in db("select * from contact_tags")

    result = ok("prospect", "undo-import", "update", "--yes", "--json")

    assert json.loads(result.stdout)["restored"] == 2
    assert "Put back the values the import wrote onto 2 contact(s)" in result.stderr
    assert {1: contact_row(db, 1), 2: contact_row(db, 2)} == before
    assert db("select contact_id, tag from contact_tags order by 1, 2") == tags_before
    assert db("select name from contacts order by id") == [("Ana Souza",), ("Rui Lima",)]
    assert db("select name from companies order by id") == [("Acme",)]  # Brava, Cota gone
    assert db("select count(*) from import_updates") == [(0,)]
    assert found(ok, "porto") == (0, 0)
    assert found(ok, "acme") == (1, 1)  # Ana, and the company


def test_undo_keeps_what_was_changed_by_hand_since_the_update(tmp_path, ok, db) -> None:
    ok("prospect", "add", "Ana Souza", "--email", "ana@x.example", "--title", "Buyer")
    ok("prospect", "add", "Hand", "--email", "hand@x.example")
    update = "name,email,title,city\nAna,ana@x.example,CEO,Porto\n"
    imported(tmp_path, ok, update, "--on-duplicate", "update", "--list", "update")
    edit(db, "update contacts set city = 'Lisboa' where id = 1")  # a later edit
    ok("prospect", "undo-import", "update", "--yes")
    (row,) = db("select name, title, city from contacts where id = 1")
    assert row == ("Ana Souza", "Buyer", "Lisboa")  # the title back, the later city kept


def test_two_update_imports_undone_together_leave_the_contact_as_it_first_was(
    tmp_path, ok, db
) -> None:
    ok("prospect", "add", "Ana Souza", "--email", "ana@x.example", "--title", "Buyer")
    imported(
        tmp_path,
        ok,
        "name,email,title\nAna,ana@x.example,CTO\n",
        "--on-duplicate",
        "update",
        "--list",
        "update",
    )
    imported(
        tmp_path,
        ok,
        "name,email,title\nAna,ana@x.example,CEO\n",
        "--on-duplicate",
        "update",
        "--list",
        "update",
    )
    assert db("select title from contacts where id = 1") == [("CEO",)]
    ok("prospect", "undo-import", "update", "--yes")
    assert db("select title from contacts where id = 1") == [("Buyer",)]
