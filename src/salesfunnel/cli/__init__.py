"""The command line: one Typer sub-app per noun, and the single error boundary."""

from __future__ import annotations

import os
import sys
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from salesfunnel import __version__
from salesfunnel.cli import (
    activity,
    config,
    customer,
    deal,
    export,
    lead,
    prospect,
    prospect_import,
    report,
    search,
    source,
    todo,
)
from salesfunnel.cli import calendar as calendar_cli
from salesfunnel.cli.state import AppState
from salesfunnel.errors import ExitStatus, SalesfunnelError

DEBUG_VARIABLE = "SALESFUNNEL_DEBUG"
DEMO_SECTION_ROWS = 5  # per to-do section after `demo`: a taste, not the whole list
INTERRUPTED = "Interrupted: nothing was written."
INTERRUPTED_AFTER_SAVING = "Interrupted after the change was saved."


class ErrorBoundary(TyperGroup):
    """Turns every refusal into one line on stderr and its exit status; never a traceback.

    Set ``SALESFUNNEL_DEBUG=1`` to see the traceback of an unexpected error.
    """

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except SalesfunnelError as error:
            typer.echo(f"Error: {error}", err=True)
            raise typer.Exit(error.status) from None
        except KeyboardInterrupt:
            saved = isinstance(ctx.obj, AppState) and ctx.obj.saved
            typer.echo(INTERRUPTED_AFTER_SAVING if saved else INTERRUPTED, err=True)
            raise typer.Exit(ExitStatus.INTERRUPTED) from None
        except (typer.Exit, typer.Abort, BrokenPipeError):
            raise  # a closed pipe (| head) is Typer's to quiet: exit 1, no message
        except Exception as error:
            if _is_click_exception(error) or debugging():
                raise
            typer.echo(
                f"Error: unexpected {type(error).__name__}: {_one_line(error)} "
                f"(run with {DEBUG_VARIABLE}=1 for details)",
                err=True,
            )
            raise typer.Exit(ExitStatus.REFUSED) from None


def debugging() -> bool:
    return os.environ.get(DEBUG_VARIABLE, "").strip() not in ("", "0")


def _is_click_exception(error: Exception) -> bool:
    from typer._click.exceptions import ClickException

    return isinstance(error, ClickException)


def _one_line(error: Exception) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else ""


app = typer.Typer(
    name="salesfunnel",
    cls=ErrorBoundary,
    help="A personal sales tracker: prospects, leads, deals and customers in one file.",
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"salesfunnel {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            envvar="SALESFUNNEL_DB",
            metavar="PATH|URL",
            help="Database file or SQLAlchemy URL (default: the user data directory).",
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """salesfunnel: move people from prospect to customer, from the shell."""
    ctx.obj = AppState(db=db)
    ctx.call_on_close(ctx.obj.close)


app.add_typer(prospect.app, name="prospect")
prospect.app.command("import")(prospect_import.prospect_import)
prospect.app.command("undo-import")(prospect_import.prospect_undo_import)
app.add_typer(lead.app, name="lead")
app.add_typer(deal.app, name="deal")
app.command("pipeline")(deal.pipeline)
app.add_typer(customer.app, name="customer")
app.add_typer(config.app, name="config")
app.command("next")(activity.activity_next)
app.command("log")(activity.activity_log)
app.command("done")(activity.activity_done)
app.command("snooze")(activity.activity_snooze)
app.command("todo")(todo.todo)
app.command("digest")(todo.digest)
app.add_typer(calendar_cli.app, name="calendar")
app.add_typer(report.app, name="report")
app.add_typer(source.app, name="source")
app.command("export")(export.export)
app.command("search")(search.search)


@app.command("demo")
def demo(
    ctx: typer.Context,
    contacts: Annotated[int, typer.Option(min=20, max=5000, help="How many contacts.")] = 300,
) -> None:
    """Build a realistic sample database, then show the pipeline and the to-do list."""
    from salesfunnel.cli.state import state
    from salesfunnel.services.demo import build_demo

    app_state = state(ctx)
    with app_state.writing() as uow:
        summary = build_demo(uow, contacts=contacts)
    app_state.output.message(summary)
    deal.pipeline(ctx)
    app_state.output.heading("To do")
    todo.todo(ctx, limit=DEMO_SECTION_ROWS)


def hoist_db_option(args: list[str]) -> list[str]:
    """Let ``--db`` follow the subcommand too (``salesfunnel demo --db x.db``)."""
    front: list[str] = []
    rest: list[str] = []
    index = 0
    while index < len(args):
        arg = args[index]
        if arg == "--":
            rest.extend(args[index:])
            break
        if arg == "--db" and index + 1 < len(args):
            front += args[index : index + 2]
            index += 2
            continue
        if arg.startswith("--db="):
            front.append(arg)
        else:
            rest.append(arg)
        index += 1
    return front + rest


def streams_that_never_fail() -> None:
    """Names in any alphabet print whatever the locale, cron's bare environment included.

    Python reads LANG=C (or none) as UTF-8 already; a stream left in another encoding
    (a Latin-1 locale, PYTHONIOENCODING=ascii) is switched to UTF-8 when it goes to a
    file, pipe or cron's mail, and on a terminal keeps the terminal's encoding but
    prints "?" for what it can't show, rather than failing with UnicodeEncodeError.
    """
    import codecs

    for stream in (sys.stdout, sys.stderr):
        encoding = getattr(stream, "encoding", None) or "ascii"
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is None or codecs.lookup(encoding).name.startswith("utf"):
            continue
        if stream.isatty():
            reconfigure(errors="replace")
        else:
            reconfigure(encoding="utf-8", errors="replace")


def main() -> None:
    streams_that_never_fail()
    try:
        app(args=hoist_db_option(sys.argv[1:]), prog_name="salesfunnel")
    except KeyboardInterrupt:  # before a command started: nothing to roll back
        print(INTERRUPTED, file=sys.stderr)
        sys.exit(ExitStatus.INTERRUPTED)
