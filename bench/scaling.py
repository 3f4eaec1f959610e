"""How the bulk import scales with workers and with cores, and what bounds it.

On this project's 2-core machines a 1-worker import already uses 1.2-1.4 cores: the
worker on one, the parent (the single writer) on the other. This script measures, in
one run and alternated over ``--rounds``, the imports of FOLDER's files and of their
first quarter. FOLDER is a folder of files, or an archive kept by ``python -m
bench.archive N --keep FOLDER``, of which only the text PDFs are taken:

* 1 worker pinned to one core (``taskset -c 0``), 1 worker on all cores, 2 workers;
* each past start-up: the import of all files minus that of the first quarter, each
  the summary's own ``seconds``;

and prints the 1 -> 2 worker and 1 -> 2 core speed-ups. With ``--writer`` it also reads,
parses and tags the files in this process and saves them twice per round, into a
fresh database with and without the full-text index (its table and triggers), and prints the bound
2W / (W + S) that 2 cores put on the 1 -> 2 worker speed-up (W: the workers' CPU per
file, S: the writer's).

    .venv/bin/python -m bench.archive 300 --keep ARCHIVE   # once
    .venv/bin/python -m bench.scaling ARCHIVE --rounds 3 --writer
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

from bench.archive import worker_stages
from bench.common import median, ratios, run_import
from bench.synthetic import kept, manifest_of

RUNS = {"1 worker, 1 core": (1, ("taskset", "-c", "0")), "1 worker, 2 cores": (1, ()), "2 workers, 2 cores": (2, ())}


def files_of(folder: Path, work: Path) -> Path:
    """A folder of the files to import: FOLDER itself, or the text PDFs of a kept archive
    hard-linked into ``work``."""
    try:
        n = json.loads(manifest_of(folder).read_text())["n"]
    except (OSError, ValueError, KeyError):
        return folder
    pdfs = work / "pdf-only"
    pdfs.mkdir()
    for p in (kept(folder, n) or {}).get("pdf", []):
        os.link(p, pdfs / p.name)
    return pdfs


def imports(folder: Path, rounds: int, tag: bool, work: Path) -> dict[str, list[tuple[float, float]]]:
    """Per run: (all, first quarter) import seconds for each round."""
    files = sorted(p for p in folder.iterdir() if p.is_file())
    if not files:
        raise SystemExit(f"no files in {folder}")
    quarter = work / "quarter"
    quarter.mkdir()
    for p in files[: max(1, len(files) // 4)]:
        os.link(p, quarter / p.name)
    out: dict[str, list[tuple[float, float]]] = {name: [] for name in RUNS}
    for r in range(rounds):
        for name, (workers, prefix) in RUNS.items():
            seconds = []
            for what in (folder, quarter):
                db = work / f"{len(out[name])}-{workers}-{len(prefix)}-{what.name}.db"
                result = run_import([what], db, workers, tag, prefix)
                if result["exit"] != 0:
                    raise SystemExit(f"protokoll ingest {what} exited {result['exit']}")
                seconds.append(result["summary"]["seconds"])
            out[name].append((seconds[0], seconds[1]))
            print(f"round {r + 1}, {name}: all {seconds[0]:.2f} s, first quarter {seconds[1]:.2f} s", flush=True)
    return out


def writer_share(folder: Path, rounds: int, work: Path) -> tuple[float, list[float], list[float]]:
    """The workers' CPU ms per file (read, parse, tag), and the writer's per round with and
    without the full-text index (``store.save`` into a fresh database)."""
    from protokoll import store

    protocols, cpu = worker_stages(sorted(p for p in folder.iterdir() if p.is_file()), tag=True)
    w = sum(cpu.values()) / len(protocols) * 1000
    with_fts, without = [], []
    for r in range(rounds):
        for index, into in ((True, with_fts), (False, without)):
            db = store.open(work / f"writer-{r}-{index}.db")
            if not index:
                drop_fts(db)
            started = time.process_time()
            for p in protocols:
                store.save(db, p)
            into.append((time.process_time() - started) / len(protocols) * 1000)
            db.close()
    return w, with_fts, without


def drop_fts(db) -> None:
    """Drop every full-text index (``*_fts`` virtual table) and the triggers that fill it."""
    master = db.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall()
    fts = {name for kind, name, _, sql in master if kind == "table" and "USING FTS5" in (sql or "").upper()}
    for kind, name, _, sql in master:
        if kind == "trigger" and any(t in sql for t in fts):
            db.execute(f"DROP TRIGGER [{name}]")
    for name in fts:
        db.execute(f"DROP TABLE [{name}]")


def main() -> None:
    ap = argparse.ArgumentParser(prog="python -m bench.scaling", description=__doc__.split("\n\n")[0])
    ap.add_argument("folder", type=Path, help="a folder of files, or an archive kept by bench.archive (its text PDFs are taken)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--no-tag", action="store_true", help="import without spaCy tagging")
    ap.add_argument("--writer", action="store_true", help="also measure W and S in this process (with tagging only)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="protokoll-scaling-") as tmp:
        work = Path(tmp)
        folder = files_of(args.folder, work)
        print(f"{sum(1 for p in folder.iterdir() if p.is_file())} files from {folder}", flush=True)
        runs = imports(folder, max(1, args.rounds), not args.no_tag, work)
        one, pinned, two = runs["1 worker, 2 cores"], runs["1 worker, 1 core"], runs["2 workers, 2 cores"]
        whole = [a[0] / b[0] for a, b in zip(one, two)]
        past = [(a[0] - a[1]) / (b[0] - b[1]) for a, b in zip(one, two)]
        cores = [a[0] / b[0] for a, b in zip(pinned, two)]
        writer_core = [a[0] / b[0] for a, b in zip(pinned, one)]

        print(f"- 1 -> 2 workers, whole import: {ratios(whole)}")
        print(f"- 1 -> 2 workers, past start-up (all minus the first quarter): {ratios(past)}")
        print(f"- 1 worker on 1 core -> 2 workers on 2 cores: {ratios(cores)}")
        print(f"- 1 worker: 1 core -> 2 cores (the writer on its own core): {ratios(writer_core)}")
        if args.writer and not args.no_tag:
            w, s, s0 = writer_share(folder, max(1, args.rounds), work)
            sm, s0m = median(s), median(s0)
            print(f"- CPU ms per file: workers (read, parse, tag) W = {w:.1f}; writer S = {sm:.1f} "
                  f"(rounds {', '.join(f'{x:.1f}' for x in s)}), {s0m:.1f} without the FTS5 index "
                  f"(rounds {', '.join(f'{x:.1f}' for x in s0)})")
            print(f"- bound on 2 cores, 2W / (W + S): {2 * w / (w + sm):.2f}x; "
                  f"with no search index: {2 * w / (w + s0m):.2f}x")


if __name__ == "__main__":
    main()
