"""The parser on real protocols nobody on this project wrote (../shared/corpus/).

Each document's expectation in tests/data/corpus/ was written by reading the document
(see that folder's README). The accuracy per field over the whole corpus must not fall
below FLOOR, the figures `bench/eval_corpus.py` printed when they were last raised, and
every document listed in RIGHT must stay fully right (a failure prints every
difference). Raise both as the parser gets better; never lower them to make a change
pass (a new expectation file is the one reason to set them again).

The corpus is not copied into the repository (19 MB): where ../shared/corpus/ is missing
(a user's clone), these tests are skipped and say why.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import pytest

from protokoll import ingest, parsers
from protokoll.parsers import evaluate

ROOT = Path(__file__).resolve().parent
EXPECTED = ROOT / "data" / "corpus"
CORPUS = ROOT.parent.parent / "shared" / "corpus"

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus/ is not here (a clone without it)")

# Documents the parser gets fully right: every field of the document and of each item.
RIGHT: set[str] = set()

# (right, checked) may not fall below these shares.
FLOOR = {  # bench/eval_corpus.py at 38 expectations: right of checked
    "items": 0.71,  # 27 of 38 documents with exactly the right item numbers
    "body": 0.894,  # 34 of 38
    "date": 0.921,  # 35 of 38
    "time": 0.684,  # 26 of 38
    "attendance": 0.216,  # 8 of 37
    "item title": 0.651,  # 260 of 399
    "item dnr": 0.814,  # 325 of 399
    "item page": 0.939,  # 375 of 399
    "item clauses": 0.666,  # 266 of 399
    "item kinds": 0.716,  # 286 of 399
    "item outcomes": 0.716,  # 286 of 399
    "item votes": 0.939,  # 375 of 399
    "item reservations": 0.957,  # 382 of 399
    "item conflicts": 0.942,  # 376 of 399
}


def expectations() -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(EXPECTED.glob("*/*.json"))]


@lru_cache(maxsize=None)
def parsed(source: str):
    return parsers.parse(ingest.read(CORPUS / source))


def test_every_expectation_names_a_corpus_document():
    sources = [e["source"] for e in expectations()]
    assert len(sources) == len(set(sources))
    missing = [s for s in sources if not (CORPUS / s).exists()]
    assert not missing


def test_accuracy_per_field_does_not_fall():
    results = [evaluate.compare(parsed(e["source"]), e) for e in expectations()]
    shares = {f: r / n for f, (r, n) in evaluate.summary(results).items() if n}
    fallen = {f: (round(shares[f], 3), floor) for f, floor in FLOOR.items() if shares[f] < floor}
    assert not fallen, f"accuracy fell below the floor (share, floor): {fallen}"
    for r in results:
        assert r.source not in RIGHT or r.right, f"{r.source} is no longer fully right:\n" + "\n".join(r.diffs)
