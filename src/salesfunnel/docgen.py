"""The docs that are made from the code, so they cannot drift from it.

``python -m salesfunnel.docgen [DOCS_DIR] [--check]`` (``make docs``) writes:

* ``json.md`` from ``schemas.DOCUMENTED``: the ``--json`` contract, field by field;
* ``lifecycle.md`` from the TRANSITIONS table, the default pipeline and the customer
  status rules;
* ``exit-codes.md`` from ``errors.ExitStatus`` and the named errors.

``tests/test_docs.py`` fails when a file differs from what this module makes now.
"""

from __future__ import annotations

import re
import sys
import types
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from enum import Enum
from pathlib import Path
from typing import Any, Union, get_args, get_origin, get_type_hints

from salesfunnel import errors, schemas
from salesfunnel.domain import customers, lifecycle, pipeline, settings
from salesfunnel.schemas import Public as BaseModel

GENERATED = (
    "<!-- Made from the code by `make docs` (python -m salesfunnel.docgen): "
    "edit the code, not this file. -->"
)

_SCALARS: dict[Any, str] = {
    str: "string",
    int: "integer",
    float: "number",
    bool: "boolean",
    date: "date (`YYYY-MM-DD`)",
    datetime: "timestamp (ISO 8601, UTC)",
    time: "time (`HH:MM:SS`)",
    timedelta: "duration (ISO 8601)",
    Any: "any JSON value",
}


# --- docs/json.md ------------------------------------------------------------------------


def anchor(model: type[BaseModel]) -> str:
    return model.__name__.lower()


def link(model: type[BaseModel]) -> str:
    return f"[{model.__name__}](#{anchor(model)})"


def type_text(annotation: Any) -> str:
    """A field's type in words: ``string or null``, ``array of [DealPublic](#dealpublic)``."""
    origin, args = get_origin(annotation), get_args(annotation)
    if origin in (Union, types.UnionType):
        present = [a for a in args if a is not type(None)]
        text = " or ".join(type_text(a) for a in present)
        return f"{text} or null" if len(present) < len(args) else text
    if origin in (list, tuple, set, frozenset):
        return f"array of {type_text(args[0])}" if args else "array"
    if origin is dict or annotation is dict:
        return "object"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return link(annotation)
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return "string: " + ", ".join(f"`{member.value}`" for member in annotation)
    if annotation in _SCALARS:
        return _SCALARS[annotation]
    raise TypeError(f"docgen does not know how to describe {annotation!r}: teach type_text")


def nested_models(model: type[BaseModel]) -> list[type[BaseModel]]:
    """The models a model's fields hold, in field order."""
    found: list[type[BaseModel]] = []

    def visit(annotation: Any) -> None:
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            if annotation not in found:
                found.append(annotation)
            return
        for arg in get_args(annotation):
            visit(arg)

    for annotation in field_types(model).values():
        visit(annotation)
    return found


def field_types(model: type[BaseModel]) -> dict[str, Any]:
    """Each field's type, evaluated: ``{"tags": list[str], ...}``, in field order."""
    hints = get_type_hints(model)
    return {spec.name: hints[spec.name] for spec in model.fields}


def _commands(key: str) -> str:
    """A DOCUMENTED key as a heading: command names in code type, notes in brackets as they are.

    ``customer list / customer status`` -> `` `customer list` / `customer status` ``.
    """
    pieces = re.split(r"(\s*/\s*|;\s*)", key)
    return "".join(
        piece
        if not piece.strip() or piece.strip() in "/;" or piece.startswith("(")
        else f"`{piece}`"
        for piece in pieces
    )


def documented_commands(key: str) -> list[str]:
    """The commands a DOCUMENTED key names: ``todo / digest --format json`` -> todo, digest."""
    names = []
    for piece in re.split(r"\s*/\s*|;\s*", key):
        if piece and not piece.startswith("("):
            names.append(piece.split(" --")[0].strip())
    return names


def _first_paragraph(model: type[BaseModel]) -> str:
    doc = (model.__doc__ or "").strip()
    if not doc or doc == (BaseModel.__doc__ or "").strip():
        return ""
    return " ".join(doc.split("\n\n")[0].split())


def _model_section(heading: str, model: type[BaseModel]) -> list[str]:
    lines = [f'<a id="{anchor(model)}"></a>', "", f"## {heading}", ""]
    lines.append(
        f"**{model.__name__}**"
        + (f": {_first_paragraph(model)}" if _first_paragraph(model) else "")
    )
    lines += ["", "| field | type | meaning |", "| --- | --- | --- |"]
    types_of = field_types(model)
    for spec in model.fields:
        meaning = (spec.description or "").replace("|", "\\|")
        lines.append(f"| `{spec.name}` | {type_text(types_of[spec.name])} | {meaning} |")
    inner = nested_models(model)
    if inner:
        lines += ["", "Holds: " + ", ".join(link(m) for m in inner) + "."]
    lines.append("")
    return lines


def reachable_models() -> list[type[BaseModel]]:
    """Every model a documented one holds, however deep, that has no section of its own."""
    documented = list(schemas.DOCUMENTED.values())
    extra: list[type[BaseModel]] = []
    queue: list[type[BaseModel]] = list(documented)
    while queue:
        for inner in nested_models(queue.pop(0)):
            if inner not in documented and inner not in extra:
                extra.append(inner)
                queue.append(inner)
    return extra


def json_markdown() -> str:
    lines = [
        "# JSON output",
        "",
        GENERATED,
        "",
        "Every listing, `show` and report takes `--json`, and so do the commands that",
        "change something ([what they print](#changes)). This schema is the contract",
        "for scripts:",
        "",
        "- It is stable: fields may be added, but none is renamed, retyped or removed",
        "  without a new major version.",
        "- Every field is always present; a missing value is `null`, an empty list `[]`.",
        "- Values, amounts and counts are JSON numbers (`1200.5`), never formatted text;",
        "  a currency is its own field.",
        "- Dates are ISO `YYYY-MM-DD`; timestamps are ISO 8601 in UTC",
        "  (`2026-11-23T09:00:00Z`); calendar dates (due, close, purchase) are the",
        "  user's local dates.",
        "- Ids are integers; phone numbers and other typed-in codes are strings, so",
        "  leading zeros are kept.",
        "- A listing prints a JSON array of the objects below; `show`, `status` and `get`",
        "  print one object. An empty listing prints `[]` and exits 0.",
        "- A listing gives its first 50 items unless `--limit N` or `--all`; how many more",
        "  there are is said on stderr, so stdout is always valid JSON.",
        "- A count that stops short says so: a `todo` section counts open leads no",
        "  further than 10,000 (or `--limit`, if larger). Past that, `total_capped` is",
        "  `true` and `total` is where counting stopped: there are more than `total`.",
        "  With `--all` every count is exact and `total_capped` is `false`.",
        "- Messages and errors go to stderr, never into the JSON.",
        "",
        "## Contents",
        "",
    ]
    seen: set[type[BaseModel]] = set()
    for key, model in schemas.DOCUMENTED.items():
        lines.append(f"- {_commands(key)}: {link(model)}")
    lines.append("- [What the commands that change something print](#changes)")
    lines.append("")
    for key, model in schemas.DOCUMENTED.items():
        if model in seen:
            lines += [f"## {_commands(key)}", "", f"The same objects as {link(model)}.", ""]
            continue
        seen.add(model)
        lines += _model_section(_commands(key), model)
    for held in reachable_models():
        lines += _model_section(f"{held.__name__} (held by other objects)", held)
    lines += [
        '<a id="changes"></a>',
        "",
        "## What the commands that change something print",
        "",
        "| command | prints |",
        "| --- | --- |",
    ]
    for command, (model, many) in schemas.CHANGES.items():
        what = f"an array of {link(model)}" if many else link(model)
        lines.append(f"| `{command} --json` | {what} |")
    return "\n".join(lines).rstrip() + "\n"


# --- docs/lifecycle.md -------------------------------------------------------------------


def _status_examples(thresholds: customers.StatusThresholds) -> list[str]:
    last = date(2026, 1, 1)
    rows = ["| days since the last purchase | status |", "| --- | --- |"]
    days = sorted(
        {
            0,
            thresholds.pre_inactive_days,
            thresholds.pre_inactive_days + 1,
            thresholds.inactive_days,
            thresholds.inactive_days + 1,
        }
    )
    for n in days:
        status = customers.customer_status_as_of(last, last + timedelta(days=n), thresholds)
        rows.append(f"| {n} | {status} |")
    return rows


def lifecycle_markdown() -> str:
    spec = settings.SETTINGS
    stages = pipeline.parse_stages(pipeline.DEFAULT_STAGES)
    thresholds = settings.thresholds_from({key: s.default for key, s in spec.items()})
    lines = [
        "# The funnel's lifecycle",
        "",
        GENERATED,
        "",
        "One contact moves through the funnel and keeps its id all the way:",
        "",
        "```",
        "prospect --convert--> lead --qualify--> deal(s) --win--> customer",
        "   |                   |                  |                  |",
        " cancel            disqualify           lose      active -> pre-inactive -> inactive",
        "```",
        "",
        "## Allowed transitions",
        "",
        "The funnel's rulebook is one table in the code (`domain/lifecycle.py`). A move that",
        "is not in it is refused with a one-line reason and exit status 1, and nothing is",
        "changed. A contact never moves back: a won or lost deal never changes again, and a",
        "cancelled prospect never becomes a lead.",
        "",
        lifecycle.transitions_markdown(),
        "",
        "Qualifying again is allowed only upwards, from `mql` to `sql`.",
        "",
        "## Pipeline stages",
        "",
        "Open deals move through ordered stages, each with the probability that a deal in",
        "it is won. The defaults (setting `pipeline.stages`):",
        "",
        "| stage | default probability |",
        "| --- | --- |",
        *(f"| {stage.name} | {stage.probability} % |" for stage in stages),
        f"| won | {pipeline.WON_PROBABILITY} % |",
        f"| lost | {pipeline.LOST_PROBABILITY} % |",
        "",
        "A new deal starts in the first stage with that stage's probability. An open deal's",
        "probability is 0 to 99 %; one set by hand (`--probability`) sticks when the deal",
        "moves to another stage, otherwise it follows the stage.",
        "",
        "## Customer status",
        "",
        "A customer is a contact with at least one won deal or recorded purchase. Its",
        "status is computed, as of a date (default today), from the days since its last",
        "purchase on or before that date (won deals and purchases recorded directly):",
        "",
        f"- `active`: at most `customer.pre_inactive_days` days"
        f" (default {thresholds.pre_inactive_days});",
        f"- `pre-inactive`: at most `customer.inactive_days` days"
        f" (default {thresholds.inactive_days});",
        "- `inactive`: beyond that, or churned (`customer churn`: contract broken) with no",
        "  purchase since the churn.",
        "",
        "With the default settings:",
        "",
        *_status_examples(thresholds),
        "",
        "## Settings",
        "",
        "Stored in the database (`config set KEY VALUE`), so a shared database shares them.",
        "",
        "| key | default | meaning |",
        "| --- | --- | --- |",
        *(f"| `{s.key}` | `{s.default}` | {s.help} |" for s in spec.values()),
    ]
    return "\n".join(lines).rstrip() + "\n"


# --- docs/exit-codes.md ------------------------------------------------------------------


def _named_errors() -> Iterable[type[errors.SalesfunnelError]]:
    """The refusals defined in salesfunnel.errors, parents first."""
    queue: list[type[errors.SalesfunnelError]] = [errors.SalesfunnelError]
    while queue:
        cls = queue.pop(0)
        if cls.__module__ == errors.__name__:
            yield cls
        queue.extend(sorted(cls.__subclasses__(), key=lambda c: c.__name__))


def exit_codes_markdown() -> str:
    lines = [
        "# Exit codes",
        "",
        GENERATED,
        "",
        "| code | name | meaning |",
        "| --- | --- | --- |",
        *(f"| {s.value} | `{s.name}` | {s.meaning} |" for s in errors.ExitStatus),
        "",
        "Every error is one line on stderr that starts with `Error:`; stdout then holds",
        "nothing. A refused command changes nothing: every command that writes is one",
        "transaction. A usage error is reported before the database is opened.",
        "",
        "`check` is the one command that exits 1 without an error: it found a problem, and",
        "its report (stdout, or `--json`) names each, with how to repair it.",
        "",
        "## The refusals",
        "",
        "| error | exit | when |",
        "| --- | --- | --- |",
    ]
    for cls in _named_errors():
        doc = " ".join((cls.__doc__ or "").split())
        lines.append(f"| `{cls.__name__}` | {int(cls.status)} | {doc} |")
    lines += [
        "",
        "An unexpected error (a bug) is also one line and exit 1; run the command again",
        "with `SALESFUNNEL_DEBUG=1` to see its traceback.",
    ]
    return "\n".join(lines).rstrip() + "\n"


# --- writing -----------------------------------------------------------------------------


def generate() -> dict[str, str]:
    """Each generated file's name and the text it should hold now."""
    return {
        "json.md": json_markdown(),
        "lifecycle.md": lifecycle_markdown(),
        "exit-codes.md": exit_codes_markdown(),
    }


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    check = "--check" in args
    args = [a for a in args if a != "--check"]
    docs = Path(args[0] if args else "docs")
    stale = []
    for name, text in generate().items():
        path = docs / name
        if path.exists() and path.read_text(encoding="utf-8") == text:
            continue
        stale.append(path)
        if not check:
            docs.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    verb = "out of date (run make docs)" if check else "written"
    for path in stale:
        print(f"{path}: {verb}", file=sys.stderr)
    return 1 if check and stale else 0


if __name__ == "__main__":
    raise SystemExit(main())
