"""Money: amounts as people write them, kept finite and bounded, shown one way everywhere.

One reading rule for every amount, typed (``deal open --value``) or imported (a CSV
cell): a currency sign or code may stand before or after the number; groups of
thousands may be separated by ``.``, ``,``, a space or an apostrophe; the decimal
separator is the last ``.`` or ``,`` when both appear, and otherwise a lone separator
followed by exactly three digits groups thousands (``12.500`` and ``12,500`` are
twelve thousand five hundred) while one followed by one, two or four-plus digits is
decimal (``12,5``, ``1200.50``).  Scientific notation, ``inf`` and ``nan`` are not
amounts.
"""

from __future__ import annotations

import math
import re

from salesfunnel.errors import BadValue

MAX_AMOUNT = 1e12  # a trillion: beyond any one deal, and far inside a float's exact range
_GROUPING = re.compile(r"[\s'\u00a0\u202f]")  # spaces, NBSPs and apostrophes between digits
_AMOUNT = re.compile(
    r"(?P<before>[^\d.,+\-]*?)\s*(?P<minus>-)?\s*(?P<number>\d[\d.,]*)\s*(?P<after>[^\d]*)"
)


def read_amount(text: str) -> float | None:
    """``R$ 12.500,00``, ``8.000 €``, ``$4,500``, ``1 200,50`` -> a number, rounded to
    cents; None for text that isn't an amount, for a negative one and beyond MAX_AMOUNT."""
    amount = _amount(text)
    return amount if amount is not None and amount <= MAX_AMOUNT else None


def _amount(text: str) -> float | None:
    match = _AMOUNT.fullmatch(_GROUPING.sub("", text.strip()))
    if match is None or match["minus"]:
        return None
    number = _decimal_point(match["number"].strip(".,"))
    try:
        value = float(number)
    except ValueError:
        return None
    return round(value, 2) if math.isfinite(value) else None


def _decimal_point(number: str) -> str:
    if "," in number and "." in number:
        decimal = "," if number.rfind(",") > number.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        return number.replace(thousands, "").replace(decimal, ".")
    for separator in (",", "."):
        if separator in number:
            head, _, tail = number.rpartition(separator)
            if number.count(separator) > 1 or len(tail) == 3:
                return number.replace(separator, "")  # 12.500, 1,200,000: thousands
            return f"{head}.{tail}"
    return number


def parse_money(value: str | float | None, *, what: str = "value") -> float | None:
    """An amount the user typed (or a number from code), checked: finite, not negative,
    at most MAX_AMOUNT; None stays None."""
    if value is None:
        return None
    if isinstance(value, int | float):
        number = float(value)
        if not math.isfinite(number):
            raise BadValue(f"{what} must be a finite amount, not {value}")
    else:
        text = value.strip()
        if text.startswith("-") and _amount(text[1:]) is not None:
            raise BadValue(f"{what} can't be negative: {text}")
        amount = _amount(text)
        if amount is None:
            raise BadValue(f"{text!r} is not an amount (e.g. 1200, 1,200.50 or 1.200,50)")
        number = amount
    if number < 0:
        raise BadValue(f"{what} can't be negative: {value}")
    if number > MAX_AMOUNT:
        raise BadValue(f"{what} is too large: at most {MAX_AMOUNT:,.0f}")
    return round(number, 2)


def currency_code(value: str) -> str:
    """A three-letter currency code, upper-cased: ``eur`` -> ``EUR``."""
    code = value.strip().upper()
    if len(code) != 3 or not code.isalpha() or not code.isascii():
        raise BadValue(f"{value!r} is not a three-letter currency code (EUR, USD, BRL...)")
    return code


def format_money(value: float | None, currency: str | None = None) -> str:
    """``12,000.00 USD``: two decimals, thousands grouped, the code after."""
    text = f"{value or 0:,.2f}"
    return f"{text} {currency}" if currency else text
