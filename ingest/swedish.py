"""How much of a page's text layer is Swedish: the share of its words that are Swedish words.

A PDF whose fonts map glyphs to the wrong characters has a text layer of letters that
are no words ("Personalsektonenn usernprouokollj suerare", "Benlutande irdhnarhe"):
such a page is read again with OCR (:mod:`.pdf`). A word counts as Swedish when it, or
it without an inflection ending ("sammanträdet" → "sammanträde", "konstaterar" →
"konstatera"), is a lemma of the Swedish lookup table the project ships
(``protokoll/swedish/data/sv_lemma_forms.txt.gz``, read on first use, never at import), or when it
is short (function words, abbreviations). Words of a Swedish compound that is not in
the table count through their parts ("personal|sektionens").
"""

from __future__ import annotations

import gzip
import re
from functools import lru_cache

from protokoll.swedish.lemmas import FORMS

_WORD = re.compile(r"[^\W\d_]{2,}")
# Inflection endings, longest first: what is left must be a lemma.
_ENDINGS = (
    "ornas", "arnas", "ernas", "andes", "endes",
    "orna", "arna", "erna", "ande", "ende", "ades", "ats", "ens", "ets", "nas",
    "ade", "are", "ast", "aste", "na", "ar", "er", "or", "en", "et", "es", "as", "at", "ad", "de", "te",
    "s", "n", "t", "a", "e", "r",
)
_SHORT = 3  # words up to this length count (å, i, av, och, den, kl.)


@lru_cache(maxsize=1)
def lemmas() -> frozenset[str]:
    """The shipped set of Swedish lemmas, lower case (read once, on first use)."""
    text = gzip.decompress(FORMS.read_bytes()).decode("utf-8")
    _, _, body = text.partition("\n")  # the first line names the table it was made from
    return frozenset(w.lower() for w in body.split("\n") if w)


@lru_cache(maxsize=65536)
def is_swedish(word: str) -> bool:
    """A short word, a lemma, an inflected lemma, or a compound of them ("personal|sektionens")."""
    w = word.lower()
    if len(w) <= _SHORT:
        return True
    known = lemmas()
    if _inflected(w, known):
        return True
    for k in range(3, len(w) - 2):  # a compound: a lemma (with a linking "s") and a word
        head = w[:k]
        if (head in known or head.endswith("s") and head[:-1] in known) and _inflected(w[k:], known):
            return True
    return False


def _inflected(w: str, known: frozenset[str]) -> bool:
    return w in known or any(w.endswith(e) and len(w) - len(e) >= 3 and w[: -len(e)] in known for e in _ENDINGS)


def share(text: str) -> float | None:
    """The share of the text's words (two letters or more) that are Swedish, or None for
    a text with too few words to tell (fewer than 20)."""
    words = _WORD.findall(text)
    if len(words) < 20:
        return None
    return sum(1 for w in words if is_swedish(w)) / len(words)
