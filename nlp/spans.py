"""Span attributes the tagging components share, and how they add entities to a Doc."""

from __future__ import annotations

from spacy.tokens import Doc, Span

# Span._.value (MONEY number / DATE ISO), ._.currency, ._.rule (what found it),
# ._.warning (e.g. irregular digit grouping) and ._.key (normalised name, PER/ORG).
SPAN_ATTRIBUTES = ("value", "currency", "rule", "warning", "key")


def register_extensions() -> None:
    """Register the custom span attributes (idempotent; spaCy keeps them per process)."""
    for name in SPAN_ATTRIBUTES:
        if not Span.has_extension(name):
            Span.set_extension(name, default=None)


def add_entity(doc: Doc, start: int, end: int, label: str, **attrs) -> Span | None:
    """A span over characters ``start:end`` (expanded to whole tokens), or None if
    it overlaps an entity already found (earlier components win)."""
    span = doc.char_span(start, end, label=label, alignment_mode="expand")
    if span is None or any(doc[i].ent_iob_ in ("B", "I") for i in range(span.start, span.end)):
        return None
    for name, value in attrs.items():
        setattr(span._, name, value)
    doc.set_ents([span], default="unmodified")
    return span


def covered(doc: Doc, start_char: int, end_char: int) -> bool:
    """Whether any character of ``start_char:end_char`` lies inside an entity."""
    span = doc.char_span(start_char, end_char, alignment_mode="expand")
    return span is not None and any(t.ent_iob_ in ("B", "I") for t in span)
