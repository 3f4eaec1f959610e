"""Personnummer masked in everything the server sends, unless the operator turns it off.

Where: at the SQLite level, in the row factory of every connection Datasette opens (the
``prepare_connection`` hook, :func:`prepare_connection`). Every page, renderer and plugin
of Datasette reads rows through those connections: table, view and row pages, their
JSON, CSV (``_stream=1`` too: it reads page after page through the same connections),
.xlsx (datasette-xlsx runs its query on them, or reads the JSON pages), arbitrary SQL
and canned queries, facets, foreign-key labels, the search pages and whatever output
renderer comes next (datasette-atom's feeds render the canned query's rows). Each text
value is masked as it is read (:func:`protokoll.privacy.mask`), before any template,
renderer, excerpt or highlight sees it, so a number is never cut in two before it is
checked, and numbers stay numbers (an amount is never turned into text, as masking the
response bytes would do to a JSON or CSV number). Blobs are withheld (NULL): the zlib
readings and the search index's pages cannot be checked.

What the row factory does not cover, and how it is covered:

* The register's own CSV (``csv_excel``) reads on a connection of its own: it takes the
  same row factory (:func:`row_factory_of`).
* Source files (``/-/source``) are the original files, which cannot be masked: a file
  whose meeting's stored text holds a personnummer is withheld (403, saying why), and so
  is one with no stored text to check (:func:`withheld`).
* The whole database file: ``allow_download`` is refused while masking
  (:func:`protokoll.serve.datasette`).

Limits, said plainly: the mask is of values as they are read, so a visitor who writes
SQL that cuts a number into pieces (``substr``, ``hex``) before it is read gets around
it, and a search for a number still finds its row (with the number masked). An operator
publishing on the open web who needs those closed too turns off arbitrary SQL
(``--setting default_allow_sql off``; the canned queries keep working). A search
snippet must be cut after masking (as the search page's excerpt is), never by FTS5's
``snippet()``, which could cut a number in two before it is read. The database keeps the original text: it is the
archive's reading of public records, and ``--show-personnummer`` serves it as it is.
"""

from __future__ import annotations

from datasette.utils.asgi import Response

from protokoll import privacy
from protokoll.web.source import PLUGIN

SHOW = "show_personnummer"  # the plugin's setting: True serves the numbers as stored
FUNCTION = "protokoll_has_personnummer"  # SQL: 1 when a text holds a valid number

WITHHELD = (
    "Källfilen visas inte: dess text innehåller personnummer (GDPR). / "
    "The source file is withheld: its text holds a personal identity number (GDPR). "
    "The operator can serve it with protokoll serve --show-personnummer."
)
UNCHECKED = (
    "Källfilen visas inte: den har ingen lagrad text att granska (GDPR). / "
    "The source file is withheld: it has no stored text to check for personal identity numbers. "
    "The operator can serve it with protokoll serve --show-personnummer."
)


def masking(datasette) -> bool:
    """True unless the operator chose to show personnummer (the default is to mask)."""
    return not (datasette.plugin_config(PLUGIN) or {}).get(SHOW)


def prepare_connection(conn, datasette) -> None:
    """Every connection Datasette opens: the SQL function :data:`FUNCTION` (on the stored,
    unmasked text), and while masking, the masking row factory."""
    conn.create_function(FUNCTION, 1, lambda text: int(privacy.contains(text)), deterministic=True)
    if masking(datasette):
        conn.row_factory = privacy.row_factory


def row_factory_of(datasette):
    """The row factory for a connection of the plugin's own: masking, or None."""
    return privacy.row_factory if masking(datasette) else None


# Whether a document's meeting has stored items at all, and whether one holds a number.
CHECK_SQL = f"""
select count(*) as items,
       coalesce(max({FUNCTION}(i.title) or {FUNCTION}(i.text) or {FUNCTION}(i.dnr)), 0) as found
from meeting_sources s join items i on i.meeting_id = s.meeting_id
where s.document_id = :id
"""


async def withheld(datasette, db, document_id: str) -> Response | None:
    """A 403 response when the document's source file may not be sent while masking:
    its meeting's text holds a personnummer, or there is no stored text to check."""
    if not masking(datasette):
        return None
    row = (await db.execute(CHECK_SQL, {"id": document_id})).first()
    if row["found"]:
        return Response.text(WITHHELD, status=403)
    if not row["items"]:
        return Response.text(UNCHECKED, status=403)
    return None
