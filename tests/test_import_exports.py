"""Real exports, imported with no options: every person arrives with their name, email and
phone where the file has them, and every row of the file is accounted for.

The samples are in tests/data/exports/ (made by make_samples.py there): one per program,
with the program's own headers and quirks -- byte-order marks, CRLF, LinkedIn's notes
above the header, Salesforce's footer under the table, Outlook's short rows, localized
headers in the code page a localized Outlook or Excel writes, Excel's text marks and
placeholders, headers no table knows, a list in two encodings.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from salesfunnel.db.engine import open_engine

EXPORTS = Path(__file__).parent / "data" / "exports"

# file -> (name, email, phone) of each person, in file order; then rejected and blank lines
EXPECTED: dict[str, tuple[list[tuple[str, str | None, str | None]], int, int]] = {
    "google_contacts.csv": ([
        ("Ada Lovelace", "ada@engines.example", "+44 20 7946 0100"),
        ("Grace Hopper", "grace@navy.example", None),
        ("Alan Turing", None, "+44 161 496 0000"),
        ("Edsger Dijkstra", "edsger@tue.example", None),
    ], 0, 0),
    "google_csv_legacy.csv": ([
        ("Zoë Ångström", "zoe@angstrom.example", "+46 70 123 45 67"),
        ("Иван Петров", "ivan@petrov.example", "+7 495 123-45-67"),
        ("José Núñez", None, "+34 612 34 56 78"),
    ], 0, 0),
    "outlook_en.csv": ([
        ("John Smith", "john@northwind.example", "(206) 555-0100"),
        ("Mary Jones", "mary@northwind.example", "(206) 555-0199"),
        ("Peter Brown", None, "+1 415 555 0144"),
    ], 0, 0),
    "outlook_pt.csv": ([
        ("João Gonçalves", "joao@padariaestrela.example", "(11) 3456-7890"),
        ("Márcia Simões", "marcia@padariaestrela.example", "(11) 3456-7800"),
        ("Conceição Araújo", None, "(21) 99876-1234"),
    ], 0, 0),
    "outlook_es.csv": ([
        ("Íñigo Ibáñez Peña", "inigo@nunez.example", "944 123 456"),
        ("María Muñoz", "maria@munoz.example", None),
        ("Begoña Ortiz", None, "699 111 222"),
    ], 0, 0),
    "outlook_ru.csv": ([
        ("Иван Сергеевич Петров", "petrov@romashka.example", "+7 495 123-45-67"),
        ("Анна Смирнова", "smirnova@romashka.example", "+7 495 123-45-00"),
        ("Пётр Ёлкин", None, "+7 921 000-11-22"),
    ], 0, 0),
    "outlook_fr.csv": ([
        ("Hélène Lefèvre", "helene@lefevre.example", "04 72 00 00 01"),
        ("François Dubois", "francois@dubois.example", None),
        ("Zoé Mercier", None, "07 98 76 54 32"),
    ], 0, 0),
    "outlook_de.csv": ([
        ("Jürgen Müller", "juergen@mueller.example", "+49 89 1234567"),
        ("Birgit Groß", "birgit@gross.example", None),
        ("Uwe Schäfer", None, "+49 30 987654"),
    ], 0, 0),
    "linkedin_connections.csv": ([
        ("Priya Patel", "priya@figma.example", None),
        ("Daniel Kim", None, None),
        ("Sarah Chen", "sarah@acme.example", None),
    ], 0, 0),
    "hubspot_contacts.csv": ([
        ("Lucas Almeida", "lucas@almeida.example", "+55 11 3333-4444"),
        ("Emma Wilson", "emma@wilson.example", "+1 617 555 0123"),
        ("Noah", None, "+1 617 555 0999"),
    ], 0, 0),
    "salesforce_contacts_report.csv": ([
        ("Tom Baker", "tom@bakerfoods.example", "(303) 555-0100"),
        ("Lisa Ray", "lisa@raypartners.example", "(512) 555-0133"),
        ("Omar Haddad", None, "(713) 555-0170"),
    ], 3, 2),  # its footer: "Grand Totals (3 records)", "Confidential...", "Copyright..."
    "salesforce_leads_api.csv": ([
        ("Nina Kowalski", "nina@kowalski.example", "+48 22 123 45 67"),
        ("Raj Mehta", None, "+91 98200 12345"),
    ], 0, 0),
    "salesforce_dataloader_contacts.csv": ([
        ("Helga Lindqvist", "helga@lindqvist.example", "+46 8 123 456 78"),
        ("Marco Bianchi", None, "+39 333 123 4567"),
    ], 0, 0),
    "pipedrive_persons.csv": ([
        ("Katarina Novak", "katarina@novak.example", "+386 1 234 5678"),
        ("Pablo Ruiz", "pablo@ruiz.example", "+34 699 000 111"),
    ], 0, 0),
    "pipedrive_people_list.csv": ([
        ("Jan de Vries", "jan@devries.example", "+31 20 123 4567"),
        ("Eva Horváth", None, "+36 1 234 5678"),
    ], 0, 0),
    "zoho_contacts.csv": ([
        ("Aiko Tanaka", "aiko@tanaka.example", "+81 3 1234 5678"),
        ("Ben Okafor", None, "+234 803 123 4567"),
    ], 0, 0),
    "zoho_leads.csv": ([
        ("Mary Ames", "mary@hillcrest.example", "614-555-0400"),
        ("Ken Ito", None, "614-555-0466"),
    ], 0, 0),
    "apollo_contacts.csv": ([
        ("Olivia Garcia", "olivia@brightwave.example", "+1 512-555-0180"),
        ("Liam Nguyen", "liam@nguyenlabs.example", "+1 415-555-0190"),  # its corporate phone
        ("Sofia Rossi", None, "+39 06 1234 5678"),
    ], 0, 0),
    "mailchimp_subscribed.csv": ([
        ("Chloé Martin", "chloe@martin.example", None),
        ("ravi@kumar.example", "ravi@kumar.example", "+91 98765 43210"),
    ], 0, 0),
    "hand_en.csv": ([
        ("Kim Lee", "kim@lee.example", "+1 (555) 010-7788"),
        ("Tom Park", None, "0044 20 7946 0958"),
        ("Amy Stone", "amy@stone.example", None),
    ], 0, 0),
    "hand_pt.csv": ([
        ("Ana Souza", "ana@souza.example", "(21) 3333-4444"),
        ("Luís Conceição", "luis@conceicao.example", "011 98765-4321"),
        ("Fátima Gonçalves", None, "(31) 3222-1111"),
    ], 0, 0),
    "hand_es.csv": ([
        ("Íñigo Ibáñez", "inigo@ibanez.example", "612 345 678"),
        ("María José Peña", None, "+34 699 123 456"),
        ("Andrés Gómez", "andres@gomez.example", None),
    ], 0, 0),
    "hand_ru.csv": ([
        ("Петров Иван Сергеевич", "petrov@romashka.example", "8 912 345-67-89"),
        ("Смирнова Анна", None, "+7 (921) 000-11-22"),
        ("Ёлкин Пётр", "elkin@pochta.example", None),
    ], 0, 0),
    "unknown_headers.csv": ([
        ("joao@padariaestrela.example", "joao@padariaestrela.example", "(11) 98765-4321"),
        ("marcia@bompreco.example", "marcia@bompreco.example", "(11) 3456-7890"),
        ("ze@oficina.example", "ze@oficina.example", None),
        ("+55 21 99999-8888", None, "+55 21 99999-8888"),
    ], 0, 0),
    "mixed_encodings.csv": ([
        ("João Gonçalves", "joao@x.example", "(11) 91111-1111"),
        ("Conceição Araújo", "conceicao@y.example", "(11) 92222-2222"),
        ("Simões Brandão", "simoes@z.example", "(11) 93333-3333"),
    ], 0, 0),
}  # fmt: skip


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated database, copied for each sample."""
    path = tmp_path_factory.mktemp("template") / "funnel.db"
    open_engine(f"sqlite:///{path}").dispose()
    return path


def test_every_sample_is_expected() -> None:
    assert sorted(EXPECTED) == sorted(p.name for p in EXPORTS.glob("*.csv"))


@pytest.mark.parametrize("sample", sorted(EXPECTED))
def test_an_export_imports_with_no_options(sample, template, db_path, ok, db) -> None:
    shutil.copy2(template, db_path)
    people, rejected, blank = EXPECTED[sample]
    summary = json.loads(ok("prospect", "import", str(EXPORTS / sample), "--json").stdout)
    assert db("select name, email, phone from contacts order by id") == people
    assert (summary["imported"], summary["rejected"], summary["blank"]) == (
        len(people),
        rejected,
        blank,
    )
    # every row of the file is accounted for
    assert summary["rows"] == summary["imported"] + summary["duplicates"] + summary["rejected"]


def test_a_contacts_other_emails_and_phones_are_kept_and_found(template, db_path, ok, db) -> None:
    shutil.copy2(template, db_path)
    ok("prospect", "import", str(EXPORTS / "outlook_en.csv"))
    extra = json.loads(str(db("select extra from contacts where name = 'John Smith'")[0][0]))
    assert extra["E-mail 2 Address"] == "jsmith@home.example"
    assert extra["Mobile Phone"] == "(206) 555-0101"
    assert extra["Company Main Phone"] == "(206) 555-0199"
    assert extra["Title"] == "Mr."  # Outlook's courtesy title: the job title is the title
    for other in ("jsmith@home.example", "jsmith@home", "206 555 0101", "555-0101"):
        found = json.loads(ok("search", other, "--json").stdout)
        assert [c["name"] for c in found["contacts"]] == ["John Smith"], other


def test_the_dry_run_says_which_columns_it_read_from_their_content(ok) -> None:
    result = ok("prospect", "import", str(EXPORTS / "unknown_headers.csv"), "--dry-run")
    assert "Contato principal  email    read as email from its content" in result.stdout
    assert "Col3               phone    read as phone from its content" in result.stdout
    plan = json.loads(
        ok("prospect", "import", str(EXPORTS / "unknown_headers.csv"), "--dry-run", "--json").stdout
    )
    assert [c["how"] for c in plan["columns"]] == [
        "guessed", "read as email from its content", "read as phone from its content",
        "guessed",
    ]  # fmt: skip


def test_the_dry_run_finds_the_header_under_linkedins_notes(ok) -> None:
    result = ok("prospect", "import", str(EXPORTS / "linkedin_connections.csv"), "--dry-run")
    assert "header     line 4 (2 lines of notes above it, skipped)" in result.stdout
    plan = json.loads(
        ok("prospect", "import", str(EXPORTS / "linkedin_connections.csv"), "--dry-run",
           "--json").stdout
    )  # fmt: skip
    assert (plan["header_line"], plan["notes_above"]) == (4, 2)
    assert [c["field"] for c in plan["columns"]][:4] == [
        "first_name", "last_name", "website", "email",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("sample", "expected"),
    [
        # Salesforce Data Loader: API names in upper case, with no space to split them on
        ("salesforce_dataloader_contacts.csv", ("Helga Lindqvist", "Chief Buyer", "Stockholm",
                                                "Sweden", None)),
        ("zoho_leads.csv", ("Mary Ames", "Pastor", "Columbus", "United States",
                            "Hillcrest Church")),
        ("apollo_contacts.csv", ("Olivia Garcia", "VP Sales", "Austin", "United States",
                                 "Brightwave")),
        ("pipedrive_people_list.csv", ("Jan de Vries", None, None, None, "De Vries B.V.")),
    ],
)  # fmt: skip
def test_a_crms_columns_land_in_their_fields(sample, expected, template, db_path, ok, db) -> None:
    shutil.copy2(template, db_path)
    ok("prospect", "import", str(EXPORTS / sample))
    first = db(
        "select c.name, c.title, c.city, c.country, co.name from contacts c"
        " left join companies co on co.id = c.company_id order by c.id limit 1"
    )[0]
    assert first == expected


def test_googles_several_values_in_one_cell_are_split(template, db_path, ok, db) -> None:
    """Google Contacts joins a person's several work emails (or mobiles, or labels) with
    " ::: " in one cell: the first is the contact's, the others kept and searched."""
    shutil.copy2(template, db_path)
    ok("prospect", "import", str(EXPORTS / "google_contacts.csv"))
    assert db("select email, email_flagged from contacts where name = 'Grace Hopper'") == [
        ("grace@navy.example", 0)
    ]
    assert db("select phone from contacts where name = 'Alan Turing'") == [("+44 161 496 0000",)]
    extra = json.loads(str(db("select extra from contacts where name = 'Grace Hopper'")[0][0]))
    assert extra["E-mail 1 - Value"] == "g.hopper@mail.example"
    for other, who in (("g.hopper@mail.example", "Grace Hopper"), ("7700 900123", "Alan Turing")):
        found = json.loads(ok("search", other, "--json").stdout)
        assert [c["name"] for c in found["contacts"]] == [who], other
    shown = json.loads(ok("show", "1", "--json").stdout)
    assert shown["tags"] == ["clients"]  # "* myContacts" is every Google contact's group
