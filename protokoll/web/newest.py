"""Newest first from the index: a plain search (``_search`` and nothing that filters,
facets, counts or sorts otherwise) on a table named under ``newest_first_search`` lists
its hits newest first (by the search index's rowid) and reads only the hits of the page
it shows: a word in every one of a million clauses costs what a rare word costs.
Anything else uses Datasette's own search."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode

from datasette.filters import FilterArguments
from datasette.utils import escape_sqlite, urlsafe_components

# A table page, /<database>/<table> with an optional format: /protokoll/clauses.json.
TABLE_PAGE = re.compile(r"^/(?!-/)(?P<database>[^/]+)/(?P<table>[^/.]+)(\.\w+)?$")

# Set in the ASGI scope by newest_first for a JSON search on a table that asked for its
# count (datasette-search-all's "N results"): (database, table, search).
COUNT_KEY = "protokoll.index_count"

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


def newest_tables(datasette, config: dict) -> dict:
    """{(database, table): fts pk} of the tables named under ``newest_first_search``."""
    newest = {}
    for table in config.get("newest_first_search", []):
        for database in datasette.databases:
            newest[(database, table)] = datasette.table_metadata(database, table).get("fts_pk", "rowid")
    return newest


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
