"""`prospect import` never loses a person: what a shared phone, a shared email and a
clearly different name make of a row, and a summary that accounts for every row.

The rules are docs/importing.md's "Duplicates"; tests/dedupe_model.py works them out
row by row, and the property tests hold the import to it.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dedupe_model import Person, model_import
from salesfunnel.db.engine import open_engine
from salesfunnel.domain.identity import names_agree, names_clearly_differ, phone_may_merge

HUBSPOT = (
    "Record ID,First Name,Last Name,Email,Phone Number,Company Name,Job Title,"
    "Lifecycle Stage,Create Date,Contact owner\n"
)
FIRST = ["Olivia", "Liam", "Emma", "Noah", "Ava", "Mason", "Sophia", "Lucas", "Mia", "Ethan"]
LAST = ["Walsh", "Baker", "Nguyen", "Patel", "Garcia", "Kim", "Okafor", "Rossi", "Silva", "Levy"]


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding=encoding, newline="")
    return path


def hubspot_export(people: int, switchboard: int) -> str:
    """A HubSpot contacts export: the first ``switchboard`` people, at one company, all
    give its switchboard number; everyone has an email of their own."""
    out = io.StringIO(newline="")
    out.write(HUBSPOT)
    writer = csv.writer(out, lineterminator="\r\n")
    names = itertools.product(FIRST, LAST, ["", "A.", "J."])
    for record, (first, last, middle) in zip(range(people), names, strict=False):
        shared = record < switchboard
        company = "Harbor Freight Logistics" if shared else f"{last} & Co {record}"
        phone = "+1 (617) 555-0100" if shared else f"+1 (617) 555-{2000 + record:04d}"
        domain = "harborfreight.example" if shared else f"{last.lower()}{record}.example"
        writer.writerow(
            [
                51000 + record,
                f"{first} {middle}".strip(),
                last,
                f"{first.lower()}.{last.lower()}{record}@{domain}",
                phone,
                company,
                "Account Executive",
                "lead",
                "2026-03-14 09:12",
                "Dana Whitfield",
            ]
        )
    return out.getvalue()


def test_a_hubspot_export_where_12_share_a_switchboard_imports_all_300(tmp_path, ok, db) -> None:
    path = write(tmp_path, "hubspot-contacts.csv", hubspot_export(300, 12))
    summary = json.loads(ok("prospect", "import", str(path), "--json").stdout)
    assert (summary["rows"], summary["imported"], summary["duplicates"]) == (300, 300, 0)
    assert db("select count(*) from contacts where phone_key = '16175550100'") == [(12,)]
    # importing it again brings nobody twice: each person is known by their email
    again = ok("prospect", "import", str(path), "--json")
    summary = json.loads(again.stdout)
    assert (summary["imported"], summary["duplicates_in_database"]) == (0, 300)
    assert summary["duplicates_by_phone"] == 0
    assert "Rows        300 = 0 imported + 300 duplicates + 0 conflicts + 0 rejected" in (
        again.stderr
    )
    assert db("select count(*) from contacts") == [(300,)]


def test_a_shared_phone_merges_only_a_row_that_could_be_the_same_person(tmp_path, ok, db) -> None:
    ok("prospect", "add", "Ana Souza", "--email", "ana@acme.example", "--phone", "0800 111 222")
    text = (
        "name,email,phone\n"
        "Ana,,0800-111-222\n"  # no email, a name that agrees: Ana Souza
        "Bruno Dias,bruno@acme.example,0800 111 222\n"  # another email: another person
        "Carla Reis,,0800 111 222\n"  # a name that doesn't agree: another person
        ",,0800111222\n"  # the phone alone: the earliest contact with it
        "Bruno,,(0800) 111-222\n"  # agrees with Bruno Dias, named alike: him, not Ana
    )
    result = ok("prospect", "import", str(write(tmp_path, "p.csv", text)), "--json")
    summary = json.loads(result.stdout)
    assert (summary["imported"], summary["duplicates"], summary["conflicts"]) == (2, 3, 0)
    assert (summary["duplicates_in_database"], summary["duplicates_in_file"]) == (2, 1)
    assert summary["duplicates_by_phone"] == 3
    assert db("select name from contacts order by id") == [
        ("Ana Souza",),
        ("Bruno Dias",),
        ("Carla Reis",),
    ]


def test_a_row_with_an_email_of_its_own_is_never_merged_by_phone(tmp_path, ok, db) -> None:
    """Merged into a contact with no email, its address would be lost: it stays itself."""
    ok("prospect", "add", "Ana", "--phone", "0800 111 222")
    text = "name,email,phone\nAna,ana@x.example,0800111222\nAna,ana.s@y.example,0800111222\n"
    path = write(tmp_path, "two.csv", text)
    summary = json.loads(ok("prospect", "import", str(path), "--json").stdout)
    assert (summary["imported"], summary["duplicates"]) == (2, 0)
    assert db("select email from contacts where email is not null order by id") == [
        ("ana@x.example",),
        ("ana.s@y.example",),
    ]


def test_the_same_email_with_another_name_is_a_conflict_the_user_decides(tmp_path, ok, db) -> None:
    ok("prospect", "add", "Ana Souza", "--email", "ana@acme.example")
    text = (
        "Nome;Sobrenome;E-mail;Telefone\n"
        "Pedro;Lima;ANA@acme.example;11 5555-0001\n"  # a known email, another name
        "Ana;S.;ana@acme.example;\n"  # the same person (Ana, S for Souza)
        "Rita;Moura;rita@acme.example;\n"
        "Rui;Costa;RITA@acme.example;11 5555-0002\n"  # conflicts with line 4
        ";;rita@acme.example;\n"  # no name: the same email is the same person
    )
    path = write(tmp_path, "feira.csv", text, encoding="cp1252")
    rejects = tmp_path / "decidir.csv"
    result = ok("prospect", "import", str(path), "--rejects", str(rejects), "--json")
    summary = json.loads(result.stdout)
    assert (summary["imported"], summary["duplicates"], summary["conflicts"]) == (1, 2, 2)
    assert summary["rows"] == 5
    assert f"Conflicts   2 same email, another name: not imported (see {rejects})" in (
        result.stderr
    )
    rows = list(csv.reader(io.StringIO(rejects.read_text(encoding="utf-8-sig")), delimiter=";"))
    assert rows == [
        ["rejected line", "rejected reason", "Nome", "Sobrenome", "E-mail", "Telefone"],
        [
            "2",
            "conflict: same email as contact #1 'Ana Souza', another name: not imported, "
            "you decide",
            "Pedro",
            "Lima",
            "ANA@acme.example",
            "11 5555-0001",
        ],
        [
            "5",
            "conflict: same email as line 4 ('Rita Moura'), another name: not imported, you decide",
            "Rui",
            "Costa",
            "RITA@acme.example",
            "11 5555-0002",
        ],
    ]
    assert db("select name, email from contacts order by id") == [
        ("Ana Souza", "ana@acme.example"),
        ("Rita Moura", "rita@acme.example"),
    ]
    # The user decides: Pedro gets his own address, and the fixed file goes in.
    fixed = rejects.read_text(encoding="utf-8-sig").replace("ANA@acme", "pedro@acme")
    rejects.write_text(fixed, encoding="utf-8-sig")
    again = json.loads(ok("prospect", "import", str(rejects), "--json").stdout)
    assert (again["imported"], again["conflicts"]) == (1, 1)  # Rui is still to decide
    assert db("select count(*) from contacts where email = 'pedro@acme.example'") == [(1,)]


def test_without_a_rejects_file_the_conflicts_are_shown(tmp_path, ok) -> None:
    ok("prospect", "add", "Ana Souza", "--email", "ana@acme.example")
    text = "name,email\nPedro Lima,ana@acme.example\n"
    result = ok("prospect", "import", str(write(tmp_path, "c.csv", text)))
    assert "Conflicts   1 same email, another name: not imported" in result.stderr
    assert (
        "  line 2: conflict: same email as contact #1 'Ana Souza', another name: "
        "not imported, you decide" in result.stderr
    )
    assert "--rejects FILE saves every conflict with its reason" in result.stderr


def test_a_cancelled_prospect_blocks_a_re_import_under_any_name(tmp_path, ok, db) -> None:
    ok("prospect", "add", "Gone Away", "--email", "gone@x.example", "--phone", "555 0100 99")
    ok("prospect", "cancel", "1", "--reason", "asked not to be contacted")
    text = (
        "name,email,phone\n"
        "Gone,GONE@x.example,\n"  # the same person: a duplicate
        "Someone Else,gone@x.example,\n"  # the same email, another name: a conflict
        "Gone Away,,5550100 99\n"  # the same phone and name
    )
    result = ok("prospect", "import", str(write(tmp_path, "again.csv", text)), "--json")
    summary = json.loads(result.stdout)
    assert (summary["imported"], summary["duplicates"], summary["conflicts"]) == (0, 2, 1)
    assert db("select count(*), max(prospect_status) from contacts") == [(1, "cancelled")]


def test_a_conflict_from_standard_input_is_written_from_what_was_read(tmp_path, ok) -> None:
    """Standard input can't be read twice: the row is laid out from its stored values."""
    ok("prospect", "add", "Ana Souza", "--email", "ana@acme.example")
    text = (
        "First Name,Last Name,Email,Phone,Tags,Birthday\n"
        "Pedro,Lima,ana@acme.example,555 01,vip;hot,12/03\n"
    )
    rejects = tmp_path / "r.csv"
    ok("prospect", "import", "-", "--list", "web", "--rejects", str(rejects), input=text)
    rows = list(csv.reader(io.StringIO(rejects.read_text(encoding="utf-8-sig"))))
    assert rows[1][0] == "2"
    assert rows[1][2:] == ["Pedro Lima", "", "ana@acme.example", "555 01", "hot, vip", "12/03"]


def test_update_writes_duplicates_onto_contacts_never_a_conflict(tmp_path, ok, db) -> None:
    ok("prospect", "add", "Ana Souza", "--email", "ana@acme.example", "--title", "CFO")
    ok("prospect", "add", "Bia Reis", "--phone", "0800 111 222")
    text = (
        "name,email,phone,title\n"
        "Pedro Lima,ana@acme.example,,Intern\n"  # conflict: never written onto Ana
        "Ana Souza,ana@acme.example,,CEO\n"  # Ana, promoted
        "Bia,,0800111222,Buyer\n"  # Bia by phone
    )
    path = write(tmp_path, "u.csv", text)
    result = ok("prospect", "import", str(path), "--on-duplicate", "update", "--json")
    summary = json.loads(result.stdout)
    assert (summary["updated"], summary["conflicts"], summary["duplicates"]) == (2, 1, 2)
    assert db("select name, title from contacts order by id") == [
        ("Ana Souza", "CEO"),
        ("Bia", "Buyer"),
    ]
    ok("undo", "--yes")  # takes the whole import back: the two contacts as they were
    assert db("select name, title from contacts order by id") == [
        ("Ana Souza", "CFO"),
        ("Bia Reis", None),
    ]


def test_undo_import_takes_back_an_import_with_conflicts_and_phone_merges(tmp_path, ok, db) -> None:
    ok("prospect", "add", "Ana Souza", "--email", "ana@acme.example", "--phone", "0800111222")
    before = db("select * from contacts")
    path = write(tmp_path, "hub.csv", hubspot_export(40, 12))
    text = path.read_text() + "1,Pedro,Lima,ana@acme.example,,,,,,\n2,Ana,,,0800 111 222,,,,,\n"
    path.write_text(text)
    summary = json.loads(ok("prospect", "import", str(path), "--json").stdout)
    assert (summary["imported"], summary["duplicates"], summary["conflicts"]) == (40, 1, 1)
    ok("prospect", "undo-import", "hub", "--yes")
    assert db("select * from contacts") == before


# --- the name rules ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "differ", "agree"),
    [
        ("Ana Souza", "Pedro Lima", True, False),
        ("Ana Souza", "Ana Lima", False, False),  # a first name in common: not clear
        ("Ana", "Ana Souza", False, True),
        ("ANA  SOUZA", "souza, ana", False, True),
        ("João Gonçalves", "Joao Goncalves", False, True),
        ("J. Smith", "John Smith", False, True),  # an initial stands for its word
        ("J. Smith", "Jane Doe", False, False),
        ("Иван Петров", "Ivan Petrov", True, False),  # another script: the user decides
        ("Ana Souza", None, False, True),  # no name says nothing
        ("", "Pedro", False, True),
    ],
)
def test_when_names_clearly_differ_and_when_they_agree(a, b, differ, agree) -> None:
    assert names_clearly_differ(a, b) is differ
    assert names_clearly_differ(b, a) is differ
    assert names_agree(a, b) is agree
    assert names_agree(b, a) is agree


def test_a_phone_merge_needs_a_row_with_no_email_and_names_that_agree() -> None:
    assert phone_may_merge(None, "Ana", "Ana Souza")
    assert phone_may_merge("", None, "Ana Souza")
    assert not phone_may_merge("ana@x", "Ana", "Ana Souza")
    assert not phone_may_merge(None, "Carla Reis", "Ana Souza")


words = st.text(st.characters(categories=["L"]), min_size=1, max_size=6)


@given(st.lists(words, max_size=3), st.lists(words, max_size=3))
def test_names_that_agree_never_clearly_differ(first, second) -> None:
    a, b = " ".join(first), " ".join(second)
    assert not (names_agree(a, b) and names_clearly_differ(a, b))
    assert names_agree(a, a) and not names_clearly_differ(a, a)


# --- every row accounted for, against the model ----------------------------------------

NAMES = ["Ana Souza", "Ana", "Pedro Lima", "Bia", "Bia Reis", "Иван Петров", "J. Lima", ""]
EMAILS = ["ana@x.example", "pedro@x.example", "bia@y.example", "ivan@z.example", ""]
PHONES = ["0800 111 222", "0800-111-222", "+55 11 5555-0100", "12", ""]

people = st.builds(
    Person,
    st.sampled_from(NAMES),
    st.sampled_from(EMAILS).flatmap(lambda e: st.sampled_from([e, e.upper()])),
    st.sampled_from(PHONES),
)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "funnel.db"
    open_engine(f"sqlite:///{path}").dispose()
    return path


COUNTER = itertools.count()


def as_file(rows: list[Person], blanks: list[int]) -> str:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["name", "email", "phone"])
    for at, person in enumerate(rows):
        if at in blanks:
            out.write(",,\n")
        writer.writerow([person.name, person.email, person.phone])
    return out.getvalue()


@pytest.mark.slow
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    known=st.lists(people, max_size=4),
    rows=st.lists(people, max_size=14),
    blanks=st.lists(st.integers(0, 14), max_size=2),
    scan=st.booleans(),
)
def test_every_row_lands_somewhere_and_no_one_with_an_email_of_their_own_is_lost(
    tmp_path, template, ok, run, monkeypatch, known, rows, blanks, scan
) -> None:
    monkeypatch.setattr("salesfunnel.importing.dedupe.SCAN_RATIO", 10 if scan else 0)
    example = next(COUNTER)
    db_path = tmp_path / f"funnel-{example}.db"
    shutil.copy2(template, db_path)
    valid_known = []
    for person in known:  # contacts already there, as `prospect add` makes them
        if not person.stored_name:
            continue
        args = ["--email", person.email] if person.email else []
        args += ["--phone", person.phone] if person.phone else []
        added = run("--db", str(db_path), "prospect", "add", person.stored_name, *args)
        if added.exit_code == 0:  # it refuses an email or phone it knows
            valid_known.append(person)
    path = tmp_path / f"rows-{example}.csv"
    path.write_text(as_file(rows, blanks), encoding="utf-8")
    rejects = tmp_path / f"rejects-{example}.csv"
    result = ok(
        "--db", str(db_path), "prospect", "import", str(path), "--rejects", str(rejects), "--json"
    )
    summary = json.loads(result.stdout)

    valid = [p for p in rows if p.name or p.email or p.phone]  # an empty row is a blank line
    expected = model_import(valid, valid_known)
    assert summary["rows"] == len(valid)
    outcomes = ("imported", "duplicates", "conflicts", "rejected")
    assert sum(summary[o] for o in outcomes) == summary["rows"]
    assert summary["imported"] == expected.count("imported")
    assert summary["conflicts"] == expected.count("conflict")
    assert summary["duplicates_in_file"] == expected.count("in file")
    assert summary["duplicates_in_database"] == expected.count("known")
    with closing(sqlite3.connect(db_path)) as connection:
        stored = connection.execute(
            "select name, coalesce(email, ''), coalesce(phone, '') from contacts "
            "where import_id is not null order by id"
        ).fetchall()
        emails = {e.lower() for (e,) in connection.execute("select email from contacts") if e}
    assert stored == [(p.stored_name, p.email, p.phone) for p in expected.kept]
    # nobody whose email is theirs alone (once in the file, not known) is ever lost
    counts = [p.email.lower() for p in [*valid_known, *valid] if p.email]
    alone = {e for e in counts if counts.count(e) == 1}
    assert alone <= emails
    # and every conflict is in the rejects file, with its reason
    listed = list(csv.reader(io.StringIO(rejects.read_text(encoding="utf-8-sig"))))[1:]
    conflicts = [row for row in listed if row[1].startswith("conflict:")]
    assert len(conflicts) == summary["conflicts"]
    assert len(listed) == summary["conflicts"] + summary["rejected"]


def test_update_keeps_a_contact_found_by_the_rows_other_emails_and_phones(tmp_path, ok) -> None:
    ok("prospect", "add", "Ana Souza", "--email", "ana@acme.example", "--phone", "0800 111 222")
    text = (
        "name,email,email 2,phone,mobile\n"
        "Ana Souza,ana@acme.example,ana.home@mail.example,0800 333 444,+55 11 98888-7777\n"
    )
    path = write(tmp_path, "u.csv", text)
    ok("prospect", "import", str(path), "--on-duplicate", "update")
    for words in ("ana.home@mail.example", "98888 7777", "0800 333 444", "0800 111 222"):
        found = json.loads(ok("search", words, "--json").stdout)
        assert [c["name"] for c in found["contacts"]] == ["Ana Souza"], words
