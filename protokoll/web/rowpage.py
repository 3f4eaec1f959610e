"""Row pages and the home page: what their templates show beyond Datasette's own.

* :func:`row_page`: a clause's, decision's, item's or meeting's page is titled by its
  item (never an id) and links up to decision, item, meeting and source file
  (:func:`upward` finds them), and to the item's case page (:mod:`protokoll.web.cases`).
* :func:`home_vars`: per database with a register, the links to its register, search
  and check pages, appeal query, cases, people and feed.
"""

from __future__ import annotations

from pathlib import Path

from datasette.utils import tilde_encode, urlsafe_components

from protokoll.web.cases import case_url
from protokoll.web.register import REGISTER
from protokoll.web.source import archive, source_url


async def home_vars(datasette, request) -> dict:
    """Per database with a register: the URLs of the register, search and check pages, the
    decisions still open to appeal, the cases, the people and the feed of new decisions;
    with more than one (a folder of shards), the URL of the search of all of them."""
    links = []
    for name, db in datasette.databases.items():
        if name != "_internal" and REGISTER in await db.view_names():
            links.append({"name": name, "register": datasette.urls.table(name, REGISTER),
                          "search": datasette.urls.path(f"/{name}/sok"),
                          "check": datasette.urls.table(name, "documents_to_check"),
                          "appeal": datasette.urls.path(f"/{name}/overklagbara"),
                          "cases": datasette.urls.table(name, "cases"),
                          "people": datasette.urls.table(name, "people"),
                          "feed": datasette.urls.path(f"/{name}/nya_beslut.atom")})
    everything = datasette.urls.path("/-/sok") if len(links) > 1 else None
    return {"protokoll_home": links, "protokoll_search_all": everything}


async def row_vars(datasette, database, table, request) -> dict:
    """The row page's template variables (source links only with an archive)."""
    return await row_page(datasette, database, table, request, archived=archive(datasette) is not None)


async def row_page(datasette, database: str, table: str, request, *, archived: bool) -> dict:
    """A row page's title and links up to its decision, item, meeting and source file."""
    pks = urlsafe_components(request.url_vars.get("pks", ""))
    found = await upward(datasette.get_database(database), table, pks[0]) if len(pks) == 1 else None
    if found is None:
        return {"protokoll_row": None}
    links = []
    for name, label in (("decision", "Beslut"), ("item", "Paragraf"), ("meeting", "Sammanträde")):
        if found[name] and table != name + "s":
            links.append((label, datasette.urls.row(database, name + "s", tilde_encode(found[name]["id"])),
                          row_label(name, found)))
    item = found["item"]
    if item and item.get("case_id"):
        rows = (await datasette.get_database(database).execute(
            "select key from cases where id = :id", {"id": item["case_id"]})).rows
        if rows:
            links.append(("Ärende", case_url(datasette, database, item["case_id"]), rows[0][0]))
    document = found["document"]
    if document and table != "documents":
        page = found["page"]
        url = (source_url(datasette, database, document["id"], page) if archived
               else datasette.urls.row(database, "documents", tilde_encode(document["id"])))
        links.append(("Källa", url,
                      Path(str(document["path"] or document["id"])).name + (f", s. {page}" if page else "")))
    return {"protokoll_row": {"title": found["title"], "links": links}}


def row_label(name: str, found: dict) -> str:
    if name == "item":
        return " ".join(filter(None, [found["item"].get("label"), found["item"].get("title")]))
    if name == "meeting":
        return " ".join(filter(None, [found["meeting"].get("body"), found["meeting"].get("date")]))
    return f"{found['decision'].get('by') or 'beslut'} ({found['decision'].get('outcome') or ''})"


async def upward(db, table: str, pk: str) -> dict | None:
    """A row page's title and the rows above it: ``title``, ``decision``, ``item``,
    ``meeting``, ``document`` (dicts of those rows), ``page`` (of the clause if the
    clauses table has pages, else of its item), ``position`` (of the clause or decision)."""
    found: dict = {}

    async def one(name, key):
        rows = (await db.execute(f"select * from [{name}] where id = :id", {"id": key})).rows
        found[name] = dict(rows[0]) if rows else None
        return found[name]

    row = await one(table, pk) if table in ("clauses", "decisions", "items", "meetings") else None
    if row is None:
        return None
    if table == "clauses" and await one("decisions", row["decision_id"]):
        row = found["decisions"]
    if table in ("clauses", "decisions") and await one("items", row["item_id"]):
        row = found["items"]
    if table in ("clauses", "decisions", "items") and await one("meetings", row["meeting_id"]):
        row = found["meetings"]
    if found.get("meetings"):
        await one("documents", found["meetings"]["document_id"])
    item, meeting = found.get("items"), found.get("meetings") or {}
    clause = found.get("clauses")
    page = (clause or {}).get("page") or (item or {}).get("page")
    if item:
        title = " ".join(filter(None, [item.get("label"), item.get("title")]))
    else:
        title = " ".join(filter(None, [meeting.get("body"), meeting.get("date")])) or "Sammanträde"
    if table == "clauses":
        title += f": att-sats {clause['position'] + 1}" if clause.get("position") is not None else ""
    elif table == "decisions":
        title += ": beslut"
    return {"title": title or pk, "decision": found.get("decisions"), "item": item,
            "meeting": found.get("meetings"), "document": found.get("documents"), "page": page}
