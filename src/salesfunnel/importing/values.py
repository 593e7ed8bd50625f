"""Cell values as people type them: emails, phones, amounts and tag lists.

Standard library only; every function is called once per imported row, so each
is kept to a few C-level string operations.
"""

from __future__ import annotations

import re

# An address that mail servers would accept in practice: one @, no spaces, a dotted
# domain whose last label is letters.  Unicode letters are allowed (IDN, accents).
EMAIL = re.compile(
    r"[\w!#$%&'*+/=?^`{|}~-]+(?:\.[\w!#$%&'*+/=?^`{|}~-]+)*"
    r"@(?:[^\W_](?:[\w-]{0,61}[^\W_])?\.)+[^\W\d_]{2,63}"
)
NON_DIGITS = re.compile(r"\D+")
_TAG_SPLIT = re.compile(r"[,;|]")
_CURRENCY = re.compile(r"[^\d,.\-]+")


def email_is_valid(email: str) -> bool:
    """Syntax only: a malformed address is kept but flagged, never rejected."""
    return EMAIL.fullmatch(email) is not None


def email_key(email: str) -> str:
    """Case-insensitive identity of an address (``Ana@X.com`` is ``ana@x.com``)."""
    return email.lower()


def has_digit(text: str) -> bool:
    return any(c.isdigit() for c in text)


def parse_amount(text: str) -> float | None:
    """``R$ 12.500,00``, ``8.000 €``, ``$4,500``, ``1 200,50`` -> a number; None if not one."""
    cleaned = _CURRENCY.sub("", text.replace("\u00a0", " "))
    cleaned = cleaned.strip(".,")
    if not cleaned or cleaned.startswith("-") or not has_digit(cleaned):
        return None
    if "," in cleaned and "." in cleaned:
        decimal = "," if cleaned.rfind(",") > cleaned.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        cleaned = cleaned.replace(thousands, "").replace(decimal, ".")
    elif "," in cleaned:
        head, _, tail = cleaned.rpartition(",")
        cleaned = cleaned.replace(",", "") if len(tail) == 3 else f"{head.replace(',', '')}.{tail}"
    elif cleaned.count(".") > 1 or (
        cleaned.count(".") == 1 and len(cleaned.rpartition(".")[2]) == 3
    ):
        cleaned = cleaned.replace(".", "")  # 12.500 or 1.200.000: dots group thousands
    try:
        return round(float(cleaned), 2)
    except ValueError:
        return None


def split_tags(text: str) -> list[str]:
    """``VIP; Feira, vip`` -> ``['feira', 'vip']``: lower-cased, unique, sorted."""
    return sorted({tag.strip().lower() for tag in _TAG_SPLIT.split(text) if tag.strip()})
