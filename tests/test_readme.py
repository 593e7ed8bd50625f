"""The README's tour is run for real: every `$ salesfunnel ...` line, in order, on one
database, must print exactly what the README shows (stdout and stderr as a terminal
interleaves them, in plain-text mode)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"
PROGRAMS = {"salesfunnel", "funnel"}


def console_examples(text: str) -> list[tuple[list[str], str]]:
    """(argv, expected output) for each `$ salesfunnel` line of the console blocks."""
    examples: list[tuple[list[str], str]] = []
    for block in re.findall(r"```console\n(.*?)```", text, flags=re.S):
        current: list[str] | None = None
        expected: list[str] = []
        for line in block.splitlines():
            if line.startswith("$ "):
                if current is not None:
                    examples.append((current, "\n".join(expected)))
                argv = shlex.split(line[2:])
                current = argv[1:] if argv and argv[0] in PROGRAMS else None
                expected = []
            elif current is not None:
                expected.append(line)
        if current is not None:
            examples.append((current, "\n".join(expected)))
    return examples


def test_the_readme_opens_with_the_two_setup_commands() -> None:
    first_block = re.search(r"```(?:sh|console)\n(.*?)```", README.read_text(), flags=re.S)
    assert first_block is not None
    assert first_block.group(1).split() == ["make", "demo", "make", "test"]


def test_the_readme_tour_prints_what_it_shows(run, monkeypatch) -> None:
    monkeypatch.chdir(README.parent)  # the tour's file paths are relative to the checkout
    monkeypatch.setenv("SALESFUNNEL_USER", "ana")  # whose the tour's records are
    examples = console_examples(README.read_text())
    assert len(examples) >= 15, "the tour should show the funnel end to end"
    for argv, expected in examples:
        result = run(*argv)
        shown = result.output.rstrip("\n")
        assert shown == expected.rstrip("\n"), f"$ salesfunnel {shlex.join(argv)}"
