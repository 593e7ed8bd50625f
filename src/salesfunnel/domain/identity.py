"""When two rows are one person: the rules an import de-duplicates by.

An email is who someone is: the same address (case aside) is the same person.
A phone is weaker evidence -- a switchboard, a shop's landline, a family's home
number are shared -- so a shared phone makes a row one with a known contact only
when nothing says they are two: the row has no email of its own, and the names
agree.  Names are
compared as folded words (case, accents and punctuation aside; an initial
stands for any word it starts): "clearly different" names share no word at
all; names "agree" when one has no name or every word of the shorter is in the
other.  Standard library only: docs/importing.md states these in words.
"""

from __future__ import annotations

import re

from salesfunnel.domain.text import fold

_WORDS = re.compile(r"[^\W_]+")


def name_words(name: str | None) -> tuple[str, ...]:
    """A name's folded words, each once, in order: ``"Dr. João  SILVA"`` -> dr, joao, silva."""
    if not name:
        return ()
    return tuple(dict.fromkeys(_WORDS.findall(fold(name))))


def _same_word(a: str, b: str) -> bool:
    """Equal, or one is an initial of the other (``j`` and ``john``)."""
    if a == b:
        return True
    if len(a) == 1:
        return b.startswith(a)
    return len(b) == 1 and a.startswith(b)


def _found_in(word: str, others: tuple[str, ...]) -> bool:
    return any(_same_word(word, other) for other in others)


def names_clearly_differ(a: str | None, b: str | None) -> bool:
    """Both name someone and share no word: "Ana Souza" and "Pedro Lima".

    "Ana Souza" and "Ana Lima" do not (they share Ana), nor do a name and no name.
    """
    first, second = name_words(a), name_words(b)
    if not first or not second:
        return False
    return not any(_found_in(word, second) for word in first)


def names_agree(a: str | None, b: str | None) -> bool:
    """One has no name, or every word of the shorter name is in the longer one.

    "Ana" agrees with "Ana Souza" and "J. Smith" with "John Smith"; "Ana Souza"
    and "Ana Lima" do not agree.
    """
    first, second = name_words(a), name_words(b)
    if not first or not second:
        return True
    shorter, longer = sorted((first, second), key=len)
    return all(_found_in(word, longer) for word in shorter)


def real_name(name: str | None, email: str | None, phone: str | None) -> str | None:
    """The name a row gave, or None when its name only stands in for its email or phone."""
    if not name or name == email or name == phone:
        return None
    return name


def phone_may_merge(row_email: str | None, row_name: str | None, known_name: str | None) -> bool:
    """May a row be merged, by a phone they share, into a known contact?

    Only a row with no email: an email of its own says who it is, and merging it
    into someone else would lose it (``--on-duplicate skip`` writes nothing onto the
    contact).  And only when the names agree (:func:`names_agree`).
    """
    return not row_email and names_agree(row_name, known_name)
