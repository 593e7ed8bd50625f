"""Search keys for a million contacts, as :func:`domain.text.search_key_for` makes them.

Folding (accents, case) is the costly part of a key, and the words of names and
companies repeat across a list (Silva, Ltda., Иванов); folding each distinct
word once and remembering it makes a key a few dictionary lookups.  The result
is exactly ``search_key_for``'s (a test holds the two together).
"""

from __future__ import annotations

from salesfunnel.domain.text import MIN_PHONE_DIGITS, PHONE_SUFFIX_MARK, digits_of, fold

FOLDED_WORDS = 200_000  # distinct words remembered (bounded memory)


class SearchKeys:
    def __init__(self) -> None:
        self._folded: dict[str, str] = {}

    def fold(self, text: str) -> str:
        if text.isascii():
            return text.lower()
        cache = self._folded
        words = text.split()
        out = []
        for word in words:
            folded = cache.get(word)
            if folded is None:
                if len(cache) >= FOLDED_WORDS:
                    cache.clear()
                folded = cache[word] = fold(word)
            out.append(folded)
        return " ".join(out)

    def key(
        self,
        name: str | None,
        email: str | None,
        phone: str | None,
        company: str | None,
        *,
        digits: str | None = None,
    ) -> str | None:
        """The same as ``search_key_for(name, email, phone, company)``, faster.

        ``digits``, when given, are the phone's digits already worked out.
        """
        if digits is None:
            digits = digits_of(phone)
        suffix = PHONE_SUFFIX_MARK + digits[::-1] if len(digits) >= MIN_PHONE_DIGITS else ""
        fold_ = self.fold
        text = (
            f"{fold_(name) if name else ''} {fold_(email) if email else ''} {digits} "
            f"{fold_(company) if company else ''} {suffix}"
        )
        return " ".join(text.split()) or None
