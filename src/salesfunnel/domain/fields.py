"""What a contact's fields accept: emails, phones and tags, checked one way everywhere.

The same rules serve a contact typed at the shell and a million imported from a file,
so every function here is a few C-level string operations.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from salesfunnel.errors import BadValue

# An address that mail servers would accept in practice: one @, no spaces, a dotted
# domain whose last label is letters.  Unicode letters are allowed (IDN, accents).
EMAIL = re.compile(
    r"[\w!#$%&'*+/=?^`{|}~-]+(?:\.[\w!#$%&'*+/=?^`{|}~-]+)*"
    r"@(?:[^\W_](?:[\w-]{0,61}[^\W_])?\.)+[^\W\d_]{2,63}"
)
NON_DIGITS = re.compile(r"\D+")
MATCHING_PHONE_DIGITS = 6  # shorter "phones" (0, 000, n/a) never match anyone
_TAG_SPLIT = re.compile(r"[,;|]|:::")  # ::: is how Google Contacts joins labels


def email_is_valid(email: str) -> bool:
    """Syntax only: a malformed address is kept but flagged, never rejected."""
    return EMAIL.fullmatch(email) is not None


def email_key(email: str | None) -> str | None:
    """Case-insensitive identity of an address (``Ana@X.com`` is ``ana@x.com``); None
    for no address."""
    key = email.strip().lower() if email else ""
    return key or None


def digits_of(text: str | None) -> str:
    return NON_DIGITS.sub("", text) if text else ""


def has_digit(text: str) -> bool:
    """Any digit, of any script: a phone worth keeping."""
    return any(c.isdigit() for c in text)


def phone_key(phone: str | None) -> str | None:
    """Digits only, to tell whether two contacts share a phone; None when too short to
    name one phone.  The phone itself is stored as typed (``0034 612...`` keeps its zeros).
    """
    digits = digits_of(phone)
    return digits if len(digits) >= MATCHING_PHONE_DIGITS else None


def clean_tags(tags: Iterable[str]) -> list[str]:
    """Tags as stored: lower-cased, trimmed, each once, sorted."""
    return sorted({tag.strip().lower() for tag in tags if tag.strip()})


def split_tags(text: str) -> list[str]:
    """``VIP; Feira, vip`` -> ``['feira', 'vip']``: a cell of tags, as stored.  Quotes
    around a tag go (Mailchimp writes ``"Newsletter","Webinar"``), and so do Google
    Contacts' marks on its own groups (``* myContacts ::: * starred ::: Clients`` is
    ``['clients', 'starred']``: every Google contact is in "My Contacts", a tag that
    says nothing)."""
    return clean_tags(_label(tag) for tag in _TAG_SPLIT.split(text))


def _label(tag: str) -> str:
    tag = tag.strip().strip('"')
    if tag.startswith("* "):
        tag = tag[2:]
        if tag.lower().replace(" ", "") == "mycontacts":
            return ""
    return tag


def source_key(name: str | None) -> str | None:
    """The name a source is known by: lower-case, single spaces (``Trade  Fair`` is
    ``trade fair``); a lead's source is stored so."""
    key = " ".join((name or "").split()).lower()
    return key or None


# The longest text each field takes, typed or changed by a command: far beyond any real
# value, short enough that one can't bury every listing (a 10,000-character "name").
LIMITS = {
    "name": 200,
    "email": 254,  # the longest address mail servers take (RFC 5321)
    "phone": 50,
    "company": 200,
    "title": 200,
    "website": 500,
    "city": 200,
    "country": 100,
    "source": 100,
    "tag": 50,
    "list": 200,
    "reason": 1_000,
    "text": 2_000,
    "notes": 10_000,
}


def bounded(value: str | None, what: str) -> str | None:
    """Text as stored: trimmed, None when empty; refused beyond its field's length."""
    if value is None:
        return None
    text = value.strip()
    limit = LIMITS[what]
    if len(text) > limit:
        raise BadValue(f"a {what} can be at most {limit:,} characters (this one has {len(text):,})")
    return text or None
