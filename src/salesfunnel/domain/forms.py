"""A record as a small text form, for `edit`: ``Field: value`` lines under a comment header.

Lines that start with ``#`` are comments; blank lines separate nothing.  A value that
holds several lines (a contact's notes) goes on indented lines under its field, and a
blank line between two of them is kept.  Reading refuses what it can't take for sure:
a field it doesn't know, a field given twice, a line that is neither a field nor part
of one.  A form with nothing but comments and blank lines is empty: the edit is called
off, as git does with an empty commit message.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from salesfunnel.errors import BadValue

COMMENT = "#"
INDENT = "  "
_FIELD = re.compile(r"(?P<label>[A-Za-z][A-Za-z ]*?)\s*:(?P<value>.*)")
_TRUE = {"yes", "y", "true", "on", "1"}
_FALSE = {"no", "n", "false", "off", "0", ""}


def form_text(heading: Iterable[str], fields: Sequence[tuple[str, str]]) -> str:
    """The form: the heading as comments, then one ``Label: value`` per field."""
    lines = [f"{COMMENT} {line}".rstrip() for line in heading]
    lines.append("")
    width = max((len(label) for label, _ in fields), default=0)
    for label, value in fields:
        first, *more = lines_of(value)
        lines.append(f"{label + ':':<{width + 1}} {first}".rstrip())
        lines.extend(f"{INDENT}{line}".rstrip() for line in more)
    return "\n".join(lines) + "\n"


def lines_of(text: str) -> list[str]:
    """The lines of a saved file, whatever its line ends; only those: a value may hold
    characters str.splitlines would break it on (U+2028, U+0085...)."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def is_empty(text: str) -> bool:
    """Nothing but comments and blank lines: the user called the edit off."""
    return all(not line.strip() or line.startswith(COMMENT) for line in lines_of(text))


def read_form(text: str, labels: Sequence[str]) -> dict[str, str]:
    """The values of the form's fields, by label as given in ``labels`` (matched without
    regard to case); a field left out of the form is not in the result."""
    known = {label.lower(): label for label in labels}
    values: dict[str, list[str]] = {}
    current: list[str] | None = None
    blanks = 0
    for number, line in enumerate(lines_of(text), start=1):
        if line.startswith(COMMENT):
            continue
        if not line.strip():
            blanks += 1
            continue
        if line[0] in " \t":
            if current is None:
                raise BadValue(f"line {number}: {line.strip()!r} belongs to no field")
            current.extend([""] * blanks)
            current.append(line.strip())
            blanks = 0
            continue
        match = _FIELD.fullmatch(line)
        if match is None:
            raise BadValue(f"line {number}: {line.strip()!r} is not `Field: value`")
        label = known.get(match["label"].lower())
        if label is None:
            raise BadValue(
                f"line {number}: no field {match['label']!r}; the fields are: {', '.join(labels)}"
            )
        if label in values:
            raise BadValue(f"line {number}: {label} is given twice")
        current = values[label] = [match["value"].strip()]
        blanks = 0
    return {label: "\n".join(lines).strip() for label, lines in values.items()}


def without_comments(text: str) -> str:
    """The form as the user wrote it, without its comment lines (to put a new heading on)."""
    kept = [line for line in lines_of(text) if not line.startswith(COMMENT)]
    return "\n".join(kept).strip("\n") + "\n"


def yes_or_no(value: str) -> bool:
    """``yes``/``no`` (true/false, on/off, 1/0); empty is no."""
    word = value.strip().lower()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise BadValue(f"{value!r} is not yes or no")


def yes_no(flag: bool) -> str:
    return "yes" if flag else "no"
