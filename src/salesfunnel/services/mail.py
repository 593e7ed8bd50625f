"""`mail import FILE|-`: emails saved by a mail client, logged on the contacts they concern.

One .eml (a message as a client saves it) or an mbox (Thunderbird's folders, what
``procmail`` or ``fetchmail`` deliver), read with the standard library's ``email`` and
``mailbox``: headers' encoded words in any charset, quoted-printable and base64 bodies,
multipart messages whose text is only HTML.  Each address in From, To and Cc that is a
contact's email (case aside) gets an ``email`` activity, done when the message was sent,
with its subject and first lines; a new lead's first one makes it contacted, as `log`
does.  A message already logged on a contact (its Message-ID) is not logged again, so
importing a whole folder every day logs each email once.  Addresses no contact has are
counted, for the summary.  All of it in the command's one unit of work: undoable.
"""

from __future__ import annotations

import email
import email.errors
import hashlib
import mailbox
import os
import re
import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from email.header import decode_header, make_header
from email.message import Message
from email.utils import getaddresses, parsedate_to_datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, BinaryIO

from salesfunnel import clock
from salesfunnel.db.rows import rows_in
from salesfunnel.db.work import Work
from salesfunnel.domain.fields import LIMITS, email_key
from salesfunnel.domain.lifecycle import DealStatus, Stage
from salesfunnel.errors import BadValue, NotFound
from salesfunnel.schemas import MailImportPublic, UnmatchedAddressPublic
from salesfunnel.services.activities import touch

STDIN = "-"
FIRST_LINES = 3  # lines of the body kept with the subject
SNIPPET_CHARS = 300
_QUOTE_HEADER = re.compile(r"^(On .+ wrote:|El .+ escribió:|Em .+ escreveu:|.+ писал\(а\):)$")


def import_mail(work: Work, target: str, stdin: BinaryIO | None = None) -> MailImportPublic:
    """Log every message of the file on the contacts it names; see the module's docstring."""
    messages = 0
    logged: list[int] = []
    already = 0
    contacts: set[int] = set()
    unmatched: Counter[str] = Counter()
    cancelled = 0
    contacted = 0
    with _mail_file(target, stdin) as path:
        for message in _messages(path):
            messages += 1
            addresses = _addresses(message)
            found = _contacts_by_email(work, list(addresses))
            unmatched.update(a for a in addresses if a not in found)
            message_id = _message_id(message)
            sent = _sent_at(message)
            text = _activity_text(message)
            for contact in {c.id: c for c in found.values()}.values():
                if contact.stage == Stage.PROSPECT and contact.prospect_status == "cancelled":
                    cancelled += 1
                    continue
                if _logged_already(work, message_id, contact.id):
                    already += 1
                    continue
                activity_id, made_contacted = _log(work, contact, message_id, sent, text)
                logged.append(activity_id)
                contacted += made_contacted
                contacts.add(contact.id)
    if messages == 0:
        raise BadValue(f"no email messages in {target}: give an .eml file or an mbox")
    return MailImportPublic(
        messages=messages,
        logged=len(logged),
        already_logged=already,
        contacts=len(contacts),
        skipped_cancelled=cancelled,
        contacted_leads=contacted,
        activity_ids=logged,
        unmatched=[
            UnmatchedAddressPublic(address=address, messages=count)
            for address, count in sorted(unmatched.items(), key=lambda item: (-item[1], item[0]))
        ],
    )


@contextmanager
def _mail_file(target: str, stdin: BinaryIO | None) -> Iterator[Path]:
    """The file to read; standard input is first kept in a private temporary file, which
    the standard library's mbox reader needs (it seeks)."""
    if target != STDIN:
        path = Path(target).expanduser()
        if path.is_dir():
            raise BadValue(f"{target} is a directory, not an .eml or mbox file")
        if not path.exists():
            raise NotFound(f"no such file: {target}")
        if not os.access(path, os.R_OK):
            raise BadValue(f"can't read {target}: permission denied")
        yield path
        return
    if stdin is None:
        raise BadValue("no standard input to read")
    with tempfile.TemporaryDirectory(prefix="salesfunnel-mail-") as folder:
        spooled = Path(folder) / "input.mbox"
        with open(spooled, "wb") as copy:
            while chunk := stdin.read(1 << 20):
                copy.write(chunk)
        yield spooled


def _parse(binary: BinaryIO) -> Message:
    """The message as parsed by the standard library's classic (compat32) policy: its
    newer one parses every header it meets into an object, six times slower on a real
    folder (6 ms a message); headers and parts are decoded here only where needed."""
    return email.message_from_binary_file(binary)


def _messages(path: Path) -> Iterator[Message]:
    """An mbox's messages (it starts with a ``From `` line), or the one message of an .eml."""
    with open(path, "rb") as binary:
        is_mbox = binary.read(5) == b"From "
        if not is_mbox:
            binary.seek(0)
            message = _parse(binary)
            if _addresses(message) or message["message-id"]:
                yield message
            return
    box = mailbox.mbox(path, factory=_parse, create=False)  # type: ignore[arg-type]
    try:
        for each in box:
            parsed: Any = each  # what the factory made: a Message
            yield parsed
    finally:
        box.close()


def _header(message: Message, name: str, *, decoded: bool = False) -> list[str]:
    """A header's values as text, its encoded words (``=?koi8-r?B?...?=``) decoded when
    asked; one that can't be decoded is read as it stands."""
    values = []
    for value in message.get_all(name, []) or []:
        text = value if isinstance(value, str) else str(value)
        if decoded:
            try:
                text = str(make_header(decode_header(text)))
            except (LookupError, UnicodeError, ValueError, email.errors.HeaderParseError):
                pass  # an unknown charset, a broken encoded word: as it stands
        values.append(text)
    return values


def _addresses(message: Message) -> list[str]:
    """Every address in From, To and Cc, normalized (lower-case), each once, in order."""
    found: dict[str, None] = {}
    for name in ("from", "to", "cc"):
        for _, address in getaddresses(_header(message, name)):
            key = email_key(address)
            if key and "@" in key:
                found[key] = None
    return list(found)


def _contacts_by_email(work: Work, keys: list[str]) -> dict[str, Any]:
    rows = rows_in(
        work,
        "SELECT id, name, stage, prospect_status, lead_status, email_key, last_activity_at "
        "FROM contacts WHERE email_key IN {values} ORDER BY id",
        keys,
    )
    found: dict[str, Any] = {}
    for row in rows:
        found.setdefault(row.email_key, row)  # the oldest contact of an address, as ids find
    return found


def _message_id(message: Message) -> str:
    """The Message-ID; a message without one is known by a digest of what identifies it."""
    stated = " ".join("".join(_header(message, "message-id")).split())
    if stated:
        return stated[:998]
    parts = [*(_header(message, name) for name in ("date", "from", "to", "subject"))]
    digest = hashlib.sha256(repr(parts).encode("utf-8", "surrogateescape")).hexdigest()
    return f"sha256:{digest}"


def _sent_at(message: Message) -> datetime:
    """When it was sent (UTC); now for a message with no readable date, or one dated in
    the future (a wrong clock): an activity is something done, never ahead."""
    now = clock.utcnow()
    try:
        sent = parsedate_to_datetime(_header(message, "date")[0])
    except (IndexError, TypeError, ValueError, OverflowError):
        return now
    if sent.tzinfo is None:
        sent = sent.replace(tzinfo=UTC)
    sent = sent.astimezone(UTC)
    return min(sent, now)


def _activity_text(message: Message) -> str:
    """``Subject — first lines of the text``, within an activity's length."""
    subject = " ".join(" ".join(_header(message, "subject", decoded=True)).split())
    subject = subject or "(no subject)"
    snippet = " ".join(_first_lines(_body_text(message)))
    if len(snippet) > SNIPPET_CHARS:
        snippet = snippet[: SNIPPET_CHARS - 1].rstrip() + "…"
    text = f"{subject} — {snippet}" if snippet else subject
    return text[: LIMITS["text"]]


def _body_text(message: Message) -> str:
    """The text the sender wrote: the first plain part that is not an attachment, else
    the first HTML one, as text; transfer encoding and charset undone."""
    found: dict[str, Message] = {}
    for part in message.walk():
        if part.is_multipart() or part.get_content_disposition() == "attachment":
            continue
        subtype = part.get_content_type()
        if subtype in ("text/plain", "text/html"):
            found.setdefault(subtype, part)
    chosen = found.get("text/plain") or found.get("text/html")
    if chosen is None:
        return ""
    part = chosen
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    charset = part.get_content_charset() or "utf-8"
    try:
        text = payload.decode(charset, "replace")
    except LookupError:  # a charset Python doesn't know
        text = payload.decode("utf-8", "replace")
    return _html_text(text) if part.get_content_type() == "text/html" else text


def _first_lines(body: str) -> list[str]:
    """The first lines the sender wrote: no blank lines, no quoted reply, no signature."""
    lines: list[str] = []
    for raw in body.splitlines():
        if raw.startswith(">From "):  # an mbox escapes a line that starts "From ": unescaped
            raw = raw[1:]
        line = " ".join(raw.split())
        if raw.rstrip() == "--" or raw.startswith("-- ") or _QUOTE_HEADER.match(line):
            break
        if not line or line.startswith(">"):
            continue
        lines.append(line)
        if len(lines) == FIRST_LINES:
            break
    return lines


class _TextOfHtml(HTMLParser):
    """The text of an HTML body, a line per block, without scripts or styles."""

    BLOCKS = frozenset({"p", "div", "br", "li", "tr", "h1", "h2", "h3", "blockquote"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in ("script", "style", "head"):
            self._skipping += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "head") and self._skipping:
            self._skipping -= 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def _html_text(html: str) -> str:
    parser = _TextOfHtml()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)


def _logged_already(work: Work, message_id: str, contact_id: int) -> bool:
    return (
        work.value(
            "SELECT 1 FROM activities WHERE message_id = :message AND contact_id = :contact",
            {"message": message_id, "contact": contact_id},
        )
        is not None
    )


def _log(work: Work, contact: Any, message_id: str, sent: datetime, text: str) -> tuple[int, bool]:
    """An email done when it was sent, on the contact's only open deal if it has one."""
    full = work.row("SELECT * FROM contacts WHERE id = :id", {"id": contact.id})
    open_deals = work.rows(
        "SELECT * FROM deals WHERE contact_id = :contact AND status = :open LIMIT 2",
        {"contact": contact.id, "open": DealStatus.OPEN},
    )
    deal = open_deals[0] if len(open_deals) == 1 else None
    activity_id = work.insert(
        "activities",
        {
            "contact_id": contact.id,
            "deal_id": deal.id if deal is not None else None,
            "kind": "email",
            "text": text,
            "done_at": sent,
            "message_id": message_id,
            "created_at": clock.utcnow(),
        },
    )
    return activity_id, touch(work, full, deal, sent, "email")
