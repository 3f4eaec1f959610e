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
RIGHT: set[str] = {
    "lomma/BUN_2023-01-10.txt",
    "lomma/BUN_2023-05-16.txt",
    "lomma/BUN_2023-10-10.txt",
    "lomma/BUN_2024-02-06.txt",
    "lomma/BUN_2024-06-18.txt",
    "lomma/BUN_2024-11-19.txt",
    "lomma/KF-2022-01-27.txt",
    "lomma/KF-2022-04-21.txt",
    "lomma/KF-2022-09-22.txt",
    "lomma/KF-2022-12-01.txt",
    "lomma/KF-2023-03-02.txt",
    "lomma/KF-2023-06-01.txt",
    "lomma/KF-2023-10-26.txt",
    "lomma/KF-2024-02-01.txt",
    "lomma/KF-2024-05-30.txt",
    "lomma/KF-2024-10-24.txt",
    "lomma/KFN_2025-02-03.txt",
    "lomma/KFN_2025-05-19.txt",
    "lomma/KS_2025-01-22.txt",
    "lomma/KS_2025-04-23.txt",
    "lomma/SN_2023-06-20.txt",
    "lomma/SN_2023-10-10.txt",
    "lomma/SN_2023-12-12.txt",
    "riksbank/penningpolitiskt-protokoll-8-februari-2023.pdf",
    "riksbank/pro_penningpol_120417.pdf",
    "riksbank/pro_penningpolitiskt_140917_sve.pdf",
    "riksbank/pro_penningpolitiskt_160104_sve.pdf",
    "riksbank/protokoll-fran-det-penningpolitiska-motet-14-februari-2017.pdf",
    "riksbank/protokoll-fran-det-penningpolitiska-motet-16-mars-2020.pdf",
    "riksbank/protokoll-fran-det-penningpolitiska-motet-den-19-mars-2025.pdf",
}

# (right, checked) may not fall below these shares.
FLOOR = {  # bench/eval_corpus.py at 38 expectations: right of checked
    "documents": 0.789,  # 30 of 38 documents fully right
    "items": 1.0,  # 38 of 38 documents with exactly the right item numbers
    "kind": 1.0,  # 38 of 38
    "declared": 1.0,  # 38 of 38
    "body": 0.973,  # 37 of 38
    "date": 1.0,  # 38 of 38
    "time": 1.0,  # 38 of 38
    "attendance": 0.972,  # 36 of 37
    "item title": 0.977,  # 390 of 399
    "item dnr": 1.0,  # 399 of 399
    "item page": 1.0,  # 399 of 399
    "item clauses": 0.964,  # 385 of 399
    "item kinds": 0.984,  # 393 of 399
    "item outcomes": 0.964,  # 385 of 399
    "item votes": 1.0,  # 399 of 399
    "item reservations": 1.0,  # 399 of 399
    "item conflicts": 0.997,  # 398 of 399
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
