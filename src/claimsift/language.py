"""A cheap check that a text looks like English (the models are English-only).

Not a language identifier: it counts common English function words among the words of the
text, and Latin letters among its letters. Used to warn, never to refuse.
"""

from __future__ import annotations

import re

__all__ = ["looks_english", "english_warning"]

# Frequent English function words that are rare as words in other Latin-script languages
# ("a", "in", "on", "is" are left out: French, German, Dutch, Italian use them too).
_FUNCTION_WORDS = frozenset(
    "the of and to that for with was were are this from by have has had not but they their "
    "which would will been there what when who said about could should its than them these "
    "those into also after because while where our we you he she his her it be or an at as".split()
)
_WORD = re.compile(r"[^\W\d_]+")
_LATIN = re.compile(r"[a-z]+")
_MIN_WORDS = 8          # fewer words: too short to tell, no warning
_MIN_SHARE = 0.12       # English news prose runs at 0.3-0.45; French/German/Spanish below 0.05
_MIN_LATIN = 0.8        # share of letters that are a-z


def looks_english(text: str, sample_chars: int = 20_000) -> bool:
    """False only when the first ``sample_chars`` characters clearly are not English."""
    sample = text[:sample_chars].lower()
    words = _WORD.findall(sample)
    if len(words) < _MIN_WORDS:
        return True
    letters = sum(map(len, words))
    # Every a-z of the sample lies in a word: count them with one regex, not a loop per letter.
    latin = sum(map(len, _LATIN.findall(sample)))
    if latin < _MIN_LATIN * letters:
        return False
    return sum(w in _FUNCTION_WORDS for w in words) >= _MIN_SHARE * len(words)


def english_warning(text: str, name: str) -> str | None:
    """A one-line warning naming ``name`` when ``text`` does not look like English, else None."""
    if looks_english(text):
        return None
    return f"{name}: the text does not look like English; claimsift's models are English-only, labels may be wrong"
