"""The importer's pure parts: encoding and delimiter detection, header vocabulary, and the
values of a cell (emails, phones, amounts, tags), without a database."""

from __future__ import annotations

import codecs

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salesfunnel.domain import fields
from salesfunnel.domain.fields import digits_of, phone_key
from salesfunnel.domain.money import read_amount
from salesfunnel.domain.text import search_key_for
from salesfunnel.errors import BadValue
from salesfunnel.importing.headers import field_name, guess_field, header_key, map_headers
from salesfunnel.importing.searchkeys import SearchKeys
from salesfunnel.importing.sniff import (
    cyrillic_score,
    detect_delimiter,
    detect_encoding,
    parse_delimiter,
)

# --- encodings ----------------------------------------------------------------------------

RUSSIAN = 'Имя;Телефон\nПетров Иван;8 912 345-67-89\nООО "Ромашка";Москва\n'
PORTUGUESE = "Nome;Telefone\nJoão Gonçalves;011 9876\nConceição Magalhães;São Paulo\n"
SPANISH = "Nombre,Teléfono\nÍñigo Ibáñez,+34 612\nMaría Muñoz,A Coruña\n"


@pytest.mark.parametrize(
    ("data", "codec"),
    [
        (PORTUGUESE.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + RUSSIAN.encode("utf-8"), "utf-8-sig"),
        (RUSSIAN.encode("utf-16"), "utf-16"),
        (RUSSIAN.encode("utf-16-le"), "utf-16-le"),  # no BOM: told by its NUL bytes
        (RUSSIAN.encode("cp1251"), "cp1251"),
        (PORTUGUESE.encode("cp1252"), "cp1252"),
        (SPANISH.encode("cp1252"), "cp1252"),
        ("Ёлка;ёж\n".encode("cp1251"), "cp1251"),
        ("name\nRenée\n".encode("latin-1"), "cp1252"),
        (b"name,email\nAna,a@x\n", "utf-8"),
    ],
)
def test_encoding_detection(data, codec) -> None:
    assert detect_encoding(data).codec == codec


def test_a_code_page_byte_in_the_tail_sample_is_not_utf8() -> None:
    head = b"name\n" + b"ana\n" * 1000
    assert detect_encoding(head, "Renée\n".encode("cp1252")).codec == "cp1252"
    assert detect_encoding(head, "Renée\n".encode()[1:]).codec == "utf-8"  # cut mid-letter


def test_cp1252_bytes_it_leaves_undefined_are_read_as_latin1() -> None:
    found = detect_encoding(b"name\nA\x81B\xe9\n")
    assert found.codec == "cp1252"
    assert b"A\x81B\xe9".decode(found.codec, found.errors) == "A\x81Bé"


@given(st.lists(st.sampled_from(["Иванов", "Петрова", "Москва", "директор", "ООО"]), min_size=1))
def test_russian_words_always_score_as_cyrillic(words) -> None:
    assert cyrillic_score(" ".join(words).encode("cp1251")) == 1.0


@given(
    st.lists(st.sampled_from(["João", "Conceição", "Núñez", "Peña", "São", "Ibáñez"]), min_size=1)
)
def test_portuguese_and_spanish_words_never_do(words) -> None:
    assert cyrillic_score(" ".join(words).encode("cp1252")) < 0.5


# --- delimiters ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "delimiter"),
    [
        ("name,email\nAna,a@x\nBia,b@x\n", ","),
        ("name;company\nAna;Silva, Souza & Cia. Ltda.\nBia;Acme, Inc.\n", ";"),
        ('name,notes\n"Ana","a; b; c"\n"Bia","d; e"\n', ","),
        ("name\temail\nAna\ta@x\n", "\t"),
        ("name|email|phone\nAna|a@x|1\nBia||\n", "|"),
        ('name,notes\nAna,"line one\nline two; with, marks"\nBia,x\n', ","),
        ("just one column\nAna\nBia\n", ","),
    ],
)
def test_delimiter_detection(text, delimiter) -> None:
    assert detect_delimiter(text).char == delimiter


@pytest.mark.parametrize(
    ("typed", "char"), [("tab", "\t"), ("\\t", "\t"), (";", ";"), ("PIPE", "|")]
)
def test_delimiter_option(typed, char) -> None:
    assert parse_delimiter(typed) == char


# --- headers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("  E-MAIL ", "email"),
        ("Correo electrónico", "email"),
        ("Эл. почта", "email"),
        ("ТЕЛЕФОН", "phone"),
        ("Teléfono móvil", "phone"),
        ("Telemóvel", "phone"),
        ("Nombre", "name"),
        ("ФИО", "name"),
        ("Empresa", "company"),
        ("Компания", "company"),
        ("Cargo", "title"),
        ("Должность", "title"),
        ("Cidade", "city"),
        ("Ciudad", "city"),
        ("Город", "city"),
        ("País", "country"),
        ("Origem", "source"),
        ("Etiquetas", "tags"),
        ("Observações", "notes"),
        ("Примечание", "notes"),
        ("Valor", "value"),
        ("Sitio web", "website"),
        # HubSpot
        ("First Name", "first_name"),
        ("Phone Number", "phone"),
        ("Mobile Phone Number", "phone"),
        ("Company Name", "company"),
        ("Job Title", "title"),
        ("Website URL", "website"),
        ("Country/Region", "country"),
        ("Original Source", "source"),
        # Salesforce (labels and API names)
        ("Account Name", "company"),
        ("Mailing City", "city"),
        ("Lead Source", "source"),
        ("Description", "notes"),
        ("FirstName", "first_name"),
        ("LastName", "last_name"),
        ("MobilePhone", "phone"),
        # Pipedrive
        ("Person - Name", "name"),
        ("Person - Email - Work", "email"),
        ("Person - Phone - Mobile", "phone"),
        ("Person - Organization", "company"),
        ("Person - Labels", "tags"),
        ("Organization - Name", "company"),
        ("Shoe size", None),
    ],
)
def test_header_vocabulary(header, field) -> None:
    assert guess_field(header) == field


def test_header_key_folds_case_accents_and_punctuation() -> None:
    assert header_key("  Teléfono__Móvil ") == "telefono movil"
    assert header_key("Эл. почта") == "эл почта"


@pytest.mark.parametrize(
    ("header", "fields"),
    [
        (["Nome", "Sobrenome", "E-mail"], ["first_name", "last_name", "email"]),
        (["Имя", "Отчество", "Фамилия"], ["first_name", "middle_name", "last_name"]),
        (["Nombre", "Apellidos"], ["first_name", "last_name"]),
        (["Nome", "E-mail"], ["name", "email"]),
        (["Name", "Email", "Name"], ["name", "email", "name"]),
        (["Email", "Notes", ""], ["email", "notes", "extra"]),
    ],
)
def test_mapping_a_header_row(header, fields) -> None:
    assert [c.field for c in map_headers(header).columns] == fields


def test_extra_columns_keep_their_header_made_unique() -> None:
    mapping = map_headers(["Email", "Size", "Size", ""])
    assert [c.key for c in mapping.extras] == ["Size", "Size (2)", "column 4"]


def test_map_overrides_win_and_name_fields_loosely() -> None:
    mapping = map_headers(["Cliente", "Contato"], [("cliente", "company"), ("2", "email")])
    assert [c.field for c in mapping.columns] == ["company", "email"]
    assert field_name("First-Name") == "first_name" and field_name("last") == "last_name"
    with pytest.raises(BadValue, match="unknown field 'shoe'"):
        field_name("shoe")


# --- cell values --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "email",
    ["ana@example.com", "Ana.Silva+fair@Example.COM.br", "o'brien@x.ie", "jose@acme.рф", "a@b.co"],
)
def test_good_emails(email) -> None:
    assert fields.email_is_valid(email)


@pytest.mark.parametrize(
    "email",
    ["ana@example", "ana example.com", "ana@@example.com", "ana@example.com,", "ana@x,com.br",
     "ana@.com", "ana..silva@x.com", ".ana@x.com", "a@b.c", "Ana <ana@x.com>", "a@x.com; b@y.com"],
)  # fmt: skip
def test_malformed_emails(email) -> None:
    assert not fields.email_is_valid(email)


@pytest.mark.parametrize(
    ("phone", "key"),
    [
        ("+55 (11) 91234-5678", "5511912345678"),
        ("011 2345-6789", "01123456789"),
        ("0034 612 34 56 78", "0034612345678"),
        ("000", None),
        ("n/a", None),
    ],
)
def test_phone_keys(phone, key) -> None:
    assert phone_key(phone) == key


def test_a_short_phone_matches_nobody_when_added_by_hand_as_on_import(ok, db) -> None:
    """The same rule for `prospect add` as for `prospect import`: "000" names no one."""
    ok("prospect", "add", "Ana", "--phone", "000")
    ok("prospect", "add", "Bia", "--phone", "000")
    assert db("select name, phone, phone_key from contacts order by id") == [
        ("Ana", "000", None),
        ("Bia", "000", None),
    ]


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("1200", 1200.0),
        ("1,200.50", 1200.5),
        ("1.200,50", 1200.5),
        ("R$ 12.500,00", 12500.0),
        ("8.000 €", 8000.0),
        ("$4,500/yr", 4500.0),
        ("~ 500 000 руб.", 500000.0),
        ("12,5", 12.5),
        ("-5", None),
        ("soon", None),
        ("2026-01", None),
    ],
)
def test_amounts(text, amount) -> None:
    assert read_amount(text) == amount


@given(st.decimals(min_value=0, max_value=10**9, places=2), st.sampled_from(["en", "pt", "ru"]))
def test_amounts_written_in_any_locale_read_back(number, locale) -> None:
    text = f"{number:,.2f}"
    if locale == "pt":
        text = text.replace(",", " ").replace(".", ",").replace(" ", ".")
    elif locale == "ru":
        text = text.replace(",", "\u00a0").replace(".", ",")
    assert read_amount(text) == float(number)


def test_tags() -> None:
    assert fields.split_tags("VIP; Feira, vip | ") == ["feira", "vip"]


# --- search keys --------------------------------------------------------------------------


words = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=30)


@given(st.one_of(st.none(), words), st.one_of(st.none(), words), st.one_of(st.none(), words),
       st.one_of(st.none(), words))  # fmt: skip
def test_search_keys_are_exactly_the_domains(name, email, phone, company) -> None:
    keys = SearchKeys()
    expected = search_key_for(name, email, phone, company) or ""
    columns = ([name or ""], [email or ""], [digits_of(phone)], [company or ""])
    assert keys.keys(*columns) == [expected]
    assert keys.keys(*columns) == [expected]  # folded words remembered
