"""Canonical people and organisations: normalised keys, so one person or organisation
gets the same id in every meeting, and the rules that merge variants.

    >>> person_key("Torill Skaar-Magnusson") == person_key("Skaar Magnusson Torill")
    True
    >>> person_key("Jesper Björnsson") == person_key("Jesper Björnson")
    True
    >>> org_key("Karlshamns kommun") == org_key("Karlshamn Kommun")
    True
"""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher
from functools import lru_cache

from protokoll.records import stable_id
from protokoll.swedish.bodies import FORUM_WORDS, ORG_SUFFIXES

_DOUBLE = re.compile(r"(.)\1+")
_ORG_DROP = {"område", "omr", "omr."}
_DEFINITE = re.compile(rf"({'|'.join(ORG_SUFFIXES + FORUM_WORDS)})(?:et|en|n)?s?$")


@lru_cache(maxsize=65536)  # called for every prefix of every run of capitalised words
def _fold(word: str) -> str:
    """Lower case, accents other than å/ä/ö removed, doubled letters collapsed."""
    word = word.lower()
    word = "".join(
        c for c in unicodedata.normalize("NFD", word) if unicodedata.category(c) != "Mn"
    ) if not any(c in word for c in "åäö") else word
    return _DOUBLE.sub(r"\1", word)


@lru_cache(maxsize=65536)  # asked for every prefix of every run of capitalised words
def person_key(name: str) -> str:
    """Spelling- and order-insensitive key of a person's full name."""
    parts = re.split(r"[\s\-‐–]+", name.strip())
    return " ".join(sorted(_fold(p) for p in parts if p))


@lru_cache(maxsize=65536)  # asked for every candidate organisation and again per mention by tag()
def org_key(name: str) -> str:
    """Key of an organisation: lower case, genitive -s of a place before kommun/region
    dropped, "område" and punctuation ignored, a body's definite form made indefinite
    ("Socialnämnden" = "socialnämnd", "Interkommunala forumet" = "Interkommunalt forum")."""
    words = [w for w in re.split(r"[\s,]+", name.lower().strip(" .,:;()")) if w and w not in _ORG_DROP]
    for i, w in enumerate(words[:-1]):
        if words[i + 1] in ("kommun", "kommuns") and w.endswith("s") and len(w) > 4:
            words[i] = w[:-1]
    if words and words[-1] == "kommuns":
        words[-1] = "kommun"
    if words and _DEFINITE.search(words[-1]):
        words[-1] = _DEFINITE.sub(r"\1", words[-1])
        if len(words) > 1 and len(words[-2]) > 6 and words[-2][-1] in "at":
            words[-2] = words[-2][:-1]  # adjective: "interkommunala"/"interkommunalt"
    return " ".join(words)


@lru_cache(maxsize=65536)
def canonical_id(label: str, key: str) -> str:
    return stable_id(label, key)


@lru_cache(maxsize=65536)  # the same organisations meet again in every protocol
def similar_place(a: str, b: str) -> bool:
    """Two organisation keys that differ only by a small misspelling of the place name
    ("kadshamn kommun" / "karlshamn kommun")."""
    wa, wb = a.split(), b.split()
    if len(wa) != len(wb) or wa[1:] != wb[1:] or len(wa[0]) < 6:
        return False
    matcher = SequenceMatcher(None, wa[0], wb[0])  # the quick ratios are upper bounds of ratio()
    return matcher.real_quick_ratio() >= 0.8 and matcher.quick_ratio() >= 0.8 and matcher.ratio() >= 0.8
