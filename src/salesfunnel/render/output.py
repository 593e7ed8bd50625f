"""Where output goes and how it looks: the one object commands print through.

Data goes to stdout, messages to stderr.  On a terminal, Rich tables with
colour; in a pipe, under ``NO_COLOR`` or ``TERM=dumb``, plain aligned text with
no escape codes at all, never truncated or squeezed to 80 columns.

Text from the data (a name typed or imported, a file name, an argument) is shown
through :func:`visible`, here and nowhere else: its control characters and escape
codes reach neither the terminal nor the plain text, while ``--json`` and exports
keep it exact.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from rich.console import Console

    from salesfunnel.schemas import Public


def wants_plain(stream: TextIO) -> bool:
    """Plain text unless stdout is a terminal that has not asked for less."""
    if os.environ.get("NO_COLOR") is not None or os.environ.get("TERM") == "dumb":
        return True
    isatty = getattr(stream, "isatty", None)
    return not (isatty and isatty())


@dataclass(frozen=True)
class Column:
    """A column of a listing: its header, how to read a row, and how to align it."""

    header: str
    value: Callable[[Any], object]
    numeric: bool = False
    style: str | None = None
    # On a terminal too narrow for the whole table: the columns with the highest ``drop``
    # go first (0: never), then a ``shrink`` column is cut short with "…". A row is never
    # wrapped; in a pipe nothing is dropped or cut.
    drop: int = 0
    shrink: bool = False


class Output:
    def __init__(self, stdout: TextIO | None = None, stderr: TextIO | None = None) -> None:
        self.stdout = stdout or sys.stdout
        self.stderr = stderr or sys.stderr
        self.plain = wants_plain(self.stdout)

    # --- messages -----------------------------------------------------------------
    def message(self, text: str) -> None:
        """A line for the human, on stderr, so it never mixes with data."""
        print(visible(text), file=self.stderr)

    # --- JSON ---------------------------------------------------------------------
    def json(self, data: Public | Sequence[Public] | dict[str, Any]) -> None:
        from salesfunnel.schemas import to_json

        print(json.dumps(to_json(data), ensure_ascii=False, indent=2), file=self.stdout)

    # --- tables -------------------------------------------------------------------
    def table(
        self,
        rows: Sequence[Any],
        columns: Sequence[Column],
        *,
        title: str | None = None,
        highlight: Callable[[Any], bool] | None = None,
    ) -> None:
        """A listing; rows for which ``highlight`` holds stand out (starred)."""
        cells = [[format_cell(col.value(row)) for col in columns] for row in rows]
        if self.plain:
            if title:
                print(visible(title), file=self.stdout)
            print(plain_table([c.header for c in columns], cells, columns), file=self.stdout)
            return
        from rich.table import Table
        from rich.text import Text

        console = self.rich_console()
        shown = fitting(columns, cells, console.width)
        table = Table(
            title=Text(visible(title)) if title else None,  # data, not markup
            header_style="bold",
            title_justify="left",
            expand=False,
        )
        for i, column_width in shown:
            col = columns[i]
            table.add_column(
                col.header,
                justify="right" if col.numeric else "left",
                style=col.style,
                no_wrap=True,
                overflow="ellipsis",
                width=column_width,
            )
        for row, values in zip(rows, cells, strict=True):
            style = "bold yellow" if highlight and highlight(row) else None
            line = [Text(values[i]) for i, _ in shown]  # data, not markup
            table.add_row(*line, style=style)
        console.print(table)

    def record(self, title: str, fields: Sequence[tuple[str, object]]) -> None:
        """One thing's details, as ``label: value`` lines."""
        fields = [(visible(label), value) for label, value in fields]  # extra fields' keys
        title = visible(title)
        width = max((cell_len(label) for label, _ in fields), default=0)
        if self.plain:
            print(title, file=self.stdout)
            for label, value in fields:
                pad = " " * (width - cell_len(label))
                print(f"  {label}{pad}  {format_cell(value)}", file=self.stdout)
            return
        from rich.table import Table
        from rich.text import Text

        table = Table.grid(padding=(0, 2))
        table.add_column(style="dim")
        table.add_column()
        for label, value in fields:
            table.add_row(Text(label), Text(format_cell(value)))
        console = self.rich_console()
        console.print(f"[bold]{escape(title)}[/bold]")
        console.print(table)

    def heading(self, text: str) -> None:
        if self.plain:
            print(f"\n{visible(text)}", file=self.stdout)
        else:
            self.rich_console().print(f"\n[bold]{escape(visible(text))}[/bold]")

    def line(self, text: str = "") -> None:
        """One line of data: a line break from the data shows as ``\\n``, not as a line."""
        print(visible(text), file=self.stdout)

    def text(self, document: str) -> None:
        """A document made of lines (the digest): each line shown as :meth:`line` shows one."""
        lines = document.split("\n")
        print("\n".join(visible(line) for line in lines), end="", file=self.stdout)

    def rich_console(self) -> Console:
        from rich.console import Console

        return Console(file=self.stdout, highlight=False)


TABLE_EDGES = 1  # a Rich table's left border
COLUMN_EDGES = 3  # a column's padding on both sides, and the border after it
SHORTEST_CUT = 8  # a column cut short keeps at least this much (or all it has, if less)


def fitting(
    columns: Sequence[Column], cells: Sequence[Sequence[str]], width: int
) -> list[tuple[int, int]]:
    """Which columns to show, and how wide, for a table to fit ``width`` on one line a row.

    Every column is as wide as its widest cell when that fits.  Otherwise the droppable
    columns go, most droppable first, until the columns that may be cut keep at least
    half of what they hold; these then share what the others leave, in proportion to
    their widest cell (each keeping a few characters at least).
    """
    widest = [
        max([cell_len(col.header), *(cell_len(line[i]) for line in cells)])
        for i, col in enumerate(columns)
    ]
    shown = list(range(len(columns)))
    cuttable = {i for i, col in enumerate(columns) if col.shrink}

    def room(shown: list[int]) -> int:  # what the cut columns may share
        firm = sum(widest[i] for i in shown if i not in cuttable)
        return width - TABLE_EDGES - COLUMN_EDGES * len(shown) - firm

    def least(shown: list[int]) -> int:
        return sum(min(widest[i], SHORTEST_CUT) for i in shown if i in cuttable)

    def wanted(shown: list[int]) -> int:
        return sum(widest[i] for i in shown if i in cuttable)

    for i in sorted((i for i in shown if columns[i].drop), key=lambda i: -columns[i].drop):
        # A column goes rather than the cut ones keep less than half of what they hold.
        if room(shown) >= max(least(shown), wanted(shown) // 2):
            break
        shown.remove(i)
    if room(shown) < least(shown):  # still too wide: any text may be cut, as a last resort
        cuttable |= {i for i in shown if not columns[i].numeric}
    cut = [i for i in shown if i in cuttable]
    share = room(shown)
    widths = {i: widest[i] for i in shown}
    if cut and wanted(shown) > share:  # in proportion, each keeping SHORTEST_CUT at least
        floor = {i: min(widest[i], SHORTEST_CUT) for i in cut}
        spare = max(share - sum(floor.values()), 0)
        extra = wanted(shown) - sum(floor.values())
        for i in cut:
            widths[i] = floor[i] + (spare * (widest[i] - floor[i]) // extra if extra else 0)
    return [(i, widths[i]) for i in shown]


def escape(text: str) -> str:
    from rich.markup import escape as rich_escape

    return rich_escape(text)


def format_cell(value: object) -> str:
    """A value as one cell of text, shown :func:`visible`."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, list | tuple):
        return visible(", ".join(str(v) for v in value))
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return visible(str(value))


# What data may hold but a terminal must never receive raw: C0 controls (a tab or a line
# break included: in a cell they break the layout, in a message they forge a line), DEL,
# C1 controls, the bidirectional marks, embeddings, overrides and isolates (which
# reorder the text after them), the line and paragraph separators, and lone surrogates
# (the bytes of an argument or file name that were not UTF-8).
_UNSEEN = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _shown(match: re.Match[str]) -> str:
    char = match.group()
    if char in _SHORT:
        return _SHORT[char]
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8, as Python keeps it
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def visible(text: str) -> str:
    """``text`` with every control character and escape code shown, not obeyed.

    ESC is ``\\x1b``, a carriage return ``\\r``, a right-to-left override ``\\u202e``; a
    line break is ``\\n``, so a row, a field or a message stays one line.  Backslashes
    are left as they are, so showing twice changes nothing.  Everything printed from the
    data passes through here: cells, record fields, titles, lines and messages.
    """
    return _UNSEEN.sub(_shown, text) if _UNSEEN.search(text) else text


# Characters one cell wide, as Rich counts them: Latin with its accents, Greek, Cyrillic.
_NARROW = re.compile(r"[\x20-\x7e\xa0-\xac\xae-\u02ff\u0370-\u0482]*")


def cell_len(text: str) -> int:
    """Terminal cells ``text`` takes, as Rich counts them.

    Plain output (pipes, cron) does not import Rich for what it can count itself; other
    scripts (CJK, emoji...) are measured by Rich, so the columns line up as they did.
    """
    if _NARROW.fullmatch(text):
        return len(text)
    from rich.cells import cell_len as rich_cell_len

    return rich_cell_len(text)


def plain_table(headers: list[str], rows: list[list[str]], columns: Sequence[Column]) -> str:
    """Aligned columns for pipes and cron mail: full width, no box, no escape codes."""
    widths = [cell_len(h) for h in headers]
    for row in rows:
        widths = [max(w, cell_len(v)) for w, v in zip(widths, row, strict=True)]

    def fit(value: str, width: int, numeric: bool) -> str:
        pad = " " * (width - cell_len(value))
        return pad + value if numeric else value + pad

    lines = [
        "  ".join(
            fit(v, w, c.numeric) for v, w, c in zip(row, widths, columns, strict=True)
        ).rstrip()
        for row in [headers, *rows]
    ]
    return "\n".join(lines)
