"""Datasette page latency on loopback: `protokoll serve` against plain Datasette defaults.

    python -m bench.serve                    # 1,000,000 clauses, 100,000 items
    python -m bench.serve 100000             # quicker
    python -m bench.serve --db big.db        # reuse a database built before
    python -m bench.serve 100000 --keep big.db --during-import
    python -m bench.serve --db big.db --sql-only   # the search box's SQL alone

Builds the synthetic database with ``store.save`` (:func:`bench.synthetic.protocols`:
sample words with their real frequencies, so "att", "för", "medel" are in most rows),
gives it planner statistics as ``protokoll serve`` does (:mod:`protokoll.planner`), then
starts real servers on 127.0.0.1 and times whole HTTP requests (keep-alive), 4 clients
at once, every client asking for every path of every page in turn:

* ``protokoll serve DB``: every page a user opens (:func:`user_pages`): home, database,
  the register (default order, next page, search box, a facet value clicked), the
  clauses and items tables with their search boxes, the meetings table, row pages, the
  search-all page and the JSON searches its script makes, and the canned queries;
* the reference in the same run: plain ``datasette serve DB`` with Datasette's defaults
  for the pages it also has (:data:`REFERENCE_PAGES`).

Search pages are asked for every query of bench.store.QUERIES. With ``--during-import``
the search page is timed again while another process keeps saving new documents, and a
checker asks, in single SQL statements, whether any of the newest documents is visible
with only part of its clauses (it never should be: one transaction per document).
"""

from __future__ import annotations

import argparse
import dataclasses
import http.client
import multiprocessing
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

from bench.common import percentile
from bench.store import QUERIES
from bench.synthetic import CLAUSES_PER_ITEM, ITEMS_PER_DOC, RECORD_BODIES, protocols
from protokoll import planner, store
from protokoll.background import serving
from protokoll.records import stable_id

CLIENTS = 4
DATASETTE = [sys.executable, "-m", "datasette", "serve"]
CLAUSES_PER_DOC = ITEMS_PER_DOC * CLAUSES_PER_ITEM
# Newest documents whose clause count the checker verifies during the import.
PARTIAL_SQL = (
    "select count(*) from (select m.document_id, count(c.id) as n from meetings m "
    "join items i on i.meeting_id = m.id join clauses c on c.item_id = i.id "
    "where m.document_id in (select id from documents order by rowid desc limit 20) "
    f"group by m.document_id) where n != {CLAUSES_PER_DOC}"
)


def build(path: Path, n_clauses: int) -> None:
    db = store.open(path)
    started = time.perf_counter()
    for p in protocols(max(1, n_clauses // CLAUSES_PER_DOC)):
        store.save(db, p, imported_at="2025-01-01T00:00:00+00:00")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    print(f"Built {path.name} with store.save in {time.perf_counter() - started:.0f} s.\n")


def queries() -> list[tuple[str, str]]:
    return [(kind, q) for kind, qs in QUERIES.items() for q in qs]


def timed_requests(port: int, paths: list[tuple[str, str]], *, clients: int, rounds: int):
    """Each client requests every path ``rounds`` times (staggered); label -> [(ms, status)]."""
    results: dict[str, list[tuple[float, int]]] = {label: [] for label, _ in paths}
    lock = threading.Lock()

    def client(k: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        order = paths[k % len(paths):] + paths[:k % len(paths)]
        for _ in range(rounds):
            for label, path in order:
                started = time.perf_counter()
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                ms = (time.perf_counter() - started) * 1000
                with lock:
                    results[label].append((ms, response.status))
        conn.close()

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def warm(port: int, paths) -> None:
    timed_requests(port, paths, clients=1, rounds=1)


def summary(results) -> tuple[float, float, int]:
    ms = [m for values in results.values() for m, _ in values]
    errors = sum(1 for values in results.values() for _, status in values if status != 200)
    return statistics.median(ms), percentile(ms, 95), errors


def q(text: str) -> str:
    return urllib.parse.quote(text)


def search_paths(name: str, template: str) -> list[tuple[str, str]]:
    return [(f"{kind}: {word}", template.format(db=name, q=q(word))) for kind, word in queries()]


def saver(path: str, stop, written, start_at: int) -> None:
    """Keep saving new documents (one transaction each) until told to stop."""
    db = store.open(path)
    for i, p in enumerate(protocols(10_000, seed=7)):
        if stop.is_set():
            break
        sha = stable_id("bench-during-import", start_at + i, length=64)
        p = dataclasses.replace(p, source=dataclasses.replace(p.source, sha256=sha, path=f"nytt/{start_at + i}.docx"))
        store.save(db, p)
        written.value += 1
    db.close()


def during_import(path: Path, port: int, name: str, rounds: int) -> None:
    stop = multiprocessing.Event()
    written = multiprocessing.Value("i", 0)
    writer = multiprocessing.Process(target=saver, args=(str(path), stop, written, int(time.time())))
    writer.start()
    check = [("check: partial documents", f"/{name}.json?sql={q(PARTIAL_SQL)}&_shape=array")]
    partial = []

    def checker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        while not stop.is_set():
            conn.request("GET", check[0][1])
            body = conn.getresponse().read()
            partial.append(body)
            time.sleep(0.05)
        conn.close()

    time.sleep(1.0)  # let the writer get going
    checking = threading.Thread(target=checker)
    checking.start()
    started = time.perf_counter()
    results = timed_requests(port, search_paths(name, "/{db}/sok?q={q}"), clients=CLIENTS, rounds=rounds)
    seconds = time.perf_counter() - started
    stop.set()
    checking.join()
    writer.join()
    bad = [b for b in partial if b.strip() != b'[{"count(*)": 0}]']
    p50, p95, errors = summary(results)
    print("## Search page while an import writes (issue 8)\n")
    print("| | value |\n| --- | ---: |")
    print(f"| documents saved during the run ({CLAUSES_PER_DOC} clauses each) | {written.value} |")
    print(f"| search page p50 / p95 (ms), {CLIENTS} clients | {p50:.0f} / {p95:.0f} |")
    print(f"| failed search requests | {errors} |")
    print(f"| consistency checks (newest 20 documents) | {len(partial)} |")
    print(f"| checks that saw a partial document or failed | {len(bad)} |")
    print(f"\n{sum(len(v) for v in results.values())} search requests in {seconds:.0f} s.\n")


# The SQL Datasette 0.65.5 writes for the search box (``:q`` is ``:search`` there), and
# what protokoll serve runs instead for a plain search (the plugin's filters_from_request).
SERVED = ("{pk} in (select f.rowid from {fts} f join {t} t on t.{pk} = f.rowid "
          "where f.{fts} match escape_fts(:q) order by f.rowid desc limit 51)")
BOX_SQL = {
    "`count(*)` on the register (never run)":
        "select count(*) from decision_register where clause_rowid in "
        "(select rowid from clauses_fts where clauses_fts match escape_fts(:q))",
    "Datasette: register, newest meeting first": "select * from decision_register where clause_rowid in "
        "(select rowid from clauses_fts where clauses_fts match escape_fts(:q)) order by date desc limit 51",
    "Datasette: `clauses`, order by `id`": "select * from clauses where rowid in "
        "(select rowid from clauses_fts where clauses_fts match escape_fts(:q)) order by id limit 51",
    "served: register, newest hits": "select * from decision_register where "
        + SERVED.format(pk="clause_rowid", fts="clauses_fts", t="decision_register")
        + " order by clause_rowid desc limit 51",
    "served: `clauses`, newest hits": "select * from clauses where "
        + SERVED.format(pk="rowid", fts="clauses_fts", t="clauses") + " order by rowid desc limit 51",
}


def sql_alone(path: Path) -> None:
    """Time the search box's SQL in sqlite3, one client, with the plugin's escape_fts."""
    from protokoll import search

    conn = sqlite3.connect(path)
    conn.create_function("escape_fts", 1, lambda q: search.fts_expression(q) or '""', deterministic=True)
    print("## SQL alone, one client (ms)\n")
    print("| query | " + " | ".join(BOX_SQL) + " |\n| --- |" + " ---: |" * len(BOX_SQL))
    for kind, word in queries():
        cells = []
        for sql in BOX_SQL.values():
            started = time.perf_counter()
            conn.execute(sql, {"q": word}).fetchall()
            cells.append(f"{(time.perf_counter() - started) * 1000:.0f}")
        print(f"| {word} ({kind}) | " + " | ".join(cells) + " |")
    for label, sql in (("register page: count(*)", "select count(*) from decision_register"),
                       ("register page: newest meeting first, 51 rows",
                        "select * from decision_register order by date desc limit 51")):
        started = time.perf_counter()
        conn.execute(sql).fetchall()
        print(f"\n{label}: {(time.perf_counter() - started) * 1000:.0f} ms")
    conn.close()


def row_ids(path: Path) -> dict[str, str]:
    """One row id per table whose row page a user opens (from the middle of the table)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    ids = {}
    for table in ("clauses", "items", "meetings", "documents"):
        n = conn.execute(f"select max(rowid) from {table}").fetchone()[0] or 1
        ids[table] = conn.execute(f"select id from {table} where rowid >= ? order by rowid limit 1",
                                  [n // 2]).fetchone()[0]
    conn.close()
    return ids


def user_pages(name: str, ids: dict[str, str]) -> dict[str, list[tuple[str, str]]]:
    """Every page a user opens, by page: label -> [(label of one request, path)].

    The search pages are asked for every query of bench.store.QUERIES. ``/-/search``
    (datasette-search-all) is a page whose script then fetches one JSON search per
    searchable table: those fetches are timed as a page of their own.
    """
    db = f"/{name}"
    register = f"{db}/decision_register"
    body = q(RECORD_BODIES[3])
    searchable = ("clauses", "items")
    fetch = "?_shape=objects&_labels=on&_extra=count&_extra=database&_extra=table&_size=5&_search={q}"
    pages = {
        "home `/`": [("home", "/")],
        "database page": [("database", db)],
        "register (default order)": [("register", register)],
        "register, next page": [("register next", f"{register}?_next=50")],
        "register, search box": search_paths(name, "/{db}/decision_register?_search={q}"),
        "register, facet value clicked (body)": [("facet body", f"{register}?body={body}")],
        "register, year facet value clicked": [("facet year", f"{register}?date__startswith=2021")],
        "clauses table": [("clauses", f"{db}/clauses")],
        "clauses, search box": search_paths(name, "/{db}/clauses?_search={q}"),
        "items table": [("items", f"{db}/items")],
        "items, search box": search_paths(name, "/{db}/items?_search={q}"),
        "meetings table": [("meetings", f"{db}/meetings")],
        "row page: clause": [("clause row", f"{db}/clauses/{ids['clauses']}")],
        "row page: item": [("item row", f"{db}/items/{ids['items']}")],
        "row page: meeting": [("meeting row", f"{db}/meetings/{ids['meetings']}")],
        "row page: document": [("document row", f"{db}/documents/{ids['documents']}")],
        "search all `/-/search`": search_paths(name, "/-/search?q={q}"),
        "… its fetches (one per searchable table)": [
            (f"{kind}: {t}", f"{db}/{t}.json" + fetch.format(q=q(word)))
            for kind, word in queries() for t in searchable],
        "canned `sok`": search_paths(name, "/{db}/sok?q={q}"),
        "canned `register`, one body and year": [("register query", f"{db}/register?body={body}"
                                                  "&from_date=2020-01-01&to_date=2020-12-31")],
        "canned `register`, opened empty": [("register query empty", f"{db}/register")],
        "canned `granska`": [("granska", f"{db}/granska")],
        "canned `beslut_per_datum`": [("per datum", f"{db}/beslut_per_datum?from_date=2021-03-01"
                                       "&to_date=2021-03-31")],
        "canned `belopp`": [("belopp", f"{db}/belopp?threshold=100000")],
        "canned `belopp_per_ar`": [("belopp per år", f"{db}/belopp_per_ar?threshold=100000")],
        "canned `organisation`": [("organisation", f"{db}/organisation?organisation=Region")],
        "canned `person`": [("person", f"{db}/person?person=Anna")],
        "Atom feed `nya_beslut` (register), all and one body": [
            ("feed register", f"{db}/nya_beslut.atom"), ("feed register body", f"{db}/nya_beslut.atom?body={body}")],
        "Atom feed `nya_beslut`, a register search": search_paths(name, "/{db}/nya_beslut.atom?q={q}"),
        "Atom feed `bevakning` (a search)": search_paths(name, "/{db}/bevakning.atom?q={q}"),
    }
    return {page: [(f"{page} | {label}", path) for label, path in paths] for page, paths in pages.items()}


# Pages also timed on plain Datasette (its defaults) as the reference in the same run.
REFERENCE_PAGES = ("home `/`", "register (default order)", "clauses table", "clauses, search box",
                   "items table", "items, search box")
TARGET_MS = 300


def by_page(results) -> dict[str, list[tuple[float, int]]]:
    grouped: dict[str, list] = {}
    for label, values in results.items():
        grouped.setdefault(label.split(" | ")[0], []).extend(values)
    return grouped


def print_pages(ours, reference) -> None:
    ours, reference = by_page(ours), by_page(reference)
    print(f"## Every page a user opens, {CLIENTS} concurrent clients (ms)\n")
    print(f"| page | requests | p50 | p95 | over {TARGET_MS} ms | non-200 | reference p95 | p95 speed-up |\n"
          "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for page, values in ours.items():
        p50, p95, errors = summary({page: values})
        over = sum(1 for m, _ in values if m >= TARGET_MS)
        ref = ratio = ""
        if page in reference:
            ref_p95 = summary({page: reference[page]})[1]
            ref, ratio = f"{ref_p95:.0f}", f"{ref_p95 / p95:.1f}×"
        print(f"| {page} | {len(values)} | {p50:.0f} | {p95:.0f} | {over} | {errors} | {ref} | {ratio} |")
    everything = [v for values in ours.values() for v in values]
    p50, p95, errors = summary({"all": everything})
    print(f"| **all pages** | {len(everything)} | {p50:.0f} | {p95:.0f} | "
          f"{sum(1 for m, _ in everything if m >= TARGET_MS)} | {errors} | | |")


def print_kinds(ours) -> None:
    pages = [p for p in ("register, search box", "clauses, search box", "items, search box", "canned `sok`",
                         "… its fetches (one per searchable table)")]
    print("\n### Search pages by kind of query (p50 / p95 ms)\n")
    print("| kind | " + " | ".join(pages) + " |\n| --- |" + " ---: |" * len(pages))
    for kind in QUERIES:
        cells = []
        for page in pages:
            ms = [m for label, values in ours.items() if label.startswith(f"{page} | {kind}:")
                  for m, _ in values]
            cells.append(f"{statistics.median(ms):.0f} / {percentile(ms, 95):.0f}" if ms else "")
        print(f"| {kind} | " + " | ".join(cells) + " |")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.serve", description=__doc__.splitlines()[0])
    parser.add_argument("clauses", nargs="?", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path, help="use this database instead of building one")
    parser.add_argument("--keep", type=Path, help="build the database here and keep it")
    parser.add_argument("--rounds", type=int, default=2, help="requests per path and client")
    parser.add_argument("--during-import", action="store_true")
    parser.add_argument("--sql-only", action="store_true", help="time the search box's SQL in sqlite3 and stop")
    args = parser.parse_args(argv)

    path = args.db or args.keep or Path(tempfile.mkdtemp(prefix="bench-datasette-")) / "protokoll.db"
    if args.db is None:
        build(path, args.clauses)
    store.open(path).close()  # the schema up to date
    planner.refresh(path)  # as protokoll serve does: both servers get the same file
    if args.sql_only:
        sql_alone(path)
        return 0
    name = path.stem
    counts = store.open(path).execute(
        "select (select count(*) from clauses), (select count(*) from items), (select count(*) from documents)"
    ).fetchone()
    print(f"# bench.serve: {counts[0]:,} clauses, {counts[1]:,} items, {counts[2]:,} documents; "
          f"{CLIENTS} concurrent clients, {args.rounds} rounds; whole HTTP requests, loopback\n")
    pages = user_pages(name, row_ids(path))
    every = [p for paths in pages.values() for p in paths]
    reference = [p for page in REFERENCE_PAGES for p in pages[page]]

    with serving(path, command=DATASETTE) as base:
        port = urllib.parse.urlsplit(base).port
        warm(port, reference[:2])
        ref = timed_requests(port, reference, clients=CLIENTS, rounds=args.rounds)

    with serving(path) as base:
        port = urllib.parse.urlsplit(base).port
        warm(port, every[:3])
        started = time.perf_counter()
        ours = timed_requests(port, every, clients=CLIENTS, rounds=args.rounds)
        seconds = time.perf_counter() - started
        print_pages(ours, ref)
        print(f"\n{sum(len(v) for v in ours.values())} requests in {seconds:.0f} s; reference: plain "
              f"`datasette serve` with Datasette's defaults on the same file, same clients, same run.")
        print_kinds(ours)
        print()
        if args.during_import:
            during_import(path, port, name, args.rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
