"""The case page ``/<database>/arende/<case id>`` (``.json`` too): every item of one case
(one diarienummer in one organisation, :mod:`protokoll.store.cases`) across bodies and
meetings in date order (the committee's beredning, kommunstyrelsen's proposal,
kommunfullmäktige's decision), each with its decisions and their *att*-clauses in short,
a link to the item's row page and one to its source page (the file at the item's page
where the server has an archive, else the document's row).

Linked from the ``cases`` table's keys, the register's ``case_key`` cells and an item's
row page (:func:`case_url`).
"""

from __future__ import annotations

import json

from datasette.utils import tilde_encode
from datasette.utils.asgi import Response

from protokoll.web.source import archive, row_links, viewable

CLAUSE_CHARS = 240  # a clause longer than this is cut, with "…"
ROUTE = r"^/(?P<database>[^/.]+)/arende/(?P<case>[0-9a-f]+)(\.(?P<format>json))?$"

_ITEMS = """
select items.id, items.label, items.title, items.dnr, items.page, meetings.date, meetings.body,
       meetings.id as meeting_id, documents.id as document_id, documents.path as source, documents.kind
from items join meetings on meetings.id = items.meeting_id join documents on documents.id = meetings.document_id
where items.case_id = :case
order by meetings.date is null, meetings.date, meetings.body, items.position
"""
_CLAUSES = """
select decisions.id as decision_id, decisions."by", decisions.kind, decisions.outcome, clauses.text,
       case when decisions.preparatory then decisions.proposed_to end as proposed_to
from decisions left join clauses on clauses.decision_id = decisions.id
where decisions.item_id = :item order by decisions.position, clauses.position
"""


def case_url(datasette, database: str, case_id: str) -> str:
    """The URL of a case's page."""
    return datasette.urls.path(f"/{database}/arende/{case_id}")


def short(text: str | None, limit: int = CLAUSE_CHARS) -> str:
    """A clause in short: its whitespace collapsed, cut at a word before ``limit``."""
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + " …"


async def case_page(datasette, request):
    """The route: the case's page, or 404 for a database or case that is not there."""
    name = request.url_vars["database"]
    if not await viewable(datasette, request, name):
        return Response.text("Not found", status=404)
    db = datasette.get_database(name)
    found = await case_of(db, request.url_vars["case"])
    if found is None:
        return Response.text("Not found", status=404)
    archived = archive(datasette) is not None
    for item in found["items"]:
        row_links(datasette, name, item, archived=archived, item="id")
    if request.url_vars.get("format") == "json":
        return Response.json(found)
    return Response.html(await datasette.render_template("protokoll_case.html", {
        **found, "database": name,
        "case_row_url": datasette.urls.row(name, "cases", tilde_encode(found["case"]["id"])),
    }, request=request))


async def case_of(db, case_id: str) -> dict | None:
    """The case's row and its items in date order, each with its decisions and their
    clauses in short (:func:`short`); None if there is no such case."""
    rows = (await db.execute("select * from cases where id = :case", {"case": case_id})).rows
    if not rows:
        return None
    items = [dict(r) for r in (await db.execute(_ITEMS, {"case": case_id})).rows]
    for item in items:
        decisions: dict[str, dict] = {}
        for r in (await db.execute(_CLAUSES, {"item": item["id"]})).rows:
            d = decisions.setdefault(r["decision_id"], {
                "by": r["by"], "kind": r["kind"], "outcome": r["outcome"], "proposed_to": r["proposed_to"],
                "clauses": []})
            if r["text"]:
                d["clauses"].append(short(r["text"]))
        item["decisions"] = list(decisions.values())
    case = dict(rows[0])
    return {"case": case, "spellings": json.loads(case["dnr"] or "[]"), "items": items}
