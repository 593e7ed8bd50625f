"""Header vocabulary and content sniffing, as properties: any way a header is typed names
the same field, and a column is read from its content only when its content says so."""

from __future__ import annotations

import tomllib
import unicodedata
from importlib import resources

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salesfunnel.importing.content import content_field, read_by_content
from salesfunnel.importing.headers import (
    EXTRA,
    FIELDS,
    LANGUAGES,
    SKIP,
    guess,
    header_key,
    map_headers,
    vocabulary,
)


def tables() -> dict[str, dict[str, dict[str, list[str]]]]:
    folder = resources.files("salesfunnel.importing") / "vocabulary"
    return {
        language: tomllib.loads((folder / f"{language}.toml").read_text(encoding="utf-8"))
        for language in LANGUAGES
    }


SPELLINGS = sorted(
    {(word, field) for table in tables().values() for field, lists in table.items()
     for words in lists.values() for word in words}
)  # fmt: skip


def test_every_table_names_known_fields_and_lists_only() -> None:
    for language, table in tables().items():
        assert set(table) <= {*FIELDS, EXTRA, SKIP}, language
        for field, lists in table.items():
            assert set(lists) <= {"headers", "later", "weak"}, (language, field)


def test_no_spelling_names_two_fields() -> None:
    """Across languages a folded spelling means one thing (``contacto`` is a name in pt and
    es alike); the first table naming it would otherwise win silently."""
    claimed: dict[str, set[str]] = {}
    for word, field in SPELLINGS:
        claimed.setdefault(header_key(word), set()).add(field)
    assert {key: fields for key, fields in claimed.items() if len(fields) > 1} == {}


@st.composite
def typed_as(draw: st.DrawFn, word: str) -> str:
    """``word`` as someone might type it: any case, separators, accents composed or not,
    spaces around."""
    words = word.split()
    separators = st.sampled_from([" ", "  ", "_", "-", " - ", ". ", "/"])
    text = words[0]
    for part in words[1:]:
        text += draw(separators) + part
    text = "".join(c.upper() if draw(st.booleans()) else c for c in text)
    form = draw(st.sampled_from(["NFC", "NFD"]))
    return draw(st.sampled_from(["", " ", "\u00a0"])) + unicodedata.normalize(form, text) + " "


@settings(max_examples=400)
@given(st.sampled_from(SPELLINGS), st.data())
def test_a_header_names_its_field_however_it_is_typed(spelling, data) -> None:
    word, field = spelling
    found = guess(data.draw(typed_as(word)))
    assert found is not None and found.spelling.field == field


@settings(max_examples=200)
@given(st.sampled_from([s for s in SPELLINGS if len(s[0].split()) > 1]), st.integers(2, 9))
def test_a_number_in_a_header_orders_it_and_changes_nothing_else(spelling, number) -> None:
    """``E-mail 2 Address``, ``Адрес 2 эл. почты``: the number ranks the column."""
    word, field = spelling
    first, rest = word.split(" ", 1)
    found = guess(f"{first} {number} {rest}")
    assert found is not None
    assert (found.spelling.field, found.number) == (field, number)


def test_vocabulary_folds_spellings_once() -> None:
    assert len(vocabulary()) >= 400
    assert all(key == header_key(key) for key in vocabulary())


@pytest.mark.parametrize(
    ("header", "fields"),
    [
        # Outlook: "Title" is Mr./Ms. when "Job Title" is there; the switchboard comes last
        (["Title", "First Name", "Job Title", "Company Main Phone", "Business Phone"],
         ["extra", "first_name", "title", "phone", "phone"]),
        (["Title", "Name"], ["title", "name"]),
        # Google Contacts: each value's label is no email, phone or website
        (["E-mail 1 - Label", "E-mail 1 - Value", "Phone 1 - Type", "Phone 1 - Value"],
         ["extra", "email", "extra", "phone"]),
        (["Имя", "Отчество", "Фамилия", "Краткое имя эл. почты", "Адрес эл. почты"],
         ["first_name", "middle_name", "last_name", "extra", "email"]),
        (["Prénom", "Nom", "Adresse de messagerie", "Tél. mobile"],
         ["first_name", "last_name", "email", "phone"]),
    ],
)  # fmt: skip
def test_mapping_real_headers(header, fields) -> None:
    assert [c.field for c in map_headers(header).columns] == fields


def test_a_fields_columns_are_read_named_first_then_by_number_then_later_ones() -> None:
    mapping = map_headers(
        ["Company Main Phone", "E-mail 2 Address", "Mobile Phone", "E-mail Address", "Phone"]
    )
    assert mapping.indexes("email") == (3, 1)
    assert mapping.indexes("phone") == (2, 4, 0)


# --- content ------------------------------------------------------------------------------

LOCAL = st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=10)
EMAILS = st.builds(
    lambda user, dot, host, tld: f"{user}{dot}@{host}.{tld}",
    LOCAL, st.sampled_from(["", ".x", "+fair", "_1"]), LOCAL,
    st.sampled_from(["com", "com.br", "ru", "example", "es"]),
)  # fmt: skip
PHONES = st.builds(
    lambda prefix, a, b: f"{prefix}{a} {b}",
    st.sampled_from(["", "+55 ", "+7 ", "(11) ", "8 ", "0034 ", "'"]),
    st.integers(100, 99999).map(str),
    st.integers(1000, 99999).map(lambda n: f"{n:04d}"[:2] + "-" + f"{n:04d}"[2:]),
)  # fmt: skip
WORDS = st.text("abcdefghij ÁÉçñжзи", min_size=1, max_size=15)
NOTHING = st.sampled_from(["", " ", "null", "N/A", "-"])


def mostly(
    values: st.SearchStrategy[str], others: st.SearchStrategy[str]
) -> st.SearchStrategy[list[str]]:
    """Columns of at least 5 cells, one in ten of them (at most) something else or empty."""
    return (
        st.lists(values, min_size=5, max_size=40)
        .flatmap(
            lambda cells: st.lists(st.one_of(others, NOTHING), max_size=len(cells) // 10).map(
                lambda odd: cells + odd
            )
        )
        .flatmap(st.permutations)
    )


@given(mostly(EMAILS, WORDS))
def test_a_column_of_emails_is_read_as_email(cells) -> None:
    assert content_field(cells) == "email"


@given(mostly(PHONES, WORDS))
def test_a_column_of_phones_is_read_as_phone(cells) -> None:
    assert content_field(cells) == "phone"


@given(st.lists(st.one_of(WORDS, NOTHING), max_size=40))
def test_a_column_of_words_is_neither(cells) -> None:
    assert content_field(cells) is None


@given(st.lists(st.sampled_from(["2024-05-01", "01/05/2024", "12.345.678/0001-90",
                                 "203.0.113.7", "12", "R$ 12.500,00"]), max_size=40))  # fmt: skip
def test_dates_tax_ids_addresses_and_amounts_are_no_phones(cells) -> None:
    assert content_field(cells) is None


@given(st.lists(EMAILS, min_size=3, max_size=10), st.lists(PHONES, min_size=3, max_size=10))
def test_half_emails_half_phones_is_neither(emails, phones) -> None:
    cells = emails[:3] + phones[:3]
    assert content_field(cells) is None


@settings(max_examples=50)
@given(st.lists(st.tuples(EMAILS, PHONES, WORDS), min_size=2, max_size=20))
def test_unknown_columns_are_read_by_content_named_ones_never(rows) -> None:
    header = ["Qualquer", "Outra", "Notes", "Col4"]
    sample = [[email, phone, email, word] for email, phone, word in rows]
    mapping = read_by_content(map_headers(header, require=False), sample)
    assert [c.field for c in mapping.columns] == ["email", "phone", "notes", "extra"]


# --- where the header is ------------------------------------------------------------------

HEADER_ROWS = [
    ["First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On"],
    ["Nome", "E-mail", "Telefone"],
    ["Col1", "Col2", "Col3", "Col4"],  # names nothing: found by its width
    ["ФИО", "Телефон"],
]
NOTE = st.text("abcdefghij ,.:ÁçЖ", min_size=1, max_size=40).filter(str.strip)


@given(st.lists(NOTE, max_size=5), st.sampled_from(HEADER_ROWS), st.integers(1, 30))
def test_the_header_is_found_under_any_lines_of_notes(notes, header, rows) -> None:
    from salesfunnel.importing.source import header_at, sample_records

    lines = [f'"{note}"' for note in notes] + ([""] if notes else [])
    lines.append(",".join(header))
    lines += [",".join(f"v{r}{c}" for c in range(len(header))) for r in range(rows)]
    records = sample_records("\n".join(lines) + "\n", ",")
    assert header_at(records) == len(notes)
    assert records[header_at(records)] == header
