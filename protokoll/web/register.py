"""The decision register's page: its columns, its CSV link, the whole register as CSV.

* :data:`REGISTER_COLUMNS`: the register page's columns, in order, with Swedish labels.
* :func:`register_vars`: the template variables of the register page; on a searched page
  (``_search``) its ``marks``: each shown clause with the matched words in ``<mark>``
  (:func:`clause_marks`: the search's substrings, stems included, marked in Python).
* :func:`register_csv`: the whole register, filtered as the page is, streamed as the
  Swedish-Excel CSV of ``protokoll export`` (:func:`protokoll.export.csv_chunks`).
* :func:`body_script`: the table pages' script (column descriptions folded; on the
  register, Datasette's "CSV" link replaced by the whole register's).
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
import threading
from urllib.parse import quote

from datasette.filters import Filters
from datasette.plugins import pm
from datasette.utils import await_me_maybe, path_with_replaced_args, tilde_encode
from datasette.utils.asgi import Response
from markupsafe import Markup, escape

from protokoll import export, search
from protokoll.web.newest import NEWEST
from protokoll.web.privacy import row_factory_of
from protokoll.web.searchpage import MARK_END, MARK_START, highlight, swedish_fts

# The register page's columns, in order: (column of decision_register, label). A column the
# view does not have is left out, so `decided_amount` (the money a clause decides) and
# `sources` (every source file of the meeting) show as soon as the view has them.
REGISTER_COLUMNS = (
    ("date", "Datum"),
    ("body", "Organ"),
    ("paragraph", "§"),
    ("title", "Ärende"),
    ("case_key", "Diarienummer"),
    ("clause", "Beslut / att-sats"),
    ("decided_amount", "Belopp som beslutas"),
    ("amount", "Belopp i satsen"),
    ("outcome", "Utfall"),
    ("appeal_last_day", "Sista dag att överklaga"),
    ("source", "Källa med sida"),
    ("sources", "Alla källfiler"),
)
REGISTER = "decision_register"
CSV_FORMAT = "csv_excel"  # /db/decision_register.csv_excel: the whole register for Excel
CSV_FILENAME = "beslutsregister.csv"


def register_vars(datasette, database, request) -> dict:
    """The register page: its columns (unless the URL chose columns), CSV link, and on a
    searched page the marked clauses (``marks``: a function of the shown rows)."""
    chosen = "_col" in request.args or "_nocol" in request.args
    csv = datasette.urls.path(path_with_replaced_args(
        request, {"_next": None, "_size": None, "_nocount": None, "_facet": None},
        path=f"{request.path}.{CSV_FORMAT}"))
    q = request.args.get(NEWEST) or request.args.get("_search") or ""
    words = [t for t in search.terms(q) if t != "OR"]
    pattern = terms_pattern(words) if words else None

    def marks(rows) -> dict:
        return clause_marks(datasette, database, pattern, rows)

    return {"protokoll_register": {"columns": None if chosen else REGISTER_COLUMNS, "csv_url": csv,
                                   "marks": marks if pattern else None}}


def terms_pattern(words: list[str]) -> re.Pattern:
    """Any case-insensitive occurrence of the search's substrings (:func:`protokoll.search.terms`:
    what the trigram index matched, stems included), the longest first where two overlap."""
    return re.compile("|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True)), re.I)


def mark_terms(text: str, pattern: re.Pattern) -> str:
    """``text`` with each match of ``pattern`` (:func:`terms_pattern`) between MARK_START and MARK_END."""
    return pattern.sub(lambda m: f"{MARK_START}{m.group(0)}{MARK_END}", text)


def clause_marks(datasette, database: str, pattern: re.Pattern, rows) -> dict:
    """{clause rowid: the clause cell's HTML} for the shown rows: the clause with the words
    the search matched in ``<mark>`` (:func:`mark_terms`, widened to whole words by
    :func:`~protokoll.web.searchpage.highlight`: "förskol" marks "förskolan"), escaped,
    linking to its row page. Marked here, from the rows' own text, not by FTS5's
    ``highlight()``: that tokenizes each clause into trigrams again (4 ms for a long clause,
    0.4 s for a page of them)."""
    out = {}
    for row in rows:  # Datasette's display rows: row[column] is the raw value, KeyError if not shown
        try:
            rowid, clause_id, clause = row["clause_rowid"], row["clause_id"], row["clause"]
        except KeyError:
            continue
        marked = mark_terms(str(clause or ""), pattern)
        if MARK_START in marked:
            url = datasette.urls.row(database, "clauses", tilde_encode(clause_id))
            out[rowid] = Markup('<a href="{}">{}</a>').format(escape(url), highlight(marked))
    return out


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


def body_script(view_name, table) -> str | None:
    """The script at the end of a table page (none on other pages)."""
    if view_name != "table":
        return None
    return FOLD_COLUMN_DESCRIPTIONS + (REGISTER_CSV_LINK if table == REGISTER else "")


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
    return StreamedCSV(path, sql, params, functions, row_factory_of(datasette))


def render_register_csv(datasette, request, database: str):
    """The ``csv_excel`` output format: :func:`register_csv` with the Swedish search."""
    return register_csv(datasette, request, database, {"escape_fts": swedish_fts})


class StreamedCSV(Response):
    """A CSV download written while it is read: rows come from a read-only connection in
    a thread of its own (no time limit, no row cap), a few hundred rows at a time."""

    def __init__(self, path, sql, params, functions, row_factory=None):
        super().__init__(b"", content_type="text/csv; charset=utf-8", headers={
            "content-disposition": f'attachment; filename="{CSV_FILENAME}"'})
        self.path, self.sql, self.params, self.functions = path, sql, params, functions
        self.row_factory = row_factory  # privacy.row_factory: personnummer masked

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
            conn.row_factory = self.row_factory
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
