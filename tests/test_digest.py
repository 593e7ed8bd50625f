"""`digest`: the to-do list for cron, as plain text, Markdown or JSON, in a bare environment."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

NOW = "2026-11-23T09:00:00+00:00"  # conftest's clock
SALESFUNNEL = str(Path(sys.executable).with_name("salesfunnel"))
CRON_PATH = "/usr/bin:/bin"  # cron's default


@pytest.fixture
def busy_day(ok, monkeypatch) -> None:
    """Cyrillic, accented and markup-looking names; steps late, today and this week."""
    monkeypatch.setenv("SALESFUNNEL_NOW", "2026-11-01T09:00:00+00:00")
    ok("lead", "add", "Иван Петров", "--company", 'ООО "Ромашка"', "--star")
    ok("lead", "add", "João Gonçalves", "--email", "joao@example.com.br")
    ok("lead", "add", "Íñigo *Núñez*_[x]")
    ok("lead", "qualify", "2", "--value", "25000")
    ok("next", "1", "call", "Позвонить насчёт договора", "--due", "2026-11-20")
    ok("next", "2", "meeting", "Reunião de proposta", "--due", "2026-11-23 15:00")
    ok("next", "3", "email", "Enviar catálogo", "--due", "2026-11-25")
    monkeypatch.setenv("SALESFUNNEL_NOW", NOW)


def test_text_is_plain_and_complete(ok, busy_day, monkeypatch) -> None:
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setenv("FORCE_COLOR", "1")
    result = ok("digest")
    assert result.stderr == ""
    assert "\x1b" not in result.stdout
    assert result.stdout == (
        "To do on Monday 2026-11-23\n"
        "\n"
        "OVERDUE (1)\n"
        "  - #1 call Иван Петров * (#1): Позвонить насчёт договора -- due Fri 2026-11-20"
        " (3 days late)\n"
        "\n"
        "TODAY (1)\n"
        "  - #2 meeting João Gonçalves (#2): Reunião de proposta -- due today 15:00"
        " -- deal #1 João Gonçalves, 25,000.00 USD, qualification\n"
        "\n"
        "NEXT 7 DAYS (1)\n"
        "  - #3 email Íñigo *Núñez*_[x] (#3): Enviar catálogo -- due Wed 2026-11-25\n"
        "\n"
        "STALE LEADS (1)\n"
        "  - lead Иван Петров * (#1), new: no activity for 22 days and no step ahead\n"
        "\n"
        "Mark a step done: salesfunnel done ID. Put it off: salesfunnel snooze ID [--to WHEN]."
        " Plan one: salesfunnel next CONTACT KIND TEXT --due WHEN.\n"
    )


def test_markdown_escapes_names_that_look_like_markup(ok, busy_day) -> None:
    text = ok("digest", "--format", "markdown").stdout
    assert text.startswith("# To do on Monday 2026-11-23\n\n## Overdue (1)\n\n- #1 call ")
    assert "- #3 email Íñigo \\*Núñez\\*\\_\\[x\\] (#3): Enviar catálogo" in text


def test_json_is_the_todo_document(ok, busy_day) -> None:
    digest = json.loads(ok("digest", "--format", "json").stdout)
    todo = json.loads(ok("todo", "--json").stdout)
    assert digest == todo
    names = [item["contact"] for section in digest["sections"] for item in section["items"]]
    assert names == ["Иван Петров", "João Gonçalves", "Íñigo *Núñez*_[x]", "Иван Петров"]


def test_more_items_than_the_limit_are_counted_in_the_text(ok, busy_day, monkeypatch) -> None:
    monkeypatch.setenv("SALESFUNNEL_NOW", "2026-12-31T09:00:00+00:00")
    text = ok("digest", "--limit", "1").stdout
    assert "OVERDUE (3)\n  - #1 call" in text
    assert "  ... and 2 more (salesfunnel todo --all)\n" in text


def test_quiet_if_empty_prints_nothing_and_exits_zero(empty_db, ok) -> None:
    quiet = ok("digest", "--quiet-if-empty")
    assert (quiet.stdout, quiet.stderr) == ("", "")
    loud = ok("digest")
    assert loud.stdout == (
        "To do on Monday 2026-11-23\n\n"
        "Nothing to do: no step is due, and every open lead and deal has a next step.\n"
    )
    assert ok("digest", "--quiet-if-empty", "--format", "json").stdout == ""


def test_quiet_if_empty_still_prints_a_busy_day(ok, busy_day) -> None:
    assert ok("digest", "--quiet-if-empty").stdout.startswith("To do on Monday")


def cron(db: str, *args: str, **extra: str) -> subprocess.CompletedProcess[bytes]:
    """Run like cron does: no locale, no HOME, no terminal; just the database and the time."""
    env = {"PATH": CRON_PATH, "SALESFUNNEL_DB": db, "SALESFUNNEL_NOW": NOW, **extra}
    return subprocess.run(
        [SALESFUNNEL, "digest", *args], env=env, capture_output=True, timeout=60, check=False
    )


@pytest.mark.slow
def test_under_cron_names_in_any_alphabet_print_as_utf8(ok, busy_day, db_url) -> None:
    result = cron(db_url)
    assert result.returncode == 0, result.stderr
    assert result.stderr == b""
    text = result.stdout.decode("utf-8")
    assert "Иван Петров" in text and "João Gonçalves" in text and "Íñigo" in text
    assert "\x1b" not in text


@pytest.mark.slow
@pytest.mark.parametrize(
    "environment", [{"LANG": "C"}, {"LC_ALL": "POSIX"}, {"PYTHONIOENCODING": "ascii"}]
)
def test_no_locale_setting_makes_it_fail(ok, busy_day, db_url, environment) -> None:
    result = cron(db_url, "--format", "markdown", **environment)
    assert result.returncode == 0, result.stderr
    assert "Позвонить насчёт договора" in result.stdout.decode("utf-8")


@pytest.mark.slow
def test_an_empty_day_under_cron_is_silent(empty_db, ok, db_url) -> None:
    result = cron(db_url, "--quiet-if-empty")
    assert (result.returncode, result.stdout, result.stderr) == (0, b"", b"")


@pytest.mark.slow
def test_a_real_failure_is_not_quiet(tmp_path) -> None:
    result = cron(str(tmp_path), "--quiet-if-empty")  # a directory, not a database
    assert result.returncode == 1
    assert result.stdout == b""
    assert result.stderr.decode().startswith("Error: can't open database")
