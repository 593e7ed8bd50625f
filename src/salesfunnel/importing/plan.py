"""What an import will do, decided from the file's header before the database is touched."""

from __future__ import annotations

from dataclasses import dataclass

from salesfunnel import clock
from salesfunnel.importing.content import read_by_content
from salesfunnel.importing.headers import Mapping, map_headers, require_someone
from salesfunnel.importing.rows import RowReader
from salesfunnel.importing.source import CsvInput


@dataclass(frozen=True)
class ImportOptions:
    """What the user asked for on the command line."""

    list_name: str | None = None
    overrides: tuple[tuple[str, str], ...] = ()
    as_leads: bool = False
    on_duplicate: str = "skip"  # skip | update


@dataclass(frozen=True)
class ImportPlan:
    """How a file will be read: decided before the database is touched."""

    options: ImportOptions
    mapping: Mapping
    list_name: str

    def reader(self) -> RowReader:
        return RowReader(
            self.mapping, default_source=self.list_name, lower_source=self.options.as_leads
        )


def plan_import(source: CsvInput, options: ImportOptions) -> ImportPlan:
    """Map the header (``--map`` first, then the vocabulary, then the columns' content) and
    name the list; refuses a file it can't read."""
    mapping = map_headers(source.header, options.overrides, require=False)
    if not mapping.from_export:
        mapping = read_by_content(mapping, source.sample)
    require_someone(mapping)
    return ImportPlan(options, mapping, _list_name(source, options))


def _list_name(source: CsvInput, options: ImportOptions) -> str:
    """``--list``, else the file's name without extension, else a dated stdin list."""
    if options.list_name and options.list_name.strip():
        return options.list_name.strip()
    if source.stem:
        return source.stem
    return f"standard input {clock.now():%Y-%m-%d %H:%M}"
