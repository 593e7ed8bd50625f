"""`prospect import`: real-world CSV and vCard files in, prospects out, fast and all-or-nothing.

The command line uses this package through the names below alone: :func:`prepare`
opens a file and decides how to read it (nothing touches the database yet),
:func:`dry_run` shows that plan, :func:`run` imports inside the command's one unit
of work; :func:`preview_undo` and :func:`take_back` undo the imports into a list, and
:func:`preview_take_back` and :func:`take_back_import` one import, for `undo`.

Inside, the pure parts (``sniff``, ``lines``, ``source``, ``headers`` and its
``vocabulary`` tables, ``content``, ``cells``, ``rows``, ``columns``, ``batches``,
``rejects``) use the standard library only; ``writer``, ``dedupe``,
``service`` and ``undo`` talk to the database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import BinaryIO

from salesfunnel.importing.plan import ImportOptions, ImportPlan
from salesfunnel.importing.rejects import Rejects
from salesfunnel.importing.service import Progress
from salesfunnel.importing.service import import_prospects as run
from salesfunnel.importing.sniff import DELIMITER_NAMES
from salesfunnel.importing.source import CsvInput
from salesfunnel.importing.undo import preview_take_back, preview_undo, take_back_import
from salesfunnel.importing.undo import undo_import as take_back
from salesfunnel.schemas import ImportPlanPublic

__all__ = [
    "DELIMITER_NAMES",
    "CsvInput",
    "ImportPlan",
    "Progress",
    "Rejects",
    "prepare",
    "dry_run",
    "preview_take_back",
    "preview_undo",
    "run",
    "take_back",
    "take_back_import",
]


def prepare(
    file: str,
    *,
    stdin: BinaryIO | None,
    encoding: str | None,
    delimiter: str | None,
    list_name: str | None,
    mappings: Sequence[str],
    as_leads: bool,
    on_duplicate: str,
) -> tuple[CsvInput, ImportPlan]:
    """The file, open, and how it will be read: encoding, delimiter, columns and list.

    The caller closes the source (``source.close()``).
    """
    from salesfunnel.importing.headers import parse_overrides
    from salesfunnel.importing.plan import plan_import
    from salesfunnel.importing.sniff import parse_delimiter
    from salesfunnel.importing.source import open_csv

    options = ImportOptions(
        list_name=list_name,
        overrides=tuple(parse_overrides(mappings)),
        as_leads=as_leads,
        on_duplicate=on_duplicate,
    )
    from salesfunnel.importing.vcard import VcardInput, open_if_vcard

    forced = parse_delimiter(delimiter) if delimiter is not None else None
    source = open_if_vcard(file, stdin, encoding) or open_csv(
        file, stdin=stdin, encoding=encoding, delimiter=forced
    )
    if isinstance(source, VcardInput):  # its own extra fields stay extra (the user's --map wins)
        options = replace(options, overrides=(*source.kept_as_extra(), *options.overrides))
    try:
        return source, plan_import(source, options)
    except BaseException:
        source.close()
        raise


def dry_run(source: CsvInput, plan: ImportPlan) -> ImportPlanPublic:
    """What the dry run shows: the plan and the first rows as they would be read."""
    from salesfunnel.importing.preview import preview_import

    return preview_import(source, plan)
