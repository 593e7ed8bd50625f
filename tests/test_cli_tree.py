"""`main` mounts only what it runs; what users see is the same as the whole tree."""

from __future__ import annotations

import subprocess
import sys

import pytest
import typer.main
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from salesfunnel import cli


def help_of(top: typer.Typer, *args: str) -> str:
    result = CliRunner().invoke(top, [*args, "--help"], prog_name="salesfunnel")
    assert result.exit_code == 0, result.output
    return result.stdout


def test_the_top_level_help_lists_every_command_as_the_whole_tree_does() -> None:
    listed = help_of(cli.app_for(["--help"]))
    assert listed == help_of(cli.app)
    for name in [*cli.COMMANDS, *cli.GROUPS]:
        assert f"\n  {name} " in listed


def test_the_whole_tree_mounts_exactly_the_listed_commands() -> None:
    whole = typer.main.get_command(cli.app)
    assert set(whole.commands) == {*cli.COMMANDS, *cli.GROUPS}  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", [*cli.COMMANDS, *cli.GROUPS])
def test_a_command_run_alone_has_the_help_it_has_in_the_whole_tree(name: str) -> None:
    alone = cli.app_for([name, "--help"])
    assert set(typer.main.get_command(alone).commands) == {name}  # type: ignore[attr-defined]
    assert help_of(alone, name) == help_of(cli.app, name)


@pytest.mark.parametrize(
    ("args", "named"),
    [
        ([], None),
        (["--help"], None),
        (["--version"], None),
        (["--db", "todo"], None),  # a database file called "todo"
        (["--db", "x.db", "lead", "list"], "lead"),
        (["--db=x.db", "todo"], "todo"),
        (["-h"], None),
        (["--", "todo"], "todo"),
        (["nosuch", "todo"], "nosuch"),
    ],
)
def test_the_command_named_is_the_first_word_that_is_no_option(args, named) -> None:
    assert cli.command_named(args) == named


@given(st.lists(st.sampled_from(["--db", "x.db", "-h", "--version", "todo", "lead", "--"])))
def test_any_arguments_mount_the_command_they_name_or_the_list(args) -> None:
    mounted = set(typer.main.get_command(cli.app_for(args)).commands)  # type: ignore[attr-defined]
    named = cli.command_named(args)
    if named in cli.COMMANDS or named in cli.GROUPS:
        assert mounted == {named}
    else:
        assert mounted == {*cli.COMMANDS, *cli.GROUPS}


def test_an_unknown_command_is_refused_as_before(run) -> None:
    result = run("nosuch")
    assert result.exit_code == 2
    assert "No such command 'nosuch'" in result.stderr


@pytest.mark.slow
def test_the_shell_completes_a_subcommands_options() -> None:
    """Completion asks with its own variables, not arguments: they name what to mount."""
    done = subprocess.run(
        [sys.executable, "-c", "from salesfunnel.cli import main; main()"],
        capture_output=True,
        text=True,
        timeout=60,
        env={
            "_SALESFUNNEL_COMPLETE": "complete_bash",
            "_TYPER_COMPLETE_ARGS": "salesfunnel lead list --sta",
            "COMP_WORDS": "salesfunnel lead list --sta",
            "COMP_CWORD": "3",
            "PATH": "/usr/bin:/bin",
        },
    )
    assert "--status" in done.stdout, (done.stdout, done.stderr)
