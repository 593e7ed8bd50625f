"""The importer reads a batch a column at a time; it must read exactly what
`RowReader.read` reads record by record, whatever the header and the cells."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salesfunnel.domain.text import search_key_for
from salesfunnel.importing.columns import BatchReader
from salesfunnel.importing.headers import map_headers
from salesfunnel.importing.pack import RowPacker
from salesfunnel.importing.rows import RowReader

HEADERS = [
    "Name", "E-mail", "Phone", "Company", "Value", "Tags", "Source", "Cidade",
    "First Name", "Middle Name", "Last Name", "Notes", "Favourite colour", "Cargo",
    "Mobile Phone Number", "Telefone", "Nome", "Correo",  # a second column for a field
    "E-mail 2 Address", "Company Main Phone", "Title", "Job Title",  # ranked, weak
]  # fmt: skip
CELLS = st.one_of(
    st.sampled_from(
        [
            "",
            " ",
            "  Ana  ",
            "João Gonçalves",
            "ИВАНОВ Иван",
            "ana@example.com",
            "Ana@Example.COM",
            "not an email",
            "ana@",
            "+55 (11) 98765-4321",
            "0034 612",
            "²³",
            "n/a",
            "NULL",
            "-",
            "'+55 11 98765-4321",
            "'",
            "b@example.org",
            "R$ 12.500,00",
            "12,5",
            "lots",
            "VIP; Feira, vip",
            "Núñez & Hijos",
            "Ltda.",
            "\u00a0",
            "x",
        ]  # fmt: skip
    ),
    st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12),
)


@st.composite
def files(draw: st.DrawFn) -> tuple[list[str], list[list[str]]]:
    header = draw(st.lists(st.sampled_from(HEADERS), min_size=1, max_size=10, unique=True))
    if not any(h in header for h in ("Name", "E-mail", "Phone", "First Name", "Last Name")):
        header.append("Name")
    width = len(header)
    regular = st.lists(CELLS, min_size=width, max_size=width)
    ragged = st.lists(CELLS, max_size=width + 2)
    blank = st.sampled_from([[], [""] * width, [" "] * width, [""] * (width + 1)])
    records = draw(st.lists(regular, max_size=25))
    for odd in (ragged, blank):  # now and then, an odd record somewhere
        if records and draw(st.integers(0, 3)) == 0:
            records.insert(draw(st.integers(0, len(records))), draw(odd))
    return header, records


@pytest.mark.slow
@settings(max_examples=300)
@given(files(), st.booleans())
def test_reading_by_columns_reads_what_reading_each_record_does(file, as_leads) -> None:
    header, records = file

    def reader() -> BatchReader:
        return BatchReader(RowReader(map_headers(header), default_source="list",
                                     lower_source=as_leads))  # fmt: skip

    by_columns, each = reader().read(records), reader().read_each(records)
    assert by_columns.columns == each.columns
    assert by_columns.rejects == each.rejects
    assert by_columns.blank == each.blank


@pytest.mark.slow
@settings(max_examples=200)
@given(files())
def test_every_prospect_read_has_the_domains_search_key(file) -> None:
    header, records = file
    for read in (
        BatchReader(RowReader(map_headers(header), default_source="list")).read(records),
        BatchReader(RowReader(map_headers(header), default_source="list")).read_each(records),
    ):
        fields = read.columns
        expected = [
            search_key_for(name, email or None, phone or None, company or None, also) or ""
            for name, email, phone, company, also in zip(
                fields["name"],
                fields["email"],
                fields["phone"],
                fields["company"],
                fields["also"],
                strict=True,
            )  # fmt: skip
        ]
        assert fields["search_key"] == expected


def test_a_packed_batch_takes_ids_in_file_order() -> None:
    reader = BatchReader(RowReader(map_headers(["Name", "Tags"]), default_source="list"))
    read = reader.read([["Ana", "vip"], ["Bia", ""], ["Caio", "a; b"]])
    packed = RowPacker(["id", "name", "search_key"], first_id=10).pack(read)
    ids, names, keys = packed.columns
    assert list(ids) == [10, 11, 12]
    assert names == ["Ana", "Bia", "Caio"]
    assert keys == ["ana", "bia", "caio"]
    assert packed.tags == [(10, "vip"), (12, "a"), (12, "b")]


def test_odd_records_are_fitted_counted_as_blank_or_rejected_in_place() -> None:
    reader = BatchReader(RowReader(map_headers(["Name", "Phone"]), default_source="list"))
    clean = [["Ana", "1234567"], ["Bia", ""]]
    assert reader.by_columns
    read = reader.read(clean)
    assert read.columns["name"] == ["Ana", "Bia"]
    assert read.columns["phone_key"] == ["1234567", ""]
    odd = [["Caio", "1", "surplus"], [], ["Dora", "", "", " "], [" ", " "]]
    read = reader.read([clean[0], *odd, clean[1]])
    assert read.blank == 2
    assert read.rejects == [(1, "3 fields where the header has 2")]
    assert read.columns["name"] == ["Ana", "Dora", "Bia"]
