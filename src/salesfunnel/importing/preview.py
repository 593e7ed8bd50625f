"""`prospect import --dry-run`: the detected format, the mapping and the first rows, as they
would be stored; no database is opened."""

from __future__ import annotations

import json

from salesfunnel.importing.plan import ImportPlan
from salesfunnel.importing.rows import NOT_A_ROW, Prospect
from salesfunnel.importing.source import CsvInput
from salesfunnel.schemas import ImportColumnPublic, ImportPlanPublic, ImportPreviewRowPublic


def preview_import(source: CsvInput, plan: ImportPlan, *, rows: int = 5) -> ImportPlanPublic:
    """What an import would do with the first rows; touches no database."""
    reader = plan.reader()
    shown: list[ImportPreviewRowPublic] = []
    after_blank = False
    for line, row in source.records():
        result = reader.read(row, after_blank)
        after_blank = result is None or (after_blank and isinstance(result, str)
                                         and result.startswith(NOT_A_ROW))  # fmt: skip
        if result is None:
            continue
        shown.append(_preview_row(line, result))
        if len(shown) >= rows:
            break
    return ImportPlanPublic(
        file=source.name,
        encoding=source.encoding.codec,
        encoding_how=source.encoding.how,
        delimiter=source.delimiter.char,
        delimiter_how=source.delimiter.how,
        header_line=source.header_lines,
        notes_above=source.notes_above,
        list=plan.list_name,
        columns=[
            ImportColumnPublic(position=c.index + 1, header=c.header, field=c.field, how=c.how)
            for c in plan.mapping.columns
        ],
        rows=shown,
    )


def _preview_row(line: int, result: Prospect | str) -> ImportPreviewRowPublic:
    if isinstance(result, str):
        return ImportPreviewRowPublic(
            line=line, rejected=result, name=None, email=None, email_flagged=False, phone=None,
            company=None, title=None, city=None, country=None, source=None, value=None,
            tags=[], extra={},
        )  # fmt: skip
    return ImportPreviewRowPublic(
        line=line,
        rejected=None,
        name=result.name,
        email=result.email,
        email_flagged=bool(result.email_flagged),
        phone=result.phone,
        company=result.company,
        title=result.title,
        city=result.city,
        country=result.country,
        source=result.source,
        value=result.value,
        tags=result.tags or [],
        extra=json.loads(result.extra) if result.extra else {},
    )
