"""Column headers -> contact fields, in English, Portuguese, Spanish and Russian.

A header is compared after folding case, accents and punctuation away
(``E-mail`` = ``email``, ``Teléfono`` = ``telefono``, ``Эл. почта`` = ``эл почта``),
splitting camelCase (``FirstName``), and dropping the decorations CRM exports add
(Pipedrive's ``Person - ``, a trailing ``Work``/``Home``/``1``).  Columns that
name no field are kept as extra fields on the contact.  ``--map`` overrides.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from salesfunnel.domain.exchange import CONTACT_FIELDS, CONTACT_STATE, is_contacts_export
from salesfunnel.errors import BadValue

NAME_FIELDS = ("name", "first_name", "middle_name", "last_name")
# What a column can be read as: the fields our own export writes, with the name in parts.
FIELDS = (*NAME_FIELDS, *CONTACT_FIELDS[1:])
EXTRA = "extra"  # keep the column as an extra field, under its header
SKIP = "skip"  # drop the column
IDENTIFYING = {"name", "first_name", "last_name", "email", "phone"}

# fmt: off
_VOCABULARY: dict[str, tuple[str, ...]] = {
    "name": (
        # en, HubSpot, Salesforce, Pipedrive
        "name", "full name", "contact name", "contact", "person", "person name",
        "contact full name", "lead name", "display name",
        # pt
        "nome", "nome completo", "nome do contato", "nome do contacto", "contato", "contacto",
        # es
        "nombre", "nombre completo", "nombre y apellidos", "nombre del contacto",
        # ru
        "имя", "фио", "ф и о", "полное имя", "контакт", "контактное лицо", "имя контакта",
    ),
    "first_name": (
        "first name", "firstname", "first", "given name", "forename",
        "primeiro nome", "nome proprio", "prenome",
        "nombre de pila", "primer nombre",
        "имя собственное",
    ),
    "middle_name": (
        "middle name", "middlename", "nome do meio", "segundo nombre", "отчество",
    ),
    "last_name": (
        "last name", "lastname", "surname", "family name", "last",
        "sobrenome", "ultimo nome", "apelido", "apelidos",
        "apellido", "apellidos", "primer apellido",
        "фамилия",
    ),
    "email": (
        "email", "e mail", "email address", "e mail address", "mail", "work email",
        "personal email", "primary email", "business email", "emailaddress",
        "correio eletronico", "correio electronico", "endereco de email", "endereco de e mail",
        "correo", "correo electronico", "correo e", "direccion de correo",
        "direccion de correo electronico", "mail electronico",
        "эл почта", "электронная почта", "почта", "e mail адрес", "емейл", "имейл", "email адрес",
    ),
    "phone": (
        "phone", "phone number", "telephone", "tel", "mobile", "mobile phone",
        "mobile phone number", "mobilephone", "cell", "cell phone", "cellphone", "work phone",
        "business phone", "direct phone", "whatsapp",
        "telefone", "telemovel", "celular", "fone", "numero de telefone",
        "telefono", "movil", "telefono movil", "numero de telefono",
        "телефон", "моб телефон", "мобильный", "мобильный телефон", "тел", "сотовый",
        "номер телефона",
    ),
    "company": (
        "company", "company name", "organization", "organisation", "organization name",
        "account", "account name", "associated company", "business", "employer", "firm",
        "empresa", "companhia", "organizacao", "nome da empresa", "razao social",
        "compania", "organizacion", "nombre de la empresa", "razon social",
        "компания", "организация", "название компании", "фирма", "название организации",
    ),
    "title": (
        "title", "job title", "jobtitle", "position", "role", "job", "job role",
        "cargo", "funcao", "puesto", "titulo del puesto",
        "должность", "позиция",
    ),
    "website": (
        "website", "web site", "website url", "url", "web", "site", "homepage", "home page",
        "sitio web", "pagina web", "sitio", "pagina",
        "сайт", "веб сайт", "вебсайт",
    ),
    "city": (
        "city", "town", "mailing city", "billing city",
        "cidade", "municipio", "ciudad", "localidad", "poblacion",
        "город", "населенный пункт",
    ),
    "country": (
        "country", "country region", "mailing country", "billing country",
        "pais", "страна",
    ),
    "source": (
        "source", "lead source", "original source", "contact source", "source of lead",
        "origem", "fonte", "origem do lead", "origen", "fuente",
        "источник", "источник лида",
    ),
    "tags": (
        "tags", "tag", "labels", "label", "etiquetas", "etiqueta", "marcadores",
        "теги", "тег", "метки", "метка", "тэги",
    ),
    "notes": (
        "notes", "note", "comments", "comment", "description", "remarks",
        "observacoes", "observacao", "obs", "notas", "nota", "comentarios", "comentario",
        "descricao", "descripcion", "observaciones",
        "примечание", "примечания", "комментарий", "комментарии", "заметки", "заметка",
        "описание",
    ),
    "value": (
        "value", "deal value", "amount", "budget", "expected value", "potential value",
        "valor", "orcamento", "valor estimado", "importe", "presupuesto", "monto",
        "сумма", "бюджет", "стоимость",
    ),
    SKIP: ("rejected line", "rejected reason"),  # the two columns --rejects adds
}
# fmt: on
# Names that mean "first name" when the file also has a last-name column
# (``Nome`` + ``Sobrenome``, ``Имя`` + ``Фамилия``).
_FIRST_WHEN_SPLIT = ("name", "nome", "nombre", "имя")
_PREFIXES = ("person ", "contact ", "lead ", "contato ", "contacto ")
_SUFFIXES: tuple[str, ...] = (" work", " home", " other", " mobile", " main", " primary")
_SUFFIXES += (" principal", " 1", " 2", " 3")
_FIELD_ALIASES = {"first": "first_name", "last": "last_name", "middle": "middle_name"}
_CAMEL = re.compile(r"(?<=[a-zа-яё])(?=[A-ZА-ЯЁ])")
_PUNCTUATION = re.compile(r"[\W_]+")


def header_key(text: str) -> str:
    """``E-mail`` -> ``e mail``; ``Teléfono`` -> ``telefono``; ``FirstName`` -> ``first name``."""
    text = _CAMEL.sub(" ", text.strip())
    folded = unicodedata.normalize("NFKD", text.casefold())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    return " ".join(_PUNCTUATION.sub(" ", folded).split())


_LOOKUP = {header_key(word): field for field, words in _VOCABULARY.items() for word in words}
_SPLITTABLE = {header_key(word) for word in _FIRST_WHEN_SPLIT}


def guess_field(header: str) -> str | None:
    """The field a header names, or None for an unknown column."""
    key = header_key(header)
    for candidate in _candidates(key):
        if candidate in _LOOKUP:
            return _LOOKUP[candidate]
    return None


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
    how: str  # "guessed", "--map", "unknown: kept as extra"


@dataclass(frozen=True)
class Mapping:
    columns: tuple[MappedColumn, ...]
    from_export: bool = False  # one of salesfunnel's own contacts exports

    @property
    def width(self) -> int:
        return len(self.columns)

    def indexes(self, field: str) -> tuple[int, ...]:
        return tuple(c.index for c in self.columns if c.field == field)

    @property
    def extras(self) -> tuple[MappedColumn, ...]:
        return tuple(c for c in self.columns if c.field == EXTRA)


def parse_overrides(specs: Sequence[str]) -> list[tuple[str, str]]:
    """``--map "Header=field"`` options -> ``[(header, field)]``."""
    overrides = []
    for spec in specs:
        header, sep, field = spec.rpartition("=")
        if not sep or not header.strip() or not field.strip():
            raise BadValue(f'--map wants "Header=field", not {spec!r}')
        overrides.append((header.strip(), field_name(field)))
    return overrides


def map_headers(header: Sequence[str], overrides: Sequence[tuple[str, str]] = ()) -> Mapping:
    """Decide a field for every column: ``--map`` first, then the vocabulary, else extra."""
    forced = _resolve_overrides(header, overrides)
    from_export = is_contacts_export(header)
    fields: list[tuple[str, str]] = []
    for index, text in enumerate(header):
        if index in forced:
            fields.append((forced[index], "--map"))
        elif from_export and text.strip() in CONTACT_STATE:
            fields.append((SKIP, "funnel state of a salesfunnel export: not imported"))
        else:
            guess = guess_field(text) if text else None
            fields.append((guess, "guessed") if guess else (EXTRA, "unknown: kept as extra"))
    chosen = {field for field, _ in fields}
    if "last_name" in chosen and "first_name" not in chosen:
        fields = [
            ("first_name", how)
            if field == "name" and how == "guessed" and header_key(header[i]) in _SPLITTABLE
            else (field, how)
            for i, (field, how) in enumerate(fields)
        ]
    keys = _extra_keys(header)
    columns = tuple(
        MappedColumn(i, header[i], field, keys[i], how) for i, (field, how) in enumerate(fields)
    )
    mapping = Mapping(columns, from_export)
    if not any(c.field in IDENTIFYING for c in columns):
        shown = ", ".join(repr(h) for h in header[:12]) + (" ..." if len(header) > 12 else "")
        raise BadValue(
            f"no column is a name, email or phone (columns: {shown}); "
            'name them with --map "Column=name" (or email, phone)'
        )
    return mapping


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
