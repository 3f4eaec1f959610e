"""The records every stage passes on: frozen dataclasses, defined once.

``ingest.read(path) -> Document``, ``parsers.parse(doc) -> Protocol``,
``nlp.tag(protocol, nlp) -> Protocol`` and ``store.save(db, protocol)`` all speak
these types. They are immutable (use :func:`dataclasses.replace` to derive a new
one), picklable (the bulk import sends them between processes) and turn into
JSON-ready dicts with :func:`to_dict` / back with ``X.from_dict``.

Sequences are tuples so records stay hashable and immutable.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field
from typing import Any

# Block kinds produced by ingestion.
HEADING = "heading"
PARAGRAPH = "paragraph"
LIST_ITEM = "list_item"
TABLE_ROW = "table_row"
BLOCK_KINDS = (HEADING, PARAGRAPH, LIST_ITEM, TABLE_ROW)

# Attendance statuses.
PRESENT = "present"
SUBSTITUTE = "substitute"
ABSENT = "absent"
OFFICIAL = "official"
ATTENDANCE_STATUSES = (PRESENT, SUBSTITUTE, ABSENT, OFFICIAL)

# Decision kinds and outcomes.
DECISION_KINDS = ("decision", "proposal")
OUTCOMES = ("decided", "referred_back", "tabled", "noted")

# Document kinds: a meeting's protocol, an agenda (föredragningslista, kallelse: its
# items are proposals, never decisions), an extract (protokollsutdrag) of a protocol.
DOCUMENT_KINDS = ("protocol", "agenda", "extract")

# Entity labels.
ENTITY_LABELS = ("PER", "ORG", "MONEY", "DATE")


def stable_id(*parts: Any, length: int = 16) -> str:
    """A short id that is a hash of natural keys, so re-running gives the same id."""
    text = "\x1f".join("" if p is None else str(p) for p in parts)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:length]


def child_id(parent: str, *parts: Any) -> str:
    """The id of a row inside a document: the first 16 characters of ``parent`` (the
    document's id, which every descendant's id starts with) and a :func:`stable_id` of
    ``parent`` and ``parts``.

    The shared prefix keeps one document's rows next to each other in every index on
    an id: saving a document writes a few index pages, not one random page per row.
    """
    return parent[:16] + stable_id(parent, *parts)


@dataclass(frozen=True)
class Source:
    """Where a document came from. ``pages`` is None for formats without pages."""

    path: str
    sha256: str
    format: str  # docx, doc, odt, rtf, pdf, txt, md
    pages: int | None = None
    size: int | None = None


@dataclass(frozen=True)
class Block:
    """One unit of the ordered block stream.

    ``kind`` is one of BLOCK_KINDS. ``text`` is the block's text; for a list item it
    starts with the recovered number ("1. Att utse …") and ``number`` holds that
    number ("1.") or bullet ("-"). For a heading ``level`` is the heading level; for a
    list item its nesting level (0-based). For a table row ``cells`` holds the cell
    texts and ``text`` is them joined by tabs. ``page`` is 1-based, or None.
    """

    kind: str
    text: str
    page: int | None = None
    level: int | None = None
    number: str | None = None
    cells: tuple[str, ...] = ()


@dataclass(frozen=True)
class Document:
    source: Source
    blocks: tuple[Block, ...]
    warnings: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        """The blocks as plain text, one block per line."""
        return "\n".join(b.text for b in self.blocks)

    @classmethod
    def from_dict(cls, d: dict) -> "Document":
        return cls(
            source=Source(**d["source"]),
            blocks=tuple(
                Block(**{**b, "cells": tuple(b.get("cells") or ())}) for b in d["blocks"]
            ),
            warnings=tuple(d.get("warnings") or ()),
        )


@dataclass(frozen=True)
class Meeting:
    body: str | None = None
    date: str | None = None  # YYYY-MM-DD
    start: str | None = None  # HH:MM
    end: str | None = None  # HH:MM
    place: str | None = None
    organisation: str | None = None  # "Lomma kommun", as the protocol names itself (parsers/organisation.py)


@dataclass(frozen=True)
class Attendee:
    name: str
    status: str  # one of ATTENDANCE_STATUSES
    role: str | None = None
    party: str | None = None
    organisation: str | None = None
    paragraphs: tuple[str, ...] = ()  # item numbers ("94", "95", …); empty = all
    canonical: str | None = None  # id of the canonical person (set by nlp.tag)


@dataclass(frozen=True)
class Decision:
    """A decision block. ``page`` is where its first line stands (None without pages):
    a clause is looked for in the item's text from there, as the same words can stand
    on an earlier page too (an earlier treatment's proposal). ``spans``: per clause, its
    ``(start, end)`` in the item's text, or None where it was not found (filled by
    ``parsers.parse``; empty in a record made before the field). ``proposed_to``: the body
    the block proposes to decide, as written ("Kommunstyrelsen föreslår kommunfullmäktige
    besluta": "kommunfullmäktige"); under the "Beslut:" label such a block is the board's
    decision to propose, which only prepares the other body's."""

    by: str | None
    kind: str  # "decision" | "proposal"
    outcome: str  # one of OUTCOMES
    text: str
    clauses: tuple[str, ...] = ()
    page: int | None = None
    spans: tuple[tuple[int, int] | None, ...] = ()
    proposed_to: str | None = None


@dataclass(frozen=True)
class Motion:
    by: str | None
    text: str


@dataclass(frozen=True)
class MemberVote:
    name: str
    vote: str  # "yes" | "no" | "abstain" | "absent"
    canonical: str | None = None  # the person's canonical id (set by the tagger, as an attendee's)


@dataclass(frozen=True)
class Votes:
    yes: int | None = None
    no: int | None = None
    abstain: int | None = None
    members: tuple[MemberVote, ...] = ()
    yes_means: str | None = None  # "bifall till kommunstyrelsens förslag"
    no_means: str | None = None  # "bifall till Annas yrkande"


@dataclass(frozen=True)
class Item:
    """One item (§) of a protocol. ``page`` is the page of its heading; ``pages`` maps
    its ``text`` to pages: ``(offset, page)`` for the first line of the text and for
    every line where a new page starts (empty for formats without pages), so
    :meth:`page_at` gives the page of any offset in ``text``."""

    number: str  # the item's own number: "94", "1", "9a"
    label: str  # as written: "§ 94/24", "1).", "9 a/", "4 §"
    title: str | None = None
    kind: str | None = None  # B/I/D markers → "decision"/"information"/"discussion"
    page: int | None = None
    dnr: str | None = None
    presenters: tuple[str, ...] = ()
    text: str = ""
    decisions: tuple[Decision, ...] = ()
    motions: tuple[Motion, ...] = ()
    votes: Votes | None = None
    reservations: tuple[str, ...] = ()
    conflicts: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    sent_to: tuple[str, ...] = ()
    pages: tuple[tuple[int, int], ...] = ()
    immediate: bool = False  # omedelbart justerad (OJ): justerad at the meeting itself
    posted: str | None = None  # YYYY-MM-DD: the item's own posting, where the item states it

    def page_at(self, offset: int) -> int | None:
        """The page of the character at ``offset`` in ``text``, or None without pages."""
        page = None
        for start, p in self.pages:
            if start > offset:
                break
            page = p
        return page if page is not None or not self.pages else self.pages[0][1]


@dataclass(frozen=True)
class Entity:
    """A tagged span. ``start``/``end`` are character offsets into the text of its item,
    ``item_index`` (the item's position in ``Protocol.items``, as numbers can repeat; None
    for the header/attendance): :meth:`Protocol.item_of` gives the item and its number."""

    label: str  # PER | ORG | MONEY | DATE
    text: str
    start: int
    end: int
    value: Any = None  # MONEY: number in whole units; DATE: ISO string or {"start","end"}
    currency: str | None = None  # SEK | EUR for MONEY
    canonical: str | None = None  # id of the canonical person/organisation
    rule: str | None = None  # which rule or model found / resolved it
    item_index: int | None = None  # position of the item in Protocol.items
    role: str | None = None  # MONEY: decided | breakdown | reference (nlp.roles)
    role_rule: str | None = None  # the rule that chose the role


@dataclass(frozen=True)
class Canonical:
    """A canonical person or organisation: one id across meetings."""

    id: str
    label: str  # PER | ORG
    name: str
    variants: tuple[str, ...] = ()
    rule: str | None = None  # how the variants were merged


@dataclass(frozen=True)
class Posting:
    """The ANSLAG/BEVIS block: the day the justering was announced on the notice board
    (``posted``), the day the notice comes down (``taken_down``), both YYYY-MM-DD, and
    where the protocol is kept (``kept_at``, as written)."""

    posted: str | None = None
    taken_down: str | None = None
    kept_at: str | None = None


@dataclass(frozen=True)
class Protocol:
    source: Source
    meeting: Meeting = field(default_factory=Meeting)
    attendance: tuple[Attendee, ...] = ()
    items: tuple[Item, ...] = ()
    entities: tuple[Entity, ...] = ()
    canonicals: tuple[Canonical, ...] = ()
    warnings: tuple[str, ...] = ()
    kind: str = "protocol"  # one of DOCUMENT_KINDS, from the document's own title
    declared: tuple[str, str] | None = None  # first and last item number the cover states
    posting: Posting | None = None  # the ANSLAG/BEVIS block; None where the protocol has none

    def item_of(self, entity: Entity) -> Item | None:
        """The entity's item (None for the header/attendance or a position out of range)."""
        i = entity.item_index
        return self.items[i] if i is not None and 0 <= i < len(self.items) else None

    @classmethod
    def from_dict(cls, d: dict) -> "Protocol":
        def items(x):
            for it in x:
                votes = it.get("votes")
                yield Item(
                    **{
                        **it,
                        "presenters": tuple(it.get("presenters") or ()),
                        "decisions": tuple(
                            Decision(**{**dd, "clauses": tuple(dd.get("clauses") or ()),
                                        "spans": tuple(None if s is None else tuple(s) for s in dd.get("spans") or ())})
                            for dd in it.get("decisions") or ()
                        ),
                        "motions": tuple(Motion(**m) for m in it.get("motions") or ()),
                        "votes": None
                        if votes is None
                        else Votes(
                            **{
                                **votes,
                                "members": tuple(
                                    MemberVote(**m) for m in votes.get("members") or ()
                                ),
                            }
                        ),
                        "reservations": tuple(it.get("reservations") or ()),
                        "conflicts": tuple(it.get("conflicts") or ()),
                        "notes": tuple(it.get("notes") or ()),
                        "sent_to": tuple(it.get("sent_to") or ()),
                        "pages": tuple(tuple(x) for x in it.get("pages") or ()),
                    }
                )

        parsed = tuple(items(d.get("items") or ()))
        first: dict[str, int] = {}
        for i, it in enumerate(parsed):
            first.setdefault(it.number, i)
        return cls(
            source=Source(**d["source"]),
            meeting=Meeting(**(d.get("meeting") or {})),
            attendance=tuple(
                Attendee(**{**a, "paragraphs": tuple(a.get("paragraphs") or ())})
                for a in d.get("attendance") or ()
            ),
            items=parsed,
            entities=tuple(_entity(e, first) for e in d.get("entities") or ()),
            canonicals=tuple(
                Canonical(**{**c, "variants": tuple(c.get("variants") or ())})
                for c in d.get("canonicals") or ()
            ),
            warnings=tuple(d.get("warnings") or ()),
            kind=d.get("kind") or "protocol",
            declared=tuple(d["declared"]) if d.get("declared") else None,
            posting=Posting(**d["posting"]) if d.get("posting") else None,
        )


def _entity(e: dict, first: dict[str, int]) -> Entity:
    """An entity from its dict; a record from before ``Entity.item_index`` named its item
    by number only (``item``): the position of the first item with that number."""
    e = dict(e)
    number = e.pop("item", None)
    if e.get("item_index") is None and number is not None:
        e["item_index"] = first.get(number)
    return Entity(**e)


def to_dict(record: Any) -> Any:
    """A record as JSON-ready dicts and lists (tuples become lists)."""
    if dataclasses.is_dataclass(record) and not isinstance(record, type):
        return {f.name: to_dict(getattr(record, f.name)) for f in dataclasses.fields(record)}
    if isinstance(record, (list, tuple)):
        return [to_dict(x) for x in record]
    if isinstance(record, dict):
        return {k: to_dict(v) for k, v in record.items()}
    return record
