"""Swedish full-text search over item titles and texts and clause texts.

The index is SQLite FTS5 with the ``trigram`` tokenizer: any substring of three or
more characters matches ("avvikelse" finds "avvikelser" and "avvikelsehantering"),
case is folded but å/ä/ö are kept distinct ("för" never matches "for"). Queries are
rewritten by :func:`fts_expression`: each word is reduced to its Snowball Swedish stem
(PyStemmer), so "budgeten" searches for "budget" and "förskolorna" for "förskol",
which matches "förskolan".

    >>> from protokoll import search, store
    >>> db = store.open("protokoll.db")
    >>> search.fts_expression("Förskolorna budgeten")
    '"förskol" "budget"'
    >>> search.query(db, "avvikelse", limit=10)      # the ten best hits, as dicts

Tables (external content, kept in sync by triggers, rowid = the content table's rowid):
``items_fts`` (title, text) over ``items`` and ``clauses_fts`` (text) over ``clauses``.
Datasette finds them by itself; protokoll's Datasette plugin
(``datasette/plugins/protokoll_datasette.py``) makes its search box use
:func:`fts_expression` too.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

import Stemmer

TOKENIZE = "trigram"
# Content table -> indexed columns.
FTS_COLUMNS = {"items": ("title", "text"), "clauses": ("text",)}
# Relevance is computed over at most this many of the newest matches per table, so a
# word found in most of 1M rows still ranks in milliseconds (the cost does not grow
# with the archive); rarer words are ranked over all their matches.
CANDIDATES = 500
# FTS5 writes each commit's rows as a new segment and merges segments in the background
# once ``automerge`` of them are on one level (4 by default). A bulk import commits every
# document on its own, so with 4 it rewrote each document's index about six times
# (3.4 MB written per document); with 16 about three times (2.5 MB), for a few more
# segments to read per query.
FTS_SETTINGS = {"automerge": 16}

_TERM = re.compile(r'"([^"]*)"?|(\S+)')
_EDGE = re.compile(r"^\W+|\W+$")


def enable(db, *, rebuild: bool = False) -> None:
    """Create the FTS5 tables and triggers if missing (or if their configuration changed).

    ``rebuild`` re-indexes every row, for databases migrated from an older schema or
    after a ``VACUUM`` (which may renumber the rowids the index refers to).
    """
    for table, columns in FTS_COLUMNS.items():
        fts = db[f"{table}_fts"]
        if fts.exists() and TOKENIZE not in fts.schema:  # an older index, e.g. unicode61
            _drop_index(db, table)
        db[table].enable_fts(columns, tokenize=TOKENIZE, create_triggers=True, replace=True)
        if rebuild:
            db[table].rebuild_fts()
    configure(db)


def configure(db) -> None:
    """Store :data:`FTS_SETTINGS` in each index's configuration (kept in the file)."""
    for table in FTS_COLUMNS:
        for key, value in FTS_SETTINGS.items():
            db.execute(f"INSERT INTO [{table}_fts]([{table}_fts], rank) VALUES (?, ?)", [key, value])


def _drop_index(db, table: str) -> None:
    """Drop ``<table>_fts`` and every trigger on ``table`` that writes to it."""
    for trigger in db[table].triggers:
        if f"{table}_fts" in trigger.sql:
            db.execute(f"DROP TRIGGER [{trigger.name}]")
    db.execute(f"DROP TABLE [{table}_fts]")


def fts_expression(q: str) -> str:
    """Rewrite a search-box query into an FTS5 MATCH expression for the trigram index.

    Words are lower-cased and stemmed; each becomes a quoted substring term, and terms
    must all match (``OR`` between two words means either). "Quoted phrases" are
    matched exactly (case-insensitively), without stemming. Trigrams need three
    characters: a two-letter word matches words that start with it (" år"), and
    one-letter words are ignored. Returns "" when nothing searchable is left.
    """
    return " ".join(t if t == "OR" else '"' + t.replace('"', '""') + '"' for t in terms(q))


def terms(q: str) -> list[str]:
    """The substrings :func:`fts_expression` searches for, with "OR" between alternatives."""
    parts: list[str] = []
    for m in _TERM.finditer(q or ""):
        phrase, word = m.groups()
        if word == "OR":
            if parts and parts[-1] != "OR":
                parts.append("OR")
            continue
        term = _exact(phrase) if phrase is not None else _stemmed(word)
        if term:
            parts.append(term)
    while parts and parts[-1] == "OR":
        parts.pop()
    return parts


def query(db, q: str, *, limit: int = 50, candidates: int = CANDIDATES) -> list[dict]:
    """Search items and clauses; the best ``limit`` hits, most relevant first.

    Each hit is a dict: ``kind`` ('item' | 'clause'), ``id`` (of the item or clause),
    ``item_id``, ``date``, ``body``, ``paragraph`` (the item label), ``title``,
    ``text`` (the clause, or the item's text), ``source`` (file path), ``page`` (where
    the clause or item starts) and ``score`` (BM25: higher is better).

    Relevance is BM25 over the newest ``candidates`` matches of each table, computed
    here rather than by FTS5's ``bm25()``, which counts every match of every term
    first (0.7 s for a word in all of 1M rows).
    """
    expression = fts_expression(q)
    if not expression:
        return []
    words = [t for t in terms(q) if t != "OR"]
    scored = []
    for table, sql in _CANDIDATE_SQL.items():
        rows = db.execute(sql, {"q": expression, "candidates": candidates}).fetchall()
        scored += [(score, table, row) for score, row in zip(_bm25(words, [r[-2:] for r in rows]), rows)]
    scored.sort(key=lambda s: (-s[0], -s[2][0]))
    top = scored[:limit]
    item_ids = sorted({row[2] for _, _, row in top})
    items = {r[0]: r[1:] for r in db.execute(
        "SELECT items.id, meetings.date, meetings.body, items.label, items.title, documents.path, items.page "
        "FROM items JOIN meetings ON meetings.id = items.meeting_id "
        f"JOIN documents ON documents.id = meetings.document_id WHERE items.id IN ({', '.join('?' * len(item_ids))})",
        item_ids,
    )}
    return [_hit(score, table, row, items[row[2]]) for score, table, row in top]


# For each table: rowid, id, item id, page, title (items only), text of the newest matches.
_CANDIDATE_SQL = {
    table: f"SELECT rowid, id, {'id' if table == 'items' else 'item_id'}, page, "
    f"{'title' if table == 'items' else 'NULL'}, text FROM [{table}] WHERE rowid IN ("
    f"SELECT rowid FROM [{table}_fts] WHERE [{table}_fts] MATCH :q ORDER BY rowid DESC LIMIT :candidates)"
    for table in FTS_COLUMNS
}
_TITLE_WEIGHT = 10  # a hit in an item's title counts ten times one in its text
_K1, _B = 1.2, 0.75


def _bm25(words: list[str], docs: list[tuple[str | None, str | None]]) -> list[float]:
    """Okapi BM25 of each (title, text) for the words, with IDF from these documents."""
    lowered = [((title or "").lower(), (text or "").lower()) for title, text in docs]
    lengths = [len(title) + len(text) for title, text in lowered]
    average = sum(lengths) / len(lengths) if lengths else 1
    scores = [0.0] * len(docs)
    for word in words:
        tf = [_TITLE_WEIGHT * title.count(word) + text.count(word) for title, text in lowered]
        df = sum(1 for f in tf if f)
        idf = math.log(1 + (len(docs) - df + 0.5) / (df + 0.5))
        for i, f in enumerate(tf):
            if f:
                scores[i] += idf * f * (_K1 + 1) / (f + _K1 * (1 - _B + _B * lengths[i] / (average or 1)))
    return scores


def _hit(score: float, table: str, row, item) -> dict:
    _, hit_id, item_id, page, _, text = row
    date, body, label, title, path, item_page = item
    return dict(kind=table[:-1], id=hit_id, item_id=item_id, date=date, body=body, paragraph=label,
                title=title, text=text, source=path, page=page or item_page, score=round(score, 4))


def _exact(phrase: str) -> str:
    phrase = " ".join(phrase.split()).lower()
    return phrase if len(phrase) >= 3 else ""


def _stemmed(word: str) -> str:
    word = _EDGE.sub("", word).lower()
    if not re.fullmatch(r"\w+", word):  # "2024-12-13", "SIP-utbildning": as written
        return word
    stem = _stemmer().stemWord(word)
    if len(stem) >= 3:
        return stem
    if len(word) >= 3:
        return word
    return " " + word if len(word) == 2 else ""


@lru_cache(maxsize=1)
def _stemmer():
    return Stemmer.Stemmer("swedish")
