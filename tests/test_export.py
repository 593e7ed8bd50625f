"""`export contacts | deals | activities`: streamed CSV or JSON, safe in a spreadsheet."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import stat

import pytest

from salesfunnel.services.export import BATCH, CONTACT_STATE, csv_cell, neutralise

PROSPECTS_CSV = (
    "Nome;E-mail;Telefone;Empresa;Cargo;Cidade;Tags;Notas;Valor;Segmento;CNPJ\n"
    "João Silva;joao@example.com.br;+55 11 98765-4321;Padaria Pão Quente;Dono;São Paulo;"
    "vip, smb;liga às 9h;12.500,00;Varejo;00123456000189\n"
    'Lucía Núñez;lucia@example.es;;Clínica Núñez;;Madrid;;"dos líneas\nde nota";;Saúde;\n'
    "Алексей Кузнецов;;8 (495) 123-45-67;СтройИнвест;CEO;Москва;;;;;0099\n"
)


@pytest.fixture
def contacts(ok, tmp_path) -> None:
    source = tmp_path / "prospects.csv"
    source.write_text(PROSPECTS_CSV, encoding="utf-8")
    ok("prospect", "import", str(source), "--list", "Fair")  # 1-3, with extra fields
    ok(
        "lead",
        "add",
        "Ana Souza",
        "--email",
        "ana@acme.com",
        "--source",
        "webinar",
        "--tag",
        "partner",
    )  # 4


def read_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_contacts_export_as_csv_with_a_column_per_extra_field(contacts, ok) -> None:
    result = ok("export", "contacts")
    assert result.stderr == "Exported 4 contacts.\n"
    rows = read_csv(result.stdout)
    header = next(csv.reader(io.StringIO(result.stdout)))
    assert header[:3] == ["name", "email", "phone"]
    assert header[-2:] == ["Segmento", "CNPJ"]  # extra fields, in order of appearance
    assert set(CONTACT_STATE) <= set(header)
    joao, lucia, alexei, ana = rows
    assert (joao["name"], joao["phone"], joao["company"], joao["city"]) == (
        "João Silva",
        "+55 11 98765-4321",
        "Padaria Pão Quente",
        "São Paulo",
    )
    assert (joao["tags"], joao["value"], joao["Segmento"], joao["CNPJ"]) == (
        "smb; vip",
        "12500",
        "Varejo",
        "00123456000189",
    )
    assert lucia["notes"] == "dos líneas\nde nota" and lucia["CNPJ"] == ""
    assert alexei["CNPJ"] == "0099"  # leading zeros kept: text stays text
    assert (ana["stage"], ana["lead_status"], ana["source"], ana["Segmento"]) == (
        "lead",
        "new",
        "webinar",
        "",
    )
    assert (joao["id"], joao["list"], joao["prospect_status"]) == ("1", "Fair", "open")


def test_contacts_export_as_a_json_array_with_nested_extras(contacts, ok) -> None:
    rows = json.loads(ok("export", "contacts", "--format", "json").stdout)
    assert [r["id"] for r in rows] == [1, 2, 3, 4]
    assert rows[0]["extra"] == {"Segmento": "Varejo", "CNPJ": "00123456000189"}
    assert rows[0]["tags"] == ["smb", "vip"] and rows[0]["value"] == 12500.0
    assert rows[3]["extra"] == {} and rows[3]["starred"] is False


def test_an_empty_export_is_a_header_or_an_empty_array(empty_db, ok) -> None:
    assert json.loads(ok("export", "deals", "--format", "json").stdout) == []
    result = ok("export", "activities")
    assert result.stdout.splitlines()[0].startswith("id,contact_id,contact,deal_id,kind")
    assert len(result.stdout.splitlines()) == 1
    assert result.stderr == "Exported 0 activities.\n"


def test_text_a_spreadsheet_would_run_is_neutralised(ok, db) -> None:
    ok("lead", "add", '=HYPERLINK("http://evil","click")', "--email", "a@b.co")
    ok("lead", "add", "@SUM(A1)", "--phone", "+351 912 345 678", "--company", "-2+3+cmd|calc")
    extra = {"Note": "\tx", "Score": "-5", "Cr": "\r=1"}
    db("UPDATE contacts SET extra = ? WHERE id = 1", (json.dumps(extra),))
    rows = read_csv(ok("export", "contacts").stdout)
    assert rows[0]["name"] == '\'=HYPERLINK("http://evil","click")'
    assert (rows[0]["Note"], rows[0]["Score"], rows[0]["Cr"]) == ("'\tx", "-5", "'\r=1")
    assert rows[1]["name"] == "'@SUM(A1)"
    assert rows[1]["company"] == "'-2+3+cmd|calc"
    assert rows[1]["phone"] == "+351 912 345 678"  # a phone number runs nothing
    # JSON is for programs: values as they are.
    raw = json.loads(ok("export", "contacts", "--format", "json").stdout)
    assert raw[0]["name"].startswith("=HYPERLINK")


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-", "'-"),
        ("@x", "'@x"),
        ("-12.5", "-12.5"),
        ("+55 (11) 98765-4321", "+55 (11) 98765-4321"),
        ("ok = fine", "ok = fine"),
    ],
)
def test_neutralise(value: str, cell: str) -> None:
    assert neutralise(value) == cell


def test_numbers_stay_numbers() -> None:
    assert csv_cell(-5) == -5
    assert csv_cell(1200.0) == 1200 and csv_cell(1200.5) == 1200.5
    assert csv_cell(True) == "true" and csv_cell(None) == ""


def test_output_goes_to_a_private_file(contacts, ok, tmp_path) -> None:
    target = tmp_path / "out" / "contacts.csv"
    target.parent.mkdir()
    result = ok("export", "contacts", "--output", str(target))
    assert result.stdout == ""
    assert result.stderr == f"Exported 4 contacts to {target}.\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert len(read_csv(target.read_text(encoding="utf-8"))) == 4
    assert [p.name for p in target.parent.iterdir()] == ["contacts.csv"]  # no temporary left


def test_an_existing_file_becomes_private_too(contacts, ok, tmp_path) -> None:
    target = tmp_path / "contacts.json"
    target.write_text("old")
    target.chmod(0o644)
    ok("export", "contacts", "-f", "json", "-o", str(target), "--force")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert len(json.loads(target.read_text())) == 4


def test_excel_gets_a_byte_order_mark_and_crlf(contacts, ok, tmp_path) -> None:
    target = tmp_path / "excel.csv"
    ok("export", "contacts", "--excel", "-o", str(target))
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfname,email,")
    assert b"\r\n" in data
    assert "João".encode() in data


def test_refused_exports_write_nothing(empty_db, ok, run, tmp_path) -> None:
    target = tmp_path / "x.json"
    result = run("export", "contacts", "--format", "json", "--excel", "-o", str(target))
    assert result.exit_code == 1
    assert "--excel is for CSV" in result.stderr
    assert not target.exists()
    assert run("export", "people").exit_code == 2
    missing = run("export", "deals", "-o", str(tmp_path / "nowhere" / "x.csv"))
    assert missing.exit_code == 1 and "no directory" in missing.stderr


def test_deals_and_activities_export(ok) -> None:
    ok("lead", "add", "Ana", "--company", "Acme")
    ok("deal", "open", "1", "--title", "=Big deal", "--value", "1200.5", "--close", "2026-12-01")
    ok("next", "1", "call", "Ring Ana", "--due", "2026-11-25")
    (deal,) = read_csv(ok("export", "deals").stdout)
    assert (deal["title"], deal["contact"], deal["company"], deal["value"]) == (
        "'=Big deal",
        "Ana",
        "Acme",
        "1200.5",
    )
    assert (deal["expected_close"], deal["status"], deal["probability"]) == (
        "2026-12-01",
        "open",
        "10",
    )
    (step,) = json.loads(ok("export", "activities", "--format", "json").stdout)
    assert (step["kind"], step["text"], step["contact"], step["due_date"]) == (
        "call",
        "Ring Ana",
        "Ana",
        "2026-11-25",
    )


def test_many_contacts_stream_out_in_batches_in_id_order(ok, db) -> None:
    ok("lead", "add", "First")
    count = BATCH * 2 + 7
    rows = [
        (f"P{n}", json.dumps({f"k{n % 3}": str(n)}) if n % 1000 == 0 else None)
        for n in range(count - 1)
    ]
    for start in range(0, len(rows), 500):  # a statement a chunk, on either database
        chunk = rows[start : start + 500]
        values = ", ".join(
            "('prospect', ?, false, false, '2026-11-23 09:00:00.000000', ?)" for _ in chunk
        )
        db(
            "INSERT INTO contacts (stage, name, email_flagged, starred, created_at, extra) "
            f"VALUES {values}",
            tuple(value for row in chunk for value in row),
        )
    result = ok("export", "contacts")
    rows = read_csv(result.stdout)
    assert len(rows) == count
    assert [int(r["id"]) for r in rows] == list(range(1, count + 1))
    assert {"k0", "k1", "k2"} <= set(rows[0])  # every extra key has its column
    assert result.stderr == f"Exported {count} contacts.\n"


def test_an_exported_contacts_csv_reimports_to_the_same_contacts(
    contacts, ok, db, tmp_path, monkeypatch
) -> None:
    exported = tmp_path / "contacts.csv"
    ok("export", "contacts", "--output", str(exported))
    before = contact_fields(db)

    monkeypatch.setenv("SALESFUNNEL_DB", str(tmp_path / "fresh.db"))
    # The funnel state (stage, statuses, list, id...) is salesfunnel's own: not re-imported,
    # and cells the export guarded against formulas come back as they were.
    imported = ok("prospect", "import", str(exported), "--list", "Back")
    assert "4 prospects" in imported.stderr
    with sqlite3.connect(tmp_path / "fresh.db") as fresh:
        after = contact_fields(lambda sql: fresh.execute(sql).fetchall())
    assert after == before


def contact_fields(query) -> list[tuple[object, ...]]:
    """What a contact is, apart from where it stands in the funnel (``query``: the ``db``
    fixture, or a function like it)."""
    if getattr(query, "dialect", "sqlite") == "sqlite":
        tags = "group_concat(tag, ',') FROM (SELECT tag FROM contact_tags AS t "
    else:
        tags = "string_agg(tag, ',' ORDER BY tag) FROM (SELECT tag FROM contact_tags AS t "
    rows = query(
        "SELECT c.name, c.email, c.phone, co.name, c.title, c.website, c.city, c.country, "
        f"c.source, c.notes, c.value, c.extra, (SELECT {tags}"
        " WHERE t.contact_id = c.id ORDER BY tag) AS tags) "
        "FROM contacts AS c LEFT JOIN companies AS co ON co.id = c.company_id ORDER BY c.id"
    )
    return [(*row[:11], json.loads(row[11] or "null") or {}, row[12]) for row in rows]


def test_cells_guarded_against_formulas_come_back_as_typed(ok, tmp_path, monkeypatch) -> None:
    ok("prospect", "add", "=Eve Tricky", "--title", "@growth", "--email", "eve@example.com")
    exported = tmp_path / "contacts.csv"
    ok("export", "contacts", "--output", str(exported))
    assert "'=Eve Tricky" in exported.read_text(encoding="utf-8")  # safe in a spreadsheet

    monkeypatch.setenv("SALESFUNNEL_DB", str(tmp_path / "fresh.db"))
    ok("prospect", "import", str(exported))
    with sqlite3.connect(tmp_path / "fresh.db") as connection:
        rows = connection.execute("SELECT name, title, extra FROM contacts").fetchall()
    assert rows == [("=Eve Tricky", "@growth", None)]  # and no funnel state as extra fields


def test_a_contact_updated_by_an_import_is_found_by_its_new_values(ok, tmp_path) -> None:
    ok("prospect", "add", "Eve Stone", "--email", "eve@example.com")
    update = tmp_path / "update.csv"
    update.write_text("name,email,company\nEve Stone,EVE@example.com,Zyxel Widgets\n")
    ok("prospect", "import", str(update), "--on-duplicate", "update")
    found = json.loads(ok("search", "zyxel", "--json").stdout)
    assert [c["id"] for c in found["contacts"]] == [1]
