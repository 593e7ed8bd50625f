"""`copy-to URL`: the whole database into another, empty one (moving house).

The test's database is copied into an SQLite file, and from there into another empty
database of its kind: on a server run, PostgreSQL into SQLite and back into a second,
empty server database, so both directions are tested there.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from sqlalchemy.engine import make_url

from conftest import on_server

LISTINGS = [
    ("lead", "list", "--team", "--all"),
    ("prospect", "list", "--team", "--all"),
    ("prospect", "lists"),
    ("deal", "list", "--status", "all", "--team", "--all"),
    ("customer", "list", "--team", "--all"),
    ("pipeline", "--team"),
    ("todo", "--team", "--all"),
    ("report", "funnel", "--by", "owner"),
    ("report", "sources"),
    ("report", "forecast"),
    ("source", "list"),
    ("config", "list"),
    ("undo", "--list"),
    ("search", "acme"),
    ("search", "leo"),
    ("show", "1"),
    ("show", "2"),
    ("show", "3"),
    ("show", "5"),
    ("deal", "show", "1"),
    ("deal", "show", "2"),
    ("lead", "show", "2"),
]


@pytest.fixture
def funnel(ok, tmp_path) -> None:
    """Something in every table: lists, leads, deals won and open, steps, tags, costs,
    a referral, an import, settings, a deal handed over, a contact undone (id 4: never again)."""
    ok("prospect", "add", "Pia Prospect", "--list", "Fair", "--company", "Acme")
    ok("lead", "add", "Leo Lead", "--email", "leo@example.com", "--tag", "vip", "--star")
    ok("lead", "qualify", "2", "--need", "--value", "1200")  # deal 1
    ok("lead", "add", "Cid Customer", "--company", "Acme", "--referred-by", "2")
    ok("deal", "open", "3", "--value", "900")  # deal 2
    ok("deal", "win", "2")
    ok("next", "2", "call", "Call Leo", "--due", "tomorrow", "--every", "1w")
    ok("log", "3", "note", "Happy customer")
    ok("source", "cost", "webinar", "250")
    ok("config", "set", "currency.default", "EUR")
    ok("deal", "assign", "1", "carla")
    ok("prospect", "add", "Tim Temp")
    ok("undo", "--yes")  # contact 4 goes: ids above it are never given out again
    csv = tmp_path / "prospects.csv"
    csv.write_text("name,email\nIra Import,ira@example.com\nJo Import,jo@example.com\n")
    ok("prospect", "import", str(csv), "--list", "Spring")


@pytest.fixture
def elsewhere(tmp_path, request) -> Iterator[str]:
    """Another empty database of the test's kind: an SQLite file not made yet, or a second
    database on the server (made and migrated, as the test's own is, and dropped after)."""
    if not on_server():
        yield str(tmp_path / "back.db")
        return
    from postgres_server import TestServer

    with TestServer(request.config.getoption("postgres"), suffix="copy") as url:
        yield url


def seen(run, database: object) -> list[tuple[int, str]]:
    return [
        (r.exit_code, r.stdout + r.stderr)
        for r in (run("--db", str(database), *command) for command in LISTINGS)
    ]


def test_a_copy_shows_everything_the_original_shows(
    ok, run, db_url, tmp_path, funnel, monkeypatch
) -> None:
    monkeypatch.chdir(tmp_path)
    target = tmp_path / "moved" / "team.db"
    before = seen(run, db_url)
    result = ok("copy-to", str(target))
    assert result.stderr.startswith("Copied ") and f" rows into {target} in " in result.stderr
    assert "5 contacts" in result.stderr and "2 deals" in result.stderr
    assert seen(run, target) == before
    assert seen(run, db_url) == before  # the original was only read
    assert run("--db", str(target), "check").exit_code == 0


def test_a_copy_gives_out_no_id_the_original_gave(ok, db, tmp_path, funnel) -> None:
    target = tmp_path / "team.db"
    ok("copy-to", str(target))
    [(highest,)] = db("SELECT max(id) FROM contacts")
    added = json.loads(ok("--db", str(target), "lead", "add", "New", "--json").stdout)
    ours = json.loads(ok("lead", "add", "New", "--json").stdout)
    assert added["id"] == ours["id"] > highest


def test_the_copy_is_undone_where_the_original_would_be(ok, db_path, tmp_path, funnel) -> None:
    target = tmp_path / "team.db"
    ok("copy-to", str(target))
    assert ok("--db", str(target), "undo", "--yes").stderr == ok("undo", "--yes").stderr


def test_a_target_holding_data_is_refused_and_left_alone(run, ok, tmp_path, funnel) -> None:
    target = tmp_path / "other.db"
    ok("--db", str(target), "lead", "add", "Someone else")
    size = target.stat().st_size
    result = run("copy-to", str(target))
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {target} already holds data (contacts: 1): copy-to fills an empty database only\n"
    )
    assert (
        json.loads(ok("--db", str(target), "lead", "list", "--team", "--json").stdout)[0]["name"]
        == "Someone else"
    )
    assert target.stat().st_size == size


def test_the_database_itself_is_refused(run, db, db_path, db_url, funnel, monkeypatch) -> None:
    contacts = db("SELECT count(*) FROM contacts")
    if on_server():  # its URL as given, and with the driver named: a message hides a password
        url = make_url(db_url)
        driver = url.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
        for same in (db_url, driver):
            result = run("copy-to", same)
            where = make_url(same).render_as_string(hide_password=True)
            assert result.exit_code == 1, same
            assert result.stderr == (
                f"Error: {where} is the database being copied: copy it to another one\n"
            )
            assert url.password is None or url.password not in result.stderr
        assert db("SELECT count(*) FROM contacts") == contacts
        return
    monkeypatch.chdir(db_path.parent)
    for same in (str(db_path), db_path.name, f"sqlite:///{db_path}"):
        result = run("copy-to", same)
        assert result.exit_code == 1, same
        assert result.stderr == (
            f"Error: {db_path} is the database being copied: copy it to another one\n"
        )
    assert db("SELECT count(*) FROM contacts") == contacts


def test_a_copy_of_a_copy_comes_back_the_same(
    ok, run, db, db_url, tmp_path, elsewhere, funnel
) -> None:
    """Both ways: into a new file, and from that file into another empty database of the
    original's kind (on a server run: PostgreSQL into SQLite, SQLite into PostgreSQL)."""
    there = tmp_path / "there.db"
    ok("copy-to", str(there))
    ok("--db", str(there), "copy-to", elsewhere)
    assert seen(run, elsewhere) == seen(run, db_url)
    [(highest,)] = db("SELECT max(id) FROM contacts")
    added = json.loads(ok("--db", elsewhere, "lead", "add", "New", "--json").stdout)
    ours = json.loads(ok("lead", "add", "New", "--json").stdout)
    assert added["id"] == ours["id"] > highest  # the ids handed out come back too


def test_copy_to_json_says_what_was_copied(ok, tmp_path, funnel) -> None:
    done = json.loads(ok("copy-to", str(tmp_path / "team.db"), "--json").stdout)
    tables = {t["table"]: t["rows"] for t in done["tables"]}
    assert (done["contacts"], done["deals"]) == (5, 2)
    # currency.default, and on an SQLite file whose it is (user.name; never a server's)
    assert tables["contacts"] == 5 and tables["settings"] >= (1 if on_server() else 2)
    assert tables["undo_commands"] >= 10 and tables["import_batches"] == 1
    assert done["rows"] == sum(tables.values())
    assert "search_index_state" not in tables


@pytest.mark.sqlite_only("a database file not made yet")
def test_nothing_to_copy_is_refused_and_makes_nothing(run, db_path, tmp_path) -> None:
    target = tmp_path / "team.db"
    result = run("copy-to", str(target))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: no database at {db_path} yet")
    assert not target.exists() and not db_path.exists()


def test_an_empty_database_copies_as_empty(ok, empty_db, tmp_path) -> None:
    target = tmp_path / "team.db"
    done = json.loads(ok("copy-to", str(target), "--json").stdout)
    if on_server():  # a server's settings hold no one's name: nothing at all
        assert (done["rows"], done["contacts"]) == (0, 0)
        assert [t["table"] for t in done["tables"] if t["rows"]] == []
    else:
        assert (done["rows"], done["contacts"]) == (1, 0)  # its one setting: whose it is
        assert [t["table"] for t in done["tables"] if t["rows"]] == ["settings"]
    assert json.loads(ok("--db", str(target), "lead", "list", "--team", "--json").stdout) == []


def test_a_server_database_is_itself_whichever_driver_or_default_port_its_url_spells() -> None:
    from salesfunnel.services.moving import same_database

    plain = "postgresql://ana:secret@db.example.com/sales"
    for same in (
        plain,
        "postgresql+psycopg://ana:secret@db.example.com/sales",
        "postgresql://bob@DB.example.com:5432/sales",
    ):
        assert same_database(plain, same), same
    for other in (
        "postgresql://ana:secret@db.example.com/sales2",
        "postgresql://ana:secret@db.example.com:5433/sales",
        "postgresql://ana:secret@other.example.com/sales",
        "sqlite:///sales",
        "sales",
    ):
        assert not same_database(plain, other), other
