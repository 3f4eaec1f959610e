"""The parser on the real protocols of ../shared/corpus/: accuracy per field.

    .venv/bin/python -m bench.eval_corpus          # the table
    .venv/bin/python -m bench.eval_corpus --diffs  # and what differs, per document
    .venv/bin/python -m bench.eval_corpus --only lomma/KF # documents whose path contains this

Expectations are in tests/data/corpus/ (written by reading the documents; see its README).
Each document is read (ingest) and parsed in this process; the table counts documents
fully right, then each field: per document (items exact, document kind, the item range
the cover declares, body, date, start/end, attendance by status) and per item, over the items whose number was found (title, Dnr,
page, clause counts per decision block, decision kinds, outcomes, votes, reservations, jäv).
Also prints parsing time as a share of extraction time over the corpus.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from bench.common import ROOT
from protokoll import ingest, parsers
from protokoll.parsers import evaluate

EXPECTED = ROOT / "tests" / "data" / "corpus"
CORPUS = ROOT.parent / "shared" / "corpus"


def cases(corpus: Path = CORPUS, only: str = "") -> list[tuple[Path, dict]]:
    """(document path, expectation) for each expectation whose document exists."""
    out = []
    for exp in sorted(EXPECTED.glob("*/*.json")):
        want = json.loads(exp.read_text(encoding="utf-8"))
        doc = corpus / want["source"]
        if doc.exists() and only in want["source"]:
            out.append((doc, want))
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.eval_corpus", description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=CORPUS, help="folder of the corpus (default: ../shared/corpus)")
    ap.add_argument("--only", default="", help="only documents whose path contains this")
    ap.add_argument("--diffs", action="store_true", help="print what differs, per document")
    args = ap.parse_args(argv)
    todo = cases(args.corpus, args.only)
    if not todo:
        print(f"no corpus documents found under {args.corpus}", file=sys.stderr)
        return 2
    results, t_read, t_parse = [], 0.0, 0.0
    for path, want in todo:
        t = time.perf_counter()
        doc = ingest.read(path)
        t_read += time.perf_counter() - t
        t = time.perf_counter()
        protocol = parsers.parse(doc)
        t_parse += time.perf_counter() - t
        res = evaluate.compare(protocol, want)
        results.append(res)
        if args.diffs and not res.right:
            print(f"\n{res.source}")
            for d in res.diffs[:40]:
                print(f"  {d}")
    print(f"\n{'field':22} {'right':>7} {'of':>5} {'share':>7}")
    for name, (right, n) in evaluate.summary(results).items():
        print(f"{name:22} {right:7d} {n:5d} {right / n if n else 0:7.1%}")
    print(f"\nparse {t_parse:.2f} s = {t_parse / t_read:.1%} of extraction ({t_read:.2f} s), {len(results)} documents")
    return 0


if __name__ == "__main__":
    sys.exit(main())
