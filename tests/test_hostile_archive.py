"""Issue 8, bad input, end to end: the whole hostile corpus in one archive, next to good
protocols, through a real ``protokoll ingest`` process writing a real SQLite file.

For every case: the expected typed ``error_code`` (or 'skipped' where the design skips
a non-document: folders the walk refuses), a one-line reason in ``documents.error``
and the path with that reason on stderr, no traceback anywhere, every good file
imported with its items, ``PRAGMA integrity_check`` / ``foreign_key_check`` clean,
nothing written outside the working area, and a second run that changes nothing.

The import is the default one (tagging on, 2 workers). The corpus comes from
``tests/hostile.py``. As root the import runs without
CAP_DAC_OVERRIDE / CAP_DAC_READ_SEARCH (``setpriv``), so file modes bind it and a
mode-000 file is honestly unreadable. A file is removed between the walk and its read:
the import logs the walk's skipped folders (``-v --log-json``) before it reads any
file, and the removed file is the last one read, after the slow OCR'd PDFs.

The summary line ("hostile archive: N bad inputs tried, ...") is written to the
terminal, with or without ``-s``.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import zipfile
from pathlib import Path

import hostile
import pytest
from test_bulk import PROTOKOLL, SAMPLES, check_integrity, docx_variant, variant
from test_crash import snapshot

from protokoll import errors, ingest

pytestmark = pytest.mark.slow

MAX_SIZE = 4_000_000  # --max-size: above every file here (10,000 blank pages: 2.4 MB) but big.txt
TYPED = {c.code for c in (errors.ProtokollError, *errors.ProtokollError.__subclasses__())} | {
    c.code for s in errors.ProtokollError.__subclasses__() for c in s.__subclasses__()
}
OK = "ok"  # imported, with items
READ = "read"  # imported (a one-paragraph file: no items to find)
OK_OR_TYPED = "ok-or-typed"  # either is right (bit flips may leave a readable PDF)
SKIPPED = "skipped"

# Archive path (relative; "zip!member" for members) -> expected outcome.
GOOD = {
    "good/aldras.docx": OK,
    "good/aldras.txt": OK,
    "good/lsvo-2024-12-13.md": OK,
    "good/lsvo-2024-12-13.pdf": OK,
    "bad/escape.zip!ok/inside.txt": OK,  # the good member of the zip with ../ paths
}
BAD = {
    "bad/empty.pdf": "empty",
    "bad/empty.docx": "empty",
    "bad/truncated.pdf": "corrupt",
    "bad/header-then-noise.pdf": "corrupt",
    **{f"bad/flipped-{seed}.pdf": OK_OR_TYPED for seed in range(4)},
    "bad/broken-xref.pdf": OK,  # PDFium rebuilds the table
    "bad/encrypted-user.pdf": "encrypted",
    "bad/encrypted-owner.pdf": OK,  # an owner-only password does not stop reading
    "bad/blank-10000.pdf": "empty",
    "bad/garbage-layer.pdf": OK,  # the nonsense layer is replaced by OCR
    "bad/not-a-zip.docx": "corrupt",
    "bad/no-document-xml.docx": "unsupported",
    "bad/bomb.docx": "bomb",
    "bad/xxe.docx": READ,  # the entity is not expanded, the text around it kept; the secret is nowhere
    **{f"bad/disguise/{name}": "unsupported" for name, _, _ in hostile.DISGUISES},
    "bad/big.txt": "too-large",
    "bad/locked.txt": "unreadable",
    "zzz-gone.txt": "unreadable",  # removed between the walk and its read
    **{f"bad/odd/{name}": OK for name in hostile.ODD_NAMES.values()},
    "bad/loop": SKIPPED,  # symlink to the archive root
    "bad/dangling.pdf": SKIPPED,  # symlink to nothing
    "bad/locked-folder": SKIPPED,  # mode 000
    "bad/escape.zip!../../escape.txt": "corrupt",
    "bad/escape.zip!/tmp/protokoll-hostile-absolute.txt": "corrupt",
    "bad/escape.zip!zeros.txt": "bomb",  # 3 MB of zeros in a few KB, inside a plain zip
}


def build(root: Path) -> Path:
    """The archive: good samples, then every bad case of issue 8 (see ``BAD``)."""
    a = root / "archive"
    good, bad = a / "good", a / "bad"
    for folder in (good, bad / "disguise", bad / "odd"):
        folder.mkdir(parents=True)
    for name in ("aldras.docx", "aldras.txt", "lsvo-2024-12-13.md", "lsvo-2024-12-13.pdf"):
        (good / name).write_bytes((SAMPLES / name).read_bytes())
    aldras = (SAMPLES / "aldras.txt").read_text(encoding="utf-8")
    pdf = (SAMPLES / "aldras.pdf").read_bytes()
    (bad / "empty.pdf").write_bytes(b"")
    (bad / "empty.docx").write_bytes(b"")
    (bad / "truncated.pdf").write_bytes(hostile.truncated(pdf))
    (bad / "header-then-noise.pdf").write_bytes(b"%PDF-1.7\n" + os.urandom(4000))
    lsvo_pdf = (SAMPLES / "lsvo-2024-12-13.pdf").read_bytes()
    for seed in range(4):
        (bad / f"flipped-{seed}.pdf").write_bytes(hostile.bit_flipped(lsvo_pdf, seed))
    (bad / "broken-xref.pdf").write_bytes(hostile.broken_xref(pdf))
    encrypted = hostile.encrypted_pdfs(root / "encrypting", src=SAMPLES / "aldras.docx")
    (bad / "encrypted-user.pdf").write_bytes(encrypted["user"].read_bytes())
    (bad / "encrypted-owner.pdf").write_bytes(encrypted["owner"].read_bytes())
    (bad / "blank-10000.pdf").write_bytes(hostile.blank_pages(10_000))
    (bad / "garbage-layer.pdf").write_bytes(hostile.with_garbage_text_layer(SAMPLES / "aldras-scanned.pdf"))
    (bad / "not-a-zip.docx").write_bytes((SAMPLES / "aldras.docx").read_bytes()[:3000])
    hostile.docx_without_document(SAMPLES / "aldras.docx", bad / "no-document-xml.docx")
    hostile.decompression_bomb(bad)
    secret = root / "secret.txt"  # outside the archive
    secret.write_text(hostile.SECRET)
    hostile.xxe_docx(bad, secret)
    for name, data, _ in hostile.DISGUISES:
        hostile.write_disguise(bad / "disguise" / name, data)
    (bad / "big.txt").write_text(aldras * (MAX_SIZE // len(aldras) + 1), encoding="utf-8")
    (bad / "locked.txt").write_text(variant(aldras, 1), encoding="utf-8")
    (bad / "locked.txt").chmod(0)
    (a / "zzz-gone.txt").write_text(variant(aldras, 2), encoding="utf-8")
    for i, name in enumerate(hostile.ODD_NAMES.values()):
        docx_variant(SAMPLES / "aldras.docx", bad / "odd" / name, 10 + i)
    os.symlink(a, bad / "loop")
    os.symlink(root / "nowhere.pdf", bad / "dangling.pdf")
    (bad / "locked-folder").mkdir()
    (bad / "locked-folder" / "inside.txt").write_text(variant(aldras, 3), encoding="utf-8")
    (bad / "locked-folder").chmod(0)
    with zipfile.ZipFile(bad / "escape.zip", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("../../escape.txt", variant(aldras, 4))
        z.writestr("/tmp/protokoll-hostile-absolute.txt", variant(aldras, 5))
        z.writestr("ok/inside.txt", variant(aldras, 6))
        z.writestr("zeros.txt", bytes(3_000_000))
    sizes = {p: p.stat().st_size for p in a.rglob("*") if p.is_file() and p.name != "big.txt"}
    assert max(sizes.values()) < MAX_SIZE < (bad / "big.txt").stat().st_size
    return a


def without_dac_override() -> list[str]:
    """A command prefix that makes root obey file modes, as any user would."""
    if os.geteuid() != 0:
        return []
    return ["setpriv", "--bounding-set=-dac_override,-dac_read_search"]


def run_import(archive: Path, db: Path, work: Path, *, remove: Path | None = None) -> dict:
    """``protokoll ingest`` in ``work``; removes ``remove`` once the walk is done."""
    cmd = [*without_dac_override(), *PROTOKOLL, "ingest", str(archive), "--db", str(db),
           "--workers", "2", "--max-size", str(MAX_SIZE), "--json", "-v", "--log-json"]
    proc = subprocess.Popen(cmd, cwd=work, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    head = []
    if remove is not None:
        for line in proc.stderr:  # the walk's skipped folders are logged before any file is read
            head.append(line)
            if '"status": "skipped"' in line:
                remove.unlink()
                break
    try:
        out, err = proc.communicate(timeout=900)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise
    return {"code": proc.returncode, "stdout": out, "stderr": "".join(head) + err, "summary": json.loads(out)}


def documents(db: Path) -> dict[str, dict]:
    """path -> documents row (+ its item count), for every path the store knows."""
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    try:
        out = {}
        for row in con.execute(
            # the items read from the file (a copy of another file is a source of its
            # meeting, not the one served: meeting_sources counts its items)
            """select d.*, (select items from meeting_sources s where s.document_id = d.id) as n_items
               from documents d"""
        ):
            out[row["path"]] = dict(row)
        for doc_id, path in con.execute("select document_id, path from document_paths"):
            out.setdefault(path, next(r for r in out.values() if r["id"] == doc_id))
        return out
    finally:
        con.close()


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    archive = build(root)
    work = root / "work"
    work.mkdir()
    db = work / "hostile.db"
    before = {p for p in root.rglob("*") if not p.is_relative_to(work)} - {archive / "zzz-gone.txt"}
    try:
        first = run_import(archive, db, work, remove=archive / "zzz-gone.txt")
        after_first = snapshot(db)
        second = run_import(archive, db, work)
    finally:
        (archive / "bad" / "locked-folder").chmod(0o755)  # so pytest can clean up
        (archive / "bad" / "locked.txt").chmod(0o644)
    after = {p for p in root.rglob("*") if not p.is_relative_to(work)}
    return {"root": root, "archive": archive, "db": db, "work": work, "first": first, "second": second,
            "before": before, "after": after, "after_first": after_first, "docs": documents(db)}


def full_path(archive: Path, case: str) -> str:
    if "!" in case:
        container, member = case.split("!", 1)
        return f"{archive / container}!{member}"
    return str(archive / case)


CASES = list(BAD)


@pytest.mark.parametrize("case", CASES)
def test_every_bad_input_is_recorded_with_a_typed_one_line_reason(imported, case):
    expected = BAD[case]
    path = full_path(imported["archive"], case)
    stderr = imported["first"]["stderr"]
    summary = imported["first"]["summary"]
    if expected == SKIPPED:
        reasons = {s["path"]: s["reason"] for s in summary["skipped"]}
        assert path in reasons, f"{case} not skipped: {sorted(reasons)}"
        assert "\n" not in reasons[path] and f"Skipped: {path}: {reasons[path]}" in stderr
        assert path not in imported["docs"]
        return
    row = imported["docs"].get(path)
    assert row is not None, f"{case}: no documents row"
    if row["status"] == "ok":
        assert expected in (OK, READ, OK_OR_TYPED), f"{case} was imported, expected {expected}"
        if expected == OK:
            assert row["n_items"] > 0, f"{case}: imported without items"
        return
    assert row["status"] == "failed"
    assert expected not in (OK, READ), f"{case} failed: {row['error_code']}: {row['error']}"
    if expected == OK_OR_TYPED:
        assert row["error_code"] in TYPED, f"{case}: untyped error {row['error_code']}: {row['error']}"
    else:
        assert row["error_code"] == expected, f"{case}: {row['error_code']}: {row['error']}"
    assert row["error"] and "\n" not in row["error"] and "Traceback" not in row["error"]
    assert f"Failed: {path}: {row['error']} ({row['stage']}, {row['error_code']})" in stderr


@pytest.mark.parametrize("case", list(GOOD))
def test_every_good_file_is_imported_with_its_items(imported, case):
    row = imported["docs"][full_path(imported["archive"], case)]
    assert row["status"] == "ok" and row["n_items"] > 0 and row["error"] is None


def test_no_traceback_and_the_import_completes(imported):
    for run in (imported["first"], imported["second"]):
        assert "Traceback" not in run["stdout"] + run["stderr"]
        assert run["code"] == 1 and not run["summary"]["interrupted"]  # 1: some files failed, as they should
        for line in run["stderr"].splitlines():  # the summary and log lines: all one-liners
            assert line.startswith(("{", "Failed: ", "Skipped: ", "Failed in an earlier", "  ")) or " files" in line


def test_xxe_reads_nothing_outside_the_archive(imported):
    db = imported["db"]
    for f in db.parent.iterdir():  # the database, its WAL and lock files, byte for byte
        assert hostile.SECRET.encode() not in f.read_bytes()
    con = sqlite3.connect(db)
    try:
        for (table,) in con.execute("select name from sqlite_master where type = 'table'"):
            for row in con.execute(f"select * from [{table}]"):
                assert hostile.SECRET not in repr(row)
    finally:
        con.close()


def test_nothing_is_written_outside_the_working_area(imported):
    root = imported["root"]
    assert imported["after"] == imported["before"]  # the removed file aside
    assert not Path("/tmp/protokoll-hostile-absolute.txt").exists()
    for folder in (root.parent, Path("/tmp"), Path.cwd()):  # where ../../escape.txt would land
        assert not list(folder.glob("*escape.txt")), folder
    assert {p.name for p in imported["work"].iterdir()} <= {"hostile.db", "hostile.db-shm", "hostile.db-wal",
                                                            "hostile.db.lock"}


def test_integrity_and_foreign_keys(imported):
    check_integrity(imported["db"])


def test_xxe_docx_keeps_the_text_around_the_entity(tmp_path):
    """Regression: the text after an unexpanded entity was dropped ("the docx file has no text")."""
    secret = tmp_path / "secret.txt"
    secret.write_text(hostile.SECRET)
    doc = ingest.read(hostile.xxe_docx(tmp_path, secret))
    assert doc.text == "Kommunstyrelsen beslutar att godkänna budgeten."


def test_second_run_changes_nothing(imported, capsys):
    second = imported["second"]["summary"]
    assert second["imported"] == 0 and second["duplicates"] == 0
    assert snapshot(imported["db"]) == imported["after_first"]
    docs = imported["docs"]
    outcome = {c: SKIPPED if e == SKIPPED else docs[full_path(imported["archive"], c)] for c, e in BAD.items()}
    skipped = sum(1 for o in outcome.values() if o == SKIPPED)
    failed = sum(1 for o in outcome.values() if o != SKIPPED and o["status"] == "failed" and o["error_code"] in TYPED)
    read = sum(1 for o in outcome.values() if o != SKIPPED and o["status"] == "ok")
    good = sum(1 for c in GOOD if docs[full_path(imported["archive"], c)]["status"] == "ok")
    assert failed + read + skipped == len(BAD) and good == len(GOOD)
    line = (f"hostile archive: {len(BAD)} bad inputs tried: {failed} recorded with a typed one-line reason, "
            f"{skipped} skipped with a reason, {read} read anyway (repaired, OCR'd or harmless); "
            f"{good} good files imported; 0 tracebacks; integrity ok; second run changed nothing")
    with capsys.disabled():  # shown with or without -s
        print("\n" + line)
