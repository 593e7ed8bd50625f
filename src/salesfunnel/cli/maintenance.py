"""`salesfunnel backup FILE` and `salesfunnel check`: keeping the data safe and sound.

Plain functions, mounted as top-level commands in ``cli/__init__.py``.  Both work on the
SQLite file as it is: neither creates, upgrades nor writes the database.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from salesfunnel.cli.options import ForceFlag, JsonFlag
from salesfunnel.cli.state import state


def backup(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(metavar="FILE", help="Where to write the copy.")],
    force: ForceFlag = False,
    as_json: JsonFlag = False,
) -> None:
    """Copy the database to FILE while it is in use: one consistent snapshot, in a file
    readable by you alone (SQLite's online backup; other commands may go on writing)."""
    from salesfunnel.files import checked_target
    from salesfunnel.render.maintenance import backup_message
    from salesfunnel.services.backup import back_up

    app_state = state(ctx)
    database = app_state.sqlite_file("backup", "pg_dump")
    protected = app_state.own_files()
    target = checked_target(file, force=force, protected=protected)
    done = back_up(database, target, force=force, protected=protected)
    if as_json:
        app_state.output.json(done)
    app_state.output.message(backup_message(done))


def check(ctx: typer.Context, as_json: JsonFlag = False) -> None:
    """Check the database: the file's integrity, its schema version, records the funnel
    can't produce (orphans, impossible states), with counts by stage and status.

    Read-only: the file is never changed.  Exit 0 when all is well; 1 with each problem on
    its own line and how to set it right.
    """
    from salesfunnel.render.maintenance import render_check
    from salesfunnel.services.check import check_database

    app_state = state(ctx)
    database = app_state.sqlite_file("check", "amcheck, pg_dump --schema-only")
    with app_state.inspecting(database) as work:
        report = check_database(work, database)
    if as_json:
        app_state.output.json(report)
    else:
        render_check(app_state.output, report)
    if not report.ok:
        raise typer.Exit(1)  # the report said what is wrong; the exit says that something is
