"""Docs that can't drift: the generated pages match the code, and --json matches the docs."""

from __future__ import annotations

import functools
import json
import operator
from functools import cache
from pathlib import Path
from typing import Any, get_args, get_origin

import pydantic
import pytest
import typer.main

from salesfunnel import docgen, schemas
from salesfunnel.cli import app
from salesfunnel.schemas import Public as BaseModel

DOCS = Path(__file__).resolve().parents[1] / "docs"


# --- the generated pages -----------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(docgen.generate()))
def test_generated_doc_matches_the_code(name) -> None:
    expected = docgen.generate()[name]
    path = DOCS / name
    assert path.exists(), f"docs/{name} is missing: run `make docs`"
    assert path.read_text(encoding="utf-8") == expected, (
        f"docs/{name} no longer matches the code: run `make docs` and commit the result"
    )


def test_docgen_writes_then_checks(tmp_path, capsys) -> None:
    assert docgen.main([str(tmp_path), "--check"]) == 1
    assert list(tmp_path.iterdir()) == []  # --check writes nothing
    assert docgen.main([str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(docgen.generate())
    assert docgen.main([str(tmp_path), "--check"]) == 0
    assert "out of date" in capsys.readouterr().err


def test_json_doc_names_every_field_of_every_documented_model() -> None:
    text = docgen.json_markdown()
    for model in [*schemas.DOCUMENTED.values(), *docgen.reachable_models()]:
        assert f'<a id="{docgen.anchor(model)}"></a>' in text
        for spec in model.fields:
            assert f"| `{spec.name}` |" in text, (model.__name__, spec.name)


def test_lifecycle_doc_holds_every_transition_and_the_default_stages() -> None:
    from salesfunnel.domain.lifecycle import TRANSITIONS

    text = docgen.lifecycle_markdown()
    for (entity, state, action), new in TRANSITIONS.items():
        assert f"| {entity} | {state} | `{action}` | {new} |" in text
    for stage, probability in [("qualification", 10), ("meeting", 25), ("proposal", 50)]:
        assert f"| {stage} | {probability} % |" in text
    assert "| 91 | pre-inactive |" in text and "| 181 | inactive |" in text


def test_exit_codes_doc_lists_every_status() -> None:
    from salesfunnel.errors import ExitStatus

    text = docgen.exit_codes_markdown()
    for status in ExitStatus:
        assert f"| {status.value} | `{status.name}` | {status.meaning} |" in text
    assert "| `NotFound` | 1 |" in text


# --- every --json command is documented ---------------------------------------------------


def json_commands() -> list[str]:
    """Every command of the real CLI that takes --json, as 'noun verb'."""

    def walk(command: Any, path: list[str]) -> list[str]:
        if getattr(command, "commands", None):
            return [
                found
                for name, sub in command.commands.items()
                for found in walk(sub, [*path, name])
            ]
        takes_json = any("--json" in getattr(p, "opts", []) for p in command.params)
        return [" ".join(path)] if takes_json else []

    return walk(typer.main.get_command(app), [])


def documented_model(command: str) -> type[BaseModel] | None:
    for key, model in schemas.DOCUMENTED.items():
        if command in docgen.documented_commands(key):
            return model
    return None


def test_every_command_with_json_output_is_documented() -> None:
    commands = json_commands()
    assert "lead list" in commands
    missing = [c for c in commands if documented_model(c) is None and c not in schemas.CHANGES]
    assert missing == [], (
        f"{missing} print --json but docs/json.md doesn't say what: register the model in "
        "schemas.DOCUMENTED (or schemas.CHANGES for a command that changes something), "
        "then run `make docs`"
    )


# --- and the output holds to the documentation -------------------------------------------


def assert_conforms(model: type[BaseModel], data: Any, where: str) -> None:
    """Exactly the documented fields, each of its documented JSON type, however deep."""
    assert isinstance(data, dict), where
    names = {spec.name for spec in model.fields}
    assert set(data) == names, (where, set(data) ^ names)
    validator(model).model_validate_json(json.dumps(data), strict=True)
    for name, annotation in docgen.field_types(model).items():
        check_value(annotation, data[name], f"{where}.{name}")


@cache
def validator(model: type[BaseModel]) -> type[pydantic.BaseModel]:
    """A pydantic model of the same fields and types, to validate JSON with, strictly."""
    return pydantic.create_model(  # type: ignore[call-overload, no-any-return]
        model.__name__,
        **{name: (_validated(t), ...) for name, t in docgen.field_types(model).items()},
    )


def _validated(annotation: Any) -> Any:
    """The annotation with every Public model in it replaced by its validator."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return validator(annotation)
    args = get_args(annotation)
    if not args:
        return annotation
    origin = get_origin(annotation)
    replaced = tuple(_validated(a) for a in args)
    if origin is list:
        return list[replaced[0]]  # type: ignore[valid-type]
    if origin is dict:
        return dict[replaced[0], replaced[1]]  # type: ignore[valid-type]
    return functools.reduce(operator.or_, replaced)


def check_value(annotation: Any, value: Any, where: str) -> None:
    origin, args = get_origin(annotation), get_args(annotation)
    if value is None:
        assert type(None) in args, f"{where} is null but not documented as nullable"
        return
    if args and type(None) in args:
        present = [a for a in args if a is not type(None)]
        if len(present) == 1:
            check_value(present[0], value, where)
        return
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        assert_conforms(annotation, value, where)
    elif origin is list:
        assert isinstance(value, list), where
        for index, item in enumerate(value):
            check_value(args[0], item, f"{where}[{index}]")
    elif annotation in (int, float):
        assert isinstance(value, int | float) and not isinstance(value, bool), where


def check_output(stdout: str, model: type[BaseModel], many: bool | None, command: str) -> int:
    """Validate a command's JSON against its model; returns how many objects were checked."""
    data = json.loads(stdout)
    items = data if isinstance(data, list) else [data]
    if many is not None:
        assert isinstance(data, list) == many, command
    for index, item in enumerate(items):
        assert_conforms(model, item, f"{command}[{index}]")
    return len(items)


@pytest.fixture
def funnel(ok) -> None:
    """Something in every state, so every listing has rows to check."""
    ok("prospect", "add", "Pia Prospect", "--list", "Fair 2026", "--phone", "0612 345")
    ok("lead", "add", "Leo Lead", "--email", "leo@example.com", "--tag", "vip", "--star")
    ok("lead", "qualify", "2", "--need", "--budget", "--value", "12.000,50")  # deal 1
    ok("deal", "move", "1", "proposal")
    ok("lead", "add", "Cid Customer", "--company", "Acme")
    ok("deal", "open", "3", "--value", "900", "--close", "eom")  # deal 2
    ok("deal", "win", "2")
    ok("customer", "purchase", "3", "--value", "150")


READS = [
    ("prospect list",),
    ("prospect lists",),
    ("lead list",),
    ("lead show", "2"),
    ("deal list",),
    ("deal list", "--status", "won"),
    ("deal show", "1"),
    ("pipeline",),
    ("customer list",),
    ("customer status", "3"),
    ("config list",),
    ("config get", "deal.currency"),
    ("undo", "--list"),
]


def test_every_reading_command_prints_what_its_doc_says(ok, funnel) -> None:
    for command, *args in READS:
        model = documented_model(command)
        assert model is not None, command
        result = ok(*command.split(), *args, "--json")
        assert check_output(result.stdout, model, None, command) > 0, command


CHANGES = [
    ("prospect add", "Paz", "--email", "paz@example.com"),
    ("prospect convert", "4"),
    ("prospect add", "Pat"),
    ("prospect cancel", "5", "--reason", "moved away"),
    ("lead add", "Dee", "--source", "webinar"),
    ("lead disqualify", "6", "--reason", "student"),
    ("deal open", "2", "--value", "300"),
    ("deal move", "3", "meeting"),
    ("deal lose", "3", "--reason", "price"),
    ("deal win", "1", "--value", "11000"),
    ("deal assign", "2", "bob"),
    ("customer purchase", "3", "--value", "75"),
    ("customer churn", "3", "--reason", "contract ended"),
    ("config set", "deal.currency", "eur"),
    ("undo", "--yes"),
]


def test_every_changing_command_prints_what_its_doc_says(ok, funnel) -> None:
    for command, *args in CHANGES:
        result = ok(*command.split(), *args, "--json")
        documented = schemas.CHANGES.get(command)
        if documented is not None:
            model, many = documented
        else:
            model, many = documented_model(command), None
        assert model is not None, command
        assert check_output(result.stdout, model, many, command) > 0, command


def test_qualify_prints_the_lead_and_the_deal_it_opened(ok) -> None:
    ok("lead", "add", "Ana")
    data = json.loads(ok("lead", "qualify", "1", "--json").stdout)
    assert schemas.CHANGES["lead qualify"] == (schemas.QualifiedPublic, False)
    assert_conforms(schemas.QualifiedPublic, data, "lead qualify")
    assert data["deal_id"] == 1


def test_amounts_are_numbers_and_dates_iso(ok, funnel) -> None:
    deal = json.loads(ok("deal", "show", "1", "--json").stdout)
    assert deal["value"] == 12000.5
    assert deal["weighted_value"] == 6000.25
    assert deal["opened_at"] == "2026-11-23T09:00:00Z"
    customer = json.loads(ok("customer", "status", "3", "--json").stdout)
    assert customer["last_purchase"] == "2026-11-23"
    assert customer["purchases_value"] == 1050.0
    prospect = json.loads(ok("prospect", "list", "--json").stdout)[0]
    assert prospect["phone"] == "0612 345"  # text, leading zero kept


def test_every_test_the_reliability_page_names_exists() -> None:
    """docs/reliability.md proves each guarantee by naming a test: the name must be one."""
    import re

    tests = DOCS.parent / "tests"
    defined = {
        name
        for path in tests.glob("test_*.py")
        for name in re.findall(r"^def (test_\w+)", path.read_text(encoding="utf-8"), re.M)
    }
    page = (DOCS / "reliability.md").read_text("utf-8")
    named = set(re.findall(r"\b(test_\w+)\b(?!\.py)", page))
    assert len(named) > 40
    assert named - defined == set()


def test_json_md_says_one_thing_about_the_offset_of_now() -> None:
    """Issue 14: the rule said UTC with `Z`, the `now` row "with its UTC offset"."""
    text = (DOCS / "json.md").read_text(encoding="utf-8")
    assert "timestamps are ISO 8601 in UTC\n  (`2026-11-23T09:00:00Z`)" in text
    rows = [line for line in text.splitlines() if line.startswith("| `now` |")]
    assert rows and all("(UTC, as every timestamp)" in row for row in rows)
    assert "offset" not in text


# --- docs/postgres.md: the tests left out on a server -------------------------------------
def sqlite_only_tests() -> list[str]:
    """Every ``sqlite_only(reason)`` mark of the test files, as docs/postgres.md lists it:
    a module's mark (``pytestmark``), a test's, or one parameter's (a list of them)."""
    import ast

    listed: list[str] = []
    for path in sorted((DOCS.parent / "tests").glob("test_*.py")):
        marks = []
        tree = ast.parse(path.read_text(encoding="utf-8"))
        owners: dict[int, str] = {}  # a line of a decorator or an assignment: whose it is
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef):
                for decorator in node.decorator_list:
                    end = decorator.end_lineno or decorator.lineno
                    for line in range(decorator.lineno + 1, end + 1):
                        owners[line] = f"::{node.name} (one parameter)"
                    owners[decorator.lineno] = f"::{node.name}"
            elif isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
                name = node.targets[0].id
                owner = " (every test)" if name == "pytestmark" else f" ({name}: one parameter)"
                for line in range(node.lineno, (node.end_lineno or node.lineno) + 1):
                    owners[line] = owner
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "sqlite_only"
            ):
                owner = owners.get(node.lineno, f":{node.lineno}")
                reason = ast.literal_eval(node.args[0])
                marks.append((node.lineno, f"- `tests/{path.name}{owner}`: {reason}"))
        listed += [entry for _, entry in sorted(marks)]
    return listed


def test_docs_postgres_lists_every_test_left_out_on_a_server() -> None:
    text = (DOCS / "postgres.md").read_text(encoding="utf-8")
    listed = text.split("<!-- sqlite_only: begin -->\n")[1].split("<!-- sqlite_only: end -->")[0]
    assert listed.splitlines() == sqlite_only_tests()
