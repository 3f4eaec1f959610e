"""Which files record the same meeting, and which of them is served.

An archive often holds one meeting's protocol more than once: the Word original and the
signed PDF, a re-scan, an extract (protokollsutdrag) of some of its paragraphs. The store
keeps one meeting for them, with every file as a source, and serves the reading of one
of them, its main source (:func:`main`). This module holds the two rules, pure:

**Same meeting** (:func:`same_meeting`). Two readings record the same meeting when

* both are agendas, or neither is (an agenda proposes; a protocol or an extract decides);
* their dates are equal (both may be unknown);
* their bodies are alike when both are known ("Kommunstyrelsen" / "Kommunstvrelsen" from
  OCR: 80 % alike after folding case, accents and punctuation); with a body unknown the
  date must be known;
* and their items agree: nearly all (80 %) of the item numbers of the shorter reading are
  in the longer one (a copy or an extract), and for those items the titles are alike
  (80 % of them at least 75 % alike) and the texts share at least half of their words.
  Two readings without any items agree when body and date are both known. One reading
  with items and one without do not (nothing to compare).

The rule is symmetric (``same_meeting(a, b) == same_meeting(b, a)``: strings are compared
in a fixed order, readings with as many items too), so which of two files is saved first
does not decide whether they are one meeting.

Titles alone are not enough: "Godkännande av dagordningen" opens every meeting of a body,
so two undated meetings agree only if what was said under the items agrees too.

**Main source** (:func:`rank`): the reading served is

1. a protocol before an extract (the whole meeting before part of it);
2. then the one with the most items (the most complete reading: a scan of two pages of
   a twenty-page protocol is a source, not the main one);
3. then PDF before Word and other formats: the PDF is the form that is signed
   (justerat) and archived, the Word file is usually the draft; then ``.docx``, ``.odt``,
   ``.doc``, ``.rtf``, and text last;
4. then the lowest sha256, so the choice never depends on the order of import.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from protokoll.records import Protocol

BODY_ALIKE = 0.8
TITLE_ALIKE = 0.75
TITLES_AGREE = 0.8
NUMBERS_SHARED = 0.8
WORDS_SHARED = 0.5

FORMAT_ORDER = ("pdf", "docx", "odt", "doc", "rtf", "md", "txt")
KIND_ORDER = ("protocol", "extract", "agenda")

_WORD = re.compile(r"\w{3,}")


@dataclass(frozen=True)
class Item:
    number: str
    title: str
    words: frozenset[str]


@dataclass(frozen=True)
class Reading:
    """What :func:`same_meeting` needs of one document's parse."""

    kind: str | None
    body: str | None
    date: str | None
    items: tuple[Item, ...]


def item(number, title, text) -> Item:
    words = frozenset(_WORD.findall((text or "").lower()))
    return Item(str(number), fold(title or ""), frozenset(_fold_word(w) for w in words))


def reading(protocol: Protocol) -> Reading:
    return Reading(
        kind=protocol.kind, body=protocol.meeting.body, date=protocol.meeting.date,
        items=tuple(item(it.number, it.title, it.text) for it in protocol.items),
    )


def same_meeting(a: Reading, b: Reading) -> str | None:
    """The rule by which ``a`` and ``b`` record the same meeting, or None (module docstring)."""
    if (a.kind == "agenda") != (b.kind == "agenda") or a.date != b.date:
        return None
    bodies_known = bool(a.body and b.body)
    if bodies_known:
        if not bodies_alike(a.body, b.body):
            return None
    elif a.date is None:
        return None
    if not a.items and not b.items:
        return "same body and date, no items" if bodies_known and a.date else None
    if not (a.items and b.items) or not _items_agree(a.items, b.items):
        return None
    return "same body, date and items" if a.date else "same body and items, no date"


def bodies_alike(a: str, b: str) -> bool:
    return _ratio(fold(a), fold(b)) >= BODY_ALIKE


def _items_agree(a: tuple[Item, ...], b: tuple[Item, ...]) -> bool:
    short, long = sorted((a, b), key=lambda r: (len(r), [(it.number, it.title) for it in r]))
    by_number = {}
    for it in long:
        by_number.setdefault(it.number, it)
    shared = [(it, by_number[it.number]) for it in short if it.number in by_number]
    if not shared or len(shared) < NUMBERS_SHARED * len(short):
        return False
    titles = sum(_ratio(x.title, y.title) >= TITLE_ALIKE for x, y in shared)
    if titles < TITLES_AGREE * len(shared):
        return False
    overlaps = [_overlap(x.words, y.words) for x, y in shared if x.words and y.words]
    return not overlaps or sum(overlaps) / len(overlaps) >= WORDS_SHARED


def _overlap(x: frozenset[str], y: frozenset[str]) -> float:
    """The share of the smaller word set that is in the other (an extract, a cut scan)."""
    return len(x & y) / min(len(x), len(y))


def rank(kind: str | None, items: int, format: str | None, sha256: str) -> tuple:  # noqa: A002
    """Sort key of a source: the first in this order is the meeting's main source."""
    return (_position(KIND_ORDER, kind), -items, _position(FORMAT_ORDER, format), sha256)


def fold(s: str) -> str:
    """Lower case without accents or punctuation, spaces collapsed: what OCR keeps."""
    s = unicodedata.normalize("NFKD", s.lower())
    s = "".join(c for c in s if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w]+", " ", s).split())


@lru_cache(maxsize=100_000)
def _fold_word(word: str) -> str:
    """:func:`fold` of one lower-case word (the same words recur in every protocol)."""
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


def _ratio(x: str, y: str) -> float:
    if x == y:
        return 1.0
    if x > y:  # SequenceMatcher's ratio can depend on which string comes first
        x, y = y, x
    return difflib.SequenceMatcher(None, x, y, autojunk=False).ratio()


def _position(order: tuple[str, ...], value) -> int:
    return order.index(value) if value in order else len(order)
