"""Printing a page of a listing the same way everywhere, in every format."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from salesfunnel.render.output import Column, Output

if TYPE_CHECKING:
    from salesfunnel.schemas import Page


def show_page(
    output: Output,
    page: Page[Any],
    columns: Sequence[Column],
    *,
    noun: str,
    as_json: bool,
    highlight: Callable[[Any], bool] | None = None,
) -> None:
    """The rows, then on stderr how many more there are and how to see them."""
    if as_json:
        output.json(page.items)
    elif page.items:
        output.table(page.items, columns, highlight=highlight)
    else:
        output.message(f"No {noun}.")
    if page.more:
        output.message(
            f"Showing {len(page.items)} of {page.total} {noun}; use --limit N or --all to see more."
        )
