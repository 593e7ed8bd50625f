"""What a week of real use turned up (issue 14): each fails on the code before its fix."""

from __future__ import annotations

import io
import json
import re

import pytest

from salesfunnel.db.connect import database
from salesfunnel.db.work import Work
from salesfunnel.render import columns
from salesfunnel.render.output import Output, cell_len
from salesfunnel.render.todo import render_todo
from salesfunnel.services.leads import list_leads
from salesfunnel.services.todo import todo_list


def test_deal_list_status_all_lists_every_deal(ok, run) -> None:
    ok("lead", "add", "Ana")
    ok("deal", "open", "1", "--title", "Won one")
    ok("deal", "open", "1", "--title", "Open one")
    ok("deal", "win", "1")
    every = json.loads(ok("deal", "list", "--status", "all", "--json").stdout)
    assert sorted(d["title"] for d in every) == ["Open one", "Won one"]
    assert run("deal", "list", "--status", "lost").stderr == "No lost deals.\n"


def test_deal_list_with_no_open_deal_says_how_many_are_closed(ok, run) -> None:
    """`deal list --all` said "No open deals." while won and lost ones were there."""
    ok("lead", "add", "Ana")
    ok("deal", "open", "1", "--title", "Won one")
    ok("deal", "open", "1", "--title", "Lost one")
    ok("deal", "win", "1")
    ok("deal", "lose", "2", "--reason", "price")
    for args in ((), ("--all",)):
        result = ok("deal", "list", *args)
        assert (result.stdout, result.stderr) == (
            "",
            "No open deals; 2 closed (won or lost): deal list --status all.\n",
        )
    assert ok("deal", "list", "--json").stdout.strip() == "[]"
    assert run("deal", "list", "--stage", "proposal").stderr == "No open deals.\n"


def test_digest_json_is_the_format_json(ok) -> None:
    ok("lead", "add", "Ana")
    assert ok("digest", "--json").stdout == ok("digest", "--format", "json").stdout


def test_a_lead_is_not_a_prospect_because_it_came_in_as_a_lead(ok, run) -> None:
    ok("lead", "add", "Ana")
    assert run("prospect", "convert", "1").stderr == (
        "Error: #1 Ana is not a prospect (it came in as a lead)\n"
    )
    ok("customer", "purchase", "1", "--value", "10")
    assert run("prospect", "cancel", "1", "--yes").stderr == (
        "Error: #1 Ana is not a prospect (it came in as a lead and is a customer now)\n"
    )


def test_json_instants_end_in_z_everywhere(ok, monkeypatch, in_sao_paulo) -> None:
    monkeypatch.setenv("SALESFUNNEL_NOW", "2026-11-23T09:00:00-03:00")
    ok("lead", "add", "Ana")
    exported = json.loads(ok("export", "contacts", "--format", "json").stdout)
    assert exported[0]["created_at"] == "2026-11-23T12:00:00Z"
    assert json.loads(ok("todo", "--json").stdout)["now"] == "2026-11-23T12:00:00Z"
    assert json.loads(ok("lead", "show", "1", "--json").stdout)["created_at"].endswith("Z")


def test_a_step_in_the_past_is_refused_however_it_is_written(ok, run, db) -> None:
    """At 09:00: `today 08:00` is as past as yesterday's date; `today 10:00` is not."""
    ok("lead", "add", "Ana")
    for due in ("today 08:00", "23/11/2026 08:00", "22/11/2026", "2026-11-22", "yesterday 15:00"):
        result = run("next", "1", "call", "Call", "--due", due)
        assert result.exit_code == 1 and "in the past" in result.stderr, due
    assert db("select count(*) from activities") == [(0,)]
    for due in ("today 10:00", "today", "23/11/2026", "2026-11-23", "2026-11-23 09:30"):
        ok("next", "1", "call", "Call", "--due", due)  # today's date: due all day
    assert db("select count(*) from activities") == [(5,)]


def test_a_churned_customer_says_churned(ok) -> None:
    ok("lead", "add", "Ana")
    ok("customer", "purchase", "1", "--value", "50", "--date", "2026-11-01")
    ok("customer", "churn", "1", "--yes")
    assert ok("customer", "status", "1").stdout.startswith(
        "#1 Ana: inactive (churned 2026-11-23) as of 2026-11-23"
    )
    assert "inactive (churned 2026-11-23)" in ok("customer", "list").stdout
    assert (
        "#1 Ana: active as of 2026-11-22"
        in ok("customer", "status", "1", "--as-of", "2026-11-22").stdout
    )


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def on_a_terminal(width: int, monkeypatch, draw) -> list[str]:  # type: ignore[no-untyped-def]
    """What ``draw(output)`` shows on a terminal ``width`` columns wide, line by line."""
    monkeypatch.setenv("COLUMNS", str(width))
    screen = Terminal()
    draw(Output(stdout=screen, stderr=io.StringIO()))
    return re.sub(r"\x1b\[[0-9;]*m", "", screen.getvalue()).splitlines()  # colours aside


@pytest.mark.parametrize("width", [80, 100, 120])
def test_todo_and_lead_list_fit_80_to_120_columns_a_row_a_line(
    ok, db_url, monkeypatch, width
) -> None:
    """Long names, steps and deals: columns are cut or dropped, never wrapped; an email and
    a date are never cut; and the "... and N more" note stands under its section."""
    for n in range(4):
        name = f"Maximiliano Fernández de la Concepción Rodríguez {n}"
        ok(
            "lead",
            "add",
            name,
            "--email",
            f"maximiliano.fernandez.{n}@construtora-atlantico.example",
        )
        ok("deal", "open", str(n + 1), "--title", "Renovação do contrato de manutenção predial")
        ok(
            "next",
            str(n + 1),
            "meeting",
            "Apresentar a proposta revista ao conselho",
            "--due",
            "today 16:00",
        )
    with database(db_url) as driver, Work(driver, write=False) as work:
        todo = todo_list(work, limit=3)
        leads = list_leads(work)
    for draw, rows in (
        (lambda out: render_todo(out, todo), 3),
        (lambda out: out.table(leads.items, columns.LEAD), 4),
    ):
        lines = on_a_terminal(width, monkeypatch, draw)
        assert max(cell_len(line) for line in lines) <= width, "\n".join(lines)
        body = [line for line in lines if line.startswith("│")]
        assert len(body) == rows, "\n".join(lines)  # one line a row: nothing wrapped
    lead_lines = on_a_terminal(width, monkeypatch, lambda out: out.table(leads.items, columns.LEAD))
    rows = [line for line in lead_lines if line.startswith("│")]
    for n, row in zip((3, 2, 1, 0), rows, strict=True):  # newest first
        email = f"maximiliano.fernandez.{n}@construtora-atlantico.example"  # 55 characters
        # whole from 100 columns; on 80 nothing else is left to give (docs/decisions.md)
        assert email in row if width >= 100 else "maximiliano" in row
    todo_lines = on_a_terminal(width, monkeypatch, lambda out: render_todo(out, todo))
    note = todo_lines.index("... and 1 more (use --limit N or --all)")  # on stdout
    assert todo_lines[note - 1].startswith("└")  # right under its section's table
    assert sum(line.startswith("└") for line in todo_lines[:note]) == 1  # Today's, the first


def test_in_a_pipe_nothing_is_cut_or_dropped(ok) -> None:
    long_name = "Maximiliano Fernández de la Concepción Rodríguez y Saavedra"
    ok("lead", "add", long_name, "--company", "Construtora Atlântico de Engenharia Civil Ltda")
    out = ok("lead", "list").stdout
    assert long_name in out and "Construtora Atlântico de Engenharia Civil Ltda" in out


def test_an_import_as_leads_leaves_no_empty_list(ok, tmp_path) -> None:
    """The list of an import --as-leads holds its leads: `prospect lists` counts them, so
    it never shows a list with nothing in it; undo-import takes them back by it."""
    path = tmp_path / "fair.csv"
    path.write_text("name,email\nAna Silva,ana@x.com\nBob Stone,bob@y.com\n", encoding="utf-8")
    ok("prospect", "import", str(path), "--list", "Trade Fair", "--as-leads")

    (listed,) = json.loads(ok("prospect", "lists", "--json").stdout)
    assert (listed["name"], listed["open"], listed["leads"], listed["total"]) == (
        "Trade Fair",
        0,
        2,
        2,
    )
    assert ok("prospect", "lists").stdout.splitlines() == [
        "id  list        open  converted  cancelled  as leads  total  created",
        " 1  Trade Fair     0          0          0         2      2  2026-11-23",
    ]
    ok("prospect", "undo-import", "Trade Fair", "--yes")
    assert ok("prospect", "lists").stderr == "No prospecting lists yet.\n"


def test_leads_imported_from_a_list_are_found_by_the_source_they_show(ok, tmp_path) -> None:
    """`--as-leads` with no source column: the source is the list's name, kept as a lead's
    source is (lower-case), so `lead list --source` finds it however it is typed."""
    path = tmp_path / "fair.csv"
    path.write_text("name,source\nAna Silva,\nBob Stone,Web  Form\n", encoding="utf-8")
    ok("prospect", "import", str(path), "--list", "Trade Fair", "--as-leads")

    leads = json.loads(ok("lead", "list", "--json").stdout)
    assert sorted((lead["name"], lead["source"]) for lead in leads) == [
        ("Ana Silva", "trade fair"),
        ("Bob Stone", "web form"),
    ]
    for typed in ("trade fair", "Trade Fair", "TRADE  FAIR"):
        found = json.loads(ok("lead", "list", "--source", typed, "--json").stdout)
        assert [lead["name"] for lead in found] == ["Ana Silva"], typed


def test_lead_show_shows_imported_city_and_notes_and_the_referrers_name(ok, tmp_path) -> None:
    path = tmp_path / "fair.csv"
    path.write_text(
        "name,email,city,country,website,notes\n"
        "Rita Reis,rita@x.com,Porto,Portugal,rita.example,met at the fair\n",
        encoding="utf-8",
    )
    ok("prospect", "import", str(path), "--list", "Fair", "--as-leads")
    ok("lead", "add", "Dana", "--referred-by", "rita@x.com")

    record = ok("lead", "show", "1").stdout.split("\n\n")[0].splitlines()[1:]
    fields = dict(line.strip().split(None, 1) for line in record)
    assert (fields["city"], fields["country"], fields["website"], fields["notes"]) == (
        "Porto",
        "Portugal",
        "rita.example",
        "met at the fair",
    )
    dana = ok("lead", "show", "2")
    assert "  referred by  Rita Reis (#1)\n" in dana.stdout
    assert "  source       (inbound)\n" in dana.stdout  # no source: the channel alone
    shown = json.loads(ok("lead", "show", "2", "--json").stdout)
    assert (shown["referred_by"], shown["referred_by_name"]) == (1, "Rita Reis")


def test_within_a_section_equal_priorities_come_in_due_order(ok, monkeypatch) -> None:
    """Steps planned in the reverse of their due order, each pair of equal priority: the
    to-do list shows each section in due order (date, then time; all day first)."""
    for n in range(6):
        ok("lead", "add", f"Lead {n}")
    monkeypatch.setenv("SALESFUNNEL_NOW", "2026-11-20T09:00:00+00:00")
    ok("next", "1", "call", "late at five", "--due", "2026-11-22 17:00")
    ok("next", "2", "call", "late at ten", "--due", "2026-11-22 10:00")
    monkeypatch.setenv("SALESFUNNEL_NOW", "2026-11-23T09:00:00+00:00")  # NOW
    ok("next", "3", "call", "today at four", "--due", "today 16:00")
    ok("next", "4", "call", "today at ten", "--due", "today 10:00")
    ok("next", "5", "email", "wednesday at three", "--due", "2026-11-25 15:00")
    ok("next", "6", "email", "wednesday", "--due", "2026-11-25")

    payload = json.loads(ok("todo", "--json").stdout)
    sections = {s["name"]: s["items"] for s in payload["sections"]}
    shown = {name: [item["text"] for item in sections[name]] for name in sections}
    assert shown["overdue"] == ["late at ten", "late at five"]
    assert shown["today"] == ["today at ten", "today at four"]
    assert shown["next-7-days"] == ["wednesday", "wednesday at three"]
    for name in ("overdue", "today", "next-7-days"):
        assert len({item["priority"] for item in sections[name]}) == 1, name
    text = ok("todo").stdout
    assert text.index("today at ten") < text.index("today at four")
