"""The round trip, as a property: any table of contacts, written as CSV in any supported
dialect (delimiter, quoting, line ends), encoding and header language, imports to the
same contacts -- found with no options at all."""

from __future__ import annotations

import csv
import io
import itertools
import json
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from salesfunnel.db.engine import open_engine
from salesfunnel.importing.cells import clean

FIELDS = ("name", "email", "phone", "company", "title", "city", "notes")
HEADERS = {
    "en": ("Name", "E-mail", "Phone", "Company", "Job Title", "City", "Notes"),
    "pt": ("Nome", "E-mail", "Telefone", "Empresa", "Cargo", "Cidade", "Observações"),
    "es": ("Nombre", "Correo", "Teléfono", "Empresa", "Cargo", "Ciudad", "Notas"),
    "ru": ("Имя", "Эл. почта", "Телефон", "Компания", "Должность", "Город", "Примечание"),
    "crm": ("Full Name", "Email Address", "Mobile Phone", "Account Name", "Title", "Mailing City",
            "Description"),
}  # fmt: skip
# Words as people write them, per script; a single-byte code page is told by its words.
LATIN = [
    "João",
    "Conceição",
    "Núñez",
    "Muñoz",
    "Gonçalves",
    "Ibáñez",
    "Ana",
    "Silva",
    "Peña",
    "São Paulo",
    "Málaga",
    "Ltda.",
    "S.L.",
    "Sócio",
    "Diretora",
    "Acme, Inc.",
    "O'Brien",
]
CYRILLIC = [
    "Иванов",
    "Пётр",
    "Наталья",
    "Москва",
    'ООО "Ромашка"',
    "Директор",
    "Фёдоров",
    "Екатеринбург",
    "Смирнова",
    "Сергеевич",
    "Генеральный",
    "Надёжный партнёр",
]
ASCII = ["Smith", "Kelly", "Boston", "Summit Group", "CEO", "Head of Sales", "Northwind"]
# fmt: on
PUNCTUATION = [",", ";", "|", "\t", '"', "\n", "\r\n", "  ", " - ", "'", "&", "#1", "(x)"]
ENCODINGS = {
    "utf-8": LATIN + CYRILLIC + ASCII,
    "utf-8-sig": LATIN + CYRILLIC + ASCII,
    "utf-16": LATIN + CYRILLIC + ASCII,
    "cp1252": LATIN + ASCII,
    "cp1251": CYRILLIC + ASCII,
}


def text_from(words: list[str]) -> st.SearchStrategy[str]:
    piece = st.one_of(st.sampled_from(words), st.sampled_from(PUNCTUATION))
    return (
        st.lists(piece, min_size=1, max_size=5)
        .map(lambda parts: " ".join(parts).strip())
        .filter(lambda text: text.strip() == text)
        # A lone "-" or a leading "'" is a spreadsheet's "nothing" or text mark, read as such
        # (test_import_artefacts.py): a table of values round-trips.
        .filter(lambda text: clean(text) == text)
    )


@st.composite
def contact_tables(draw: st.DrawFn) -> tuple[str, list[dict[str, str]]]:
    encoding = draw(st.sampled_from(sorted(ENCODINGS)))
    words = ENCODINGS[encoding]
    count = draw(st.integers(min_value=1, max_value=12))
    contacts = []
    for number in range(count):
        has = draw(st.sampled_from(["name", "email", "phone", "all"]))
        contact = {field: draw(st.one_of(st.just(""), text_from(words))) for field in FIELDS}
        name = draw(text_from(words).filter(bool))
        contact["name"] = name if has in ("name", "all") else ""
        contact["email"] = f"p{number}.{draw(st.sampled_from(['a', 'B']))}@example.com"
        contact["email"] = contact["email"] if has in ("email", "all") else ""
        digits = draw(st.sampled_from(["0", "00", "+7 ", "+55 (11) ", "8 "])) + f"9{number:07d}"
        contact["phone"] = digits if has in ("phone", "all") else ""
        contacts.append(contact)
    return encoding, contacts


def as_csv(
    contacts: list[dict[str, str]], headers: tuple[str, ...], dialect: dict[str, object]
) -> str:
    out = io.StringIO(newline="")
    writer = csv.writer(out, **dialect)  # type: ignore[arg-type]
    writer.writerow(headers)
    for contact in contacts:
        writer.writerow([contact[field] for field in FIELDS])
    return out.getvalue()


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "funnel.db"
    open_engine(f"sqlite:///{path}").dispose()
    return path


@pytest.mark.slow
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    table=contact_tables(),
    language=st.sampled_from(sorted(HEADERS)),
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
    quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]),
    line_end=st.sampled_from(["\r\n", "\n"]),
)
def test_any_table_round_trips(
    tmp_path, template, ok, table, language, delimiter, quoting, line_end
) -> None:
    encoding, contacts = table
    headers = HEADERS[language]
    try:
        "".join(headers).encode(encoding)
    except UnicodeEncodeError:
        headers = HEADERS["en"]  # the code page can't write those headers
    dialect = {"delimiter": delimiter, "quoting": quoting, "lineterminator": line_end}
    example = next(COUNTER)
    path = tmp_path / f"round-{example}.csv"
    path.write_bytes(as_csv(contacts, headers, dialect).encode(encoding))
    db_path = tmp_path / f"funnel-{example}.db"  # a fresh database per example
    shutil.copy2(template, db_path)

    summary = json.loads(ok("--db", str(db_path), "prospect", "import", str(path), "--json").stdout)

    assert summary["encoding"] == {"utf-8-sig": "utf-8-sig", "utf-16": "utf-16"}.get(
        encoding, summary["encoding"]
    )
    assert (summary["imported"], summary["duplicates"], summary["rejected"]) == (
        len(contacts),
        0,
        0,
    )
    with closing(sqlite3.connect(db_path)) as connection:
        stored = connection.execute(
            "select c.name, c.email, c.phone, co.name, c.title, c.city, c.notes "
            "from contacts c left join companies co on co.id = c.company_id order by c.id"
        ).fetchall()
    expected = [
        tuple(
            contact[field] or None
            if field != "name"
            else contact["name"] or contact["email"] or contact["phone"]
            for field in FIELDS
        )
        for contact in contacts
    ]
    assert stored == expected


COUNTER = itertools.count()
