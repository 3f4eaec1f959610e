"""Issue 28, the command line: real `protokoll` subprocesses on real files and paths.

Bad database and output paths (a missing folder, a folder you may not write to, a
read-only medium made with a read-only bind mount in a private mount namespace), a port
held by a bound socket, a full or closed stdout: one `Error:` line and a `Hint:`, never a
traceback. `status` and `export` read a WAL database on a read-only medium. Ctrl-C is a
real SIGINT. `load` prints ingest's summary and stores absolute paths. `--body` in any
case, "Nothing matched", `--xlsx` to a real terminal (a pty), `-o` suffixes, counts in
the right number, corrupt files whose reasons name no Python exception, and the exit
codes in every --help and in the README.

(tests/test_bad_input.py checks the error class of each kind of bad input; here it is
what the user reads. Ctrl-C of `ingest` is in tests/test_crash.py.)
"""

from __future__ import annotations

import builtins
import contextlib
import fcntl
import io
import json
import os
import pty
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest
from protokoll.background import free_port

ROOT = Path(__file__).resolve().parent.parent
PROTOKOLL = Path(sys.executable).with_name("protokoll")
COMMANDS = ("text", "parse", "ingest", "load", "status", "export", "serve")

# A protocol of one meeting of a body whose name starts with Ä: one attendee, one item,
# one decision with one att-clause (SQLite's lower() would not match "äldrenämnden").
ALDRE = """PROTOKOLL
Äldrenämnden
Sammanträdesdatum: 2024-05-14
Plats och tid: Stadshuset, kl. 13.00-15.00
Beslutande ledamöter: Anna Andersson (S), ordförande

§ 12 Budget 2025
Dnr ÄN 2024/15
Äldrenämnden beslutar
att anta budgeten för 2025.
"""


def run(*args, timeout=300, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([str(PROTOKOLL), *map(str, args)], capture_output=True, text=True, timeout=timeout, **kw)


def one_error(r: subprocess.CompletedProcess, code: int = 1) -> tuple[str, str]:
    """The one Error: line and the one Hint: line of a failed command."""
    assert r.returncode == code, (r.returncode, r.stderr)
    assert "Traceback" not in r.stderr, r.stderr
    lines = r.stderr.splitlines()
    errors = [line for line in lines if line.startswith("Error:")]
    hints = [line for line in lines if line.startswith("Hint:")]
    assert len(errors) == 1 and len(hints) == 1, r.stderr
    return errors[0], hints[0]


@pytest.fixture(scope="module")
def db_file(tmp_path_factory, samples=ROOT / "samples"):
    """A WAL database of the LSVO protocol (.md), the working group's (.txt) and ÄLDRE,
    loaded by `protokoll load` from relative paths."""
    folder = tmp_path_factory.mktemp("db")
    (folder / "aldre.txt").write_text(ALDRE, encoding="utf-8")
    for name in ("lsvo-2024-12-13.md", "aldras.txt"):
        shutil.copy(samples / name, folder / name)
    r = run("load", "lsvo-2024-12-13.md", "aldras.txt", "aldre.txt", "--db", "p.db", "--no-tag", cwd=folder)
    assert r.returncode == 0, r.stderr
    return folder / "p.db"


# --------------------------------------------------------------------------- read-only media


def _ro_mount_works() -> bool:
    if not shutil.which("unshare"):
        return False
    with tempfile.TemporaryDirectory() as d:
        r = subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c",
                            'mount --bind -o ro "$0" "$0" && ! touch "$0/x" 2>/dev/null', d],
                           capture_output=True, timeout=30)
        return r.returncode == 0


RO_MOUNT = _ro_mount_works()
needs_ro_mount = pytest.mark.skipif(not RO_MOUNT, reason="read-only bind mounts are not permitted here (needs root)")


def on_read_only_medium(folder, *args) -> list[str]:
    """``protokoll ARGS`` with ``folder`` bind-mounted read-only in a mount namespace of its
    own (nothing to unmount afterwards; the process is protokoll itself, by exec)."""
    return ["unshare", "-m", "--propagation", "private", "sh", "-c",
            'dir="$1"; shift; mount --bind -o ro "$dir" "$dir" && exec "$@"', "sh", str(folder),
            str(PROTOKOLL), *map(str, args)]


def _wal_copy(db_file, folder: Path) -> Path:
    folder.mkdir()
    shutil.copy(db_file, folder / "p.db")
    header = (folder / "p.db").read_bytes()[:20]
    assert header[18:20] == b"\x02\x02"  # WAL mode: a reader needs a -shm index beside it
    return folder / "p.db"


@needs_ro_mount
def test_status_and_export_read_a_database_on_a_read_only_medium(db_file, tmp_path):
    ro = _wal_copy(db_file, tmp_path / "dvd")
    for args in (["status", "--json"], ["status", "--failed", "--json"], ["export", "--json"],
                 ["export", "--body", "lsvo", "--csv"]):
        expected = run(args[0], db_file, *args[1:])
        got = subprocess.run(on_read_only_medium(ro.parent, args[0], ro, *args[1:]), capture_output=True,
                             text=True, timeout=120)
        assert got.returncode == 0 and expected.returncode == 0, got.stderr
        assert got.stdout == expected.stdout and got.stdout.strip()
    assert sorted(p.name for p in ro.parent.iterdir()) == ["p.db"]  # nothing written beside it
    # the status counts, worked out from the three files: 3 documents, all ok
    rows = json.loads(run("status", db_file, "--json").stdout)
    assert {"group": "status", "value": "ok", "documents": 3, "meetings": 3} in rows


@needs_ro_mount
@pytest.mark.parametrize("command", ["status", "export"])
def test_an_older_database_on_a_read_only_medium_is_one_error_line(db_file, tmp_path, command):
    """Schema 4 (before one meeting per meeting): its tables are not this version's, and
    it cannot be upgraded where it is."""
    ro = _wal_copy(db_file, tmp_path / "dvd")
    with sqlite3.connect(ro) as conn:
        conn.executescript("DROP VIEW decision_register; DROP TABLE meeting_sources; DROP TABLE readings; "
                           "UPDATE _meta SET value = '4' WHERE key = 'schema_version';")
    r = subprocess.run(on_read_only_medium(ro.parent, command, ro), capture_output=True, text=True, timeout=120)
    error, hint = one_error(r)
    assert "schema version 4 is older" in error and "read-only" in error and "writable disk" in hint
    assert run(command, ro).returncode == 0  # where it can be written, it is upgraded


@needs_ro_mount
@pytest.mark.parametrize("command", ["ingest", "load", "export"])
def test_writing_to_a_read_only_medium_is_one_error_line(db_file, tmp_path, command, samples=ROOT / "samples"):
    ro = _wal_copy(db_file, tmp_path / "dvd")
    args = {"ingest": ["ingest", samples / "aldras.txt", "--db", ro],
            "load": ["load", samples / "aldras.txt", "--db", ro, "--no-tag"],
            "export": ["export", ro, "-o", ro.parent / "register.csv"]}[command]
    r = subprocess.run(on_read_only_medium(ro.parent, *args), capture_output=True, text=True, timeout=120)
    error, hint = one_error(r)
    assert "read-only medium" in error and "writable disk" in hint


@needs_ro_mount
def test_serve_a_database_on_a_read_only_medium_then_ctrl_c(db_file, tmp_path):
    ro = _wal_copy(db_file, tmp_path / "dvd")
    port = free_port()
    p = subprocess.Popen(on_read_only_medium(ro.parent, "serve", ro, "--port", port), stderr=subprocess.PIPE,
                         stdout=subprocess.DEVNULL, text=True)
    try:
        assert "immutable" in p.stderr.readline()  # the Note, then the Serving line
        assert "Serving" in p.stderr.readline()
        url = f"http://127.0.0.1:{port}/p/meetings.json?_shape=array"
        with urllib.request.urlopen(url, timeout=30) as response:
            assert response.status == 200
            assert sorted(m["body"] for m in json.load(response)) == ["LSVO", "Samverkansgruppen", "Äldrenämnden"]
        p.send_signal(signal.SIGINT)
        assert p.wait(timeout=60) == 130
        assert "Traceback" not in p.stderr.read()
    finally:
        p.kill()
        p.wait()


# --------------------------------------------------------------------------- missing and read-only folders


@pytest.mark.parametrize("command", ["ingest", "load", "export", "status", "serve"])
def test_a_missing_folder_is_one_error_line(db_file, tmp_path, command, samples=ROOT / "samples"):
    missing = tmp_path / "nowhere" / "p.db"
    args = {"ingest": ["ingest", samples / "aldras.txt", "--db", missing],
            "load": ["load", samples / "aldras.txt", "--db", missing, "--no-tag"],
            "export": ["export", db_file, "-o", tmp_path / "nowhere" / "register.csv"],
            "status": ["status", missing],
            "serve": ["serve", missing]}[command]
    r = run(*args, timeout=120)
    if command == "status":  # DB must exist: click's usage error, one Error: line and a Try hint
        assert r.returncode == 2 and "Traceback" not in r.stderr
        assert [line for line in r.stderr.splitlines() if line.startswith("Error:")] == [
            f"Error: Invalid value for 'DB': Path '{missing}' does not exist."]  # DB may be a folder of shards
        return
    error, hint = one_error(r)
    if command == "serve":
        assert "no such database file" in error
    else:
        assert f"the folder {tmp_path / 'nowhere'} does not exist" in error and "mkdir -p" in hint
    assert not (tmp_path / "nowhere").exists()


@pytest.fixture
def locked_folder(db_file):
    """A folder no one may write to, holding a copy of the database; and the command prefix
    that runs protokoll so that the folder's permissions apply (root may write anywhere)."""
    top = Path(tempfile.mkdtemp(prefix="protokoll-ro-", dir="/tmp"))
    top.chmod(0o755)
    folder = top / "arkiv"
    folder.mkdir()
    shutil.copy(db_file, folder / "p.db")
    (folder / "p.db").chmod(0o444)
    folder.chmod(0o555)
    prefix = []
    if os.geteuid() == 0:
        if not shutil.which("setpriv"):
            pytest.skip("setpriv is needed to test as a user who is not root")
        # root without the capabilities that let it write anywhere: the folder's own
        # permissions apply (as for any user), and the checkout need not be open to others
        prefix = ["setpriv", "--bounding-set=-dac_override,-dac_read_search"]
    yield folder, prefix
    folder.chmod(0o755)
    shutil.rmtree(top)


@pytest.mark.parametrize("command", ["ingest", "load", "export"])
def test_a_read_only_folder_is_one_error_line(locked_folder, command, samples=ROOT / "samples"):
    folder, prefix = locked_folder
    args = {"ingest": ["ingest", samples / "aldras.txt", "--db", folder / "new.db"],
            "load": ["load", samples / "aldras.txt", "--db", folder / "p.db", "--no-tag"],
            "export": ["export", folder / "p.db", "-o", folder / "register.xlsx"]}[command]
    r = subprocess.run([*prefix, str(PROTOKOLL), *map(str, args)], capture_output=True, text=True, timeout=120,
                       cwd="/")
    error, hint = one_error(r)
    if command == "load":  # the file exists but is read-only; its folder too
        assert "the file is read-only for you" in error and "chmod u+w" in hint
    else:
        assert f"you may not write in the folder {folder}" in error and "write permission" in hint
    assert sorted(p.name for p in folder.iterdir()) == ["p.db"]


def test_status_and_export_read_a_database_in_a_read_only_folder(locked_folder):
    folder, prefix = locked_folder
    r = subprocess.run([*prefix, str(PROTOKOLL), "export", str(folder / "p.db"), "--body", "ÄLDRENÄMNDEN",
                        "--json"], capture_output=True, text=True, timeout=120, cwd="/")
    assert r.returncode == 0, r.stderr
    assert [row["clause"] for row in json.loads(r.stdout)] == ["att anta budgeten för 2025."]
    r = subprocess.run([*prefix, str(PROTOKOLL), "status", str(folder / "p.db")], capture_output=True, text=True,
                       timeout=120, cwd="/")
    assert r.returncode == 0 and "Äldrenämnden" in r.stdout, r.stderr


# --------------------------------------------------------------------------- serve: port in use


def test_serve_on_a_port_in_use_is_one_error_line(db_file):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        r = run("serve", db_file, "--port", port, timeout=120)
    error, hint = one_error(r)
    assert error == f"Error: port {port} on 127.0.0.1 is already in use"
    assert "--port" in hint


# --------------------------------------------------------------------------- stdout full or closed


def test_a_full_stdout_is_one_error_line(samples=ROOT / "samples"):
    with open("/dev/full", "w") as full:
        r = subprocess.run([str(PROTOKOLL), "text", str(samples / "aldras.txt")], stdout=full,
                           stderr=subprocess.PIPE, text=True, timeout=120)
    error, _ = one_error(r)
    assert error == "Error: the output cannot be written: the disk is full"


@pytest.mark.parametrize("args", [["status", "{db}"], ["export", "{db}", "--json"],
                                  ["text", str(ROOT / "samples" / "aldras.txt")]])
def test_a_closed_stdout_exits_141_quietly(db_file, args):
    r, w = os.pipe()
    os.close(r)  # `| head` that has already gone
    try:
        p = subprocess.run([str(PROTOKOLL), *(a.format(db=db_file) for a in args)], stdout=w,
                           stderr=subprocess.PIPE, text=True, timeout=120)
    finally:
        os.close(w)
    assert p.returncode == 141 and p.stderr == ""


# --------------------------------------------------------------------------- Ctrl-C


def _children(pid: int) -> list[str]:
    with contextlib.suppress(OSError):
        return [c for task in Path(f"/proc/{pid}/task").iterdir()
                for c in (task / "children").read_text().split()]
    return []


def _writing_stdout(pid: int) -> bool:
    """Blocked in write(1, …): the output pipe is full (x86-64 and arm64 syscall numbers)."""
    number = {"x86_64": "1", "aarch64": "64"}.get(os.uname().machine)
    with contextlib.suppress(OSError):
        return Path(f"/proc/{pid}/syscall").read_text().split()[:2] == [number, "0x1"]
    return False


def _until(predicate, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "the command never got there"
        time.sleep(0.05)


@pytest.mark.skipif(os.uname().machine not in ("x86_64", "aarch64"), reason="syscall numbers known for two machines")
@pytest.mark.parametrize("command", ["text", "parse", "load", "status", "export", "serve"])
def test_ctrl_c_exits_130(db_file, tmp_path, command, samples=ROOT / "samples"):
    """SIGINT at a moment the command is busy: writing to a full pipe (text, parse,
    status, export), running Tesseract on a scanned page (load), serving (serve)."""
    args = {"text": ["text", samples / "lsvo-2024-12-13.md", "--json"],
            "parse": ["parse", samples / "aldras.txt", "--json", "--no-tag"],
            "load": ["load", samples / "aldras-scanned.pdf", "--db", tmp_path / "p.db", "--no-tag"],
            "status": ["status", _many_failures(tmp_path / "failed.db"), "--failed", "--json"],
            "export": ["export", db_file, "--json"],
            "serve": ["serve", db_file, "--port", free_port()]}[command]
    r, w = os.pipe()
    fcntl.fcntl(w, fcntl.F_SETPIPE_SZ, 4096)  # a small pipe that nobody reads: the command blocks writing
    p = subprocess.Popen([str(PROTOKOLL), *map(str, args)], stdout=w, stderr=subprocess.PIPE, text=True)
    os.close(w)
    out = []
    try:
        if command == "serve":
            assert "Serving" in p.stderr.readline()
        elif command == "load":
            _until(lambda: _children(p.pid))  # Tesseract
        else:
            _until(lambda: _writing_stdout(p.pid))
        p.send_signal(signal.SIGINT)
        reader = threading.Thread(target=lambda: out.append(_read_all(r)))
        reader.start()
        assert p.wait(timeout=120) == 130
        reader.join(60)
        err = p.stderr.read()
        assert "Traceback" not in err and "Interrupted" in err, err
    finally:
        p.kill()
        p.wait()
        os.close(r)
    if command == "load":  # the summary, as ingest's
        assert "1 file in " in err and "0 imported (0 pages)" in err


def _many_failures(path: Path) -> Path:
    """A database with 100 failed files: `status --failed --json` writes ~20 kB."""
    from protokoll import errors, store

    db = store.open(path)
    for i in range(100):
        store.record_failure(db, path=f"/arkiv/{i:03}.pdf", sha256=f"{i:064x}", format="pdf",
                             error=errors.CorruptFile("a damaged PDF"), stage="read")
    db.close()
    return path


def _read_all(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, 65536):
        chunks.append(chunk)
    return b"".join(chunks)


# --------------------------------------------------------------------------- load


def test_load_prints_a_summary_and_stores_absolute_paths(tmp_path, samples=ROOT / "samples"):
    work = tmp_path / "arkiv"
    work.mkdir()
    shutil.copy(samples / "aldras.txt", work / "aldras.txt")
    shutil.copy(samples / "aldras.txt", work / "kopia.txt")  # the same bytes: a duplicate
    (work / "aldre.txt").write_text(ALDRE, encoding="utf-8")
    (work / "tom.docx").write_bytes(b"")
    names = ["aldras.txt", "kopia.txt", "aldre.txt", "tom.docx"]
    db = tmp_path / "p.db"
    r = run("load", *names, "--db", "../p.db", "--no-tag", cwd=work)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    summary, *failed = r.stderr.splitlines()
    # 4 files: aldras.txt and aldre.txt imported (text files: 0 pages), kopia.txt the same
    # bytes as aldras.txt, tom.docx empty
    assert summary.startswith("4 files in ")
    assert summary.endswith(": 2 imported (0 pages), 0 unchanged, 1 duplicate, 1 failed")
    assert failed == [f"Failed: {work / 'tom.docx'}: the file is empty (0 bytes) (read, empty)"]
    with contextlib.closing(sqlite3.connect(db)) as conn:
        stored = {p for (p,) in conn.execute("SELECT path FROM document_paths UNION SELECT path FROM documents")}
    assert stored == {str(work / n) for n in names}
    # again, from another folder: the three files that were read are unchanged
    r = run("load", *(work / n for n in names[:3]), "--db", db, "--no-tag", cwd=tmp_path)
    assert r.returncode == 0 and r.stderr.splitlines()[0].endswith(
        ": 0 imported (0 pages), 3 unchanged, 0 duplicates, 0 failed")
    # ingest finds the same absolute paths: nothing new; tom.docx failed in an earlier import
    r = run("ingest", work, "--db", db, "--no-tag", "--workers", 1, cwd="/")
    assert r.returncode == 1
    assert r.stderr.splitlines()[0].endswith(": 0 imported (0 pages), 3 unchanged, 0 duplicates, 0 skipped, 0 failed")
    assert r.stderr.splitlines()[1:] == ["Failed in an earlier import (1; --retry-failed tries them again):",
                                         f"  {work / 'tom.docx'}"]


def test_counts_read_in_the_right_number(tmp_path):
    (tmp_path / "aldre.txt").write_text(ALDRE, encoding="utf-8")
    r = run("parse", tmp_path / "aldre.txt", "--no-tag")
    assert r.returncode == 0 and r.stdout.splitlines()[1] == "1 attendee, 1 item"
    r = run("load", tmp_path / "aldre.txt", "--db", tmp_path / "p.db", "--no-tag")
    assert r.stderr.startswith("1 file in ")
    assert r.stderr.endswith(": 1 imported (0 pages), 0 unchanged, 0 duplicates, 0 failed\n")
    r = run("export", tmp_path / "p.db", "-o", tmp_path / "r.csv")
    assert r.stderr == f"1 row written to {tmp_path / 'r.csv'}\n"


# --------------------------------------------------------------------------- export


def test_body_matches_in_any_case_and_nothing_matched_is_said(db_file):
    lsvo = run("export", db_file, "--body", "LSVO", "--json")
    assert lsvo.returncode == 0 and len(json.loads(lsvo.stdout)) > 10
    for spelling in ("lsvo", "Lsvo"):
        assert run("export", db_file, "--body", spelling, "--json").stdout == lsvo.stdout
    for spelling in ("äldrenämnden", "ÄLDRENÄMNDEN", " Äldrenämnden "):
        rows = json.loads(run("export", db_file, "--body", spelling, "--json").stdout)
        assert [(r["body"], r["paragraph"], r["clause"]) for r in rows] == [
            ("Äldrenämnden", "§ 12", "att anta budgeten för 2025.")]
    r = run("export", db_file, "--body", "KS")
    assert r.returncode == 0 and r.stdout.lstrip("\ufeff").count("\n") == 1  # the header only
    assert r.stderr == ('Nothing matched: no meeting of the body "KS" (the bodies are: LSVO, '
                        "Samverkansgruppen, Äldrenämnden); the export has only the header.\n")
    r = run("export", db_file, "--body", "äldrenämnden", "--from", "2025-01-01", "--json")
    assert json.loads(r.stdout) == [] and r.stderr.startswith("Nothing matched: no decisions (body äldrenämnden, "
                                                              "from 2025-01-01)")


@pytest.mark.parametrize(("args", "message"), [
    (["-o", "register.txt"], "unknown extension .txt in register.txt"),
    (["-o", "register"], "no extension in register"),
    (["--json", "-o", "register.csv"], "register.csv names a .csv file but --json was given"),
    (["--xlsx", "-o", "register.json"], "register.json names a .json file but --xlsx was given"),
])
def test_an_unknown_or_contradicting_o_suffix_is_a_usage_error(db_file, tmp_path, args, message):
    r = run("export", db_file, *args, cwd=tmp_path)
    assert r.returncode == 2 and message in r.stderr and "Traceback" not in r.stderr
    assert list(tmp_path.iterdir()) == []


def test_xlsx_is_never_written_to_a_terminal(db_file, tmp_path):
    master, slave = pty.openpty()
    try:
        r = subprocess.run([str(PROTOKOLL), "export", str(db_file), "--xlsx"], stdout=slave,
                           stderr=subprocess.PIPE, text=True, timeout=120)
        os.set_blocking(master, False)
        with contextlib.suppress(BlockingIOError, OSError):
            assert b"PK" not in os.read(master, 65536)
    finally:
        os.close(master)
        os.close(slave)
    assert r.returncode == 2 and "an .xlsx workbook is binary" in r.stderr
    r = run("export", db_file, "--xlsx", "-o", tmp_path / "r.xlsx")  # a file is fine
    assert r.returncode == 0 and (tmp_path / "r.xlsx").read_bytes()[:2] == b"PK"


# --------------------------------------------------------------------------- corrupt files


def _corrupt_files(folder: Path, samples=ROOT / "samples") -> dict[str, bytes]:
    docx = (samples / "aldras.docx").read_bytes()
    pdf = (samples / "aldras.pdf").read_bytes()
    z = zipfile.ZipFile(io.BytesIO(docx))
    member = z.getinfo("word/document.xml")
    crc = bytearray(docx)  # one byte of the compressed document.xml flipped
    crc[member.header_offset + 30 + len(member.filename) + len(member.extra) + 10] ^= 0xFF
    no_document = io.BytesIO()  # a Word package without its main part
    with zipfile.ZipFile(no_document, "w") as out:
        for info in z.infolist():
            if info.filename != "word/document.xml":
                out.writestr(info, z.read(info))
    wrong_types = io.BytesIO()  # content types that are XML but not a Word package's
    with zipfile.ZipFile(wrong_types, "w") as out:
        out.writestr("[Content_Types].xml", "<x/>")
        out.writestr("word/document.xml", "<w:document xmlns:w='http://schemas.openxmlformats.org/"
                                          "wordprocessingml/2006/main'><w:body><w:p>")
    stored = io.BytesIO()  # a zip archive whose member's bytes were overwritten after its checksum
    with zipfile.ZipFile(stored, "w", zipfile.ZIP_STORED) as out:
        out.writestr("2024/protokoll.txt", ALDRE)
    stored = stored.getvalue().replace("budgeten".encode(), b"BUDGETEN")
    files = {
        "truncated.docx": docx[: len(docx) // 2],
        "truncated.pdf": pdf[: len(pdf) // 3],
        "random.pdf": os.urandom(6000),
        "pdf-header-then-random.pdf": b"%PDF-1.7\n" + os.urandom(6000),
        "empty.pdf": b"",
        "crc.docx": bytes(crc),
        "no-document.docx": no_document.getvalue(),
        "wrong-types.docx": wrong_types.getvalue(),
        "overwritten.zip": stored,
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return files


EXCEPTION_NAMES = sorted(
    {name for name, value in vars(builtins).items() if isinstance(value, type) and issubclass(value, BaseException)}
    | {"BadZipFile", "BadZipfile", "LargeZipFile", "PdfiumError", "XMLSyntaxError", "ParseError", "error:",
       "Errno", "Traceback", "Error -3", "PDFium:"})


def test_a_corrupt_files_reason_never_names_a_python_exception(tmp_path):
    archive = tmp_path / "arkiv"
    archive.mkdir()
    files = _corrupt_files(archive)
    r = run("ingest", archive, "--db", tmp_path / "p.db", "--no-tag", "--workers", 1)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    with contextlib.closing(sqlite3.connect(tmp_path / "p.db")) as db:
        reasons = dict(db.execute("SELECT path, error FROM documents WHERE status = 'failed'"))
    # every file fails (a .pdf claims to be a document); the zip archive's member on its own path
    assert {Path(p.split("!")[0]).name for p in reasons} == set(files), reasons
    assert str(archive / "overwritten.zip!2024/protokoll.txt") in reasons
    r = run("load", *sorted(archive.iterdir()), "--db", tmp_path / "load.db", "--no-tag")
    with contextlib.closing(sqlite3.connect(tmp_path / "load.db")) as db:
        loaded = dict(db.execute("SELECT path, error FROM documents WHERE status = 'failed'"))
    assert len(loaded) == len(files)  # load reads a .zip as a file: "a zip archive, not a document"
    texts = [run("text", archive / name).stderr for name in files if name != "overwritten.zip"]
    for reason in [*reasons.values(), *loaded.values(), *texts, r.stderr]:
        assert reason.strip()
        assert not [name for name in EXCEPTION_NAMES if name in reason], reason
    by_name = {Path(p.split("!")[0]).name: reason for p, reason in reasons.items()}
    assert by_name["crc.docx"] == "not a readable Word document: compressed data inside the file is damaged"
    assert by_name["overwritten.zip"] == ("cannot read the archive member: a damaged part (2024/protokoll.txt): "
                                          "its checksum does not match")
    assert by_name["truncated.pdf"] == "a damaged PDF (truncated, or overwritten in part), or not a PDF at all"
    assert by_name["no-document.docx"] == "an Office file that is not a Word document (no word/document.xml)"
    assert by_name["wrong-types.docx"] == "not a readable Word document: its parts are not those of a Word document"
    assert by_name["empty.pdf"] == "the file is empty (0 bytes)"


# --------------------------------------------------------------------------- exit codes


@pytest.mark.parametrize("command", COMMANDS)
def test_every_help_lists_the_exit_codes(command):
    from click.testing import CliRunner

    from protokoll.cli import cli

    r = CliRunner().invoke(cli, [command, "--help"], terminal_width=120)
    assert r.exit_code == 0
    codes = r.output.split("Exit codes")[1].splitlines()[1:]
    assert [line.split()[0] for line in codes if line.strip()] == ["0", "1", "2", "130", "141"]


def test_the_readme_lists_every_exit_code():
    section = (ROOT / "README.md").read_text(encoding="utf-8").split("## The commands")[1].split("\n## ")[0]
    rows = [line.split("|")[1].strip() for line in section.splitlines() if line.startswith("| ") and "|" in line[2:]]
    assert [r for r in rows if r.isdigit()] == ["0", "1", "2", "130", "141"]
    assert ". .venv/bin/activate" in section
