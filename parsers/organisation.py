"""The organisation a protocol belongs to (the municipality, region or authority whose
body met), from what the protocol itself says. Pure.

    >>> organisation(["HÖGSBY KOMMUN Protokoll 1(14 )", "Plats och tid Kommunhusets tingssal"], [])
    'Högsby kommun'

Names are "<Name> kommun"/"<Name> stad" (one municipality, however it calls itself;
genitive "Lomma kommuns" too), "Region <Name>", "<Name> landsting" and the authorities of
:data:`vocab.AUTHORITIES` by any of their names ("Riksbanken"). The rule:

1. The front matter names its own organisation where a line starts with a name, or a
   labelled field's value does: the letterhead ("HÖGSBY KOMMUN Protokoll"), "Plats: Lomma
   kommun, Stora sessionssalen", "Protokollets förvaringsplats: Lomma kommun". The first
   such line counts.
2. Else the document's own organisation is the one it names most often, if it names it
   at least twice and more than twice as often as any other (a protocol names its
   municipality throughout, while one named once may be a party to one matter;
   Lomma's name 25 times beside Region Skåne's 5, Riksbanken everywhere in the bank's
   minutes). A joint body whose protocol names its members' organisations about as often
   (a regional group of Region Blekinge and its municipalities) has none.

None where neither rule finds one: the store then never joins its cases with another
meeting's (:mod:`protokoll.store.cases`).
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections import Counter

from . import vocab

_NAME = r"[A-ZÅÄÖ][A-Za-zÅÄÖåäöéü]+(?:-[A-ZÅÄÖ][A-Za-zÅÄÖåäöéü]+)?"
_WORDS = "|".join((*vocab.MUNICIPALITY_WORDS, *vocab.COUNTY_WORDS))
_ALIASES = {alias: name for name, aliases in vocab.AUTHORITIES.items() for alias in (name, *aliases)}
_ORG = re.compile(
    rf"(?<![\w-])(?:(?P<name>{_NAME}(?:\s(?i:läns))?)\s(?P<word>(?i:{_WORDS}))s?"
    rf"|(?i:{vocab.REGION_WORD})\s(?P<region>{_NAME})"
    rf"|(?P<authority>(?i:{'|'.join(re.escape(a) for a in sorted(_ALIASES, key=len, reverse=True))})))(?![\w-])")
# Every name holds one of these words (lower case): a line without any is not read further.
_ANCHORS = (*vocab.MUNICIPALITY_WORDS, *vocab.COUNTY_WORDS, vocab.REGION_WORD, *_ALIASES)
MIN_NAMED = 2  # named once only, an organisation is as likely a party to one matter ("Parter är …")
_LABELLED = re.compile(r"^[^:\d]{2,40}:\s*")


def organisation(front: list[str], lines: list[str]) -> str | None:
    """The organisation of a protocol from its front matter's lines (rule 1) and all its
    lines (rule 2), or None (module docstring)."""
    for text in front:
        for start in (text, _LABELLED.sub("", text, count=1)):
            m = _ORG.match(start.strip())
            if m:
                return _names([m])[0]
    counts = Counter()
    spelt: dict[tuple, set[str]] = {}
    for text in _anchored(lines):
        for m in _ORG.finditer(text):
            ident = _identity(m)
            counts[ident] += 1
            spelt.setdefault(ident, set()).add(_display(m))
    if not counts:
        return None
    (best, n), *rest = counts.most_common()
    if n < MIN_NAMED or (rest and n <= 2 * rest[0][1]):
        return None
    return _preferred(spelt[best])


def _anchored(lines: list[str]) -> list[str]:
    """The lines holding one of :data:`_ANCHORS` (any case), in order: the name pattern is
    slow to try at every capital letter of every line, a substring search over the whole
    text lower-cased once is not."""
    low = "\n".join(lines).lower()
    if len(low) != sum(map(len, lines)) + len(lines) - 1:  # "İ" lower-cased is two characters
        return [text for text in lines if any(word in text.lower() for word in _ANCHORS)]
    starts = list(itertools.accumulate((len(text) + 1 for text in lines[:-1]), initial=0))
    hits: set[int] = set()
    for word in _ANCHORS:
        at = low.find(word)
        while at >= 0:
            line = bisect.bisect_right(starts, at) - 1
            hits.add(line)
            at = low.find(word, starts[line + 1] if line + 1 < len(starts) else len(low))
    return [lines[i] for i in sorted(hits)]


def _names(matches) -> list[str]:
    return [_display(m) for m in matches]


def _identity(m: re.Match) -> tuple:
    """One organisation however written: a municipality is one with "kommun" or "stad"."""
    if m.group("authority"):
        return ("authority", _ALIASES[m.group("authority").lower()])
    if m.group("region"):
        return ("region", m.group("region").lower())
    word = m.group("word").lower()
    return ("municipality" if word in vocab.MUNICIPALITY_WORDS else word, m.group("name").lower())


def _display(m: re.Match) -> str:
    if m.group("authority"):
        name = _ALIASES[m.group("authority").lower()]
        return name[:1].upper() + name[1:]
    if m.group("region"):
        return f"{vocab.REGION_WORD.capitalize()} {_capitalised(m.group('region'))}"
    return f"{_capitalised(m.group('name'))} {m.group('word').lower()}"


def _capitalised(name: str) -> str:
    """"HÖGSBY" -> "Högsby", "stockholms LÄNS" -> "Stockholms läns"."""
    words = name.split()
    return " ".join([w if not w.isupper() else "-".join(p.capitalize() for p in w.split("-")) for w in words[:1]]
                    + [w.lower() for w in words[1:]])


def _preferred(spellings: set[str]) -> str:
    """Of one municipality's spellings, the one with "stad" (its official name where it
    has one), else the first in code-point order."""
    return min(spellings, key=lambda s: (not s.endswith(" stad"), s))
