"""vCard files (2.1, 3.0, 4.0) read as a table, so they import as a CSV file does.

``vobject`` reads the lines: unfolding, parameters (2.1's bare ``TEL;CELL`` too),
QUOTED-PRINTABLE with its soft line breaks, each value's ``CHARSET``.  The rest is
the few rules of the format that differ by version, kept here: backslash escapes
(3.0 and 4.0 only: in 2.1 a comma is a comma), structured values split on ``;``,
and 4.0's ``tel:`` and ``mailto:`` URIs.  Each card becomes one record under a
fixed header (``Email 2``, ``Phone 2``... as many as the fullest card has), so
duplicates, rejects, ``--dry-run`` and undo work as for any file; a record's line
is the line of its ``BEGIN:VCARD``.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from salesfunnel.errors import BadValue
from salesfunnel.importing.sniff import Delimiter, Encoding, detect_encoding, normalize_codec
from salesfunnel.importing.source import CsvInput

EXTENSIONS = (".vcf", ".vcard")
FIELD_PROPERTY = "X-SALESFUNNEL-FIELD"  # an extra field, named by its X-NAME parameter
_BEGIN = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*BEGIN:VCARD\s*$", re.IGNORECASE | re.MULTILINE)
_BEGIN_LINE = re.compile(r"^BEGIN:VCARD\s*$", re.IGNORECASE)
_UNESCAPE = re.compile(r"\\(.)", re.DOTALL)
_ESCAPED = {"n": "\n", "N": "\n"}
_SYSTEM_GROUPS = {"mycontacts", "starred"}  # Google's own groups, not the user's labels


def looks_like_vcard(name: str, head: bytes) -> bool:
    """By its extension, or by its first line (``BEGIN:VCARD``), in UTF-8, cp125x or UTF-16."""
    if Path(name).suffix.lower() in EXTENSIONS:
        return True
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head[2:].replace(b"\x00", b"")
    return _BEGIN.match(head[:200]) is not None


@dataclass
class Card:
    line: int  # where its BEGIN:VCARD is
    version: str = "3.0"
    name: str = ""
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    company: str = ""
    title: str = ""
    website: str = ""
    city: str = ""
    country: str = ""
    notes: str = ""
    tags: list[str] = field(default_factory=list)
    extra: dict[str, str] = field(default_factory=dict)


def read_cards(text: str) -> list[Card]:
    """Every card of a vCard file's text; a line vobject can't read stops with its number."""
    from vobject.base import ParseError, getLogicalLines, textLineToContentLine

    cards: list[Card] = []
    begins = [n for n, line in enumerate(text.splitlines(), 1) if _BEGIN_LINE.match(line.strip())]
    card: Card | None = None
    parts: dict[str, list[Any]] = {}
    try:
        for logical, number in getLogicalLines(io.StringIO(text), True):
            line = textLineToContentLine(logical, number)
            name = line.name.upper()
            if name == "BEGIN" and line.value.upper() == "VCARD":
                card = Card(begins[len(cards)] if len(cards) < len(begins) else number)
                parts = {}
            elif name == "END" and line.value.upper() == "VCARD" and card is not None:
                cards.append(_finish(card, parts))
                card = None
            elif card is not None:
                if name == "VERSION":
                    card.version = line.value.strip()
                parts.setdefault(name, []).append(line)
    except (ParseError, UnicodeDecodeError, LookupError, ValueError) as error:
        where = getattr(error, "lineNumber", None)
        at = f" near line {where}" if where else ""
        raise BadValue(f"can't read this vCard{at}: {error}") from None
    if card is not None:
        raise BadValue(f"the vCard that starts on line {card.line} has no END:VCARD")
    return cards


def _finish(card: Card, parts: dict[str, list[Any]]) -> Card:
    escaped = card.version != "2.1"

    def text(line: Any) -> str:
        return _unescape(str(line.value), escaped).replace("\r\n", "\n").strip()

    def parts_of(line: Any) -> list[str]:
        return [_unescape(p, escaped).strip() for p in _split(str(line.value), ";")]

    fn = next((text(line) for line in parts.get("FN", ()) if text(line)), "")
    if not fn and parts.get("N"):
        family, given, *more = [*parts_of(parts["N"][0]), "", ""]
        additional = more[0] if more else ""
        fn = " ".join(p for p in (given, additional, family) if p)
    card.name = fn
    card.emails = _unique(_uri(text(line), "mailto:") for line in _preferred(parts.get("EMAIL")))
    card.phones = _unique(_uri(text(line), "tel:") for line in _preferred(parts.get("TEL")))
    card.company = next((parts_of(line)[0] for line in parts.get("ORG", ())), "")
    card.title = next((text(line) for line in parts.get("TITLE", ()) if text(line)), "")
    card.website = next((text(line) for line in parts.get("URL", ()) if text(line)), "")
    for line in _preferred(parts.get("ADR")):
        address = [*parts_of(line), *[""] * 7]
        if address[3] or address[6]:
            card.city, card.country = address[3], address[6]
            break
    card.notes = "\n".join(text(line) for line in parts.get("NOTE", ()) if text(line))
    for line in parts.get("CATEGORIES", ()):
        for tag in _split(str(line.value), ",;" if escaped else ";,"):
            tag = _unescape(tag, escaped).strip()
            if tag and tag.lower() not in _SYSTEM_GROUPS:
                card.tags.append(tag)
    for line in parts.get("BDAY", ()):
        card.extra.setdefault("Birthday", text(line))
    for line in parts.get(FIELD_PROPERTY, ()):
        key = (line.params.get("X-NAME") or [""])[0]
        if key:
            card.extra[key] = text(line)
    return card


def _preferred(lines: list[Any] | None) -> list[Any]:
    """The lines of a property, the one marked preferred first (PREF, TYPE=pref, PREF=1)."""
    if not lines:
        return []

    def rank(line: Any) -> int:
        types = {t.lower() for t in line.params.get("TYPE", ())}
        types |= {t.lower() for t in line.singletonparams}
        return 0 if "pref" in types or "PREF" in line.params else 1

    return sorted(lines, key=rank)


def _uri(value: str, scheme: str) -> str:
    return value[len(scheme) :] if value.lower().startswith(scheme) else value


def _unique(values: Iterator[str] | Any) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


def _split(value: str, separators: str) -> list[str]:
    """Split on separators that are not escaped with a backslash."""
    found, current, escaped = [], [], False
    for char in value:
        if escaped:
            current += ["\\", char]
            escaped = False
        elif char == "\\":
            escaped = True
        elif char in separators:
            found.append("".join(current))
            current = []
        else:
            current.append(char)
    if escaped:
        current.append("\\")
    found.append("".join(current))
    return found


def _unescape(value: str, escaped: bool) -> str:
    """3.0 and 4.0: ``\\n`` is a line break, ``\\,`` ``\\;`` ``\\\\`` the character.

    2.1 escapes only ``\\;`` inside structured values.
    """
    if not escaped:
        return value.replace("\\;", ";")
    return _UNESCAPE.sub(lambda m: _ESCAPED.get(m.group(1), m.group(1)), value)


# --- as a table ------------------------------------------------------------------------------


def header_for(cards: list[Card]) -> list[str]:
    emails = max((len(c.emails) for c in cards), default=1) or 1
    phones = max((len(c.phones) for c in cards), default=1) or 1
    fixed = [
        "Name",
        *("Email" if i == 0 else f"Email {i + 1}" for i in range(emails)),
        *("Phone" if i == 0 else f"Phone {i + 1}" for i in range(phones)),
        "Company",
        "Title",
        "Website",
        "City",
        "Country",
        "Notes",
        "Tags",
    ]
    taken = set(fixed)
    extras = [k for k in dict.fromkeys(key for c in cards for key in c.extra) if k not in taken]
    return fixed + extras


def header_for_fixed(header: list[str]) -> list[str]:
    """The fixed columns at the start of a header :func:`header_for` made."""
    return header[: header.index("Tags") + 1]


def record_of(card: Card, header: list[str]) -> list[str]:
    emails = card.emails + [""] * (header.count("Email") + _numbered(header, "Email"))
    phones = card.phones + [""] * (header.count("Phone") + _numbered(header, "Phone"))
    plain = {
        "Name": card.name,
        "Company": card.company,
        "Title": card.title,
        "Website": card.website,
        "City": card.city,
        "Country": card.country,
        "Notes": card.notes,
        "Tags": ", ".join(t.replace(",", " ") for t in card.tags),
    }
    cells = []
    for column in header:
        if column == "Email" or re.fullmatch(r"Email \d+", column):
            cells.append(emails.pop(0))
        elif column == "Phone" or re.fullmatch(r"Phone \d+", column):
            cells.append(phones.pop(0))
        elif column in plain:
            cells.append(plain.pop(column))
        else:
            cells.append(card.extra.get(column, ""))
    return cells


def _numbered(header: list[str], word: str) -> int:
    return sum(1 for h in header if re.fullmatch(rf"{word} \d+", h))


class _CardRows:
    """The cards as a csv reader would give records: ``line_num`` is where the next starts."""

    def __init__(self, records: list[list[str]], lines: list[int]) -> None:
        self._records = records
        self._lines = lines
        self.line_num = lines[0] - 1 if lines else 0

    def __iter__(self) -> Iterator[list[str]]:
        for at, record in enumerate(self._records):
            following = self._lines[at + 1] if at + 1 < len(self._lines) else None
            self.line_num = following - 1 if following else self.line_num + 1
            yield record


@dataclass
class VcardInput(CsvInput):
    """A vCard file as :class:`CsvInput`: its cards are read whole when it is opened."""

    cards: list[Card] = field(default_factory=list)

    def kept_as_extra(self) -> tuple[tuple[str, str], ...]:
        """``--map`` pairs that keep the cards' own extra fields as extra fields.

        Their names are the user's (an export's ``X-SALESFUNNEL-FIELD``, ``Birthday``):
        read as headers, one could be taken for a field (``Second e-mail``).  The
        source and the value go back to their fields.  Columns by number, from 1.
        """
        fixed = len(header_for_fixed(self.header))
        return tuple(
            (str(at + 1), "extra")
            for at in range(fixed, len(self.header))
            if self.header[at].strip().lower() not in ("source", "value")
        )

    def reopen(self) -> CsvInput:
        """The same cards again (a conflict's row is found by its line)."""
        return _as_input(self.cards, self.name, self.stem, self.encoding, self.size, None)


def open_if_vcard(file: str, stdin: BinaryIO | None, encoding: str | None) -> VcardInput | None:
    """The vCard file named (by its extension or its first line), read; None for any other."""
    if file == "-":
        if stdin is None or not looks_like_vcard("", _peek(stdin)):
            return None
        return open_vcard("standard input", None, stdin.read(), encoding, None)
    path = Path(file).expanduser()
    if not path.is_file():
        return None  # the CSV reader says what is wrong with it
    try:
        binary = open(path, "rb")  # noqa: SIM115 - closed by the input
    except OSError:
        return None
    try:
        if not looks_like_vcard(file, binary.read(256)):
            binary.close()
            return None
        binary.seek(0)
        return open_vcard(file, path.stem or path.name, binary.read(), encoding, binary)
    except BaseException:
        binary.close()
        raise


def _peek(stdin: BinaryIO) -> bytes:
    """The first bytes of standard input, left for whoever reads it next."""
    peek = getattr(stdin, "peek", None)
    if peek is not None:
        return bytes(peek(256)[:256])
    if stdin.seekable():
        at = stdin.tell()
        head = stdin.read(256)
        stdin.seek(at)
        return head
    return b""


def open_vcard(
    name: str, stem: str | None, data: bytes, encoding: str | None, binary: BinaryIO | None
) -> VcardInput:
    """Decode (UTF-8 unless a BOM or ``--encoding`` says otherwise; a Windows code page
    when it is not UTF-8, as old Outlook writes 2.1 cards) and read every card."""
    if encoding is not None:
        chosen = Encoding(normalize_codec(encoding), "forced")
    elif data.startswith(b"\xef\xbb\xbf"):
        chosen = Encoding("utf-8-sig", "BOM")
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        chosen = Encoding("utf-16", "BOM")
    else:
        try:
            data.decode("utf-8")
            chosen = Encoding("utf-8", "vCard")
        except UnicodeDecodeError:
            chosen = detect_encoding(data[:262144], data[-65536:])
    try:
        text = data.decode(chosen.codec, errors=chosen.errors)
    except UnicodeDecodeError as error:
        raise BadValue(
            f"{name}: bytes that are not {chosen.codec} at byte {error.start}; "
            "give the right one with --encoding"
        ) from None
    cards = read_cards(text)
    if not cards:
        raise BadValue(f"{name} has no vCard in it (no BEGIN:VCARD ... END:VCARD)")
    return _as_input(cards, name, stem, chosen, len(data), binary)


def _as_input(
    cards: list[Card],
    name: str,
    stem: str | None,
    encoding: Encoding,
    size: int | None,
    binary: BinaryIO | None,
) -> VcardInput:
    header = header_for(cards)
    records = [record_of(card, header) for card in cards]
    rows = _CardRows(records, [card.line for card in cards])
    return VcardInput(
        name=name,
        stem=stem,
        encoding=encoding,
        delimiter=Delimiter(",", "vCard"),
        header=header,
        size=size,
        _binary=binary if binary is not None else io.BytesIO(b""),
        _reader=rows,
        _header_lines=rows.line_num,
        _owned=binary is not None,
        cards=cards,
    )
