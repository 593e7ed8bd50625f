"""`search`: case- and accent-insensitive, by name, email, phone, company or deal title."""

from __future__ import annotations

import json
import sqlite3

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salesfunnel.domain.text import fold, search_key_for, search_terms
from salesfunnel.errors import BadValue


@pytest.fixture
def people(ok) -> None:
    ok(
        "lead",
        "add",
        "João Silva",
        "--email",
        "joao.silva@example.com.br",
        "--phone",
        "+351 912 345 678",
        "--company",
        "Construtora Atlântico",
    )  # 1
    ok("lead", "add", "Lucía Núñez", "--email", "lucia@example.es", "--company", "Clínica Núñez")
    ok("prospect", "add", "Алексей Кузнецов", "--phone", "8 (495) 123-45-67")  # 3
    ok("lead", "add", "Ana Souza", "--company", "Construtora Atlântico")  # 4
    ok("deal", "open", "2", "--title", "Renovação do contrato", "--value", "900")  # deal 1


def search(ok, *words: str) -> dict:
    return json.loads(ok("search", *words, "--json").stdout)


def names(result: dict) -> list[str]:
    return [c["name"] for c in result["contacts"]]


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("joao", ["João Silva"]),
        ("JOÃO", ["João Silva"]),
        ("nunez", ["Lucía Núñez"]),
        ("NÚÑEZ", ["Lucía Núñez"]),
        ("lucia", ["Lucía Núñez"]),
        ("silv", ["João Silva"]),  # a word's start is enough
        ("кузнецов", ["Алексей Кузнецов"]),
        ("АЛЕКСЕЙ", ["Алексей Кузнецов"]),
        ("lucia@example.es", ["Lucía Núñez"]),
        ("example.com.br", ["João Silva"]),
        ("atlantico", ["Ana Souza", "João Silva"]),  # by company; newest first
        ("joao silva", ["João Silva"]),  # every word must match
        ("souza atlantico", ["Ana Souza"]),
    ],
)
def test_names_emails_and_companies_are_found_whatever_the_case_and_accents(
    people, ok, query, found
) -> None:
    assert names(search(ok, query)) == found


@pytest.mark.parametrize(
    "query", ["912345678", "912 345 678", "+351 912 345 678", "+351912", "351 912", "5678"]
)
def test_a_phone_is_found_by_its_start_or_its_end(people, ok, query) -> None:
    assert names(search(ok, query)) == ["João Silva"]


def test_a_russian_phone_with_punctuation_is_found(people, ok) -> None:
    assert names(search(ok, "123-45-67")) == ["Алексей Кузнецов"]
    assert names(search(ok, "(495) 123 45 67")) == ["Алексей Кузнецов"]  # without the 8
    assert names(search(ok, "495 123")) == []  # the middle of a number: not a start or end


def test_an_email_address_is_found_by_its_start(people, ok) -> None:
    assert names(search(ok, "LUCIA@Example.es")) == ["Lucía Núñez"]
    assert names(search(ok, "joao.silva@")) == ["João Silva"]
    assert names(search(ok, "joao.silva@example.es")) == []
    assert search(ok, "lucia@example.es")["companies"] == []
    # A domain alone is words: everyone whose address has them.
    assert names(search(ok, "@example.es")) == ["Lucía Núñez"]


def test_companies_and_deals_are_found_too(people, ok) -> None:
    result = search(ok, "nunez")
    assert [c["name"] for c in result["companies"]] == ["Clínica Núñez"]
    assert result["companies"][0]["contacts"] == 1
    assert result["companies"][0]["open_deals"] == 1
    deals = search(ok, "renovacao")["deals"]
    assert [(d["id"], d["title"], d["contact"]) for d in deals] == [
        (1, "Renovação do contrato", "Lucía Núñez")
    ]
    atlantico = search(ok, "atlantico")
    assert atlantico["companies"][0]["contacts"] == 2
    assert atlantico["contacts_total"] == 2 and atlantico["deals_total"] == 0


def test_no_match_is_an_empty_result_and_exit_0(people, ok) -> None:
    result = ok("search", "zebra")
    assert result.stdout == ""
    assert "Nothing matches 'zebra'" in result.stderr
    assert search(ok, "zebra") == {
        "query": "zebra",
        "contacts": [],
        "contacts_total": 0,
        "companies": [],
        "companies_total": 0,
        "deals": [],
        "deals_total": 0,
    }
    assert search(ok, "joao", "nunez")["contacts"] == []  # no one has both


def test_nothing_to_search_for_is_refused(empty_db, run) -> None:
    result = run("search", "--", "!!")
    assert result.exit_code == 1
    assert "nothing to search for" in result.stderr
    assert result.stdout == ""


def test_text_output_shows_each_kind_in_a_table(people, ok) -> None:
    out = ok("search", "nunez").stdout
    assert out.startswith("Contacts (1)\n")
    assert "Lucía Núñez" in out and "Companies (1)" in out and "Clínica Núñez" in out


def test_a_page_of_matches_says_how_many_more(ok) -> None:
    for n in range(1, 5):
        ok("lead", "add", f"Maria {n}")
    result = ok("search", "maria", "--limit", "3", "--json")
    page = json.loads(result.stdout)
    assert names(page) == ["Maria 4", "Maria 3", "Maria 2"]  # newest first
    assert page["contacts_total"] == 4
    assert "Not shown: 1 more contacts" in result.stderr
    everything = ok("search", "maria", "--all", "--json")
    assert len(json.loads(everything.stdout)["contacts"]) == 4
    assert everything.stderr == ""


@pytest.mark.sqlite_only("SQLite's full-text index")
def test_new_contacts_are_indexed_as_they_are_written(people, db) -> None:
    assert db("select name, indexed_through from search_index_state order by name") == [
        ("companies", 2),
        ("contacts", 4),
        ("deals", 1),
    ]
    indexed = db("select rowid from contacts_fts where contacts_fts match 'atlantico' order by 1")
    assert indexed == [(1,), (4,)]


@pytest.mark.sqlite_only("SQLite's full-text index")
def test_rows_written_without_catching_up_are_still_found(people, ok, db_path, db) -> None:
    """A bulk writer that has not caught the index up yet: its rows are above the mark."""
    key = search_key_for("Íñigo Peña", "inigo@example.es")
    with sqlite3.connect(db_path) as connection:
        connection.execute(
            "INSERT INTO contacts (id, stage, name, email, email_flagged, starred, created_at, "
            "search_key) VALUES (10, 'prospect', 'Íñigo Peña', 'inigo@example.es', 0, 0, "
            "'2026-11-23 09:00:00.000000', ?)",
            (key,),
        )
    assert names(search(ok, "pena")) == ["Íñigo Peña"]
    assert db("select indexed_through from search_index_state where name = 'contacts'") == [(4,)]
    ok("lead", "add", "Zoe")  # the next write catches the index up
    assert db("select indexed_through from search_index_state where name = 'contacts'") == [(11,)]
    assert db("select rowid from contacts_fts where contacts_fts match 'pena'") == [(10,)]
    assert names(search(ok, "inigo")) == ["Íñigo Peña"]


@pytest.mark.sqlite_only("SQLite's full-text index")
def test_changed_and_deleted_rows_leave_the_index(people, ok, db_path, db) -> None:
    """As `prospect import --on-duplicate update` and `undo-import` change rows in SQL."""
    with sqlite3.connect(db_path) as connection:
        connection.execute(
            "UPDATE contacts SET name = 'Ana Pereira', search_key = ? WHERE id = 4",
            (search_key_for("Ana Pereira", None, None, "Construtora Atlântico"),),
        )
    assert names(search(ok, "souza")) == []
    assert names(search(ok, "pereira")) == ["Ana Pereira"]
    with sqlite3.connect(db_path) as connection:
        connection.execute("DELETE FROM contacts WHERE id = 4")
    assert names(search(ok, "atlantico")) == ["João Silva"]
    # Deleting the newest contact lowers the mark (a company or deal taking its id again
    # is indexed); a contact's id is never given out again (migration 0007).
    assert db("select indexed_through from search_index_state where name = 'contacts'") == [(3,)]
    ok("lead", "add", "Ana Souza Nova")
    assert db("select max(id) from contacts") == [(5,)]
    assert names(search(ok, "nova")) == ["Ana Souza Nova"]
    db("insert into contacts_fts(contacts_fts) values('integrity-check')")


@pytest.mark.sqlite_only("SQLite's full-text index")
def test_without_the_full_text_index_search_reads_the_keys(people, ok, db_path) -> None:
    """The path PostgreSQL takes: LIKE over search_key."""
    with sqlite3.connect(db_path) as connection:
        connection.execute("DELETE FROM search_index_state")
    assert names(search(ok, "nunez")) == ["Lucía Núñez"]
    assert names(search(ok, "912 345 678")) == ["João Silva"]
    assert search(ok, "atlantico")["contacts_total"] == 2


# --- folding and keys ---------------------------------------------------------------------------
def test_keys_fold_case_and_accents_and_keep_phone_digits() -> None:
    assert fold("Núñez ÇÃO Ёлка straße") == "nunez cao елка strasse"
    assert search_key_for("João", "J@X.COM", "+351 912-345", "Atlântico") == (
        "joao j@x.com 351912345 atlantico x543219153"
    )
    assert search_key_for(None) is None


def test_a_search_is_read_as_words_or_as_a_phone() -> None:
    assert search_terms("  João  SILVA ").words == ("joao", "silva")
    assert search_terms("ana@acme.com").words == ("ana", "acme", "com")
    assert search_terms("Ana@Acme.com").email_prefix == "ana@acme.com"
    assert search_terms("@acme.com").email_prefix is None
    phone = search_terms("+351 (912) 345-678")
    assert phone.phone_digits == "351912345678"
    assert search_terms("2026 fair").phone_digits is None
    with pytest.raises(BadValue):
        search_terms("--- !!")


@given(st.text(min_size=1, max_size=40))
def test_every_word_of_a_name_finds_its_key(name: str) -> None:
    key = search_key_for(name)
    try:
        terms = search_terms(name)
    except BadValue:
        return
    assert key is not None
    key_words = key.replace(".", " ").split()
    for word in terms.words:
        assert fold(word) == word
        if terms.phone_digits is None:
            assert any(word in k for k in key_words)


@pytest.mark.sqlite_only("SQLite's full-text index")
def test_the_index_keeps_no_token_positions(people, db) -> None:
    """Migration 0004: prefix words need no positions, and the index builds faster without."""
    for table in ("contacts", "companies", "deals"):
        (sql,) = db("select sql from sqlite_master where name = ?", (f"{table}_fts",))[0]
        assert "detail = none" in sql and "columnsize = 0" in sql
    db("insert into contacts_fts(contacts_fts) values('integrity-check')")


def test_a_word_the_index_splits_in_two_is_still_found(ok) -> None:
    """New Tai Lue vowel signs are letters to Python but separators to SQLite's tokenizer:
    the word is a phrase, which an index without positions refuses; the keys are read."""
    ok("lead", "add", "Tha\u19b0o Lue")
    ok("lead", "add", "Somebody Else")
    found = search(ok, "tha\u19b0o")
    assert names(found) == ["Tha\u19b0o Lue"]
    assert found["contacts_total"] == 1
    assert names(search(ok, "lue")) == ["Tha\u19b0o Lue"]


@pytest.mark.sqlite_only("an SQLite file made at an older schema")
def test_a_database_upgraded_from_0003_finds_what_it_held(ok, db_path, db) -> None:
    from sqlalchemy import create_engine

    from salesfunnel.db import migrate
    from salesfunnel.db.sqlite import SCHEMA_HEAD

    engine = create_engine(f"sqlite:///{db_path}")
    try:
        migrate.upgrade(engine, "0003")
        with engine.begin() as connection:
            connection.exec_driver_sql(
                "INSERT INTO contacts (stage, name, lead_status, email_flagged, starred, "
                "created_at, search_key) VALUES ('lead', 'Olga Old', 'new', 0, 0, "
                "'2026-01-05 10:00:00.000000', 'olga old')"
            )
            connection.exec_driver_sql(
                "INSERT INTO contacts_fts (rowid, search_key) VALUES (1, 'olga old')"
            )
            connection.exec_driver_sql(
                "UPDATE search_index_state SET indexed_through = 1 WHERE name = 'contacts'"
            )
    finally:
        engine.dispose()

    assert names(search(ok, "olga")) == ["Olga Old"]
    assert db("select version_num from alembic_version") == [(SCHEMA_HEAD,)]
    assert db("select indexed_through from search_index_state where name = 'contacts'") == [(1,)]
    assert db("select rowid from contacts_fts where contacts_fts match 'old'") == [(1,)]
