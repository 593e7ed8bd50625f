"""The funnel end to end, the way the README tours it."""

from __future__ import annotations


def test_a_prospect_becomes_a_customer(ok, db) -> None:
    ok("prospect", "add", "Ana Silva", "--email", "ana@example.com", "--company", "Atlântico")
    ok("prospect", "convert", "1")
    result = ok("lead", "qualify", "ana@example.com", "--need", "--budget", "--value", "12000")
    assert "Opened deal #1" in result.stderr
    ok("deal", "move", "1", "proposal")
    ok("deal", "win", "1")
    assert db("select stage from contacts where id = 1") == [("customer",)]
    status = ok("customer", "status", "1", "--json")
    assert '"status": "active"' in status.stdout
