"""Kill the import at random moments; the database ends equal to an uninterrupted import.

Each kill is a real ``kill -9`` (or SIGTERM / SIGINT) of a real ``protokoll ingest``
process writing a real SQLite file. After every kill the database must pass
``PRAGMA integrity_check`` / ``foreign_key_check`` and hold only whole documents;
after the final re-run it must equal the uninterrupted import, row for row
(``imported_at`` aside). Set PROTOKOLL_CRASH_SEED to replay a run.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import time
import zipfile
from pathlib import Path

import pytest
from test_bulk import PROTOKOLL, SAMPLES, check_integrity, docx_variant, variant
from tablehash import VOLATILE_ROWS

MIN_KILLS = 20
KILLS_PER_DATABASE = 5


def crash_archive(root: Path) -> Path:
    """20 files: txt/md/docx variants in nested folders, two duplicates, a zip, a broken file."""
    aldras = (SAMPLES / "aldras.txt").read_text(encoding="utf-8")
    lsvo = (SAMPLES / "lsvo-2024-12-13.md").read_text(encoding="utf-8")
    a = root / "archive"
    for i in range(12):
        folder = a / str(2010 + i % 4) / ("ks" if i % 2 else "nämnd")
        folder.mkdir(parents=True, exist_ok=True)
        if i % 2:
            (folder / f"protokoll-{i}.txt").write_text(variant(aldras, i), encoding="utf-8")
        else:
            (folder / f"protokoll-{i}.md").write_text(variant(lsvo, i), encoding="utf-8")
    for i in (20, 21, 22):
        docx_variant(SAMPLES / "aldras.docx", a / "2013" / f"word-{i}.docx", i)
    (a / "kopia").mkdir()
    (a / "kopia" / "protokoll-1.txt").write_bytes((a / "2011" / "ks" / "protokoll-1.txt").read_bytes())
    (a / "kopia" / "word-20.docx").write_bytes((a / "2013" / "word-20.docx").read_bytes())
    with zipfile.ZipFile(a / "arkiv.zip", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("a/protokoll-30.txt", variant(aldras, 30))
        z.writestr("b/protokoll-31.md", variant(lsvo, 31))
    (a / "trasig.pdf").write_bytes((SAMPLES / "aldras.pdf").read_bytes()[:3000])  # truncated
    return a


def command(archive: Path, db: Path) -> list[str]:
    return [*PROTOKOLL, "ingest", str(archive), "--db", str(db), "--no-tag", "--workers", "2", "--quiet"]


def snapshot(db: Path) -> dict[str, list[tuple]]:
    """Every row of every table (not the search index's own tables), without imported_at and
    the timings of the last import (``_meta``'s ``last_import``: files/s per worker)."""
    con = sqlite3.connect(db)
    try:
        tables = [n for (n,) in con.execute(
            "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' "
            "and name not like '%_fts%' order by name")]
        out = {}
        for t in tables:
            cols = [c[1] for c in con.execute(f"pragma table_info([{t}])") if c[1] != "imported_at"]
            sel = ", ".join(f"[{c}]" for c in cols)
            where = f" where {VOLATILE_ROWS[t]}" if t in VOLATILE_ROWS else ""
            out[t] = sorted(con.execute(f"select {sel} from [{t}]{where}").fetchall(), key=repr)
        return out
    finally:
        con.close()


def per_document(db: Path) -> dict[str, tuple]:
    """For each ok document: how many meetings, items, decisions, clauses and attendees."""
    con = sqlite3.connect(db)
    try:
        return {doc: counts for doc, *counts in con.execute(
            """select d.id,
                 (select count(*) from meetings m where m.document_id = d.id),
                 (select count(*) from items i join meetings m on m.id = i.meeting_id where m.document_id = d.id),
                 (select count(*) from decisions x join items i on i.id = x.item_id
                    join meetings m on m.id = i.meeting_id where m.document_id = d.id),
                 (select count(*) from clauses c join items i on i.id = c.item_id
                    join meetings m on m.id = i.meeting_id where m.document_id = d.id),
                 (select count(*) from attendance a join meetings m on m.id = a.meeting_id
                    where m.document_id = d.id)
               from documents d where d.status = 'ok'""")}
    finally:
        con.close()


def assert_only_whole_documents(db: Path, reference: dict, reference_counts: dict) -> None:
    check_integrity(db)
    con = sqlite3.connect(db)
    try:
        tables = [n for (n,) in con.execute("select name from sqlite_master where type = 'table'")]
        if not tables:  # killed before the schema's one transaction committed: nothing at all
            return
        # a schema is whole or absent, never half made (store._create)
        assert con.execute("select 1 from _meta where key = 'schema_version'").fetchone(), tables
    finally:
        con.close()
    for doc, counts in per_document(db).items():
        assert tuple(counts) == tuple(reference_counts[doc]), f"document {doc} is partial"
    now = snapshot(db)
    for table, rows in now.items():  # nothing that the uninterrupted import does not have
        assert set(rows) <= set(reference[table]), f"{table} has rows the reference has not"


def import_uninterrupted(archive: Path, db: Path) -> tuple[float, dict, dict]:
    """The reference: (seconds it took, snapshot, per-document counts)."""
    started = time.monotonic()
    done = subprocess.run(command(archive, db), capture_output=True, text=True, timeout=600)
    assert done.returncode == 1 and "trasig.pdf" in done.stderr, done.stderr  # the one broken file
    return time.monotonic() - started, snapshot(db), per_document(db)


@pytest.mark.slow
def test_sigkill_at_random_moments_loses_nothing(tmp_path):
    seed = int(os.environ.get("PROTOKOLL_CRASH_SEED", time.time_ns() % 2**32))
    rng = random.Random(seed)
    archive = crash_archive(tmp_path)
    kills = databases = 0
    while kills < MIN_KILLS:
        databases += 1
        assert databases <= 3 * MIN_KILLS // KILLS_PER_DATABASE, f"seed {seed}: imports ended before the kills"
        # A fresh reference per round: the code under test is the same within a round.
        duration, reference, reference_counts = import_uninterrupted(archive, tmp_path / f"reference-{databases}.db")
        assert len(reference_counts) == 17  # 20 files - 2 duplicates - 1 broken
        db = tmp_path / f"killed-{databases}.db"
        for _ in range(KILLS_PER_DATABASE):
            p = subprocess.Popen(command(archive, db), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(0.05, duration))
            if p.poll() is None:
                p.send_signal(signal.SIGKILL)
                kills += 1
            p.wait()
            if db.exists():
                assert_only_whole_documents(db, reference, reference_counts)
        final = subprocess.run(command(archive, db), capture_output=True, text=True, timeout=600)
        assert final.returncode == 1, final.stderr
        assert snapshot(db) == reference, f"seed {seed}: database {databases} differs after {kills} kills"
    print(f"SIGKILL at random moments: {kills} kills over {databases} databases (seed {seed}), "
          f"each resumed to the uninterrupted result: nothing partial, duplicated or lost")


def documents_in(db: Path) -> int:
    try:
        con = sqlite3.connect(db)
        try:
            return con.execute("select count(*) from documents").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:  # not created yet
        return 0


def test_sigterm_and_ctrl_c_stop_cleanly_and_resume(tmp_path):
    archive = crash_archive(tmp_path)
    _, reference, reference_counts = import_uninterrupted(archive, tmp_path / "reference.db")
    db = tmp_path / "stopped.db"
    interrupted = 0
    for sig, after in ((signal.SIGTERM, 2), (signal.SIGINT, 6)):
        p = subprocess.Popen(command(archive, db), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        while p.poll() is None and documents_in(db) < after:
            time.sleep(0.02)
        p.send_signal(sig)
        out, err = p.communicate(timeout=60)
        assert "Traceback" not in err
        if p.returncode == 130:
            interrupted += 1
            assert "Interrupted: run the same command again to continue." in err
        else:  # it had just finished
            assert p.returncode == 1, err
        assert_only_whole_documents(db, reference, reference_counts)
    assert interrupted, "neither signal arrived while the import ran"
    subprocess.run(command(archive, db), capture_output=True, timeout=600)
    assert snapshot(db) == reference


def test_readers_see_only_whole_documents_during_an_import(tmp_path):
    """A reader polling while the import writes (as Datasette does) never sees half a document."""
    archive = crash_archive(tmp_path)
    _, _, reference_counts = import_uninterrupted(archive, tmp_path / "reference.db")
    db = tmp_path / "live.db"
    p = subprocess.Popen(command(archive, db), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    reads, seen = 0, set()
    while p.poll() is None:
        if documents_in(db):
            for doc, counts in per_document(db).items():  # one SELECT: one consistent snapshot
                assert tuple(counts) == tuple(reference_counts[doc]), f"document {doc} seen half written"
                seen.add(doc)
            reads += 1
    assert p.returncode == 1
    assert reads >= 3 and seen, f"only {reads} reads while the import ran"
