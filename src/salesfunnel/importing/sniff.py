"""Telling what a file is from its first (and last) bytes: encoding, binary, delimiter.

Rules, in order (docs/importing.md has the reasoning):

1. a byte-order mark names the encoding (UTF-8, UTF-16, UTF-32);
2. many NUL bytes in a regular pattern: UTF-16 without a BOM;
3. bytes that decode as UTF-8 (head and tail samples) are UTF-8;
4. otherwise a Windows code page: Cyrillic words in cp1251 are runs of bytes
   0xC0-0xFF, while accented Latin letters in cp1252 stand alone between ASCII
   letters, so the share of such bytes sitting in runs of three or more tells
   Russian Excel from Portuguese or Spanish Excel.

Standard library only.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass

from salesfunnel.errors import BadValue

DELIMITERS = (",", ";", "\t", "|")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
FALLBACK_ERRORS = "salesfunnel-latin1"  # code-page bytes the code page leaves undefined
_HIGH_LETTERS = re.compile(rb"[\xc0-\xff\xa8\xb8]+")  # letters (and Ёё) in cp1251

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_SIGNATURES = (
    (b"PK\x03\x04", "an Excel workbook or another zip archive"),
    (b"\xd0\xcf\x11\xe0", "an old Excel workbook (.xls)"),
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"SQLite format 3\x00", "an SQLite database"),
)


def _latin1_fallback(error: UnicodeError) -> tuple[str, int]:
    """cp1252 leaves 0x81, 0x8D... undefined: read them as Latin-1 rather than fail."""
    assert isinstance(error, UnicodeDecodeError)
    return error.object[error.start : error.end].decode("latin-1"), error.end


codecs.register_error(FALLBACK_ERRORS, _latin1_fallback)


@dataclass(frozen=True)
class Encoding:
    codec: str  # a Python codec name
    how: str  # "BOM", "detected", "forced"...
    errors: str = "strict"
    reader: str | None = None  # the codec that reads it, when not ``codec`` itself

    @property
    def reads_as(self) -> str:
        return self.reader or self.codec


def normalize_codec(name: str) -> str:
    """A codec name the user typed (``latin-1``, ``windows-1251``) -> Python's name."""
    try:
        return codecs.lookup(name.strip()).name
    except LookupError:
        raise BadValue(
            f"unknown encoding {name!r} (try utf-8, utf-8-sig, utf-16, cp1252, cp1251)"
        ) from None


def detect_encoding(head: bytes, tail: bytes = b"") -> Encoding:
    """The encoding of a file from its first bytes (and a sample of its last)."""
    for bom, codec in _BOMS:
        if head.startswith(bom):
            return Encoding(codec, "byte-order mark")
    utf16 = _utf16_without_bom(head)
    if utf16:
        return Encoding(utf16, "detected: NUL bytes between ASCII letters")
    if _is_utf8(head, final=not tail) and _is_utf8(_skip_continuation(tail), final=True):
        return Encoding("utf-8", "detected: valid UTF-8")
    sample = head + tail
    from salesfunnel.importing.lines import reading_codec  # UTF-8 lines read as UTF-8

    if cyrillic_score(sample) >= 0.5:
        return Encoding(
            "cp1251", "detected: not UTF-8; Cyrillic words", FALLBACK_ERRORS,
            reading_codec("cp1251"),
        )  # fmt: skip
    return Encoding(
        "cp1252", "detected: not UTF-8; Latin letters", FALLBACK_ERRORS, reading_codec("cp1252")
    )


def _utf16_without_bom(head: bytes) -> str | None:
    """UTF-16 text has a NUL beside every ASCII character (delimiters, line ends, digits),
    always on the same side; it must then decode as UTF-16 too."""
    sample = head[:4096]
    sample = sample[: len(sample) // 2 * 2]
    if len(sample) < 4 or sample.count(0) < max(4, len(sample) // 8):
        return None
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    codec = "utf-16-le" if odd > 3 * even else "utf-16-be" if even > 3 * odd else None
    if codec is None or not _decodes(sample, codec):
        return None
    return codec


def _decodes(data: bytes, codec: str, *, final: bool = False) -> bool:
    try:
        codecs.getincrementaldecoder(codec)().decode(data, final=final)
    except UnicodeDecodeError:
        return False
    return True


def _is_utf8(data: bytes, *, final: bool) -> bool:
    """Valid UTF-8; a sample cut in the middle of a character still counts."""
    return _decodes(data, "utf-8", final=final)


def _skip_continuation(tail: bytes) -> bytes:
    start = 0
    while start < min(len(tail), 4) and 0x80 <= tail[start] <= 0xBF:
        start += 1
    return tail[start:]


def cyrillic_score(data: bytes) -> float:
    """Share of letter bytes 0xC0-0xFF that sit in runs of three or more.

    Near 1 for Russian in cp1251 (whole words are such bytes), near 0 for
    Portuguese or Spanish in cp1252 (``Conceição``: runs of one or two).
    """
    runs = [len(run) for run in _HIGH_LETTERS.findall(data)]
    total = sum(runs)
    return sum(n for n in runs if n >= 3) / total if total else 0.0


def refuse_binary(head: bytes, encoding: Encoding, what: str) -> None:
    """Raise :class:`BadValue` for what is plainly not a text file."""
    for signature, kind in _SIGNATURES:
        if head.startswith(signature):
            hint = " (save it as CSV first)" if "Excel" in kind else ""
            raise BadValue(f"{what} is {kind}, not a CSV file{hint}")
    if encoding.codec.startswith(("utf-16", "utf-32")):
        return
    sample = head[:65536]
    controls = sum(sample.count(bytes([c])) for c in range(32) if c not in (9, 10, 12, 13, 26))
    if sample.count(0) or controls > max(2, len(sample) // 200):
        raise BadValue(f"{what} looks like a binary file, not CSV text")


@dataclass(frozen=True)
class Delimiter:
    char: str
    how: str

    @property
    def label(self) -> str:
        name = DELIMITER_NAMES.get(self.char)
        return f"{name} ({self.char!r})" if name else repr(self.char)


def parse_delimiter(text: str) -> str:
    """``--delimiter``: one character, or the words tab, comma, semicolon, pipe."""
    words = {name: char for char, name in DELIMITER_NAMES.items()}
    value = words.get(text.strip().lower(), text.replace("\\t", "\t"))
    if len(value) != 1 or value in '\r\n"':
        raise BadValue(f"--delimiter must be one character or tab, not {text!r}")
    return value


def excel_separator_line(first_line: str) -> str | None:
    """Excel's ``sep=;`` hint line names the delimiter (and is not the header)."""
    line = first_line.strip()
    if len(line) == 5 and line.lower().startswith("sep="):
        return line[4]
    return None


def detect_delimiter(text: str, *, records: int = 50) -> Delimiter:
    """The candidate that splits the first records into the same, widest, number of fields."""
    sample = _whole_lines(text)
    best: tuple[float, int, int] | None = None
    chosen = ","
    for rank, candidate in enumerate(DELIMITERS):
        widths = _widths(sample, candidate, records)
        if not widths:
            continue
        mode = max(set(widths), key=lambda width: (widths.count(width), width))
        if mode < 2:
            continue
        consistency = widths.count(mode) / len(widths)
        score = (consistency, mode, -rank)
        if best is None or score > best:
            best, chosen = score, candidate
    if best is None:
        return Delimiter(",", "detected: one column")
    return Delimiter(chosen, "detected")


def _whole_lines(text: str) -> str:
    cut = max(text.rfind("\n"), text.rfind("\r"))
    return text[: cut + 1] if cut > 0 else text


def _widths(sample: str, delimiter: str, limit: int) -> list[int]:
    reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
    widths: list[int] = []
    try:
        for row in reader:
            if row and any(cell.strip() for cell in row):
                widths.append(len(row))
            if len(widths) > limit:
                break
    except csv.Error:
        pass
    if len(widths) > 2:
        widths.pop()  # the sample may end inside a quoted field: don't trust the last
    return widths
