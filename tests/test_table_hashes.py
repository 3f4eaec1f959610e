"""Issue 29: reshaping the pipeline and the store changes no row.

The samples, and the samples with ``../shared/corpus/``, are imported by ``protokoll
ingest`` with two workers and every table and view is hashed (``tablehash.py``). The
expectations in ``data/table_hashes.json`` were recorded at 933b00c, the commit before the
work on issue 29, and recorded again when issue 30 made the tables independent of the
order in which files are committed (a meeting's id and its sources' rules from its main
source, a person's name the spelling most files give); a commit that changes what is
stored on purpose updates them and says why.

Two workers, because the order in which files are committed no longer matters: the two
workers finish files in an order of their own, and the tables must still be these
(``test_import_order.py`` compares orders directly).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tablehash import table_hashes

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
CORPUS = ROOT.parent / "shared" / "corpus"
EXPECTED = Path(__file__).parent / "data" / "table_hashes.json"
PROTOKOLL = str(Path(sys.executable).parent / "protokoll")


def _import(db: Path, *folders: Path) -> dict[str, str]:
    done = subprocess.run([PROTOKOLL, "ingest", *map(str, folders), "--db", str(db), "--workers", "2", "-q"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return table_hashes(db, {str(SAMPLES): "<samples>", str(CORPUS.resolve()): "<corpus>", str(CORPUS): "<corpus>"})


def _diff(got: dict, want: dict) -> list[str]:
    return [f"{t}: {got.get(t)} != {want.get(t)}" for t in sorted(set(got) | set(want)) if got.get(t) != want.get(t)]


@pytest.mark.slow
def test_samples_tables_unchanged(tmp_path):
    want = json.loads(EXPECTED.read_text())["samples"]
    assert _diff(_import(tmp_path / "s.db", SAMPLES), want) == []


@pytest.mark.slow
@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus/ is not here (a clone without it)")
def test_samples_and_corpus_tables_unchanged(tmp_path):
    want = json.loads(EXPECTED.read_text())["samples+corpus"]
    assert _diff(_import(tmp_path / "c.db", SAMPLES, CORPUS), want) == []


def test_hash_sees_a_changed_row(tmp_path):
    """The hash is not blind: one changed clause changes the clauses' hash and no other."""
    import sqlite3

    db = tmp_path / "x.db"
    con = sqlite3.connect(db)
    con.executescript("CREATE TABLE clauses (id TEXT, text TEXT, imported_at TEXT);"
                      "CREATE TABLE items (id TEXT);"
                      "INSERT INTO clauses VALUES ('a', 'att bevilja 600 000 kr', '2026-01-01');"
                      "INSERT INTO items VALUES ('i');")
    con.commit()
    before = table_hashes(db, {})
    con.execute("UPDATE clauses SET imported_at = '2027-01-01'")  # volatile: not counted
    con.commit()
    assert table_hashes(db, {}) == before
    con.execute("UPDATE clauses SET text = 'att bevilja 900 000 kr'")
    con.commit()
    after = table_hashes(db, {})
    con.close()
    assert after["items"] == before["items"] and after["clauses"] != before["clauses"]
