"""`salesfunnel config ...`: settings, stored in the database."""

from __future__ import annotations

from typing import Annotated

import typer

from salesfunnel.cli import complete
from salesfunnel.cli.options import JsonFlag
from salesfunnel.cli.state import state
from salesfunnel.render import columns

app = typer.Typer(help="Settings, stored in the database.", no_args_is_help=True)

Key = Annotated[
    str,
    typer.Argument(
        help="Setting name, e.g. customer.inactive_days.", autocompletion=complete.setting_key
    ),
]


@app.command("list")
def config_list(ctx: typer.Context, as_json: JsonFlag = False) -> None:
    """Every setting with its value, default and meaning."""
    from salesfunnel.services.settings import list_settings

    app_state = state(ctx)
    with app_state.reading() as work:
        settings = list_settings(work)
    if as_json:
        app_state.output.json(settings)
    else:
        app_state.output.table(settings, columns.SETTING)


@app.command("get")
def config_get(ctx: typer.Context, key: Key, as_json: JsonFlag = False) -> None:
    """Print one setting's value."""
    from salesfunnel.services.settings import get_setting

    app_state = state(ctx)
    with app_state.reading() as work:
        setting = get_setting(work, key)
    if as_json:
        app_state.output.json(setting)
    else:
        app_state.output.line(setting.value)


@app.command("set")
def config_set(
    ctx: typer.Context,
    key: Key,
    value: Annotated[str, typer.Argument(help="New value.")],
    as_json: JsonFlag = False,
) -> None:
    """Change a setting; the value is checked first.

    A saved view is a setting too: `config set view.vip "lead list --tag vip"`, checked
    as the listing it runs; `salesfunnel view vip` runs it.
    """
    from salesfunnel.domain.owners import USER_SETTING
    from salesfunnel.domain.settings import canonical_key, is_view_key
    from salesfunnel.services.settings import set_setting, set_user_name

    app_state = state(ctx)
    if is_view_key(canonical_key(key)):
        from salesfunnel.cli.view import check_listing

        check_listing(canonical_key(key), value)
    with app_state.writing() as work:
        relabelled = 0
        if canonical_key(key) == USER_SETTING:
            setting, relabelled = set_user_name(work, value)
        else:
            setting = set_setting(work, key, value)
        work.summary = message = f"{setting.key} = {setting.value}"
        if relabelled:
            work.summary = message = (
                f"{message}; {relabelled} record{'s' if relabelled != 1 else ''} "
                f"re-labelled as {setting.value}'s (undo can't take this back: set the "
                "previous name again)"
            )
    if as_json:
        app_state.output.json(setting)
    else:
        app_state.output.message(message)


@app.command("unset")
def config_unset(ctx: typer.Context, key: Key) -> None:
    """Put a setting back to its default, or remove a saved view (view.NAME)."""
    from salesfunnel.services.settings import unset_setting

    app_state = state(ctx)
    with app_state.writing() as work:
        stored, setting = unset_setting(work, key)
        if setting is None:
            message = f"Removed {key.lower()}."
        elif stored:
            message = f"{setting.key} back to its default: {setting.value}"
        else:
            message = f"{setting.key} was not set: it stays at its default, {setting.value}"
        work.summary = message
    app_state.output.message(message)
