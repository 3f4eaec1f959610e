"""Benchmark an import on a Dask cluster against the local pool, on the same machine.

    python -m bench.cluster 40               # generate, import three ways, print a Markdown table
    python -m bench.cluster 40 --no-tag      # without spaCy tagging
    python -m bench.cluster 200 --keep ARCHIVE --rounds 3

In one run, as `protokoll ingest` subprocesses, each into a fresh database: the local
pool (``--workers 2``), ``--cluster local --workers 2`` (a LocalCluster started and
stopped by the import: its start-up counts) and a ``dask scheduler`` with two ``dask
worker --nthreads 1`` on 127.0.0.1, started once before the runs (its start-up does not
count; each import still sets up its worker plugin: spaCy, the pool). On
:func:`bench.synthetic.generate`'s archive of N protocols, and on its text-layer PDFs
alone. Documents/s of each, the ratio cluster/local, and the overhead of the cluster per
document in ms ((its seconds - the local pool's) / documents), and past start-up (each
import's seconds less those of the same import of an empty folder: connecting, starting
the cluster, setting up the workers); medians over ``--rounds``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import median, run_import, table
from bench.synthetic import generate, keep
from protokoll.background import free_port

MODES = ("local pool", "--cluster local", "scheduler + 2 workers")


def arguments(argv=None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="python -m bench.cluster", description=__doc__.split("\n\n")[0])
    ap.add_argument("n", type=int, help="number of protocols")
    ap.add_argument("--no-tag", action="store_true", help="import without spaCy tagging")
    ap.add_argument("--keep", type=Path, help="build the archive here (or reuse the one built here before)")
    ap.add_argument("--rounds", type=int, default=1, help="runs of each import (the median is given)")
    return ap.parse_args(argv)


class Loopback:
    """A ``dask scheduler`` and two ``dask worker --nthreads 1`` on 127.0.0.1 (this
    interpreter's, so the workers import this checkout)."""

    def __init__(self, workers: int = 2):
        self.address = f"tcp://127.0.0.1:{free_port()}"
        env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
        run = [sys.executable, "-m", "dask"]
        self.procs = [subprocess.Popen([*run, "scheduler", "--host", "127.0.0.1", "--port",
                                        self.address.rsplit(":", 1)[1], "--no-dashboard"],
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
                                       start_new_session=True)]
        self.procs += [subprocess.Popen([*run, "worker", self.address, "--nthreads", "1", "--no-dashboard"],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
                                        start_new_session=True) for _ in range(workers)]
        from distributed import Client

        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    with Client(self.address, timeout=5, set_as_default=False) as client:
                        client.wait_for_workers(workers, timeout=60)
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.5)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        for p in self.procs:
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except OSError:
                pass
            p.wait()


def measure(folder: Path, work: Path, name: str, tag: bool, loopback: Loopback, rounds: int) -> list[list]:
    """One row per mode: documents, seconds, documents/s, ratio, start-up seconds (an
    import of an empty folder), overhead ms/document in all and past start-up."""
    runs = {mode: [] for mode in MODES}
    empty = work / "empty"
    empty.mkdir(exist_ok=True)
    for r in range(rounds):
        for mode, workers, extra in (("local pool", 2, ()), ("--cluster local", 2, ("--cluster", "local")),
                                     ("scheduler + 2 workers", None, ("--cluster", loopback.address))):
            tag_of = f"{name}-{mode.split()[-1]}-{r}"
            res = run_import([folder], work / f"{tag_of}.db", workers, tag, extra=extra)
            if res["exit"] != 0:
                print(f"warning: {mode} exited {res['exit']}: {res['summary'].get('failed')}", file=sys.stderr)
            start = run_import([empty], work / f"{tag_of}-empty.db", workers, tag, extra=extra)["seconds"]
            runs[mode].append((res["summary"]["imported"], res["seconds"], start))
    local = median(s for _, s, _ in runs["local pool"])
    local_start = median(s for _, _, s in runs["local pool"])
    rows = []
    for mode in MODES:
        docs = runs[mode][0][0]
        seconds = median(s for _, s, _ in runs[mode])
        start = median(s for _, _, s in runs[mode])
        row = [name, mode, docs, f"{seconds:.1f}", f"{docs / seconds if seconds else 0:.2f}", "1", f"{start:.1f}",
               "–", "–"]
        if mode != "local pool":
            row[5] = f"{local / seconds:.2f}"
            row[7] = f"{(seconds - local) / max(docs, 1) * 1000:+.0f}"
            row[8] = f"{((seconds - start) - (local - local_start)) / max(docs, 1) * 1000:+.0f}"
        rows.append(row)
    return rows


def main(argv=None) -> None:
    args = arguments(argv)
    tag = not args.no_tag
    with tempfile.TemporaryDirectory(prefix="bench-cluster-") as tmp:
        work = Path(tmp)
        archive = args.keep or work / "archive"
        kinds, reused = keep(archive, args.n) if args.keep else (generate(archive, args.n), False)
        print(f"{'reused' if reused else 'generated'} {args.n} protocols; tag={tag}; rounds={args.rounds}",
              file=sys.stderr)
        pdfs = work / "pdf-only"
        pdfs.mkdir()
        for i, p in enumerate(kinds.get("pdf", [])):
            shutil.copy(p, pdfs / f"{i:06d}.pdf")
        loopback = Loopback()
        try:
            rows = measure(archive, work, "synthetic", tag, loopback, args.rounds)
            rows += measure(pdfs, work, "text PDFs", tag, loopback, args.rounds)
        finally:
            loopback.close()
    print(table(["archive", "executor", "documents", "seconds", "documents/s", "cluster/local (docs/s)",
                 "start-up s", "overhead ms/doc", "past start-up ms/doc"], rows, right_from=2))


if __name__ == "__main__":
    main()
