"""Column headers -> contact fields, from the vocabulary tables (``vocabulary/*.toml``:
English, Portuguese, Spanish, Russian, French, German).

A header is compared after folding case, accents and punctuation away
(``E-mail`` = ``email``, ``Teléfono`` = ``telefono``, ``Эл. почта`` = ``эл почта``),
splitting camelCase (``FirstName``) and numbers (``E-mail 2 Address``: the 2 ranks the
column), and dropping the decorations CRM exports add (Pipedrive's ``Person - ``, a
trailing ``Work``/``Home``).  Columns that name no field are kept as extra fields on the
contact (and may be read from their content: :mod:`content`).  ``--map`` overrides.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cache

from salesfunnel.domain.exchange import CONTACT_FIELDS, CONTACT_STATE, is_contacts_export
from salesfunnel.errors import BadValue

NAME_FIELDS = ("name", "first_name", "middle_name", "last_name")
# What a column can be read as: the fields our own export writes, with the name in parts.
FIELDS = (*NAME_FIELDS, *CONTACT_FIELDS[1:])
EXTRA = "extra"  # keep the column as an extra field, under its header
SKIP = "skip"  # drop the column
IDENTIFYING = {"name", "first_name", "last_name", "email", "phone"}

LANGUAGES = ("en", "pt", "es", "ru", "fr", "de")  # the tables in vocabulary/, in this order
# Names that mean "first name" when the file also has a last-name column
# (``Nome`` + ``Sobrenome``, ``Имя`` + ``Фамилия``).
_FIRST_WHEN_SPLIT = ("name", "nome", "nombre", "имя")
_PREFIXES = ("person ", "contact ", "lead ", "contato ", "contacto ")
_SUFFIXES = (" work", " home", " other", " mobile", " main", " primary", " principal", " value")
_SPLITTABLE = frozenset(_FIRST_WHEN_SPLIT)
_FIELD_ALIASES = {"first": "first_name", "last": "last_name", "middle": "middle_name"}
_CAMEL = re.compile(r"(?<=[a-zа-яё])(?=[A-ZА-ЯЁ])|(?<=[^\W\d_])(?=\d)|(?<=\d)(?=[^\W\d_])")
_NUMBER = re.compile(r"(?<=[^\W\d_])(?=\d)|(?<=\d)(?=[^\W\d_])")
_PUNCTUATION = re.compile(r"[\W_]+")


def header_key(text: str, *, camel: bool = True) -> str:
    """``E-mail`` -> ``e mail``; ``Teléfono`` -> ``telefono``; ``FirstName`` -> ``first name``
    (``camel=False``: a capital inside a word stays in it, ``EMail`` -> ``email``)."""
    text = _CAMEL.sub(" ", text.strip()) if camel else _NUMBER.sub(" ", text.strip())
    folded = unicodedata.normalize("NFKD", text.casefold())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    return " ".join(_PUNCTUATION.sub(" ", folded).split())


def split_number(key: str) -> tuple[str, int]:
    """``e mail 2 address`` -> (``e mail address``, 2): the number orders a field's columns."""
    words = key.split()
    numbers = [word for word in words if word.isdigit()]
    if not numbers or len(numbers) == len(words):
        return key, 0
    return " ".join(word for word in words if not word.isdigit()), int(numbers[0])


@dataclass(frozen=True)
class Spelling:
    """What a header names: a field (or extra/skip), and how it ranks among the field's."""

    field: str
    later: bool = False  # read after the field's other columns (a switchboard)
    weak: bool = False  # only when no other column names the field
    language: str = "en"


@dataclass(frozen=True)
class Guess:
    spelling: Spelling
    number: int  # E-mail 2 Address -> 2


@cache
def vocabulary() -> dict[str, Spelling]:
    """Every spelling of every language's table, folded (the first table naming it wins)."""
    import tomllib
    from importlib import resources

    found: dict[str, Spelling] = {}
    folder = resources.files("salesfunnel.importing") / "vocabulary"
    for language in LANGUAGES:
        table = tomllib.loads((folder / f"{language}.toml").read_text(encoding="utf-8"))
        for field, lists in table.items():
            for kind, words in lists.items():
                spelling = Spelling(field, kind == "later", kind == "weak", language)
                for word in words:
                    key = split_number(header_key(word))[0]
                    found.setdefault(key, spelling)
    return found


def guess(header: str) -> Guess | None:
    """What a header names, or None for a header no table knows.

    Capitals inside a word split it (Salesforce's ``FirstName``) unless that names nothing
    and the word whole does (``ACCOUNT name``, typed any case)."""
    known = vocabulary()
    for camel in (True, False):
        key, number = split_number(header_key(header, camel=camel))
        for candidate in _candidates(key):
            if candidate in known:
                return Guess(known[candidate], number)
    return None


def guess_field(header: str) -> str | None:
    """The field a header names, or None for an unknown column (or a known extra one)."""
    found = guess(header)
    if found is None or found.spelling.field in (EXTRA,):
        return None
    return found.spelling.field


def _candidates(key: str) -> Iterable[str]:
    yield key
    for prefix in _PREFIXES:
        if key.startswith(prefix):
            key = key[len(prefix) :]
            yield key
            break
    for suffix in _SUFFIXES:
        if key.endswith(suffix):
            yield key[: -len(suffix)]


def field_name(text: str) -> str:
    """A field as the user types it in ``--map`` (``first-name``, ``First name``...)."""
    key = header_key(text).replace(" ", "_")
    key = _FIELD_ALIASES.get(key, key)
    if key in FIELDS or key in (EXTRA, SKIP):
        return key
    allowed = ", ".join((*FIELDS, EXTRA, SKIP))
    raise BadValue(f"--map: unknown field {text!r} (fields: {allowed})")


@dataclass(frozen=True)
class MappedColumn:
    index: int
    header: str
    field: str  # one of FIELDS, EXTRA or SKIP
    key: str  # the extra field's name, for EXTRA columns
    how: str  # "guessed", "--map", "unknown: kept as extra", "read as email from its content"
    rank: tuple[int, int] = (0, 0)  # among a field's columns: (read later, its number)
    known: bool = True  # False: no table knows the header (its content may tell)


@dataclass(frozen=True)
class Mapping:
    columns: tuple[MappedColumn, ...]
    from_export: bool = False  # one of salesfunnel's own contacts exports

    @property
    def width(self) -> int:
        return len(self.columns)

    def indexes(self, field: str) -> tuple[int, ...]:
        """A field's columns, the one read first first: by rank, then left to right."""
        found = sorted((c.rank, c.index) for c in self.columns if c.field == field)
        return tuple(index for _, index in found)

    @property
    def extras(self) -> tuple[MappedColumn, ...]:
        return tuple(c for c in self.columns if c.field == EXTRA)

    def with_field(self, index: int, field: str, how: str) -> Mapping:
        """The mapping with one column read as ``field`` (after the field's named columns)."""
        columns = list(self.columns)
        columns[index] = replace(columns[index], field=field, how=how, rank=(2, 0))
        return replace(self, columns=tuple(columns))


def parse_overrides(specs: Sequence[str]) -> list[tuple[str, str]]:
    """``--map "Header=field"`` options -> ``[(header, field)]``."""
    overrides = []
    for spec in specs:
        header, sep, field = spec.rpartition("=")
        if not sep or not header.strip() or not field.strip():
            raise BadValue(f'--map wants "Header=field", not {spec!r}')
        overrides.append((header.strip(), field_name(field)))
    return overrides


UNKNOWN = "unknown: kept as extra"
_WEAK = "weak"


def map_headers(
    header: Sequence[str], overrides: Sequence[tuple[str, str]] = (), *, require: bool = True
) -> Mapping:
    """Decide a field for every column: ``--map`` first, then the vocabulary, else extra.

    ``require``: refuse a mapping with no name, email or phone column (the caller may
    first look at the columns' content, and check with :func:`require_someone`).
    """
    forced = _resolve_overrides(header, overrides)
    from_export = is_contacts_export(header)
    keys = _extra_keys(header)
    columns: list[MappedColumn] = []
    for index, text in enumerate(header):
        column = MappedColumn(index, text, EXTRA, keys[index], UNKNOWN, known=False)
        found = guess(text) if text else None
        if index in forced:
            column = replace(column, field=forced[index], how="--map", known=True)
        elif from_export and text.strip() in CONTACT_STATE:
            column = replace(
                column, field=SKIP, how="funnel state of a salesfunnel export: not imported"
            )
        elif found is not None and found.spelling.field == EXTRA:
            column = replace(column, how="known: kept as extra", known=True)
        elif found is not None:
            rank = (1 if found.spelling.later else 0, found.number)
            how = _WEAK if found.spelling.weak else "guessed"
            column = replace(column, field=found.spelling.field, how=how, rank=rank, known=True)
        columns.append(column)
    columns = _weak_yield(columns)
    chosen = {c.field for c in columns}
    if "last_name" in chosen and "first_name" not in chosen:
        columns = [
            replace(c, field="first_name")
            if c.field == "name" and c.how == "guessed" and header_key(c.header) in _SPLITTABLE
            else c
            for c in columns
        ]
    mapping = Mapping(tuple(columns), from_export)
    if require:
        require_someone(mapping)
    return mapping


def _weak_yield(columns: list[MappedColumn]) -> list[MappedColumn]:
    """A weak spelling (Outlook's ``Title``: Mr./Ms.) names its field only when no other
    column does; otherwise it is kept as an extra field."""
    strong = {c.field for c in columns if c.how in ("guessed", "--map")}
    return [
        (
            replace(c, field=EXTRA, how=f"kept as extra: another column is the {c.field}")
            if c.field in strong
            else replace(c, how="guessed")
        )
        if c.how == _WEAK
        else c
        for c in columns
    ]


def require_someone(mapping: Mapping) -> None:
    """Refuse a mapping where no column is a name, an email or a phone."""
    if not any(c.field in IDENTIFYING for c in mapping.columns):
        header = [c.header for c in mapping.columns]
        shown = ", ".join(repr(h) for h in header[:12]) + (" ..." if len(header) > 12 else "")
        raise BadValue(
            f"no column is a name, email or phone (columns: {shown}); "
            'name them with --map "Column=name" (or email, phone)'
        )


def _resolve_overrides(
    header: Sequence[str], overrides: Sequence[tuple[str, str]]
) -> dict[int, str]:
    by_key: dict[str, int] = {}
    for position, text in enumerate(header):
        by_key.setdefault(header_key(text), position)
    forced: dict[int, str] = {}
    for wanted, field in overrides:
        index = by_key.get(header_key(wanted))
        if index is None and wanted.isdigit() and 1 <= int(wanted) <= len(header):
            index = int(wanted) - 1  # a column number, counting from 1
        if index is None:
            shown = ", ".join(repr(h) for h in header[:12]) + (" ..." if len(header) > 12 else "")
            raise BadValue(f"--map: no column {wanted!r} in the file (columns: {shown})")
        forced[index] = field
    return forced


def _extra_keys(header: Sequence[str]) -> list[str]:
    """Names for extra fields: the header, made unique; ``column 7`` when blank."""
    seen: dict[str, int] = {}
    keys = []
    for index, text in enumerate(header):
        base = text or f"column {index + 1}"
        count = seen.get(base, 0) + 1
        seen[base] = count
        keys.append(base if count == 1 else f"{base} ({count})")
    return keys
