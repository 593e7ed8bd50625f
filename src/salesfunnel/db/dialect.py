"""What differs between SQLite and PostgreSQL, in one place.

The SQL of every command is written once, with ``:named`` parameters (db/work.py); the
few spots where the two databases need different words ask here.  Standard library
only: every command imports it.
"""

from __future__ import annotations

import re
from functools import cache

SQLITE = "sqlite"
POSTGRES = "postgresql"
SCHEMES = ("postgresql://", "postgresql+psycopg://", "postgres://")


def is_postgres_url(url: str) -> bool:
    """``postgresql://…`` and ``postgresql+psycopg://…`` (and libpq's ``postgres://``)."""
    return url.startswith(SCHEMES)


def libpq_url(url: str) -> str:
    """The URL as libpq (psycopg) takes it: without SQLAlchemy's ``+psycopg``."""
    if url.startswith("postgresql+psycopg://"):
        return "postgresql://" + url[len("postgresql+psycopg://") :]
    return url


def alchemy_url(url: str) -> str:
    """The URL as SQLAlchemy takes it: PostgreSQL always through psycopg 3 (SQLAlchemy's
    default for ``postgresql://`` is psycopg2, which salesfunnel does not install)."""
    for scheme in ("postgresql://", "postgres://"):
        if url.startswith(scheme):
            return "postgresql+psycopg://" + url[len(scheme) :]
    return url


def safe_url(url: str) -> str:
    """A server URL as it may be shown in a message: never with its password."""
    return re.sub(r"(://[^:/@]*):[^@/]*@", r"\1:***@", url)


# A :name parameter (not a :: cast), a quoted string or identifier, or a literal %.
_TOKENS = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|::|(?<!:):([A-Za-z_]\w*)|%")


@cache
def pyformat(sql: str) -> str:
    """``:named`` SQL as psycopg takes it: ``%(named)s``, and every literal ``%`` doubled
    (psycopg reads the whole statement, string literals too, for its placeholders)."""

    def replace(match: re.Match[str]) -> str:
        token = match.group(0)
        if match.group(1) is not None:
            return f"%({match.group(1)})s"
        if token == "%":
            return "%%"
        if token.startswith("'"):
            return token.replace("%", "%%")
        return token

    return _TOKENS.sub(replace, sql)


def word_match(dialect: str, column: str, param: str) -> str:
    """A condition: the word bound to ``param`` (:func:`word_pattern`) is in ``column``.

    On SQLite a LIKE of the word anywhere (for the few rows the full-text index doesn't
    hold yet); on PostgreSQL a regular expression, the word at the start of one of the
    key's words, as SQLite's full-text index matches it, which the trigram index of
    migration 0009 answers without reading the table.
    """
    if dialect == SQLITE:
        return f"{column} LIKE :{param} ESCAPE '\\'"
    return f"{column} ~ :{param}"


def word_pattern(dialect: str, word: str, *others: str) -> str:
    """What :func:`word_match` binds for ``word`` (folded: letters and digits); on
    PostgreSQL ``others`` may stand in for it (a phone's reversed digits)."""
    if dialect == SQLITE:
        return "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    either = "|".join(re.sub(r"(\W)", r"\\\1", each) for each in (word, *others))
    return f"(^|[^[:alnum:]])({either})"


def extra_keys_sql(dialect: str) -> str:
    """The keys of the contacts' extra fields (JSON objects), in order of first
    appearance: the first contact having the key, then the key's place in its object."""
    if dialect == SQLITE:
        return (
            "SELECT j.key FROM contacts AS c, json_each(c.extra) AS j "
            "WHERE c.extra IS NOT NULL AND json_type(c.extra) = 'object' "
            "GROUP BY j.key ORDER BY min(c.id * 1000000 + j.id)"
        )
    return (
        "SELECT j.key FROM contacts AS c, "
        "json_object_keys(CASE WHEN json_typeof(c.extra) = 'object' THEN c.extra END) "
        "WITH ORDINALITY AS j(key, n) "
        "WHERE c.extra IS NOT NULL GROUP BY j.key ORDER BY min(c.id::bigint * 1000000 + j.n)"
    )


def of_cursor(cursor: object) -> str:
    """The dialect of a bulk writer's cursor (db/work.py ``bulk_cursor``)."""
    return str(getattr(cursor, "dialect", SQLITE))


# --- the importer's JSON and ids -------------------------------------------------------------
def json_object(dialect: str, pairs: str) -> str:
    """``json_object('a', x, 'b', y)``: a JSON object of these keys and values."""
    return f"json_object({pairs})" if dialect == SQLITE else f"json_build_object({pairs})"


def json_array_of(dialect: str, expression: str) -> str:
    """An aggregate: the values of ``expression`` as a JSON array (``[]`` for none)."""
    if dialect == SQLITE:
        return f"json_group_array({expression})"
    return f"coalesce(json_agg({expression}), '[]'::json)"


def json_with(dialect: str, document: str, key: str, value: str) -> str:
    """The JSON object ``document`` with ``key`` set to the JSON ``value``."""
    if dialect == SQLITE:
        return f"json_set({document}, '$.{key}', json({value}))"
    return f"(({document})::jsonb || jsonb_build_object('{key}', ({value})::jsonb))::json"


def json_merged(dialect: str, document: str, patch: str) -> str:
    """The JSON object ``document`` with the keys of ``patch`` written over (RFC 7396)."""
    if dialect == SQLITE:
        return f"json_patch({document}, {patch})"
    return f"jsonb_strip_nulls(({document})::jsonb || ({patch})::jsonb)::json"


def json_is_null(dialect: str, document: str) -> str:
    """SQL: ``document`` is NULL or the JSON ``null``."""
    if dialect == SQLITE:
        return f"({document} IS NULL OR {document} = 'null')"
    return f"({document} IS NULL OR json_typeof({document}) = 'null')"


def json_texts(dialect: str, document: str, alias: str, key: str | None = None) -> str:
    """A FROM item: the strings of the JSON array ``document`` (or of its ``key``), as
    ``{alias}.value``."""
    if dialect == SQLITE:
        path = f", '$.{key}'" if key else ""
        return f"json_each({document}{path}) AS {alias}"
    array = f"({document}) -> '{key}'" if key else document
    return f"json_array_elements_text({array}) AS {alias}(value)"


# Columns a JSON snapshot of a contact holds (importing/dedupe.py), with their SQL types
# on PostgreSQL, where a value read back from JSON is text until cast.
SNAPSHOT_TYPES = {
    "company_id": "integer",
    "value": "double precision",
    "email_flagged": "boolean",
    "extra": "json",
}


def json_field(dialect: str, document: str, key: str) -> str:
    """The value of ``key`` in the JSON object ``document``, as the column stores it."""
    if dialect == SQLITE:
        return f"json_extract({document}, '$.{key}')"
    kind = SNAPSHOT_TYPES.get(key, "text")
    if kind == "json":
        found = f"({document}) -> '{key}'"
        return f"(CASE WHEN json_typeof({found}) <> 'null' THEN {found} END)"
    return f"(({document}) ->> '{key}')::{kind}"


def same_value(dialect: str, column: str, value: str, key: str) -> str:
    """SQL: the column holds ``value`` (NULL equal to NULL); a JSON column by content."""
    if dialect == SQLITE:
        return f"{column} IS {value}"
    if SNAPSHOT_TYPES.get(key) == "json":
        return f"{column}::jsonb IS NOT DISTINCT FROM ({value})::jsonb"
    return f"{column} IS NOT DISTINCT FROM {value}"
