"""Two salespeople doing the same thing at once: exactly one succeeds, the other is refused.

Real processes, started together against the same database, many rounds: two `deal win`
of one deal, a win against a loss, two moves, two `prospect convert` of one prospect,
two `lead qualify` of one lead.  The loser says why in one line, exits 1, and changes
nothing: the history holds one event, a won deal one purchase.

Every check reads through the CLI, never the file, so that the same tests hold on any
database the `db` fixture stands for (an SQLite file, or a PostgreSQL server).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from conftest import on_server

SALESFUNNEL = Path(sys.executable).with_name("salesfunnel")
ROUNDS = 6


@pytest.fixture
def database(db_url) -> str:
    """The database the racing processes share: the test's SQLite file, or its database on
    the PostgreSQL server (where the race is between two server sessions)."""
    assert db_url.startswith("postgresql") == on_server()
    return db_url


def race(database: str, *commands: Sequence[str]) -> list[subprocess.CompletedProcess[str]]:
    """Start every command at once (each a process of its own); wait for them all."""
    started = [
        subprocess.Popen(
            [str(SALESFUNNEL), "--db", database, *command],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for command in commands
    ]
    done = []
    for process, command in zip(started, commands, strict=True):
        out, err = process.communicate(timeout=120)
        done.append(subprocess.CompletedProcess(command, process.returncode, out, err))
    return done


def one_won(results: list[subprocess.CompletedProcess[str]]) -> subprocess.CompletedProcess[str]:
    """Exactly one exit 0; every other a one-line refusal with exit 1. Returns the winner."""
    codes = sorted(r.returncode for r in results)
    assert codes == [0] + [1] * (len(results) - 1), [(r.returncode, r.stderr) for r in results]
    for loser in (r for r in results if r.returncode == 1):
        lines = loser.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("Error: "), loser.stderr
        assert "Traceback" not in loser.stderr
        assert loser.stdout == ""
    return next(r for r in results if r.returncode == 0)


def history(ok, *args: str) -> list[tuple[str, str]]:
    shown = json.loads(ok(*args, "--json").stdout)
    return [(event["entity"], event["action"]) for event in shown["history"]]


def open_deals(ok, count: int) -> list[str]:
    ids = []
    for i in range(count):
        ok("lead", "add", f"Buyer {i}")
        deal = json.loads(ok("deal", "open", str(i + 1), "--value", "1000", "--json").stdout)
        ids.append(str(deal["id"]))
    return ids


def test_two_wins_of_one_deal_one_succeeds(ok, database) -> None:
    for deal_id in open_deals(ok, ROUNDS):
        winner = one_won(race(database, ["deal", "win", deal_id], ["deal", "win", deal_id]))
        assert winner.stderr.startswith(f"Won deal #{deal_id} "), winner.stderr
        deal = json.loads(ok("deal", "show", deal_id, "--json").stdout)
        assert deal["status"] == "won"
        assert len([e for e in deal["history"] if e["action"] == "win"]) == 1
        contact = json.loads(ok("show", str(deal["contact_id"]), "--json").stdout)
        assert len(contact["purchases"]) == 1  # the loser added no second purchase


def test_a_win_and_a_loss_at_once_one_of_them(ok, database) -> None:
    for deal_id in open_deals(ok, 3):
        results = race(
            database, ["deal", "win", deal_id], ["deal", "lose", deal_id, "--reason", "price"]
        )
        winner = one_won(results)
        deal = json.loads(ok("deal", "show", deal_id, "--json").stdout)
        assert deal["status"] == ("won" if winner.args[1] == "win" else "lost")
        closing = [e["action"] for e in deal["history"] if e["action"] in ("win", "lose")]
        assert closing == [winner.args[1]]


def test_a_move_racing_a_win_never_moves_a_closed_deal(ok, database) -> None:
    """A move and a win of one deal at once: both land if the move comes first (a move
    leaves the deal open), but a move that comes second finds it won and is refused."""
    for deal_id in open_deals(ok, 3):
        results = race(database, ["deal", "move", deal_id, "proposal"], ["deal", "win", deal_id])
        codes = sorted(r.returncode for r in results)
        deal = json.loads(ok("deal", "show", deal_id, "--json").stdout)
        assert deal["status"] == "won"
        actions = [e["action"] for e in deal["history"] if e["action"] in ("move", "win")]
        if codes == [0, 0]:  # the move came first, then the win
            assert actions == ["move", "win"]
        else:
            one_won(results)
            assert actions == ["win"]


def test_two_conversions_of_one_prospect_one_succeeds(ok, database) -> None:
    for i in range(ROUNDS):
        added = json.loads(ok("prospect", "add", f"Cold {i}", "--json").stdout)
        ref = str(added["id"])
        one_won(race(database, ["prospect", "convert", ref], ["prospect", "convert", ref]))
        assert history(ok, "show", ref).count(("prospect", "convert")) == 1
        shown = json.loads(ok("show", ref, "--json").stdout)
        assert (shown["stage"], shown["status"]) == ("lead", "new")


def test_two_qualifications_of_one_lead_one_succeeds(ok, database) -> None:
    for i in range(ROUNDS):
        lead = json.loads(ok("lead", "add", f"Warm {i}", "--json").stdout)
        ref = str(lead["id"])
        one_won(race(database, ["lead", "qualify", ref], ["lead", "qualify", ref]))
        assert history(ok, "show", ref).count(("lead", "qualify")) == 1
        shown = json.loads(ok("show", ref, "--json").stdout)
        assert len(shown["deals"]) == 1  # qualifying opened one deal, not two
        assert shown["status"] == "qualified"
