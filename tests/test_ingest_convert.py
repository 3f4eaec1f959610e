"""The long-running LibreOffice converter: one process serves many files, in many processes."""

from __future__ import annotations

import os
import subprocess
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from protokoll import ingest
from protokoll.errors import ConversionFailed
from protokoll.ingest import convert, shared

pytestmark = pytest.mark.slow


def _live(marker: str) -> list[int]:
    """Pids of running processes whose command line contains ``marker``."""
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            cmd = Path("/proc", entry, "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
            state = Path("/proc", entry, "stat").read_text().split(") ", 1)[1][:1]
        except OSError:
            continue
        if marker in cmd and state != "Z":
            pids.append(int(entry))
    return pids


def test_one_converter_serves_many_files(samples, tmp_path):
    c = convert.Converter()
    try:
        for i, name in enumerate(["aldras.doc", "lsvo-2024-12-13.odt", "lsvo-2024-12-13.rtf", "aldras.doc"]):
            dst = tmp_path / f"{i}.docx"
            c.convert(samples / name, dst)
            assert dst.read_bytes()[:2] == b"PK"
            if i == 0:
                helper = c._proc.pid
            assert c._proc.pid == helper  # the same LibreOffice, not one per file
        assert c.usable is True
    finally:
        c.close()
    assert c._proc is None


def test_close_stops_libreoffice(samples, tmp_path):
    c = convert.Converter()
    c.convert(samples / "lsvo-2024-12-13.rtf", tmp_path / "x.docx")
    marker = f"protokoll-{os.getpid()}-{id(c)}"
    assert _live(marker), "LibreOffice should be running with the converter's pipe name"
    c.close()
    deadline = time.monotonic() + 20
    while _live(marker) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _live(marker)


def test_a_warmed_service_starts_libreoffice_before_the_first_file(samples, tmp_path):
    """Service.warm (an import whose files LibreOffice will convert): LibreOffice starts in
    the background at once; a file sent meanwhile waits for it; closing stops it."""
    with shared.Service() as service:
        marker = f"protokoll-{os.getpid()}-{id(service.local)}"
        service.warm()
        deadline = time.monotonic() + 60
        while not _live(marker) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _live(marker), "no LibreOffice started without a file"
        shared.Remote(service.address).convert(samples / "lsvo-2024-12-13.rtf", tmp_path / "x.docx")
        assert (tmp_path / "x.docx").read_bytes()[:2] == b"PK"
    deadline = time.monotonic() + 20
    while _live(marker) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _live(marker)


def test_no_fork_while_a_subprocess_starts():
    """Regression (an import hung in 1 run of 6 once LibreOffice started at once): a pool's
    worker forked while a thread started a subprocess kept the pipe ``subprocess`` waits on
    until the new program starts, so the starting thread waited for that worker, which
    waited for LibreOffice. Every fork now waits while convert starts a subprocess."""
    import threading

    forked = threading.Event()

    def fork():
        pid = os.fork()
        if pid == 0:
            os._exit(0)
        os.waitpid(pid, 0)
        forked.set()

    with convert._SPAWNING:  # as convert._spawn holds it while a program starts
        thread = threading.Thread(target=fork)
        thread.start()
        assert not forked.wait(0.5), "a fork went ahead while a subprocess was being started"
    assert forked.wait(10)
    thread.join()


def test_a_service_closed_while_warming_leaves_no_libreoffice():
    with shared.Service() as service:
        marker = f"protokoll-{os.getpid()}-{id(service.local)}"
        service.warm()
    deadline = time.monotonic() + 20
    while _live(marker) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _live(marker)


def test_a_file_libreoffice_cannot_open_is_conversion_failed(tmp_path):
    c = convert.Converter()
    try:
        with pytest.raises(ConversionFailed):
            c.convert(tmp_path / "does-not-exist.doc", tmp_path / "out.docx")
        # the converter survives a bad file and serves the next one
        src = tmp_path / "ok.rtf"
        src.write_bytes(rb"{\rtf1\ansi Kommunstyrelsen beslutar\par}")
        c.convert(src, tmp_path / "ok.docx")
        assert (tmp_path / "ok.docx").exists()
    finally:
        c.close()


def _read_in_worker(path: str) -> tuple[int, str]:
    doc = ingest.read(path)
    return os.getpid(), doc.text


def test_worker_processes_convert_in_parallel_and_clean_up(samples):
    files = [str(samples / n) for n in ("aldras.doc", "lsvo-2024-12-13.odt", "lsvo-2024-12-13.rtf")] * 2
    with ProcessPoolExecutor(2) as pool:
        results = list(pool.map(_read_in_worker, files))
    assert all("Godkännande av dagordningen" in t or "Att utse André Jönsson" in t for _, t in results)
    workers = {pid for pid, _ in results}
    # Each worker had its own LibreOffice; when a worker ends, its helper sees end of input
    # and stops it: nothing is left behind.
    deadline = time.monotonic() + 30
    left = [p for w in workers for p in _live(f"protokoll-{w}-")]
    while left and time.monotonic() < deadline:
        time.sleep(0.3)
        left = [p for w in workers for p in _live(f"protokoll-{w}-")]
    assert not left


def test_falls_back_to_one_soffice_per_file_without_python3_uno(samples, tmp_path, monkeypatch):
    monkeypatch.setattr(convert, "UNO_PYTHON", str(tmp_path / "no-python-with-uno"))
    c = convert.Converter()
    c.convert(samples / "lsvo-2024-12-13.rtf", tmp_path / "out.docx")
    assert c.usable is False and c._proc is None
    text = ingest.read(tmp_path / "out.docx").text
    assert "1. Att utse André Jönsson" in text


def _convert_in_child(args: tuple[str, str, str]) -> int:
    address, src, dst = args
    shared.Remote(address).convert(Path(src), Path(dst))
    return os.getpid()


def test_forked_processes_inside_shared_use_this_processes_libreoffice(samples, tmp_path):
    """shared.Service: children send their files to the parent's one converter; its
    errors arrive as the same error classes; closing the service stops the LibreOffice."""
    import multiprocessing

    jobs = [(str(samples / n), str(tmp_path / f"{i}.docx"))
            for i, n in enumerate(["aldras.doc", "lsvo-2024-12-13.odt", "lsvo-2024-12-13.rtf"] * 2)]
    with shared.Service() as service:
        jobs = [(service.address, *job) for job in jobs]
        with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork")) as pool:
            children = set(pool.map(_convert_in_child, jobs))
            for child in children:  # alive still: none has a LibreOffice of its own
                assert not _live(f"protokoll-{child}-")
            with pytest.raises(ConversionFailed):
                pool.submit(_convert_in_child, (service.address, str(tmp_path / "missing.doc"),
                                                str(tmp_path / "x.docx"))).result()
        assert os.getpid() not in children and len(children) == 2
        assert all(Path(dst).read_bytes()[:2] == b"PK" for _, _, dst in jobs)
        parent = service.local
        assert isinstance(parent, convert.Converter) and parent._proc is not None  # the only LibreOffice
        marker = f"protokoll-{os.getpid()}-{id(parent)}"
        assert _live(marker)
    deadline = time.monotonic() + 20
    while _live(marker) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _live(marker)


def test_the_shared_libreoffice_stops_when_idle_and_starts_again_on_demand(samples, tmp_path):
    """An archive's .doc files are often all in its oldest folders: LibreOffice (~200 MB)
    is stopped after ``idle`` seconds without a request, and the next request starts it."""
    import multiprocessing

    def wait_for(condition, seconds=30.0):
        deadline = time.monotonic() + seconds
        while not condition() and time.monotonic() < deadline:
            time.sleep(0.1)
        return condition()

    with shared.Service(idle=1.0) as service:
        parent = service.local
        marker = f"protokoll-{os.getpid()}-{id(parent)}"
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork")) as pool:
            pool.submit(_convert_in_child, (service.address, str(samples / "aldras.doc"),
                                            str(tmp_path / "1.docx"))).result()
            assert _live(marker)
            assert wait_for(lambda: not _live(marker)), "LibreOffice still runs after the idle time"
            pool.submit(_convert_in_child, (service.address, str(samples / "lsvo-2024-12-13.rtf"),
                                            str(tmp_path / "2.docx"))).result()
            assert _live(marker)  # started again for the new request
        assert (tmp_path / "2.docx").read_bytes()[:2] == b"PK"
    assert wait_for(lambda: not _live(marker))


def test_a_child_that_cannot_reach_the_shared_converter_uses_its_own(samples, tmp_path):
    remote = shared.Remote(str(tmp_path / "no-socket"))
    try:
        remote.convert(samples / "lsvo-2024-12-13.rtf", tmp_path / "out.docx")
        assert isinstance(remote._local, convert.Converter) and remote._local._proc is not None
    finally:
        remote.close()
    assert "1. Att utse André Jönsson" in ingest.read(tmp_path / "out.docx").text


def _dead_pid() -> int:
    """The pid of a process that has ended (and been reaped)."""
    p = subprocess.Popen(["true"])
    p.wait()
    return p.pid


def test_sweep_removes_what_dead_processes_left_and_nothing_else(tmp_path):
    dead, old = _dead_pid(), time.time() - 2 * convert.STALE_AFTER
    entries = {
        f"protokoll-lo-{dead}-abc": "removed",  # a profile of a killed process
        f"protokoll-conv-{dead}-def": "removed",  # a killed import's socket folder
        f"OSL_PIPE_{os.getuid()}_protokoll-{dead}-123": "removed",  # LibreOffice's pipe
        f"protokoll-lo-{os.getpid()}-ghi": "kept",  # ours: running
        f"protokoll-conv-{dead}-recent": "kept",  # too new to be sure
        f"protokoll-lo-x{dead}-jkl": "kept",  # not our naming
        "OSL_PIPE_0_SingleOfficeIPC_abc": "kept",  # someone else's LibreOffice
    }
    for name in entries:
        path = tmp_path / name
        if name.startswith("OSL_PIPE"):
            path.write_text("")
        else:
            path.mkdir()
            (path / "socket").write_text("")
        if "recent" not in name:
            os.utime(path, (old, old))
    removed = convert.sweep(str(tmp_path))
    assert sorted(Path(p).name for p in removed) == sorted(n for n, v in entries.items() if v == "removed")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(n for n, v in entries.items() if v == "kept")


def test_an_import_killed_with_sigkill_is_swept_by_the_next_one(samples, tmp_path):
    """kill -9 of an import as its LibreOffice starts: LibreOffice stops (its helper sees
    its parent gone), and the profile and socket folders it leaves behind are removed by
    the next import once they are old enough."""
    from test_bulk import PROTOKOLL

    tmp, archive = tmp_path / "tmp", tmp_path / "arkiv"
    tmp.mkdir()
    archive.mkdir()
    for name in ("aldras.doc", "lsvo-2024-12-13.odt", "lsvo-2024-12-13.rtf"):
        (archive / name).write_bytes((samples / name).read_bytes())
    env = {**os.environ, "TMPDIR": str(tmp)}
    cmd = [*PROTOKOLL, "ingest", str(archive), "--db", str(tmp_path / "a.db"), "--no-tag", "-w", "1", "-q"]
    p = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not list(tmp.glob(f"protokoll-lo-{p.pid}-*")) and time.monotonic() < deadline:
        time.sleep(0.05)
    p.kill()
    p.wait()
    gone = time.monotonic() + 30
    while _live(f"protokoll-{p.pid}-") and time.monotonic() < gone:
        time.sleep(0.1)
    assert not _live(f"protokoll-{p.pid}-"), "LibreOffice outlived the import killed with -9"
    left = list(tmp.glob(f"*protokoll-*{p.pid}-*"))
    assert {e.name.split("-")[1] for e in left if e.name.startswith("protokoll-")} == {"lo", "conv"}
    old = time.time() - 2 * convert.STALE_AFTER
    for e in left:
        os.utime(e, (old, old), follow_symlinks=False)
    done = subprocess.run([*cmd[:4], str(tmp_path / "b.db"), *cmd[5:]], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert not list(tmp.glob(f"*protokoll-*{p.pid}-*"))
