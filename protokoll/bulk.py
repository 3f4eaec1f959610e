"""Bulk import of whole archives: walk, select, a pool of workers, one writer.

    >>> from protokoll import bulk, store
    >>> db = store.open("protokoll.db")
    >>> summary = bulk.import_archive(["archive/"], db)
    >>> summary.exit_code

The parts, in the order a file meets them:

* :func:`iter_files` walks folders recursively (symlinks followed, loops refused) and
  :func:`iter_candidates` reads each file once, opening ``.zip`` archives in memory
  (nothing is ever extracted to disk, and member names with ``..`` are refused).
* :func:`select` decides by content (``ingest.detect``) whether a file is a protocol;
  other files are *skipped* with a reason, except files whose name claims a document
  format: those are *failures* (an HTML page named ``.pdf`` is a broken protocol).
* Files whose sha256 the store already knows are skipped without starting a worker.
* :class:`Pool` runs :func:`convert` — a pure function from (path, bytes) to a
  picklable :class:`~protokoll.records.Protocol` or :class:`Failure` — in worker
  processes, each with a memory ceiling and a per-file time limit (a stuck worker is
  killed and replaced). Each worker writes the stage it is entering (read, parse, tag)
  into a shared integer, so a file whose worker is killed or dies is recorded with the
  stage it was in.
* The parent is the only writer: ``store.save`` / ``store.record_failure`` commit each
  document in its own transaction, so an interrupted import (Ctrl-C, SIGTERM, kill -9)
  just continues where it stopped when run again.

:func:`lock` keeps a second import off the same database.
"""

from __future__ import annotations

import ctypes
import dataclasses
import errno
import fcntl
import gc
import hashlib
import io
import logging
import multiprocessing
import multiprocessing.connection
import os
import pickle
import signal
import stat
import time
import traceback
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from protokoll import ingest, pipeline
from protokoll.errors import (
    CorruptFile,
    DatabaseBusy,
    DatabaseError,
    DecompressionBomb,
    EmptyDocument,
    FileTooLarge,
    ProtokollError,
    TimeLimitExceeded,
    UnreadableFile,
    UnsupportedFormat,
    describe,
    os_reason,
)
from protokoll.ingest.convert import converter, shared
from protokoll.ingest.detect import detect, zip_members
from protokoll.ingest.safezip import MAX_RATIO, SMALL
from protokoll.progress import SILENT, Progress
from protokoll.records import Protocol

log = logging.getLogger("protokoll.bulk")
log.addHandler(logging.NullHandler())  # silent unless the CLI turns logging on (-v, --log-json)

DEFAULT_TIMEOUT = 300.0  # seconds per file
DEFAULT_MAX_MEMORY = 4096  # MB of address space one file may take in a worker, beyond start-up
DEFAULT_FILES_PER_WORKER = 1000  # then the worker is replaced by a fresh fork (see Pool)
EXIT_OUT_OF_MEMORY = 3  # a worker's exit code when it could not even take a file in
# Workers run this much nicer than the parent. The parent is the import's only writer: when
# the workers take both cores, it waits for CPU, the workers then wait for it to hand out
# the next file, and cores stand idle. With the writer first, 2 workers keep 2 cores busy.
WORKER_NICENESS = 10
MAX_ZIP_DEPTH = 3  # zip inside zip inside zip

# Names that claim to be a protocol: when their content is not one, that is a failure
# (recorded in the database), not a file to skip quietly.
DOCUMENT_SUFFIXES = {".pdf", ".docx", ".doc", ".odt", ".rtf", ".txt", ".md", ".markdown"}
TEXT_SUFFIXES = {"", ".txt", ".text", ".md", ".markdown"}

# The stages a worker goes through for one file, in order (pipeline.process's on_stage).
STAGES = ("read", "parse", "tag")
_STAGE_INDEX = {name: i for i, name in enumerate(STAGES)}

# Which stage a failure happened in, from the module that raised it.
_STAGE_MODULES = (
    ("protokoll.ingest", "read"),
    ("protokoll.parsers", "parse"),
    ("protokoll.nlp", "tag"),
)


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class Failure:
    """Why one file could not be imported: picklable, stored by ``store.record_failure``."""

    path: str
    code: str  # ProtokollError.code, or internal / memory / crashed
    reason: str  # one line
    stage: str  # read | parse | tag | save
    sha256: str | None = None
    format: str | None = None
    size: int | None = None

    @classmethod
    def from_error(cls, path: str, e: BaseException, stage: str | None = None, **kw) -> "Failure":
        if isinstance(e, ProtokollError):
            return cls(path, e.code, e.reason, stage or e.stage or _stage_of(e), **kw)
        if isinstance(e, MemoryError):
            return cls(path, "memory", "ran out of memory (over the per-worker ceiling)", stage or _stage_of(e), **kw)
        stage = stage or _stage_of(e)
        if not isinstance(e, (OSError, EOFError)):  # the message hides the exception: log where it was
            logging.getLogger("protokoll.bulk").debug("%s failed in %s", path, stage, exc_info=e)
        return cls(path, "internal", describe(e), stage, **kw)


@dataclass(frozen=True)
class Candidate:
    """A file's bytes and where they came from (``zip!member`` for archive members)."""

    path: str
    data: bytes

    @property
    def suffix(self) -> str:
        return Path(self.path.rsplit("!", 1)[-1]).suffix.lower()


@dataclass
class Summary:
    """What an import did. ``exit_code`` is 0 when every protocol is in, else 1."""

    files: int = 0
    imported: int = 0
    pages: int = 0
    unchanged: int = 0
    duplicates: int = 0
    failed: list[Failure] = field(default_factory=list)
    failed_earlier: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    pruned: list[str] = field(default_factory=list)
    seconds: float = 0.0
    interrupted: bool = False

    @property
    def exit_code(self) -> int:
        return 1 if self.failed or self.failed_earlier or self.interrupted else 0

    def to_dict(self) -> dict:
        return {
            "files": self.files,
            "imported": self.imported,
            "pages": self.pages,
            "unchanged": self.unchanged,
            "duplicates": self.duplicates,
            "failed": [
                {"path": f.path, "stage": f.stage, "error_code": f.code, "error": f.reason} for f in self.failed
            ],
            "failed_earlier": self.failed_earlier,
            "skipped": [{"path": p, "reason": r} for p, r in self.skipped],
            "pruned": self.pruned,
            "seconds": round(self.seconds, 3),
            "files_per_second": round(self.files / self.seconds, 1) if self.seconds else None,
            "interrupted": self.interrupted,
        }


def _stage_of(e: BaseException) -> str:
    """read/parse/tag from the outermost frame of a stage's package in the traceback."""
    for frame, _ in traceback.walk_tb(e.__traceback__):
        module = frame.f_globals.get("__name__", "")
        for prefix, stage in _STAGE_MODULES:
            if module == prefix or module.startswith(prefix + "."):
                return stage
    return "read"


# --------------------------------------------------------------------------- walk


def iter_files(paths: Iterable[str | os.PathLike], skipped: list | None = None) -> Iterator[str]:
    """Every regular file under ``paths`` (files or folders), in a stable sorted order.

    Symlinks are followed; a folder reached twice (a symlink loop, or two links to
    one folder) is walked once and the repeat goes to ``skipped`` with a reason, as do
    folders that cannot be listed.
    """
    seen: set[tuple[int, int]] = set()
    skipped = [] if skipped is None else skipped

    def walk(folder: str) -> Iterator[str]:
        try:
            st = os.stat(folder)
        except OSError as e:
            skipped.append((folder, f"cannot open the folder: {e.strerror}"))
            return
        key = (st.st_dev, st.st_ino)
        if key in seen:
            skipped.append((folder, "folder already walked (symlink loop or second link)"))
            return
        seen.add(key)
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as e:
            skipped.append((folder, f"cannot list the folder: {e.strerror}"))
            return
        for entry in entries:
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if is_dir:
                yield from walk(entry.path)
            elif os.path.islink(entry.path) and not os.path.exists(entry.path):
                skipped.append((entry.path, "broken symlink"))
            else:
                yield entry.path

    for p in paths:
        p = os.path.abspath(p)
        if os.path.isdir(p):
            yield from walk(p)
        else:
            yield p


def iter_candidates(
    files: Iterable[str], *, max_size: int = ingest.DEFAULT_MAX_SIZE, progress: Progress = SILENT,
    opened: set[str] | None = None,
) -> Iterator[Candidate | Failure]:
    """Read each file once; yield its bytes, or the members of a ``.zip`` archive.

    Files that cannot be read (permission denied, removed meanwhile, over ``max_size``)
    come out as :class:`Failure` so they are recorded and the import goes on. Opening
    an archive adds its members to ``progress.total``, and its path (``zip!inner.zip``
    for one inside another) to ``opened``: its member list is complete.
    """
    opened = set() if opened is None else opened
    for path in files:
        try:
            st = os.stat(path)
            if not stat.S_ISREG(st.st_mode):
                raise UnreadableFile("not a regular file", path=path)
            if st.st_size > max_size and not path.lower().endswith(".zip"):
                raise FileTooLarge(f"{st.st_size:,} bytes is over the limit of {max_size:,}", path=path)
            with open(path, "rb") as f:
                head = f.read(8)
                if _zip_container(path, head, path):
                    with zipfile.ZipFile(f) as z:
                        yield from _members(z, path, max_size, progress, 1, opened)
                    continue
                data = head + f.read(max_size + 1 - len(head))
        except ProtokollError as e:
            yield Failure.from_error(path, e, "read")
            continue
        except zipfile.BadZipFile as e:
            yield Failure(path, CorruptFile.code, f"a broken zip archive: {describe(e)}", "read")
            continue
        except OSError as e:
            yield Failure(path, UnreadableFile.code, os_reason(e), "read")
            continue
        if len(data) > max_size:
            yield Failure(path, FileTooLarge.code, f"grew over the limit of {max_size:,} bytes while read", "read")
            continue
        yield Candidate(path, data)


def _zip_container(path: str, head: bytes, source) -> bool:
    """A zip archive of files (not a .docx/.odt, which are zips too). ``source``: a path or file."""
    if not head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return False
    if Path(path.rsplit("!", 1)[-1]).suffix.lower() in DOCUMENT_SUFFIXES:
        return False
    names = zip_members(source)
    if names is None:
        return False
    return not {"word/document.xml", "content.xml", "[Content_Types].xml"} & set(names)


def _members(z: zipfile.ZipFile, container: str, max_size: int, progress: Progress, depth: int, opened: set[str]):
    infos = [i for i in z.infolist() if not i.is_dir()]
    opened.add(container)
    if progress.total is not None:
        progress.set_total(progress.total + len(infos) - 1)
    for info in sorted(infos, key=lambda i: i.filename):
        path = f"{container}!{info.filename}"
        name = info.filename.replace("\\", "/")
        try:
            if name.startswith("/") or ".." in name.split("/") or name[1:2] == ":":  # C:/…
                raise CorruptFile(f"unsafe member name {info.filename!r} (points outside the archive): refused")
            if info.file_size > max_size:
                raise FileTooLarge(f"{info.file_size:,} bytes is over the limit of {max_size:,}")
            if info.file_size > SMALL and info.file_size / max(info.compress_size, 1) > MAX_RATIO:
                raise DecompressionBomb(
                    f"expands {info.file_size / info.compress_size:,.0f} times ({info.file_size:,} bytes)"
                )
            with z.open(info) as f:
                data = f.read(max_size + 1)
            if len(data) > max_size:
                raise DecompressionBomb(f"expands to more than the limit of {max_size:,} bytes")
        except ProtokollError as e:
            yield Failure.from_error(path, e, "read")
            continue
        except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, OSError, EOFError) as e:
            # RuntimeError: an encrypted member; NotImplementedError: an unknown compression.
            yield Failure(path, CorruptFile.code, f"cannot read the archive member: {describe(e)}", "read")
            continue
        if depth < MAX_ZIP_DEPTH and _zip_container(path, data[:8], io.BytesIO(data)):
            try:
                with zipfile.ZipFile(io.BytesIO(data)) as inner:
                    yield from _members(inner, path, max_size, progress, depth + 1, opened)
            except zipfile.BadZipFile as e:
                yield Failure(path, CorruptFile.code, f"a broken zip archive: {describe(e)}", "read")
            continue
        yield Candidate(path, data)


# --------------------------------------------------------------------------- select


def select(candidate: Candidate) -> str:
    """The format of a candidate that is a protocol, by content.

    Raises :class:`UnsupportedFormat`, :class:`EmptyDocument` or :class:`CorruptFile` with the
    reason otherwise. The caller records it as
    a failure when :func:`claims_document` is true, and as skipped when not.
    """
    fmt = detect(candidate.data, candidate.path)
    if fmt in ("txt", "md") and candidate.suffix not in TEXT_SUFFIXES:
        raise UnsupportedFormat(f"a text file named {candidate.suffix}, not a protocol", path=candidate.path)
    return fmt


def claims_document(candidate: Candidate) -> bool:
    return candidate.suffix in DOCUMENT_SUFFIXES


# --------------------------------------------------------------------------- workers


def convert(path: str, data: bytes, *, nlp=None, max_size: int = ingest.DEFAULT_MAX_SIZE,
            on_stage=None) -> Protocol | Failure:
    """The pure step each worker runs: file bytes → Protocol, or a Failure saying why.

    Nothing here touches the database or the file system beyond the stages' own
    converters, so it runs unchanged in a process pool or on a distributed engine.
    ``on_stage`` goes to :func:`protokoll.pipeline.process`.
    """
    try:
        return pipeline.process(path, data, nlp=nlp, max_size=max_size, on_stage=on_stage)
    except Exception as e:  # typed errors, MemoryError, and bugs: none may stop the import
        return Failure.from_error(path, e)


_worker_nlp = None


def _worker_init(max_memory_mb: int | None, tag: bool) -> None:
    """Once per worker: process group, memory ceiling, signals, converter and spaCy pipeline."""
    global _worker_nlp
    os.nice(WORKER_NICENESS)  # the writer goes first (see WORKER_NICENESS); Tesseract inherits it
    os.setpgrp()  # so a stuck worker is killed together with its Tesseract/pdftoppm children
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:  # die with the parent, even on kill -9
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    parent = multiprocessing.parent_process()
    if parent is not None and os.getppid() != parent.pid:  # it died before that: nothing to work for
        os._exit(1)
    converter()  # the import's shared LibreOffice (convert.shared), or this worker's own
    if tag and _worker_nlp is None:  # the parent could not load it: fail here, with the reason
        from protokoll import nlp

        _worker_nlp = nlp.load()
    if max_memory_mb:
        # The ceiling is what one file may take on top of the worker's start-up
        # footprint (interpreter, libraries, spaCy model: 150-300 MB of address space).
        import resource

        limit = _address_space() + max_memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _load_nlp() -> None:
    """Load the spaCy pipeline once in the parent, before the first worker is forked:
    every worker (and every replacement) inherits it instead of spending ~3 s of CPU
    loading its own. On an error the workers load it themselves and report why."""
    global _worker_nlp
    if _worker_nlp is None:
        from protokoll import nlp

        try:
            _worker_nlp = nlp.load()
        except Exception:
            pass


def _test_hook(environ=os.environ):
    """A test-only way to make a worker hang or crash in a given stage, or None.

    The real causes (a pathological file that makes tagging loop, a segfault in a C
    extension) cannot be produced on demand, so tests/test_bulk.py sets one of these
    environment variables, read once per worker:

    * ``PROTOKOLL_TEST_HANG_STAGE=read|parse|tag``: the worker sleeps forever on entering
      that stage (until the per-file time limit kills it);
    * ``PROTOKOLL_TEST_CRASH_STAGE=read|parse|tag``: the worker kills itself with SIGSEGV
      on entering that stage (core dumps off).

    Unset (always, outside tests) this returns None and costs nothing per file.
    """
    hang = environ.get("PROTOKOLL_TEST_HANG_STAGE")
    crash = environ.get("PROTOKOLL_TEST_CRASH_STAGE")
    if not hang and not crash:
        return None

    def hook(stage: str) -> None:
        if stage == hang:
            while True:
                time.sleep(3600)
        if stage == crash:
            import faulthandler
            import resource

            faulthandler.disable()  # pytest's, inherited by fork: no traceback dump in the output
            resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
            os.kill(os.getpid(), signal.SIGSEGV)

    return hook


def _worker_main(conn, others, stage, max_memory_mb: int | None, tag: bool, max_size: int,
                 ocr_processes: int = 1) -> None:
    for other in others:  # the parent's ends of the pipes (this one's too), copied by fork
        other.close()
    # This worker's share of the CPUs for Tesseract, unless the user set it: N workers
    # each running one Tesseract per CPU would run N times too many, each with a page image.
    os.environ.setdefault("PROTOKOLL_OCR_PROCESSES", str(ocr_processes))
    try:
        _worker_init(max_memory_mb, tag)
        conn.send(("ready", None))
    except BaseException as e:
        conn.send(("init-failed", Failure.from_error("", e, "tag" if tag else "read")))
        return
    try:
        _serve(conn, max_size, stage)
    except MemoryError:  # even receiving the file did not fit under the ceiling
        os._exit(EXIT_OUT_OF_MEMORY)
    except OSError:  # the parent is gone
        os._exit(1)


def _serve(conn, max_size: int, stage) -> None:
    """Convert files from ``conn`` until told to stop. ``stage``: a shared ``c_int`` the
    parent reads when this worker is killed or dies (an index into :data:`STAGES`)."""
    hook = _test_hook()

    def on_stage(name: str) -> None:
        stage.value = _STAGE_INDEX[name]  # shared memory: a store, no system call
        if hook is not None:
            hook(name)

    while True:
        try:
            task = conn.recv()
        except EOFError:
            task = None
        if task is None:
            converter().close()  # os._exit follows: atexit handlers do not run in workers
            return
        path, data = task
        result = convert(path, data, nlp=_worker_nlp, max_size=max_size, on_stage=on_stage)
        del task, data
        if isinstance(result, Failure) and result.code == "internal" and _at_ceiling():
            # C extensions short of memory raise SystemError & co. instead of MemoryError
            result = Failure(path, "memory", "ran out of memory (over the per-worker ceiling)", result.stage)
        try:
            conn.send(("done", result))
        except (pickle.PicklingError, TypeError, AttributeError) as e:  # a result that does not pickle
            conn.send(("done", Failure.from_error(path, e, "parse")))


def _at_ceiling(margin: int = 64 * 1024 * 1024) -> bool:
    """True when this process's address space is within ``margin`` bytes of RLIMIT_AS."""
    import resource

    limit = resource.getrlimit(resource.RLIMIT_AS)[0]
    if limit == resource.RLIM_INFINITY:
        return False
    return _address_space() > limit - margin


def _address_space() -> int:
    """This process's address space in bytes (what RLIMIT_AS limits)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


class _Worker:
    def __init__(self, ctx, args, others=()):
        self.conn, child = ctx.Pipe()
        # the worker closes the parent's ends it inherits, its own pipe's included: if the
        # parent dies, the worker reads end of file and exits (PR_SET_PDEATHSIG aside)
        others = [w.conn for w in others] + [self.conn]
        self.stage = ctx.RawValue(ctypes.c_int, 0)  # written by the worker, read on its death
        self.proc = ctx.Process(target=_worker_main, args=(child, others, self.stage, *args), daemon=True)
        self.proc.start()
        child.close()
        self.ready = False
        self.task = None  # the path while busy
        self.deadline = None
        self.files = 0  # files done

    def kill(self) -> None:
        if self.proc.is_alive():
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)  # the worker and what it started
            except OSError:  # not yet its own group
                self.proc.kill()
        self.proc.join()
        self.conn.close()


class Pool:
    """N worker processes running :func:`convert`, one file at a time each.

    Unlike :mod:`concurrent.futures`, a worker that runs past ``timeout`` or dies
    (segfault, out of memory) is killed and replaced, and only its file fails.

    A worker that has done ``files_per_worker`` files is retired (it finishes, closes
    its LibreOffice and exits) and a fresh one is forked from the parent: what a
    long-lived worker accumulates (spaCy's vocabulary and caches, pages of objects
    shared with the parent copied on write, LibreOffice's own growth) cannot grow with
    the size of the archive.
    """

    def __init__(self, workers: int, *, timeout: float = DEFAULT_TIMEOUT,
                 max_memory_mb: int | None = DEFAULT_MAX_MEMORY, tag: bool = False,
                 max_size: int = ingest.DEFAULT_MAX_SIZE,
                 files_per_worker: int | None = DEFAULT_FILES_PER_WORKER):
        self.size = max(1, workers)
        self.timeout = timeout
        self.files_per_worker = files_per_worker
        self._retiring: list[_Worker] = []
        self._args = (max_memory_mb, tag, max_size, max(1, (os.cpu_count() or 1) // self.size))
        # fork: a worker starts in milliseconds with the parent's imports; it closes what
        # it inherited from the parent except its own pipe (see _worker_main).
        self._ctx = multiprocessing.get_context("fork")
        self._workers: list[_Worker] = []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def idle(self) -> bool:
        """True when a task can be submitted now (starting a worker if needed)."""
        if any(w.task is None for w in self._workers):
            return True
        self._reap()
        if len(self._workers) < self.size:
            if self._args[1]:
                _load_nlp()
            # Objects that exist now are never collected in the parent, and the garbage
            # collector of a worker does not write to them: their pages stay shared.
            gc.freeze()
            self._workers.append(_Worker(self._ctx, self._args, self._workers + self._retiring))
            return True
        return False

    def _retire(self, w: _Worker) -> None:
        """Ask an idle worker to finish; :meth:`idle` starts a fresh one in its place."""
        self._workers.remove(w)
        try:
            w.conn.send(None)
        except OSError:  # already gone
            pass
        self._retiring.append(w)

    def _reap(self) -> None:
        """Collect retired workers that have exited (without waiting for the others)."""
        for w in list(self._retiring):
            if not w.proc.is_alive():
                w.proc.join()
                w.conn.close()
                self._retiring.remove(w)

    @property
    def busy(self) -> int:
        return sum(1 for w in self._workers if w.task is not None)

    def submit(self, path: str, data: bytes) -> None:
        w = next(w for w in self._workers if w.task is None)
        w.task = path
        w.stage.value = 0  # read: until the worker says otherwise (it is idle, so no race)
        w.deadline = None  # the clock starts once the worker is ready
        try:
            w.conn.send((path, data))
        except OSError:  # the worker died meanwhile: results() reports the file as crashed
            return
        if w.ready:
            w.deadline = time.monotonic() + self.timeout

    def results(self, wait: float | None = None) -> list[tuple[str, Protocol | Failure]]:
        """Finished (path, result) pairs; waits up to ``wait`` seconds for the first."""
        busy = [w for w in self._workers if w.task is not None]
        if not busy:
            return []
        now = time.monotonic()
        deadlines = [w.deadline for w in busy if w.deadline is not None]
        if deadlines:
            until = max(0.0, min(deadlines) - now)
            wait = until if wait is None else min(wait, until)
        multiprocessing.connection.wait([w.conn for w in busy] + [w.proc.sentinel for w in busy], wait)
        out = []
        for w in busy:
            result = self._poll(w)
            if result is not None:
                out.append(result)
        return out

    def _poll(self, w: _Worker):
        path = w.task
        try:
            while w.conn.poll():
                kind, value = w.conn.recv()
                if kind == "ready":
                    w.ready = True
                    w.deadline = time.monotonic() + self.timeout
                elif kind == "init-failed":
                    raise ProtokollError(f"a worker could not start: {value.reason}",
                                         hint="check the installation (scripts/setup), or import with --no-tag")
                else:
                    w.task = w.deadline = None
                    w.files += 1
                    if self.files_per_worker and w.files >= self.files_per_worker:
                        self._retire(w)
                    return path, value
        except (EOFError, OSError):
            pass
        if not w.proc.is_alive():
            code = w.proc.exitcode
            stage = STAGES[w.stage.value]  # where the worker was when it died
            self._replace(w)
            if code == EXIT_OUT_OF_MEMORY:
                return path, Failure(path, "memory", "ran out of memory (over the per-worker ceiling)", stage)
            how = f"signal {-code}" if code is not None and code < 0 else f"exit code {code}"
            if code == -signal.SIGKILL:
                how += ", out of memory?"
            return path, Failure(path, "crashed", f"the worker process died ({how})", stage)
        if w.deadline is not None and time.monotonic() > w.deadline:
            stage = STAGES[w.stage.value]  # read before the kill: the stage it was stuck in
            self._replace(w)
            e = TimeLimitExceeded(f"took longer than {self.timeout:g} s: stopped")
            return path, Failure.from_error(path, e, stage)
        return None

    def _replace(self, w: _Worker) -> None:
        w.kill()
        self._workers.remove(w)

    def close(self) -> None:
        for w in self._workers:
            if w.task is None and w.proc.is_alive():
                try:
                    w.conn.send(None)
                except OSError:
                    pass
        for w in self._workers:
            if w.task is not None:
                w.kill()
            else:
                w.proc.join(5)
                w.kill()
        for w in self._retiring:
            w.proc.join(5)
            w.kill()
        self._workers.clear()
        self._retiring.clear()


# --------------------------------------------------------------------------- lock


@contextmanager
def lock(db_path: str | os.PathLike):
    """Hold ``DB.lock`` for the length of an import; a second import gets DatabaseBusy.

    A POSIX lock on the file: the kernel drops it when the process ends however it
    ends (kill -9 included), so a lock is never stale; the file itself may stay.
    """
    lock_path = f"{os.fspath(db_path)}.lock"
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as e:
        raise DatabaseError(f"cannot make the lock file {lock_path}: {os_reason(e)}", path=db_path) from None
    try:
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as e:
            if e.errno not in (errno.EACCES, errno.EAGAIN):
                raise
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "?"
            raise DatabaseBusy(f"another import (pid {holder}) is writing to this database", path=db_path) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)


# --------------------------------------------------------------------------- import


def import_archive(
    paths: Iterable[str | os.PathLike],
    db,
    *,
    workers: int | None = None,
    retry_failed: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
    max_size: int = ingest.DEFAULT_MAX_SIZE,
    max_memory_mb: int | None = DEFAULT_MAX_MEMORY,
    tag: bool = True,
    files_per_worker: int | None = DEFAULT_FILES_PER_WORKER,
    progress: Progress = SILENT,
    prune: bool = False,
) -> Summary:
    """Import every protocol under ``paths`` into ``db`` (a ``store.open`` database).

    Safe to interrupt at any moment and to run again: each document is committed on its
    own and files already in the store (same sha256) are not read by a worker again.
    Ctrl-C (KeyboardInterrupt) stops the workers and returns with ``interrupted`` set.

    ``prune``: after a whole walk, forget the stored paths under ``paths`` whose files
    are gone (see :func:`vanished`); a document left without a path is deleted.
    """
    from protokoll import store

    started = time.monotonic()
    summary = Summary()
    known = store.known(db)
    paths_of = _known_paths(db)
    inflight: dict[str, list[str]] = {}  # sha256 -> other paths with the same bytes
    tasks: dict[str, tuple[str, str, int]] = {}  # path -> (sha256, format, size)
    done: list[tuple[str, Protocol | Failure]] = []  # results to write once the workers are busy again
    failed_now: dict[str, Failure] = {}  # sha256 -> its failure in this run

    def write(path: str, result: Protocol | Failure) -> None:
        sha, fmt, size = tasks.pop(path, (None, None, None))
        if isinstance(result, Protocol):
            try:
                store.save(db, result, path=path)
            except Exception as e:  # a store error on one document must not stop the import
                result = Failure.from_error(path, e, "save")
        if isinstance(result, Failure):
            result = Failure(path, result.code, result.reason, result.stage, sha or result.sha256,
                             fmt or result.format, size or result.size)
            _record_failure(db, result)
            failed(result)
        else:
            pages = result.source.pages or 0
            summary.imported += 1
            summary.pages += pages
            log.info("imported %s", path, extra={"path": path, "status": "ok", "pages": pages})
            progress.update(pages=pages)
        if sha is None:
            return
        known[sha] = "failed" if isinstance(result, Failure) else "ok"
        if isinstance(result, Failure):
            failed_now[sha] = result
        paths_of.setdefault(sha, set()).add(path)
        for other in inflight.pop(sha, []):
            same_bytes(other, sha)

    def failed(result: Failure) -> None:
        summary.failed.append(result)
        log.warning("failed %s: %s (%s, %s)", result.path, result.reason, result.stage, result.code,
                    extra={"path": result.path, "status": "failed", "stage": result.stage, "code": result.code})
        progress.update(failed=1)

    def same_bytes(path: str, sha: str) -> None:
        """Another path with bytes this run has already written: one document, both paths.
        If those bytes failed in this run, this path failed too, and says why."""
        _add_path(db, sha, path, paths_of, known)
        if sha in failed_now:
            failed(dataclasses.replace(failed_now[sha], path=path))
        else:
            summary.duplicates += 1
            progress.update()

    files_skipped: list[tuple[str, str]] = []
    paths = [os.path.abspath(p) for p in paths]
    files = list(iter_files(paths, files_skipped))
    seen: set[str] = set()  # every path the walk gave, read or not
    opened: set[str] = set()  # zip archives whose member list was read
    for p, reason in files_skipped:
        summary.skipped.append((p, reason))
        log.info("skipped %s: %s", p, reason, extra={"path": p, "status": "skipped"})
    progress.set_total(len(files))
    pool = Pool(workers or os.cpu_count() or 1, timeout=timeout, max_memory_mb=max_memory_mb, tag=tag,
                max_size=max_size, files_per_worker=files_per_worker)
    try:
        with shared(), pool:  # one LibreOffice for all workers, run by this process
            for item in iter_candidates(files, max_size=max_size, progress=progress, opened=opened):
                summary.files += 1
                seen.add(item.path)
                if isinstance(item, Failure):
                    write(item.path, item)
                    continue
                sha = hashlib.sha256(item.data).hexdigest()
                status = known.get(sha)
                if sha in inflight:
                    inflight[sha].append(item.path)
                    continue
                if sha in failed_now and item.path not in paths_of.get(sha, ()):
                    same_bytes(item.path, sha)
                    continue
                if status == "failed" and retry_failed:
                    status = None
                if status is not None and item.path not in paths_of.get(sha, ()):
                    # known bytes at a new path; unless writing a file earlier in this run
                    # deleted their document (this path was its only one): then import them
                    if _add_path(db, sha, item.path, paths_of, known):
                        summary.duplicates += 1
                    else:
                        status = None
                elif status == "ok":
                    summary.unchanged += 1
                if status is not None:
                    if status == "failed":
                        summary.failed_earlier.append(item.path)
                    progress.update(failed=int(status == "failed"))
                    continue
                try:
                    fmt = select(item)
                except (UnsupportedFormat, EmptyDocument, CorruptFile) as e:
                    if claims_document(item):
                        tasks[item.path] = (sha, None, len(item.data))
                        write(item.path, Failure.from_error(item.path, e, "read"))
                    else:
                        summary.skipped.append((item.path, e.reason))
                        log.info("skipped %s: %s", item.path, e.reason, extra={"path": item.path, "status": "skipped"})
                        progress.update()
                    continue
                while True:
                    # The writer's turn while every worker has a file: one result at a time,
                    # with a look for a finished worker before each, so that a worker waits
                    # for at most one commit, not for a whole batch and the next read. At
                    # most pool.size results wait, however fast the workers are.
                    done.extend(pool.results(wait=0))
                    if pool.idle() and len(done) <= pool.size:
                        break
                    if done:
                        write(*done.pop(0))
                    else:
                        done.extend(pool.results())
                tasks[item.path] = (sha, fmt, len(item.data))
                inflight[sha] = []
                pool.submit(item.path, item.data)
                log.debug("started %s", item.path, extra={"path": item.path, "status": "started"})
            for path, result in done:
                write(path, result)
            while pool.busy:
                for path, result in pool.results():
                    write(path, result)
        if prune:
            blocked = [p for p, _reason in files_skipped]
            for root in paths:
                if os.path.isdir(root) and not any(_under(f, root) for f in files):
                    summary.skipped.append((root, "the folder holds no files: nothing under it is pruned"))
                    blocked.append(root)
            stored = set().union(*_known_paths(db).values())  # documents' and failures' paths
            for path in vanished(stored, paths, seen, opened, blocked):
                store.remove_path(db, path)
                summary.pruned.append(path)
                log.info("pruned %s", path, extra={"path": path, "status": "pruned"})
    except KeyboardInterrupt:
        summary.interrupted = True
    summary.seconds = time.monotonic() - started
    return summary


def vanished(stored: Iterable[str], roots: list[str], seen: set[str], opened: set[str],
             blocked: list[str]) -> list[str]:
    """The ``stored`` paths whose files are gone, judged after a whole walk of ``roots``.

    A path is gone when it lies under a root (a folder, or a zip file for its members),
    the walk did not give it, nothing exists there, and it is not under a ``blocked``
    path (a folder that could not be listed, a root that held no files: an unmounted
    disk must not empty the database). An archive member is gone when its archive was
    read in this walk (``opened``) without it, or its archive is gone too; never while
    its archive is there but could not be read.
    """
    def gone(path: str) -> bool:
        if path in seen or any(_under(path, b) for b in blocked) or os.path.lexists(path):
            return False
        head = path
        while "!" in head:  # an archive member: look at its archive, then at that one's
            head = head.rsplit("!", 1)[0]
            if head in opened:
                return True
            if head in seen or os.path.lexists(head):
                return False
        return True

    return sorted(p for p in stored if any(_under(p, r) for r in roots) and gone(p))


def _under(path: str, base: str) -> bool:
    """``path`` is ``base``, in the folder ``base`` or a member of the archive ``base``."""
    return path == base or path.startswith((base + os.sep, base + "!"))


def _known_paths(db) -> dict[str, set[str]]:
    """sha256 -> every path the store has for it (documents.path and document_paths)."""
    out: dict[str, set[str]] = {}
    for sha, path in db.execute(
        "select sha256, path from documents where path is not null "
        "union select d.sha256, p.path from document_paths p join documents d on d.id = p.document_id"
    ):
        out.setdefault(sha, set()).add(path)
    return out


def _add_path(db, sha: str, path: str, paths_of: dict[str, set[str]], known: dict[str, str]) -> bool:
    """``path`` now holds the bytes ``sha``. A document that lost its last path to it is
    deleted by the store: forget its sha256, so a later file with those bytes in this
    run is imported again instead of being counted as a duplicate of nothing. Returns
    False, and forgets ``sha``, when no document holds those bytes any more (a save or a
    failure earlier in this run took its last path)."""
    from protokoll import store

    try:
        gone_now = store.add_path(db, sha, path)
    except KeyError:
        known.pop(sha, None)
        paths_of.pop(sha, None)
        return False
    for gone in gone_now:
        known.pop(gone, None)
        paths_of.pop(gone, None)
    paths_of.setdefault(sha, set()).add(path)
    return True


def _record_failure(db, f: Failure) -> None:
    """One ``documents`` row with status 'failed'; a file never read is keyed by its path."""
    from protokoll import store

    sha = f.sha256 or "unread:" + hashlib.sha256(f.path.encode("utf-8", "surrogateescape")).hexdigest()
    store.record_failure(db, path=f.path, sha256=sha, format=f.format, error=f, stage=f.stage, size=f.size)
