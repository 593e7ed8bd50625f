"""`mail import FILE|-`: emails as mail clients save them, logged on the contacts they name."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

MAIL = Path(__file__).parent / "data" / "mail"
MBOX = str(MAIL / "thunderbird.mbox")


@pytest.fixture
def people(ok) -> None:
    """The people the sample mail is with (their addresses in another case, sometimes)."""
    ok("prospect", "add", "Ana Gonçalves", "--email", "ana@padaria.example")
    ok("prospect", "convert", "1")  # a new lead: its first email makes it contacted
    ok("lead", "add", "Oliver Wright", "--email", "oliver@northwind.example")
    ok("lead", "add", "Lucía Núñez", "--email", "lucia@clinica.example")
    ok("log", "3", "call", "Intro")
    ok("lead", "add", "Сергей Кузнецов", "--email", "sergey@stroy.example")
    ok("lead", "add", "Ольга Смирнова", "--email", "olga@stroy.example")


def emails_of(ok, contact: int) -> list[tuple[str, str]]:
    shown = json.loads(ok("show", str(contact), "--json").stdout)
    return [(a["text"], a["done_at"]) for a in shown["activities"] if a["kind"] == "email"]


def test_a_thunderbird_mbox_is_logged_on_every_contact_it_names(people, ok, db) -> None:
    result = ok("mail", "import", MBOX)
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "Logged 3 email(s) on 3 contact(s) from 3 message(s).",
        "2 new lead(s) now contacted.",
        "Not matched to any contact: 3 address(es): me@mysales.example (3), "
        "carol@unknown.example (1), news@lists.example (1).",
    ]
    # quoted-printable UTF-8 and format=flowed, an encoded-word subject, its first 3 lines
    assert emails_of(ok, 1) == [
        (
            "Orçamento para a padaria — Olá, Segue o pedido de orçamento para os terminais de "
            "venda da padaria, com entrega até ao fim do mês. Preciso de 3 caixas e 1 balança.",
            "2026-11-16T10:12:03Z",
        )
    ]
    # multipart/alternative: the plain text, up to the quoted reply; sent at +01:00
    assert emails_of(ok, 2) == [
        (
            "Re: Proposal for the pilot — Hi Oliver, Thanks for the call & the questions. "
            "From the start of December the pilot is ready.",
            "2026-11-20T16:30:09Z",
        )
    ]
    assert [t for t, _ in emails_of(ok, 3)] == [t for t, _ in emails_of(ok, 2)]  # Cc'd
    statuses = db("select id, lead_status from contacts where id in (1, 2, 3) order by id")
    assert statuses == [(1, "contacted"), (2, "contacted"), (3, "contacted")]
    assert db("select message_id from activities where contact_id = 1 and kind = 'email'") == [
        ("<8f2c1a77-3b1e-4c55-9a0e-1d2f3a4b5c6d@padaria.example>",)
    ]


def test_importing_the_same_mail_again_logs_nothing_twice(people, ok, db) -> None:
    ok("mail", "import", MBOX)
    before = db("select * from activities order by id")
    again = ok("mail", "import", MBOX)
    assert again.stderr.splitlines()[0] == (
        "Logged 0 email(s) on 0 contact(s) from 3 message(s) (3 already logged)."
    )
    assert db("select * from activities order by id") == before


@pytest.mark.parametrize(
    ("name", "contact", "text", "sent"),
    [
        (
            "koi8r.eml",
            4,
            "Счёт на оплату за ноябрь — Добрый день! Высылаю счёт на оплату за ноябрь. "
            "Прошу подтвердить получение.",
            "2026-11-17T09:40:11Z",
        ),
        (
            "outlook-cp1251.eml",
            5,
            "Предложение по поставке — Здравствуйте, Ольга! "
            "Направляем коммерческое предложение по поставке.",
            "2026-11-18T09:05:31Z",
        ),
    ],
)
def test_one_eml_in_a_russian_charset_from_a_file_or_stdin(
    people, ok, name, contact, text, sent
) -> None:
    ok("mail", "import", str(MAIL / name))
    assert emails_of(ok, contact) == [(text, sent)]
    ok("undo", "--yes")
    assert emails_of(ok, contact) == []
    piped = ok("mail", "import", "-", input=(MAIL / name).read_bytes())
    assert piped.stderr.startswith("Logged 1 email(s) on 1 contact(s) from 1 message(s).")
    assert emails_of(ok, contact) == [(text, sent)]


def test_mail_import_is_one_command_for_undo(people, ok, db) -> None:
    before = {
        t: db(f"select * from {t} order by 1")
        for t in ("activities", "contacts", "lifecycle_events")
    }
    ok("mail", "import", MBOX)
    undone = ok("undo", "--yes")
    assert undone.stderr.startswith(f"Undid `mail import {MBOX}`: ")
    after = {
        t: db(f"select * from {t} order by 1")
        for t in ("activities", "contacts", "lifecycle_events")
    }
    assert after == before


def test_mail_import_json(people, ok) -> None:
    printed = json.loads(ok("mail", "import", MBOX, "--json").stdout)
    assert printed["messages"] == 3 and printed["logged"] == 3 and printed["contacts"] == 3
    assert printed["unmatched"][0] == {"address": "me@mysales.example", "messages": 3}
    assert len(printed["activity_ids"]) == 3


def test_a_cancelled_prospect_gets_no_email_logged(ok, db) -> None:
    ok("prospect", "add", "Ana", "--email", "ana@padaria.example")
    ok("prospect", "cancel", "1", "--yes")
    result = ok("mail", "import", MBOX)
    assert "(1 on cancelled prospects)" in result.stderr
    assert db("select count(*) from activities") == [(0,)]


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("nowhere.eml", "Error: no such file: nowhere.eml\n"),
        (str(MAIL), f"Error: {MAIL} is a directory, not an .eml or mbox file\n"),
        (str(Path(__file__)), f"Error: no email messages in {Path(__file__)}: give an .eml"),
    ],
)
def test_what_is_not_mail_is_refused(people, run, db, target, message) -> None:
    before = db("select * from activities")
    result = run("mail", "import", target)
    assert result.exit_code == 1
    assert result.stderr.startswith(message)
    assert db("select * from activities") == before


HEADER_TEXT = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n"), max_size=40
)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(subject=HEADER_TEXT, body=st.binary(max_size=300), date=HEADER_TEXT)
def test_any_message_is_logged_or_refused_in_one_line(people, run, subject, body, date) -> None:
    """Whatever a message holds, the import logs it or says why not: never a traceback."""
    raw = (
        "From: Ana <ana@padaria.example>\r\nTo: me@mysales.example\r\n"
        f"Subject: {subject}\r\nDate: {date}\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\n"
    ).encode("utf-8", "surrogateescape") + body
    result = run("mail", "import", "-", input=raw)
    assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.output
    if result.exit_code == 1:
        assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1
