"""Search keys for a million contacts, as :func:`domain.text.search_key_for` makes them.

Folding (accents, case) is the costly part of a key, and the words of names and
companies repeat across a list (Silva, Ltda., Иванов); folding each distinct
word once and remembering it makes a key a few dictionary lookups, and a batch
of keys is made a column at a time.  The result is exactly ``search_key_for``'s
(a test holds the two together).
"""

from __future__ import annotations

from collections.abc import Sequence

from salesfunnel.domain.text import MIN_PHONE_DIGITS, PHONE_SUFFIX_MARK, fold

FOLDED_WORDS = 200_000  # distinct words remembered (bounded memory)


class _FoldedWords(dict[str, str]):
    """Word -> its folded form, worked out the first time it is asked for."""

    def __missing__(self, word: str) -> str:
        if len(self) >= FOLDED_WORDS:
            self.clear()
        folded = self[word] = fold(word)
        return folded


class SearchKeys:
    def __init__(self) -> None:
        self._folded = _FoldedWords()

    def fold_all(self, texts: Sequence[str]) -> list[str]:
        """``fold()`` of each text, up to spacing (a key's words are joined by one space)."""
        folded = self._folded.__getitem__
        return [t.lower() if t.isascii() else " ".join(map(folded, t.split())) for t in texts]

    def keys(
        self,
        names: Sequence[str],
        emails: Sequence[str],
        digits: Sequence[str],
        companies: Sequence[str],
        also: Sequence[str] | None = None,
    ) -> list[str]:
        """The keys of a batch, given as columns ("" where a contact has none; digits:
        all of the phone's; ``also``: the words of its other emails and phones)."""
        fold = self.fold_all
        mark, least = PHONE_SUFFIX_MARK, MIN_PHONE_DIGITS
        suffixes = [mark + d[::-1] if len(d) >= least else "" for d in digits]
        columns = [fold(names), fold(emails), digits, fold(companies), suffixes]
        if also is not None:
            columns.append(also)
        texts = map(" ".join, zip(*columns, strict=True))
        return list(map(" ".join, map(str.split, texts)))
