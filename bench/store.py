"""Benchmark the SQLite store and its Swedish full-text search on a synthetic archive.

    python -m bench.store              # 1,000,000 clauses in 100,000 items
    python -m bench.store 100000       # a quicker run: 100,000 clauses

Builds the database with ``store.save`` (one transaction per document, indexes and
trigram FTS kept by triggers) and, in the same run, the same rows with raw
``executemany`` into bare tables (the store's own tables, without their indexes
and triggers), and prints the rate of both and their ratio. Then the
database size (FTS share from ``dbstat``) and full-text query latency (p50/p95, LIMIT
50) through ``search.query`` - rare words, inflected forms, and relevance-ranked queries
for words in most rows - against ``ORDER BY rank`` over every match (the issue's
baseline) and against an FTS5 ``unicode61`` index over the same clauses.

The records are :func:`bench.synthetic.protocols`: text drawn from the words of the
sample protocols with their real frequencies, so common words ("att", "för", "medel")
are in most rows, as in real minutes.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from bench.common import percentile, timed_ms
from bench.synthetic import CLAUSES_PER_ITEM, ITEMS_PER_DOC, protocols
from protokoll import search, store
from protokoll.records import Protocol, stable_id

RUNS = 21
QUERIES = {
    "rare": ["avvikelsehantering", "suicidprevention", "Sölvesborg", "föredragningslista"],
    "inflected": ["budgeten", "förskolorna", "avvikelserna", "kommunerna"],
    "common (most rows)": ["att", "för", "medel", "och"],
    "two words": ["psykisk hälsa", "medel kommun"],
    "two letters": ["år"],
}


def raw_rows(p: Protocol):
    """The same rows store.save writes for documents, meetings, items, decisions and clauses."""
    doc = stable_id(p.source.sha256)
    meeting = stable_id(doc, "meeting")
    rows = {"documents": [(doc, p.source.path, p.source.sha256, "ok")],
            "meetings": [(meeting, doc, p.meeting.body, p.meeting.date)],
            "items": [], "decisions": [], "clauses": []}
    for i, it in enumerate(p.items):
        item = stable_id(doc, "item", i)
        rows["items"].append((item, meeting, i, it.number, it.label, it.title, it.text))
        decision = stable_id(item, "decision", 0)
        rows["decisions"].append((decision, item, 0, it.decisions[0].text))
        rows["clauses"] += [(stable_id(decision, "clause", k), decision, item, k, c)
                            for k, c in enumerate(it.decisions[0].clauses)]
    return rows


RAW_SQL = {
    "documents": "INSERT INTO documents (id, path, sha256, status) VALUES (?, ?, ?, ?)",
    "meetings": "INSERT INTO meetings (id, document_id, body, date) VALUES (?, ?, ?, ?)",
    "items": "INSERT INTO items (id, meeting_id, position, number, label, title, text) VALUES (?, ?, ?, ?, ?, ?, ?)",
    "decisions": "INSERT INTO decisions (id, item_id, position, text) VALUES (?, ?, ?, ?)",
    "clauses": "INSERT INTO clauses (id, decision_id, item_id, position, text) VALUES (?, ?, ?, ?, ?)",
}


def bare_tables() -> str:
    """The CREATE TABLE statements of the store's tables that :func:`raw_rows` fills,
    read from a fresh database made by ``store.open`` (no indexes, no triggers)."""
    with tempfile.TemporaryDirectory() as tmp:
        db = store.open(Path(tmp, "schema.db"))
        sql = {name: text for name, text in db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'")}
        db.close()
    return ";\n".join(sql[table] for table in RAW_SQL) + ";"


def timed(fn, runs=RUNS) -> list[float]:
    return timed_ms(fn, runs)


def main(n_clauses: int) -> None:
    n_docs = max(1, n_clauses // (ITEMS_PER_DOC * CLAUSES_PER_ITEM))
    tmp = Path(tempfile.mkdtemp(prefix="bench-store-"))
    print(f"# bench.store: {n_docs * ITEMS_PER_DOC * CLAUSES_PER_ITEM:,} clauses, {n_docs * ITEMS_PER_DOC:,} items, "
          f"{n_docs:,} documents (SQLite {sqlite3.sqlite_version}, {os.cpu_count()} cores)\n")

    # Raw executemany into bare tables: the floor.
    raw = sqlite3.connect(tmp / "raw.db")
    raw.execute("PRAGMA journal_mode = WAL")
    raw.execute("PRAGMA synchronous = NORMAL")  # as store.open
    raw.executescript(bare_tables())
    n_rows, seconds = 0, 0.0
    for p in protocols(n_docs):
        rows = raw_rows(p)
        t = time.perf_counter()
        with raw:
            for table, sql in RAW_SQL.items():
                raw.executemany(sql, rows[table])
        seconds += time.perf_counter() - t
        n_rows += sum(len(r) for r in rows.values())
    raw_rate = n_rows / seconds
    raw.close()

    db = store.open(tmp / "store.db")
    seconds = 0.0
    for p in protocols(n_docs):
        t = time.perf_counter()
        store.save(db, p, imported_at="2025-01-01T00:00:00+00:00")
        seconds += time.perf_counter() - t
    save_rate = n_rows / seconds
    print("## Load\n")
    print("| method | rows/s | relative |\n| --- | ---: | ---: |")
    print(f"| raw executemany, bare tables, one transaction per document | {raw_rate:,.0f} | 1.00 |")
    print(f"| store.save (indexes, FKs, trigram FTS triggers) | {save_rate:,.0f} | {save_rate / raw_rate:.2f} |")
    print(f"\n{n_rows:,} rows (documents, meetings, items, decisions, clauses); store.save took {seconds:.1f} s.\n")

    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size = (tmp / "store.db").stat().st_size
    fts = sum(r[0] for r in db.execute(
        "SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'items_fts%' OR name LIKE 'clauses_fts%'"))
    raw_size = (tmp / "raw.db").stat().st_size

    # The alternative the issue measured: unicode61 (folds å/ä/ö, no stemming).
    db.executescript("""
        CREATE VIRTUAL TABLE u61_fts USING fts5(text, content='clauses', tokenize='unicode61');
        INSERT INTO u61_fts (u61_fts) VALUES ('rebuild');""")
    u61 = sum(r[0] for r in db.execute("SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'u61_fts%'"))
    clauses_fts = sum(r[0] for r in db.execute("SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'clauses_fts%'"))
    print("## Size\n")
    print(f"| | MB |\n| --- | ---: |\n| database (store.save) | {size / 1e6:,.0f} |\n"
          f"| of which trigram FTS (items + clauses) | {fts / 1e6:,.0f} |\n"
          f"| bare tables, no index (raw) | {raw_size / 1e6:,.0f} |\n"
          f"| clauses: trigram index | {clauses_fts / 1e6:,.0f} |\n| clauses: unicode61 index | {u61 / 1e6:,.0f} |\n")

    print("## Full-text search, LIMIT 50 (milliseconds)\n")
    print("| query | kind | matches | search.query p50 | p95 | ORDER BY rank over all p50 |"
          "\n| --- | --- | ---: | ---: | ---: | ---: |")
    every = []
    for kind, qs in QUERIES.items():
        for q in qs:
            expr = search.fts_expression(q)
            matches = db.execute("SELECT count(*) FROM clauses_fts WHERE clauses_fts MATCH ?", [expr]).fetchone()[0]
            ms = timed(lambda: search.query(db, q, limit=50))
            every += ms
            naive = timed(lambda: db.execute(
                "SELECT rowid FROM clauses_fts WHERE clauses_fts MATCH ? ORDER BY rank LIMIT 50", [expr]).fetchall(),
                runs=3)
            print(f"| {q} | {kind} | {matches:,} | {statistics.median(ms):.1f} | {percentile(ms, 95):.1f} "
                  f"| {statistics.median(naive):.0f} |")
    print(f"\nAll queries: p50 {statistics.median(every):.1f} ms, p95 {percentile(every, 95):.1f} ms "
          f"(target p95 < 50 ms); {RUNS} runs each after one warm-up.\n")

    print("## Trigram vs unicode61 on the clauses (ORDER BY rank LIMIT 50, p50 ms; matches)\n")
    print("| query | trigram + stem | unicode61 as typed |\n| --- | ---: | ---: |")
    for q in ["budgeten", "förskolorna", "avvikelse", "för"]:
        tri = search.fts_expression(q)
        rows = {}
        for name, table, expr in (("tri", "clauses_fts", tri), ("u61", "u61_fts", f'"{q}"')):
            sql = f"SELECT count(*) FROM {table} WHERE {table} MATCH ?"
            rows[name] = (db.execute(sql, [expr]).fetchone()[0], statistics.median(timed(lambda: db.execute(
                f"SELECT rowid FROM {table} WHERE {table} MATCH ? ORDER BY rank LIMIT 50", [expr]).fetchall(),
                runs=3)))
        print(f"| {q} | {rows['tri'][0]:,} matches, {rows['tri'][1]:.0f} ms | "
              f"{rows['u61'][0]:,} matches, {rows['u61'][1]:.0f} ms |")
    db.close()
    for f in tmp.iterdir():
        f.unlink()
    tmp.rmdir()


if __name__ == "__main__":
    ap = argparse.ArgumentParser(prog="python -m bench.store", description=__doc__.splitlines()[0])
    ap.add_argument("clauses", nargs="?", type=int, default=1_000_000, help="number of clauses (default 1,000,000)")
    main(ap.parse_args().clauses)
