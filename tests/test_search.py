"""Swedish full-text search: inflections found, å/ä/ö never folded, on real SQLite files."""

import dataclasses
import json
import re
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from protokoll import pipeline, search, store
from protokoll.records import Item, Protocol

DATA = Path(__file__).parent / "data" / "store"


def protocol(name: str) -> Protocol:
    return Protocol.from_dict(json.loads((DATA / f"{name}.json").read_text()))


@pytest.fixture
def db(tmp_path):
    db = store.open(tmp_path / "search.db")
    for name in ("lsvo", "aldras", "bun"):
        store.save(db, protocol(name))
    return db


def texts(hits) -> list[str]:
    return [f"{h['title']} {h['text']}".lower() for h in hits]


@pytest.mark.parametrize("q, expected", [
    ("Budgeten", '"budget"'),
    ("förskolorna", '"förskol"'),
    ("avvikelse", '"avvik"'),
    ("för", '"för"'),
    ("år", '" år"'),  # two letters: words starting with them
    ("i", ""),  # one letter: nothing to search
    ('"Uppdrag  Psykisk hälsa"', '"uppdrag psykisk hälsa"'),
    ("budget OR förskolorna", '"budget" OR "förskol"'),
    ("OR budget OR", '"budget"'),
    ("SIP-utbildning,", '"sip-utbildning"'),
    ('x"y', '"x""y"'),  # quotes inside a word are escaped
])
def test_fts_expression(q, expected):
    assert search.fts_expression(q) == expected


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from('ab åäö"*^():-+OR NEAR{}§\'\\'), max_size=30))
def test_any_search_box_text_is_a_valid_expression(q):
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE t USING fts5(text, tokenize='trigram')")
    conn.execute("INSERT INTO t VALUES ('år för avvikelser (OR) NEAR')")
    expression = search.fts_expression(q)
    if expression:
        conn.execute("SELECT rowid FROM t WHERE t MATCH ?", [expression]).fetchall()


@pytest.mark.parametrize("q, must_contain", [
    ("avvikelse", ["avvikelser", "avvikelsehantering"]),
    ("budget", ["budgeten"]),
    ("budgeten", ["budget för 2025"]),
    ("förskolorna", ["förskolan"]),
])
def test_inflections_are_found(db, q, must_contain):
    found = " ".join(texts(search.query(db, q)))
    for word in must_contain:
        assert word in found, f"{q!r} did not find {word!r}"


def test_every_hit_contains_the_stem(db):
    for q, stem in [("avvikelserna", "avvik"), ("budgeten", "budget"), ("kommunerna", "kommun")]:
        hits = search.query(db, q)
        assert hits
        assert all(stem in t for t in texts(hits))


def test_a_with_rings_and_dots_are_never_folded(db):
    english = Item("1", "1.", "Link for all", "information", 1, text="Link for all users, see docs.")
    p = protocol("aldras")
    p = dataclasses.replace(p, source=dataclasses.replace(p.source, path="x.txt", sha256="a" * 64),
                            items=(english,), entities=())
    store.save(db, p)
    assert all("för" in t for t in texts(search.query(db, "för")))
    assert "link for all" not in " ".join(texts(search.query(db, "för")))
    assert "link for all" in " ".join(texts(search.query(db, "for")))
    # "sammantrade" (a instead of ä) finds nothing; the real word does.
    assert search.query(db, "sammantradet") == []
    assert search.query(db, "sammanträdet")


def test_hits_carry_source_and_page(db):
    hit = next(h for h in search.query(db, "avvikelsehantering") if h["kind"] == "clause")
    assert hit["source"] == "samples/lsvo-2024-12-13.md"
    assert (hit["body"], hit["date"], hit["paragraph"], hit["page"]) == ("LSVO", "2024-12-13", "§ 98/24", 9)
    assert hit["text"].startswith("att godkänna process och rutin")


def test_results_are_ranked_and_limited(db):
    hits = search.query(db, "för", limit=3)
    assert len(hits) == 3
    assert [h["score"] for h in hits] == sorted((h["score"] for h in hits), reverse=True)
    assert search.query(db, "i") == []
    # The word in an item's title weighs most.
    top = search.query(db, "avvikelse")[0]
    assert top["kind"] == "item" and "avvik" in top["title"].lower()


def test_candidate_cap_ranks_only_the_newest_matches(db):
    every = search.query(db, "för", limit=100)
    capped = search.query(db, "för", limit=100, candidates=1)
    assert len(capped) == 2 < len(every)  # the newest matching item and clause
    rowid = {h["kind"]: db.execute(f"SELECT rowid FROM {h['kind']}s WHERE id = ?", [h["id"]]).fetchone()[0]
             for h in capped}
    for kind in ("item", "clause"):
        assert rowid[kind] == db.execute(
            f"SELECT max(rowid) FROM {kind}s_fts WHERE {kind}s_fts MATCH ?", ['"för"']).fetchone()[0]


def test_real_samples_are_searchable(tmp_path):
    db = store.open(tmp_path / "samples.db")
    for path in ("samples/lsvo-2024-12-13.md", "samples/aldras.txt"):
        store.save(db, pipeline.process(Path(__file__).parent.parent / path), path=path)
    sources = {h["source"] for h in search.query(db, "avvikelse", limit=200)}
    assert sources == {"samples/lsvo-2024-12-13.md", "samples/aldras.txt"}
    found = " ".join(texts(search.query(db, "avvikelse", limit=200)))
    for word in ("avvikelser", "avvikelserna", "avvikelsehanteringssystemet", "avvikelsesystem"):
        assert re.search(rf"\b{word}\b", found), word
    assert db.execute("SELECT count(*) FROM decision_register").fetchone()[0] == db["clauses"].count > 0
