"""Span attributes the tagging components share, and how they add entities to a Doc."""

from __future__ import annotations

import functools

import numpy
from spacy.attrs import ENT_IOB, IDX
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


def capitalised(doc: Doc) -> list[int]:
    """Indices of the tokens that start with a capital letter, found once per Doc from
    the token offsets (no Token objects). Names start with one, so the person rules look
    at these tokens only. Components run after ``sv_numbers`` merges numbers and never
    retokenise, so the list stays valid; it is rebuilt if the length changed anyway."""
    cached = doc.user_data.get("capitalised")
    if cached is None or cached[0] != len(doc):
        found = []
        if len(doc):
            text = doc_text(doc)
            codes = numpy.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=numpy.uint32)
            first = codes[doc.to_array(IDX)]  # the first character of every token
            upper = _upper_bmp()[numpy.minimum(first, 0xFFFF)]
            astral = first > 0xFFFF  # outside the table: ask Python
            upper[astral] = [chr(c).isupper() for c in first[astral].tolist()]
            found = numpy.flatnonzero(upper).tolist()
        cached = doc.user_data["capitalised"] = (len(doc), found)
    return cached[1]


@functools.cache
def _upper_bmp():
    """``chr(c).isupper()`` for every code point of the Basic Multilingual Plane."""
    return numpy.array([chr(c).isupper() for c in range(0x10000)], dtype=bool)


def in_entity(doc: Doc) -> bytearray:
    """One byte per token: 1 inside an entity (IOB tag B or I), else 0. Read from the
    token array, which is much cheaper than building ``doc.ents``."""
    if not len(doc):
        return bytearray()
    iob = doc.to_array(ENT_IOB)
    return bytearray(((iob == 1) | (iob == 3)).astype("uint8").tobytes())


def make_span(doc: Doc, start: int, end: int, label: str, **attrs) -> Span | None:
    """A span over characters ``start:end`` (expanded to whole tokens) with attributes.

    The attributes go straight into ``doc.user_data`` under the key ``span._`` uses
    (:func:`attribute_key`): each ``span._`` builds a new Underscore and each attribute
    set through it costs about as much as the span itself, and the rules make a span
    with two to four attributes for every candidate they find."""
    span = doc.char_span(start, end, label=label, alignment_mode="expand")
    if span is not None and attrs:
        data, start_char, end_char = doc.user_data, span.start_char, span.end_char
        for name, value in attrs.items():
            if name not in SPAN_ATTRIBUTES:
                raise AttributeError(f"unregistered span attribute {name!r}")
            data[attribute_key(name, start_char, end_char)] = value
    return span


def attribute_key(name: str, start_char: int, end_char: int) -> tuple:
    """Where spaCy keeps ``span._.<name>`` of the span over ``start_char:end_char``:
    ``doc.user_data[("._.", name, start_char, end_char)]`` (``Underscore._get_key``;
    a test checks that ``span._`` reads what is written here)."""
    return ("._.", name, start_char, end_char)


def add_entities(doc: Doc, spans) -> list[Span]:
    """Add ``spans`` (None ignored) to ``doc.ents`` in one go. A span that overlaps an
    entity already there, or an earlier span of the list, is dropped: earlier wins.
    Most calls have no span to add (no acronym, no date in an item, …): they return
    before reading the token array."""
    spans = [span for span in spans if span is not None]
    if not spans:
        return []
    taken = in_entity(doc)
    kept = []
    for span in spans:
        if any(taken[span.start:span.end]):
            continue
        taken[span.start:span.end] = b"\x01" * len(span)
        kept.append(span)
    if kept:
        doc.set_ents(kept, default="unmodified")
    return kept
