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

import re
from pathlib import Path
from urllib.parse import parse_qs, quote

from datasette import hookimpl
from datasette.database import QueryInterrupted
from datasette.facets import Facet
from datasette.utils import (
    escape_sqlite, path_with_added_args, path_with_removed_args,
    path_with_replaced_args, tilde_encode,
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
TABLE_PAGE = re.compile(r"^/(?!-/)[^/]+/(?P<table>[^/.]+)(\.\w+)?$")


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        return guard(app, uncounted=set((datasette.plugin_config(PLUGIN) or {}).get("uncounted", [])))

    return wrap


def guard(app, *, uncounted=frozenset()):
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
            scope = without_count(scope, uncounted)
        await app(scope, receive, send)

    return wrapped


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
    url = datasette.urls.path(f"/-/source/{database}/{document}")
    page = row["page"] if "page" in keys else None
    page = page if isinstance(page, int) and page > 0 else None
    if page:
        url += f"#page={page}"
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
