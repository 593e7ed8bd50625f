"""A big import reads the file in a second process (importing/ahead.py): what it stores
must be exactly what one process stores, and the second process must never outlive or
hide an error from the first."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from salesfunnel.importing import ahead, service

CONTACT_COLUMNS = (
    "id, stage, name, email, email_key, email_flagged, phone, phone_key, company_id, title, "
    "city, source, notes, value, extra, search_key, list_id, import_id, prospect_status"
)


def tricky_list(path: Path, rows: int = 3_000) -> Path:
    """Every kind of record: duplicates, rejects, blanks, ragged rows, amounts that are
    not amounts, tags, extras, and a cell holding the separator the pipe joins text by."""
    lines = ["Name;E-mail;Phone;Company;Value;Tags;Colour"]
    for i in range(rows):
        company = f"Empresa{' ' if i != 1234 else chr(0x1F)}{i % 70}"
        lines.append(
            f"Pessoa {i} Gonçalves;p{i % 2_900}@exemplo.com.br;+55 11 9{i:08d};{company};"
            f"R$ {i},00;vip, feira;{'azul' if i % 3 else ''}"
        )
        if i % 500 == 0:
            lines += [";;;;;;", "only a name", ";nobody@;;;;;", "Sem Contato;;;Empresa;;;"]
        if i == 777:
            lines.append(f"Pessoa {i};p1@exemplo.com.br;;;muito;;;")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def stored(db: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as connection:
        return connection.execute(
            f"SELECT {CONTACT_COLUMNS}, (SELECT name FROM companies WHERE id = company_id), "
            "(SELECT group_concat(tag) FROM contact_tags WHERE contact_id = contacts.id) "
            "FROM contacts ORDER BY id"
        ).fetchall()


@pytest.fixture
def forks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many imports read their file in a second process (as on two cores, whatever
    this machine has)."""
    calls: list[int] = []
    monkeypatch.setattr(ahead.os, "sched_getaffinity", lambda _pid: {0, 1})

    def counted(batches: Any) -> Any:
        calls.append(1)
        return ahead.made_ahead(batches)

    monkeypatch.setattr(service, "made_ahead", counted)
    return calls


def test_two_processes_store_what_one_does(tmp_path, ok, monkeypatch, forks) -> None:
    path = tricky_list(tmp_path / "lista.csv")
    summaries = []
    for threshold, name in ((10**12, "one.db"), (0, "two.db")):
        monkeypatch.setattr(ahead, "AHEAD_FROM_BYTES", threshold)
        db = str(tmp_path / name)
        summary = ok("--db", db, "prospect", "import", str(path), "--json").stdout
        summaries.append({k: v for k, v in json.loads(summary).items() if k != "seconds"})
    assert forks == [1]  # the second import, and only it
    assert summaries[0] == summaries[1]
    assert summaries[0]["rejected"] > 0 and summaries[0]["duplicates"] > 0
    one, two = stored(tmp_path / "one.db"), stored(tmp_path / "two.db")
    assert one == two
    assert any(row[-2] == "Empresa\x1f44" for row in two)  # the separator, kept


def test_an_error_in_the_reading_process_is_the_users_error(
    tmp_path, run, db, monkeypatch, forks
) -> None:
    monkeypatch.setattr(ahead, "AHEAD_FROM_BYTES", 0)
    path = tricky_list(tmp_path / "lista.csv")
    path.write_bytes(path.read_bytes() + "Último;ü@x.com;;;;;\n".encode("cp1252"))
    result = run("prospect", "import", str(path), "--encoding", "utf-8")
    assert result.exit_code == 1
    assert "bytes that are not utf-8 (0xDA)" in result.stderr
    assert "Traceback" not in result.stderr
    assert forks == [1]
    assert db("select count(*) from contacts") == [(0,)]


def test_when_no_process_can_be_started_one_does_both_halves(
    tmp_path, ok, db, monkeypatch, forks
) -> None:
    def no_fork() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(ahead, "AHEAD_FROM_BYTES", 0)
    monkeypatch.setattr(ahead.os, "fork", no_fork)
    path = tricky_list(tmp_path / "lista.csv", rows=300)
    summary = json.loads(ok("prospect", "import", str(path), "--json").stdout)
    assert forks == [1]
    assert summary["imported"] == db("select count(*) from contacts")[0][0] > 250


def test_small_files_and_standard_input_stay_in_one_process() -> None:
    assert not ahead.worth_a_second_process(None)
    assert not ahead.worth_a_second_process(ahead.AHEAD_FROM_BYTES - 1)


@pytest.mark.parametrize("column", [["a", "b\x1fc"], ["", ""], [1.5, ""], range(3), []])
def test_columns_cross_the_pipe_unchanged(column) -> None:
    assert ahead._split(ahead._joined(column)) == column
