"""``ingest --shard-by year|body``: a folder of databases, and ``serve``/``status``/``export``
of such a folder (issue 30).

Real files (the samples, three files of ``../shared/corpus/`` and a copy of one of them
at another path), real imports by the ``protokoll`` command, real SQLite, and a real
``protokoll serve`` process on loopback. One worker, as in ``test_table_hashes.py``, so
that a single database and the shards are filled in the same order.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from protokoll.background import free_port
from protokoll import pipeline, store
from protokoll.store import shards
from tablehash import VOLATILE, table_hashes

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
CORPUS = ROOT.parent / "shared" / "corpus"
CORPUS_FILES = ("lomma/KS_2025-01-22.txt", "lomma/KF-2024-05-30.txt", "hogsby/hogsby-ks-2007-01-08.pdf")
PROTOKOLL = str(Path(sys.executable).parent / "protokoll")

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus/ is not here (a clone without it)")


def run(*args, timeout=600) -> subprocess.CompletedProcess:
    return subprocess.run([PROTOKOLL, *map(str, args)], capture_output=True, text=True, timeout=timeout)


def ingest(*args) -> dict:
    done = run("ingest", *args, "--workers", "1", "--json", "-q")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def make_archive(folder: Path) -> Path:
    """The samples, three corpus files (two Kommunstyrelsen, of Lomma 2025 and Högsby 2007;
    a Kommunfullmäktige of 2024) and a copy of one of them at another path."""
    folder.mkdir(parents=True)
    for f in SAMPLES.iterdir():
        shutil.copy(f, folder / f.name)
    (folder / "corpus").mkdir()
    for name in CORPUS_FILES:
        shutil.copy(CORPUS / name, folder / "corpus" / Path(name).name)
    (folder / "copy").mkdir()
    shutil.copy(CORPUS / CORPUS_FILES[0], folder / "copy" / "ks.txt")
    return folder


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    return make_archive(tmp_path_factory.mktemp("shard") / "archive")


@pytest.fixture(scope="module")
def single(archive) -> Path:
    db = archive.parent / "single.db"
    ingest(archive, "--db", db)
    return db


@pytest.fixture(scope="module")
def by_year(archive) -> Path:
    folder = archive.parent / "by-year"
    summary = ingest(archive, "--db", folder, "--shard-by", "year")
    assert summary["imported"] == 13 and summary["duplicates"] == 1 and not summary["failed"]
    return folder


@pytest.fixture(scope="module")
def by_body(archive) -> Path:
    folder = archive.parent / "by-body"
    ingest(archive, "--db", folder, "--shard-by", "body")
    return folder


def shard_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.db"))


def tables(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        names = [n for (n,) in conn.execute("select name from sqlite_master where type in ('table', 'view')")]
    return sorted(n for n in names if not n.startswith(("sqlite_", "_")) and "_fts" not in n)


def rows(dbs: list[Path], table: str) -> list[str]:
    """Every row of ``table`` in ``dbs``, as sorted JSON, without the volatile columns."""
    out = []
    for db in dbs:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        cursor = conn.execute(f'select * from "{table}"')
        keep = [i for i, c in enumerate(cursor.description) if c[0] not in VOLATILE]
        out += [json.dumps([r[i] for i in keep], default=lambda b: b.hex(), ensure_ascii=False) for r in cursor]
        conn.close()
    return sorted(out)


def ids(dbs: list[Path], table: str) -> set[str]:
    found = set()
    for db in dbs:
        with sqlite3.connect(db) as conn:
            found |= {i for (i,) in conn.execute(f"select id from {table}")}
    return found


# --- the shards hold what one database holds -------------------------------------------


@pytest.mark.parametrize("layout", ["by_year", "by_body"])
def test_the_shards_together_hold_the_rows_of_one_database(layout, single, request):
    folder = request.getfixturevalue(layout)
    dbs = shard_files(folder)
    assert len(dbs) >= 3
    for table in tables(single):
        if table in ("people", "organisations"):
            # canonical people/organisations are shared by a database's documents: each
            # shard has those of its own documents, together exactly those of one database
            assert ids(dbs, table) == ids([single], table), table
            continue
        assert rows(dbs, table) == rows([single], table), table


def test_each_year_shard_holds_only_its_year(by_year):
    names = {db.stem for db in shard_files(by_year)}
    assert names == {"2007", "2024", "2025", "_undated"}  # no failure: no _failures.db
    for db in shard_files(by_year):
        with sqlite3.connect(db) as conn:
            dates = {d for (d,) in conn.execute("select date from meetings")}
        assert dates and all((d[:4] if d else "_undated") == db.stem for d in dates), (db.stem, dates)


def test_each_body_shard_holds_only_its_body(by_body):
    names = {db.stem for db in shard_files(by_body)}
    assert names == {"kommunstyrelsen", "kommunfullmaktige", "lsvo", "samverkansgruppen"}
    for db in shard_files(by_body):
        with sqlite3.connect(db) as conn:
            bodies = {b for (b,) in conn.execute("select body from meetings")}
        assert bodies and all(shards.slug(b) == db.stem for b in bodies), (db.stem, bodies)
    # a body is its name: the Kommunstyrelsen of Lomma and of Högsby share one shard
    with sqlite3.connect(by_body / "kommunstyrelsen.db") as conn:
        assert {d for (d,) in conn.execute("select date from meetings")} == {"2007-01-08", "2025-01-22"}


@pytest.mark.parametrize("layout", ["by_year", "by_body"])
def test_one_meeting_in_five_formats_is_one_meeting_in_one_shard(layout, request):
    folder = request.getfixturevalue(layout)
    db = folder / ("2024.db" if layout == "by_year" else "lsvo.db")
    with sqlite3.connect(db) as conn:
        lsvo = conn.execute("select m.id, count(*) from meetings m join meeting_sources s on s.meeting_id = m.id "
                            "where m.body = 'LSVO' group by m.id").fetchall()
    assert len(lsvo) == 1 and lsvo[0][1] == 5  # .docx .md .odt .pdf .rtf: one meeting
    for other in shard_files(folder):
        with sqlite3.connect(other) as conn:
            n = conn.execute("select count(*) from meetings where body = 'LSVO'").fetchone()[0]
        assert n == (1 if other == db else 0), other.name


def test_a_copy_at_another_path_is_a_path_of_the_document_in_its_shard(by_year, archive):
    with sqlite3.connect(by_year / "2025.db") as conn:
        paths = {p for (p,) in conn.execute("select path from document_paths")}
    assert {str(archive / "corpus" / "KS_2025-01-22.txt"), str(archive / "copy" / "ks.txt")} <= paths


def test_slugs_are_ascii_stable_and_apart_from_the_reserved_names():
    assert shards.slug("Barn- och utbildningsnämnden") == "barn-och-utbildningsnamnden"
    assert shards.slug("KOMMUNSTYRELSEN") == shards.slug(" Kommunstyrelsen ") == "kommunstyrelsen"
    assert shards.slug("Överförmyndarnämnden") == "overformyndarnamnden"
    long = shards.slug("Nämnden " * 20)
    assert len(long) <= shards.SLUG_MAX and long != shards.slug("Nämnden " * 21)
    assert shards.slug("§§") != shards.slug("§") and shards.slug("§").isascii()
    assert not any(shards.slug(b).startswith("_") for b in ("_x", "Undated", "-unknown", "§"))


# --- the guarantees of an import hold across the shards --------------------------------


def test_a_second_run_changes_nothing(by_year, archive):
    before = {db.name: table_hashes(db, {}) for db in shard_files(by_year)}
    summary = ingest(archive, "--db", by_year, "--shard-by", "year")
    assert summary["imported"] == 0 and summary["unchanged"] == 14 and summary["duplicates"] == 0
    assert {db.name: table_hashes(db, {}) for db in shard_files(by_year)} == before


def test_status_of_the_folder_sums_the_shards(by_year, by_body, single):
    want = json.loads(run("status", single, "--json").stdout)
    for folder in (by_year, by_body):
        done = run("status", folder, "--json")
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout) == want


def test_export_of_the_folder_is_the_register_of_one_database(by_year, by_body, single):
    want = run("export", single, "--csv", "--dialect", "rfc4180").stdout
    assert want.count("\n") > 50
    for folder in (by_year, by_body):
        assert run("export", folder, "--csv", "--dialect", "rfc4180").stdout == want


def test_an_import_killed_midway_continues(tmp_path, single):
    archive = make_archive(tmp_path / "archive")
    folder = tmp_path / "killed"
    p = subprocess.Popen([PROTOKOLL, "ingest", str(archive), "--db", str(folder), "--shard-by", "year",
                          "--workers", "1", "-q"], start_new_session=True,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and _documents(folder) < 3:
            time.sleep(0.2)
    finally:
        os.killpg(p.pid, signal.SIGKILL)  # the import and its workers, mid-run
        p.wait()
    done = _documents(folder)
    assert 3 <= done < 13
    summary = ingest(archive, "--db", folder, "--shard-by", "year")
    assert summary["imported"] == 13 - done  # what was committed before the kill is not read again
    dbs = shard_files(folder)
    for table in ("documents", "document_paths", "meetings", "meeting_sources", "items", "clauses", "quality"):
        want = sorted(r.replace(str(single.parent / "archive"), str(archive)) for r in rows([single], table))
        assert rows(dbs, table) == want, table


def _documents(folder: Path) -> int:
    n = 0
    for db in shard_files(folder) if folder.is_dir() else []:
        try:
            with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
                n += conn.execute("select count(*) from documents").fetchone()[0]
        except sqlite3.Error:
            pass
    return n


def test_a_failure_goes_to_the_failures_shard_and_retry_moves_it(tmp_path):
    archive = tmp_path / "archive"
    archive.mkdir()
    shutil.copy(SAMPLES / "lsvo-2024-12-13.rtf", archive)  # LibreOffice: longer than 0.2 s
    shutil.copy(CORPUS / CORPUS_FILES[0], archive)
    (archive / "broken.pdf").write_bytes(b"%PDF-1.4\ngarbage\n")
    folder = tmp_path / "f"
    done = run("ingest", archive, "--db", folder, "--shard-by", "year", "-w", "1", "--no-tag", "--timeout", "0.2",
               "--json", "-q")
    assert done.returncode == 1
    assert {Path(f["path"]).name for f in json.loads(done.stdout)["failed"]} == {"lsvo-2024-12-13.rtf", "broken.pdf"}
    assert {db.stem for db in shard_files(folder)} == {"2025", "_failures"}
    assert len(rows([folder / "_failures.db"], "documents")) == 2
    assert "lsvo-2024-12-13.rtf" in run("status", folder, "--failed").stdout
    done = run("ingest", archive, "--db", folder, "--shard-by", "year", "-w", "1", "--no-tag", "--json", "-q")
    assert json.loads(done.stdout)["failed_earlier"]  # not tried again without --retry-failed
    done = run("ingest", archive, "--db", folder, "--shard-by", "year", "-w", "1", "--no-tag", "--retry-failed",
               "--json", "-q")
    summary = json.loads(done.stdout)
    assert summary["imported"] == 1 and [Path(f["path"]).name for f in summary["failed"]] == ["broken.pdf"]
    with sqlite3.connect(folder / "_failures.db") as conn:
        assert [Path(p).name for (p,) in conn.execute("select path from documents")] == ["broken.pdf"]
    with sqlite3.connect(folder / "2024.db") as conn:
        assert conn.execute("select count(*) from documents where status = 'ok'").fetchone()[0] == 1


def test_a_path_whose_file_became_another_years_moves_shard_and_prune_forgets(tmp_path):
    archive = tmp_path / "archive"
    archive.mkdir()
    lomma = CORPUS / "lomma"
    shutil.copy(lomma / "KF-2022-01-27.txt", archive / "kf.txt")
    shutil.copy(lomma / "KF-2023-03-02.txt", archive / "other.txt")
    folder = tmp_path / "moved"
    ingest(archive, "--db", folder, "--shard-by", "year", "--no-tag")
    assert {db.stem for db in shard_files(folder)} == {"2022", "2023"}
    shutil.copy(lomma / "KF-2024-02-01.txt", archive / "kf.txt")  # the same path, now a 2024 protocol
    (archive / "other.txt").unlink()
    summary = ingest(archive, "--db", folder, "--shard-by", "year", "--no-tag", "--prune")
    assert summary["imported"] == 1 and summary["pruned"] == [str(archive / "other.txt")]
    counts = {db.stem: len(rows([db], "documents")) for db in shard_files(folder)}
    assert counts == {"2022": 0, "2023": 0, "2024": 1}  # a path belongs to one document in one shard


def test_an_import_keeps_only_open_max_shards_open(tmp_path):
    archive = tmp_path / "archive"
    archive.mkdir()
    for f in ("aldras.txt", "lsvo-2024-12-13.md"):
        shutil.copy(SAMPLES / f, archive)
    for name in CORPUS_FILES[:2]:
        shutil.copy(CORPUS / name, archive)
    shutil.copy(CORPUS / CORPUS_FILES[0], archive / "ks-copy.txt")
    one = store.open(tmp_path / "one.db")
    pipeline.import_archive([archive], one, workers=1, tag=False)
    one.close()
    folder = shards.Shards.create(tmp_path / "f", "body", open_max=1)
    summary = pipeline.import_archive([archive], folder, workers=1, tag=False)
    assert summary.imported == 4 and summary.duplicates == 1
    assert len(folder.dbs) == 1 and len(folder.names) == 4  # four shards written, one open
    folder.close()
    for table in ("documents", "document_paths", "meetings", "items", "clauses", "quality"):
        assert rows(shard_files(tmp_path / "f"), table) == rows([tmp_path / "one.db"], table), table


# --- one lock, clear errors ------------------------------------------------------------


def test_one_lock_for_the_whole_folder(tmp_path, archive):
    folder = tmp_path / "locked"
    shards.Shards.create(folder, "year")
    with pipeline.lock(folder / shards.MARKER):  # another import holds the folder
        done = run("ingest", archive / "aldras.txt", "--db", folder, "--shard-by", "year")
    assert done.returncode == 1
    assert "another import" in done.stderr and "folder of databases" in done.stderr
    assert str(folder) in done.stderr and "Traceback" not in done.stderr
    assert not shard_files(folder)


def test_usage_errors_are_one_line(tmp_path, by_year, archive):
    one = archive / "aldras.txt"
    cases = [
        (("--db", tmp_path / "x.db", "--shard-by", "year"), 2, "names a file"),
        (("--db", by_year), 2, "sharded by year: add --shard-by year"),
        (("--db", by_year, "--shard-by", "body"), 1, "sharded by year, not by body"),
        (("--db", tmp_path), 2, "is a folder"),
    ]
    (tmp_path / "loose.db").write_bytes(b"")
    cases.append((("--db", tmp_path, "--shard-by", "body"), 1, "no sharded import made"))
    for args, code, message in cases:
        done = run("ingest", one, *args)
        assert done.returncode == code and message in done.stderr, (args, done.stderr)
        assert "Traceback" not in done.stderr
        assert len([line for line in done.stderr.splitlines() if line.startswith("Error")]) == 1
    assert not (tmp_path / "x.db").exists()
    done = run("status", tmp_path / "no-such-folder-made")
    assert done.returncode == 2
    done = run("status", archive)
    assert done.returncode == 1 and "not a folder of databases" in done.stderr


# --- serve FOLDER ----------------------------------------------------------------------


def _get(url: str):
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.status, response.read().decode("utf-8", "replace")


def test_serve_folder_serves_every_shard_and_searches_them_all(by_year, archive):
    port = free_port()
    p = subprocess.Popen([PROTOKOLL, "serve", str(by_year), "--port", str(port), "--archive", str(archive)],
                         stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    try:
        assert "Serving" in p.stderr.readline()
        base = f"http://127.0.0.1:{port}"
        _status, home = _get(base + "/")
        for name in ("2007", "2024", "2025", "_undated"):
            assert f'href="/{name}/decision_register"' in home
            status, page = _get(f"{base}/{name}/meetings.json?_shape=array")
            assert status == 200 and json.loads(page)
        assert 'action="/-/sok"' in home
        # "samverkan": the LSVO meeting (2024) and the undated Samverkansgruppen's
        _status, found = _get(base + "/-/sok.json?" + urllib.parse.urlencode({"q": "samverkan", "size": 100}))
        found = json.loads(found)
        hits = found["rows"]
        assert {h["database"] for h in hits} == {"2024", "_undated"} and found["count"] == len(hits)
        dates = [h["date"] for h in hits]
        assert dates == sorted(dates, key=lambda d: (d is not None, d or ""), reverse=True)  # newest, undated last
        for hit in (hits[0], hits[-1]):
            status, page = _get(base + hit["item_url"])
            assert status == 200 and hit["item_id"] in page
        _status, html = _get(base + "/-/sok?q=samverkan")
        assert 'href="/_undated/items/' in html and 'href="/2024/items/' in html
        assert "/-/source/2024/" in html  # source links name the hit's own database
        status, _ = _get(f"{base}/-/source/2024/{hits[0]['document_id']}")
        assert status == 200
    finally:
        p.send_signal(signal.SIGINT)
        p.wait(timeout=30)
