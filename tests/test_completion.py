"""Shell completion that knows the data: the real program, asked as bash, zsh and fish ask.

A shell completes by running the program with its own variables (bash: COMP_WORDS and
COMP_CWORD; zsh and fish: _TYPER_COMPLETE_ARGS), so the tests do the same, in a
subprocess, on a database the CLI made; then hold what completion must never do:
create or upgrade a database, wait on one that is busy, or print anything else.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import typer.main
from hypothesis import given
from hypothesis import strategies as st

from conftest import on_server
from salesfunnel import cli
from salesfunnel.db.connect import glance_driver
from salesfunnel.db.rows import sqlite_value
from salesfunnel.db.sqlite import BUSY_TIMEOUT_MS
from salesfunnel.db.work import SqliteDriver, Work
from salesfunnel.services import completion

PROGRAM = "from salesfunnel.cli import main; main()"
BIN = Path(sys.executable).parent


def complete(
    line: str, db: Path | str, shell: str = "bash", cword: int | None = None
) -> subprocess.CompletedProcess:
    """What ``shell`` gets for the command ``line`` (the cursor at its end); in bash,
    the word being completed is the last one unless ``cword`` says which; ``db`` a file
    or a URL, as SALESFUNNEL_DB names it."""
    env = {"PATH": f"{BIN}:/usr/bin:/bin", "SALESFUNNEL_DB": str(db), "TZ": "UTC"}
    env["_SALESFUNNEL_COMPLETE"] = f"complete_{shell}"
    if shell == "bash":
        last = len(line.split(" ")) - 1
        env |= {"COMP_WORDS": line, "COMP_CWORD": str(last if cword is None else cword)}
    else:
        env["_TYPER_COMPLETE_ARGS"] = line
        if shell == "fish":
            env["_TYPER_COMPLETE_FISH_ACTION"] = "get-args"
    return subprocess.run(
        [sys.executable, "-c", PROGRAM], capture_output=True, text=True, timeout=60, env=env
    )


def offered(line: str, db: Path | str, shell: str = "bash", cword: int | None = None) -> list[str]:
    done = complete(line, db, shell, cword)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    return [line for line in done.stdout.splitlines() if line]


@pytest.fixture
def sales(ok, db_path: Path) -> Path:
    """A small funnel made by the CLI: leads (one tagged, sourced), a prospect in a list,
    a customer, an open deal and a won one."""
    ok("lead", "add", "Ana Souza", "--email", "Ana.Souza@Atlantico.example", "--tag", "vip")
    ok("lead", "add", "Bruno Lima", "--email", "bruno@lima.example", "--source", "Trade Fair")
    ok("prospect", "add", "Carla Dias", "--email", "carla@dias.example", "--list", "Lisbon 2026")
    ok("lead", "qualify", "1", "--value", "12000")  # deal 1, open
    ok("lead", "qualify", "2", "--value", "3000")  # deal 2
    ok("deal", "win", "2")  # Bruno becomes a customer
    for n in range(4, 15):  # contacts 4 to 14: ids that start with 1 beyond the first
        ok("lead", "add", f"Lead {n}", "--source", "webinar", "--tag", f"t{n}")
    ok("next", "1", "call", "Send the proposal", "--due", "2026-11-30")  # step 1, planned
    ok("log", "4", "call", "Talked")  # activity 2, done
    return db_path


# --- what is offered --------------------------------------------------------------------


@pytest.mark.sqlite_only("completion offers data from an SQLite file alone")
@pytest.mark.slow
def test_deal_move_offers_the_stages_as_configured(sales, ok) -> None:
    assert offered("salesfunnel deal move 1 ", sales) == [
        "qualification",
        "meeting",
        "proposal",
        "negotiation",
    ]
    ok("config", "set", "pipeline.stages", "discovery:10,demo:30,contract:60")
    assert offered("salesfunnel deal move 1 d", sales) == ["discovery", "demo"]


@pytest.mark.sqlite_only("completion offers data from an SQLite file alone")
@pytest.mark.slow
def test_deal_ids_open_ones_to_move_any_to_show(sales) -> None:
    assert offered("salesfunnel deal move ", sales) == ["1"]  # deal 2 is won
    assert offered("salesfunnel deal win ", sales) == ["1"]
    assert offered("salesfunnel deal show ", sales) == ["2", "1"]  # newest first
    zsh = "\n".join(offered("salesfunnel deal show ", sales, "zsh"))
    assert '"2":"Bruno Lima (won)"' in zsh and '"1":"Ana Souza (qualification)"' in zsh


@pytest.mark.sqlite_only("completion offers data from an SQLite file alone")
@pytest.mark.slow
def test_done_and_snooze_offer_the_planned_steps(sales) -> None:
    assert offered("salesfunnel done ", sales) == ["1"]  # 2 was logged: done already
    fish = offered("salesfunnel snooze 1", sales, "fish")
    assert fish == ["1\tcall: Send the proposal (due 2026-11-30)"]


@pytest.mark.sqlite_only("completion offers data from an SQLite file alone")
@pytest.mark.slow
def test_contact_ids_by_prefix_with_their_names_in_zsh_and_fish(sales) -> None:
    assert offered("salesfunnel show 1", sales) == ["1", "10", "11", "12", "13", "14"]
    assert offered("salesfunnel next 1", sales)[:2] == ["1", "10"]
    fish = offered("salesfunnel show 1", sales, "fish")
    assert fish[:2] == ["1\tAna Souza", "10\tLead 10"]
    zsh = "\n".join(offered("salesfunnel show 1", sales, "zsh"))
    assert zsh.startswith("_arguments '*: :((") and '"1":"Ana Souza"' in zsh


@pytest.mark.sqlite_only("completion offers data from an SQLite file alone")
@pytest.mark.slow
def test_contact_emails_by_prefix_in_the_case_typed(sales) -> None:
    assert offered("salesfunnel show ana", sales) == ["ana.souza@atlantico.example"]
    assert offered("salesfunnel show ANA.s", sales) == ["ANA.souza@atlantico.example"]
    assert offered("salesfunnel merge 1 bru", sales) == ["bruno@lima.example"]
    assert offered("salesfunnel show ana", sales, "fish") == [
        "ana.souza@atlantico.example\t#1 Ana Souza"
    ]


@pytest.mark.sqlite_only("completion offers data from an SQLite file alone")
@pytest.mark.slow
def test_each_command_offers_contacts_of_its_stage(sales) -> None:
    assert offered("salesfunnel lead show ", sales)[-2:] == ["4", "1"]  # leads only
    assert offered("salesfunnel customer status ", sales) == ["2"]
    assert "1" in offered("salesfunnel customer purchase ", sales)  # a lead who buys
    assert offered("salesfunnel prospect convert ", sales) == ["3"]
    assert offered("salesfunnel prospect convert 3 ", sales) == ["3"]  # one more ID...
    assert offered("salesfunnel deal open c", sales) == ["carla@dias.example"]  # any contact


@pytest.mark.sqlite_only("completion offers data from an SQLite file alone")
@pytest.mark.slow
def test_lists_sources_and_tags(sales, ok) -> None:
    assert offered("salesfunnel prospect list --list L", sales) == ["Lisbon\\ 2026"]
    assert offered("salesfunnel prospect undo-import ", sales) == ["Lisbon\\ 2026"]
    assert offered("salesfunnel lead list --source ", sales) == [
        "lisbon\\ 2026",  # the prospect's source: its list
        "trade\\ fair",
        "webinar",
    ]
    assert offered("salesfunnel lead add X --source T", sales) == ["Trade\\ fair"]
    ok("source", "cost", "newsletter", "100")  # a source no contact has yet
    assert offered("salesfunnel source cost n", sales) == ["newsletter"]
    assert offered("salesfunnel lead list --tag ", sales)[:3] == ["t10", "t11", "t12"]
    assert offered("salesfunnel lead add X --tag v", sales) == ["vip"]
    # typed with an escaped space: bash would split whatever came back, so nothing does
    assert offered("salesfunnel lead list --source trade\\ ", sales, cword=4) == []


@pytest.mark.sqlite_only("completion offers data from an SQLite file alone")
@pytest.mark.slow
def test_spaces_are_left_to_zsh_and_fish(sales) -> None:
    assert offered("salesfunnel lead list --source tr", sales, "fish") == ["trade fair"]
    zsh = offered("salesfunnel lead list --source tr", sales, "zsh")
    assert zsh == ["_arguments '*: :((\"trade fair\"))'"]


@pytest.mark.sqlite_only("completion offers data from an SQLite file alone")
@pytest.mark.slow
def test_setting_keys_and_activity_kinds(sales, ok) -> None:
    assert offered("salesfunnel config set lead.", sales) == ["lead.stale_days"]
    assert "deal.rotting_days.proposal" in offered("salesfunnel config get deal.", sales)
    assert offered("salesfunnel config set cadence.v", sales) == ["cadence.vip"]
    fish = offered("salesfunnel config get currency", sales, "fish")
    assert fish == [
        "currency.default\tcurrency of new deals, purchases and costs when none is "
        "given, and of totals"
    ]
    assert offered("salesfunnel next 1 ", sales) == ["call", "email", "meeting", "task"]
    assert "note" in offered("salesfunnel log 1 ", sales)


@pytest.mark.sqlite_only("completion offers data from an SQLite file alone")
@pytest.mark.slow
def test_what_is_shown_beside_a_name_is_the_name_as_it_is(ok, db_path) -> None:
    """Rich is kept out of completion: ``[vip]`` is part of the name, not markup."""
    ok("lead", "add", "Ana [vip] Souza\x1b[2J")
    assert offered("salesfunnel show 1", db_path, "fish") == ["1\tAna [vip] Souza\\x1b[2J"]
    script = (
        "import json, sys\n"
        "try:\n"
        f"    {PROGRAM}\n"
        "finally:\n"
        "    print(json.dumps(sorted(m for m, v in sys.modules.items() if v is not None)),"
        " file=open(sys.argv[1], 'w'))\n"
    )
    modules = db_path.parent / "modules.json"
    env = {
        "PATH": "/usr/bin:/bin",
        "SALESFUNNEL_DB": str(db_path),
        "_SALESFUNNEL_COMPLETE": "complete_zsh",
        "_TYPER_COMPLETE_ARGS": "salesfunnel show 1",
    }
    done = subprocess.run(
        [sys.executable, "-c", script, str(modules)], capture_output=True, text=True, env=env
    )
    assert '"1":"Ana [vip] Souza' in done.stdout
    loaded = json.loads(modules.read_text())
    assert "salesfunnel.services.completion" in loaded  # it did read the database
    assert [m for m in loaded if m.split(".")[0] in ("rich", "sqlalchemy", "sqlmodel")] == []


# --- what completion never does ---------------------------------------------------------


@pytest.mark.slow
def test_a_missing_database_is_not_created_and_completes_no_data(tmp_path) -> None:
    missing = tmp_path / "nowhere" / "funnel.db"
    assert offered("salesfunnel show ", missing) == []
    assert offered("salesfunnel deal move 1 ", missing) == []
    # what the program itself knows needs no database
    assert offered("salesfunnel config set lead.", missing) == ["lead.stale_days"]
    assert not missing.parent.exists()


@pytest.mark.sqlite_only("an SQLite file made at an older schema, or not ours")
@pytest.mark.slow
def test_an_older_or_foreign_database_is_left_as_it_is(sales, tmp_path) -> None:
    with sqlite3.connect(sales) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0007'")
    connection.close()
    before = sales.read_bytes()
    files = {p.name for p in sales.parent.iterdir()}
    assert offered("salesfunnel show 1", sales) == []
    assert sales.read_bytes() == before  # not upgraded
    new = {p.name for p in sales.parent.iterdir()} - files  # nor backed up first; a
    assert new <= {"funnel.db-wal", "funnel.db-shm"}  # reader of a WAL file may make these
    foreign = tmp_path / "notes.db"
    foreign.write_bytes(b"not a database at all" * 100)
    assert offered("salesfunnel show 1", foreign) == []


@pytest.mark.sqlite_only("SQLite's locking")
@pytest.mark.slow
def test_a_busy_database_gives_up_at_once(sales) -> None:
    """A writer that holds the database (a migration, an exclusive lock) makes completion
    offer nothing straight away, where a command would wait its 30 s busy timeout."""
    holder = sqlite3.connect(sales, isolation_level=None)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("UPDATE settings SET value = value")
    try:
        started = time.monotonic()
        done = complete("salesfunnel show 1", sales)
        took = time.monotonic() - started
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert (done.returncode, done.stdout.strip(), done.stderr) == (0, "", "")
    assert took < min(5, BUSY_TIMEOUT_MS / 1000 / 2)


@pytest.mark.slow
def test_on_a_server_completion_offers_no_data_at_once(sales, db_url) -> None:
    """On a server, a TAB makes no round trip: no candidates from the data, straight away
    (at an address where nothing answers, a connection would hang), nothing else printed;
    what the program itself knows (setting names, activity kinds) is still offered."""
    servers = ["postgresql://salesfunnel@192.0.2.1:5432/funnel"]  # TEST-NET-1: no one there
    if on_server():
        servers.append(db_url)  # the test's own server database, the funnel in it
    for url in servers:
        started = time.monotonic()
        done = complete("salesfunnel show 1", url)
        took = time.monotonic() - started
        assert (done.returncode, done.stdout.strip(), done.stderr) == (0, "", ""), url
        assert took < 5, url
        assert offered("salesfunnel deal move 1 ", url) == []
        assert offered("salesfunnel lead list --tag ", url) == []
        assert offered("salesfunnel config set lead.", url) == ["lead.stale_days"]
        assert offered("salesfunnel next 1 ", url) == ["call", "email", "meeting", "task"]


@pytest.mark.slow
def test_nothing_but_candidates_reaches_the_shell(sales, db_url) -> None:
    """A usage error in the line, an unknown command, a bad id: no message, no traceback."""
    for line in [
        "salesfunnel deal move notanumber ",
        "salesfunnel nosuch ",
        "salesfunnel show 99999999999999999999999",
        "salesfunnel --db",
        'salesfunnel show "unclosed',
    ]:
        done = complete(line, db_url)  # the test's database, on either
        assert done.stderr == "", line
        assert "Traceback" not in done.stdout and "Error" not in done.stdout, line


# --- the shells' own side ---------------------------------------------------------------


@pytest.mark.sqlite_only("completion offers data from an SQLite file alone")
@pytest.mark.slow
def test_bash_completes_through_the_script_salesfunnel_gives_it(sales) -> None:
    """The script bash sources, run by bash itself on a command line being typed."""
    script = (
        'eval "$(_SALESFUNNEL_COMPLETE=source_bash salesfunnel)"\n'
        'COMP_WORDS=(salesfunnel deal move 1 ""); COMP_CWORD=4\n'
        "_salesfunnel_completion salesfunnel\n"
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    env = {"PATH": f"{BIN}:/usr/bin:/bin", "SALESFUNNEL_DB": str(sales), "HOME": str(sales.parent)}
    done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, env=env)
    assert done.stdout.split() == ["qualification", "meeting", "proposal", "negotiation"]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("shell", "expected"),
    [
        ("bash", "complete -o default -F _salesfunnel_completion salesfunnel"),
        ("zsh", "compdef _salesfunnel_completion salesfunnel"),
        ("fish", "complete --command salesfunnel --no-files"),
    ],
)
def test_each_shell_has_its_script(tmp_path, shell, expected) -> None:
    env = {
        "PATH": f"{BIN}:/usr/bin:/bin",
        "_SALESFUNNEL_COMPLETE": f"source_{shell}",
        "SALESFUNNEL_DB": str(tmp_path / "funnel.db"),
    }
    done = subprocess.run([sys.executable, "-c", PROGRAM], capture_output=True, text=True, env=env)
    assert expected in done.stdout
    assert not (tmp_path / "funnel.db").exists()


@pytest.mark.slow
def test_install_completion_installs_it_for_the_shell_it_runs_in(tmp_path) -> None:
    env = {"PATH": f"{BIN}:/usr/bin:/bin", "HOME": str(tmp_path)}
    shown = subprocess.run(
        ["bash", "-c", "salesfunnel --show-completion; true"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert "_salesfunnel_completion" in shown.stdout
    done = subprocess.run(
        ["bash", "-c", "salesfunnel --install-completion; true"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert "bash completion installed" in done.stdout
    installed = tmp_path / ".bash_completions" / "salesfunnel.sh"
    assert "_salesfunnel_completion" in installed.read_text()
    assert f"source '{installed}'" in (tmp_path / ".bashrc").read_text()


def test_the_help_names_the_completion_options(run) -> None:
    shown = run("--help").stdout
    assert "--install-completion" in shown and "--show-completion" in shown


def test_completion_mounts_only_the_command_being_completed(monkeypatch) -> None:
    monkeypatch.setenv("_SALESFUNNEL_COMPLETE", "complete_zsh")
    monkeypatch.setenv("_TYPER_COMPLETE_ARGS", "salesfunnel --db x.db deal move 1 ")
    assert set(typer.main.get_command(cli.app_for([])).commands) == {"deal"}  # type: ignore[attr-defined]
    monkeypatch.setenv("_TYPER_COMPLETE_ARGS", "salesfunnel de")  # a command's name: the list
    listed = typer.main.get_command(cli.app_for([])).commands  # type: ignore[attr-defined]
    assert set(listed) == {*cli.COMMANDS, *cli.GROUPS}


# --- the queries: bounded, and on their indexes -----------------------------------------


class _PlanningDriver(SqliteDriver):
    def __init__(self, connection: sqlite3.Connection) -> None:
        super().__init__(connection)
        self.plans: list[list[str]] = []

    def run(self, sql, params):  # type: ignore[no-untyped-def]
        bound = {k: sqlite_value(v) for k, v in params.items()}
        plan = self.connection.execute(f"EXPLAIN QUERY PLAN {sql}", bound).fetchall()
        self.plans.append([step[-1] for step in plan])
        return super().run(sql, params)


@pytest.mark.sqlite_only("SQLite's query plans")
@pytest.mark.parametrize(
    ("ask", "index"),
    [
        (lambda work: completion.contacts(work, "1"), "USING INTEGER PRIMARY KEY"),
        (lambda work: completion.contacts(work, "1", "lead"), "USING INTEGER PRIMARY KEY"),
        (lambda work: completion.contacts(work, "ana"), "USING INDEX ix_contacts_email_key"),
        (lambda work: completion.deals(work, "1", open_only=True), "USING INTEGER PRIMARY KEY"),
        (lambda work: completion.steps(work, ""), "USING INDEX ix_activities_open_due"),
        (lambda work: completion.steps(work, "1"), "USING INTEGER PRIMARY KEY"),
        (lambda work: completion.sources(work, "w"), "USING COVERING INDEX ix_contacts_source"),
        (lambda work: completion.tags(work, "t"), "USING COVERING INDEX ix_contact_tags_tag"),
        (lambda work: completion.list_names(work, "L"), "sqlite_autoindex_prospect_lists_1"),
    ],
)
def test_each_question_searches_an_index(sales, ask, index) -> None:
    planning = _PlanningDriver(sqlite3.connect(sales, isolation_level=None))
    with Work(planning, write=False) as work:
        assert ask(work)
    planning.close()
    steps = [step for plan in planning.plans for step in plan]
    assert any(index in step for step in steps), steps
    assert not [
        s
        for s in steps
        if s.startswith("SCAN ")
        and s.split()[1] in ("contacts", "contact_tags", "deals", "activities")
    ]


@pytest.mark.sqlite_only("completion offers data from an SQLite file alone")
def test_no_more_than_a_screenful(ok, tmp_path, db_path) -> None:
    rows = "\n".join(f"Person {n},p{n}@x.example" for n in range(1, 301))
    (tmp_path / "many.csv").write_text(f"name,email\n{rows}\n")
    ok("prospect", "import", str(tmp_path / "many.csv"))
    driver = glance_driver(db_path)
    assert driver is not None
    with Work(driver, write=False) as work:
        by_id = completion.contacts(work, "1")
        by_email = completion.contacts(work, "p")
        newest = completion.contacts(work, "")
    driver.close()
    assert len(by_id) == len(by_email) == len(newest) == completion.LIMIT
    assert by_id[:3] == [("1", "Person 1"), ("10", "Person 10"), ("11", "Person 11")]
    assert newest[0] == ("300", "Person 300")
    assert by_email[0] == ("p100@x.example", "#100 Person 100")  # "0" comes before "@"


def test_the_glance_leaves_missing_and_older_files_alone(tmp_path) -> None:
    missing = tmp_path / "no" / "such.db"
    assert glance_driver(missing) is None
    assert not missing.parent.exists()
    older = tmp_path / "old.db"
    with sqlite3.connect(older) as connection:
        connection.execute("CREATE TABLE alembic_version (version_num TEXT)")
        connection.execute("INSERT INTO alembic_version VALUES ('0001')")
    connection.close()
    before = older.read_bytes()
    assert glance_driver(older) is None
    assert older.read_bytes() == before


@given(st.from_regex(r"[0-9]{1,4}", fullmatch=True), st.integers(0, 30_000))
def test_id_ranges_hold_exactly_the_ids_that_start_so(prefix: str, highest: int) -> None:
    covered = {
        i for low, high in completion.id_ranges(prefix, highest) for i in range(low, high + 1)
    }
    expected = {i for i in range(1, highest + 1) if str(i).startswith(prefix)}
    assert covered & set(range(1, highest + 1)) == expected
    lows = [low for low, _ in completion.id_ranges(prefix, highest)]
    assert lows == sorted(lows) and all(low <= highest for low in lows)


@given(st.text(max_size=8), st.text(max_size=12))
def test_a_candidate_keeps_what_was_typed(typed: str, value: str) -> None:
    shown = completion.as_typed(typed, value)
    if value[: len(typed)].lower() == typed.lower():
        assert shown.startswith(typed) and shown[len(typed) :] == value[len(typed) :]
    else:
        assert shown == value


def test_bash_is_given_each_candidate_escaped(monkeypatch) -> None:
    from salesfunnel.cli.complete import _shown

    found = [("trade fair", ""), ("o'neil & co", ""), ("line\nbreak", ""), ("x", "bell\x07")]
    monkeypatch.setenv("_SALESFUNNEL_COMPLETE", "complete_bash")
    assert _shown(found, "") == [
        ("trade\\ fair", ""),
        ("o\\'neil\\ \\&\\ co", ""),
        ("x", "bell\\x07"),
    ]
    monkeypatch.setenv("_SALESFUNNEL_COMPLETE", "complete_fish")
    assert _shown(found, "tr") == [("trade fair", "")]


@pytest.mark.sqlite_only("completion offers data from an SQLite file alone")
def test_edit_offers_contacts_and_deal_and_view_its_saved_views(sales, ok) -> None:
    assert offered("salesfunnel edit d", sales) == ["deal"]
    contacts = offered("salesfunnel edit 1", sales)
    assert "1" in contacts and "14" in contacts and "deal" not in contacts
    assert offered("salesfunnel edit deal ", sales) == ["2", "1"]
    ok("config", "set", "view.vip", "lead list --tag vip")
    ok("config", "set", "view.webinar", "lead list --source webinar")
    assert offered("salesfunnel view ", sales) == ["vip", "webinar"]
    assert offered("salesfunnel view w", sales) == ["webinar"]
    assert "view.vip" in offered("salesfunnel config unset view.", sales)
