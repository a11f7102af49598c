"""Searching Vietnamese names as people type them (docs/input.md, "Search").

People type names without their marks ("pho an") as often as with them ("Phổ An"). A search
typed without marks finds the name with or without them; a search typed with marks finds exactly
those marks (so "Phổ" does not also find "Phò"), in either case and Unicode form.

The matching is done in Python over the candidate names (the recipients of the rows in the
user's scope), not in SQL: SQLite has no accent folding, and PostgreSQL's `unaccent` would need
an extension and a second code path. At this portal's size (a few thousand people) folding the
names takes milliseconds.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

# "Phổ  Ân" → "phổ ân": marks kept (NFC), case-folded, spaces collapsed (the imports' key).
from .dataexchange import fold as fold_case

# Letters whose mark is not a combining character: "đ" stays "đ" under NFD.
_PLAIN = str.maketrans({"đ": "d", "Đ": "D"})


def fold_marks(text: str) -> str:
    """ "Phổ  Ân, Đức" → "pho an, duc": no diacritics, case-folded, spaces collapsed."""
    decomposed = unicodedata.normalize("NFD", text.translate(_PLAIN))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


def has_marks(text: str) -> bool:
    return fold_marks(text) != " ".join(text.casefold().split())


def matcher(query: str) -> Callable[[str], bool]:
    """A function name → bool: does this name contain what was typed?"""
    if has_marks(query):
        needle = fold_case(query)
        return lambda name: bool(name) and needle in fold_case(name)
    needle = fold_marks(query)
    return lambda name: bool(name) and needle in fold_marks(name)
