"""The SQLite store: schema, one transaction per document, re-loads, replacements, migrations.

Protocols are hand-made from the samples' content (tests/data/store/*.json, written
the way ``protokoll parse --json`` writes them) and saved into real SQLite files.
"""

import dataclasses
import hashlib
import json
import sqlite3
from pathlib import Path

import pytest
import sqlite_utils

from protokoll import search, store
from protokoll.errors import CorruptFile, DatabaseBusy, DatabaseError
from protokoll.records import Protocol, stable_id

DATA = Path(__file__).parent / "data" / "store"
WHEN = "2025-03-01T12:00:00+00:00"


def protocol(name: str) -> Protocol:
    return Protocol.from_dict(json.loads((DATA / f"{name}.json").read_text()))


@pytest.fixture
def db(tmp_path):
    return store.open(tmp_path / "protokoll.db")


@pytest.fixture
def loaded(db):
    for name in ("lsvo", "aldras", "bun"):
        store.save(db, protocol(name), imported_at=WHEN)
    return db


def content_hash(db, *, fts: bool = True) -> str:
    """A hash of every row of every table (FTS shadow tables included unless not ``fts``)."""
    h = hashlib.sha256()
    for table in sorted(t for t in db.table_names() if fts or "_fts" not in t):
        h.update(table.encode())
        for row in sorted(repr(r) for r in db.execute(f"SELECT * FROM [{table}]")):
            h.update(row.encode())
    return h.hexdigest()


def counts(db) -> dict:
    return {t: db[t].count for t in db.table_names()}


def fts_settings(db) -> dict:
    """The search indexes' stored settings (FTS5 config rows other than its version)."""
    return {t: dict(db.execute(f"SELECT k, v FROM {t}_fts_config WHERE k != 'version'").fetchall())
            for t in search.FTS_COLUMNS}


def test_open_sets_wal_foreign_keys_and_schema_version(tmp_path):
    db = store.open(tmp_path / "new.db")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert store.schema_version(db) == store.SCHEMA_VERSION
    issue_tables = {"documents", "document_paths", "meetings", "items", "decisions", "clauses",
                    "people", "organisations", "attendance", "entities", "votes", "reservations",
                    "conflicts", "sent_to", "warnings"}
    assert issue_tables <= set(db.table_names())
    assert "decision_register" in db.view_names()
    assert {"items_fts", "clauses_fts"} <= set(db.table_names())


def test_save_writes_every_part_of_the_protocol(loaded):
    lsvo, bun = protocol("lsvo"), protocol("bun")
    doc_id = stable_id(lsvo.source.sha256)
    doc = loaded["documents"].get(doc_id)
    assert (doc["path"], doc["status"], doc["format"], doc["imported_at"]) == (
        "samples/lsvo-2024-12-13.md", "ok", "md", WHEN)
    meeting = next(loaded["meetings"].rows_where("document_id = ?", [doc_id]))
    assert (meeting["body"], meeting["date"], meeting["start"], meeting["end"]) == (
        "LSVO", "2024-12-13", "08:30", "15:00")
    items = list(loaded["items"].rows_where("meeting_id = ?", [meeting["id"]], order_by="position"))
    assert [i["label"] for i in items] == [i.label for i in lsvo.items]
    assert json.loads(items[2]["presenters"]) == ["Malin Johansson", "Lena Danielsson"]
    every = [protocol(n) for n in ("lsvo", "aldras", "bun")]
    assert loaded["clauses"].count == sum(
        len(d.clauses) for p in every for i in p.items for d in i.decisions)
    assert loaded["entities"].count == sum(len(p.entities) for p in every)
    assert loaded["warnings"].count == sum(len(p.warnings) for p in every)
    assert loaded.execute("PRAGMA foreign_key_check").fetchall() == []
    # Votes, reservations and jäv link to the canonical people of the protocol.
    jonas = next(c.id for c in bun.canonicals if c.name == "Jonas Berg")
    eva = next(c.id for c in bun.canonicals if c.name == "Eva Lindqvist")
    assert [r["person_id"] for r in loaded["reservations"].rows] == [jonas]
    assert [r["person_id"] for r in loaded["conflicts"].rows] == [eva]
    vote = next(loaded["votes"].rows)
    assert (vote["yes"], vote["no"], vote["abstain"]) == (7, 4, 0)
    assert json.loads(vote["members"])[1] == {"name": "Jonas Berg", "vote": "no"}


def test_every_row_of_a_document_has_an_id_that_starts_with_the_documents(loaded):
    # Rows of one document sit together in every index on an id, so saving it writes a
    # few index pages (one random page per row made the writer wait on its disk).
    doc_of_meeting = dict(loaded.execute("SELECT id, document_id FROM meetings").fetchall())
    doc_of_item = dict(loaded.execute(
        "SELECT items.id, document_id FROM items JOIN meetings ON meetings.id = items.meeting_id").fetchall())
    owners = {
        "meetings": "SELECT id, document_id FROM meetings",
        "items": "SELECT items.id, meeting_id FROM items",
        "attendance": "SELECT id, meeting_id FROM attendance",
        "entities": "SELECT id, document_id FROM entities",
        "warnings": "SELECT id, document_id FROM warnings",
        **{t: f"SELECT id, item_id FROM {t}" for t in (
            "decisions", "clauses", "motions", "votes", "reservations", "conflicts", "sent_to")},
    }
    seen = set()
    for table, sql in owners.items():
        for row_id, owner in loaded.execute(sql).fetchall():
            doc = doc_of_item.get(owner) or doc_of_meeting.get(owner) or owner
            assert len(doc) == 16 and row_id.startswith(doc) and len(row_id) == 32, (table, row_id, doc)
            seen.add(table)
    assert seen == set(owners)  # the three protocols have rows in every one of these tables
    item = loaded.execute("SELECT item_id FROM entities WHERE item_id IS NOT NULL").fetchone()[0]
    assert item in doc_of_item


def test_names_resolve_to_canonical_people_and_organisations(loaded):
    torill = loaded.execute(
        "SELECT people.name, people.variants FROM attendance JOIN people ON people.id = attendance.person_id "
        "WHERE attendance.name = 'Torill Skaar Magnusson'").fetchone()
    assert torill[0] == "Torill Skaar Magnusson"
    assert "Torill Skaar-Magnusson" in json.loads(torill[1])
    org = loaded.execute(
        "SELECT organisations.name FROM attendance JOIN organisations ON organisations.id = attendance.organisation_id "
        "WHERE attendance.name = 'Tobias Ekblad'").fetchone()
    assert org == ("Karlskrona kommun",)
    sent = loaded.execute(
        "SELECT recipient, organisation_id IS NOT NULL FROM sent_to ORDER BY item_id, position").fetchall()
    assert ("Karlskrona kommun", 1) in sent and ("Regiondirektör", 0) in sent


def test_a_person_in_several_documents_is_one_row_with_every_variant(db):
    """The people/organisations rows are shared: each document adds its variants, its rule
    and its spelling of the name (``names``), and the name is the spelling most documents
    gave (a tie: the first in code-point order), whatever the order of saving. Saved as an
    UPDATE since 2026-12 (same rowid): INSERT OR REPLACE deleted and re-inserted the row
    for every document that named the person."""
    base = protocol("bun")
    jonas = next(c for c in base.canonicals if c.name == "Jonas Berg")

    def with_jonas(sha: str, **changes) -> Protocol:
        canonicals = tuple(dataclasses.replace(c, **changes) if c.id == jonas.id else c for c in base.canonicals)
        return dataclasses.replace(base, source=dataclasses.replace(base.source, sha256=sha * 64,
                                                                    path=f"{sha}.pdf"), canonicals=canonicals,
                                   meeting=dataclasses.replace(base.meeting, date=f"2025-01-{ord(sha) - 90}"))

    def row():
        return db.execute("SELECT rowid, name, rule, variants, names FROM people WHERE id = ?", [jonas.id]).fetchone()

    store.save(db, with_jonas("a", variants=("J. Berg",)), imported_at=WHEN)
    store.save(db, with_jonas("b", variants=("Jonas  Berg", "J. Berg"), rule="initial"), imported_at=WHEN)
    first = row()
    assert first[1:] == ("Jonas Berg", f"{jonas.rule}+initial", json.dumps(["J. Berg", "Jonas  Berg"]),
                         json.dumps({"Jonas Berg": 2}))
    store.save(db, with_jonas("c", name="J. Berg", rule="initial"), imported_at=WHEN)
    assert row()[1] == "Jonas Berg"  # 2 to 1
    store.save(db, with_jonas("d", name="J. Berg", rule="initial"), imported_at=WHEN)
    assert row()[1] == "J. Berg"  # 2 to 2: the first in code-point order
    store.save(db, with_jonas("e", variants=("Jonas B.",)), imported_at=WHEN)
    assert row() == (first[0], "Jonas Berg", f"{jonas.rule}+initial",
                     json.dumps(["J. Berg", "Jonas  Berg", "Jonas B."]), json.dumps({"J. Berg": 2, "Jonas Berg": 3}))
    assert db["people"].count == sum(c.label == "PER" for c in base.canonicals)
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []


def test_entities_keep_their_item_and_values(loaded):
    rows = {(r["label"], r["text"]): r for r in loaded["entities"].rows}
    date = rows[("DATE", "2025-01-01 tom 2025-12-31")]
    assert json.loads(date["value"]) == {"start": "2025-01-01", "end": "2025-12-31"}
    item = loaded["items"].get(date["item_id"])
    assert item["label"] == "§ 97/24"
    assert item["text"][date["start"]:date["end"]] == date["text"]
    assert rows[("MONEY", "-419 515 kr")]["value"] == -419515
    # Item number 8 appears twice in åldras: the entity goes to the first one.
    assert loaded["items"].count_where("number = '8'") == 2


def test_decision_register_has_one_row_per_clause_with_amounts(loaded):
    rows = list(loaded.query("SELECT * FROM decision_register WHERE body = 'LSVO' ORDER BY paragraph, clause_position"))
    assert len(rows) == 2 + 1 + 5 + 1
    by_clause = {r["clause"][:30]: r for r in rows}
    payout = by_clause["att utbetalning till Karlskron"]
    assert json.loads(payout["amounts"]) == [291336, 123664]
    assert payout["amount"] == 291336 + 123664
    assert payout["sent_to"] == "Föredragande; Regiondirektör; Karlskrona kommun"
    assert (payout["paragraph"], payout["title"], payout["dnr"], payout["page"], payout["source"]) == (
        "§ 97/24", "Uppdrag psykisk hälsa", "RB 2024/1123", 3, "samples/lsvo-2024-12-13.md")
    assert by_clause["att bokföra återbetalningen fr"]["amount"] == -419515
    assert by_clause["-647 771 kr från insatser för "]["amount"] == 647771
    # The table row "-419 515" is in the item's text but in no clause.
    assert sum(1 for r in rows if r["amount"] == -419515) == 1
    assert by_clause["att beviljade medel gäller för"]["amounts"] is None
    referred = loaded.execute(
        "SELECT outcome, clause FROM decision_register WHERE paragraph = '§ 13'").fetchone()
    assert referred == ("referred_back", "Ärendet återremitteras till förvaltningen.")


def test_saving_the_same_bytes_again_changes_nothing(tmp_path, loaded):
    before, before_counts = content_hash(loaded), counts(loaded)
    assert store.save(loaded, protocol("lsvo"), imported_at="2030-01-01T00:00:00+00:00") == stable_id(
        protocol("lsvo").source.sha256)
    again = store.open(tmp_path / "protokoll.db")
    for name in ("bun", "aldras", "lsvo"):
        store.save(again, protocol(name))
    assert counts(again) == before_counts
    assert content_hash(again) == before


def test_new_bytes_at_the_same_path_replace_the_old_document(loaded):
    old = protocol("lsvo")
    old_id = stable_id(old.source.sha256)
    old_items = loaded["items"].count
    item = dataclasses.replace(old.items[3], text=old.items[3].text + " Ny avvikelsehanteringsrutin.")
    new = dataclasses.replace(
        old, source=dataclasses.replace(old.source, sha256="f" * 64), items=old.items[:3] + (item,))
    new_id = store.save(loaded, new, imported_at=WHEN)
    assert new_id != old_id
    assert loaded["documents"].count_where("path = ?", [old.source.path]) == 1
    assert json.loads(loaded["documents"].get(new_id)["replaces"]) == [old_id]
    assert loaded["items"].count == old_items
    assert loaded.execute("PRAGMA foreign_key_check").fetchall() == []
    assert not list(loaded["meetings"].rows_where("document_id = ?", [old_id]))
    assert any("avvikelsehanteringsrutin" in h["text"] for h in search.query(loaded, "avvikelsehanteringsrutin"))
    # A third version keeps the whole history, newest first.
    third = dataclasses.replace(new, source=dataclasses.replace(new.source, sha256="e" * 64))
    third_id = store.save(loaded, third, imported_at=WHEN)
    assert json.loads(loaded["documents"].get(third_id)["replaces"]) == [new_id, old_id]


def test_failed_document_is_recorded_then_replaced_by_a_good_import(db):
    p = protocol("aldras")
    err = CorruptFile("the zip container is damaged", path="x.docx")
    doc_id = store.record_failure(db, path=p.source.path, sha256=p.source.sha256, format="txt",
                                  error=err, stage="read", size=123)
    row = db["documents"].get(doc_id)
    assert (row["status"], row["error_code"], row["error"], row["stage"], row["size"]) == (
        "failed", "corrupt", "the zip container is damaged", "read", 123)
    assert store.known(db) == {p.source.sha256: "failed"}
    assert store.save(db, p) == doc_id
    assert store.known(db) == {p.source.sha256: "ok"}
    assert db["documents"].get(doc_id)["error"] is None
    # A later failure of the same bytes does not wipe the good import.
    store.record_failure(db, path="other.txt", sha256=p.source.sha256, format="txt", error="timeout", stage="parse")
    assert store.known(db) == {p.source.sha256: "ok"}
    assert db["items"].count == len(p.items)


def test_add_path_records_duplicates(loaded):
    p = protocol("bun")
    store.add_path(loaded, p.source.sha256, "arkiv/kopia/bun.docx")
    store.add_path(loaded, p.source.sha256, "arkiv/kopia/bun.docx")
    paths = [r["path"] for r in loaded["document_paths"].rows_where(
        "document_id = ?", [stable_id(p.source.sha256)], order_by="path")]
    assert paths == ["arkiv/kopia/bun.docx", p.source.path]


def test_a_failing_save_leaves_nothing_behind(db):
    p = protocol("bun")
    bad = dataclasses.replace(p, entities=p.entities + (dataclasses.replace(p.entities[0], value=object()),))
    with pytest.raises(DatabaseError):
        store.save(db, bad)
    assert db["documents"].count == 0 and db["items"].count == 0 and db["clauses_fts"].count == 0
    store.save(db, p)
    assert db["documents"].count == 1


V0_SCHEMA = """
CREATE TABLE documents (id TEXT PRIMARY KEY, path TEXT, sha256 TEXT UNIQUE, format TEXT, pages INTEGER,
                        imported_at TEXT, status TEXT, error TEXT);
CREATE TABLE meetings (id TEXT PRIMARY KEY, document_id TEXT REFERENCES documents(id), body TEXT, date TEXT,
                       start TEXT, "end" TEXT, place TEXT);
CREATE TABLE items (id TEXT PRIMARY KEY, meeting_id TEXT REFERENCES meetings(id), number TEXT, label TEXT,
                    title TEXT, kind TEXT, page INTEGER, dnr TEXT, text TEXT);
CREATE TABLE decisions (id TEXT PRIMARY KEY, item_id TEXT REFERENCES items(id), "by" TEXT, kind TEXT,
                        outcome TEXT, text TEXT);
CREATE TABLE clauses (id TEXT PRIMARY KEY, decision_id TEXT REFERENCES decisions(id), position INTEGER, text TEXT);
CREATE VIRTUAL TABLE clauses_fts USING fts5(text, content='clauses');
INSERT INTO documents VALUES ('d0', 'gamla/ks-2019-05-02.docx', 'aa', 'docx', 3, '2020-01-01', 'ok', NULL);
INSERT INTO meetings VALUES ('m0', 'd0', 'KS', '2019-05-02', NULL, NULL, NULL);
INSERT INTO items VALUES ('i0', 'm0', '12', '§ 12', 'Förskolor', 'decision', 2, 'KS 2019/7',
                          'Budgeten för förskolorna 2019.');
INSERT INTO decisions VALUES ('dd0', 'i0', 'KS', 'decision', 'decided', 'KS beslutar');
INSERT INTO clauses VALUES ('c0', 'dd0', 0, 'att anta budgeten för förskolorna');
"""


def test_migrate_upgrades_a_v0_database(tmp_path):
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    conn.executescript(V0_SCHEMA)
    conn.close()
    db = store.open(path)
    assert store.schema_version(db) == store.SCHEMA_VERSION
    assert {"error_code", "stage", "replaces", "size"} <= set(db["documents"].columns_dict)
    assert {"item_id", "amount", "amounts"} <= set(db["clauses"].columns_dict)
    assert "trigram" in db["clauses_fts"].schema
    # Old rows are kept and searchable with the new index.
    assert db["documents"].get("d0")["path"] == "gamla/ks-2019-05-02.docx"
    assert {h["id"] for h in search.query(db, "förskolorna")} == {"i0", "c0"}
    row = db.execute("SELECT body, paragraph, clause FROM decision_register").fetchone()
    assert row == ("KS", "§ 12", "att anta budgeten för förskolorna")
    assert "ON DELETE CASCADE" in db["meetings"].schema
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    # New documents go into the upgraded database as usual, and new bytes at the old
    # path replace the old document with everything under it.
    store.save(db, protocol("bun"))
    new = dataclasses.replace(protocol("aldras"), source=dataclasses.replace(
        protocol("aldras").source, path="gamla/ks-2019-05-02.docx"))
    store.save(db, new)
    assert db["documents"].get(stable_id(new.source.sha256))["replaces"] == '["d0"]'
    assert not db["clauses"].count_where("id = 'c0'") and not db["items"].count_where("id = 'i0'")
    assert search.query(db, "förskolorna", limit=100) and not any(
        h["id"] in ("i0", "c0") for h in search.query(db, "förskolorna", limit=100))
    assert store.migrate(store.open(path)) == store.SCHEMA_VERSION


def test_a_new_database_gets_its_whole_schema_in_one_transaction(tmp_path):
    """A reader (Datasette) of a database being created sees no tables or all of them,
    and a kill while it is created leaves no half schema: every CREATE runs between one
    BEGIN and its COMMIT, together with the schema version."""
    db = sqlite_utils.Database(str(tmp_path / "new.db"))
    statements = []
    db.conn.set_trace_callback(statements.append)
    store.migrate(db)
    db.conn.set_trace_callback(None)
    creates = [i for i, s in enumerate(statements) if s.lstrip().upper().startswith("CREATE")]
    begins = [i for i, s in enumerate(statements) if s.strip().upper().startswith("BEGIN")]
    commits = [i for i, s in enumerate(statements) if s.strip().upper() == "COMMIT"]
    assert creates and len(begins) == 1 and len(commits) == 1, statements
    assert begins[0] < min(creates) and max(creates) < commits[0]
    assert any("schema_version" in s for s in statements[begins[0]:commits[0]])
    assert store.schema_version(db) == store.SCHEMA_VERSION


def test_a_new_database_has_the_schema_an_upgrade_makes(tmp_path):
    """The one-transaction creation copies what migrate's step-by-step path makes."""
    def schema(db):
        return sorted(db.execute("SELECT type, name, tbl_name, sql FROM sqlite_master "
                                 "WHERE name != 'placeholder'").fetchall(), key=str)

    new = store.open(tmp_path / "new.db")
    conn = sqlite3.connect(tmp_path / "stepwise.db")
    conn.execute("CREATE TABLE placeholder (x)")  # not empty: migrate takes its upgrade path
    conn.commit()
    conn.close()
    stepwise = store.open(tmp_path / "stepwise.db")
    assert schema(new) == schema(stepwise)
    assert fts_settings(new) == fts_settings(stepwise) == {t: search.FTS_SETTINGS for t in search.FTS_COLUMNS}
    assert store.schema_version(new) == store.schema_version(stepwise) == store.SCHEMA_VERSION


def test_two_processes_creating_one_database_agree(tmp_path):
    """Another process may create the schema between our look and our BEGIN: then
    ours changes nothing and the database is opened as it is."""
    path = tmp_path / "race.db"
    first = sqlite_utils.Database(str(path))
    store.open(path)  # the other process wins
    assert store.migrate(first) == store.SCHEMA_VERSION
    assert store.schema.create(sqlite_utils.Database(str(path))) is False
    assert store.schema_version(first) == store.SCHEMA_VERSION


def test_newer_schema_is_refused(tmp_path):
    db = store.open(tmp_path / "x.db")
    db.execute("UPDATE _meta SET value = '99' WHERE key = 'schema_version'")
    db.conn.commit()
    with pytest.raises(DatabaseError, match="newer"):
        store.open(tmp_path / "x.db")


def test_not_a_database_is_a_one_line_error(tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_text("this is not sqlite " * 100)
    with pytest.raises(DatabaseError) as e:
        store.open(bad)
    assert "\n" not in e.value.one_line()


def test_real_sample_tagged_amounts_land_in_the_register(tmp_path, samples):
    from protokoll import nlp, pipeline

    db = store.open(tmp_path / "tagged.db")
    store.save(db, pipeline.process(samples / "lsvo-2024-12-13.md", nlp=nlp.load(use_model=False)))
    assert db.execute("SELECT count(*) FROM clauses WHERE start IS NULL").fetchone()[0] == 0
    rows = {r["clause"][:60]: r for r in db.query("SELECT clause, amounts, amount FROM decision_register")}
    # Bullets ("-647 771 kr från …") are not minus signs; several amounts in one clause.
    (payout,) = [r for c, r in rows.items() if c.startswith("att medel inhämtas från följande: -647 771 kr")]
    assert json.loads(payout["amounts"]) == [647771, 394332, 434473]
    assert payout["amount"] == 647771 + 394332 + 434473
    assert any(json.loads(r["amounts"] or "[]") == [1476576] for r in rows.values())
    # Numbered "1. Att utse …" is found in the item's text although the clause reads "att utse …".
    assert db.execute("SELECT start FROM clauses WHERE text LIKE 'att utse André%'").fetchone()[0] is not None


def test_a_busy_database_is_a_one_line_error(tmp_path):
    path = tmp_path / "busy.db"
    writer = store.open(path)
    other = store.open(path)
    other.execute("PRAGMA busy_timeout = 50")
    writer.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(DatabaseBusy) as e:
            store.save(other, protocol("bun"))
        assert e.value.code == "busy" and "\n" not in e.value.one_line()
    finally:
        writer.execute("ROLLBACK")
    store.save(other, protocol("bun"))
    assert other["documents"].count == 1


def test_the_search_index_merges_16_segments_at_a_time(tmp_path):
    """Schema 3. A bulk import commits each document as one FTS5 segment; with FTS5's
    default (merge 4 segments) each document's index was rewritten about six times."""
    db = store.open(tmp_path / "new.db")
    assert search.FTS_SETTINGS == {"automerge": 16}
    assert fts_settings(db) == {"items": {"automerge": 16}, "clauses": {"automerge": 16}}
    # A version-2 file gains the setting in place, without re-indexing its rows.
    store.save(db, protocol("lsvo"))
    for table in search.FTS_COLUMNS:
        db.execute(f"DELETE FROM {table}_fts_config WHERE k = 'automerge'")
    db.execute("UPDATE _meta SET value = '2' WHERE key = 'schema_version'")
    db.conn.commit()
    index = db.execute("SELECT count(*), sum(length(block)) FROM items_fts_data").fetchone()
    hits = search.query(db, "avvikelse")
    assert hits
    db.conn.close()
    db = sqlite_utils.Database(str(tmp_path / "new.db"))
    statements = []
    db.conn.set_trace_callback(statements.append)
    assert store.migrate(db) == 2
    db.conn.set_trace_callback(None)
    assert not [s for s in statements if "rebuild" in s], statements
    assert store.schema_version(db) == store.SCHEMA_VERSION >= 3
    assert fts_settings(db) == {"items": {"automerge": 16}, "clauses": {"automerge": 16}}
    assert db.execute("SELECT count(*), sum(length(block)) FROM items_fts_data").fetchone() == index
    assert search.query(db, "avvikelse") == hits


def fts_segments(db, table: str) -> int:
    """Segments in ``<table>_fts``: FTS5 keys each page of segment s as s << 37 (+ page)
    in ``<table>_fts_data``; the rows under 1 << 37 are the index's own records."""
    return db.execute(f"SELECT count(DISTINCT id >> 37) FROM {table}_fts_data WHERE id >= 1 << 37").fetchone()[0]


def test_a_saved_document_is_one_segment_of_each_search_index(db):
    """FTS5 writes its pending terms as a new segment at every statement savepoint, and
    the trigger that indexes a row runs in one: rows inserted one statement each made
    one segment per item and per clause, and merging them doubled the index's cost."""
    p = protocol("lsvo")
    clauses = sum(len(d.clauses) for it in p.items for d in it.decisions)
    assert len(p.items) > 2 and clauses > 2
    store.save(db, p)
    assert (db["items"].count, db["clauses"].count) == (len(p.items), clauses)
    assert {t: fts_segments(db, t) for t in search.FTS_COLUMNS} == {"items": 1, "clauses": 1}
    assert search.query(db, "avvikelse")


def test_rows_are_split_over_statements_under_sqlites_limit_on_parameters(tmp_path):
    """Builds that bind fewer parameters per statement (999 before SQLite 3.32) get the
    same rows, a few per statement."""
    hashes = []
    for limit in (None, 30):  # 30: two items (12 columns) per statement
        db = store.open(tmp_path / f"limit-{limit}.db")
        if limit:
            db.conn.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, limit)
        for name in ("lsvo", "aldras", "bun"):
            store.save(db, protocol(name), imported_at=WHEN)
        hashes.append((content_hash(db, fts=False), search.query(db, "avvikelse"), fts_segments(db, "items")))
    assert hashes[1][:2] == hashes[0][:2] and hashes[0][1]
    assert hashes[1][2] > hashes[0][2] == 3  # two items per statement: more segments


def test_vote_meanings_are_stored_and_a_v1_database_gains_their_columns(tmp_path):
    """Schema 2: votes.yes_means / votes.no_means; a version-1 file is migrated in place."""
    from protokoll import ingest, parsers

    path = tmp_path / "v1.db"
    db = store.open(path)
    db.execute("ALTER TABLE votes DROP COLUMN yes_means")
    db.execute("ALTER TABLE votes DROP COLUMN no_means")
    db.execute("UPDATE _meta SET value = '1' WHERE key = 'schema_version'")
    db.conn.commit()
    db.conn.close()
    db = store.open(path)
    assert store.schema_version(db) == store.SCHEMA_VERSION
    assert {"yes_means", "no_means"} <= set(db["votes"].columns_dict)
    fixture = Path(__file__).parent / "data" / "layouts" / "kommunstyrelsen.txt"
    protocol = parsers.parse(ingest.read(fixture))
    voted = [it.votes for it in protocol.items if it.votes and it.votes.yes_means]
    assert voted, "the fixture has an omröstning with JA/NEJ meanings"
    store.save(db, protocol)
    rows = db.execute("SELECT yes_means, no_means FROM votes WHERE yes_means IS NOT NULL").fetchall()
    assert rows == [(v.yes_means, v.no_means) for v in voted]


def test_the_parser_gives_each_clause_its_span_and_the_store_stores_it(tmp_path, samples):
    """Decision.spans (one per clause) are filled by parsers.parse with the spans the
    clauses have in the item text; the store's clause rows take them as they are."""
    from protokoll import ingest, parsers
    from protokoll.parsers.spans import item_clause_spans

    p = parsers.parse(ingest.read(samples / "lsvo-2024-12-13.md"))
    decisions = [d for it in p.items for d in it.decisions if d.clauses]
    assert decisions and all(len(d.spans) == len(d.clauses) for d in decisions)
    for it in p.items:
        assert [list(d.spans) for d in it.decisions] == item_clause_spans(it)
        for d in it.decisions:
            for clause, span in zip(d.clauses, d.spans):
                assert span is not None
                assert " ".join(it.text[span[0]:span[1]].lower().split()) == " ".join(clause.lower().split())
    db = store.open(tmp_path / "spans.db")
    store.save(db, p)
    rows = db.execute("SELECT start, \"end\" FROM clauses ORDER BY item_id, decision_id, position").fetchall()
    assert sorted(rows) == sorted(s for d in decisions for s in d.spans)


def test_a_reading_stored_without_spans_gets_them_on_load(tmp_path, samples):
    """A reading kept before Decision.spans existed: the store works them out once on
    load (parsers.spans), the same as the parser gives."""
    import zlib

    from protokoll import ingest, parsers
    from protokoll.records import to_dict

    p = parsers.parse(ingest.read(samples / "aldras.txt"))
    db = store.open(tmp_path / "old-reading.db")
    doc_id = store.save(db, p)
    old = to_dict(p)
    for item in old["items"]:
        for d in item["decisions"]:
            del d["spans"]
    with db.conn:
        db.execute("UPDATE readings SET protocol = ? WHERE document_id = ?",
                   [zlib.compress(json.dumps(old).encode()), doc_id])
    assert Protocol.from_dict(old) != p
    assert store.meetings.reading(db, doc_id) == p


def test_entities_name_their_item_by_position_and_older_records_by_number(tmp_path):
    """Entity.item_index is the one reference to an item (numbers repeat); a record from
    before it (tests/data/store/*.json name the item by number) gets the position of the
    first item with that number, and its rows the same item_id as before."""
    raw = json.loads((DATA / "lsvo.json").read_text())
    assert all("item_index" not in e for e in raw["entities"]) and any(e["item"] for e in raw["entities"])
    p = protocol("lsvo")
    for e, old in zip(p.entities, raw["entities"]):
        assert not hasattr(e, "item")
        want = next((i for i, it in enumerate(p.items) if it.number == old["item"]), None)
        assert e.item_index == want and getattr(p.item_of(e), "number", None) == old["item"]
    db = store.open(tmp_path / "entities.db")
    doc_id = store.save(db, p)
    got = db.execute("SELECT entities.text, items.number FROM entities LEFT JOIN items ON items.id = entities.item_id "
                     "WHERE entities.document_id = ? ORDER BY entities.rowid", [doc_id]).fetchall()
    assert got == [(old["text"], old["item"]) for old in raw["entities"]]


def test_a_kept_parse_stored_anew_under_the_same_id_is_read_anew(db):
    """The grouping compares each file of a meeting with its main source's kept parse,
    remembered between saves (store/meetings.py); the memory is keyed by the kept bytes
    too, so a parse kept anew under the same document id (another protokoll's reading of
    the same file) is never answered from the old one."""
    from protokoll import grouping
    from protokoll.store import meetings

    doc_id = store.save(db, protocol("lsvo"))
    first = meetings._kept_reading(db, doc_id)
    assert first.date == "2024-12-13" and first.items
    other = protocol("aldras")
    kept = meetings.zlib.compress(json.dumps(
        {**meetings.to_dict(other), "source": {**meetings.to_dict(other.source), "path": None}}).encode())
    db.execute("UPDATE readings SET protocol = ? WHERE document_id = ?", [kept, doc_id])
    assert meetings._kept_reading(db, doc_id) == grouping.reading(other) != first


def test_the_kept_parse_is_the_records_json_whoever_writes_it(db):
    """The parse each file keeps (readings) is written by orjson (store.meetings.kept_json):
    the same JSON values as to_dict and json.dumps give, without the path, and it comes
    back as the records it was; an integer orjson cannot write (past 64 bits) and a NaN
    in an older reading fall back to the standard library."""
    from protokoll.records import Entity, to_dict
    from protokoll.store import meetings

    for name in ("lsvo", "aldras", "bun"):
        p = protocol(name)
        want = {**to_dict(p), "source": {**to_dict(p.source), "path": None}}
        assert json.loads(meetings.kept_json(p)) == want
    p = protocol("lsvo")
    huge = dataclasses.replace(p, entities=(*p.entities, Entity("MONEY", "10^30 kronor", 0, 5, value=10**30)))
    assert json.loads(meetings.kept_json(huge))["entities"][-1]["value"] == 10**30
    doc_id = store.save(db, p)
    got = meetings.reading(db, doc_id)  # the test record has no clause spans: given on load
    assert (got.meeting, got.attendance, got.entities) == (p.meeting, p.attendance, p.entities)
    nan = {**to_dict(p), "source": {**to_dict(p.source), "path": None}}
    nan["entities"][0]["value"] = float("nan")
    with db.conn:
        db.execute("UPDATE readings SET protocol = ? WHERE document_id = ?",
                   [meetings.zlib.compress(json.dumps(nan).encode()), doc_id])
    value = meetings.reading(db, doc_id).entities[0].value
    assert value != value  # NaN read back
