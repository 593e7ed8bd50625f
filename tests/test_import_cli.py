"""`prospect import`, option by option, on small hand-made files: the real CLI, then the
database reopened to check what it holds."""

from __future__ import annotations

import csv
import fcntl
import io
import json
import os
import pty
import re
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


PEOPLE = (
    "Nome;E-mail;Telefone;Empresa;Cargo;Cidade;Aniversário\r\n"
    "João Gonçalves;Joao@Exemplo.com.br;011 98765-4321;Padaria Estrela Ltda.;Sócio;São Paulo;"
    "12/03\r\n"
    "Márcia Simões;marcia@exemplo.pt;+351 912 345 678;;Diretora;Lisboa;\r\n"
)


def test_a_portuguese_excel_file_lands_with_fields_extras_and_phones_as_typed(
    tmp_path, ok, db
) -> None:
    path = write(tmp_path, "feira.csv", PEOPLE, "cp1252")
    result = ok("prospect", "import", str(path))
    assert result.stdout == ""
    assert "Imported    2 prospects into list 'feira' (import #1)" in result.stderr
    assert "(cp1252, semicolon)" in result.stderr
    rows = db(
        "select c.name, c.email, c.email_key, c.phone, c.phone_key, co.name, c.title, c.city, "
        "c.extra, c.stage, c.prospect_status, c.source, c.channel, l.name "
        "from contacts c left join companies co on co.id = c.company_id "
        "join prospect_lists l on l.id = c.list_id order by c.id"
    )
    assert rows[0] == (
        "João Gonçalves",
        "Joao@Exemplo.com.br",
        "joao@exemplo.com.br",
        "011 98765-4321",  # as typed: the leading zero stays
        "011987654321",
        "Padaria Estrela Ltda.",
        "Sócio",
        "São Paulo",
        '{"Aniversário": "12/03"}',
        "prospect",
        "open",
        "feira",
        "outbound",
        "feira",
    )
    assert rows[1][0] == "Márcia Simões" and rows[1][5] is None and rows[1][8] is None


def test_the_created_at_of_an_imported_contact_reads_like_one_added_by_hand(
    tmp_path, ok, db
) -> None:
    ok("prospect", "add", "Ana Hand", "--email", "ana@hand.example")
    ok("prospect", "import", str(write(tmp_path, "a.csv", "name,email\nBia,bia@x.example\n")))
    (by_hand, imported) = db("select created_at from contacts order by id")
    assert by_hand == imported  # same clock, same stored form
    listing = ok("prospect", "list", "--json")
    assert [p["created_at"] for p in json.loads(listing.stdout)] == [
        "2026-11-23T09:00:00Z",
        "2026-11-23T09:00:00Z",
    ]


def test_list_option_and_appending_a_second_file_to_a_list(tmp_path, ok, db) -> None:
    first = write(tmp_path, "a.csv", "name,email\nAna,ana@x.example\n")
    second = write(tmp_path, "b.csv", "name,email\nBia,bia@x.example\nAna,ANA@x.example\n")
    ok("prospect", "import", str(first), "--list", "Fair 2026")
    result = ok("prospect", "import", str(second), "--list", "Fair 2026")
    assert "Duplicates  1 (0 repeated in the file, 1 already known)" in result.stderr
    assert db(
        "select l.name, count(*) from contacts c join prospect_lists l on l.id = c.list_id "
        "group by l.name"
    ) == [("Fair 2026", 2)]
    lists = json.loads(ok("prospect", "lists", "--json").stdout)
    assert [(x["name"], x["open"]) for x in lists] == [("Fair 2026", 2)]


def test_standard_input_is_read_with_dash(run, db) -> None:
    data = "Имя;Эл. почта;Телефон\nИван Петров;ivan@example.ru;8 (912) 345-67-89\n"
    result = run("prospect", "import", "-", "--list", "pipe", input=data.encode("cp1251"))
    assert result.exit_code == 0, result.stderr
    assert "(cp1251, semicolon)" in result.stderr
    assert db("select name, email, phone from contacts") == [
        ("Иван Петров", "ivan@example.ru", "8 (912) 345-67-89")
    ]


def test_standard_input_without_list_gets_a_dated_list(run, db) -> None:
    result = run("prospect", "import", "-", input=b"email\na@b.example\n")
    assert result.exit_code == 0, result.stderr
    assert db("select name from prospect_lists") == [("standard input 2026-11-23 09:00",)]


def test_dry_run_shows_detection_mapping_and_rows_and_writes_nothing(
    tmp_path, run, db_path
) -> None:
    path = write(tmp_path, "feira.csv", PEOPLE, "cp1252")
    result = run("prospect", "import", str(path), "--dry-run")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "Dry run: " in out and "nothing written" in out
    assert "cp1252 (detected: not UTF-8; Latin letters)" in out
    assert "semicolon (detected)" in out
    assert "Telefone" in out and "phone" in out
    assert "Aniversário" in out and "unknown: kept as extra" in out
    assert "João Gonçalves" in out and "011 98765-4321" in out
    assert "\x1b" not in out  # plain text in a pipe
    assert not db_path.exists()  # not even an empty database


def test_dry_run_json_follows_the_documented_plan(tmp_path, run, db_path) -> None:
    path = write(tmp_path, "p.csv", "First Name,Last Name,Email,Shoe size\nAna,Silva,bad@,38\n")
    result = run("prospect", "import", str(path), "--dry-run", "--json")
    assert result.exit_code == 0, result.stderr
    plan = json.loads(result.stdout)
    assert [(c["header"], c["field"]) for c in plan["columns"]] == [
        ("First Name", "first_name"),
        ("Last Name", "last_name"),
        ("Email", "email"),
        ("Shoe size", "extra"),
    ]
    (row,) = plan["rows"]
    assert (row["name"], row["email_flagged"], row["extra"]) == (
        "Ana Silva",
        True,
        {"Shoe size": "38"},
    )
    assert not db_path.exists()


def test_map_overrides_the_guess(tmp_path, ok, db) -> None:
    path = write(tmp_path, "m.csv", "Cliente,Contato,Obs,Lixo\nAcme,ana@acme.example,vip,x\n")
    ok(
        "prospect", "import", str(path),
        "--map", "Cliente=company", "--map", "contato=email", "--map", "4=skip",
    )  # fmt: skip
    assert db(
        "select co.name, c.email, c.notes, c.extra from contacts c join companies co "
        "on co.id = c.company_id"
    ) == [("Acme", "ana@acme.example", "vip", None)]


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("Nope=email", "--map: no column 'Nope' in the file"),
        ("Email=shoe", "--map: unknown field 'shoe'"),
        ("Email", '--map wants "Header=field"'),
    ],
)
def test_a_bad_map_is_refused(tmp_path, run, db_path, spec, message) -> None:
    path = write(tmp_path, "m.csv", "Name,Email\nAna,ana@x.example\n")
    result = run("prospect", "import", str(path), "--map", spec)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {message}")
    assert not db_path.exists()  # refused before the database was even opened


def test_a_file_without_any_name_email_or_phone_column_says_how_to_map_it(
    tmp_path, run, db_path
) -> None:
    path = write(tmp_path, "x.csv", "a,b\n1,2\n")
    result = run("prospect", "import", str(path))
    assert result.exit_code == 1
    assert "no column is a name, email or phone (columns: 'a', 'b')" in result.stderr
    assert '--map "Column=name"' in result.stderr


def test_validation_rejects_flags_and_reports(tmp_path, ok, db) -> None:
    text = (
        "name,email,phone,notes\n"
        "Ana,ana@example.com,,\n"
        ",,,only a note\n"  # nothing to reach: rejected
        "Bia,bia at example.com,,\n"  # malformed: kept, flagged
        "Cid,cid@example.com\n"  # short: the missing trailing cells are empty
        "Dan,dan@example.com,,,,\n"  # trailing empty cells: fine
        "Eva,eva@example.com,,,surplus\n"  # ragged: a real extra value
        "\n"
        ",,,\n"  # blank
        ',,"0800 123 456",\n'  # a phone alone is enough
        "\n"
        "Grand Totals (8 records)\n"  # a short line after a blank one: a note, not a row
    )
    rejects = tmp_path / "rejects.csv"
    result = ok(
        "prospect", "import", str(write(tmp_path, "v.csv", text)), "--rejects", str(rejects)
    )
    assert "Imported    5 prospects" in result.stderr
    assert "Rejected    3 (see " in result.stderr
    assert "Flagged     1 malformed emails, kept" in result.stderr
    assert db("select name, email_flagged from contacts order by id") == [
        ("Ana", 0),
        ("Bia", 1),
        ("Cid", 0),
        ("Dan", 0),
        ("0800 123 456", 0),
    ]
    written = list(csv.reader(io.StringIO(rejects.read_text(encoding="utf-8-sig"), newline="")))
    assert written == [
        ["rejected line", "rejected reason", "name", "email", "phone", "notes"],
        ["3", "no name, email or phone", "", "", "", "only a note"],
        ["7", "5 fields where the header has 4", "Eva", "eva@example.com", "", "", "surplus"],
        [
            "12",
            "a line after a blank line, not a row of the table (1 fields where the header has 4)",
            "Grand Totals (8 records)",
        ],
    ]
    assert rejects.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel reads it as UTF-8


def test_without_rejects_file_the_first_reasons_are_shown(tmp_path, ok) -> None:
    text = "name,email\n" + ",\n" * 0 + "".join(f"x{i},a,b\n" for i in range(7))
    result = ok("prospect", "import", str(write(tmp_path, "r.csv", text)))
    assert "  line 2: 3 fields where the header has 2" in result.stderr
    assert "  (2 more; --rejects FILE saves every rejected row with its reason)" in result.stderr


def test_the_rejects_file_imports_again_once_fixed(tmp_path, ok, db) -> None:
    rejects = tmp_path / "rejects.csv"
    ok(
        "prospect", "import", str(write(tmp_path, "a.csv", "name;email\nAna;a@x.example;oops\n")),
        "--rejects", str(rejects),
    )  # fmt: skip
    fixed = rejects.read_text(encoding="utf-8-sig").replace(";oops", "")
    rejects.write_text(fixed, encoding="utf-8-sig")
    result = ok("prospect", "import", str(rejects), "--list", "fixed")
    assert "Imported    1 prospect into" in result.stderr
    assert db("select name, extra from contacts") == [("Ana", None)]


@pytest.mark.parametrize("ratio", [10, 0], ids=["index-scan", "row-lookups"])
def test_duplicates_by_email_then_phone_in_the_file_and_the_database(
    tmp_path, ok, db, monkeypatch, ratio
) -> None:
    """Both ways of finding them: one pass over the key's index, or a lookup per row."""
    monkeypatch.setattr("salesfunnel.importing.dedupe.SCAN_RATIO", ratio)
    ok("prospect", "add", "Old Ana", "--email", "ana@x.example")
    ok("prospect", "add", "Old Phone", "--phone", "+55 11 91234-5678")
    text = (
        "name,email,phone\n"
        "Ana again,ANA@X.example,\n"  # known email
        "Old Phone,,5511912345678\n"  # known phone, other format
        "Someone Else,,+55 11 91234-5678\n"  # known phone, a name that doesn't agree
        "Bia,bia@x.example,0800 111 222\n"
        "Bia twice,Bia@X.Example,\n"  # repeated in the file
        "Bia by phone,,0800-111-222\n"  # repeated phone in the file
        "Cid,cid@x.example,000\n"  # too short a phone to match anything
        "Dan,dan@x.example,000\n"
    )
    result = ok("prospect", "import", str(write(tmp_path, "d.csv", text)), "--json")
    summary = json.loads(result.stdout)
    assert (summary["imported"], summary["duplicates"]) == (4, 4)
    assert (summary["duplicates_in_file"], summary["duplicates_in_database"]) == (2, 2)
    assert summary["duplicates_by_phone"] == 2
    assert [n for (n,) in db("select name from contacts order by id")] == [
        "Old Ana",
        "Old Phone",
        "Someone Else",
        "Bia",
        "Cid",
        "Dan",
    ]


def test_a_cancelled_prospect_never_comes_back(tmp_path, ok, db) -> None:
    ok("prospect", "add", "Gone", "--email", "gone@x.example")
    ok("prospect", "cancel", "1", "--reason", "asked not to be contacted")
    result = ok("prospect", "import", str(write(tmp_path, "c.csv", "email\nGONE@x.example\n")))
    assert "Imported    0 prospects" in result.stderr
    assert db("select count(*), max(prospect_status) from contacts") == [(1, "cancelled")]


def test_on_duplicate_update_fills_in_known_contacts(tmp_path, ok, db) -> None:
    ok("prospect", "add", "Ana", "--email", "ana@x.example", "--title", "CFO")
    ok("prospect", "cancel", "1")
    text = "name,email,phone,company,title,tags,color\n" + (
        "Ana Silva,ANA@x.example,011 2222-3333,Acme,CEO,vip;fair,blue\n"
    )
    result = ok(
        "prospect", "import", str(write(tmp_path, "u.csv", text)), "--on-duplicate", "update"
    )
    assert "1 existing contacts updated" in result.stderr
    ((*fields, extra),) = db(
        "select c.name, c.email, c.phone, c.phone_key, co.name, c.title, c.prospect_status, "
        "c.extra from contacts c join companies co on co.id = c.company_id"
    )
    assert fields == [
        "Ana Silva",
        "ana@x.example",  # the known address stays as it was typed
        "011 2222-3333",
        "01122223333",
        "Acme",
        "CEO",
        "cancelled",  # the funnel state is never touched
    ]
    assert json.loads(str(extra)) == {"color": "blue"}
    assert db("select tag from contact_tags order by tag") == [("fair",), ("vip",)]


def test_as_leads_makes_inbound_leads_with_extras_shown(tmp_path, ok, db) -> None:
    text = "Nombre,Correo,Origen,Etiquetas,Valor,Talla\nLucía Núñez,lucia@x.es,Feria SIMO,VIP,"
    text += '"8.000,50 €",M\n'
    ok("prospect", "import", str(write(tmp_path, "l.csv", text)), "--as-leads")
    assert db("select stage, lead_status, channel, source, value from contacts") == [
        ("lead", "new", "inbound", "feria simo", 8000.5)
    ]
    shown = json.loads(ok("lead", "show", "1", "--json").stdout)
    assert shown["extra"] == {"Talla": "M"}
    assert shown["tags"] == ["vip"]
    assert [(e["action"], e["to_state"]) for e in shown["history"]] == [("created", "new")]
    text_show = ok("lead", "show", "1").stdout
    assert "Talla" in text_show


def test_summary_json_is_on_stdout_and_messages_on_stderr(tmp_path, ok) -> None:
    result = ok(
        "prospect", "import", str(write(tmp_path, "j.csv", "email\na@x.example\n")), "--json"
    )
    summary = json.loads(result.stdout)
    assert summary["imported"] == 1 and summary["list"] == "j" and summary["file"].endswith("j.csv")
    assert "Imported" in result.stderr and "Imported" not in result.stdout


def test_no_progress_bar_or_escape_codes_when_piped(tmp_path, ok) -> None:
    path = write(tmp_path, "p.csv", "email\n" + "".join(f"p{i}@x.example\n" for i in range(6000)))
    result = ok("prospect", "import", str(path))
    assert "\x1b" not in result.stderr and "\r" not in result.stderr
    assert result.stderr.splitlines()[0] == "Imported    6,000 prospects into list 'p' (import #1)"


@pytest.mark.slow
def test_a_progress_bar_on_a_terminal_for_a_big_file_read_in_two_processes(
    tmp_path, db, read_terminal
) -> None:
    """On a terminal the bar shows the rows as they go (refreshed by each batch), and the
    summary follows it; on two cores, a file this big is read in a second process."""
    from salesfunnel.importing import ahead

    path = tmp_path / "big.csv"
    line = "Pessoa {0},p{0}@exemplo.com.br,+55 11 9{0:08d},Empresa {1},notas {0}\n"
    with path.open("w", encoding="utf-8") as out:
        out.write("name,email,phone,company,notes\n")
        rows = 0
        while out.tell() < ahead.AHEAD_FROM_BYTES + 1024:
            out.write(line.format(rows, rows % 300))
            rows += 1
    main_fd, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 160, 0, 0))
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("salesfunnel")), "prospect", "import", path.name],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=terminal, cwd=tmp_path,
    )  # fmt: skip
    os.close(terminal)
    shown = read_terminal(main_fd).decode(errors="replace")
    process.communicate(timeout=60)
    assert process.returncode == 0, shown
    assert re.search(r"Importing big\.csv: [\d,]+ rows", shown)
    assert "━" in shown  # the bar itself
    assert f"Imported    {rows:,} prospects into list 'big'" in shown
    assert db("select count(*) from contacts") == [(rows,)]


def test_forced_encoding_and_delimiter(tmp_path, ok, db) -> None:
    path = write(tmp_path, "f.txt", "name|email\nRenée|renee@x.example\n", "latin-1")
    ok("prospect", "import", str(path), "--encoding", "latin-1", "--delimiter", "|")
    assert db("select name from contacts") == [("Renée",)]


def test_excel_sep_line_names_the_delimiter(tmp_path, ok, db) -> None:
    path = write(tmp_path, "s.csv", "sep=;\r\nname;email\r\nAna, a Grande;ana@x.example\r\n")
    ok("prospect", "import", str(path))
    assert db("select name, email from contacts") == [("Ana, a Grande", "ana@x.example")]


def test_quoted_fields_with_delimiters_and_newlines(tmp_path, ok, db) -> None:
    text = 'name,company,notes\r\n"Smith, John","Acme, Inc.","line one\r\nline two, ""quoted"""\r\n'
    ok("prospect", "import", str(write(tmp_path, "q.csv", text)))
    assert db(
        "select c.name, co.name, c.notes from contacts c join companies co on co.id = c.company_id"
    ) == [("Smith, John", "Acme, Inc.", 'line one\r\nline two, "quoted"')]


@pytest.mark.sqlite_only("SQLite's foreign-key pragmas")
def test_duplicates_leave_no_tags_behind_and_references_are_checked_again_after(
    tmp_path, ok, run, db, db_path
) -> None:
    """The import's unit of work doesn't have SQLite check foreign keys (it makes every
    reference itself), so the duplicates' tags are deleted by hand, not by the cascade;
    and the next unit of work on the same connection checks them again."""
    from salesfunnel.db.connect import database
    from salesfunnel.db.work import Work

    text_csv = (
        "name,email,tags\n"
        "Ana,ana@x.example,vip; feira\n"
        "Ana again,ANA@x.example,outra\n"
        "Bia,bia@x.example,feira\n"
    )
    summary = json.loads(
        ok("prospect", "import", str(write(tmp_path, "t.csv", text_csv)), "--json").stdout
    )
    assert (summary["imported"], summary["duplicates"]) == (2, 1)
    assert db("pragma foreign_key_check") == []
    assert db("select count(*) from contact_tags") == [(3,)]

    with database(f"sqlite:///{db_path}") as driver:
        with Work(driver, write=True, check_references=False) as unit:
            assert unit.value("pragma foreign_keys") == 0
        with Work(driver, write=True) as unit:
            assert unit.value("pragma foreign_keys") == 1
        with Work(driver, write=False) as unit:
            assert unit.value("pragma foreign_keys") == 1
