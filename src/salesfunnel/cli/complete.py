"""Shell completion of the data: contacts, deals, stages, settings, lists, sources, tags.

Typer calls these (``autocompletion=`` on a parameter) in the process a shell starts on
every TAB, after it has parsed what is typed so far.  Each one is quick and quiet: it
opens the database read-only, only an SQLite file already at the current schema
(``db.connect.glance_driver``: nothing is created or upgraded, and a writer holding
the file makes it give up at once), asks ``services/completion.py`` for a few
candidates from an index, and on any trouble offers nothing rather than speak in the
shell.  What the program itself knows (setting names; activity kinds, which Typer
completes as choices) is offered with no database at all.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from salesfunnel.db.work import Work
    from salesfunnel.services.completion import Candidate

Candidates = list[tuple[str, str]]  # what Typer takes: (value, help) pairs

COMPLETION_VARIABLE = "_SALESFUNNEL_COMPLETE"  # set by the shell when it asks Typer to complete
# What bash would read as more than one word, or as something else: escaped with "\".
_BASH_SPECIAL = re.compile(r"[^\w@%+=:,./-]")


def _database(ctx: typer.Context) -> str | None:
    """``--db`` as parsed so far (Click reads SALESFUNNEL_DB for it too)."""
    db = ctx.find_root().params.get("db")
    return db if isinstance(db, str) else None


def _shown(found: list[Candidate], incomplete: str) -> Candidates:
    """Candidates as the shell takes them: none with control characters (one a line, in
    bash); beside each, its help made visible; in bash, what comes after the typed part
    escaped (``trade\\ fair``), since bash puts a candidate in as it is."""
    from salesfunnel.render.output import visible

    bash = os.environ.get(COMPLETION_VARIABLE, "").endswith("bash")
    if bash and _BASH_SPECIAL.search(incomplete):
        return []  # typed with an escape or a quote: bash would take the answer apart
    shown: Candidates = []
    for value, meaning in found:
        if visible(value) != value or not value.startswith(incomplete):
            continue
        if bash:
            rest = value[len(incomplete) :]
            value = incomplete + _BASH_SPECIAL.sub(lambda m: "\\" + m.group(0), rest)
        shown.append((value, visible(meaning)))
    return shown


def _answer(
    ctx: typer.Context,
    incomplete: str,
    ask: Callable[[Work], list[Candidate]],
    without_database: Callable[[], list[Candidate]] = list,
) -> Candidates:
    """``ask`` on a read-only glance at the database; ``without_database`` when there is
    none to glance at (missing, older or newer, busy, or on a server: no round trip on
    a TAB).  Never raises: completion prints nothing but candidates."""
    try:
        from salesfunnel.db.connect import glance_driver
        from salesfunnel.db.location import database_url, sqlite_path
        from salesfunnel.db.work import Work

        path = sqlite_path(database_url(_database(ctx)))
        driver = glance_driver(path) if path is not None else None
        if driver is None:
            return _shown(without_database(), incomplete)
        try:
            with Work(driver, write=False) as work:
                found = ask(work)
        finally:
            driver.close()
        return _shown(found, incomplete)
    except Exception:
        return []


def contact(ctx: typer.Context, incomplete: str) -> Candidates:
    """Any contact, by id (its name beside it) or by email."""
    from salesfunnel.services.completion import contacts

    return _answer(ctx, incomplete, lambda work: contacts(work, incomplete))


def lead(ctx: typer.Context, incomplete: str) -> Candidates:
    from salesfunnel.services.completion import contacts

    return _answer(ctx, incomplete, lambda work: contacts(work, incomplete, "lead"))


def prospect(ctx: typer.Context, incomplete: str) -> Candidates:
    from salesfunnel.services.completion import contacts

    return _answer(ctx, incomplete, lambda work: contacts(work, incomplete, "prospect"))


def customer(ctx: typer.Context, incomplete: str) -> Candidates:
    from salesfunnel.services.completion import contacts

    return _answer(ctx, incomplete, lambda work: contacts(work, incomplete, "customer"))


def deal(ctx: typer.Context, incomplete: str) -> Candidates:
    """Any deal, by id, its title and stage (or won, lost) beside it."""
    from salesfunnel.services.completion import deals

    return _answer(ctx, incomplete, lambda work: deals(work, incomplete))


def open_deal(ctx: typer.Context, incomplete: str) -> Candidates:
    """Open deals only: those a deal can be moved, won or lost from."""
    from salesfunnel.services.completion import deals

    return _answer(ctx, incomplete, lambda work: deals(work, incomplete, open_only=True))


def step(ctx: typer.Context, incomplete: str) -> Candidates:
    """Planned steps, soonest due first, each beside what it is and when."""
    from salesfunnel.services.completion import steps

    return _answer(ctx, incomplete, lambda work: steps(work, incomplete))


def stage(ctx: typer.Context, incomplete: str) -> Candidates:
    """The pipeline's stages, as configured."""
    from salesfunnel.services.completion import stages

    return _answer(ctx, incomplete, lambda work: stages(work, incomplete))


def setting_key(ctx: typer.Context, incomplete: str) -> Candidates:
    """Setting names, their meaning beside them; the per-stage and per-tag ones too."""
    from salesfunnel.services.completion import setting_keys

    return _answer(
        ctx,
        incomplete,
        lambda work: setting_keys(work, incomplete),
        lambda: setting_keys(None, incomplete),
    )


def list_name(ctx: typer.Context, incomplete: str) -> Candidates:
    from salesfunnel.services.completion import list_names

    return _answer(ctx, incomplete, lambda work: list_names(work, incomplete))


def source(ctx: typer.Context, incomplete: str) -> Candidates:
    from salesfunnel.services.completion import sources

    return _answer(ctx, incomplete, lambda work: sources(work, incomplete))


def source_or_list(ctx: typer.Context, incomplete: str) -> Candidates:
    """What a cost is recorded on: a source, or a prospecting list."""
    from salesfunnel.services.completion import sources

    return _answer(ctx, incomplete, lambda work: sources(work, incomplete, with_lists=True))


def tag(ctx: typer.Context, incomplete: str) -> Candidates:
    from salesfunnel.services.completion import tags

    return _answer(ctx, incomplete, lambda work: tags(work, incomplete))


def contact_or_deal(ctx: typer.Context, incomplete: str) -> Candidates:
    """What `edit` takes first: a contact, or the word ``deal``."""
    from salesfunnel.services.completion import contacts

    word = [("deal", "a deal: edit deal ID")] if "deal".startswith(incomplete) else []
    return word + _answer(ctx, incomplete, lambda work: contacts(work, incomplete))


def view(ctx: typer.Context, incomplete: str) -> Candidates:
    from salesfunnel.services.completion import view_names

    return _answer(ctx, incomplete, lambda work: view_names(work, incomplete))
