"""Reading a code-page file in which some lines are UTF-8, each line in its own encoding.

A list kept in Excel for years gets rows pasted from a web form or another export: most
lines are Windows-1252 (or 1251), a few UTF-8.  Read with the code page alone, the UTF-8
lines would turn silently into mojibake (``JoÃ£o``).  This decoder reads a line as UTF-8
when it is valid UTF-8 with at least one multi-byte character -- which code-page text
practically never is -- and every other line in the code page.  A chunk with no UTF-8
sequence at all (the usual case) is decoded in one C call.  Standard library only.
"""

from __future__ import annotations

import codecs
import re
from typing import Any

PREFIX = "salesfunnel_lines_"  # salesfunnel_lines_cp1252: cp1252, UTF-8 lines read as such
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


def reading_codec(codec: str) -> str:
    """The codec that reads a code-page file line by line (see the module)."""
    return PREFIX + codec


def decode_lines(data: bytes, codec: str, errors: str) -> str:
    """``data`` (whole lines), each line as UTF-8 if it is UTF-8, else in ``codec``."""
    if not _UTF8_SEQUENCE.search(data):
        return data.decode(codec, errors)
    parts: list[str] = []
    start = 0  # of the bytes not decoded yet
    for match in _UTF8_SEQUENCE.finditer(data):
        if match.start() < start:
            continue  # in a line already decoded
        line_start = data.rfind(b"\n", 0, match.start()) + 1
        line_end = data.find(b"\n", match.end())
        line_end = len(data) if line_end < 0 else line_end + 1
        try:
            text = data[line_start:line_end].decode("utf-8")
        except UnicodeDecodeError:
            continue  # code-page bytes that happen to pair up: the line is the code page's
        parts.append(data[start:line_start].decode(codec, errors))
        parts.append(text)
        start = line_end
    parts.append(data[start:].decode(codec, errors))
    return "".join(parts)


class _Decoder(codecs.IncrementalDecoder):
    codec = "cp1252"

    def __init__(self, errors: str = "strict") -> None:
        super().__init__(errors)
        self.pending = b""

    def decode(self, data: bytes, final: bool = False) -> str:  # type: ignore[override]
        data = self.pending + bytes(data)
        if final:
            self.pending = b""
        else:
            cut = data.rfind(b"\n") + 1  # a line the chunk cuts waits for its end
            data, self.pending = data[:cut], data[cut:]
        return decode_lines(data, self.codec, self.errors) if data else ""

    def reset(self) -> None:
        self.pending = b""

    def getstate(self) -> tuple[bytes, int]:
        return self.pending, 0

    def setstate(self, state: tuple[bytes, int]) -> None:
        self.pending = state[0]


def _search(name: str) -> codecs.CodecInfo | None:
    if not name.startswith(PREFIX):
        return None
    base = codecs.lookup(name[len(PREFIX) :])

    class Decoder(_Decoder):
        codec = base.name

    def decode(data: Any, errors: str = "strict") -> tuple[str, int]:
        return decode_lines(bytes(data), base.name, errors), len(data)

    return codecs.CodecInfo(
        name=name,
        encode=base.encode,
        decode=decode,
        incrementalencoder=base.incrementalencoder,
        incrementaldecoder=Decoder,
        streamreader=base.streamreader,
        streamwriter=base.streamwriter,
    )


codecs.register(_search)
