"""The project's prospect-list generator (bench/gen_prospects.py), which the import tests and
the import benchmark stand on: the same bytes for the same seed, and the rows they expect."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

import gen_prospects


def generate(path: Path, rows: int, *options: str) -> bytes:
    assert gen_prospects.main([str(rows), str(path), *options]) == 0
    return path.read_bytes()


def test_the_same_seed_gives_the_same_bytes(tmp_path) -> None:
    first = generate(tmp_path / "a.csv", 500, "--seed", "7", "--ragged-rate", "0.01")
    again = generate(tmp_path / "b.csv", 500, "--seed", "7", "--ragged-rate", "0.01")
    other = generate(tmp_path / "c.csv", 500, "--seed", "8", "--ragged-rate", "0.01")
    assert first == again
    assert first != other


def test_repeated_people_come_back_by_email_or_by_phone(tmp_path) -> None:
    text = generate(tmp_path / "list.csv", 5_000).decode("utf-8")
    header, *rows = csv.reader(io.StringIO(text, newline=""))
    assert header[:3] == ["name", "email", "phone"]
    assert {len(row) for row in rows} == {9}
    assert text.count("\r\n") > len(rows)  # CRLF ends, and line breaks inside notes
    by_email: dict[str, list[str]] = {}
    by_phone: dict[str, list[str]] = {}
    again_by_email = again_by_phone = 0
    for row in rows:
        name, email, phone = row[:3]
        digits = re.sub(r"\D", "", phone)
        if email.lower() in by_email:
            again_by_email += 1
            assert email != by_email[email.lower()][1]  # in other capitals
            assert name == by_email[email.lower()][0]
        elif digits in by_phone:
            again_by_phone += 1
            assert name == by_phone[digits][0]  # the same person, another address
        if email:
            by_email.setdefault(email.lower(), row)
        if digits:
            by_phone.setdefault(digits, row)
    assert again_by_email > 40
    assert again_by_phone > 10


@pytest.mark.parametrize(
    ("encoding", "headers", "letters"),
    [("cp1252", "pt", "ção"), ("cp1251", "ru", "Имя"), ("utf-16", "es", "Teléfono")],
)
def test_each_encoding_writes_what_it_can_hold(tmp_path, encoding, headers, letters) -> None:
    data = generate(tmp_path / "list.csv", 200, "--encoding", encoding, "--headers", headers)
    text = data.decode(encoding).lstrip("\ufeff")
    assert letters in text
    if encoding == "cp1252":
        assert not re.search("[а-яё]", text, re.IGNORECASE)  # no Russian in a Latin code page
    with pytest.raises(SystemExit):  # Portuguese headers don't fit the Cyrillic code page
        gen_prospects.main(
            ["5", str(tmp_path / "x.csv"), "--encoding", "cp1251", "--headers", "pt"]
        )
