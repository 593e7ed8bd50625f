"""Text as search sees it: folded so that `joao` finds João and `nunez` finds Núñez.

The search key of a row is computed once, when the row is written, and stored
beside it; a search folds its words the same way and looks them up in an index,
so nothing is unaccented at query time.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from salesfunnel.domain.fields import digits_of
from salesfunnel.errors import BadValue

# Combining marks NFKD splits off letters (diacritics); the base letters stay, so
# Cyrillic and Greek are folded too (й -> и, ё -> е) and never dropped.
_MARKS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_WORDS = re.compile(r"[^\W_]+")  # letters and digits: the search index's tokens
_PHONE_LIKE = re.compile(r"[\d\s+().\-/]+")
PHONE_SUFFIX_MARK = "x"  # prefixes the reversed phone digits, so a number's end finds it
MIN_PHONE_DIGITS = 3  # a search by fewer digits would match too much


def fold(text: str) -> str:
    """Lower-case, without accents: ``"Núñez"`` -> ``"nunez"``."""
    if text.isascii():
        return text.lower()
    # Decomposed before and after case folding: "🄐" decomposes to "(A)", and a folded
    # letter may decompose further; folding a folded text must change nothing.
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    return _MARKS.sub("", folded)


def search_key_for(
    name: str | None,
    email: str | None = None,
    phone: str | None = None,
    company: str | None = None,
    also: str | None = None,
) -> str | None:
    """A contact's search key: ``"name email phone-digits company xREVERSED-DIGITS"``.

    The reversed digits let a search by the end of a number (the local part,
    without the country code) find it as quickly as one by its start.  ``also``:
    the words of the contact's other emails and phones (:func:`other_contacts_key`).
    """
    digits = digits_of(phone)
    parts = [fold(part) for part in (name, email) if part]
    if digits:
        parts.append(digits)
    if company:
        parts.append(fold(company))
    if len(digits) >= MIN_PHONE_DIGITS:
        parts.append(PHONE_SUFFIX_MARK + digits[::-1])
    if also:
        parts.append(also)
    key = " ".join(" ".join(parts).split())
    return key or None


def other_contacts_key(emails: Iterable[str], phones: Iterable[str]) -> str:
    """What a contact's other emails and phones (an import's ``E-mail 2``, ``Mobile``) add
    to its search key, so that `search` finds the contact by them too."""
    parts = [fold(email) for email in emails if email]
    for phone in phones:
        digits = digits_of(phone)
        if digits:
            parts.append(digits)
        if len(digits) >= MIN_PHONE_DIGITS:
            parts.append(PHONE_SUFFIX_MARK + digits[::-1])
    return " ".join(parts)


def company_search_key(name: str | None) -> str | None:
    return search_key_for(name)


def deal_search_key(title: str | None) -> str | None:
    return search_key_for(title)


@dataclass(frozen=True)
class SearchTerms:
    """What a search looks for: words (each a prefix of a word of the key), a phone,
    or the start of an email address (``ana@``, ``ana@acme.com``)."""

    words: tuple[str, ...]
    phone_digits: str | None = None
    email_prefix: str | None = None


def search_terms(text: str) -> SearchTerms:
    """Fold a search the way keys are folded; digits with phone punctuation are a phone."""
    folded = fold(text.strip())
    digits = digits_of(folded)
    if _PHONE_LIKE.fullmatch(folded) and len(digits) >= MIN_PHONE_DIGITS:
        return SearchTerms((digits,), phone_digits=digits)
    words = tuple(dict.fromkeys(_WORDS.findall(folded)))
    if not words:
        raise BadValue(f"nothing to search for in {text!r}: give a name, email, phone or company")
    email = text.strip().lower()
    if "@" in email[1:] and not any(c.isspace() for c in email):
        return SearchTerms(words, email_prefix=email)
    return SearchTerms(words)
