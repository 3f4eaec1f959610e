"""The parser on real protocols nobody on this project wrote (../shared/corpus/).

Each document's expectation in tests/data/corpus/ was written by reading the document
(see that folder's README). Two kinds of test:

- every document the parser gets fully right is listed in RIGHT and must stay right,
  field by field (a failure prints every difference);
- the accuracy per field over the whole corpus must not fall below FLOOR, the figures
  `bench/eval_corpus.py` printed when these were last raised. Raise them as the parser
  gets better; never lower them to make a change pass.

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
FLOOR = {
    "items": 0.76,
    "body": 0.92,
    "date": 1.0,
    "time": 0.68,
    "item title": 0.70,
    "item dnr": 0.85,
    "item page": 0.94,
    "item clauses": 0.72,
    "item kinds": 0.80,
    "item outcomes": 0.70,
    "item votes": 0.91,
    "item reservations": 0.90,
    "item conflicts": 0.85,
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


@pytest.mark.parametrize("source", sorted(RIGHT))
def test_document_fully_right(source):
    want = next(e for e in expectations() if e["source"] == source)
    res = evaluate.compare(parsed(source), want)
    assert res.right, "\n".join(res.diffs)


def test_accuracy_per_field_does_not_fall():
    results = [evaluate.compare(parsed(e["source"]), e) for e in expectations()]
    shares = {f: r / n for f, (r, n) in evaluate.summary(results).items() if n}
    fallen = {f: (round(shares[f], 3), floor) for f, floor in FLOOR.items() if shares[f] < floor}
    assert not fallen, f"accuracy fell below the floor (share, floor): {fallen}"
    assert {r.source for r in results if r.right} >= RIGHT
