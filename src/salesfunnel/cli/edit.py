"""`salesfunnel edit CONTACT` and `edit deal ID`: a record as a form in the user's editor.

The editor is found as `git commit` finds it: $VISUAL, then $EDITOR, then vi; it runs
through ``sh -c``, so ``code --wait`` or ``vim -u NONE`` work, and talks to the terminal.
The form is written to a file only its owner can read, and that file is removed once the
edit is written or called off; when the edit is refused, the file is kept and named, so
that what was typed is never lost.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from salesfunnel.cli import complete
from salesfunnel.cli.state import AppState, state
from salesfunnel.errors import BadValue, ChangedMeanwhile, EditCalledOff, InvalidTransition

if TYPE_CHECKING:
    from salesfunnel.services.edit import Form

DEAL = "deal"
DEFAULT_EDITOR = "vi"


def edit(
    ctx: typer.Context,
    record: Annotated[
        str,
        typer.Argument(
            metavar="CONTACT|deal",
            help="A contact (id or email), or `deal` and a deal's id.",
            show_default=False,
            autocompletion=complete.contact_or_deal,
        ),
    ],
    deal_id: Annotated[
        str | None,
        typer.Argument(
            metavar="[ID]",
            help="The deal's id, after `deal`.",
            show_default=False,
            autocompletion=complete.deal,
        ),
    ] = None,
) -> None:
    """Edit a contact or a deal as a text form in $VISUAL or $EDITOR (else vi).

    Saved, the form is checked and written as one command (`undo` takes it back); an
    unchanged form changes nothing, an empty one calls the edit off.  On a terminal a form
    with a mistake opens again with the reason on top; in a script it is refused.  Where
    the record stands in the funnel changes with its own commands (deal move, win...).
    """
    from salesfunnel.services.edit import contact_form, deal_form

    app_state = state(ctx)
    is_deal = record.strip().lower() == DEAL
    if is_deal and deal_id is None:
        raise typer.BadParameter("name the deal: edit deal ID")
    if not is_deal and deal_id is not None:
        raise typer.BadParameter(f"edit takes one contact, or `deal ID`; got {deal_id!r} too")
    number = _deal_number(deal_id) if is_deal else 0
    editor = editor_command()
    with app_state.reading() as work:
        form = deal_form(work, number) if is_deal else contact_form(work, record)
    _edit_until_done(app_state, form, editor)


def _deal_number(text: str | None) -> int:
    try:
        return int(text or "")
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not a deal id", param_hint="ID") from None


def editor_command() -> str:
    """$VISUAL, then $EDITOR, then vi, as git chooses; vi only where it has a terminal."""
    for variable in ("VISUAL", "EDITOR"):
        chosen = os.environ.get(variable, "").strip()
        if chosen:
            return chosen
    if not sys.stdin.isatty():
        raise EditCalledOff("edit needs an editor: set VISUAL or EDITOR (no terminal for vi)")
    return DEFAULT_EDITOR


def _edit_until_done(app_state: AppState, form: Form, editor: str) -> None:
    from salesfunnel.domain.forms import is_empty

    path = _form_file(form.text)
    keep = False
    try:
        while True:
            run_editor(editor, path)
            raw = path.read_bytes()
            saved = raw.decode("utf-8", errors="replace")
            if is_empty(saved):
                raise EditCalledOff("the form was empty: edit called off, nothing changed")
            try:
                if saved.encode("utf-8") != raw:
                    raise BadValue("the form was saved in another encoding than UTF-8")
                _save(app_state, form, saved)
                return
            except (BadValue, InvalidTransition) as error:
                if not sys.stdin.isatty():
                    keep = True
                    raise type(error)(
                        f"{error} (nothing changed; the form is kept in {path})"
                    ) from None
                path.write_text(_with_error(form, saved, str(error)), encoding="utf-8")
            except ChangedMeanwhile as error:
                keep = True
                raise ChangedMeanwhile(
                    f"{error}: nothing changed; what you typed is kept in {path}"
                ) from None
    finally:
        if not keep:
            path.unlink(missing_ok=True)


def _save(app_state: AppState, form: Form, saved: str) -> None:
    from salesfunnel.domain.forms import read_form
    from salesfunnel.services.edit import apply_form

    edited = read_form(saved, form.labels)
    if all(form.values[label] == value for label, value in edited.items()):
        app_state.output.message(f"Nothing changed: {form.label} is as it was.")
        return
    with app_state.writing() as work:
        changed = apply_form(work, form, edited)
        if changed:
            work.summary = f"Edited {form.label}: {', '.join(changed).lower()}."
    app_state.output.message(work.summary or f"Nothing changed: {form.label} is as it was.")


def _with_error(form: Form, saved: str, error: str) -> str:
    """The form as saved, with the reason it was refused on top and the usual heading."""
    from salesfunnel.domain.forms import form_text, without_comments

    heading = (f"Error: {error}", "Fix it and save again, or save an empty file to stop.", "")
    return form_text([*heading, *form.heading], []).rstrip("\n") + "\n\n" + without_comments(saved)


def _form_file(text: str) -> Path:
    """A new file only its owner reads (mkstemp), holding the form."""
    import tempfile

    handle, name = tempfile.mkstemp(prefix="salesfunnel-edit-", suffix=".txt")
    with os.fdopen(handle, "w", encoding="utf-8") as file:
        file.write(text)
    return Path(name)


def run_editor(editor: str, path: Path) -> None:
    """The editor on the form, through ``sh -c`` as git runs it, on the terminal; its
    output goes to stderr when stdout is not the terminal (stdout is for data)."""
    import subprocess

    stdout = None if os.isatty(1) else 2
    try:
        status = subprocess.run(
            ["sh", "-c", f'{editor} "$@"', editor, str(path)], stdout=stdout, check=False
        ).returncode
    except OSError as error:
        raise EditCalledOff(f"could not run the editor ({editor}): {error.strerror}") from None
    if status != 0:
        raise EditCalledOff(
            f"the editor ({editor}) exited with status {status}: edit called off, nothing changed"
        )
