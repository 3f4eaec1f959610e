"""`protokoll load`: real sample files into a real SQLite file, one transaction each."""

import json
import shutil

import pytest
from click.testing import CliRunner

from protokoll import store
from protokoll.cli import cli

from test_store import content_hash, counts


@pytest.fixture
def files(tmp_path, samples):
    out = tmp_path / "in"
    out.mkdir()
    for name in ("lsvo-2024-12-13.md", "aldras.txt"):
        shutil.copy(samples / name, out / name)
    return out


def load(*args):
    return CliRunner().invoke(cli, ["load", *map(str, args), "--no-tag", "-s"])


def test_load_samples_then_reload_changes_nothing(tmp_path, files):
    db_path = tmp_path / "p.db"
    r = load(files / "lsvo-2024-12-13.md", files / "aldras.txt", "--db", db_path)
    assert r.exit_code == 0, r.output
    db = store.open(db_path)
    assert db["documents"].count == 2 and db["items"].count > 10
    lsvo = db.execute(
        "SELECT count(*) FROM decision_register WHERE body = 'LSVO' AND date = '2024-12-13'").fetchone()[0]
    assert lsvo > 10
    before, before_counts = content_hash(db), counts(db)
    db.close()
    r = load(files / "aldras.txt", files / "lsvo-2024-12-13.md", "--db", db_path)
    assert r.exit_code == 0, r.output
    db = store.open(db_path)
    assert counts(db) == before_counts and content_hash(db) == before


def test_failures_are_recorded_named_and_exit_1(tmp_path, files):
    (files / "empty.docx").write_bytes(b"")
    (files / "garbage.pdf").write_bytes(b"%PDF-1.7\n this is not a pdf at all")
    db_path = tmp_path / "p.db"
    r = load(files / "empty.docx", files / "garbage.pdf", files / "aldras.txt", files / "missing.txt",
             "--db", db_path)
    assert r.exit_code == 1
    lines = [line for line in r.stderr.splitlines() if line.startswith("Failed: ")]
    assert len(lines) == 3
    assert all("Traceback" not in line for line in r.stderr.splitlines())
    db = store.open(db_path)
    failed = {row["path"].rsplit("/", 1)[-1]: row for row in db["documents"].rows_where("status = 'failed'")}
    assert set(failed) == {"empty.docx", "garbage.pdf"}
    assert failed["empty.docx"]["error_code"] == "empty" and failed["empty.docx"]["stage"] == "read"
    assert failed["garbage.pdf"]["error"] and "\n" not in failed["garbage.pdf"]["error"]
    assert db["documents"].count_where("status = 'ok'") == 1


def test_same_bytes_under_another_path_are_one_document(tmp_path, files):
    shutil.copy(files / "aldras.txt", files / "kopia.txt")
    db_path = tmp_path / "p.db"
    r = load(files / "aldras.txt", files / "kopia.txt", "--db", db_path)
    assert r.exit_code == 0, r.output
    db = store.open(db_path)
    assert db["documents"].count == 1
    assert sorted(p.rsplit("/", 1)[-1] for (p,) in db.execute("SELECT path FROM document_paths")) == [
        "aldras.txt", "kopia.txt"]


def test_changed_file_replaces_its_earlier_version(tmp_path, files):
    db_path = tmp_path / "p.db"
    path = files / "aldras.txt"
    assert load(path, "--db", db_path).exit_code == 0
    path.write_text(path.read_text(encoding="utf-8") + "\nTillägg efter justering.\n", encoding="utf-8")
    assert load(path, "--db", db_path).exit_code == 0
    db = store.open(db_path)
    (doc,) = db["documents"].rows
    assert len(json.loads(doc["replaces"])) == 1


def test_old_bytes_loaded_from_a_new_path_after_their_only_path_failed(tmp_path, files):
    """Regression (as tests/test_bulk.py): a.txt failed and so took the last path of the
    bytes it held before; loading those bytes from z.txt afterwards added a path to a
    document that no longer existed (a traceback). Now z.txt is loaded again."""
    db_path = tmp_path / "p.db"
    a, z = files / "a.txt", files / "z.txt"
    shutil.copy(files / "aldras.txt", a)
    assert load(a, "--db", db_path).exit_code == 0
    shutil.copy(a, z)
    a.write_bytes(b"")
    r = load(a, z, "--db", db_path)
    assert r.exit_code == 1 and "Traceback" not in r.output
    db = store.open(db_path)
    assert db.execute("SELECT path, status FROM documents ORDER BY path").fetchall() == [
        (str(a), "failed"), (str(z), "ok")]
    assert db["meetings"].count == 1
