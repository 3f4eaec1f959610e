"""Datasette page latency on loopback: `protokoll serve` against plain Datasette defaults.

    python bench/bench_datasette.py                    # 1,000,000 clauses, 100,000 items
    python bench/bench_datasette.py 100000             # quicker
    python bench/bench_datasette.py --db big.db        # reuse a database built before
    python bench/bench_datasette.py 100000 --keep big.db --during-import
    python bench/bench_datasette.py --db big.db --sql-only   # the search box's SQL alone

Builds the synthetic database with ``store.save`` (the generator of bench/bench_store.py:
sample words with their real frequencies, so "att", "för", "medel" are in most rows),
then starts real servers on 127.0.0.1 and times whole HTTP requests (keep-alive, HTML):

* ``protokoll serve DB``: the search page (canned query ``sok``), Datasette's normal
  search box on the decision register and on ``clauses``, and table pages; the search
  boxes and the register page also with ``&_nocount=`` (an empty value: the plugin then
  leaves Datasette to count every match, as it did before the plugin skipped the count);
* the reference in the same run: plain ``datasette serve DB`` with Datasette's defaults
  (search box on the ``clauses`` table, table pages), the issue's baseline.

Search pages are requested by 4 concurrent clients; table pages by one. With
``--during-import`` the search page is timed again while another process keeps saving
new documents, and a checker asks, in single SQL statements, whether any of the newest
documents is visible with only part of its clauses (it never should be: one transaction
per document).
"""

from __future__ import annotations

import argparse
import dataclasses
import http.client
import importlib.util
import multiprocessing
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import bench_store  # noqa: E402  (the synthetic protocol generator)

from protokoll import store  # noqa: E402
from protokoll.records import stable_id  # noqa: E402

_spec = importlib.util.spec_from_file_location("screenshot", ROOT / "scripts" / "screenshot.py")
screenshot = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(screenshot)

CLIENTS = 4
DATASETTE = [str(Path(sys.executable).parent / "datasette"), "serve"]
CLAUSES_PER_DOC = bench_store.ITEMS_PER_DOC * bench_store.CLAUSES_PER_ITEM
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
    for p in bench_store.protocols(max(1, n_clauses // CLAUSES_PER_DOC)):
        store.save(db, p, imported_at="2025-01-01T00:00:00+00:00")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    print(f"Built {path.name} with store.save in {time.perf_counter() - started:.0f} s.\n")


def queries() -> list[tuple[str, str]]:
    return [(kind, q) for kind, qs in bench_store.QUERIES.items() for q in qs]


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
    return statistics.median(ms), bench_store.percentile(ms, 95), errors


def by_kind(results) -> dict[str, list[tuple[float, int]]]:
    grouped: dict[str, list] = {}
    for label, values in results.items():
        grouped.setdefault(label.split(": ")[0], []).extend(values)
    return grouped


def q(text: str) -> str:
    return urllib.parse.quote(text)


def search_paths(name: str, template: str) -> list[tuple[str, str]]:
    return [(f"{kind}: {word}", template.format(db=name, q=q(word))) for kind, word in queries()]


def print_rows(title: str, results, reference=None) -> None:
    p50, p95, errors = summary(results)
    ratio = ""
    if reference is not None:
        ratio = f"{summary(reference)[1] / p95:.1f}×" if p95 else ""
    print(f"| {title} | {p50:.0f} | {p95:.0f} | {errors} | {ratio} |")


def saver(path: str, stop, written, start_at: int) -> None:
    """Keep saving new documents (one transaction each) until told to stop."""
    db = store.open(path)
    for i, p in enumerate(bench_store.protocols(10_000, seed=7)):
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


# The SQL Datasette 0.65.5 writes for the search box (``:q`` is ``:search`` there).
BOX_SQL = {
    "`count(*)` on the register (skipped now)":
        "select count(*) from decision_register where clause_rowid in "
        "(select rowid from clauses_fts where clauses_fts match escape_fts(:q))",
    "register, newest first": "select * from decision_register where clause_rowid in "
        "(select rowid from clauses_fts where clauses_fts match escape_fts(:q)) order by clause_rowid desc limit 51",
    "`clauses`, order by `id`": "select * from clauses where rowid in "
        "(select rowid from clauses_fts where clauses_fts match escape_fts(:q)) order by id limit 51",
    "`clauses`, order by `rowid desc`": "select * from clauses where rowid in "
        "(select rowid from clauses_fts where clauses_fts match escape_fts(:q)) order by rowid desc limit 51",
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
                       ("register page: newest 51",
                        "select * from decision_register order by clause_rowid desc limit 51")):
        started = time.perf_counter()
        conn.execute(sql).fetchall()
        print(f"\n{label}: {(time.perf_counter() - started) * 1000:.0f} ms")
    conn.close()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("clauses", nargs="?", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path, help="use this database instead of building one")
    parser.add_argument("--keep", type=Path, help="build the database here and keep it")
    parser.add_argument("--rounds", type=int, default=3, help="requests per path and client")
    parser.add_argument("--during-import", action="store_true")
    parser.add_argument("--sql-only", action="store_true", help="time the search box's SQL in sqlite3 and stop")
    args = parser.parse_args(argv)

    path = args.db or args.keep or Path(tempfile.mkdtemp(prefix="bench-datasette-")) / "protokoll.db"
    if args.db is None:
        build(path, args.clauses)
    if args.sql_only:
        sql_alone(path)
        return 0
    name = path.stem
    counts = store.open(path).execute(
        "select (select count(*) from clauses), (select count(*) from items), (select count(*) from documents)"
    ).fetchone()
    print(f"# bench_datasette: {counts[0]:,} clauses, {counts[1]:,} items, {counts[2]:,} documents; "
          f"{CLIENTS} concurrent clients for searches, {args.rounds} rounds; HTML pages, loopback\n")

    searches = search_paths(name, "/{db}/sok?q={q}")
    box = search_paths(name, "/{db}/decision_register?_search={q}")
    tables = [(t, f"/{name}/{t}") for t in ("clauses", "items", "decision_register")]
    counted = [("decision_register, counting every row", f"/{name}/decision_register?_nocount=")]

    with screenshot.serving(path, command=DATASETTE) as base:
        port = int(base.rsplit(":", 1)[1])
        plain_box = search_paths(name, "/{db}/clauses?_search={q}")
        warm(port, plain_box[:1] + tables[:1])
        ref_search = timed_requests(port, plain_box, clients=CLIENTS, rounds=args.rounds)
        ref_tables = timed_requests(port, tables, clients=1, rounds=args.rounds)

    with screenshot.serving(path) as base:
        port = int(base.rsplit(":", 1)[1])
        warm(port, searches[:1] + tables[:1])
        ours_search = timed_requests(port, searches, clients=CLIENTS, rounds=args.rounds)
        ours_box = timed_requests(port, box, clients=CLIENTS, rounds=args.rounds)
        ours_clauses_box = timed_requests(port, plain_box, clients=CLIENTS, rounds=args.rounds)
        counting_box = timed_requests(port, [(k, p + "&_nocount=") for k, p in box], clients=CLIENTS,
                                      rounds=args.rounds)
        counting_clauses_box = timed_requests(port, [(k, p + "&_nocount=") for k, p in plain_box],
                                              clients=CLIENTS, rounds=args.rounds)
        ours_tables = timed_requests(port, tables + counted, clients=1, rounds=args.rounds)

        print("## Search pages, 4 concurrent clients (ms)\n")
        print("| page | p50 | p95 | non-200 | p95 speed-up vs reference |\n| --- | ---: | ---: | ---: | ---: |")
        print_rows("reference: plain Datasette defaults, search box on `clauses`", ref_search)
        print_rows("protokoll serve: search page `sok` (target p95 < 200)", ours_search, ref_search)
        print_rows("protokoll serve: search box on `clauses`", ours_clauses_box, ref_search)
        print_rows("protokoll serve: search box on `decision_register`", ours_box, ref_search)
        print_rows("… search box on `clauses`, counting every match (`&_nocount=`)", counting_clauses_box,
                   ref_search)
        print_rows("… search box on `decision_register`, counting every match (`&_nocount=`)", counting_box,
                   ref_search)
        print("\n### By kind of query (p50 / p95 ms)\n")
        print("| kind | reference `clauses?_search=` | `sok` | `clauses?_search=` | `decision_register?_search=` "
              "| same, counting (`&_nocount=`) |\n| --- | ---: | ---: | ---: | ---: | ---: |")
        columns = [by_kind(r) for r in (ref_search, ours_search, ours_clauses_box, ours_box, counting_box)]
        for kind in bench_store.QUERIES:
            cells = []
            for grouped in columns:
                ms = [m for m, _ in grouped[kind]]
                cells.append(f"{statistics.median(ms):.0f} / {bench_store.percentile(ms, 95):.0f}")
            print(f"| {kind} | " + " | ".join(cells) + " |")
        print("\n## Table pages, one client (p50 ms)\n")
        print("| table | reference | protokoll serve | ratio |\n| --- | ---: | ---: | ---: |")
        for label, _ in tables + counted:
            ref = statistics.median(m for m, _ in ref_tables[label.split(",")[0]])
            ours = statistics.median(m for m, _ in ours_tables[label])
            print(f"| {label} | {ref:.0f} | {ours:.0f} | {ref / ours:.1f}× |")
        print()
        if args.during_import:
            during_import(path, port, name, args.rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
