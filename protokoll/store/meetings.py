"""One meeting, however many files hold it (:mod:`protokoll.grouping`).

:func:`file` makes a saved document a source of the stored meeting it records too (or of
a new one) and keeps its parse (``readings``); :func:`serve` writes the meeting's rows
from its main source, reading a kept parse where that source is not the one in hand;
:func:`delete_document` deletes a document and serves its meeting from the next source.

Nothing here depends on the order in which files are saved, given which files make up
the meeting: the main source is chosen by :func:`grouping.rank`; the meeting's id is its
main source's (:func:`meeting_id`), so it moves with the main source, as the ids of the
items and everything under them always did (their rows are written anew then anyway);
a source's ``rule`` is :data:`MAIN` for the main source and, for every other source, the
rule by which it records the same meeting as the main source's reading (:data:`VIA` if
it joined through a source that is no longer the main one and does not match the main
one itself). Which meeting a file joins is decided against the main source's reading:
where "records the same meeting" is not transitive (A like B, B like C, A unlike C) the
grouping itself can still depend on the order; no file of the corpus does that.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import zlib
from collections import OrderedDict

import orjson

from protokoll import grouping
from protokoll.parsers.spans import with_spans
from protokoll.records import Protocol, child_id, to_dict
from protokoll.store import cases
from protokoll.store.rows import canonical_rows, meeting_rows
from protokoll.store.sql import insert

MAIN = "main source"
VIA = "same meeting as another of its sources"


def meeting_id(main_source: str) -> str:
    """The id of a meeting: a child id of its main source's document id."""
    return child_id(main_source, "meeting")


def file(db, doc_id: str, protocol: Protocol) -> None:
    """Make the document a source of its meeting (:mod:`protokoll.grouping`): of a meeting
    already stored that it records too, or of a new one; then serve the meeting's main
    source. The parse is kept (``readings``) to serve it if the main source goes away."""
    mine = functools.cache(lambda: grouping.reading(protocol))  # only if a stored meeting is like it
    found, rule = _same_meeting(db, protocol, mine)
    if found is None:
        found, rule = meeting_id(doc_id), MAIN
    insert(db, "meeting_sources", [{
        "document_id": doc_id, "meeting_id": found, "main": 0, "items": len(protocol.items),
        "rule": rule,
    }])
    blob = zlib.compress(kept_json(protocol), 1)
    insert(db, "readings", [{"document_id": doc_id, "protocol": blob}])
    if mine.cache_info().currsize:
        _remember((doc_id, len(blob), zlib.crc32(blob)), mine())
    serve(db, found, (doc_id, protocol))


def kept_json(protocol: Protocol) -> bytes:
    """The parse as it is kept: :func:`~protokoll.records.to_dict`'s JSON, written by orjson
    from the records themselves (a tenth of the time of ``to_dict`` and ``json.dumps``), and
    by the standard library where orjson cannot (an integer past 64 bits). Without the path
    it was read at: the document's paths are its own rows, and which copy of the same bytes
    was read first is no part of the parse (:func:`reading`). ``default=repr``: a value that
    is not JSON fails where it is stored as a row, not here."""
    protocol = dataclasses.replace(protocol, source=dataclasses.replace(protocol.source, path=None))
    try:
        return orjson.dumps(protocol, default=repr)
    except orjson.JSONEncodeError:
        return json.dumps(to_dict(protocol), ensure_ascii=False, default=repr).encode("utf-8")


def _loads(blob: bytes):
    """A kept parse's JSON: orjson, or the standard library for what orjson does not read
    (NaN, written by ``json.dumps`` before orjson kept the parses)."""
    text = zlib.decompress(blob)
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def _same_meeting(db, protocol: Protocol, mine) -> tuple[str | None, str | None]:
    """The stored meeting that ``protocol`` records too (compared with the reading that
    meeting serves), and the rule that matched; (None, None) if there is none.

    Candidates share the date (an index lookup: a day has few meetings). Undated ones
    must also share the body as written: an archive may hold thousands of undated
    protocols, and comparing each new one with all of them would grow with the square."""
    date, body = protocol.meeting.date, protocol.meeting.body
    if date is None and not body:
        return None, None  # nothing to go by (grouping.same_meeting)
    where = "meetings.date = ?" if date else "meetings.date IS NULL AND meetings.body = ?"
    for found, served_body, kind, served_doc in db.execute(
        "SELECT meetings.id, meetings.body, documents.kind, meetings.document_id FROM meetings "
        f"JOIN documents ON documents.id = meetings.document_id WHERE {where} ORDER BY meetings.id",
        [date or body],
    ).fetchall():
        if body and served_body and not grouping.bodies_alike(body, served_body):
            continue  # before reading the items
        served = _kept_reading(db, served_doc) or grouping.Reading(kind, served_body, date, tuple(
            grouping.item(*row) for row in db.execute(
                "SELECT number, title, text FROM items WHERE meeting_id = ? ORDER BY position", [found])))
        rule = grouping.same_meeting(mine(), served)
        if rule:
            return found, rule
    return None, None


def serve(db, current: str, new: tuple[str, Protocol] | None = None) -> None:
    """Serve the meeting ``current`` from its main source (:func:`grouping.rank`), writing
    that source's rows, under the id :func:`meeting_id` gives it, if it is not the one
    served; delete the meeting if no source is left.

    ``new`` is a source's id and protocol in hand. A meeting served from a database older
    than version 5 has no kept reading of that source: it stays as it is."""
    sources = db.execute(
        "SELECT meeting_sources.document_id, documents.kind, meeting_sources.items, documents.format, "
        "documents.sha256, readings.protocol IS NOT NULL FROM meeting_sources "
        "JOIN documents ON documents.id = meeting_sources.document_id "
        "LEFT JOIN readings ON readings.document_id = meeting_sources.document_id "
        "WHERE meeting_sources.meeting_id = ?", [current]).fetchall()
    row = db.execute("SELECT document_id FROM meetings WHERE id = ?", [current]).fetchone()
    served = row[0] if row else None
    if not sources:
        old = cases.of_meeting(db, current)
        db.execute("DELETE FROM meetings WHERE id = ?", [current])
        cases.refresh(db, old)
        return
    kept = {doc for doc, *_rest, has_reading in sources if has_reading}
    if served and served not in kept:
        return
    best = min((s for s in sources if s[0] in kept), key=lambda s: grouping.rank(*s[1:5]))[0]
    if best == served:
        return
    old = cases.of_meeting(db, current)
    if served:
        db.execute("DELETE FROM entities WHERE document_id = ?", [served])
        db.execute("DELETE FROM meetings WHERE id = ?", [current])
    protocol = new[1] if new and new[0] == best else reading(db, best)
    now = meeting_id(best)
    for table, canonical in canonical_rows(protocol).items():
        insert(db, table, canonical, ignore=True)  # counted when the file was saved; here only made sure of
    rows = meeting_rows(best, protocol, now)
    for table, table_rows in rows.items():
        insert(db, table, table_rows)
    cases.refresh(db, old | {item["case_id"] for item in rows["items"]})
    db.execute("UPDATE meeting_sources SET meeting_id = ?, main = (document_id = ?) WHERE meeting_id = ?",
               [now, best, current])
    _rules(db, now, best)


def _rules(db, meeting: str, best: str) -> None:
    """Each source's rule against the meeting's new main source (module docstring); the
    sources without a kept reading (stored before version 5) keep theirs."""
    rules, served = [], None
    for (doc_id,) in db.execute(
            "SELECT meeting_sources.document_id FROM meeting_sources JOIN readings USING (document_id) "
            "WHERE meeting_sources.meeting_id = ?", [meeting]).fetchall():
        if doc_id == best:
            rules.append((MAIN, doc_id))
            continue
        served = served or _kept_reading(db, best)  # a meeting of one source compares nothing
        other = _kept_reading(db, doc_id)
        rules.append((grouping.same_meeting(other, served) or VIA, doc_id))
    db.conn.executemany("UPDATE meeting_sources SET rule = ? WHERE document_id = ?", rules)


def reading(db, doc_id: str) -> Protocol:
    """The kept parse of a source, its source's path the document's (``documents.path``);
    a reading stored before ``Decision.spans`` gets its clauses' spans from the parser's
    function here, once."""
    blob, path = db.execute("SELECT readings.protocol, documents.path FROM readings JOIN documents "
                            "ON documents.id = readings.document_id WHERE document_id = ?", [doc_id]).fetchone()
    protocol = with_spans(Protocol.from_dict(_loads(blob)))
    return dataclasses.replace(protocol, source=dataclasses.replace(protocol.source, path=path))


# What grouping.same_meeting needs of the kept parses used last, by document id and the
# kept bytes (so a parse kept anew under the same id is never answered from here): every
# file of a meeting is compared with its main source, which is then read once, not per
# file. A reading's word sets take ~100 kB: 8 of them, the files of a meeting usually
# coming one after another (512 held 16 MB in the writer after 150 protocols).
_READINGS: OrderedDict[tuple[str, int, int], grouping.Reading] = OrderedDict()
_READINGS_KEPT = 8


def _remember(key: tuple[str, int, int], reading_: grouping.Reading) -> None:
    _READINGS[key] = reading_
    _READINGS.move_to_end(key)
    while len(_READINGS) > _READINGS_KEPT:
        _READINGS.popitem(last=False)


def _kept_reading(db, doc_id: str) -> grouping.Reading | None:
    """What :func:`grouping.same_meeting` needs of a kept parse, without making records of
    it; None for a source without one (stored before version 5)."""
    row = db.execute("SELECT protocol FROM readings WHERE document_id = ?", [doc_id]).fetchone()
    if row is None:
        return None
    key = (doc_id, len(row[0]), zlib.crc32(row[0]))
    if key in _READINGS:
        _READINGS.move_to_end(key)  # used last: kept longest
        return _READINGS[key]
    p = _loads(row[0])
    meeting = p.get("meeting") or {}
    reading_ = grouping.Reading(p.get("kind"), meeting.get("body"), meeting.get("date"), tuple(
        grouping.item(it.get("number"), it.get("title"), it.get("text")) for it in p.get("items", ())))
    _remember(key, reading_)
    return reading_


def delete_document(db, doc_id: str) -> None:
    """Delete a document and everything under it; if its meeting was served from it,
    serve the meeting from its next best source (or delete it, if none is left)."""
    row = db.execute("SELECT meeting_id FROM meeting_sources WHERE document_id = ?", [doc_id]).fetchone()
    old = cases.of_document(db, doc_id)
    db.execute("DELETE FROM documents WHERE id = ?", [doc_id])
    if row:
        serve(db, row[0])
    cases.refresh(db, old)
