"""Migrations from every older schema version (protokoll/store/migrations.py).

Each older version's database is made with that version's own DDL, kept as test data
(``data/store/schema-v*.sql``: the tables, indexes, views, search indexes and triggers as
the store of that commit created them; v4 in three shapes, as version 4 gained clause pages
and amount roles on two branches without a new number). Its rows are real: the samples,
parsed and tagged, saved by the current store into a fresh database and copied into the
old tables column by column (the columns the old version had). Opening it with
``store.open`` must give version 7 and the rows a fresh import gives, except what the old
version did not store (each exception is named below), and a second open changes nothing.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from protokoll import nlp, pipeline, search, store
from protokoll.store.migrations import NOT_READ

DATA = Path(__file__).parent / "data" / "store"
SAMPLES = Path(__file__).resolve().parent.parent / "samples"
FILES = ("lsvo-2024-12-13.md", "aldras.txt")  # two meetings
# and a meeting with a roll call by name (tests/data/people/README.md), for person_votes
ROLL_CALL = Path(__file__).parent / "data" / "people" / "kf-2025-03-27.txt"
WHEN = "2025-03-01T12:00:00+00:00"
# schema file -> its version and the columns it lacks that the migration cannot refill
# exactly (they stay NULL or are worked out without what only the parse knew)
# (the spellings counted per person and organisation, ``names``, start at the next file).
# ``person_votes`` (version 7) is backfilled from every version: from the kept parse of
# the meeting's main source (5 and 6), else from ``votes.members`` and the person ids the
# meeting's attendance and entities hold (1 to 4), which for this meeting is the same.
NAMES = {"people": {"names"}, "organisations": {"names"}}
# (the ANSLAG/BEVIS block stands in the front matter, which no stored row holds: the posting
# and the last days to appeal stay NULL, and ``appeal_note`` says so, migrations.NOT_READ;
# so does items.immediate, OJ: an "OJ" beside the § heading is not stored)
APPEAL = {"meetings": {"posted", "taken_down", "kept_at", "appeal_last_day", "appeal_note"},
          "items": {"immediate", "appeal_last_day", "appeal_note"}}
# (a meeting's organisation is read from the protocol's front matter, which no table keeps:
# NULL for the meetings stored before version 7, their items' cases scoped to the meeting;
# items.case_id and the cases table are backfilled exactly from items.dnr)
ORG = {"meetings": {"organisation"}}
# (a decision's proposed_to and preparatory come from its opener line, which is not stored)
V7 = {"meetings": APPEAL["meetings"] | ORG["meetings"], "items": APPEAL["items"],
      "decisions": {"proposed_to", "preparatory"}}  # what version 7 added
OLD = {
    "v1": (1, {"documents": {"kind"}, "clauses": {"page"}, "quality": "backfilled", **NAMES, **V7,
               "votes": {"yes_means", "no_means"}}),  # what a vote meant: version 2
    "v2": (2, {"documents": {"kind"}, "clauses": {"page"}, "quality": "backfilled", **NAMES, **V7}),
    "v3": (3, {"documents": {"kind"}, "clauses": {"page"}, "quality": "backfilled", **NAMES, **V7}),
    "v4": (4, {"clauses": {"page"}, **NAMES, **V7}),
    "v4-pages": (4, {**NAMES, **V7}),
    "v4-roles": (4, {"clauses": {"page"}, **NAMES, **V7}),
    "v5": (5, {**NAMES, **V7}),
    "v6": (6, {**V7}),
}
# Only the parse knows: the quality of a document stored before version 4 is worked out
# from its stored items, its declared item range unknown.
QUALITY_KEPT = ("document_id", "found", "repeated", "undecided", "warnings")


@pytest.fixture(scope="module")
def fresh(tmp_path_factory) -> Path:
    """The samples imported into a new database by the current store."""
    path = tmp_path_factory.mktemp("fresh") / "fresh.db"
    db = store.open(path)
    tagger = nlp.load(use_model=False)
    for source in [SAMPLES / name for name in FILES] + [ROLL_CALL]:
        store.save(db, pipeline.process(source, nlp=tagger), imported_at=WHEN)
    db.conn.close()
    return path


def _old_database(path: Path, shape: str, fresh: Path) -> None:
    """A database of an older version: its DDL, and the fresh rows in its columns."""
    conn = sqlite3.connect(path)
    conn.executescript((DATA / f"schema-{shape}.sql").read_text())
    conn.execute("ATTACH DATABASE ? AS fresh", [str(fresh)])
    tables = [t for (t,) in conn.execute(
        "SELECT name FROM main.sqlite_master WHERE type = 'table' AND name NOT LIKE '%_fts%' AND name != '_meta'")]
    for table in tables:
        have = {r[1] for r in conn.execute(f"PRAGMA main.table_info([{table}])")}
        columns = ", ".join(f'"{r[1]}"' for r in conn.execute(f"PRAGMA fresh.table_info([{table}])") if r[1] in have)
        conn.execute(f"INSERT INTO main.[{table}] ({columns}) SELECT {columns} FROM fresh.[{table}] ORDER BY rowid")
    conn.commit()
    conn.execute("DETACH DATABASE fresh")
    conn.close()


def _rows(db, table: str, drop=()) -> list:
    columns = [c for c in db[table].columns_dict if c not in drop]
    return sorted(repr(r) for r in db.execute(f"SELECT {', '.join(f'[{c}]' for c in columns)} FROM [{table}]"))


def _schema(db) -> dict:
    """Each table's columns, and every index, view and trigger as SQL."""
    out = {}
    for kind, name, sql in db.execute("SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL"):
        if kind == "table":
            out[name] = sorted(db[name].columns_dict)
        else:
            out[name] = sql
    return out


@pytest.mark.parametrize("shape", sorted(OLD))
def test_an_older_database_arrives_at_version_7_with_the_rows_of_a_fresh_import(tmp_path, fresh, shape):
    version, lacking = OLD[shape]
    path = tmp_path / f"{shape}.db"
    _old_database(path, shape, fresh)
    old = sqlite3.connect(path)
    assert old.execute("SELECT value FROM _meta").fetchone() == (str(version),)
    old_tables = {t for (t,) in old.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    old.close()
    db = store.open(path)
    want = store.open_read(fresh)
    assert store.schema_version(db) == store.SCHEMA_VERSION == 7
    assert _schema(db) == _schema(want)
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    for table in want.table_names():
        if "_fts" in table or table == "_meta":
            continue
        if table == "readings" and version < 5:  # the files stored before version 5 were not kept parsed
            assert table not in old_tables and db[table].count == 0 < want[table].count
        elif lacking.get(table) == "backfilled":
            assert _rows(db, "quality", drop=set(db["quality"].columns_dict) - set(QUALITY_KEPT)) == \
                _rows(want, "quality", drop=set(want["quality"].columns_dict) - set(QUALITY_KEPT))
        else:
            gone = lacking.get(table, set())
            assert _rows(db, table, drop=gone) == _rows(want, table, drop=gone), table
            for column in gone:
                if (table, column) == ("meetings", "appeal_note"):  # why there is no last day to appeal
                    assert {n for (n,) in db.execute(f"SELECT appeal_note FROM [{table}]")} == {NOT_READ}, table
                    continue
                assert db.execute(f"SELECT count(*) FROM [{table}] WHERE [{column}] IS NOT NULL").fetchone()[0] == 0
    # Every member of the roll call has her row and her person, as in a fresh import.
    assert "person_votes" not in old_tables
    votes = "SELECT name, vote, person_id IS NOT NULL FROM person_votes ORDER BY item_id, position"
    assert db.execute(votes).fetchall() == want.execute(votes).fetchall()
    assert len(want.execute(votes).fetchall()) == 8
    # The amounts' roles (backfilled where the version had none) sum the same decided money.
    decided = "SELECT sum(decided_amount), count(decided_amount) FROM decision_register"
    assert db.execute(decided).fetchone() == want.execute(decided).fetchone() != (None, 0)
    # The search index holds the old rows.
    for word in ("avvikelse", "förskolorna", "budget"):
        assert search.query(db, word) == search.query(want, word)
    assert search.query(db, "avvikelse")


@pytest.mark.parametrize("shape", sorted(OLD))
def test_a_second_open_changes_nothing(tmp_path, fresh, shape):
    path = tmp_path / f"{shape}.db"
    _old_database(path, shape, fresh)
    store.open(path).conn.close()
    before = path.read_bytes()
    db = store.open(path)
    statements = []
    db.conn.set_trace_callback(statements.append)
    assert store.migrate(db) == 7
    db.conn.set_trace_callback(None)
    assert not [s for s in statements if not s.lstrip().upper().startswith(("SELECT", "PRAGMA"))], statements
    db.conn.close()
    assert path.read_bytes() == before


def test_the_steps_run_in_one_transaction(tmp_path, fresh):
    """Every step from version 1 on, and the version, between one BEGIN and its COMMIT:
    a failure (or a kill) leaves the file at its old version, never half migrated."""
    import sqlite_utils

    path = tmp_path / "v1.db"
    _old_database(path, "v1", fresh)
    db = sqlite_utils.Database(str(path))
    statements = []
    db.conn.set_trace_callback(statements.append)
    assert store.migrate(db) == 1
    db.conn.set_trace_callback(None)
    begins = [i for i, s in enumerate(statements) if s.strip().upper().startswith("BEGIN")]
    commits = [i for i, s in enumerate(statements) if s.strip().upper() == "COMMIT"]
    writes = [i for i, s in enumerate(statements)
              if s.lstrip().upper().startswith(("CREATE", "ALTER", "INSERT", "UPDATE", "DROP", "DELETE"))]
    assert len(begins) == len(commits) == 1 and begins[0] < min(writes) and max(writes) < commits[0]


def test_a_failing_step_leaves_the_old_version(tmp_path, fresh):
    """A step that fails rolls the whole migration back: the file keeps its version and rows."""
    path = tmp_path / "v3.db"
    _old_database(path, "v3", fresh)
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE meeting_sources (x)")  # v4_to_v5 cannot fill this one
    conn.commit()
    conn.close()
    with pytest.raises(Exception):
        store.open(path)
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT value FROM _meta").fetchone() == ("3",)
    assert "kind" not in {r[1] for r in conn.execute("PRAGMA table_info(documents)")}
    assert not conn.execute("SELECT name FROM sqlite_master WHERE name = 'quality'").fetchone()
    conn.close()
