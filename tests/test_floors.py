"""`make test-floors` tests the oldest versions pyproject.toml allows, and only those."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).parent.parent


def release(version: str) -> tuple[int, ...]:
    """``2.9`` and ``2.9.0`` are the same release."""
    numbers = [int(part) for part in version.split(".")]
    while len(numbers) > 1 and numbers[-1] == 0:
        numbers.pop()
    return tuple(numbers)


def declared_floors() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    floors = {}
    for requirement in [*project["dependencies"], *project["optional-dependencies"]["test"]]:
        match = re.fullmatch(r"([A-Za-z0-9_.-]+)(?:\[\w+\])?>=([0-9.]+)(?:,<[0-9.]+)?", requirement)
        assert match, f"{requirement!r}: declare a floor (>=), which .ci/floors.txt pins"
        floors[match[1].lower()] = match[2]
    return floors


def pinned() -> dict[str, str]:
    pins = {}
    for line in (ROOT / ".ci" / "floors.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, version = line.split("==")
            pins[name.lower()] = version
    return pins


def test_every_declared_floor_is_pinned_for_make_test_floors() -> None:
    floors, pins = declared_floors(), pinned()
    assert set(pins) == set(floors)
    for name, floor in floors.items():
        assert release(pins[name]) == release(floor), f"{name}: pinned {pins[name]}, floor {floor}"
