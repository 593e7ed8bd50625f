"""`prospect import` on the files salespeople really have: every encoding, delimiter and
header language of SPEC §4, made by the project's generator (bench/gen_prospects.py),
imported with no options.

Each case reads the generated file back with the encoding and delimiter it was written
in, works out which contacts an import must keep (valid rows, deduplicated as
tests/dedupe_model.py says), and compares that with what the database holds.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

import gen_prospects
from conftest import index_names, on_server
from dedupe_model import Person, model_import
from salesfunnel.db.engine import open_engine

ROWS = 50
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "cp1252", "cp1251"]
DELIMITERS = [",", ";", "\t", "|"]
LANGUAGES = ["en", "pt", "es", "ru"]
# what detection must call each encoding (utf-8-sig and utf-16 by their BOM)
DETECTED = {"utf-8": "utf-8", "utf-8-sig": "utf-8-sig", "utf-16": "utf-16"}
DETECTED |= {"cp1252": "cp1252", "cp1251": "cp1251"}


def generate(path: Path, rows: int = ROWS, *options: str) -> Path:
    assert gen_prospects.main([str(rows), str(path), *options]) == 0
    return path


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated database, copied for each test: migrations run once, not per case."""
    path = tmp_path_factory.mktemp("template") / "funnel.db"
    open_engine(f"sqlite:///{path}").dispose()
    return path


@pytest.fixture
def migrated(template_db: Path, db_path: Path) -> Path:
    shutil.copy2(template_db, db_path)
    return db_path


def combinations() -> list[tuple[str, str, str]]:
    """Every encoding x delimiter x header language the encoding can write."""
    cases = []
    for encoding in ENCODINGS:
        for delimiter in DELIMITERS:
            for language in LANGUAGES:
                if (encoding, language) in {("cp1252", "ru"), ("cp1251", "pt"), ("cp1251", "es")}:
                    continue  # the code page can't hold those headers (Имя, Teléfono)
                cases.append((encoding, delimiter, language))
    return cases


def expected_contacts(path: Path, encoding: str, delimiter: str) -> set[tuple[str, str, str]]:
    """(name, email, phone) of the rows an import must keep, worked out independently."""
    text = path.read_bytes().decode(encoding)
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=delimiter))
    header, data = rows[0], rows[1:]
    split = len(header) == 10  # first + last name columns
    people = []
    for row in data:
        cells = [c.strip() for c in row]
        name = " ".join(p for p in cells[:2] if p) if split else cells[0]
        email, phone = cells[1 + split], cells[2 + split]
        if name or email or phone:
            people.append(Person(name, email, phone))
    return {(p.stored_name, p.email, p.phone) for p in model_import(people).kept}


def stored_contacts(db) -> set[tuple[str, str, str]]:
    rows = db("select name, coalesce(email, ''), coalesce(phone, '') from contacts")
    return {(str(n), str(e), str(p)) for n, e, p in rows}


@pytest.mark.parametrize(("encoding", "delimiter", "language"), combinations())
def test_every_format_imports_without_options(
    tmp_path, migrated, ok, db, encoding, delimiter, language
) -> None:
    seed = sum(map(ord, encoding + delimiter + language))
    split = ["--split-name"] if seed % 2 else []
    path = generate(
        tmp_path / f"list-{language}.csv",
        ROWS,
        *("--encoding", encoding, "--delimiter", delimiter, "--headers", language),
        *("--seed", str(seed), "--dup-rate", "0.1", "--no-contact-rate", "0.05", *split),
    )
    result = ok("prospect", "import", str(path), "--json")
    summary = json.loads(result.stdout)
    assert summary["encoding"] == DETECTED[encoding]
    assert summary["delimiter"] == delimiter
    expected = expected_contacts(path, encoding, delimiter)
    assert stored_contacts(db) == expected
    assert summary["imported"] == len(expected)
    assert summary["rows"] == ROWS
    assert summary["imported"] + summary["duplicates"] + summary["rejected"] == ROWS
    assert summary["list"] == f"list-{language}"
    assert f"Imported    {len(expected)} prospects into list 'list-{language}'" in result.stderr


@pytest.mark.parametrize("language", LANGUAGES)
def test_first_and_last_name_columns_are_joined(tmp_path, migrated, ok, db, language) -> None:
    path = generate(tmp_path / "split.csv", 20, "--headers", language, "--split-name")
    ok("prospect", "import", str(path))
    header = path.read_text(encoding="utf-8").splitlines()[0].split(",")
    first = next(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert header[:2] == first[:2]
    data = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))[1:]
    wanted = {" ".join(p for p in row[:2] if p) for row in data if row[0] or row[1]}
    names = {str(name) for (name,) in db("select name from contacts")}
    assert wanted <= names


@pytest.mark.slow
def test_a_big_list_streams_into_one_list_with_every_row_accounted_for(
    tmp_path, migrated, ok, db
) -> None:
    """Enough rows for several batches and the bulk path (indexes rebuilt at the end)."""
    path = generate(tmp_path / "fair.csv", 25_000, "--ragged-rate", "0.001")
    rejects = tmp_path / "rejects.csv"
    result = ok("prospect", "import", str(path), "--rejects", str(rejects), "--json")
    summary = json.loads(result.stdout)
    assert summary["rows"] == 25_000
    assert summary["imported"] + summary["duplicates"] + summary["rejected"] == 25_000
    # the generator repeats ~2% of people; those with another email stay
    assert summary["duplicates_in_file"] > 300
    assert db("select count(*) from contacts") == [(summary["imported"],)]
    assert db("select count(*) from lifecycle_events where action = 'created'") == [
        (summary["imported"],)
    ]
    indexes = index_names(db)
    assert {"ix_contacts_email_key", "ix_contacts_phone_key", "ix_contacts_source"} <= indexes
    if not on_server():  # SQLite's search index triggers, paused for the import
        triggers = {n for (n,) in db("select name from sqlite_master where type = 'trigger'")}
        assert "contacts_fts_insert" in triggers
    text = rejects.read_text(encoding="utf-8-sig")
    reasons = [row[1] for row in csv.reader(io.StringIO(text, newline=""))][1:]
    assert len(reasons) == summary["rejected"]
    assert any("fields where the header has 9" in reason for reason in reasons)
    assert any(reason == "no name, email or phone" for reason in reasons)


@pytest.fixture
def rebuilt(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the indexes a bulk import dropped and built again."""
    from salesfunnel.importing import writer

    names: list[str] = []
    restore = writer.SecondaryIndexes.restore

    def recording(self: writer.SecondaryIndexes, **kwargs: Any) -> None:
        before = {name for name, _sql, _columns in self._dropped}
        restore(self, **kwargs)
        names.extend(sorted(before - {name for name, _sql, _columns in self._dropped}))

    monkeypatch.setattr(writer.SecondaryIndexes, "restore", recording)
    return names


@pytest.mark.sqlite_only("SQLite's bulk mode (indexes dropped and built again)")
@pytest.mark.slow
def test_a_big_import_of_prospects_leaves_the_leads_indexes_alone(
    tmp_path, migrated, ok, db, rebuilt
) -> None:
    """No imported prospect can enter a partial index of leads: rebuilding one would only
    read the whole table, so it stays as it is while the rows go in."""
    ok("lead", "add", "Lia Lead", "--star")
    path = generate(tmp_path / "fair.csv", 25_000)
    summary = json.loads(ok("prospect", "import", str(path), "--json").stdout)
    assert set(rebuilt) == {
        "ix_contacts_company_id",
        "ix_contacts_email_key",
        "ix_contacts_phone_key",
        "ix_contacts_source",
    }
    assert db("pragma integrity_check") == [("ok",)]
    assert [lead["name"] for lead in json.loads(ok("lead", "list", "--json").stdout)] == [
        "Lia Lead"
    ]
    assert db("select count(*) from contacts where stage = 'prospect'") == [(summary["imported"],)]


@pytest.mark.sqlite_only("SQLite's bulk mode (indexes dropped and built again)")
@pytest.mark.slow
def test_a_big_import_of_leads_rebuilds_the_leads_indexes(
    tmp_path, migrated, ok, run, db, rebuilt
) -> None:
    path = generate(tmp_path / "fair.csv", 25_000)
    summary = json.loads(ok("prospect", "import", str(path), "--as-leads", "--json").stdout)
    assert {"ix_contacts_leads", "ix_contacts_open_leads"} <= set(rebuilt)
    assert "ix_contacts_referred_by" not in rebuilt  # an import never refers anyone
    assert db("pragma integrity_check") == [("ok",)]
    listed = run("lead", "list", "--limit", "5", "--json")
    assert listed.exit_code == 0
    assert len(json.loads(listed.stdout)) == 5
    assert f"Showing 5 of {summary['imported']} leads" in listed.stderr


@pytest.mark.sqlite_only("SQLite's full-text index")
@pytest.mark.slow
def test_a_big_import_is_indexed_for_search_by_the_first_search(tmp_path, migrated, ok, db) -> None:
    """Its rows are found at once (their keys are read), and indexed by the first search."""
    import sqlite3

    path = tmp_path / "fair.csv"
    generate(path, 25_000)
    with path.open(encoding="utf-8", newline="") as handle:
        last = list(csv.DictReader(handle))[-1]
    ok("prospect", "import", str(path))
    ok("prospect", "add", "Zed Tail", "--email", "zed@tail.example")  # a write leaves it too
    (highest,) = db("select max(id) from contacts")[0]
    assert db("select indexed_through from search_index_state where name = 'contacts'") == [(0,)]
    assert db("select count(*) from contacts_fts where contacts_fts match 'a*'") == [(0,)]

    with sqlite3.connect(migrated) as writer:  # another command writing: search won't wait
        writer.execute("BEGIN IMMEDIATE")
        found = json.loads(ok("search", last["email"], "--json").stdout)
        by_name = json.loads(ok("search", last["name"], "--all", "--json").stdout)
        writer.execute("ROLLBACK")
    assert [c["email"] for c in found["contacts"]] == [last["email"]]
    assert last["email"] in {c["email"] for c in by_name["contacts"]}
    assert db("select indexed_through from search_index_state where name = 'contacts'") == [(0,)]

    again = json.loads(ok("search", last["name"], "--all", "--json").stdout)
    assert again == by_name
    assert db("select indexed_through from search_index_state where name = 'contacts'") == [
        (highest,)
    ]
    assert db("select count(*) from contacts_fts where contacts_fts match 'a*'") != [(0,)]
    assert db("select count(*) from contacts_fts where contacts_fts match 'zed'") == [(1,)]
    db("insert into contacts_fts(contacts_fts) values('integrity-check')")


@pytest.mark.sqlite_only("SQLite's full-text index")
def test_a_small_import_is_searchable_through_the_index_at_once(tmp_path, migrated, ok, db) -> None:
    path = generate(tmp_path / "small.csv", 200)
    ok("prospect", "import", str(path))
    assert db("select indexed_through from search_index_state where name = 'contacts'") == db(
        "select max(id) from contacts"
    )
