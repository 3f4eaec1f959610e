"""Issue 28: the same meeting in several files is one meeting (protokoll.grouping).

The samples are two meetings in five formats each: LSVO 2024-12-13 (.md, .docx, .odt,
.rtf, .pdf) and the undated Samverkansgrupp att åldras (.txt, .docx, .doc, .pdf, and a
scan of the PDF's first two pages). Imported together they are 10 documents and 2
meetings, each served from its PDF.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import zlib
from functools import lru_cache
from pathlib import Path

import pytest

from protokoll import grouping, ingest, nlp, parsers, pipeline, store
from protokoll.records import child_id, stable_id

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
LSVO = [f"lsvo-2024-12-13.{ext}" for ext in ("md", "docx", "odt", "rtf", "pdf")]
ALDRAS = ["aldras.txt", "aldras.docx", "aldras.doc", "aldras.pdf", "aldras-scanned.pdf"]
LOMMA = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "lomma"


@lru_cache(maxsize=None)
def protocols() -> dict:
    """Every sample file read, parsed and tagged once, by name."""
    language = nlp.load(use_model=False)
    return {name: pipeline.process(SAMPLES / name, nlp=language) for name in LSVO + ALDRAS}


def save(db_path, names):
    db = store.open(db_path)
    for name in names:
        store.save(db, protocols()[name], imported_at="2026-12-05T00:00:00+00:00")
    return db


def sources(db) -> dict[str, list[tuple[str, int, str]]]:
    """Meeting body -> its sources (file name, main, rule), main source first."""
    out: dict = {}
    for body, path, main, rule in db.execute(
        "SELECT meetings.body, documents.path, meeting_sources.main, meeting_sources.rule "
        "FROM meeting_sources JOIN meetings ON meetings.id = meeting_sources.meeting_id "
        "JOIN documents ON documents.id = meeting_sources.document_id "
        "ORDER BY meetings.body, meeting_sources.main DESC, documents.path"):
        out.setdefault(body, []).append((Path(path).name, main, rule))
    return out


def register(db) -> list[tuple]:
    """The register's content (no ids), in the order of the minutes."""
    return db.execute(
        "SELECT date, body, paragraph, title, clause, amount, source, page FROM decision_register "
        "ORDER BY body, item_position, decision_position, clause_position").fetchall()


@pytest.fixture
def all_samples(tmp_path):
    return save(tmp_path / "p.db", LSVO + ALDRAS)


def test_ten_sample_files_are_two_meetings_served_from_their_pdfs(all_samples):
    db = all_samples
    assert db.execute("SELECT count(*) FROM documents").fetchone()[0] == 10
    assert db.execute("SELECT count(*) FROM meetings").fetchone()[0] == 2
    got = sources(db)
    assert [s[:2] for s in got["LSVO"]] == [
        ("lsvo-2024-12-13.pdf", 1), ("lsvo-2024-12-13.docx", 0), ("lsvo-2024-12-13.md", 0),
        ("lsvo-2024-12-13.odt", 0), ("lsvo-2024-12-13.rtf", 0)]
    # the scan of two pages (4 items) is a source of the meeting, never its main one
    assert [s[:2] for s in got["Samverkansgruppen"]] == [
        ("aldras.pdf", 1), ("aldras-scanned.pdf", 0), ("aldras.doc", 0), ("aldras.docx", 0), ("aldras.txt", 0)]
    rules = {name: rule for name, _, rule in got["LSVO"] + got["Samverkansgruppen"]}
    # the main source is the meeting's own reading; the others match it (whichever came first)
    assert rules["lsvo-2024-12-13.pdf"] == rules["aldras.pdf"] == "main source"
    assert rules["lsvo-2024-12-13.md"] == "same body, date and items"
    assert rules["aldras-scanned.pdf"] == "same body and items, no date"


def test_the_register_has_each_clause_of_a_meeting_once(all_samples, tmp_path):
    """The register of all ten files is the register of the two PDFs alone (before
    issue 28 it had every clause five times and LSVO's sum was five times too large)."""
    alone = save(tmp_path / "pdfs.db", ["lsvo-2024-12-13.pdf", "aldras.pdf"])
    got = register(all_samples)
    assert got == register(alone)
    assert len(got) == sum(len(d.clauses) for n in ("lsvo-2024-12-13.pdf", "aldras.pdf")
                           for it in protocols()[n].items for d in it.decisions)
    amount = "SELECT sum(amount) FROM decision_register"
    assert all_samples.execute(amount).fetchone() == alone.execute(amount).fetchone()
    # every source file is listed on each of its meeting's rows, the main source first
    (listed,) = all_samples.execute(
        "SELECT DISTINCT sources FROM decision_register WHERE body = 'LSVO'").fetchone()
    assert [Path(p).name for p in listed.split("; ")] == [
        "lsvo-2024-12-13.pdf", "lsvo-2024-12-13.docx", "lsvo-2024-12-13.md", "lsvo-2024-12-13.odt",
        "lsvo-2024-12-13.rtf"]
    # the items, entities and attendance of the other files are not served
    assert {r[0] for r in all_samples.execute("SELECT DISTINCT document_id FROM entities")} == {
        stable_id(protocols()[n].source.sha256) for n in ("lsvo-2024-12-13.pdf", "aldras.pdf")}


def test_the_order_of_import_does_not_change_what_is_served(all_samples, tmp_path):
    backwards = save(tmp_path / "backwards.db", list(reversed(LSVO + ALDRAS)))
    assert register(backwards) == register(all_samples)
    assert {b: [s[:2] for s in v] for b, v in sources(backwards).items()} == {
        b: [s[:2] for s in v] for b, v in sources(all_samples).items()}


def test_when_the_main_source_goes_the_next_one_is_served(tmp_path):
    db = save(tmp_path / "p.db", LSVO)
    pdf, docx = (protocols()[n] for n in ("lsvo-2024-12-13.pdf", "lsvo-2024-12-13.docx"))
    (meeting_id,) = db.execute("SELECT id FROM meetings").fetchone()
    store.remove_path(db, pdf.source.path)  # protokoll ingest --prune: the PDF was deleted
    docx_id = stable_id(docx.source.sha256)
    assert meeting_id == child_id(stable_id(pdf.source.sha256), "meeting")
    assert db.execute("SELECT id, document_id FROM meetings").fetchall() == [
        (child_id(docx_id, "meeting"), docx_id)]  # the same meeting, now from the .docx and under its id
    assert {r[0] for r in db.execute("SELECT DISTINCT meeting_id FROM meeting_sources")} == {
        child_id(docx_id, "meeting")}
    alone = save(tmp_path / "docx.db", ["lsvo-2024-12-13.docx"])
    assert register(db) == register(alone)
    for name in LSVO:
        store.remove_path(db, protocols()[name].source.path)
    for table in ("meetings", "meeting_sources", "readings", "items", "clauses", "entities", "attendance"):
        assert db[table].count == 0, table
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []


def test_a_better_source_arriving_later_takes_over(tmp_path):
    db = save(tmp_path / "p.db", ["lsvo-2024-12-13.md"])
    (md_id,) = db.execute("SELECT document_id FROM meetings").fetchone()
    store.save(db, protocols()["lsvo-2024-12-13.pdf"])
    ((main, served),) = db.execute("SELECT meetings.document_id, items.meeting_id FROM meetings "
                                   "JOIN items ON items.meeting_id = meetings.id GROUP BY 1").fetchall()
    assert main == stable_id(protocols()["lsvo-2024-12-13.pdf"].source.sha256) != md_id
    assert db.execute("SELECT count(*) FROM items").fetchone()[0] == len(protocols()["lsvo-2024-12-13.pdf"].items)
    assert db.execute("SELECT count(*) FROM entities WHERE document_id = ?", [md_id]).fetchone()[0] == 0


def test_a_database_of_version_4_keeps_its_meetings_and_groups_new_files(tmp_path):
    """A meeting stored before version 5 has no kept reading: it stays served as it is,
    and a copy imported later becomes one of its sources."""
    db = save(tmp_path / "old.db", ["lsvo-2024-12-13.md"])
    db.execute("DELETE FROM readings")
    db.execute("DELETE FROM meeting_sources")
    db.execute("UPDATE _meta SET value = '4' WHERE key = 'schema_version'")
    db.conn.commit()
    db.close()
    db = store.open(tmp_path / "old.db")
    assert store.schema_version(db) == store.SCHEMA_VERSION
    assert db.execute("SELECT main, items, rule FROM meeting_sources").fetchall() == [
        (1, len(protocols()["lsvo-2024-12-13.md"].items), "main source")]
    store.save(db, protocols()["lsvo-2024-12-13.pdf"])
    assert [s[:2] for s in sources(db)["LSVO"]] == [("lsvo-2024-12-13.md", 1), ("lsvo-2024-12-13.pdf", 0)]


@pytest.mark.parametrize(("better", "worse"), [
    (("protocol", 12, "docx", "b"), ("extract", 12, "pdf", "a")),  # the whole meeting first
    (("protocol", 15, "txt", "b"), ("protocol", 4, "pdf", "a")),  # the most complete reading
    (("protocol", 12, "pdf", "b"), ("protocol", 12, "docx", "a")),  # signed PDF before draft Word
    (("protocol", 12, "docx", "b"), ("protocol", 12, "odt", "a")),
    (("protocol", 12, "rtf", "b"), ("protocol", 12, "txt", "a")),
    (("protocol", 12, "pdf", "a"), ("protocol", 12, "pdf", "b")),  # then the lowest sha256
])
def test_main_source_rule(better, worse):
    assert grouping.rank(*better) < grouping.rank(*worse)


@pytest.mark.skipif(not LOMMA.is_dir(), reason="needs ../shared/corpus")
def test_meetings_of_one_body_stay_apart_even_without_their_dates():
    """Lomma's 23 protocols: 10 of kommunfullmäktige, 6 of barn- och utbildningsnämnden,
    … whose first items read alike ("Val av justerare", "Godkännande av dagordning"). Even
    with every date taken away, no two of them are one meeting: their items disagree."""
    readings = []
    for path in sorted(LOMMA.glob("*.txt")):
        p = parsers.parse(ingest.read(path))
        p = dataclasses.replace(p, meeting=dataclasses.replace(p.meeting, date=None))
        readings.append((path.name, grouping.reading(p)))
    bodies = {}
    for name, r in readings:
        bodies.setdefault(r.body, []).append(name)
    assert max(len(v) for v in bodies.values()) >= 6  # there really are same-body pairs
    merged = [(a, b) for (a, ra), (b, rb) in itertools.combinations(readings, 2) if grouping.same_meeting(ra, rb)]
    assert merged == []
    # … and each is the same meeting as itself read again (the rule can say yes)
    assert all(grouping.same_meeting(r, r) for _, r in readings if r.items)


@pytest.mark.parametrize(("a", "b", "same"), [
    ("Kommunstyrelsen", "Kommunstvrelsen", True),  # OCR: y read as v
    ("Kommunfullmäktige", "KOMMUNFULLMÄKTIGE", True),
    ("Äldrenämnden", "Aldrenamnden", True),  # accents lost
    ("Kommunstyrelsen", "Kommunfullmäktige", False),
    ("Barn- och utbildningsnämnden", "Socialnämnden", False),
])
def test_bodies_alike(a, b, same):
    assert grouping.bodies_alike(a, b) is same


def test_a_reading_round_trips_through_the_store(all_samples):
    """The kept reading is the file's whole parse: served again, it gives the same rows."""
    (blob,) = all_samples.execute(
        "SELECT protocol FROM readings WHERE document_id = ?",
        [stable_id(protocols()["aldras.docx"].source.sha256)]).fetchone()
    assert json.loads(zlib.decompress(blob))["source"]["format"] == "docx"
    assert store.meetings.reading(all_samples, stable_id(protocols()["aldras.docx"].source.sha256)) == protocols()["aldras.docx"]
