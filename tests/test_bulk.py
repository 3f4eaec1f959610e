"""Bulk import (protokoll.pipeline, `protokoll ingest`, `protokoll status`) on real sample files.

Every archive is built in tmp_path from the samples: nested folders, a zip, the same
bytes under two names, a changed file, and files that are not protocols or are broken.
"""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from protokoll import pipeline as bulk
from protokoll.cli import cli
from protokoll.errors import DatabaseBusy, UnsupportedFormat

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
PROTOKOLL = [str(Path(sys.executable).parent / "protokoll")]


# --------------------------------------------------------------------------- archives


def variant(text: str, i: int) -> str:
    """Another meeting from a sample text: other year, other secretary, other amounts.

    A text without a meeting date (aldras) gets a date of its own: two undated texts with
    the same body and items record the same meeting (protokoll.grouping)."""
    text = other_words(text, i)
    header = text.split("1).", 1)[0]  # aldras opens with its first item: no header, no date
    return text if DATED.search(header) else f"{meeting_date(i)}\n\n{text}"


def other_words(text: str, i: int) -> str:
    return (
        text.replace("2024", str(1990 + i))
        .replace("Mats Wennstig", f"Mats Wennstig{'s' * (i % 3)} {chr(65 + i % 26)}")
        .replace("476", f"{400 + i}")
    )


DATED = re.compile(r"\d{4}-\d{2}-\d{2}|\d{1,2} \w+ \d{4}")


def meeting_date(i: int) -> str:
    return f"Sammanträdesdatum {1990 + i}-{1 + i % 12:02d}-14"


def docx_variant(src: Path, dest: Path, i: int) -> Path:
    """A real .docx of another meeting (python-docx): a date of its own, another year and name."""
    import docx

    d = docx.Document(str(src))
    for p in d.paragraphs:
        for r in p.runs:
            if "2024" in r.text or "Mats Wennstig" in r.text:
                r.text = other_words(r.text, i)
    d.paragraphs[0].insert_paragraph_before(meeting_date(i))  # aldras has no date (variant)
    d.save(str(dest))
    return dest


def build_archive(root: Path) -> Path:
    """A small municipal archive: 6 protocols, one duplicate, one zip, bad and foreign files."""
    aldras = (SAMPLES / "aldras.txt").read_text(encoding="utf-8")
    lsvo = (SAMPLES / "lsvo-2024-12-13.md").read_text(encoding="utf-8")
    a = root / "archive"
    (a / "2024" / "ks").mkdir(parents=True)
    (a / "2023").mkdir()
    (a / "2024" / "ks" / "aldras.txt").write_text(aldras, encoding="utf-8")
    (a / "2024" / "lsvo.md").write_text(lsvo, encoding="utf-8")
    (a / "2023" / "aldras 2023 (kopia).txt").write_text(aldras, encoding="utf-8")  # same bytes
    (a / "2023" / "möte-åäö.txt").write_text(variant(aldras, 3), encoding="utf-8")
    docx_variant(SAMPLES / "aldras.docx", a / "2023" / "aldras-1997.docx", 7)
    with zipfile.ZipFile(a / "older.zip", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("2019/aldras.txt", variant(aldras, 5))
        z.writestr("2019/lsvo.md", variant(lsvo, 5))
        z.writestr("2019/Thumbs.db", b"\x00\x01binary\xff" * 50)
    (a / "2023" / "budget.csv").write_text("konto;belopp\n4010;1 476 576\n", encoding="utf-8")
    (a / "2023" / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    (a / "2023" / "webbsida.pdf").write_text("<!DOCTYPE html><html><body>404</body></html>")
    (a / "2023" / "tom.txt").write_bytes(b"")
    return a


def rows(db_path, sql, params=()):
    con = sqlite3.connect(db_path)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def check_integrity(db_path) -> None:
    con = sqlite3.connect(db_path)
    try:
        assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        con.close()


def ingest(*args):
    return CliRunner().invoke(cli, ["ingest", *map(str, args), "--no-tag", "-w", "2"])


def imported_text(tmp_path, name: str):
    """Folder ``a`` holding the aldras sample as ``name``, imported into ``p.db``:
    (folder, database, the sample's text)."""
    aldras = (SAMPLES / "aldras.txt").read_text(encoding="utf-8")
    a = tmp_path / "a"
    a.mkdir()
    (a / name).write_text(aldras, encoding="utf-8")
    db = tmp_path / "p.db"
    assert ingest(a, "--db", db).exit_code == 0
    return a, db, aldras


# --------------------------------------------------------------------------- walk + select


def test_walk_is_sorted_follows_symlinks_and_survives_loops(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "2.txt").write_text("x")
    (tmp_path / "a" / "1.txt").write_text("x")
    os.symlink(tmp_path / "a", tmp_path / "a" / "b" / "loop")  # a/b/loop -> a
    os.symlink(tmp_path / "nowhere", tmp_path / "a" / "dangling.txt")
    skipped = []
    files = list(bulk.iter_files([tmp_path / "a"], skipped))
    assert [Path(f).relative_to(tmp_path).as_posix() for f in files] == ["a/1.txt", "a/b/2.txt"]
    reasons = dict(skipped)
    assert "symlink loop" in reasons[str(tmp_path / "a" / "b" / "loop")]
    assert reasons[str(tmp_path / "a" / "dangling.txt")] == "broken symlink"


def test_zip_members_are_read_in_memory_and_unsafe_names_refused(tmp_path):
    inner = tmp_path / "inner.zip"
    with zipfile.ZipFile(inner, "w") as z:
        z.writestr("deep/c.txt", "Protokoll C")
    outer = tmp_path / "archive.zip"
    with zipfile.ZipFile(outer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("a.txt", "Protokoll A")
        z.writestr("../../escape.txt", "should never be read or written")
        z.writestr("/etc/abs.txt", "absolute")
        z.write(inner, "nested/inner.zip")
        z.writestr("bomb.txt", b"0" * (3 * 1024 * 1024))  # expands > 200x
    before = set(tmp_path.parent.rglob("*escape*"))
    out = list(bulk.iter_candidates([str(outer)]))
    got = {c.path.split("!", 1)[1]: c for c in out}
    assert got["a.txt"].data == b"Protokoll A"
    assert got["nested/inner.zip!deep/c.txt"].data == b"Protokoll C"
    assert got["../../escape.txt"].code == "corrupt" and "unsafe member name" in got["../../escape.txt"].reason
    assert got["/etc/abs.txt"].code == "corrupt"
    assert got["bomb.txt"].code == "bomb"
    assert set(tmp_path.parent.rglob("*escape*")) == before  # nothing was extracted anywhere


def test_unreadable_and_too_large_files_are_failures_not_crashes(tmp_path):
    big = tmp_path / "big.txt"
    big.write_text("x" * 5000)
    locked = tmp_path / "locked.txt"
    locked.write_text("secret")
    locked.chmod(0)
    gone = tmp_path / "removed.txt"
    fifo = tmp_path / "fifo.txt"
    os.mkfifo(fifo)  # reading it would block the import forever
    try:
        out = list(bulk.iter_candidates([str(big), str(locked), str(gone), str(fifo)], max_size=1000))
    finally:
        locked.chmod(0o644)
    codes = {Path(f.path).name: getattr(f, "code", "read") for f in out}
    assert codes["big.txt"] == "too-large"
    assert codes["removed.txt"] == "unreadable"
    assert codes["fifo.txt"] == "unreadable"
    if os.geteuid() != 0:  # root reads anything
        assert codes["locked.txt"] == "unreadable"


def test_zero_byte_files_are_empty_not_text(tmp_path):
    """Regression: a 0-byte .docx was reported as "a text file named .docx"."""
    archive = tmp_path / "archive"
    archive.mkdir()
    (archive / "tom.docx").write_bytes(b"")
    (archive / "tom").write_bytes(b"")
    db = tmp_path / "p.db"
    r = ingest(archive, "--db", db, "--json")
    assert r.exit_code == 1
    assert rows(db, "SELECT path, status, error_code, error FROM documents") == [
        (str(archive / "tom.docx"), "failed", "empty", "the file is empty (0 bytes)")
    ]
    assert json.loads(r.stdout)["skipped"] == [{"path": str(archive / "tom"), "reason": "the file is empty (0 bytes)"}]
    check_integrity(db)


@pytest.mark.parametrize(
    "name, data, fmt, claims",
    [
        ("protokoll.txt", "Protokoll § 1".encode(), "txt", True),
        ("protokoll.dat", (SAMPLES / "aldras.pdf").read_bytes(), "pdf", False),  # by content
        ("protokoll.docx", (SAMPLES / "aldras.docx").read_bytes(), "docx", True),
        ("budget.csv", b"a;b\n1;2\n", None, False),
        ("webbsida.pdf", b"<!DOCTYPE html><html></html>", None, True),
        ("logo.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 20, None, False),
        ("noise.txt", bytes(range(256)) * 4, None, True),
    ],
)
def test_select_by_content(name, data, fmt, claims):
    c = bulk.Candidate(f"/archive/{name}", data)
    assert bulk.claims_document(c) is claims
    if fmt is None:
        with pytest.raises(UnsupportedFormat):
            bulk.select(c)
    else:
        assert bulk.select(c) == fmt


def test_lock_refuses_a_second_holder(tmp_path):
    db = tmp_path / "p.db"
    script = f"from protokoll.pipeline import lock\nwith lock({str(db)!r}):\n    print('held', flush=True)\n    input()\n"
    holder = subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(DatabaseBusy, match=f"pid {holder.pid}"):
            with bulk.lock(db):
                pass
    finally:
        holder.kill()
        holder.wait()
    with bulk.lock(db):  # released by the kernel when the holder died
        pass


# --------------------------------------------------------------------------- import


def test_ingest_archive_end_to_end(tmp_path):
    a = build_archive(tmp_path)
    db = tmp_path / "p.db"
    r = ingest(a, "--db", db, "--json")
    assert r.exit_code == 1, r.output  # two broken files
    summary = json.loads(r.stdout)
    assert summary["files"] == 12
    assert summary["imported"] == 6
    assert summary["duplicates"] == 1
    failed = {Path(f["path"]).name: f for f in summary["failed"]}
    assert set(failed) == {"webbsida.pdf", "tom.txt"}
    assert failed["webbsida.pdf"]["error_code"] == "unsupported" and failed["webbsida.pdf"]["stage"] == "read"
    assert failed["tom.txt"]["error_code"] == "empty"
    skipped = {p.rsplit("/", 1)[-1] for p in (s["path"] for s in summary["skipped"])}
    assert skipped == {"budget.csv", "logo.png", "Thumbs.db"}
    for name in ("webbsida.pdf", "tom.txt"):  # failures are named on stderr, one line, no traceback
        assert f"Failed: {a}" in r.stderr and name in r.stderr
    assert "Traceback" not in r.output

    check_integrity(db)
    docs = dict(rows(db, "select path, status from documents"))
    assert docs[str(a / "older.zip") + "!2019/lsvo.md"] == "ok"
    assert docs[str(a / "2023" / "aldras-1997.docx")] == "ok"
    assert docs[str(a / "2023" / "webbsida.pdf")] == "failed"
    assert rows(db, "select stage, error_code from documents where path like '%tom.txt'") == [("read", "empty")]
    # the same bytes under two names: one document, both paths
    same = rows(db, "select p.path from document_paths p join documents d on d.id = p.document_id "
                    "where d.path = ? order by p.path", [str(a / "2023" / "aldras 2023 (kopia).txt")])
    assert [Path(p).name for (p,) in same] == ["aldras 2023 (kopia).txt", "aldras.txt"]
    n_meetings = rows(db, "select count(*) from meetings")[0][0]
    assert n_meetings == 6
    dates = rows(db, "select distinct date from meetings where date is not null order by date")
    # the LSVO minutes and their zipped variant; aldras variants 3, 5 and 7 (given a date)
    assert dates == [("1993-04-14",), ("1995-06-14",), ("1995-12-13",), ("1997-08-14",), ("2024-12-13",)]


def test_rerun_skips_everything_and_changes_nothing(tmp_path):
    a = build_archive(tmp_path)
    db = tmp_path / "p.db"
    ingest(a, "--db", db)
    before = rows(db, "select id, path, status, imported_at from documents order by id")
    r = ingest(a, "--db", db, "--json")
    summary = json.loads(r.stdout)
    assert summary["imported"] == 0 and summary["failed"] == []
    assert summary["unchanged"] == 7 and summary["duplicates"] == 0  # 6 protocols, one under two names
    assert sorted(Path(p).name for p in summary["failed_earlier"]) == ["tom.txt", "webbsida.pdf"]
    assert r.exit_code == 1 and "--retry-failed" in r.stderr
    assert rows(db, "select id, path, status, imported_at from documents order by id") == before


def test_changed_file_replaces_its_earlier_version(tmp_path):
    a = build_archive(tmp_path)
    db = tmp_path / "p.db"
    ingest(a, "--db", db)
    path = a / "2024" / "lsvo.md"
    (old_id,) = rows(db, "select id from documents where path = ?", [str(path)])[0]
    path.write_text(variant(path.read_text(encoding="utf-8"), 11), encoding="utf-8")
    r = ingest(a, "--db", db, "--json")
    assert json.loads(r.stdout)["imported"] == 1
    (new_id, replaces), = rows(db, "select id, replaces from documents where path = ?", [str(path)])
    assert new_id != old_id and json.loads(replaces) == [old_id]
    assert rows(db, "select count(*) from documents where id = ?", [old_id]) == [(0,)]
    assert rows(db, "select count(*) from meetings")[0][0] == 6
    check_integrity(db)


def test_retry_failed_and_time_limit(tmp_path):
    """A file stopped by the time limit fails; --retry-failed with more time imports it."""
    a = tmp_path / "a"
    a.mkdir()
    (a / "scan.pdf").write_bytes((SAMPLES / "aldras-scanned.pdf").read_bytes())  # needs OCR: seconds
    (a / "aldras.txt").write_bytes((SAMPLES / "aldras.txt").read_bytes())
    db = tmp_path / "p.db"
    started = time.monotonic()
    # 3 s: OCR of the 2 scanned pages takes 6 s of CPU; aldras.txt (0.3 s) in a worker at
    # nice 10 needs room on a machine busy with other work
    r = ingest(a, "--db", db, "--timeout", "3", "--json")
    assert r.exit_code == 1
    (failure,) = json.loads(r.stdout)["failed"]
    assert failure["error_code"] == "timeout" and failure["path"].endswith("scan.pdf")
    assert failure["stage"] == "read"  # stopped while reading (OCR)
    assert time.monotonic() - started < 60  # the stuck worker was killed, not waited for
    r = ingest(a, "--db", db)
    assert r.exit_code == 1 and "Failed in an earlier import (1; --retry-failed" in r.stderr
    r = ingest(a, "--db", db, "--retry-failed", "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["imported"] == 1
    assert rows(db, "select status, error from documents where path like '%scan.pdf'") == [("ok", None)]


def test_json_log_and_status(tmp_path):
    a = build_archive(tmp_path)
    db = tmp_path / "p.db"
    r = ingest(a, "--db", db, "--log-json", "-q")
    records = [json.loads(line) for line in r.stderr.splitlines() if line.startswith("{")]
    by_status = {}
    for rec in records:
        by_status.setdefault(rec.get("status"), []).append(rec)
    assert len(by_status["ok"]) == 6 and all(rec["path"] for rec in by_status["ok"])
    assert {rec["code"] for rec in by_status["failed"]} == {"unsupported", "empty"}
    assert len(by_status["skipped"]) == 3
    s = CliRunner().invoke(cli, ["status", str(db), "--json"])
    assert s.exit_code == 0
    counts = {(r["group"], r["value"]): r["documents"] for r in json.loads(s.output)}
    assert counts[("status", "ok")] == 6 and counts[("status", "failed")] == 2
    assert counts[("format", "docx")] == 1 and counts[("format", "md")] == 2
    assert sum(n for (g, _), n in counts.items() if g == "year") == 6
    f = CliRunner().invoke(cli, ["status", str(db), "--failed", "--csv"])
    assert f.output.splitlines()[0] == "path,stage,error_code,error"
    assert len(f.output.splitlines()) == 3


def test_usage_errors_exit_2(tmp_path):
    assert ingest(tmp_path / "missing", "--db", tmp_path / "p.db").exit_code == 2
    assert CliRunner().invoke(cli, ["ingest", str(tmp_path)]).exit_code == 2  # no --db
    assert CliRunner().invoke(cli, ["ingest", str(tmp_path), "--db", "x.db", "-w", "0"]).exit_code == 2


def test_two_imports_at_once_one_refuses_nothing_corrupted(tmp_path):
    a = build_archive(tmp_path)
    db = tmp_path / "p.db"
    cmd = [*PROTOKOLL, "ingest", str(a), "--db", str(db), "--no-tag", "-w", "1", "-q"]
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outs = [(p.wait(timeout=300), p.stderr.read()) for p in procs]
    for p in procs:
        p.stdout.close()
        p.stderr.close()
    refused = [err for code, err in outs if "another import" in err]
    assert len(refused) == 1, outs
    assert "Traceback" not in refused[0] and refused[0].startswith("Error: ")
    assert sorted(code for code, _ in outs) == [1, 1]  # the refused one, and the one with 2 bad files
    check_integrity(db)
    assert rows(db, "select status, count(*) from documents group by status") == [("failed", 2), ("ok", 6)]


def test_memory_ceiling_fails_the_file_not_the_import(tmp_path):
    """A worker over --max-memory fails its file with code 'memory' and the import goes
    on; with more memory the file imports. The big file needs far more than 64 MB (its
    bytes, the decoded text and the lines); the small one fits."""
    a = tmp_path / "a"
    a.mkdir()
    (a / "lsvo.md").write_bytes((SAMPLES / "lsvo-2024-12-13.md").read_bytes())
    line = "Ärendet gäller budget och medel för förskolan i kommunen. " * 16 + "\n"
    (a / "stor.txt").write_text(line * 40_000, encoding="utf-8")  # ~38 MB
    db = tmp_path / "p.db"
    r = ingest(a, "--db", db, "--max-memory", "64", "--json")
    assert r.exit_code == 1 and "Traceback" not in r.output
    summary = json.loads(r.stdout)
    assert [(Path(f["path"]).name, f["error_code"]) for f in summary["failed"]] == [("stor.txt", "memory")]
    assert summary["imported"] == 1
    r = ingest(a, "--db", db, "--retry-failed", "--json")
    assert r.exit_code == 0 and json.loads(r.stdout)["imported"] == 1
    check_integrity(db)


@pytest.mark.parametrize("how, stage", [("hang", "read"), ("crash", "parse"), ("hang", "tag"), ("crash", "tag")])
def test_a_stopped_or_dead_worker_is_recorded_with_the_stage_it_was_in(tmp_path, monkeypatch, how, stage):
    """Regression: a worker stopped by the time limit or killed by a signal was recorded
    with stage 'read' whatever stage it was in. Nothing makes tagging hang or segfault on
    demand, so the worker is told to by the test-only environment variables
    PROTOKOLL_TEST_HANG_STAGE / PROTOKOLL_TEST_CRASH_STAGE (bulk._test_hook); the
    workers, the time limit and the SIGSEGV are real."""
    a = tmp_path / "a"
    a.mkdir()
    (a / "aldras.txt").write_bytes((SAMPLES / "aldras.txt").read_bytes())
    monkeypatch.setenv(f"PROTOKOLL_TEST_{how.upper()}_STAGE", stage)
    db = tmp_path / "p.db"
    tag = ["--tag"] if stage == "tag" else ["--no-tag"]
    r = CliRunner().invoke(cli, ["ingest", str(a), "--db", str(db), *tag, "-w", "1", "--timeout", "5", "--json"])
    assert r.exit_code == 1, r.output
    (failure,) = json.loads(r.stdout)["failed"]
    code = "timeout" if how == "hang" else "crashed"
    assert (failure["stage"], failure["error_code"]) == (stage, code), failure
    if how == "crash":
        assert "signal 11" in failure["error"]
    assert rows(db, "select stage, error_code from documents") == [(stage, code)]


def test_a_path_whose_bytes_become_known_bytes_belongs_only_to_their_document(tmp_path):
    """Regression: b.txt overwritten with the bytes of a.txt was added to a.txt's document
    but also stayed the path of its old document, so it was listed under two. Now the old
    document lets go of it: deleted (its id in ``replaces``) when it was its only path,
    kept at its other path (c-kopia.txt) otherwise."""
    aldras = (SAMPLES / "aldras.txt").read_text(encoding="utf-8")
    a = tmp_path / "a"
    a.mkdir()
    (a / "a.txt").write_text(aldras, encoding="utf-8")
    (a / "b.txt").write_text(variant(aldras, 1), encoding="utf-8")
    (a / "c.txt").write_text(variant(aldras, 2), encoding="utf-8")
    (a / "c-kopia.txt").write_text(variant(aldras, 2), encoding="utf-8")
    db = tmp_path / "p.db"
    assert ingest(a, "--db", db).exit_code == 0
    ids = dict(rows(db, "select path, id from documents"))
    id_a, id_b, id_c = ids[str(a / "a.txt")], ids[str(a / "b.txt")], ids[str(a / "c-kopia.txt")]
    (a / "b.txt").write_bytes((a / "a.txt").read_bytes())
    (a / "c.txt").write_bytes((a / "a.txt").read_bytes())
    r = ingest(a, "--db", db, "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["duplicates"] == 2
    owners = rows(db, "select path, document_id from document_paths order by path")
    assert owners == sorted([(str(a / n), id_a) for n in ("a.txt", "b.txt", "c.txt")] + [(str(a / "c-kopia.txt"), id_c)])
    assert rows(db, "select id, path from documents order by path") == sorted(
        [(id_a, str(a / "a.txt")), (id_c, str(a / "c-kopia.txt"))], key=lambda r: r[1])
    assert json.loads(rows(db, "select replaces from documents where id = ?", [id_a])[0][0]) == [id_b]
    assert rows(db, "select count(*) from meetings")[0][0] == 2
    check_integrity(db)
    r = ingest(a, "--db", db, "--json")  # a third run: nothing moves
    assert json.loads(r.stdout)["unchanged"] == 4
    assert rows(db, "select path, document_id from document_paths order by path") == owners


@pytest.mark.parametrize("new", ["imports", "fails"])
def test_a_changed_file_leaves_its_old_bytes_at_their_other_path(tmp_path, new):
    """Regression: when lsvo.md (the document's first path) changed, its old document was
    deleted although a copy of the old bytes (x-x-kopia.md) was still in the archive and in
    the store; if the new bytes failed, the old document kept lsvo.md as well, listed
    under two documents. Now it keeps its row, at x-x-kopia.md only."""
    lsvo = (SAMPLES / "lsvo-2024-12-13.md").read_text(encoding="utf-8")
    a = tmp_path / "a"
    a.mkdir()
    (a / "lsvo.md").write_text(lsvo, encoding="utf-8")
    (a / "x-kopia.md").write_text(lsvo, encoding="utf-8")
    db = tmp_path / "p.db"
    assert ingest(a, "--db", db).exit_code == 0
    assert rows(db, "select path from documents") == [(str(a / "lsvo.md"),)]  # the first path, sorted
    ((old_id,),) = rows(db, "select id from documents")
    if new == "imports":
        (a / "lsvo.md").write_text(variant(lsvo, 11), encoding="utf-8")
    else:
        (a / "lsvo.md").write_bytes(b"")
    r = ingest(a, "--db", db, "--json")
    assert r.exit_code == (0 if new == "imports" else 1), r.output
    status = "ok" if new == "imports" else "failed"
    ((new_id,),) = rows(db, "select document_id from document_paths where path = ?", [str(a / "lsvo.md")])
    assert new_id != old_id
    assert rows(db, "select id, path, status, replaces from documents order by path") == [
        (new_id, str(a / "lsvo.md"), status, None), (old_id, str(a / "x-kopia.md"), "ok", None)]
    assert rows(db, "select document_id from document_paths where path = ?", [str(a / "x-kopia.md")]) == [(old_id,)]
    check_integrity(db)


def test_a_renamed_file_keeps_its_document_and_both_paths(tmp_path):
    """Documents what happens without --prune (store module docstring): paths are not
    removed because a file is gone, so a rename adds the new path and documents.path
    stays the old one."""
    a = tmp_path / "a"
    a.mkdir()
    (a / "a.txt").write_bytes((SAMPLES / "aldras.txt").read_bytes())
    db = tmp_path / "p.db"
    assert ingest(a, "--db", db).exit_code == 0
    (a / "a.txt").rename(a / "c.txt")
    r = ingest(a, "--db", db, "--json")
    assert json.loads(r.stdout)["duplicates"] == 1
    ((doc_id, path),) = rows(db, "select id, path from documents")
    assert path == str(a / "a.txt")
    assert rows(db, "select path from document_paths where document_id = ? order by path", [doc_id]) == [
        (str(a / "a.txt"),), (str(a / "c.txt"),)]


def test_prune_leaves_a_renamed_file_only_its_new_path(tmp_path):
    a = tmp_path / "a"
    a.mkdir()
    (a / "a.txt").write_bytes((SAMPLES / "aldras.txt").read_bytes())
    db = tmp_path / "p.db"
    assert ingest(a, "--db", db).exit_code == 0
    ((doc_id, items),) = rows(db, "select id, (select count(*) from items) from documents")
    (a / "a.txt").rename(a / "c.txt")
    r = ingest(a, "--db", db, "--prune", "--json")
    assert r.exit_code == 0, r.output
    summary = json.loads(r.stdout)
    assert (summary["duplicates"], summary["pruned"]) == (1, [str(a / "a.txt")])
    assert "1 path pruned" in r.stderr
    assert rows(db, "select id, path, (select count(*) from items) from documents") == [(doc_id, str(a / "c.txt"), items)]
    assert rows(db, "select path from document_paths") == [(str(a / "c.txt"),)]
    r = ingest(a, "--db", db, "--prune", "--json")
    assert (json.loads(r.stdout)["unchanged"], json.loads(r.stdout)["pruned"]) == (1, [])
    check_integrity(db)


def test_prune_deletes_the_documents_and_failures_of_deleted_files_and_nothing_else(tmp_path):
    """Deleted: a protocol, a recorded failure, one member of a zip (the zip rewritten
    without it) and one of two paths of the same bytes. Kept: everything else, and
    every path outside the folder that was imported this time."""
    aldras = (SAMPLES / "aldras.txt").read_text(encoding="utf-8")
    a, other = tmp_path / "a", tmp_path / "other"
    a.mkdir()
    other.mkdir()
    (a / "keep.txt").write_text(aldras, encoding="utf-8")
    (a / "gone.txt").write_text(variant(aldras, 1), encoding="utf-8")
    (a / "copy-1.txt").write_text(variant(aldras, 2), encoding="utf-8")
    (a / "copy-2.txt").write_text(variant(aldras, 2), encoding="utf-8")
    (a / "broken.pdf").write_bytes(b"%PDF-1.7\n" + b"\x00" * 300)
    with zipfile.ZipFile(a / "arkiv.zip", "w") as z:
        z.writestr("m1.txt", variant(aldras, 3))
        z.writestr("m2.txt", variant(aldras, 4))
    (other / "o.txt").write_text(variant(aldras, 5), encoding="utf-8")
    db = tmp_path / "p.db"
    assert ingest(a, other, "--db", db).exit_code == 1  # broken.pdf
    assert rows(db, "select count(*) from documents") == [(7,)]
    for name in ("gone.txt", "copy-1.txt", "broken.pdf"):
        (a / name).unlink()
    with zipfile.ZipFile(a / "arkiv.zip", "w") as z:
        z.writestr("m1.txt", variant(aldras, 3))
    (other / "o.txt").unlink()  # not under the folder imported next: stays
    r = ingest(a, "--db", db, "--prune", "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["pruned"] == sorted(
        [str(a / "gone.txt"), str(a / "copy-1.txt"), str(a / "broken.pdf"), f"{a / 'arkiv.zip'}!m2.txt"])
    assert rows(db, "select path, status from documents order by path") == [
        (f"{a / 'arkiv.zip'}!m1.txt", "ok"), (str(a / "copy-2.txt"), "ok"), (str(a / "keep.txt"), "ok"),
        (str(other / "o.txt"), "ok")]
    assert rows(db, "select count(*) from document_paths") == [(4,)]
    assert rows(db, "select count(distinct meeting_id) from items") == [(4,)]
    assert rows(db, "select count(*) from meetings") == [(4,)]
    check_integrity(db)


def test_prune_leaves_an_empty_root_and_an_unreadable_archive_alone(tmp_path):
    """An unmounted disk looks like an empty folder: nothing under a root that holds no
    files is pruned. Nor are the members of a zip that is there but cannot be read now."""
    aldras = (SAMPLES / "aldras.txt").read_text(encoding="utf-8")
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "x.txt").write_text(aldras, encoding="utf-8")
    with zipfile.ZipFile(b / "arkiv.zip", "w") as z:
        z.writestr("m1.txt", variant(aldras, 3))
    db = tmp_path / "p.db"
    assert ingest(a, b, "--db", db).exit_code == 0
    (a / "x.txt").unlink()
    (b / "arkiv.zip").write_bytes((b / "arkiv.zip").read_bytes()[:60])  # truncated: a broken zip
    r = ingest(a, b, "--db", db, "--prune", "--json")
    summary = json.loads(r.stdout)
    assert summary["pruned"] == []
    assert {"path": str(a), "reason": "the folder holds no files: nothing under it is pruned"} in summary["skipped"]
    assert str(b / "arkiv.zip") in [s["path"] for s in summary["skipped"]]  # a damaged zip archive
    assert rows(db, "select path, status from documents where status = 'ok' order by path") == [
        (str(a / "x.txt"), "ok"), (f"{b / 'arkiv.zip'}!m1.txt", "ok")]


def test_an_interrupted_import_prunes_nothing(tmp_path):
    """The walk of an interrupted import is not whole: a real `protokoll ingest --prune`
    stopped by SIGTERM while its worker is busy (told to hang by the test-only
    PROTOKOLL_TEST_HANG_STAGE, see bulk._test_hook) forgets no path."""
    a, db, aldras = imported_text(tmp_path, "old.txt")
    (a / "old.txt").unlink()
    (a / "new.txt").write_text(variant(aldras, 1), encoding="utf-8")
    env = {**os.environ, "PROTOKOLL_TEST_HANG_STAGE": "read"}
    p = subprocess.Popen([*PROTOKOLL, "ingest", str(a), "--db", str(db), "--no-tag", "-w", "1", "--prune",
                          "-vv", "--log-json"], stderr=subprocess.PIPE, text=True, env=env)
    for line in p.stderr:
        if '"started"' in line:
            break
    p.send_signal(signal.SIGTERM)
    p.stderr.read()
    assert p.wait(timeout=60) == 130
    assert rows(db, "select path from documents") == [(str(a / "old.txt"),)]


@pytest.mark.parametrize("path, expected", [
    ("a/here.txt", False),        # exists
    ("a/gone.txt", True),         # under a root, not there
    ("elsewhere/gone.txt", False),  # under no root
    ("a/seen.txt", False),        # given by the walk (e.g. failed to read just now)
    ("a/locked/gone.txt", False),  # under a folder that could not be listed
    ("a/z.zip!gone.txt", True),   # not among the members of a zip read in this walk
    ("a/bad.zip!m.txt", False),   # its zip is there but was not read
    ("a/gone.zip!m.txt", True),   # its zip is gone
    ("a/z.zip!inner.zip!m.txt", True),  # the inner zip is not in the outer one any more
    ("a/Viktigt!/gone.txt", True),  # a "!" in a folder's name
    ("a", False),                 # the root itself
])
def test_vanished(tmp_path, path, expected):
    (tmp_path / "a" / "locked").mkdir(parents=True)
    for name in ("here.txt", "z.zip", "bad.zip"):
        (tmp_path / "a" / name).write_text("x")
    p = lambda rel: str(tmp_path / rel)  # noqa: E731
    got = bulk.vanished([p(path)], [p("a")], seen={p("a/seen.txt")}, opened={p("a/z.zip")},
                        blocked=[p("a/locked")])
    assert got == ([p(path)] if expected else [])


def test_a_worker_is_replaced_by_a_fresh_one_after_files_per_worker_files(samples):
    from protokoll.records import Protocol

    files = [samples / "aldras.txt", samples / "lsvo-2024-12-13.md"] * 3
    with bulk.LocalPool(1, files_per_worker=2) as pool:
        for path in files:
            assert pool.idle()
            pool.submit(bulk.Candidate(str(path), path.read_bytes()))
            done = []
            while not done:
                done = pool.results(wait=30)
            assert isinstance(done[0][1], Protocol), done
        pids = pool.worker_pids
    assert len(set(pids)) == 3, pids  # 2 files each
    assert [pids.count(p) for p in dict.fromkeys(pids)] == [2, 2, 2]


def test_workers_run_nicer_than_the_writer(samples):
    """The parent is the only writer: it goes first, or the workers wait for it."""
    path = samples / "aldras.txt"
    with bulk.LocalPool(2) as pool:
        for _ in range(2):
            assert pool.idle()
            pool.submit(bulk.Candidate(str(path), path.read_bytes()))
        done = []
        while len(done) < 2:
            done += pool.results(wait=30)
        pids = pool.worker_pids  # the worker of each file (pebble may give both to one)
        niceness = [os.getpriority(os.PRIO_PROCESS, pid) for pid in pids]
    assert len(pids) == 2
    # 19 is the most a process can be; a test run already at 19 has nothing nicer to give
    assert niceness == [min(19, os.getpriority(os.PRIO_PROCESS, 0) + bulk.WORKER_NICENESS)] * 2


def test_files_per_worker_changes_nothing_in_the_database(tmp_path):
    archive = build_archive(tmp_path / "archive")
    tables = {}
    for every in (1, 1000):
        db = tmp_path / f"every-{every}.db"
        r = ingest(archive, "--db", db, "--quiet", "--files-per-worker", every)
        assert r.exit_code == 1, r.output  # the archive holds files that fail on purpose
        tables[every] = rows(db, "select sha256, status, error_code, pages from documents order by sha256")
    assert tables[1] == tables[1000] and len(tables[1]) > 5


@pytest.mark.parametrize("new", ["imports", "fails"])
def test_old_bytes_moved_to_a_later_path_after_their_path_changed_are_imported_again(tmp_path, new):
    """Regression: a.txt changed and its old bytes were moved to z.txt (later in the walk).
    Writing a.txt deleted the old document (a.txt was its only path), but this run still
    counted its bytes as known, so z.txt was taken for a second path of a document that no
    longer existed: counted as a duplicate and stored nowhere. Now z.txt is imported."""
    a, db, aldras = imported_text(tmp_path, "a.txt")
    ((old_id,),) = rows(db, "select id from documents")
    (a / "z.txt").write_bytes((a / "a.txt").read_bytes())
    if new == "imports":
        (a / "a.txt").write_text(variant(aldras, 4), encoding="utf-8")
        for i in range(6):  # enough new files that a.txt is written before z.txt is seen
            (a / f"m{i}.txt").write_text(variant(aldras, 20 + i), encoding="utf-8")
    else:
        (a / "a.txt").write_bytes(b"")  # fails before any worker: written at once
    r = ingest(a, "--db", db, "--json")
    assert r.exit_code == (0 if new == "imports" else 1), r.output
    summary = json.loads(r.stdout)
    assert summary["duplicates"] == 0
    assert rows(db, "select id, status from documents where path = ?", [str(a / "z.txt")]) == [(old_id, "ok")]
    assert rows(db, "select document_id from document_paths where path = ?", [str(a / "z.txt")]) == [(old_id,)]
    ((new_id, status),) = rows(db, "select id, status from documents where path = ?", [str(a / "a.txt")])
    assert (new_id != old_id, status) == (True, "ok" if new == "imports" else "failed")
    assert rows(db, "select count(*) from meetings where document_id = ?", [old_id]) == [(1,)]
    check_integrity(db)
    r = ingest(a, "--db", db, "--json")  # and a re-run changes nothing
    assert json.loads(r.stdout)["duplicates"] == 0
    assert rows(db, "select id from documents where path = ?", [str(a / "z.txt")]) == [(old_id,)]


def _children(pid: int) -> set[int]:
    try:
        return {int(c) for task in os.listdir(f"/proc/{pid}/task")
                for c in Path(f"/proc/{pid}/task/{task}/children").read_text().split()}
    except (OSError, ValueError):
        return set()


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][:1] != "Z"
    except OSError:
        return False


def _descendants_named(pid: int, name: str) -> set[int]:
    """Pids of the processes called ``name`` among the descendants of ``pid`` (Linux /proc)."""
    found, stack = set(), list(_children(pid))
    while stack:
        p = stack.pop()
        try:
            if Path(f"/proc/{p}/comm").read_text().strip() == name:
                found.add(p)
        except OSError:  # ended meanwhile
            continue
        stack.extend(_children(p))
    return found


@pytest.mark.slow
def test_workers_share_one_libreoffice(tmp_path):
    """The workers of an import send their .doc/.odt/.rtf files to one LibreOffice, run by
    the importing process, instead of each starting its own (~120 MB each, and a start-up
    per worker and per replacement). Watched from outside: the process tree of a real
    `protokoll ingest -w 2` never holds more than one soffice.bin, and the files import."""
    a = tmp_path / "a"
    a.mkdir()
    for name in ("aldras.doc", "lsvo-2024-12-13.odt", "lsvo-2024-12-13.rtf"):
        (a / name).write_bytes((SAMPLES / name).read_bytes())
    rtf = (SAMPLES / "lsvo-2024-12-13.rtf").read_bytes()
    for i in range(3):
        (a / f"lsvo-{1990 + i}.rtf").write_bytes(rtf.replace(b"2024", str(1990 + i).encode()))
    db = tmp_path / "p.db"
    p = subprocess.Popen([*PROTOKOLL, "ingest", str(a), "--db", str(db), "-w", "2", "--no-tag", "--json", "-q"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seen: set[int] = set()
    most = 0
    while p.poll() is None:
        now = _descendants_named(p.pid, "soffice.bin")
        seen |= now
        most = max(most, len(now))
        time.sleep(0.05)
    out, err = p.communicate()
    assert p.returncode == 0, err
    assert json.loads(out)["imported"] == 6
    assert rows(db, "select format, count(*) from documents group by format order by format") == [
        ("doc", 1), ("odt", 1), ("rtf", 4)]
    assert seen and most == 1  # (a new profile makes LibreOffice restart itself once: 2 pids, one at a time)


def test_no_worker_outlives_an_import_killed_as_it_forks(tmp_path):
    """Regression: a worker forked just before its parent was killed (-9) lived on, waiting
    for work on a pipe whose other end it held itself, and kept the database's lock file
    open. PR_SET_PDEATHSIG, set as the worker starts, comes too late for a parent that is
    already gone. Now a worker closes the parent's end of its own pipe (end of file when
    the parent dies) and exits if its parent died before it set the signal."""
    a = tmp_path / "a"
    a.mkdir()
    for i in range(4):
        (a / f"m{i}.txt").write_text(variant((SAMPLES / "aldras.txt").read_text(encoding="utf-8"), i), encoding="utf-8")
    orphans = []
    for attempt in range(6):
        p = subprocess.Popen([*PROTOKOLL, "ingest", str(a), "--db", str(tmp_path / f"{attempt}.db"), "-w", "2",
                              "--no-tag", "-q"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        workers: set[int] = set()
        deadline = time.monotonic() + 30
        while not workers and p.poll() is None and time.monotonic() < deadline:
            workers = _children(p.pid)
        p.kill()  # the moment the first worker exists, before it has set anything up
        p.wait()
        time.sleep(0.5 * attempt / 5)
        deadline = time.monotonic() + 10
        while any(map(_alive, workers)) and time.monotonic() < deadline:
            time.sleep(0.1)
        orphans += [w for w in workers if _alive(w)]
        for w in orphans:
            os.kill(w, 9)
    assert orphans == []


def test_finished_results_are_written_while_the_workers_work(tmp_path, caplog):
    """However fast the workers, the writer keeps up: between a file being started and
    being committed there are never more than the files in the workers plus as many
    finished ones (the log records both). Regression: the first version of the
    one-result-at-a-time writer (7e904bf) wrote only while every worker was busy, and
    held 23 of these 40 small files' results at once."""
    import logging

    from protokoll import store

    a = tmp_path / "a"
    a.mkdir()
    for i in range(40):  # tiny files: the workers finish them faster than the writer commits
        (a / f"m{i:02d}.txt").write_text(f"Protokoll {i}\n\n§ 1 Val av justerare\n\nKommunstyrelsen beslutar\n"
                                         f"att utse Anna Berg {i}\n", encoding="utf-8")
    db = store.open(tmp_path / "p.db")
    with caplog.at_level(logging.DEBUG, logger="protokoll.pipeline"):
        summary = bulk.import_archive([a], db, workers=2, tag=False)
    assert summary.imported == 40
    waiting, most = 0, 0
    for rec in caplog.records:
        if getattr(rec, "status", None) == "started":
            waiting += 1
        elif getattr(rec, "status", None) == "ok":
            waiting -= 1
        most = max(most, waiting)
    assert waiting == 0
    assert most <= 2 + 2 + 1  # in the two workers, two finished, the one being started
