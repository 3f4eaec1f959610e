"""protokoll's Datasette plugin: Swedish search in the normal search box, source links.

Loaded from the configuration directory (``plugins_dir``) by :mod:`protokoll.serve`.
This module holds only the hooks; what they do is in :mod:`protokoll.web`.

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
  the page it shows (:mod:`protokoll.web.newest`): a word in every one of a million
  clauses costs what a rare word costs. Anything else uses Datasette's own search.
* Read-only: every request but GET/HEAD/OPTIONS is answered 405, so no form, plugin
  or canned query can write, whatever the configuration says. ``/-/databases`` and
  ``/-/metadata`` (which show the server's file paths) answer 404 (:mod:`protokoll.web.guard`).
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
* Atom feeds (:mod:`protokoll.web.feeds`): the canned queries ``nya_beslut`` (the register
  for a body and a search of its clauses) and ``bevakning`` (the decisions of the items a
  search finds) as ``.atom``, written by datasette-atom with absolute links to each clause's
  page and source page; the register and search pages link their feed (``.atom`` link and
  ``<link rel="alternate">``). A searched register page marks the matched words of each
  clause (FTS5 ``highlight()``, stemmed matches too).
* Search page ``/<database>/sok?q=`` (``.json`` too): every item, the number of hits,
  pages of 20, matched words marked; the home page's search box leads there, and its
  first links are the register, the search and the documents to check.
  ``/-/sok`` searches every served database (a folder of shards), newest meeting first.
* Person page ``/<database>/person/<person id>`` (``.json`` too): the meetings a person
  attended (roles, parties, "N of M" per body), every roll-call vote in Swedish with what
  yes and no meant, reservations and jäv, each linking to the item and its source page
  (:mod:`protokoll.web.people`); person ids and the people table's names link there.
* Personnummer: every value read through Datasette's connections has its personal
  identity numbers masked ("19121212-XXXX"), so no page, API, export format or feed
  shows one; source files whose text holds one are withheld; ``protokoll serve
  --show-personnummer`` turns it off (:mod:`protokoll.web.privacy`).
* Row pages of clauses, decisions, items and meetings are titled by the item (never an
  id) and link up to the decision, item, meeting and source file page, and to the item's case.
* Case page ``/<database>/arende/<case id>`` (``.json`` too): every item of one case (a
  diarienummer in one organisation) across bodies and meetings in date order, with its
  decisions in short and links to each item and its source page; the ``cases`` table's
  keys, the register's ``case_key`` cells and items' ``case_id`` cells link there.
"""

from __future__ import annotations

from datasette import hookimpl

from protokoll import web
from protokoll.web import cases, cells, facets, feeds, guard, newest, patches, people, privacy, register, rowpage, searchpage, source

# Rows without a column, and the kept table counts (protokoll.web.patches): once per process.
patches.install()


@hookimpl(trylast=True)  # after Datasette's own escape_fts, so this one wins
def prepare_connection(conn, datasette):
    # Datasette's search box matches escape_fts(:search); so do the canned queries.
    conn.create_function("escape_fts", 1, searchpage.swedish_fts, deterministic=True)
    privacy.prepare_connection(conn, datasette)  # personnummer masked in every row read


@hookimpl
def asgi_wrapper(datasette):
    return guard.asgi_wrapper(datasette)


@hookimpl
def filters_from_request(request, database, table, datasette):
    return newest.filters_from_request(request, database, table, datasette)


@hookimpl
def register_facet_classes():
    return [facets.YearFacet]


@hookimpl
def extra_body_script(view_name, table):
    return register.body_script(view_name, table)


@hookimpl
def register_routes():
    return [
        (r"^/-/source/(?P<database>[^/]+)/(?P<document>[0-9a-f]+)$", source.source),
        (r"^/-/sok(\.(?P<format>json))?$", searchpage.search_route),  # every database; before /<db>/sok
        (r"^/(?P<database>[^/.]+)/sok(\.(?P<format>json))?$", searchpage.search_route),
        (r"^/(?P<database>[^/.]+)/person/(?P<person>[^/.]+)(\.(?P<format>json))?$", people.person_route),
        (cases.ROUTE, cases.case_page),
    ]


@hookimpl(trylast=True)  # after datasette-atom's, so this "atom" (which calls it) wins
def register_output_renderer():
    return [{
        "extension": web.CSV_FORMAT,
        "render": register.render_register_csv,
        "can_render": lambda table, view_name: view_name == "table" and table == web.REGISTER,
    }, {
        "extension": "atom",
        "render": feeds.render_atom,
        "can_render": feeds.can_render,
    }]


@hookimpl
def extra_template_vars(template, database, table, request, datasette):
    if template == "table.html" and table == web.REGISTER:
        return {**register.register_vars(datasette, database, request),
                **feeds.register_feed_vars(datasette, database, request)}
    if template == "protokoll_search.html":
        return feeds.search_feed_vars(datasette, database, request)
    if template == "row.html":
        return rowpage.row_vars(datasette, database, table, request)
    if template == "index.html":
        return rowpage.home_vars(datasette, request)
    return None


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    return cells.render_cell(row, value, column, table, database, datasette)
