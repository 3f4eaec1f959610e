"""Parsing: a Document into a Protocol (meeting, attendance, items, decisions). Pure: no I/O.

    >>> from protokoll import ingest, parsers
    >>> protocol = parsers.parse(ingest.read("samples/lsvo-2024-12-13.md"))
    >>> protocol.items[0].label, protocol.items[0].decisions[0].clauses[0][:10]
    ('§ 94/24', 'att utse A')

Four layouts are known (regional "§ 94/24", working-group "1). Title (B)", Swedish
municipal "§ 42 Title" with Dnr and Yrkanden, Finland-Swedish "4 §"); any other text
parses to whatever was found, with warnings. :func:`parse` never raises.
"""

from __future__ import annotations

import dataclasses

from protokoll.records import Document, Item, Protocol

from . import attendance as _attendance
from . import body as _body
from . import cover as _cover
from . import items as _items
from . import meeting as _meeting
from . import posting as _posting
from . import organisation as _organisation
from . import spans as _spans
from .lines import Line, to_lines

__all__ = ["parse"]


def parse(doc: Document) -> Protocol:
    """The structure of a protocol: meeting, attendance, items with their decisions."""
    lines = to_lines(doc)
    split = _items.split(lines)
    items = []
    for header, lines_ in zip(split.headers, split.bodies):
        b = _body.parse(lines_)
        items.append(
            Item(
                number=header.number,
                label=header.label,
                title=header.title,
                kind=header.kind,
                page=header.page,
                dnr=header.dnr or b.dnr,
                presenters=tuple(b.presenters),
                text="\n".join(ln.text for ln in lines_),
                decisions=tuple(b.decisions),
                motions=tuple(b.motions),
                votes=b.votes,
                reservations=tuple(b.reservations),
                conflicts=tuple(b.conflicts),
                notes=tuple(b.notes),
                sent_to=tuple(b.sent_to),
                pages=_pages(lines_),
                **_immediate(header, lines[header.start:header.body_start], lines_),
            )
        )
    flds = _meeting.fields(split.front)
    makers = [d.by for it in items for d in it.decisions if d.kind == "decision"]
    # The cover: the lines before the first item (a document without items: its start).
    cover = lines[: split.headers[0].index if split.headers else _cover.MAX_COVER][: _cover.MAX_COVER]
    kind = _cover.kind(cover, lines)
    if kind == _cover.AGENDA:  # nothing is decided yet: every block is a proposal
        items = [_proposals(it) for it in items]
    meeting = dataclasses.replace(_meeting.meeting(split.front, flds, makers), organisation=_organisation.organisation(
        [ln.text for ln in split.front], [ln.text for ln in lines]))
    return _spans.with_spans(Protocol(
        source=doc.source,
        meeting=meeting,
        attendance=tuple(_attendance.attendance(split.front, flds, lines)),
        items=tuple(items),
        warnings=(*doc.warnings, *split.warnings),
        kind=kind,
        declared=_cover.declared(cover),
        posting=_posting.posting(split.front, split.bodies[-1] if split.bodies else ()),
    ))


def _pages(lines: list[Line]) -> tuple[tuple[int, int], ...]:
    """Where each page starts in the item's text (its lines joined by newlines): the
    offset of the first line of the text and of each line on a new page, with the page."""
    out: list[tuple[int, int]] = []
    offset = 0
    for ln in lines:
        if ln.page is not None and (not out or out[-1][1] != ln.page):
            out.append((offset, ln.page))
        offset += len(ln.text) + 1
    return tuple(out)


def _immediate(header, heading_lines: list[Line], lines: list[Line]) -> dict:
    """An item justerad omedelbart (OJ: a marker in its heading lines, or said in its text)
    and the day of its own posting, where it states one."""
    heading = " ".join([header.label, header.title or "", *(ln.text for ln in heading_lines)])
    if not _posting.immediate(heading, "\n".join(ln.text for ln in lines)):
        return {}
    return {"immediate": True, "posted": _posting.item_posting(lines)}


def _proposals(item: Item) -> Item:
    if all(d.kind == "proposal" for d in item.decisions):
        return item
    return dataclasses.replace(
        item, decisions=tuple(dataclasses.replace(d, kind="proposal") for d in item.decisions))
