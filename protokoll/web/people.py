"""The person page ``/<database>/person/<person id>``: one person across meetings.

* the person's name and spellings (``people.name``, ``variants``, ``names``);
* the meetings attended (``attendance``, by person id): date, body, status, role and party,
  so roles and parties over time show, and per body "N of M meetings" (M: the meetings of
  that body whose attendance is listed). An attendee whom a meeting's text never names
  has no person id in that meeting (the store links only the people its tagger found),
  so an attendance row without one counts too when its name as written is one of the
  person's spellings;
* every roll-call vote (``person_votes``) in Swedish (JA, NEJ, AVSTÅR, FRÅNVARANDE) with
  the item, what a yes and a no meant (``votes.yes_means``/``no_means``) and links to the
  item's row page and its source page; reservations and jäv (``conflicts``) likewise.

:func:`person_url` gives the page's URL (cells link person ids and names to it).
"""

from __future__ import annotations

import json

from datasette.utils import tilde_encode
from datasette.utils.asgi import Response

from protokoll.web.source import archive, row_links, viewable

VOTE_WORDS = {"yes": "JA", "no": "NEJ", "abstain": "AVSTÅR", "absent": "FRÅNVARANDE"}
STATUS_WORDS = {"present": "närvarande", "substitute": "tjänstgörande ersättare", "absent": "frånvarande",
                "official": "övrig deltagare"}
ATTENDED = ("present", "substitute")  # the statuses that count as taking part in the meeting

_ITEM = ("i.id AS item_id, i.label AS paragraph, i.title, i.page, m.date, m.body, m.document_id, "
         "d.path AS source")
_JOIN = "JOIN items i ON i.id = x.item_id JOIN meetings m ON m.id = i.meeting_id JOIN documents d ON d.id = m.document_id"


def person_url(datasette, database: str, person_id: str) -> str:
    """The URL of a person's page."""
    return datasette.urls.path(f"/{tilde_encode(database)}/person/{tilde_encode(person_id)}")


async def person_route(datasette, request):
    """The route of the person page (whether items link to source files: an archive)."""
    return await person_page(datasette, request, archived=archive(datasette) is not None)


async def person_page(datasette, request, *, archived: bool):
    """The person page as HTML, or ``.json``; 404 for an unknown database or person."""
    name, person_id = request.url_vars["database"], request.url_vars["person"]
    if not await viewable(datasette, request, name):
        return Response.text("Not found", status=404)
    db = datasette.get_database(name)
    found = await person(db, person_id) if await db.table_exists("people") else None
    if found is None:
        return Response.text("Ingen sådan person / no such person", status=404)
    for row in found["votes"] + found["reservations"] + found["conflicts"] + found["attendance"]:
        row_links(datasette, name, row, archived=archived)
        if "paragraphs" in row:
            row["paragraphs"] = _json(row["paragraphs"], [])
    if request.url_vars.get("format") == "json":
        return Response.json(found)
    return Response.html(await datasette.render_template("protokoll_person.html", {
        **found, "database": name, "row_url": datasette.urls.row(name, "people", tilde_encode(person_id)),
        "json_url": person_url(datasette, name, person_id) + ".json", "vote_words": VOTE_WORDS, "status_words": STATUS_WORDS,
    }, request=request))


async def person(db, person_id: str) -> dict | None:
    """Everything the page shows of a person, or None if there is no such person."""
    rows = (await db.execute("SELECT id, name, variants, names FROM people WHERE id = :id", {"id": person_id})).rows
    if not rows:
        return None
    row = rows[0]
    spellings = sorted({row["name"], *_json(row["variants"], []), *_json(row["names"], {})} - {None, ""})
    attendance = await _attendance(db, person_id, spellings)
    tables = set(await db.table_names())
    votes = await _rows(db, "SELECT x.vote, x.name AS written, v.yes_means, v.no_means, " + _ITEM +
                        " FROM person_votes x " + _JOIN + " LEFT JOIN votes v ON v.item_id = i.id "
                        "WHERE x.person_id = :id ORDER BY m.date, m.body, i.position, x.position",
                        person_id) if "person_votes" in tables else []
    named = {}
    for table in ("reservations", "conflicts"):
        named[table] = [] if table not in tables else await _rows(
            db, f"SELECT x.name AS written, {_ITEM} FROM {table} x {_JOIN} WHERE x.person_id = :id "
                "ORDER BY m.date, m.body, i.position", person_id)
    for vote in votes:
        vote["vote_word"] = VOTE_WORDS.get(vote["vote"], vote["vote"])
    return {"id": row["id"], "name": row["name"], "spellings": spellings, "attendance": attendance,
            "bodies": await _bodies(db, attendance), "votes": votes, **named}


async def _attendance(db, person_id: str, spellings: list[str]) -> list[dict]:
    """The person's attendance rows, oldest meeting first: by person id, and rows without
    one whose name as written is one of the person's spellings (case and spaces aside)."""
    keys = json.dumps(sorted({" ".join(s.lower().split()) for s in spellings}), ensure_ascii=False)
    return await _rows(
        db, "SELECT a.id AS attendance_id, a.name AS written, a.status, a.role, a.party, a.paragraphs, "
            "a.person_id IS NULL AS by_name, m.id AS meeting_id, m.date, m.body, m.document_id, d.path AS source "
            "FROM attendance a JOIN meetings m ON m.id = a.meeting_id JOIN documents d ON d.id = m.document_id "
            "WHERE a.person_id = :id OR (a.person_id IS NULL AND lower(trim(a.name)) IN "
            "(SELECT value FROM json_each(:keys))) ORDER BY m.date, m.body, a.position", person_id, keys=keys)


async def _bodies(db, attendance: list[dict]) -> list[dict]:
    """Per body the person is listed in: the meetings attended (present or serving as a
    substitute) of the body's meetings whose attendance is listed."""
    out = []
    for body in sorted({a["body"] for a in attendance}, key=lambda b: (b or "").lower()):
        listed = (await db.execute(
            "SELECT count(*) FROM meetings m WHERE m.body IS :body "
            "AND EXISTS (SELECT 1 FROM attendance a WHERE a.meeting_id = m.id)", {"body": body})).rows[0][0]
        attended = len({a["meeting_id"] for a in attendance if a["body"] == body and a["status"] in ATTENDED})
        out.append({"body": body, "attended": attended, "meetings": listed})
    return out


async def _rows(db, sql: str, person_id: str, **params) -> list[dict]:
    return [dict(r) for r in (await db.execute(sql, {"id": person_id, **params})).rows]


def _json(text, default):
    try:
        return json.loads(text) if text else default
    except ValueError:
        return default
