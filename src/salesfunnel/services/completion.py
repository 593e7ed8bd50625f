"""What the shell offers on TAB: contacts and deals by id or email, stages, settings,
lists, sources and tags, from the database.

A shell starts a process on every TAB, so each answer is a few index probes and at
most :data:`LIMIT` candidates, however many contacts there are: ids by ranges of the
primary key (``12`` is 12, 120-129, 1200-1299...), emails by a range of
``ix_contacts_email_key``, distinct sources and tags by skipping from one value of
their index to the next, never by reading a table through.  A candidate is its value
and what zsh and fish show beside it (a contact's name), ``""`` for nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from salesfunnel.db.work import Work
from salesfunnel.domain.fields import source_key
from salesfunnel.domain.pipeline import parse_stages
from salesfunnel.domain.settings import (
    CADENCE,
    ROTTING_DAYS,
    SETTINGS,
    is_cadence_key,
    is_view_key,
    setting_spec,
    view_name,
)

Candidate = tuple[str, str]

LIMIT = 30  # candidates offered at most: a screenful
SCAN = 2_000  # rows a filtered search (leads only, open deals only) reads at most
MAX_ID = 2**63 - 1
# Above every character: ``x >= 'ab' AND x < 'ab' || TOP`` is "starts with ab", as a range
# of an index (LIKE would read the whole index: it folds case, the index doesn't).
TOP = "\U0010ffff"


def id_ranges(prefix: str, highest: int) -> Iterator[tuple[int, int]]:
    """The ids that start with the digits typed, as ranges up to ``highest``, shortest
    first: ``12`` gives (12, 12), (120, 129), (1200, 1299)..."""
    if not (prefix.isascii() and prefix.isdigit()) or prefix.startswith("0"):
        return
    low = high = int(prefix)
    while low <= min(highest, MAX_ID):
        yield low, min(high, MAX_ID)
        low, high = low * 10, high * 10 + 9


def as_typed(typed: str, value: str) -> str:
    """``value`` beginning as it was typed (``Ana@`` -> ``Ana@x.example`` for the stored
    ``ana@x.example``): the shell keeps what was typed, and matches it."""
    head = value[: len(typed)]
    return typed + value[len(typed) :] if head.lower() == typed.lower() else value


def _starting(prefix: str) -> dict[str, Any]:
    return {"low": prefix, "high": prefix + TOP}


def _by_id(
    work: Work, table: str, columns: str, prefix: str, condition: str, params: dict[str, Any]
) -> list[Any]:
    """Rows of ``table`` whose id starts with ``prefix``, newest first when nothing is
    typed; each range reads at most :data:`SCAN` rows for the ``condition``."""
    where = f"WHERE {condition}" if condition else ""
    if not prefix:
        return work.rows(
            f"SELECT {columns} FROM (SELECT * FROM {table} ORDER BY id DESC LIMIT :scan) "
            f"{where} ORDER BY id DESC LIMIT :limit",
            {**params, "scan": SCAN, "limit": LIMIT},
        )
    highest = work.value(f"SELECT max(id) FROM {table}") or 0
    found: list[Any] = []
    for low, high in id_ranges(prefix, int(highest)):
        found += work.rows(
            f"SELECT {columns} FROM (SELECT * FROM {table} WHERE id BETWEEN :low AND :high "
            f"ORDER BY id LIMIT :scan) {where} ORDER BY id LIMIT :limit",
            {**params, "low": low, "high": high, "scan": SCAN, "limit": LIMIT - len(found)},
        )
        if len(found) >= LIMIT:
            break
    return found


def contacts(work: Work, prefix: str, stage: str | None = None) -> list[Candidate]:
    """Contacts (of one ``stage``, if given) whose id or email starts with ``prefix``:
    the id beside the name, the email beside ``#id name``."""
    prefix = prefix.strip()
    condition = "stage = :stage" if stage else ""
    params: dict[str, Any] = {"stage": stage} if stage else {}
    if not prefix or prefix.isdigit():
        rows = _by_id(work, "contacts", "id, name", prefix, condition, params)
        return [(str(row.id), row.name) for row in rows]
    where = f"WHERE {condition}" if condition else ""
    rows = work.rows(
        "SELECT id, name, email_key FROM (SELECT id, name, email_key, stage FROM contacts "
        "WHERE email_key >= :low AND email_key < :high ORDER BY email_key LIMIT :scan) "
        f"{where} ORDER BY email_key, id LIMIT :limit",
        {**params, **_starting(prefix.lower()), "scan": SCAN, "limit": LIMIT},
    )
    seen: dict[str, str] = {}
    for row in rows:  # two contacts with one address: the first (the one it finds)
        seen.setdefault(as_typed(prefix, row.email_key), f"#{row.id} {row.name}")
    return list(seen.items())


def deals(work: Work, prefix: str, *, open_only: bool = False) -> list[Candidate]:
    """Deals (open ones only, if asked) whose id starts with ``prefix``, each beside its
    title and stage (or how it ended)."""
    condition = "status = 'open'" if open_only else ""
    rows = _by_id(work, "deals", "id, title, stage, status", prefix.strip(), condition, {})
    return [
        (str(row.id), f"{row.title} ({row.stage if row.status == 'open' else row.status})")
        for row in rows
    ]


def steps(work: Work, prefix: str) -> list[Candidate]:
    """Planned steps (not done) whose id starts with ``prefix``, soonest due first when
    nothing is typed, each beside its kind, text and due date."""
    prefix = prefix.strip()
    columns = "id, kind, text, due_date"
    if prefix:
        rows = _by_id(work, "activities", columns, prefix, "done_at IS NULL", {})
    else:
        rows = work.rows(
            f"SELECT {columns} FROM activities WHERE done_at IS NULL "
            "ORDER BY due_date, id LIMIT :limit",
            {"limit": LIMIT},
        )
    return [(str(row.id), _step_text(row)) for row in rows]


def _step_text(row: Any) -> str:
    text = row.text if len(row.text) <= 60 else row.text[:59] + "…"
    due = f" (due {row.due_date.isoformat()})" if row.due_date is not None else ""
    return f"{row.kind}: {text}{due}"


def stages(work: Work, prefix: str) -> list[Candidate]:
    """The pipeline's stages as configured, in order, beside their probability."""
    typed = prefix.strip().lower()
    configured = parse_stages(work.settings()["pipeline.stages"])
    return [(s.name, f"{s.probability}%") for s in configured if s.name.startswith(typed)]


def setting_keys(work: Work | None, prefix: str) -> list[Candidate]:
    """Setting names beside their meaning: every setting, a per-stage rotting limit for
    each stage, the cadences set and one for each tag (``cadence.vip``).  With no
    database (``work`` None), the settings every database has."""
    typed = prefix.strip().lower()
    keys = {key: spec.help for key, spec in SETTINGS.items()}
    if work is not None:
        values = work.settings()
        for stage in parse_stages(values["pipeline.stages"]):
            key = f"{ROTTING_DAYS}.{stage.name}"
            keys[key] = setting_spec(key).help
        keys |= {key: setting_spec(key).help for key in values if is_cadence_key(key)}
        keys |= {key: f"view: {value}" for key, value in values.items() if is_view_key(key)}
        head = f"{CADENCE}."
        if typed.startswith(head) or head.startswith(typed):
            for tag, _ in tags(work, typed[len(head) :]):
                keys.setdefault(f"{head}{tag}", setting_spec(f"{head}{tag}").help)
    found = [(key, meaning) for key, meaning in keys.items() if key.startswith(typed)]
    return [(as_typed(prefix.strip(), key), meaning) for key, meaning in found[:LIMIT]]


def list_names(work: Work, prefix: str) -> list[Candidate]:
    """Prospecting lists whose name starts with ``prefix`` (as typed: names are matched
    exactly), beside the file they came from."""
    rows = work.rows(
        "SELECT name, source_file FROM prospect_lists WHERE name >= :low AND name < :high "
        "ORDER BY name LIMIT :limit",
        {**_starting(prefix), "limit": LIMIT},
    )
    return [(row.name, row.source_file or "") for row in rows]


def _distinct(work: Work, table: str, column: str, prefix: str) -> list[str]:
    """The distinct values of an indexed column that start with ``prefix``: one index
    probe per value (the next one above the last), not a read of every row."""
    rows = work.rows(
        f"WITH RECURSIVE found(v) AS ("
        f" SELECT min({column}) FROM {table} WHERE {column} >= :low AND {column} < :high"
        f" UNION ALL"
        f" SELECT (SELECT min({column}) FROM {table} WHERE {column} > found.v"
        f" AND {column} < :high) FROM found WHERE found.v IS NOT NULL LIMIT :limit"
        f") SELECT v FROM found WHERE v IS NOT NULL",
        {**_starting(prefix), "limit": LIMIT + 1},
    )
    return [row.v for row in rows]


def sources(work: Work, prefix: str, *, with_lists: bool = False) -> list[Candidate]:
    """Sources contacts came from or a cost was recorded for (and, ``with_lists``, the
    prospecting lists, which a cost can name too), as `source list` names them
    (lower-case), by prefix in any case.

    Leads' sources are stored lower-case, prospects' are their list's name as typed:
    both spellings of the prefix are looked up (``m``, ``M``)."""
    typed = prefix.strip()
    spellings = {typed.lower(), typed[:1].upper() + typed[1:].lower(), typed}
    names: set[str] = set()
    for spelling in spellings:
        names.update(_distinct(work, "contacts", "source", spelling))
        rows = work.rows(
            "SELECT name FROM sources WHERE name >= :low AND name < :high ORDER BY name "
            "LIMIT :limit",
            {**_starting(spelling), "limit": LIMIT},
        )
        names.update(row.name for row in rows)
        if with_lists:
            names.update(name for name, _ in list_names(work, spelling))
    keys = sorted({key for key in map(source_key, names) if key is not None})
    return [(as_typed(typed, key), "") for key in keys[:LIMIT]]


def tags(work: Work, prefix: str) -> list[Candidate]:
    """Tags that start with ``prefix``, in any case (tags are stored lower-case)."""
    typed = prefix.strip()
    values = _distinct(work, "contact_tags", "tag", typed.lower())
    return [(as_typed(typed, tag), "") for tag in values[:LIMIT]]


def view_names(work: Work, prefix: str) -> list[Candidate]:
    """Saved views (``view.NAME``), beside the listing each runs."""
    typed = prefix.strip().lower()
    found = [
        (view_name(key), str(value))
        for key, value in sorted(work.settings().items())
        if is_view_key(key) and view_name(key).startswith(typed)
    ]
    return found[:LIMIT]
