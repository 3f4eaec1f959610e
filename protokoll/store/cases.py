"""Cases across meetings: the ``cases`` table and each item's ``case_id``.

An item's case is its diarienummer's key (:func:`protokoll.parsers.dnr.case_key`: "KS
KF/2024:167" and "KF/2024:167" are both "KF 2024:167") within its organisation
(``meetings.organisation``, as the protocol names itself: :mod:`protokoll.parsers.organisation`):
two municipalities' "KS 2024:388" are two cases. Where a meeting's organisation is not
known, its keys are scoped to the meeting itself, so they never join another meeting's
(not even one of the same body: two archives' "Kommunstyrelsen" may be two
municipalities'); the case then holds that meeting's items only.

``cases`` is a summary of the stored items, the same whatever order files were saved in:
:func:`refresh` writes each named case's row anew from the items that carry its id
(spellings sorted, bodies in the order they first dealt with it) and deletes it when no
item is left; the store calls it for the cases of every meeting it serves or deletes.
"""

from __future__ import annotations

import json

from protokoll.parsers.dnr import case_key
from protokoll.records import stable_id

MEETING_SCOPE = "meeting"  # the scope of a case whose meeting's organisation is unknown
_CHUNK = 500  # ids per statement (SQLite's variable limit)


def case_id(organisation: str | None, meeting_id: str, dnr: str | None) -> str | None:
    """The id of an item's case: a stable id of its organisation and key, or of the
    meeting and key where the organisation is unknown; None for an item without a Dnr."""
    key = case_key(dnr)
    if key is None:
        return None
    return stable_id("case", organisation, key) if organisation else stable_id("case", MEETING_SCOPE, meeting_id, key)


def of_meeting(db, meeting_id: str) -> set[str]:
    """The case ids of a stored meeting's items."""
    return {r[0] for r in db.execute(
        "SELECT DISTINCT case_id FROM items WHERE meeting_id = ? AND case_id IS NOT NULL", [meeting_id])}


def of_document(db, doc_id: str) -> set[str]:
    """The case ids of the items of the meetings a document serves."""
    return {r[0] for r in db.execute(
        "SELECT DISTINCT items.case_id FROM items JOIN meetings ON meetings.id = items.meeting_id "
        "WHERE meetings.document_id = ? AND items.case_id IS NOT NULL", [doc_id])}


def refresh(db, ids) -> None:
    """Write the ``cases`` rows of ``ids`` anew from the stored items (module docstring)."""
    ids = sorted(set(filter(None, ids)))
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        marks = ", ".join("?" * len(chunk))
        found: dict[str, list] = {}
        for row in db.execute(
                "SELECT items.case_id, items.dnr, meetings.date, meetings.body, meetings.organisation, meetings.id "
                f"FROM items JOIN meetings ON meetings.id = items.meeting_id WHERE items.case_id IN ({marks})", chunk):
            found.setdefault(row[0], []).append(row[1:])
        db.execute(f"DELETE FROM cases WHERE id IN ({marks})", chunk)
        rows = [_row(case, found[case]) for case in chunk if case in found]
        if rows:
            db.conn.executemany(f"INSERT INTO cases ({', '.join(rows[0])}) VALUES ({', '.join('?' * len(rows[0]))})",
                                [list(r.values()) for r in rows])


def _row(case: str, items: list[tuple]) -> dict:
    """One case's row from its items' (dnr, date, body, organisation, meeting id)."""
    dates = sorted(d for _, d, *_ in items if d)
    first_seen: dict[str, str] = {}
    for _, date, body, *_ in sorted(items, key=lambda r: (r[1] or "9999", r[2] or "")):
        if body and body not in first_seen:
            first_seen[body] = date
    return {
        "id": case, "organisation": min((o for *_, o, _m in items if o), default=None),
        "key": min(case_key(dnr) for dnr, *_ in items),
        "dnr": json.dumps(sorted({dnr for dnr, *_ in items}), ensure_ascii=False),
        "first_date": dates[0] if dates else None, "last_date": dates[-1] if dates else None,
        "items": len(items), "meetings": len({m for *_, m in items}),
        "bodies": json.dumps(list(first_seen), ensure_ascii=False),
    }


def backfill(db) -> None:
    """Every stored item's ``case_id`` from its stored ``dnr`` and its meeting's
    organisation, and every case's row (a migration's backfill: exact, as the keys are
    the stored numbers')."""
    rows = db.execute(
        "SELECT items.id, items.dnr, meetings.organisation, meetings.id FROM items "
        "JOIN meetings ON meetings.id = items.meeting_id WHERE items.dnr IS NOT NULL").fetchall()
    updates = [(case, item, case) for item, dnr, org, meeting in rows
               if (case := case_id(org, meeting, dnr)) is not None]
    # (an item already right is left alone: an update re-indexes its text for search)
    db.conn.executemany("UPDATE items SET case_id = ? WHERE id = ? AND case_id IS NOT ?", updates)
    refresh(db, [c for c, *_ in updates])
