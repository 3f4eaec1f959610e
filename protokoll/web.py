"""What protokoll's Datasette pages read beyond Datasette's own queries.

Used by the plugin (``datasette/plugins/protokoll_datasette.py``), which holds the hooks:

* :data:`REGISTER_COLUMNS`: the register page's columns, in order, with Swedish labels.
* :func:`register_csv`: the whole register, filtered as the page is, streamed as the
  Swedish-Excel CSV of ``protokoll export`` (:func:`protokoll.export.csv_chunks`).
* :func:`search_items`: the search page: every item (title and text), the number of hits,
  one page of them with the matched words marked.
* :func:`upward`: a row page's title and its links up to decision, item, meeting, source.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
import threading
from pathlib import Path
from urllib.parse import quote

from datasette.filters import Filters
from datasette.plugins import pm
from datasette.utils import await_me_maybe, path_with_replaced_args, tilde_encode, urlsafe_components
from datasette.utils.asgi import Response
from markupsafe import Markup, escape

from protokoll import export, search

# The register page's columns, in order: (column of decision_register, label). A column the
# view does not have is left out, so `decided_amount` (the money a clause decides) and
# `sources` (every source file of the meeting) show as soon as the view has them.
REGISTER_COLUMNS = (
    ("date", "Datum"),
    ("body", "Organ"),
    ("paragraph", "§"),
    ("title", "Ärende"),
    ("clause", "Beslut / att-sats"),
    ("decided_amount", "Belopp som beslutas"),
    ("amount", "Belopp i satsen"),
    ("outcome", "Utfall"),
    ("source", "Källa med sida"),
    ("sources", "Alla källfiler"),
)
REGISTER = "decision_register"
CSV_FORMAT = "csv_excel"  # /db/decision_register.csv_excel: the whole register for Excel
CSV_FILENAME = "beslutsregister.csv"


# --- the register as CSV --------------------------------------------------------------


async def register_where(datasette, request, database: str) -> tuple[list[str], dict]:
    """The WHERE clauses and parameters of the register page's filters and search, as
    Datasette's table page builds them (column filters, then the filter hooks: search)."""
    pairs = [(k, v) for k in request.args if not (k.startswith("_") and "__" not in k)
             for v in request.args.getlist(k)]
    where, params = Filters(sorted(pairs)).build_where_clauses(REGISTER)
    for hook in pm.hook.filters_from_request(request=request, table=REGISTER, database=database,
                                             datasette=datasette):
        found = await await_me_maybe(hook)
        if found:
            where.extend(found.where_clauses)
            params.update(found.params)
    return where, params


async def register_csv(datasette, request, database: str, functions: dict) -> Response:
    """Every register row the page's filters select, in the order of the minutes, as a
    streamed Swedish-Excel CSV download. ``functions`` are SQL functions the filters use
    (``escape_fts``), registered on the reading connection."""
    path = datasette.get_database(database).path
    if not path:
        return Response.text("This database has no file to read the register from", status=400)
    where, params = await register_where(datasette, request, database)
    sql = (f"SELECT {', '.join(export.COLUMNS)} FROM {REGISTER}"
           + (f" WHERE {' AND '.join(where)}" if where else "") + f" ORDER BY {export.ORDER}")
    return StreamedCSV(path, sql, params, functions)


class StreamedCSV(Response):
    """A CSV download written while it is read: rows come from a read-only connection in
    a thread of its own (no time limit, no row cap), a few hundred rows at a time."""

    def __init__(self, path, sql, params, functions):
        super().__init__(b"", content_type="text/csv; charset=utf-8", headers={
            "content-disposition": f'attachment; filename="{CSV_FILENAME}"'})
        self.path, self.sql, self.params, self.functions = path, sql, params, functions

    async def asgi_send(self, send):
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue = asyncio.Queue(maxsize=4)
        stop = threading.Event()

        def put(item):
            asyncio.run_coroutine_threadsafe(queue.put(item), loop).result()

        threading.Thread(target=self._produce, args=(put, stop), daemon=True).start()
        first = item = await queue.get()
        try:
            if isinstance(first, Exception):
                await Response.text(f"Error: {first}", status=400).asgi_send(send)
                return
            await send({"type": "http.response.start", "status": self.status, "headers": [
                [k.encode(), v.encode()] for k, v in
                {**self.headers, "content-type": self.content_type}.items()]})
            while isinstance(item, bytes):
                await send({"type": "http.response.body", "body": item, "more_body": True})
                item = await queue.get()
            await send({"type": "http.response.body", "body": b""})
        finally:
            stop.set()
            while item is not None:  # let the thread finish
                item = await queue.get()

    def _produce(self, put, stop) -> None:
        try:
            conn = sqlite3.connect(f"file:{quote(str(self.path))}?mode=ro", uri=True)
            for name, fn in self.functions.items():
                conn.create_function(name, 1, fn, deterministic=True)
            conn.set_progress_handler(stop.is_set, 10_000)  # a closed download stops the query
            try:
                rows = map(export.row, conn.execute(self.sql, self.params))
                for chunk in export.csv_chunks(rows, "excel-sv"):
                    if stop.is_set():
                        break
                    put(chunk)
            finally:
                conn.close()
        except sqlite3.Error as e:
            put(e)
        put(None)


# --- the search page ------------------------------------------------------------------

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
    """``/<database>/sok?q=…&page=N&size=20``: items whose title or text matches."""
    name = request.url_vars["database"]
    if name not in datasette.databases or not await datasette.permission_allowed(
        request.actor, "view-database", resource=name, default=True
    ):
        return Response.text("Not found", status=404)
    q = request.args.get("q") or ""
    try:
        page, size = int(request.args.get("page") or 1), int(request.args.get("size") or PAGE_SIZE)
    except ValueError:
        page, size = 1, PAGE_SIZE
    found = await search_items(datasette.get_database(name), q, page, size)
    for hit in found["hits"]:
        hit["item_url"] = datasette.urls.row(name, "items", tilde_encode(hit["item_id"]))
        hit["source_url"] = source_url(datasette, name, hit["document_id"], hit["page"]) if archived else None
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
        "over": found["count"] > COUNT_CAP, "page_size": found["size"],
    }, request=request))


# --- row pages ------------------------------------------------------------------------


def source_url(datasette, database: str, document_id: str, page=None) -> str:
    """The URL of a document's file (the plugin's ``/-/source`` route), at ``page``."""
    url = datasette.urls.path(f"/-/source/{database}/{document_id}")
    return url + f"#page={page}" if page else url


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
