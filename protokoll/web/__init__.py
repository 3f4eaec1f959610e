"""What protokoll's Datasette pages do beyond Datasette's own: the logic behind the hooks
of the plugin ``datasette/plugins/protokoll_datasette.py``, which only wires them in.

* :mod:`~protokoll.web.guard`: the ASGI wrapper: read-only, no server paths, no full
  counts; :mod:`~protokoll.web.newest`: a plain search listed newest first from the index.
* :mod:`~protokoll.web.register`: the register page's columns (:data:`REGISTER_COLUMNS`),
  its CSV link, the whole register as a streamed Swedish-Excel CSV (:func:`register_csv`),
  a searched page's clauses with the matched words marked.
* :mod:`~protokoll.web.searchpage`: the search page ``/<db>/sok`` (:func:`search_items`)
  and the Swedish rewrite of the search box (:func:`swedish_fts`).
* :mod:`~protokoll.web.feeds`: Atom feeds of the register and of any search (datasette-atom
  over the canned queries ``nya_beslut`` and ``bevakning``), and the pages' feed links.
* :mod:`~protokoll.web.rowpage`: row pages titled by their item, with links up
  (:func:`upward`); the home page's links.
* :mod:`~protokoll.web.people`: the person page ``/<db>/person/<id>`` (attendance, votes,
  reservations, jäv).
* :mod:`~protokoll.web.source`: the ``/-/source`` route, files only from the archive.
* :mod:`~protokoll.web.cases`: the case page ``/<db>/arende/<case id>``, every item of one
  case across bodies and meetings in date order (:func:`case_url`).
* :mod:`~protokoll.web.cells`, :mod:`~protokoll.web.facets`: Swedish amounts and links in
  cells (person ids to the person page); the ``year`` facet.
* :mod:`~protokoll.web.patches`: two fixes to Datasette 0.65's classes.
* :mod:`~protokoll.web.privacy`: personnummer masked in every row read (the connections'
  row factory), source files that hold one withheld, unless ``--show-personnummer``.
"""

from protokoll.web.cases import case_url
from protokoll.web.register import (
    CSV_FILENAME, CSV_FORMAT, REGISTER, REGISTER_COLUMNS, StreamedCSV, register_csv, register_where,
)
from protokoll.web.rowpage import row_label, row_page, upward
from protokoll.web.searchpage import (
    COUNT_CAP, MARK_END, MARK_START, MAX_PAGE_SIZE, PAGE_SIZE, excerpt, highlight, search_items,
    search_page, swedish_fts,
)
from protokoll.web.source import archive, inside, source_url

__all__ = [
    "CSV_FILENAME", "CSV_FORMAT", "REGISTER", "REGISTER_COLUMNS", "StreamedCSV", "register_csv",
    "register_where", "row_label", "row_page", "upward", "COUNT_CAP", "MARK_END", "MARK_START",
    "MAX_PAGE_SIZE", "PAGE_SIZE", "excerpt", "highlight", "search_items", "search_page", "swedish_fts",
    "archive", "inside", "source_url", "case_url",
]
