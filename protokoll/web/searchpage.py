"""The search page ``/<database>/sok?q=`` (``.json`` too), and the Swedish search of
Datasette's own search box (:func:`swedish_fts`, registered as ``escape_fts``).

:func:`search_items`: every item (title and text) whose words match, the number of
hits, one page of them with the matched words marked. ``/-/sok`` (:func:`search_all`)
searches every served database (the shards of ``ingest --shard-by``), newest meeting
first, each hit naming its database.
"""

from __future__ import annotations

import re
from pathlib import Path

from datasette.database import QueryInterrupted
from datasette.utils import path_with_replaced_args, tilde_encode
from datasette.utils.asgi import Response
from markupsafe import Markup, escape

from protokoll import search
from protokoll.web.source import archive, source_url


def swedish_fts(q: str) -> str:
    """The Swedish rewrite of a search; '""' (matches nothing) when nothing is searchable,
    so an empty or one-letter search shows no rows instead of an FTS syntax error."""
    return search.fts_expression(q) or '""'


PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
COUNT_CAP = 10_000  # beyond this the page says "more than 10 000" instead of counting on
MARK_START, MARK_END = "\x02", "\x03"
SEARCH_SQL = f"""
select items.id as item_id, items.label as paragraph, items.title, items.page,
       meetings.date, meetings.body, documents.id as document_id, documents.path as source,
       documents.kind, highlight(items_fts, 0, char(2), char(3)) as marked_title,
       highlight(items_fts, 1, char(2), char(3)) as snippet
from items_fts
join items on items.rowid = items_fts.rowid
join meetings on meetings.id = items.meeting_id
join documents on documents.id = meetings.document_id
where items_fts match :q
order by items_fts.rowid desc
limit :size offset :offset
"""
COUNT_SQL = "select count(*) from (select rowid from items_fts where items_fts match :q limit :cap)"
BY_DATE_SQL = SEARCH_SQL.replace("order by items_fts.rowid desc", "order by meetings.date desc, items_fts.rowid desc")


async def search_items(db, q: str, page: int = 1, size: int = PAGE_SIZE) -> dict:
    """One page of the items whose title or text matches ``q`` (Swedish, stemmed), newest
    stored first: ``size`` a page (at most :data:`MAX_PAGE_SIZE`): ``count`` (up to :data:`COUNT_CAP` + 1), ``hits`` (dicts with a
    ``snippet`` whose matches stand between :data:`MARK_START` and :data:`MARK_END`)."""
    expression = search.fts_expression(q)
    size = min(max(size, 1), MAX_PAGE_SIZE)
    if not expression:
        return {"count": 0, "hits": [], "page": 1, "pages": 0, "size": size}
    count = (await db.execute(COUNT_SQL, {"q": expression, "cap": COUNT_CAP + 1})).single_value()
    pages = max(1, -(-min(count, COUNT_CAP) // size))
    page = min(max(page, 1), pages)
    rows = await db.execute(SEARCH_SQL, {"q": expression, "size": size, "offset": (page - 1) * size})
    hits = [dict(r) for r in rows.rows]
    for hit in hits:
        hit["snippet"] = excerpt(hit["snippet"])
    return {"count": count, "hits": hits, "page": page, "pages": pages, "size": size}


async def search_all(databases: dict, q: str, page: int = 1, size: int = PAGE_SIZE) -> dict:
    """:func:`search_items` over several databases ({name: Database}): the hits of all of
    them by meeting date, newest first (undated last); each hit's ``database`` is its own.
    A database gives at most the first ``page * size`` of its hits by date (newest stored
    first where sorting all of its matches by date would pass the query time limit)."""
    expression = search.fts_expression(q)
    size = min(max(size, 1), MAX_PAGE_SIZE)
    if not expression:
        return {"count": 0, "hits": [], "page": 1, "pages": 0, "size": size}
    counts = {name: (await db.execute(COUNT_SQL, {"q": expression, "cap": COUNT_CAP + 1})).single_value()
              for name, db in databases.items()}
    count = sum(counts.values())
    pages = max(1, -(-min(count, COUNT_CAP) // size))
    page = min(max(page, 1), pages)
    hits = []
    for name, db in databases.items():
        if counts[name]:
            params = {"q": expression, "size": page * size, "offset": 0}
            try:
                rows = await db.execute(BY_DATE_SQL, params)
            except QueryInterrupted:  # too many matches to sort by date in time: newest stored first
                rows = await db.execute(SEARCH_SQL, params)
            hits += [{**dict(r), "database": name} for r in rows.rows]
    hits.sort(key=lambda h: (h["date"] is not None, h["date"] or "", h["database"]), reverse=True)
    hits = hits[(page - 1) * size:page * size]
    for hit in hits:
        hit["snippet"] = excerpt(hit["snippet"])
    return {"count": count, "hits": hits, "page": page, "pages": pages, "size": size}


async def _searched(datasette, request, name: str | None) -> dict | None:
    """The search of the request in database ``name``, or in every database with a search
    index when ``name`` is None (``/-/sok``); None when ``name`` may not be seen."""
    async def visible(name):
        return await datasette.permission_allowed(request.actor, "view-database", resource=name, default=True)

    q = request.args.get("q") or ""
    try:
        page, size = int(request.args.get("page") or 1), int(request.args.get("size") or PAGE_SIZE)
    except ValueError:
        page, size = 1, PAGE_SIZE
    if name is None:
        found = {n: db for n, db in datasette.databases.items()
                 if n != "_internal" and await db.table_exists("items_fts") and await visible(n)}
        return await search_all(found, q, page, size)
    if name not in datasette.databases or not await visible(name):
        return None
    return await search_items(datasette.get_database(name), q, page, size)


_MARKED = re.compile(rf"(\w*){MARK_START}([^{MARK_END}]*){MARK_END}(\w*)")
SNIPPET_BEFORE, SNIPPET_LENGTH = 80, 260  # characters of text around the first match


def excerpt(marked: str | None) -> str:
    """About :data:`SNIPPET_LENGTH` characters of a marked text (FTS5 ``highlight()``),
    from a little before its first match, cut at spaces, with "…" where text was left out."""
    text = " ".join((marked or "").split())
    first = text.find(MARK_START)
    start = max(0, first - SNIPPET_BEFORE) if first >= 0 else 0
    space = text.find(" ", start) if start else -1
    if 0 <= space < first:  # begin at a word, unless the match is in the first "word" (a URL)
        start = space + 1
    end = start + SNIPPET_LENGTH
    space = text.rfind(" ", max(start, first), end)
    if end < len(text) and space > start:
        end = space
    out = text[start:end]
    if out.count(MARK_START) > out.count(MARK_END):  # a match cut in two: close it
        out += MARK_END
    return ("…" if start else "") + out + ("…" if end < len(text) else "")


def highlight(marked: str | None) -> Markup:
    """A marked text as HTML: the matched parts, widened to whole words, in ``<mark>``."""
    out, last = [], 0
    text = marked or ""

    def plain(part):
        return escape(part.replace(MARK_START, "").replace(MARK_END, ""))

    for m in _MARKED.finditer(text):
        out += [plain(text[last:m.start()]), Markup("<mark>"), plain("".join(m.groups())), Markup("</mark>")]
        last = m.end()
    out.append(plain(text[last:]))
    return Markup("").join(out)


async def search_page(datasette, request, *, archived: bool):
    """``/<database>/sok?q=…&page=N&size=20``: items whose title or text matches;
    ``/-/sok``: the same in every database, each hit naming its own."""
    name = request.url_vars.get("database")
    found = await _searched(datasette, request, name)
    if found is None:
        return Response.text("Not found", status=404)
    q = request.args.get("q") or ""
    for hit in found["hits"]:
        db = hit.get("database", name)
        hit["item_url"] = datasette.urls.row(db, "items", tilde_encode(hit["item_id"]))
        hit["source_url"] = source_url(datasette, db, hit["document_id"], hit["page"]) if archived else None
    if request.url_vars.get("format") == "json":
        rows = [{**{k: v for k, v in h.items() if k not in ("source_url", "marked_title")},
                 "snippet": h["snippet"].replace(MARK_START, "").replace(MARK_END, "")} for h in found["hits"]]
        if request.args.get("_shape") == "array":
            return Response.json(rows)
        return Response.json({"q": q, "count": found["count"], "page": found["page"],
                              "pages": found["pages"], "rows": rows})
    for hit in found["hits"]:
        hit["snippet"] = highlight(hit["snippet"])
        hit["marked_title"] = highlight(hit["marked_title"] or "(utan rubrik / untitled)")
        hit["source_name"] = Path(str(hit["source"] or "")).name
    pages = {"prev": found["page"] - 1 if found["page"] > 1 else None,
             "next": found["page"] + 1 if found["page"] < found["pages"] else None}
    links = {k: path_with_replaced_args(request, {"page": v}) for k, v in pages.items() if v}
    return Response.html(await datasette.render_template("protokoll_search.html", {
        **found, "q": q, "database": name, "links": links, "cap": COUNT_CAP,
        "action": datasette.urls.path(f"/{name}/sok" if name else "/-/sok"),
        "over": found["count"] > COUNT_CAP, "page_size": found["size"],
    }, request=request))


async def search_route(datasette, request):
    """The route of the search page (whether hits link to source files: an archive)."""
    return await search_page(datasette, request, archived=archive(datasette) is not None)
