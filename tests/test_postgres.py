"""What differs on PostgreSQL (docs/postgres.md): the SQL as psycopg takes it, search
on its own index, instants whatever the server's zone.  The tests that need a server
ask the test's database which one it is (``--postgres``), and check SQLite's
counterpart otherwise."""

from __future__ import annotations

import json
import os
import re

from hypothesis import given
from hypothesis import strategies as st

from conftest import on_server
from salesfunnel.db.dialect import alchemy_url, libpq_url, pyformat, safe_url
from salesfunnel.db.postgres import translated

NAMES = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,8}", fullmatch=True)
LITERALS = st.text(alphabet="ab%:?' ", max_size=8).map(lambda t: "'" + t.replace("'", "''") + "'")


@given(names=st.lists(NAMES, min_size=1, max_size=4), literal=LITERALS)
def test_named_parameters_become_psycopgs_and_literals_keep_their_text(names, literal) -> None:
    sql = f"SELECT {literal}, x::text, " + ", ".join(f":{name}" for name in names) + " WHERE a % 2"
    converted = pyformat(sql)
    assert converted == (
        f"SELECT {literal.replace('%', '%%')}, x::text, "
        + ", ".join(f"%({name})s" for name in names)
        + " WHERE a %% 2"
    )


def test_the_importers_sqlite_words_become_postgresqls() -> None:
    assert translated("INSERT OR IGNORE INTO contact_tags (contact_id, tag) VALUES (?, ?)") == (
        "INSERT INTO contact_tags (contact_id, tag) VALUES (%s, %s) ON CONFLICT DO NOTHING"
    )
    assert translated("SELECT 1 FROM temp.x WHERE a IS NOT b AND c IS d AND e IS NULL") == (
        "SELECT 1 FROM pg_temp.x WHERE a IS DISTINCT FROM b AND c IS NOT DISTINCT FROM d "
        "AND e IS NULL"
    )
    assert translated("SELECT :first, 'a?b', '5%'") == "SELECT %(first)s, 'a?b', '5%%'"


def test_both_spellings_of_a_server_url_reach_psycopg_and_sqlalchemy_alike() -> None:
    for url in ("postgresql://me:pw@db/sales", "postgresql+psycopg://me:pw@db/sales"):
        assert libpq_url(url) == "postgresql://me:pw@db/sales"
        assert alchemy_url(url) == "postgresql+psycopg://me:pw@db/sales"
        assert "pw" not in safe_url(url) and "db/sales" in safe_url(url)


def test_search_reads_its_index_not_the_table(ok, db) -> None:
    for n in range(30):
        ok("lead", "add", f"Person {n}", "--email", f"p{n}@example.com")
    ok("lead", "add", "Lucía Núñez", "--company", "Clínica Sol")
    found = json.loads(ok("search", "nunez", "--json").stdout)
    assert [c["name"] for c in found["contacts"]] == ["Lucía Núñez"]
    assert json.loads(ok("search", "uñez", "--json").stdout)["contacts_total"] == 0  # a prefix
    if on_server():
        db("SET enable_seqscan = off")  # as on a big table, where the planner picks it
        plan = " ".join(
            row[0]
            for row in db("EXPLAIN SELECT id FROM contacts WHERE search_key ~ ?", ("(^|x)nunez",))
        )
        assert "ix_contacts_search_key_trgm" in plan
    else:
        plan = " ".join(
            str(row[-1])
            for row in db(
                "EXPLAIN QUERY PLAN SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH ?",
                ('"nunez"*',),
            )
        )
        assert "VIRTUAL TABLE INDEX" in plan


def test_instants_are_instants_whatever_the_servers_zone(ok, db) -> None:
    ok("lead", "add", "Ana")
    # Stored in UTC, read back as the same instant (SALESFUNNEL_NOW in conftest: 09:00 UTC).
    assert db("select created_at from contacts") == [("2026-11-23 09:00:00.000000",)]
    shown = json.loads(ok("lead", "show", "1", "--json").stdout)
    assert shown["created_at"].startswith("2026-11-23T09:00:00")
    if on_server():
        import psycopg

        with psycopg.connect(os.environ["SALESFUNNEL_DB"]) as plain:  # the server's own zone
            (zone,) = plain.execute("SHOW TimeZone").fetchone() or ("",)
        assert zone != "UTC"  # .ci/postgres: America/Sao_Paulo
        kinds = db(
            "SELECT DISTINCT data_type FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND column_name ~ '_at$'"
        )
        assert kinds == [("timestamp with time zone",)]
    else:
        assert re.fullmatch(
            r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}", db("select created_at from contacts")[0][0]
        )
