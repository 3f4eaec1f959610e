"""Atom feeds of the decision register and of any search, through the datasette-atom
plugin over two canned queries of ``datasette/metadata.yml``:

* ``nya_beslut`` (:data:`REGISTER_FEED`): the register, newest meeting first,
  for one body (``body``, empty = all) and a search of the clauses (``q``, empty = all:
  the register page's own search box, ``_search``);
* ``bevakning`` (:data:`SEARCH_FEED`): the clauses of the items that a search finds
  (``q``: the search page's Swedish, stemmed search of item titles and texts).

Both at most :data:`LIMIT` entries. The queries give datasette-atom its ``atom_id`` (a tag
URI of the clause id: :data:`TAG`), ``atom_title``, ``atom_updated`` (the meeting
date; for an undated meeting the day the file was imported) and ``atom_author_name`` (the
body that decided: Atom wants an author); :func:`render_atom` adds
what only the server knows, absolute links: ``atom_link`` (the clause's row page) and
``atom_content_html`` (the clause, its amount, links to the decision and to the source
file at its page, as the register links sources), then lets datasette-atom write the
feed (its HTML cleaned by bleach) and names the feed after its body and search. A feed
with no entries (a search nothing matches yet) is still a valid feed.
:func:`page_feed` is the feed link of the register and search pages.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlencode

import datasette_atom
from datasette import __version__
from datasette.utils import tilde_encode
from datasette.utils.asgi import Response
from feedgen.feed import FeedGenerator
from lxml import etree
from markupsafe import Markup, escape

from protokoll.web.cells import swedish_number
from protokoll.web.source import archive, source_url

REGISTER_FEED = "nya_beslut"
SEARCH_FEED = "bevakning"
FEEDS = (REGISTER_FEED, SEARCH_FEED)
LIMIT = 100  # entries per feed (the canned queries' limit)
TAG = "tag:protokoll,2026:clause:"  # + clauses.id: every entry's atom:id
ATOM = "{http://www.w3.org/2005/Atom}"
LINK_TEXT = "Prenumerera / subscribe (Atom)"
FEED_TITLES = {REGISTER_FEED: "Nya beslut / new decisions", SEARCH_FEED: "Bevakning / alert"}


def feed_url(datasette, database: str, feed: str, **params) -> str:
    """The path of ``feed`` (:data:`FEEDS`) in ``database`` with its non-empty parameters."""
    query = urlencode({k: v for k, v in params.items() if v})
    return datasette.urls.path(f"/{tilde_encode(database)}/{feed}.atom") + (f"?{query}" if query else "")


def feed_title(feed: str, body: str | None = None, q: str | None = None) -> str:
    """The feed's title: what it follows ("Nya beslut / new decisions – LSVO – «medel»")."""
    parts = [FEED_TITLES[feed], body or "", f"«{q.strip()}»" if q and q.strip() else ""]
    return " – ".join(p for p in parts if p)


def register_feed_vars(datasette, database: str, request) -> dict:
    """The register page's feed: the register of its body filter (``body`` or
    ``body__exact``) and search (``_search``, or ``_newest`` for a plain search)."""
    body = request.args.get("body") or request.args.get("body__exact") or ""
    q = (request.args.get("_newest") or request.args.get("_search") or "").strip()
    return {"protokoll_feed": page_feed(datasette, database, REGISTER_FEED, body=body, q=q)}


def search_feed_vars(datasette, database: str | None, request) -> dict:
    """The search page's feed (a search in one database; none for ``/-/sok`` or no search)."""
    q = (request.args.get("q") or "").strip() if request else ""
    if not database or not q:
        return {"protokoll_feed": None}
    return {"protokoll_feed": page_feed(datasette, database, SEARCH_FEED, q=q)}


def page_feed(datasette, database: str, feed: str, **params) -> dict:
    """A page's feed link: ``url``, ``title`` (for ``<link rel="alternate">``), ``text``."""
    return {"url": feed_url(datasette, database, feed, **params), "text": LINK_TEXT,
            "title": feed_title(feed, params.get("body"), params.get("q"))}


def can_render(columns) -> bool:
    """Whether a query can be a feed: datasette-atom's rule (atom_id, atom_title, atom_updated)."""
    return datasette_atom.can_render_atom(columns)


def render_atom(datasette, request, sql, columns, rows, database, table, query_name, view_name, data):
    """The ``.atom`` output format: datasette-atom's, with the links of :data:`FEEDS`
    made absolute and their feeds titled; any other query as datasette-atom writes it."""
    if query_name not in FEEDS:
        return datasette_atom.render_atom(datasette, request, sql, columns, rows, database, table,
                                          query_name, view_name, data)
    archived = archive(datasette) is not None
    entries = [entry(datasette, request, database, dict(row), archived=archived) for row in rows]
    title = feed_title(query_name, request.args.get("body"), request.args.get("q"))
    if entries:
        columns = [*columns, "atom_link", "atom_content_html"]
        response = datasette_atom.render_atom(datasette, request, sql, columns, entries, database, table,
                                              query_name, view_name, data)
        body = response.body
    else:
        body = empty_feed(request)
    page = REGISTER_FEED if query_name == REGISTER_FEED else None
    return Response(retitle(body, title, home_url(datasette, request, database, page)),
                    content_type="application/xml; charset=utf-8", status=200)


def entry(datasette, request, database: str, row: dict, *, archived: bool) -> dict:
    """A feed row with ``atom_link`` and ``atom_content_html`` (links absolute)."""
    link = datasette.absolute_url(request, datasette.urls.row(database, "clauses", tilde_encode(row["clause_id"])))
    parts = [Markup("<p>{}</p>").format(row.get("clause") or "")]
    if isinstance(row.get("amount"), (int, float)):
        parts.append(Markup("<p>Belopp / amount: {} kr</p>").format(swedish_number(row["amount"])))
    page = row["page"] if isinstance(row.get("page"), int) and row["page"] > 0 else None
    name = Path(str(row.get("source") or "")).name + (f", s. {page}" if page else "")
    source = (Markup('<a href="{}">{}</a>').format(
        datasette.absolute_url(request, source_url(datasette, database, row["document_id"], page)), name)
        if archived and row.get("document_id") else escape(name))
    parts.append(Markup('<p><a href="{}">Beslutet / the decision</a> · Källa / source: {}</p>').format(link, source))
    return {**row, "atom_link": link, "atom_content_html": str(Markup("").join(parts))}


def empty_feed(request) -> bytes:
    """A feed without entries, as datasette-atom writes one with entries (which it cannot:
    it dates the feed by its newest row): updated now."""
    fg = FeedGenerator()
    fg.generator(generator="Datasette", version=__version__, uri="https://github.com/simonw/datasette")
    fg.id(request.url)
    fg.link(href=request.url, rel="self")
    fg.title("protokoll")
    fg.author({"name": "protokoll"})  # Atom: a feed without entries names its author itself
    fg.updated(datetime.now(timezone.utc))
    return fg.atom_str(pretty=True)


def home_url(datasette, request, database: str, page: str | None) -> str:
    """The HTML page the feed follows: the register (with its body and search) or the search page."""
    if page == REGISTER_FEED:
        params = {"body": request.args.get("body"), "_search": request.args.get("q")}
        query = urlencode({k: v for k, v in params.items() if v})
        path = datasette.urls.table(database, "decision_register") + (f"?{query}" if query else "")
    else:
        path = datasette.urls.path(f"/{tilde_encode(database)}/sok?" + urlencode({"q": request.args.get("q") or ""}))
    return datasette.absolute_url(request, path)


def retitle(feed: bytes, title: str, alternate: str) -> bytes:
    """The feed with its ``<title>`` set and a link to the HTML page it follows."""
    root = etree.fromstring(feed)
    element = root.find(f"{ATOM}title")
    element.text = title
    link = etree.Element(f"{ATOM}link", href=alternate, rel="alternate", type="text/html")
    link.tail = element.tail
    element.addnext(link)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
