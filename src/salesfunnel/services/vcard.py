"""`export contacts --format vcard`: every contact as a vCard 3.0 card, streamed.

vCard 3.0 because every address book reads it (macOS and iOS Contacts, Google
Contacts, Outlook, Thunderbird); ``vobject`` writes the cards (escaping, folding,
CRLF).  A card carries what `prospect import` reads back from it: the name (FN, and
N split at the last word), the email and phone with the others kept in extra fields
(EMAIL and TEL lines), company, title, website, city and country (ADR), notes and
tags (CATEGORIES); the source, the value and any other extra field go in
``X-SALESFUNNEL-FIELD;X-NAME=...`` lines, which an address book keeps and ignores.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import IO, Any

from salesfunnel.domain.fields import email_is_valid, has_digit
from salesfunnel.domain.text import fold

FIELD_PROPERTY = "X-SALESFUNNEL-FIELD"  # read back by importing/vcard.py
_PHONE_WORDS = ("phone", "mobile", "tel", "cell", "fax", "celular", "movil", "телефон")
_PHONE_KEY = re.compile("|".join(_PHONE_WORDS))


def write_vcards(rows: Iterator[tuple[Any, ...]], stream: IO[str]) -> int:
    """One card per contact row (the contacts table of services/export.py)."""
    import vobject

    count = 0
    for row in rows:
        (name, email, phone, company, title, website, city, country, source, tags, notes,
         value, *_state, extra) = row  # fmt: skip
        card = vobject.vCard()
        card.add("prodid").value = "-//salesfunnel//vCard export//EN"
        card.add("fn").value = name or ""
        given, _, family = (name or "").rpartition(" ")
        card.add("n").value = vobject.vcard.Name(family=family, given=given)
        emails, phones, fields = _sorted_extra(extra or {}, bool(email), bool(phone))
        for at, address in enumerate([email, *emails] if email else []):
            line = card.add("email")
            line.value = address
            line.type_param = ["INTERNET", "pref"] if at == 0 else "INTERNET"
        for at, number in enumerate([phone, *phones] if phone else []):
            line = card.add("tel")
            line.value = number
            if at == 0:
                line.type_param = "pref"
        if company:
            card.add("org").value = [company]
        if title:
            card.add("title").value = title
        if website:
            card.add("url").value = website
        if city or country:
            card.add("adr").value = vobject.vcard.Address(city=city or "", country=country or "")
        if notes:
            card.add("note").value = notes
        if tags:
            card.add("categories").value = list(tags)
        if source:
            fields = [("source", source), *fields]
        if value is not None:
            fields = [*fields, ("value", _number(value))]
        for key, text in fields:
            line = card.add(FIELD_PROPERTY.lower())
            line.value = text
            line.params["X-NAME"] = [_param(key)]
        stream.write(card.serialize())
        count += 1
    return count


def _sorted_extra(
    extra: dict[str, Any], has_email: bool, has_phone: bool
) -> tuple[list[str], list[str], list[tuple[str, str]]]:
    """Extra fields that are more emails or phones (by their key and value), and the rest.

    A contact with no email (phone) keeps its other ones as extra fields: as EMAIL
    lines, the first would become its email when the card is imported.
    """
    emails, phones, fields = [], [], []
    for key, raw in extra.items():
        text = "" if raw is None else str(raw)
        folded = fold(key)
        if has_email and "mail" in folded and email_is_valid(text):
            emails.append(text)
        elif has_phone and _PHONE_KEY.search(folded) and has_digit(text):
            phones.append(text)
        elif text:
            fields.append((key, text))
    return emails, phones, fields


def _param(key: str) -> str:
    """A key as a parameter value: no double quote or line break can be written in one."""
    return " ".join(key.replace('"', "'").split())


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
