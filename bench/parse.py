"""Parsing time as a share of extraction time, on the samples (target: under 10%).

    .venv/bin/python -m bench.parse            # every sample except OCR
    .venv/bin/python -m bench.parse --repeat 5 samples/aldras.pdf

Both stages run in this process on the same files; each time is the best of
``--repeat`` runs, so the ratio does not depend on how fast the machine is.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from bench.common import SAMPLES
from protokoll import ingest, parsers

DEFAULT = [p for p in sorted(SAMPLES.iterdir()) if p.suffix != ".md" or p.stem != "README"]
DEFAULT = [p for p in DEFAULT if "scanned" not in p.name]  # OCR: extraction dominates anyway


def best(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return min(times), result


def main() -> None:
    ap = argparse.ArgumentParser(prog="python -m bench.parse", description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*", type=Path, default=DEFAULT)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    ingest.read(args.files[0])  # warm up imports (and LibreOffice, if needed)
    total_extract = total_parse = 0.0
    print(f"{'file':32} {'extract ms':>11} {'parse ms':>9} {'share':>7}")
    for path in args.files:
        t_extract, doc = best(lambda: ingest.read(path), args.repeat)
        t_parse, _ = best(lambda: parsers.parse(doc), args.repeat)
        total_extract += t_extract
        total_parse += t_parse
        print(f"{path.name:32} {t_extract * 1000:11.1f} {t_parse * 1000:9.1f} {t_parse / t_extract:7.1%}")
    print(f"{'all':32} {total_extract * 1000:11.1f} {total_parse * 1000:9.1f} {total_parse / total_extract:7.1%}"
          "   (target < 10%)")


if __name__ == "__main__":
    main()
