"""Issue 30: ``protokoll ingest --cluster`` on a real Dask scheduler and workers (loopback).

A module fixture starts ``dask scheduler`` and two ``dask worker --nthreads 1`` processes
(this virtualenv's Python, so the workers import this checkout) and kills their process
groups after. An import through them must equal a local import (``--workers 1``) table
for table (``tablehash.py``); so must an import whose worker is killed mid-file, and one
whose client is killed and run again. ``--no-tag`` keeps the imports short, except for the
test that tagging's spaCy pipeline is loaded once per worker.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import uuid
import zipfile
from pathlib import Path

import pytest
from distributed import Client

from protokoll.background import free_port
from protokoll import pipeline, store
from protokoll.errors import ClusterError, FileChanged
from protokoll.pipeline.walk import read_back
from protokoll.progress import Progress
from tablehash import table_hashes

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
BIN = Path(sys.executable).parent
PROTOKOLL = str(BIN / "protokoll")
ENV = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
SMALL = ("aldras.txt", "lsvo-2024-12-13.md", "aldras.docx", "lsvo-2024-12-13.docx")

pytestmark = pytest.mark.slow


def _start(args: list[str], log: Path) -> subprocess.Popen:
    # A worker holds only the files it runs (as the module docstring of cluster.py advises),
    # so a worker's death is blamed on the file it ran, not also on one waiting there.
    env = {**ENV, "DASK_DISTRIBUTED__SCHEDULER__WORKER_SATURATION": "1.0"}
    return subprocess.Popen([sys.executable, "-m", "dask", *args], stdout=log.open("wb"), stderr=subprocess.STDOUT,
                            env=env, start_new_session=True)


def _stop(procs) -> None:
    for p in procs:
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except OSError:
            pass
        p.wait()


@pytest.fixture(scope="module")
def scheduler(tmp_path_factory):
    """A scheduler and two workers of one thread on 127.0.0.1: its address."""
    logs = tmp_path_factory.mktemp("dask")
    address = f"tcp://127.0.0.1:{free_port()}"
    procs = [_start(["scheduler", "--host", "127.0.0.1", "--port", address.rsplit(":", 1)[1], "--no-dashboard"],
                    logs / "scheduler.log")]
    try:
        procs += [_start(["worker", address, "--nthreads", "1", "--no-dashboard"], logs / f"worker{i}.log")
                  for i in (1, 2)]
        _workers(address)
        yield address
    finally:
        _stop(procs)


def _workers(address: str, n: int = 2) -> None:
    """Wait until ``n`` workers have joined (a killed one is restarted by its nanny)."""
    with Client(address, timeout=30, set_as_default=False) as client:
        client.wait_for_workers(n, timeout=90)


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    """The samples (5 formats, a scanned PDF) and a zip read first, holding two of them,
    one inside a zip inside it: the workers read ``zip!member`` and ``zip!zip!member``."""
    folder = tmp_path_factory.mktemp("archive")
    for p in SAMPLES.iterdir():
        (folder / p.name).write_bytes(p.read_bytes())
    inner = folder / "inner.zip"
    with zipfile.ZipFile(inner, "w") as z:
        z.write(SAMPLES / "lsvo-2024-12-13.odt", "lsvo-2024-12-13.odt")
    with zipfile.ZipFile(folder / "0-bundle.zip", "w") as z:
        z.write(SAMPLES / "aldras.docx", "aldras.docx")
        z.write(inner, "inner.zip")
    inner.unlink()
    return folder


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("small")
    for name in SMALL:
        (folder / name).write_bytes((SAMPLES / name).read_bytes())
    return folder


def _ingest(db: Path, folder: Path, *args: str, env=None, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run([PROTOKOLL, "ingest", str(folder), "--db", str(db), "-q", *args], capture_output=True,
                          text=True, env=env or ENV, timeout=600)
    if check:
        assert done.returncode == 0, done.stderr
    return done


def _popen(db: Path, folder: Path, *args: str, env=None) -> subprocess.Popen:
    return subprocess.Popen([PROTOKOLL, "ingest", str(folder), "--db", str(db), "-q", *args], env=env or ENV,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _hashes(db: Path, folder: Path) -> dict[str, str]:
    return table_hashes(db, {str(folder): "<archive>"})


def _diff(got: dict, want: dict) -> list[str]:
    return [f"{t}: {got.get(t)} != {want.get(t)}" for t in sorted(set(got) | set(want)) if got.get(t) != want.get(t)]


@pytest.fixture(scope="module")
def local(archive, tmp_path_factory) -> dict[str, str]:
    """The archive imported locally with one worker: the tables every cluster import must give."""
    db = tmp_path_factory.mktemp("local") / "local.db"
    _ingest(db, archive, "--workers", "1", "--no-tag")
    return _hashes(db, archive)


def _rows(db: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def _when_committed(db: Path, proc: subprocess.Popen, n: int = 1, limit: float = 300) -> None:
    """Wait until ``n`` documents are committed by the import ``proc``."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()
        try:
            if _rows(db, "SELECT count(*) FROM documents")[0][0] >= n:
                return
        except sqlite3.Error:
            pass
        time.sleep(0.1)
    raise AssertionError("no document committed in time")


def test_an_import_on_the_cluster_equals_a_local_one(scheduler, archive, local, tmp_path):
    db = tmp_path / "cluster.db"
    _ingest(db, archive, "--cluster", scheduler, "--no-tag")
    assert _diff(_hashes(db, archive), local) == []
    paths = {p for (p,) in _rows(db, "SELECT path FROM document_paths")}
    assert f"{archive}/0-bundle.zip!inner.zip!lsvo-2024-12-13.odt" in paths
    assert _rows(db, "SELECT path FROM documents WHERE path LIKE '%.odt'") == [
        (f"{archive}/0-bundle.zip!inner.zip!lsvo-2024-12-13.odt",)]  # read from the zip in the zip by a worker
    status = subprocess.run([PROTOKOLL, "status", str(db), "--workers", "--json"], capture_output=True, text=True)
    workers = json.loads(status.stdout)
    assert sum(w["files"] for w in workers) == 10 and all(w["files_per_second"] > 0 for w in workers)
    assert all(w["worker"].startswith("127.0.0.1:") for w in workers)


def test_an_archive_given_as_a_url_is_walked_and_read_through_fsspec(scheduler, archive, local, tmp_path):
    """``file://`` stands for any fsspec filesystem (s3://, …): the client walks and hashes
    the URL, the workers read each file (and the zip members) through it again."""
    db = tmp_path / "url.db"
    url = f"file://{archive}"
    _ingest(db, url, "--cluster", scheduler, "--no-tag")
    assert _diff(table_hashes(db, {url: "<archive>"}), local) == []
    assert (f"{url}/0-bundle.zip!inner.zip!lsvo-2024-12-13.odt",) in _rows(db, "SELECT path FROM document_paths")
    again = _ingest(db, url, "--cluster", scheduler, "--no-tag", "--json")
    assert json.loads(again.stdout)["unchanged"] == 12  # the 10 samples and 2 zip members, known: nothing sent


@pytest.mark.parametrize("url, words", [("file:///no/such/archive", "no such file or folder"),
                                        ("nosuch://x/y", "cannot open this kind of URL")])
def test_a_bad_archive_url_is_one_line(tmp_path, url, words):
    done = subprocess.run([PROTOKOLL, "ingest", url, "--db", str(tmp_path / "x.db"), "--no-tag"],
                          capture_output=True, text=True, env=ENV, timeout=60)
    assert done.returncode == 1 and words in done.stderr and "Traceback" not in done.stderr, done.stderr


def test_a_worker_killed_mid_file_loses_nothing(scheduler, archive, local, tmp_path):
    _workers(scheduler)
    db = tmp_path / "cluster.db"
    proc = _popen(db, archive, "--cluster", scheduler, "--no-tag")
    _when_committed(db, proc)
    with Client(scheduler, timeout=30, set_as_default=False) as client:
        for _ in range(300):  # the worker that holds a file now
            busy = [w for w, keys in client.processing().items() if keys]
            if busy:
                break
            time.sleep(0.05)
        assert busy, "no file in flight"
        pid = client.run(os.getpid, workers=[busy[0]])[busy[0]]
        os.kill(pid, signal.SIGKILL)
    _out, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err
    assert _rows(db, "SELECT count(*) FROM documents WHERE status = 'failed'") == [(0,)]
    assert _diff(_hashes(db, archive), local) == []


def test_a_file_that_kills_every_worker_fails_with_a_reason(scheduler, small, tmp_path):
    """Dask's scheduler gives up on a file after its allowed-failures (3) + 1 workers died
    with it; a file that crashes the pool's process inside a worker fails as locally."""
    _workers(scheduler)
    hooks = {"PROTOKOLL_TEST_KILL_WORKER": "aldras.txt", "PROTOKOLL_TEST_CRASH_STAGE": "parse",
             "PROTOKOLL_TEST_ONLY": "lsvo-2024-12-13.md"}
    done = _ingest(tmp_path / "cluster.db", small, "--cluster", scheduler, "--no-tag", env={**ENV, **hooks},
                   check=False)
    assert done.returncode == 1, done.stderr
    failed = dict((Path(p).name, rest) for p, *rest in _rows(
        tmp_path / "cluster.db", "SELECT path, error_code, stage, error FROM documents WHERE status = 'failed'"))
    assert set(failed) == {"aldras.txt", "lsvo-2024-12-13.md"}, failed
    assert failed["aldras.txt"][0] == "crashed" and "killed 4 Dask workers in a row" in failed["aldras.txt"][2]
    assert f"Failed: {small}/aldras.txt: killed 4 Dask workers" in done.stderr
    env = {**ENV, "PROTOKOLL_TEST_CRASH_STAGE": "parse", "PROTOKOLL_TEST_ONLY": "lsvo-2024-12-13.md"}
    _ingest(tmp_path / "local.db", small, "--workers", "1", "--no-tag", env=env, check=False)
    assert _rows(tmp_path / "local.db", "SELECT error_code, stage, error FROM documents WHERE status = 'failed'") == [
        tuple(failed["lsvo-2024-12-13.md"])]
    assert _rows(tmp_path / "cluster.db", "SELECT count(*) FROM documents WHERE status = 'ok'") == [(2,)]


def test_a_killed_client_resumes(scheduler, archive, local, tmp_path):
    _workers(scheduler)
    db = tmp_path / "cluster.db"
    proc = _popen(db, archive, "--cluster", scheduler, "--no-tag")
    _when_committed(db, proc)
    proc.kill()
    proc.wait()
    done = _rows(db, "SELECT count(*) FROM documents")[0][0]
    assert done < 10
    _ingest(db, archive, "--cluster", scheduler, "--no-tag")
    assert _diff(_hashes(db, archive), local) == []


def _marked(mark: str) -> list[int]:
    """Processes whose environment holds ``mark`` (an import's and all it started)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if mark.encode() in (entry / "environ").read_bytes():
                    pids.append(int(entry.name))
            except OSError:
                pass
    return pids


def test_a_local_cluster_is_stopped_on_sigterm_resumes_and_equals_a_local_import(archive, local, tmp_path):
    db = tmp_path / "local-cluster.db"
    mark = f"CLUSTER_TEST_MARK={uuid.uuid4().hex}"
    env = {**ENV, mark.split("=")[0]: mark.split("=")[1]}
    proc = _popen(db, archive, "--cluster", "local", "--workers", "2", "--no-tag", env=env)
    _when_committed(db, proc)
    assert len(_marked(mark)) >= 5  # the client, 2 Dask workers, their pool processes
    proc.send_signal(signal.SIGTERM)
    _out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "Interrupted" in err and "Traceback" not in err
    time.sleep(1)
    assert _marked(mark) == []
    done = subprocess.run([PROTOKOLL, "ingest", str(archive), "--db", str(db), "--cluster", "local", "--workers", "2",
                           "--no-tag"], capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stderr
    assert int(re.search(r"(\d+) unchanged", done.stderr).group(1)) > 0  # resumed, not started again
    time.sleep(1)
    assert _marked(mark) == []
    assert _diff(_hashes(db, archive), local) == []


def test_a_local_cluster_dies_with_its_killed_import(archive, tmp_path):
    db = tmp_path / "killed.db"
    mark = f"CLUSTER_TEST_MARK={uuid.uuid4().hex}"
    proc = _popen(db, archive, "--cluster", "local", "--workers", "2", "--no-tag",
                  env={**ENV, mark.split("=")[0]: mark.split("=")[1]})
    _when_committed(db, proc)
    assert len(_marked(mark)) >= 5
    proc.kill()
    proc.wait()
    deadline = time.monotonic() + 15
    while _marked(mark) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _marked(mark) == []  # scheduler, nannies, workers, their pools and LibreOffice


def test_tagging_loads_spacy_once_per_worker(scheduler, small, tmp_path):
    _workers(scheduler)
    with Client(scheduler, timeout=30, set_as_default=False) as client:
        before = len(client.get_events("protokoll"))
    db = tmp_path / "tagged.db"
    _ingest(db, small, "--cluster", scheduler)
    with Client(scheduler, timeout=30, set_as_default=False) as client:
        loads = [msg for _t, msg in client.get_events("protokoll")[before:] if msg["event"] == "spacy-loaded"]
    assert len(loads) == 2 and len({m["worker"] for m in loads}) == 2, loads  # 4 files, 2 workers
    assert _rows(db, "SELECT count(*) FROM entities")[0][0] > 50


@pytest.mark.parametrize("address, code, words", [
    ("tcp://no-port", 2, "not a scheduler address"),
    ("http://127.0.0.1:8786", 2, "not a scheduler address"),
    ("tcp://127.0.0.1:99999", 2, "out of range"),
    ("tcp://127.0.0.1:{free}", 1, "cannot reach a Dask scheduler at"),
])
def test_cli_errors_are_one_line_and_fast(small, tmp_path, address, code, words):
    started = time.monotonic()
    done = _ingest(tmp_path / "x.db", small, "--cluster", address.format(free=free_port()), check=False)
    assert time.monotonic() - started < 10
    assert done.returncode == code and words in done.stderr and "Traceback" not in done.stderr
    assert len([line for line in done.stderr.splitlines() if line.startswith("Error:")]) == 1


def test_workers_are_set_on_the_worker_hosts(small, tmp_path):
    done = _ingest(tmp_path / "x.db", small, "--cluster", "tcp://127.0.0.1:8786", "--workers", "2", check=False)
    assert done.returncode == 2 and "dask worker --nthreads" in done.stderr


def test_no_worker_joining_is_an_error(tmp_path, small):
    address = f"tcp://127.0.0.1:{free_port()}"
    procs = [_start(["scheduler", "--host", "127.0.0.1", "--port", address.rsplit(":", 1)[1], "--no-dashboard"],
                    tmp_path / "scheduler.log")]
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", int(address.rsplit(":", 1)[1])), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        with pytest.raises(ClusterError, match="no worker joined"):
            pipeline.import_archive([small], store.open(tmp_path / "x.db"), cluster=address, cluster_wait=2)
    finally:
        _stop(procs)


def test_read_back_reads_members_of_nested_zips_and_urls_and_sees_changes(archive, tmp_path):
    member = f"{archive}/0-bundle.zip!inner.zip!lsvo-2024-12-13.odt"
    want = (SAMPLES / "lsvo-2024-12-13.odt").read_bytes()
    assert read_back(member) == want
    assert read_back(f"file://{archive}/0-bundle.zip!aldras.docx") == (SAMPLES / "aldras.docx").read_bytes()
    odd = tmp_path / "a!b.txt"  # a "!" in a file's own name is not a member
    odd.write_bytes(b"x")
    assert read_back(str(odd)) == b"x"
    with pytest.raises(FileChanged):
        read_back(member, sha256=hashlib.sha256(b"other bytes").hexdigest())


@pytest.mark.parametrize("shard", [False, True])
def test_a_local_import_reports_its_workers_by_pid(small, tmp_path, shard):
    db = tmp_path / ("folder" if shard else "local.db")
    _ingest(db, small, "--workers", "2", "--no-tag", *(["--shard-by", "year"] if shard else []))
    status = subprocess.run([PROTOKOLL, "status", str(db), "--workers", "--json"], capture_output=True, text=True)
    rows = json.loads(status.stdout)
    assert sum(r["files"] for r in rows) == len(SMALL) and all(re.fullmatch(r"pid\d+", r["worker"]) for r in rows)


def test_the_progress_line_shows_files_per_second_per_worker():
    progress = Progress(label="ingest")
    progress.workers = {"127.0.0.1:4001": 3, "127.0.0.1:4002": 1}
    line = progress.line()
    assert "127.0.0.1:4001 " in line and "127.0.0.1:4002 " in line and line.count("/s") == 3
