"""Regular expressions written so that Python's ``re`` can skip ahead.

``re`` finds the next possible start of a match quickly only when a pattern *starts*
with a literal, an alternation of literals, or a character class (case-sensitively).
A leading look-behind (``(?<![\\w-])KoU``), ``\\b`` or ``re.IGNORECASE`` makes it try the
whole pattern at every character instead: 4-25 times slower over a protocol's text.
The tagging rules are therefore written with the look-behind *after* the first
character, and case-insensitive rules run case-sensitively over the lower-cased text.

    >>> [m.group() for m in Alternatives(r"-\\d+", r"\\d+").finditer("a -1 2")]
    ['-1', '2']
"""

from __future__ import annotations

import re


def guarded(words, before: str) -> str:
    """The alternation of literal ``words``, each not preceded by a character of the
    class ``before``: ``(?<!B)(?:w1|w2)`` written as ``w1(?<!Bw1)|w2(?<!Bw2)`` so that it
    starts with literals."""
    return "|".join(rf"{re.escape(w)}(?<!{before}{re.escape(w)})" for w in words)


class Alternatives:
    """``finditer`` of ``p1|p2|…`` (earlier alternatives first at each position, no
    overlapping matches), with each alternative compiled on its own so that each can
    start with a literal or a class. Alternatives must not match the empty string."""

    def __init__(self, *patterns: str, flags: int = 0):
        self.patterns = tuple(re.compile(p, flags) for p in patterns)

    def finditer(self, text: str, pos: int = 0):
        nexts = [rx.search(text, pos) for rx in self.patterns]
        while True:
            best = None
            for m in nexts:
                if m is not None and (best is None or m.start() < best.start()):
                    best = m
            if best is None:
                return
            yield best
            end = best.end()
            for i, m in enumerate(nexts):
                if m is not None and m.start() < end:
                    nexts[i] = self.patterns[i].search(text, end)


class Leading:
    """``finditer`` of a pattern whose every match *starts* with one of the literal
    ``words`` (an alternation of them, :func:`guarded` or not, opens the pattern):
    ``str.find`` locates the words and the pattern is tried only there. ``re`` would
    try it at every character that some word starts with ("j", "m", "s", …), which
    in lower-case prose is every few characters.

        >>> [m.group() for m in Leading(r"(?:maj|mars)\\s+\\d+", ["maj", "mars"]).finditer("i mars 2024, maj 5")]
        ['mars 2024', 'maj 5']
    """

    def __init__(self, pattern: str, words, flags: int = 0):
        self.rx = re.compile(pattern, flags)
        self.words = tuple(words)
        assert all(self.words), "a word must not be empty"

    def finditer(self, text: str):
        starts = set()
        for word in self.words:
            i = text.find(word)
            while i >= 0:
                starts.add(i)
                i = text.find(word, i + 1)
        end = 0
        for i in sorted(starts):
            if i >= end:  # like re: no match starts inside the previous one
                m = self.rx.match(text, i)
                if m is not None:
                    yield m
                    end = m.end()


def lowered(text: str) -> str | None:
    """``text.lower()`` when it has the same length (so offsets carry over), else None."""
    low = text.lower()
    return low if len(low) == len(text) else None


class Anchored:
    """``finditer`` of a pattern whose every match contains one of the literal
    ``anchors`` and consists of word characters, white space and hyphens only: ``re``
    looks for an anchor, then searches only the run of such characters around it.

    The runs end at a character that is none of these, so a look-ahead at the end of
    the pattern must hold before any such character (``(?!\\w)`` does)."""

    def __init__(self, pattern: str, anchors, flags: int = 0):
        self.rx = re.compile(pattern, flags)
        self.anchor = re.compile("|".join(re.escape(a) for a in anchors), flags)
        self.outside = re.compile(r"[^\w\s-]")

    def finditer(self, text: str):
        pos = 0
        while True:
            a = self.anchor.search(text, pos)
            if a is None:
                return
            start = a.start()
            while start > pos and _in_run(text[start - 1]):
                start -= 1
            out = self.outside.search(text, a.end())
            end = out.start() if out else len(text)
            m = self.rx.search(text, start, end)
            if m is not None:
                yield m
                pos = m.end()
            else:
                pos = end


def _in_run(c: str) -> bool:
    return c.isalnum() or c.isspace() or c in "_-"
