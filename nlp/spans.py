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


def doc_text(doc: Doc) -> str:
    """``doc.text``, joined from the tokens once and kept in ``doc.user_data``: no
    component changes the text, and joining it is the costliest step of a rule."""
    text = doc.user_data.get("text")
    if text is None:
        text = doc.user_data["text"] = doc.text
    return text


def make_span(doc: Doc, start: int, end: int, label: str, **attrs) -> Span | None:
    """A span over characters ``start:end`` (expanded to whole tokens) with attributes."""
    span = doc.char_span(start, end, label=label, alignment_mode="expand")
    if span is not None:
        for name, value in attrs.items():
            setattr(span._, name, value)
    return span


def add_entities(doc: Doc, spans) -> list[Span]:
    """Add ``spans`` (None ignored) to ``doc.ents`` in one go. A span that overlaps an
    entity already there, or an earlier span of the list, is dropped: earlier wins."""
    taken = bytearray(len(doc))
    for ent in doc.ents:
        taken[ent.start:ent.end] = b"\x01" * len(ent)
    kept = []
    for span in spans:
        if span is None or any(taken[span.start:span.end]):
            continue
        taken[span.start:span.end] = b"\x01" * len(span)
        kept.append(span)
    if kept:
        doc.set_ents(kept, default="unmodified")
    return kept
