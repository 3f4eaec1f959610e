"""Where each *att*-clause of an item stands in the item's text: ``Decision.spans``.

:func:`with_spans` fills the field at the end of :func:`protokoll.parsers.parse`, so the
tagger (which reads the words around an amount in its clause, :mod:`protokoll.nlp.roles`)
and the store (which sums the amounts inside each clause) put an amount in the same
clause without looking for it again. :func:`clause_spans` reads the field, and works the
spans out once for a record made without them (a reading stored before the field, or a
record built by hand).
"""

from __future__ import annotations

import dataclasses

from protokoll.records import Item, Protocol

Span = tuple[int, int]


def with_spans(protocol: Protocol) -> Protocol:
    """``protocol`` with every decision's ``spans`` filled (where missing)."""
    if all(_has_spans(it) for it in protocol.items):
        return protocol
    return dataclasses.replace(protocol, items=tuple(item_with_spans(it) for it in protocol.items))


def item_with_spans(item: Item) -> Item:
    """``item`` with every decision's ``spans`` filled (where missing)."""
    if _has_spans(item):
        return item
    spans = item_clause_spans(item)
    return dataclasses.replace(item, decisions=tuple(
        dataclasses.replace(d, spans=tuple(s)) for d, s in zip(item.decisions, spans)))


def clause_spans(item: Item) -> list[tuple[Span | None, ...]]:
    """Per decision of ``item``, the span of each clause (None if not found): the
    decisions' ``spans``, worked out here for a record without them."""
    if _has_spans(item):
        return [d.spans for d in item.decisions]
    return [tuple(s) for s in item_clause_spans(item)]


def _has_spans(item: Item) -> bool:
    return all(len(d.spans) == len(d.clauses) for d in item.decisions)


def item_clause_spans(item) -> list[list[Span | None]]:
    """Per decision of ``item``, the span of each clause in ``item.text`` (None if not
    found). Clauses are looked for in order, each from where the one before it ended, so
    a clause repeated word for word in a later decision is found there, not at the first;
    and not before the page where their decision block starts (an earlier treatment's
    identical proposal on the page before is not the clause)."""
    out, cursor = [], 0
    for decision in item.decisions:
        cursor = max(cursor, page_start(item, decision.page))
        spans = []
        for clause in decision.clauses:
            span = find(clause, item.text, cursor)
            if span is not None and span[1] > span[0]:
                cursor = span[1]
            spans.append(span)
        out.append(spans)
    return out


def page_start(item, page: int | None) -> int:
    """The offset in the item's text where ``page`` starts (0 if unknown)."""
    return next((offset for offset, p in item.pages if page is not None and p >= page), 0)


def find(clause: str, text: str, start: int = 0) -> Span | None:
    """Where the clause stands in ``text``: from ``start`` on, else anywhere; exactly, or
    ignoring case and the spacing the parser normalised ("1. Att utse …" / "att utse …",
    joined lines)."""
    if start:
        span = _find_from(clause, text, start)
        if span is not None:
            return span
    return _find_from(clause, text, 0)


def _find_from(clause: str, text: str, begin: int) -> Span | None:
    """The second search is the leftmost place where the clause's first word starts and the
    others follow with only whitespace between them (as the words joined by ``\\s*``
    with ``re.IGNORECASE``, without compiling a pattern for every clause).
    """
    if not clause:
        return None
    start = text.find(clause, begin)
    if start >= 0:
        return start, start + len(clause)
    words = _fold(clause).split()
    if not words:
        return 0, 0
    folded = _fold(text)
    start = folded.find(words[0], begin)
    while start >= 0:
        end = _match_words(folded, start, words)
        if end is not None:
            return start, end
        start = folded.find(words[0], start + 1)
    return None


def _match_words(folded: str, pos: int, words: list[str]) -> int | None:
    """The end of ``words`` read from ``pos`` with only whitespace between them, or None."""
    for k, word in enumerate(words):
        if k:
            while pos < len(folded) and folded[pos].isspace():
                pos += 1
        if not folded.startswith(word, pos):
            return None
        pos += len(word)
    return pos


def _fold(s: str) -> str:
    """Lower case, one character for one so offsets stay valid ("İ" → "i", as ``re.IGNORECASE``)."""
    low = s.lower()
    return low if len(low) == len(s) else "".join([c.lower()[0] for c in s])
