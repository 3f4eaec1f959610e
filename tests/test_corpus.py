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
FLOOR = {  # bench/eval_corpus.py at 33 expectations: right of checked
    "items": 0.666,  # 22 of 33 documents with exactly the right item numbers
    "body": 0.878,  # 29 of 33
    "date": 0.909,  # 30 of 33
    "time": 0.636,  # 21 of 33
    "attendance": 0.187,  # 6 of 32
    "item title": 0.607,  # 215 of 354
    "item dnr": 0.79,  # 280 of 354
    "item page": 0.932,  # 330 of 354
    "item clauses": 0.627,  # 222 of 354
    "item kinds": 0.68,  # 241 of 354
    "item outcomes": 0.686,  # 243 of 354
    "item votes": 0.935,  # 331 of 354
    "item reservations": 0.951,  # 337 of 354
    "item conflicts": 0.935,  # 331 of 354
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
