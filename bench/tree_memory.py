"""Memory of a whole `protokoll ingest` process tree over time, and LibreOffice's share.

Runs one import of ARCHIVE (2 workers, with tagging unless --no-tag) into a fresh
database, samples the proportional set size (PSS) of the import and all its
descendants every 0.5 s, and prints the series, the peak, and the tree after
LibreOffice stopped. With an archive whose .doc/.odt/.rtf files sit together (as in
real archives: the oldest folders), this shows the shared LibreOffice stopping after
a minute without a conversion (``protokoll.ingest.shared.IDLE``).

    .venv/bin/python -m bench.tree_memory ARCHIVE [--no-tag] [--workers N]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import PROTOKOLL, tree_pss

LIBREOFFICE = {"soffice.bin", "oosplash", "python3"}  # python3: its UNO helper


def main() -> None:
    ap = argparse.ArgumentParser(prog="python -m bench.tree_memory", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("archive", type=Path)
    ap.add_argument("--no-tag", action="store_true")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--every", type=float, default=0.5, help="seconds between samples")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="protokoll-bench-") as tmp:
        cmd = [PROTOKOLL, "ingest", str(args.archive), "--db", str(Path(tmp, "t.db")),
               "-w", str(args.workers), "--json", "--quiet"] + (["--no-tag"] if args.no_tag else [])
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        started, rows = time.monotonic(), []
        while p.poll() is None:
            total, lo = tree_pss(p.pid, LIBREOFFICE)
            rows.append((time.monotonic() - started, total / 2**20, lo / 2**20))
            time.sleep(args.every)
        summary = json.loads(p.stdout.read())
    if not rows:
        sys.exit("the import ended before the first sample")
    print(f"{summary['imported']} imported, {len(summary['failed'])} failed, "
          f"{summary['seconds']:.0f} s\n")
    print("| s | tree MB | LibreOffice MB |\n| ---: | ---: | ---: |")
    step = max(1, len(rows) // 12)
    for t, total, lo in rows[::step]:
        print(f"| {t:.0f} | {total:.0f} | {lo:.0f} |")
    peak = max(r[1] for r in rows)
    running = [r for r in rows if r[2] > 50]
    print(f"\n- peak tree {peak:.0f} MB; LibreOffice running {len(running) * args.every:.0f} of {rows[-1][0]:.0f} s")
    if running and running[-1] is not rows[-1]:
        gone = running[-1][0]
        after = [r[1] for r in rows if r[0] > gone]
        print(f"- LibreOffice stopped at {gone:.0f} s; the tree after that: at most {max(after):.0f} MB")


if __name__ == "__main__":
    main()
