"""`salesfunnel prospect import` and `prospect undo-import`: whole lists in and out.

Command functions only: they parse, call one use case of
:mod:`salesfunnel.importing`, and render.  Everything heavy is imported inside
them, so ``salesfunnel --help`` stays fast.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from salesfunnel.cli import complete
from salesfunnel.cli.options import JsonFlag, YesFlag, confirm
from salesfunnel.cli.state import state

if TYPE_CHECKING:
    from salesfunnel.importing import CsvInput, Progress, Rejects
    from salesfunnel.render.output import Output
    from salesfunnel.schemas import ImportPlanPublic, ImportSummaryPublic, UndoImportPublic


class OnDuplicate(StrEnum):
    skip = "skip"
    update = "update"


def prospect_import(
    ctx: typer.Context,
    file: Annotated[
        str, typer.Argument(metavar="FILE|-", help="CSV file to import, or - for standard input.")
    ],
    list_name: Annotated[
        str | None,
        typer.Option(
            "--list",
            metavar="NAME",
            help="Prospecting list to fill (default: the file's name).",
            autocompletion=complete.list_name,
        ),
    ] = None,
    mappings: Annotated[
        list[str] | None,
        typer.Option(
            "--map",
            metavar='"Header=field"',
            help="Read a column (its header or number) as a field: name, first_name, "
            "middle_name, last_name, email, phone, company, title, website, city, country, "
            "source, tags, notes, value, extra or skip.",
        ),
    ] = None,
    encoding: Annotated[
        str | None,
        typer.Option(
            metavar="ENCODING", help="Read the file in this encoding (default: detected)."
        ),
    ] = None,
    delimiter: Annotated[
        str | None,
        typer.Option(metavar="CHAR", help="Field delimiter: , ; | or tab (default: detected)."),
    ] = None,
    as_leads: Annotated[
        bool, typer.Option("--as-leads", help="Import as new inbound leads, not prospects.")
    ] = False,
    on_duplicate: Annotated[
        OnDuplicate,
        typer.Option(help="A row of someone already known: skip it, or update them with it."),
    ] = OnDuplicate.skip,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run", help="Show the detected format, mapping and first rows; write nothing."
        ),
    ] = False,
    rejects: Annotated[
        Path | None,
        typer.Option(
            metavar="FILE", help="Write rejected rows, with line and reason, to this CSV."
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Replace the --rejects file if it exists (never the database or FILE).",
        ),
    ] = False,
    as_json: JsonFlag = False,
) -> None:
    """Import a prospect list from CSV: any usual encoding, delimiter and header language.

    One import is one transaction: it lands whole or not at all.  Duplicates (by
    email, then phone; in the file or already known) are skipped.
    """
    from salesfunnel import importing
    from salesfunnel.files import checked_target

    app_state = state(ctx)
    protected = app_state.own_files()
    if file != "-":
        protected[Path(file)] = "the file being imported"
    if rejects is not None and not dry_run:  # refused before anything is read or written
        checked_target(rejects, "--rejects", force=force, protected=protected)
    source, plan = importing.prepare(
        file,
        stdin=getattr(sys.stdin, "buffer", None),
        encoding=encoding,
        delimiter=delimiter,
        list_name=list_name,
        mappings=mappings or [],
        as_leads=as_leads,
        on_duplicate=on_duplicate.value,
    )
    try:
        if dry_run:
            _show_plan(app_state.output, importing.dry_run(source, plan), as_json)
            return
        started = time.perf_counter()
        with importing.Rejects(rejects, force=force, protected=protected) as rejected:
            # The import makes every row's references itself (list, import, companies):
            # SQLite need not check them row by row (importing/service.py).
            with (
                _progress(source) as progress,
                app_state.writing(check_references=False) as work,
            ):
                summary = importing.run(work, source, plan, rejected, progress)
                work.summary = f"Imported {_imported_line(summary)}."
            rejected.keep()
        # the time the user waited, the commit included
        summary = summary.replace(seconds=round(time.perf_counter() - started, 2))
    finally:
        source.close()
    _show_summary(app_state.output, summary, as_json, rejected)


def prospect_undo_import(
    ctx: typer.Context,
    list_name: Annotated[
        str,
        typer.Argument(
            metavar="LIST", help="The list an import filled.", autocompletion=complete.list_name
        ),
    ],
    yes: YesFlag = False,
    as_json: JsonFlag = False,
) -> None:
    """Take back the imports into a list: remove the contacts they added, as one unit.

    Contacts that have moved on since (converted, cancelled, worked on) stay.  Contacts
    that were there before get back the values an import wrote onto them
    (--on-duplicate update), where nobody has changed them since.
    """
    from salesfunnel import importing

    app_state = state(ctx)
    with app_state.reading() as work:
        plan = importing.preview_undo(work, list_name)
    if plan.removed or plan.restored:
        confirm(
            f"Remove the {plan.removed:,} contact(s) imported into list {plan.list!r}"
            f"{_kept_note(plan)}{_restore_note(plan)}?",
            yes,
        )
    with app_state.writing() as work:
        result = importing.take_back(work, list_name)
        work.summary = _removed_line(result)
    if as_json:
        app_state.output.json(result)
    _show_undo(app_state.output, result)


# --- feedback ---------------------------------------------------------------------------


@contextmanager
def _progress(source: CsvInput) -> Iterator[Progress | None]:
    """A Rich progress bar on stderr, only when stderr is a terminal."""
    import os

    if not sys.stderr.isatty() or os.environ.get("TERM") == "dumb":
        yield None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    columns = (
        [TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TimeRemainingColumn()]
        if source.size
        else [TextColumn("{task.description}")]
    )
    # Refreshed by each batch, not by a thread of its own: a big import forks a reader
    # process, which a second thread would make unsafe (importing/ahead.py).
    from salesfunnel.render.output import escape, visible

    name = escape(visible(source.name))  # the description is Rich markup: the name is data
    with Progress(
        *columns, console=Console(stderr=True), transient=True, auto_refresh=False
    ) as bar:
        task = bar.add_task(f"Importing {name}", total=source.size)

        def advance(done: int, rows: int, doing: str) -> None:
            label = f"Importing {name}: {rows:,} rows" + (f"; {doing}" if doing else "")
            bar.update(task, completed=done if source.size else None, description=label)
            bar.refresh()

        yield advance


def _show_summary(
    output: Output, summary: ImportSummaryPublic, as_json: bool, rejected: Rejects
) -> None:
    if as_json:
        output.json(summary)
    see = f" (see {summary.rejects_file})" if summary.rejects_file else ""
    lines = [
        "Imported    " + _imported_line(summary),
        f"Duplicates  {summary.duplicates:,} " + _duplicates_detail(summary),
        f"Conflicts   {summary.conflicts:,}"
        + (f" same email, another name: not imported{see}" if summary.conflicts else ""),
        f"Rejected    {summary.rejected:,}" + (see if summary.rejected else ""),
        f"Flagged     {summary.flagged:,}" + (" malformed emails, kept" if summary.flagged else ""),
        f"Rows        {summary.rows:,} = {summary.imported:,} imported + "
        f"{summary.duplicates:,} duplicates + {summary.conflicts:,} conflicts + "
        f"{summary.rejected:,} rejected",
        f"Time        {_seconds(summary.seconds)} for {summary.rows:,} rows "
        f"({summary.encoding}, {_delimiter_label(summary.delimiter)})",
    ]
    for line in lines:
        output.message(line.rstrip())
    if summary.rejects_file:
        return
    _first_few(output, summary.conflicts, rejected.first_conflicts, "conflict")
    _first_few(output, summary.rejected, rejected.first, "rejected row")


def _first_few(output: Output, count: int, first: list[tuple[int, str]], what: str) -> None:
    if not count:
        return
    for number, reason in first:
        output.message(f"  line {number}: {reason}")
    more = count - len(first)
    tail = f"{more:,} more; " if more > 0 else ""
    output.message(f"  ({tail}--rejects FILE saves every {what} with its reason)")


def _duplicates_detail(summary: ImportSummaryPublic) -> str:
    """Merged into whom: an earlier row of the file, or a contact already known."""
    if not summary.duplicates:
        return ""
    detail = (
        f"({summary.duplicates_in_file:,} repeated in the file, "
        f"{summary.duplicates_in_database:,} already known"
    )
    if summary.duplicates_by_phone:
        detail += f"; {summary.duplicates_by_phone:,} of them by phone"
    detail += ")"
    if summary.updated:
        detail += f"; {summary.updated:,} existing contacts updated"
    return detail


def _imported_line(summary: ImportSummaryPublic) -> str:
    noun = "lead" if summary.stage == "lead" else "prospect"
    noun += "" if summary.imported == 1 else "s"
    return f"{summary.imported:,} {noun} into list {summary.list!r} (import #{summary.import_id})"


def _removed_line(result: UndoImportPublic) -> str:
    imports = ", ".join(f"#{i}" for i in result.imports)
    return (
        f"Removed {result.removed:,} contact(s) that import {imports} added "
        f"to list {result.list!r}."
    )


def _seconds(seconds: float) -> str:
    return f"{seconds:.1f} s" if seconds >= 1 else f"{seconds:.2f} s"


def _delimiter_label(char: str) -> str:
    from salesfunnel.importing import DELIMITER_NAMES

    return DELIMITER_NAMES.get(char, repr(char))


def _header_note(plan: ImportPlanPublic) -> str:
    lines = "line" if plan.notes_above == 1 else "lines"
    return f"line {plan.header_line} ({plan.notes_above} {lines} of notes above it, skipped)"


def _show_plan(output: Output, plan: ImportPlanPublic, as_json: bool) -> None:
    if as_json:
        output.json(plan)
        return
    from salesfunnel.render.output import Column

    output.record(
        f"Dry run: {plan.file} (nothing written)",
        [
            ("encoding", f"{plan.encoding} ({plan.encoding_how})"),
            ("delimiter", f"{_delimiter_label(plan.delimiter)} ({plan.delimiter_how})"),
            *([("header", _header_note(plan))] if plan.notes_above else []),
            ("list", plan.list),
        ],
    )
    output.heading("Columns")
    output.table(
        plan.columns,
        [
            Column("#", lambda c: c.position, numeric=True),
            Column("header", lambda c: c.header),
            Column("field", lambda c: c.field),
            Column("how", lambda c: c.how),
        ],
    )
    output.heading(f"First {len(plan.rows)} rows")
    output.table(
        plan.rows,
        [
            Column("line", lambda r: r.line, numeric=True),
            Column("name", lambda r: r.name if not r.rejected else f"rejected: {r.rejected}"),
            Column("email", lambda r: (r.email or "") + (" (?)" if r.email_flagged else "")),
            Column("phone", lambda r: r.phone),
            Column("company", lambda r: r.company),
            Column("title", lambda r: r.title),
            Column("city", lambda r: r.city),
            Column("extra", lambda r: ", ".join(f"{k}={v}" for k, v in r.extra.items())),
        ],
    )


def _kept_note(plan: UndoImportPublic) -> str:
    return f" ({plan.kept:,} that moved on will stay)" if plan.kept else ""


def _restore_note(plan: UndoImportPublic) -> str:
    if not plan.restored:
        return ""
    return f", and put back what it wrote onto {plan.restored:,} contact(s) already there"


def _show_undo(output: Output, result: UndoImportPublic) -> None:
    output.message(_removed_line(result))
    if result.kept:
        reasons = ", ".join(f"{n:,} {reason}" for reason, n in result.kept_reasons.items())
        why = "their history stays"
        if "cancelled" in result.kept_reasons:
            why += ", and cancelled ones keep a re-import from bringing them back"
        output.message(f"Kept {result.kept:,} that moved on since ({reasons}): {why}.")
    if result.restored:
        output.message(
            f"Put back the values the import wrote onto {result.restored:,} contact(s) "
            "that were there before."
        )
    if result.list_removed:
        output.message(f"List {result.list!r} is empty now, so it is gone too.")
