"""Files that can't be imported: one line on stderr, exit status 1, no traceback and
nothing written (not even an empty database) -- or, for a header alone, a zero-row summary."""

from __future__ import annotations

import json
from pathlib import Path

import pytest


def refused(run, *args: str) -> str:
    result = run("prospect", "import", *args)
    assert result.exit_code == 1, (result.stdout, result.stderr)
    assert result.stdout == ""
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr
    return result.stderr


def test_a_missing_file(run, tmp_path, db_path) -> None:
    message = refused(run, str(tmp_path / "nope.csv"))
    assert message == f"Error: no such file: {tmp_path / 'nope.csv'}\n"
    assert not db_path.exists()


def test_a_directory(run, tmp_path, db_path) -> None:
    message = refused(run, str(tmp_path))
    assert message == f"Error: {tmp_path} is a directory, not a CSV file\n"
    assert not db_path.exists()


@pytest.mark.parametrize(
    ("content", "what"),
    [
        (bytes(range(256)) * 64, "looks like a binary file, not CSV text"),
        (b"PK\x03\x04" + bytes(300), "is an Excel workbook or another zip archive, not a CSV file"),
        (b"\x89PNG\r\n\x1a\n" + bytes(300), "is a PNG image, not a CSV file"),
        (b"name,email\nAna,\x00\x01\x02\x03\x04\x05\x06\x07\x08", "looks like a binary file"),
    ],
)
def test_binary_bytes(run, tmp_path, db_path, content, what) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes(content)
    assert what in refused(run, str(path))
    assert not db_path.exists()


@pytest.mark.parametrize("content", [b"", b"\n\r\n  \n", b"\xef\xbb\xbf", b"\xff\xfe"])
def test_an_empty_file(run, tmp_path, db_path, content) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(content)
    message = refused(run, str(path))
    assert message == f"Error: {path} is empty: there is no header row and no data\n"
    assert not db_path.exists()


def test_headers_only_is_a_zero_row_import(run, tmp_path, db) -> None:
    path = tmp_path / "header.csv"
    path.write_text("Nome;E-mail;Telefone\r\n", encoding="utf-8")
    result = run("prospect", "import", str(path), "--json")
    assert result.exit_code == 0, result.stderr
    summary = json.loads(result.stdout)
    assert (summary["rows"], summary["imported"], summary["rejected"]) == (0, 0, 0)
    assert "Imported    0 prospects into list 'header'" in result.stderr
    assert db("select count(*) from contacts") == [(0,)]


def test_undecodable_bytes_under_a_forced_encoding(run, tmp_path, db_path) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes("name,email\nRenée,renee@x.example\n".encode("cp1252"))
    message = refused(run, str(path), "--encoding", "utf-8")
    assert "are not utf-8 (0xE9)" in message
    assert "check --encoding, or leave it out to detect the encoding" in message


def test_undecodable_bytes_far_into_a_file_leave_nothing_written(
    run, tmp_path, db, db_path: Path
) -> None:
    """UTF-8 by its first and last bytes; a cp1252 byte in the middle stops the import whole."""
    head = "".join(f"p{i},p{i}@x.example\n" for i in range(30_000)).encode()
    tail = "".join(f"q{i},q{i}@x.example,bad\n" for i in range(30_000)).encode()
    path = tmp_path / "late.csv"
    path.write_bytes(b"name,email\n" + head + "Renée,r@x.example\n".encode("cp1252") + tail)
    rejects = tmp_path / "rejects.csv"
    message = refused(run, str(path), "--rejects", str(rejects))
    assert ": bytes that are not utf-8 (0xE9)" in message
    assert "give the right one with --encoding" in message
    assert db("select count(*) from contacts") == [(0,)]
    assert db("select count(*) from prospect_lists") == [(0,)]
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".csv") == ["late.csv"]


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ('name,notes\nAna,"never closed\nBia,x\n', "line 3: unexpected end of data"),
        ('name,notes\nAna,"abc"def\nBia,x\n', "line 2: ',' expected after '\"'"),
    ],
)
def test_broken_quoting_stops_the_import_instead_of_swallowing_rows(
    run, tmp_path, db, text, where
) -> None:
    path = tmp_path / "quotes.csv"
    path.write_text(text, encoding="utf-8")
    message = refused(run, str(path))
    assert where in message and "a quote opened and not closed?" in message
    assert db("select count(*) from contacts") == [(0,)]


def test_an_unknown_encoding(run, tmp_path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("name\nAna\n", encoding="utf-8")
    assert "unknown encoding 'klingon'" in refused(run, str(path), "--encoding", "klingon")


def test_a_bad_delimiter_option(run, tmp_path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("name\nAna\n", encoding="utf-8")
    assert "--delimiter must be one character or tab" in refused(
        run, str(path), "--delimiter", ";;"
    )


def test_a_rejects_file_in_a_missing_directory(run, tmp_path, db_path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("name\nAna\n", encoding="utf-8")
    message = refused(run, str(path), "--rejects", str(tmp_path / "no" / "r.csv"))
    assert "--rejects: can't write" in message and "no directory" in message
    assert not db_path.exists()  # refused before the database was opened
