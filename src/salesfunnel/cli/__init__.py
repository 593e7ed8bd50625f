"""The command line: one Typer sub-app per noun, and the single error boundary.

Typer builds a command from its function's signature, and building all forty took
longer than anything `todo` does with a million contacts.  So ``main`` mounts only
what it will run (``app_for``): the command its arguments name; or, to list them in
the top-level help, every command's name and help alone.  ``app`` is the whole tree,
for the tests and the docs.
"""

from __future__ import annotations

import importlib
import inspect
import os
import sys
from collections.abc import Callable, Iterable
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from salesfunnel import __version__
from salesfunnel.cli.complete import COMPLETION_VARIABLE
from salesfunnel.cli.state import AppState
from salesfunnel.errors import DEBUG_VARIABLE, ExitStatus, SalesfunnelError, debugging
from salesfunnel.render.output import visible

INTERRUPTED = "Interrupted: nothing was written."
INTERRUPTED_AFTER_SAVING = "Interrupted after the change was saved."
COMMAND_LINE = "salesfunnel.command_line"  # where make_context keeps it (ctx.meta)


class ErrorBoundary(TyperGroup):
    """Turns every refusal into one line on stderr and its exit status; never a traceback.

    Set ``SALESFUNNEL_DEBUG=1`` to see the traceback of an unexpected error.
    """

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except SalesfunnelError as error:
            typer.echo(f"Error: {visible(str(error))}", err=True)
            raise typer.Exit(error.status) from None
        except KeyboardInterrupt:
            saved = isinstance(ctx.obj, AppState) and ctx.obj.saved
            typer.echo(INTERRUPTED_AFTER_SAVING if saved else INTERRUPTED, err=True)
            raise typer.Exit(ExitStatus.INTERRUPTED) from None
        except Exception as error:  # a subcommand's usage error, on its way to Click
            _show_arguments_visibly(error)
            raise

    def make_context(
        self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any
    ) -> Any:
        """Keeps the command line (what the undo journal shows) before Click parses it;
        a usage error quotes what was typed, shown visibly like any data."""
        typed = list(args)
        try:
            ctx = super().make_context(info_name, args, parent, **extra)
        except Exception as error:
            _show_arguments_visibly(error)
            raise
        ctx.meta[COMMAND_LINE] = command_line(typed)
        return ctx

    def main(self, *args: Any, **kwargs: Any) -> Any:
        """Click's ``main`` shows Click's own errors (a usage error: its message, exit 2),
        quiets a closed pipe and exits; whatever else escapes it is unexpected.

        Catching here rather than in ``invoke`` leaves Click's exceptions to Click without
        naming them: Typer before 0.26 raises those of the ``click`` package, later ones
        those of its own copy of Click.
        """
        if not kwargs.get("standalone_mode", True):
            return super().main(*args, **kwargs)  # the caller handles every error
        try:
            return super().main(*args, **kwargs)
        except Exception as error:
            if debugging():
                raise
            typer.echo(
                f"Error: unexpected {type(error).__name__}: {visible(_one_line(error))} "
                f"(run with {DEBUG_VARIABLE}=1 for details)",
                err=True,
            )
            sys.exit(ExitStatus.REFUSED)


def _one_line(error: Exception) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else ""


def _show_arguments_visibly(error: Exception) -> None:
    """Click's usage errors quote what was typed (``No such option: --\\x1b[2J``): shown
    visibly like any data.  Duck-typed, as ``main`` is, for either copy of Click."""
    message = getattr(error, "message", None)
    if isinstance(message, str) and callable(getattr(error, "show", None)):
        error.message = visible(message)  # type: ignore[attr-defined]


# What the root mounts, as "module:attribute", in the order the help lists them (Typer
# lists commands, then groups).
COMMANDS = {
    "pipeline": "salesfunnel.cli.deal:pipeline",
    "next": "salesfunnel.cli.activity:activity_next",
    "log": "salesfunnel.cli.activity:activity_log",
    "done": "salesfunnel.cli.activity:activity_done",
    "snooze": "salesfunnel.cli.activity:activity_snooze",
    "todo": "salesfunnel.cli.todo:todo",
    "digest": "salesfunnel.cli.todo:digest",
    "export": "salesfunnel.cli.export:export",
    "search": "salesfunnel.cli.search:search",
    "show": "salesfunnel.cli.show:show",
    "undo": "salesfunnel.cli.undo:undo",
    "merge": "salesfunnel.cli.merge:merge",
    "edit": "salesfunnel.cli.edit:edit",
    "view": "salesfunnel.cli.view:view",
    "backup": "salesfunnel.cli.maintenance:backup",
    "check": "salesfunnel.cli.maintenance:check",
    "copy-to": "salesfunnel.cli.moving:copy_to",
    "demo": "salesfunnel.cli.demo:demo",
}
GROUPS = {
    "prospect": "salesfunnel.cli.prospect:app",
    "lead": "salesfunnel.cli.lead:app",
    "deal": "salesfunnel.cli.deal:app",
    "customer": "salesfunnel.cli.customer:app",
    "config": "salesfunnel.cli.config:app",
    "calendar": "salesfunnel.cli.calendar:app",
    "report": "salesfunnel.cli.report:app",
    "source": "salesfunnel.cli.source:app",
    "mail": "salesfunnel.cli.mail:app",
}


def _version(value: bool) -> None:
    if value:
        typer.echo(f"salesfunnel {__version__}")
        raise typer.Exit()


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
    ctx.obj = AppState(db=db, command=ctx.meta.get(COMMAND_LINE, ""))
    ctx.call_on_close(ctx.obj.close)


def new_root() -> typer.Typer:
    """The top of the tree, with nothing mounted on it yet."""
    top = typer.Typer(
        name="salesfunnel",
        cls=ErrorBoundary,
        help="A personal sales tracker: prospects, leads, deals and customers in one file.",
        no_args_is_help=True,
        rich_markup_mode=None,
        pretty_exceptions_enable=False,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    top.callback()(root)
    return top


def _load(where: str) -> Any:
    module, attribute = where.split(":")
    return getattr(importlib.import_module(module), attribute)


def _listed_only() -> None:
    """Stands in for a command in the top-level help; ``main`` mounts the real one to run."""


def mount(top: typer.Typer, names: Iterable[str], *, listed_only: bool = False) -> None:
    """Mount these commands and groups; or, ``listed_only``, just their names and help."""
    wanted = set(names)
    for name, where in COMMANDS.items():
        if name in wanted:
            command: Callable[..., Any] = _load(where)
            if listed_only:
                top.command(name, help=inspect.getdoc(command))(_listed_only)
            else:  # `view` passes the options it doesn't know on to the listing it runs
                top.command(name, context_settings=getattr(command, "context_settings", None))(
                    command
                )
    for name, where in GROUPS.items():
        if name in wanted:
            group: typer.Typer = _load(where)
            if listed_only:
                top.command(name, help=group.info.help)(_listed_only)
            else:
                top.add_typer(group, name=name)


def app_for(args: list[str]) -> typer.Typer:
    """The tree ``main`` runs for these arguments: the named command alone, or the list."""
    top = new_root()
    completing = bool(os.environ.get(COMPLETION_VARIABLE))
    name = command_named(completion_words() if completing else args)
    if name in COMMANDS or name in GROUPS:
        mount(top, [name])
    else:  # the top-level help, --version, or a command that doesn't exist
        mount(top, [*COMMANDS, *GROUPS], listed_only=True)
    return top


def completion_words() -> list[str]:
    """What the shell asks to complete, after the program's name: the words it passes
    in its variables (bash: ``COMP_WORDS``, zsh and fish: ``_TYPER_COMPLETE_ARGS``),
    read only to know which command to mount; Typer reads them again to complete."""
    import shlex

    line = os.environ.get("_TYPER_COMPLETE_ARGS") or os.environ.get("COMP_WORDS", "")
    try:
        words = shlex.split(line)
    except ValueError:  # an open quote: the words before it are enough
        words = line.split()
    return words[1:]


def command_named(args: list[str]) -> str | None:
    """The command the arguments name: the first that is neither an option nor its value."""
    index = 0
    while index < len(args):
        arg = args[index]
        if arg == "--":
            return args[index + 1] if index + 1 < len(args) else None
        if arg == "--db":
            index += 2
            continue
        if not arg.startswith("-"):
            return arg
        index += 1
    return None


def __getattr__(name: str) -> Any:
    """``app``: the whole command tree, built on first use (PEP 562)."""
    if name != "app":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    whole = new_root()
    mount(whole, [*COMMANDS, *GROUPS])
    globals()["app"] = whole
    return whole


def command_line(args: list[str]) -> str:
    """The arguments as a shell would take them, without ``--db`` (a path, or a server
    URL with its password): ``deal win 12``."""
    import shlex

    kept: list[str] = []
    index = 0
    while index < len(args):
        arg = args[index]
        if arg == "--":
            kept.extend(args[index:])
            break
        if arg == "--db":
            index += 2
            continue
        if not arg.startswith("--db="):
            kept.append(arg)
        index += 1
    return shlex.join(kept)


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


def quiet_completion() -> None:
    """While the shell completes, nothing but candidates reaches it: stderr (a warning,
    an error) goes nowhere, and Rich stays unimported, so that Typer shows names and
    help as they are rather than read them as Rich markup (``[vip]``), and doesn't
    spend a tenth of a second importing it on every TAB in zsh and fish."""
    sys.stderr = open(os.devnull, "w")  # for the life of the process
    sys.modules.setdefault("rich", None)  # type: ignore[arg-type]


def main() -> None:
    if os.environ.get(COMPLETION_VARIABLE):
        quiet_completion()
    streams_that_never_fail()
    try:
        args = hoist_db_option(sys.argv[1:])
        app_for(args)(args=args, prog_name="salesfunnel")
    except KeyboardInterrupt:  # before a command started: nothing to roll back
        print(INTERRUPTED, file=sys.stderr)
        sys.exit(ExitStatus.INTERRUPTED)
