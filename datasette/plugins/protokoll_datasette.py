"""protokoll's Datasette plugin: Swedish search in the normal search box, source links.

Loaded from the configuration directory (``plugins_dir``) by :mod:`protokoll.serve`.

* Search: Datasette's search box runs ``… match escape_fts(:search)``. This plugin
  registers its own ``escape_fts`` on every connection, so each query is rewritten by
  :func:`protokoll.search.fts_expression` (Snowball-stemmed Swedish terms for the trigram
  index): "budget" finds "budgeten", "förskolorna" finds "förskolan", "för" never
  matches "for". The search box still shows what the user typed.
* No full counts: a search (``_search``) on any table, and the pages of the tables
  listed under ``uncounted`` in the plugin's metadata (the register view), get
  ``_nocount=1``, so Datasette shows the first rows without counting every match (seconds
  on a million clauses). ``&_nocount=`` or ``_extra=count`` still asks for the count.
* Newest first from the index: a plain search (``_search`` and nothing that filters,
  facets, counts or sorts otherwise) on a table named under ``newest_first_search``
  lists its hits newest first (by the search index's rowid) and reads only the hits of
  the page it shows (see :func:`newest_first`): a word in every one of a million clauses
  costs what a rare word costs. Anything else uses Datasette's own search.
* Read-only: every request but GET/HEAD/OPTIONS is answered 405, so no form, plugin
  or canned query can write, whatever the configuration says. ``/-/databases`` and
  ``/-/metadata`` (which show the server's file paths) answer 404.
* Source files: ``/-/source/<database>/<document id>`` sends the document's file, but
  only from the archive directory given to ``protokoll serve --archive`` and only for a
  path recorded in the ``documents``/``document_paths`` tables: never an arbitrary path.
  Cells in a column named ``source`` link there (``#page=N`` when the row has a page).
* Amounts: ``amount``/``decided_amount``/``total``/``largest`` cells read "1 476 576" in HTML (JSON, CSV
  and .xlsx keep the numbers).
* Table pages: the long list of column descriptions is folded into a "Kolumner /
  columns" disclosure, so the rows come first (descriptions also show on the headers).
* Facets: a ``year`` facet over ISO date columns (``facets: [{year: date}]`` in
  metadata, or ``?_facet_year=date``); choosing a year filters ``date__startswith``.
* The register page (templates ``_table.html`` → ``_protokoll_register.html``) shows the
  columns of :data:`protokoll.web.REGISTER_COLUMNS` with Swedish labels, § and clause
  linking to their row pages; ``?_col=``/``?_nocol=`` give Datasette's own table.
* Output format ``csv_excel`` (the register page's CSV link): the whole register as
  filtered on the page, streamed, in the Swedish-Excel CSV of ``protokoll export``.
* Search page ``/<database>/sok?q=`` (``.json`` too): every item, the number of hits,
  pages of 20, matched words marked; the home page's search box leads there, and its
  first links are the register, the search and the documents to check.
* Row pages of clauses, decisions, items and meetings are titled by the item (never an
  id) and link up to the decision, item, meeting and source file page.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from urllib.parse import parse_qs, parse_qsl, quote, urlencode

from datasette import hookimpl
from datasette import utils as datasette_utils
from datasette.database import Database, QueryInterrupted
from datasette.facets import Facet
from datasette.filters import FilterArguments
from datasette.utils import (
    escape_sqlite, path_with_added_args, path_with_removed_args,
    path_with_replaced_args, tilde_encode, urlsafe_components,
)
from datasette.utils.asgi import Response, asgi_send_file
from markupsafe import Markup, escape

from protokoll import search, web

PLUGIN = "protokoll"

# What each stored format is sent as. Only PDF and plain text open in the browser; the
# rest download. Nothing is ever sent as HTML, whatever the file holds.
CONTENT_TYPES = {
    "pdf": ("application/pdf", "inline"),
    "txt": ("text/plain; charset=utf-8", "inline"),
    "md": ("text/plain; charset=utf-8", "inline"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "attachment"),
    "doc": ("application/msword", "attachment"),
    "odt": ("application/vnd.oasis.opendocument.text", "attachment"),
    "rtf": ("application/rtf", "attachment"),
}


@hookimpl(trylast=True)  # after Datasette's own escape_fts, so this one wins
def prepare_connection(conn):
    # Datasette's search box matches escape_fts(:search); so do the canned queries.
    conn.create_function("escape_fts", 1, swedish_fts, deterministic=True)


def swedish_fts(q: str) -> str:
    """The Swedish rewrite of a search; '""' (matches nothing) when nothing is searchable,
    so an empty or one-letter search shows no rows instead of an FTS syntax error."""
    return search.fts_expression(q) or '""'


# Datasette pages that show the server's file paths (the database file, the archive).
HIDDEN_PATHS = re.compile(r"^/-/(databases|metadata)(\.json)?$")


# A table page, /<database>/<table> with an optional format: /protokoll/clauses.json.
TABLE_PAGE = re.compile(r"^/(?!-/)(?P<database>[^/]+)/(?P<table>[^/.]+)(\.\w+)?$")


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        config = datasette.plugin_config(PLUGIN) or {}
        newest = {}
        for table in config.get("newest_first_search", []):
            for database in datasette.databases:
                newest[(database, table)] = datasette.table_metadata(database, table).get("fts_pk", "rowid")
        return guard(app, uncounted=set(config.get("uncounted", [])), newest=newest, datasette=datasette)

    return wrap


def guard(app, *, uncounted=frozenset(), newest=None, datasette=None):
    """Answer 405 to anything but GET/HEAD/OPTIONS (no request can change anything) and
    404 to the pages that would show server file paths; skip the row count where it
    would cost a pass over every row (see :func:`without_count`)."""

    async def wrapped(scope, receive, send):
        if scope["type"] == "http":
            if scope["method"] not in ("GET", "HEAD", "OPTIONS"):
                await Response.text("Read-only: only GET requests", status=405,
                                    headers={"allow": "GET, HEAD, OPTIONS"}).asgi_send(send)
                return
            if HIDDEN_PATHS.match(scope["path"]):
                await Response.text("Not found", status=404).asgi_send(send)
                return
            scope = without_count(newest_first(scope, newest or {}), uncounted)
            if COUNT_KEY in scope and datasette is not None:
                send = with_index_count(send, datasette, *scope[COUNT_KEY])
        await app(scope, receive, send)

    return wrapped


# Set in the ASGI scope by newest_first for a JSON search on a table that asked for its
# count (datasette-search-all's "N results"): (database, table, search).
COUNT_KEY = "protokoll.index_count"


def with_index_count(send, datasette, database, table, q):
    """``send`` that puts the number of search-index matches into the JSON response's
    ``filtered_table_rows_count``: for a table whose whole content is indexed (external
    content kept in sync by triggers) it is the number of matching rows, counted in the
    index alone (FTS5 reads the match list; Datasette's own count looked each match up in
    the table: 0.25 s instead of 2.5 s for a word in all of 1M clauses)."""
    start, body = {}, []

    async def send_counted(message):
        if message["type"] == "http.response.start":
            start.update(message)
            return
        if message["type"] != "http.response.body" or not start:
            await send(message)
            return
        body.append(message.get("body", b""))
        if message.get("more_body"):
            return
        content = b"".join(body)
        if start.get("status") == 200:
            content = await _add_count(content, datasette, database, table, q)
        headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
        await send({**start, "headers": headers + [(b"content-length", str(len(content)).encode())]})
        await send({"type": "http.response.body", "body": content})

    return send_counted


async def _add_count(content: bytes, datasette, database, table, q) -> bytes:
    try:
        data = json.loads(content)
    except ValueError:
        return content
    if not isinstance(data, dict) or "filtered_table_rows_count" not in data:
        return content
    db = datasette.get_database(database)
    fts = await db.fts_table(table)
    if not fts:
        return content
    try:
        result = await db.execute(f"select count(*) from {escape_sqlite(fts)} where {escape_sqlite(fts)} "
                                  "match escape_fts(:search)", {"search": q})
    except QueryInterrupted:
        return content
    data["filtered_table_rows_count"] = result.first()[0]
    return json.dumps(data, default=repr).encode("utf-8")


def without_count(scope, uncounted) -> dict:
    """``scope`` with ``_nocount=1`` added to a table page's query string when the page
    searches (``_search``) or shows a table or view named in ``uncounted``.

    Datasette 0.65 counts every row the page matches: for a word in most of a million
    clauses, or for the register view's five-table join, that count alone takes
    seconds (or hits the time limit), while the page itself reads only the first
    rows. Links on the page keep ``_nocount=1``. A request that says what it wants is
    left alone: one with ``_nocount`` (``&_nocount=``, empty, asks Datasette to count)
    or ``_extra=count`` (datasette-search-all shows the number of hits per table).
    """
    page = TABLE_PAGE.match(scope["path"])
    if page is None:
        return scope
    args = parse_qs(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
    if "_nocount" in args or "count" in args.get("_extra", []):
        return scope
    if not (page["table"] in uncounted or any(k.startswith("_search") for k in args)):
        return scope
    query = scope.get("query_string", b"")
    return {**scope, "query_string": query + (b"&" if query else b"") + b"_nocount=1"}


# The query-string key a search answered newest first travels under (not ``_search``,
# which would make Datasette run its own search of every match as well).
NEWEST = "_newest"
# Arguments a plain search may carry and still be answered newest first: paging, output
# shape, column choice (``_extra`` does nothing in Datasette 0.65 but ``_extra=count``,
# which asks for the count). Anything else (a column filter, _where, _facet, _sort, a
# count on a page other than a table's JSON, a streamed CSV, whose pages Datasette asks
# for without _next in the request) needs every match: Datasette's own search.
PLAIN_ARGS = {"_search", NEWEST, "_next", "_size", "_nocount", "_nofacet", "_labels", "_shape", "_col",
              "_nocol", "_json", "_nl", "_dl", "_trace", "_sort_desc", "_extra"}


def newest_first(scope, newest) -> dict:
    """``scope`` with a plain search on a table of ``newest`` ({(database, table): fts pk})
    moved from ``_search`` to ``_newest``, sorted by the index's rowid descending, without
    count or facets; :func:`filters_from_request` then reads only the page's hits.

    A search that is not plain (see :data:`PLAIN_ARGS`) goes back to ``_search``, also
    one that came as ``_newest`` (a next-page link, a form that kept it) and has since
    gained a filter or another sort.
    """
    page = TABLE_PAGE.match(scope["path"])
    if page is None or (page["database"], page["table"]) not in newest:
        return scope
    pk = newest[(page["database"], page["table"])]
    pairs = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
    keys = {k for k, _ in pairs}
    if "_search" not in keys and NEWEST not in keys:
        return scope
    q = dict(pairs).get("_search", dict(pairs).get(NEWEST, ""))
    rest = [(k, v) for k, v in pairs if k not in ("_search", NEWEST)]
    counted = any(k == "_nocount" and not v or k == "_extra" and v == "count" for k, v in rest)
    # A count is answered from the index alone, for a table's JSON (with_index_count).
    count_from_index = counted and pk == "rowid" and scope["path"].endswith(".json")
    plain = (keys <= PLAIN_ARGS and all(v == pk for k, v in rest if k == "_sort_desc")
             and (count_from_index or not counted))
    extra = {}
    if q.strip() and plain:
        rest = [(k, v) for k, v in rest if k not in ("_sort_desc", "_nofacet", "_nocount")]
        rest += [(NEWEST, q), ("_sort_desc", pk), ("_nofacet", "1"), ("_nocount", "1")]
        if count_from_index:
            extra[COUNT_KEY] = (page["database"], page["table"], q)
    else:
        rest.append(("_search", q))
    return {**scope, "query_string": urlencode(rest).encode("latin-1"), **extra}


@hookimpl
def filters_from_request(request, database, table, datasette):
    """The where clause of a search moved to ``_newest`` (:func:`newest_first`): the
    rows whose index rowid is among the newest hits up to the end of this page, found by
    walking the index newest first and joining the table or view (so a hit the view
    leaves out, e.g. an agenda's, does not take a place on the page)."""
    q = request.args.get(NEWEST)
    if q is None:
        return None

    async def inner():
        meta = datasette.table_metadata(database, table)
        db = datasette.get_database(database)
        fts = meta.get("fts_table") or await db.fts_table(table)
        if not fts:
            return None
        pk = meta.get("fts_pk", "rowid")
        size = request.args.get("_size") or meta.get("size") or datasette.page_size
        size = datasette.max_returned_rows if size == "max" else _int(size, datasette.page_size)
        after, params = "", {"search": q}
        offset = 0
        if request.args.get("_next"):
            if await db.table_exists(table):  # a table: _next is "<rowid>,<primary key>"
                params["newest_before"] = _int(urlsafe_components(request.args["_next"])[0], 0)
                after = "and f.rowid < :newest_before "
            else:  # a view: _next is an offset
                offset = _int(request.args["_next"], 0)
        f, t = escape_sqlite(fts), escape_sqlite(table)
        where = (
            f"{escape_sqlite(pk)} in (select f.rowid from {f} f join {t} t on t.{escape_sqlite(pk)} = f.rowid "
            f"where f.{f} match escape_fts(:search) {after}order by f.rowid desc limit {offset + size + 1})"
        )
        return FilterArguments([where], params, [f'search matches "{q}"'], {"search": q})

    return inner


def _int(value, default: int) -> int:
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        return default


class _MissingColumn(KeyError, IndexError):
    """A row without the column asked for. Datasette 0.65 builds the next-page link of a
    table sorted by ``rowid`` (a column it does not select) from ``row["rowid"]`` and, when
    the row is missing it, looks the value up by primary key, but catches only the
    IndexError of sqlite3.Row: its own rows with expanded foreign-key labels raise
    KeyError. This error is both."""


def _row_item(self, key, _get=datasette_utils.CustomRow.__getitem__):
    try:
        return _get(self, key)
    except KeyError as e:
        raise _MissingColumn(*e.args) from None


_row_item.protokoll = True
# Datasette loads this module again for every instance (plugins_dir): patch only once.
if not getattr(datasette_utils.CustomRow.__getitem__, "protokoll", False):
    datasette_utils.CustomRow.__getitem__ = _row_item


async def _table_counts(self, limit=10, _count=Database.table_counts):
    """Datasette's count of every table (home and database pages: ~30 tables, each count
    up to ``limit`` ms, on every request) computed once per state of the file: kept
    while neither the database file nor its WAL has changed, recounted after any write.
    Datasette keeps counts the same way for immutable files."""
    if not self.is_mutable or self.is_memory or not self.path:
        return await _count(self, limit)
    stamp = _file_stamp(self.path)
    kept = _COUNTS.get((self.path, limit))
    if kept and kept[0] == stamp:
        return dict(kept[1])
    counts = await _count(self, limit)
    _COUNTS[(self.path, limit)] = (stamp, dict(counts))
    return counts


def _file_stamp(path) -> tuple:
    out = []
    for name in (path, f"{path}-wal"):
        try:
            st = os.stat(name)
            out.append((st.st_mtime_ns, st.st_size))
        except OSError:
            out.append(None)
    return tuple(out)


_COUNTS: dict = {}
_table_counts.protokoll = True
if not getattr(Database.table_counts, "protokoll", False):
    Database.table_counts = _table_counts


@hookimpl
def register_facet_classes():
    return [YearFacet]


# Folds Datasette's <dl class="column-descriptions"> into a <details> element.
FOLD_COLUMN_DESCRIPTIONS = """
document.querySelectorAll("dl.column-descriptions").forEach(function (dl) {
  var details = document.createElement("details"), summary = document.createElement("summary");
  summary.textContent = "Kolumner / columns";
  dl.parentNode.insertBefore(details, dl);
  details.appendChild(summary);
  details.appendChild(dl);
});
"""


# On the register page Datasette's own "CSV" link (the first 1,000 rows) becomes the
# register's whole CSV (the csv_excel output format, the link above the rows).
REGISTER_CSV_LINK = """
var whole = document.querySelector("a.protokoll-csv");
document.querySelectorAll("p.export-links a").forEach(function (a) {
  if (whole && a.textContent === "CSV") { a.href = whole.href; a.title = whole.textContent; }
});
"""


@hookimpl
def extra_body_script(view_name, table):
    if view_name != "table":
        return None
    return FOLD_COLUMN_DESCRIPTIONS + (REGISTER_CSV_LINK if table == web.REGISTER else "")


@hookimpl
def register_routes():
    return [
        (r"^/-/source/(?P<database>[^/]+)/(?P<document>[0-9a-f]+)$", source),
        (r"^/(?P<database>[^/.]+)/sok(\.(?P<format>json))?$", search_page),
    ]


@hookimpl
def register_output_renderer():
    return {
        "extension": web.CSV_FORMAT,
        "render": lambda datasette, request, database: web.register_csv(
            datasette, request, database, {"escape_fts": swedish_fts}),
        "can_render": lambda table, view_name: view_name == "table" and table == web.REGISTER,
    }


@hookimpl
def extra_template_vars(template, database, table, request, datasette):
    if template == "table.html" and table == web.REGISTER:
        return register_vars(datasette, database, request)
    if template == "row.html":
        return row_vars(datasette, database, table, request)
    if template == "index.html":
        return home_vars(datasette, request)
    return None


def register_vars(datasette, database, request) -> dict:
    """The register page: its columns (unless the URL chose columns) and CSV link."""
    chosen = "_col" in request.args or "_nocol" in request.args
    csv = datasette.urls.path(path_with_replaced_args(
        request, {"_next": None, "_size": None, "_nocount": None, "_facet": None},
        path=f"{request.path}.{web.CSV_FORMAT}"))
    return {"protokoll_register": {"columns": None if chosen else web.REGISTER_COLUMNS, "csv_url": csv}}


async def home_vars(datasette, request) -> dict:
    """Per database with a register: the URLs of the register, search and check pages."""
    links = []
    for name, db in datasette.databases.items():
        if name != "_internal" and web.REGISTER in await db.view_names():
            links.append({"name": name, "register": datasette.urls.table(name, web.REGISTER),
                          "search": datasette.urls.path(f"/{name}/sok"),
                          "check": datasette.urls.table(name, "documents_to_check")})
    return {"protokoll_home": links}


async def row_vars(datasette, database, table, request) -> dict:
    return await web.row_page(datasette, database, table, request, archived=archive(datasette) is not None)


async def search_page(datasette, request):
    return await web.search_page(datasette, request, archived=archive(datasette) is not None)


# Money columns (decision_register, saved queries) shown the Swedish way: "1 476 576".
AMOUNT_COLUMNS = {"amount", "total", "largest", "decided_amount"}
# Register cells that link to their row page: column -> (table, id column).
ROW_LINKS = {"paragraph": ("items", "item_id"), "clause": ("clauses", "clause_id")}


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    if column in AMOUNT_COLUMNS and isinstance(value, (int, float)) and not isinstance(value, bool):
        return swedish_number(value)
    if table == web.REGISTER and column in ROW_LINKS and value:
        other, key = ROW_LINKS[column]
        if key in row.keys() and row[key]:
            url = datasette.urls.row(database, other, tilde_encode(row[key]))
            return Markup(f'<a href="{escape(url)}">{escape(value)}</a>')
    if column != "source" or not value:
        return None
    keys = row.keys()
    document = row["document_id"] if "document_id" in keys else None
    if not document or archive(datasette) is None:
        return None
    page = row["page"] if "page" in keys else None
    page = page if isinstance(page, int) and page > 0 else None
    url = web.source_url(datasette, database, document, page)
    label = Path(str(value)).name + (f", s. {page}" if page else "")
    return Markup(f'<a href="{escape(url)}" title="{escape(value)}">{escape(label)}</a>')


def swedish_number(value: float) -> str:
    """1476576.0 → "1 476 576", 0.5 → "0,5": a no-break space groups thousands."""
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"
    return text.replace(",", "\u00a0").replace(".", ",")


def archive(datasette) -> Path | None:
    config = datasette.plugin_config(PLUGIN) or {}
    return Path(config["archive"]) if config.get("archive") else None


async def source(datasette, request, send):
    """Send one document's source file from the archive directory, read-only."""
    root = archive(datasette)
    if root is None:
        return Response.text("No archive directory: start with protokoll serve DB --archive DIR", status=404)
    name = request.url_vars["database"]
    if name not in datasette.databases or not await datasette.permission_allowed(
        request.actor, "view-database", resource=name, default=True
    ):
        return Response.text("Not found", status=404)
    db = datasette.get_database(name)
    document = request.url_vars["document"]
    found = await db.execute(
        "select path, format from documents where id = :id "
        "union all select p.path, d.format from document_paths p "
        "join documents d on d.id = p.document_id where p.document_id = :id",
        {"id": document},
    )
    for path, fmt in found.rows:
        file = inside(root, path)
        if file is not None:
            content_type, disposition = CONTENT_TYPES.get(fmt, ("application/octet-stream", "attachment"))
            await asgi_send_file(send, file, content_type=content_type, headers={
                "content-disposition": f"{disposition}; filename*=UTF-8''{quote(file.name)}",
                "x-content-type-options": "nosniff",
                "content-security-policy": "sandbox",
            })
            return
    return Response.text("Source file not in the archive directory", status=404)


def inside(root: Path, path: str) -> Path | None:
    """``path`` (absolute, or relative to the archive or the working directory) as an
    existing file inside ``root`` after resolving symlinks, or None."""
    if not path:
        return None
    root = root.resolve()
    candidates = [Path(path)] if Path(path).is_absolute() else [root / path, Path.cwd() / path]
    for candidate in candidates:
        try:
            resolved = candidate.resolve()
        except (OSError, RuntimeError):  # a symlink loop
            continue
        if resolved.is_file() and resolved.is_relative_to(root):
            return resolved
    return None


class YearFacet(Facet):
    """Counts per year of an ISO date column; never suggested, only configured."""

    type = "year"

    async def suggest(self):
        return []

    async def facet_results(self):
        results, timed_out = [], []
        args = dict(self.get_querystring_pairs())
        size = self.get_facet_size()
        for config in self.get_configs():
            column = config["config"].get("column") or config["config"]["simple"]
            sql = (
                f"select substr({escape_sqlite(column)}, 1, 4) as value, count(*) as count "
                f"from ({self.sql}) where {escape_sqlite(column)} glob '[0-9][0-9][0-9][0-9]*' "
                f"group by value order by value desc limit {size + 1}"
            )
            try:
                rows = await self.ds.execute(
                    self.database, sql, self.params, truncate=False,
                    custom_time_limit=self.ds.setting("facet_time_limit_ms"),
                )
            except QueryInterrupted:
                timed_out.append(column)
                continue
            key = f"{column}__startswith"
            values = []
            for row in rows.rows[:size]:
                selected = args.get(key) == row["value"]
                toggle = (path_with_removed_args(self.request, {key: row["value"]}) if selected
                          else path_with_added_args(self.request, {key: row["value"]}))
                values.append({
                    "value": row["value"], "label": row["value"], "count": row["count"],
                    "toggle_url": self.ds.absolute_url(self.request, toggle), "selected": selected,
                })
            results.append({
                "name": column, "type": self.type, "results": values,
                "hideable": config["source"] != "metadata",
                "toggle_url": path_with_removed_args(self.request, {"_facet_year": column}),
                "truncated": len(rows.rows) > size,
            })
        return results, timed_out
