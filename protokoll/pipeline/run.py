"""The single writer: candidates in, one committed document (or failure) per file out.

    >>> from protokoll import store
    >>> from protokoll.pipeline import import_archive
    >>> summary = import_archive(["archive/"], store.open("protokoll.db"), workers=2)

:func:`import_archive` (``protokoll ingest``) walks folders and zips (:mod:`.walk`);
:func:`load_files` (``protokoll load``) takes the given files as they are, in this
process. Both go through :class:`Writer`: files whose sha256 the store already knows are
skipped before an executor (:mod:`.executor`) sees them; ``store.save`` /
``store.record_failure`` commit each document in its own transaction, so an interrupted
import (Ctrl-C, SIGTERM, kill -9) just continues where it stopped when run again.
:func:`lock` keeps a second import off the same database; ``prune`` forgets the stored
paths whose files are gone (:func:`vanished`).
"""

from __future__ import annotations

import dataclasses
import errno
import fcntl
import logging
import os
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Iterable

from protokoll import ingest, store
from protokoll.errors import CorruptFile, DatabaseBusy, DatabaseError, EmptyDocument, UnsupportedFormat, os_reason
from protokoll.ingest.convert import Converter
from protokoll.ingest.shared import Service
from protokoll.pipeline.executor import (
    DEFAULT_FILES_PER_WORKER, DEFAULT_MAX_MEMORY, DEFAULT_TIMEOUT, Executor, Inline, LocalPool,
)
from protokoll.pipeline.process import Failure
from protokoll.pipeline.prune import prune_paths, vanished  # noqa: F401 - vanished is public here
from protokoll.pipeline.walk import (
    Candidate, claims_document, is_url, iter_candidates, iter_files, read_files, select, will_convert,
)
from protokoll.progress import SILENT, Progress
from protokoll.records import Protocol
from protokoll.store import shards

TALLY_EVERY = 10.0  # seconds between two records of the files per worker

log = logging.getLogger("protokoll.pipeline")
log.addHandler(logging.NullHandler())  # silent unless the CLI turns logging on (-v, --log-json)


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
            "files": self.files, "imported": self.imported, "pages": self.pages, "unchanged": self.unchanged,
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


def import_archive(
    paths: Iterable[str | os.PathLike], db, *, workers: int | None = None, retry_failed: bool = False,
    timeout: float = DEFAULT_TIMEOUT, max_size: int = ingest.DEFAULT_MAX_SIZE,
    max_memory_mb: int | None = DEFAULT_MAX_MEMORY, tag: bool = True,
    files_per_worker: int | None = DEFAULT_FILES_PER_WORKER, progress: Progress = SILENT, prune: bool = False,
    cluster: str | None = None, cluster_wait: float | None = None,
) -> Summary:
    """Import every protocol under ``paths`` into ``db`` (a ``store.open`` database, or a
    ``store.shards.Shards`` folder), ``workers`` files at a time in a :class:`~.executor.LocalPool`,
    or on a Dask cluster: ``cluster`` is a scheduler's address (``tcp://host:port``) or
    ``"local"`` (a cluster of ``workers`` processes on this machine), see :mod:`.cluster`;
    ``cluster_wait``: seconds for the first worker to join (and without any worker mid-run).

    Safe to interrupt at any moment and to run again: each document is committed on its
    own and files already in the store (same sha256) are not read by a worker again.
    Ctrl-C (KeyboardInterrupt) stops the workers and returns with ``interrupted`` set.

    ``prune``: after a whole walk, forget the stored paths under ``paths`` whose files
    are gone (see :func:`vanished`); a document left without a path is deleted.
    """
    started = time.monotonic()
    writer = Writer(db, progress, retry_failed=retry_failed)
    skipped: list[tuple[str, str]] = []
    paths = [str(p) if is_url(p) else os.path.abspath(p) for p in paths]
    files = list(iter_files(paths, skipped))
    opened: set[str] = set()  # zip archives whose member list was read
    for p, reason in skipped:
        writer.skip(p, reason)
    progress.set_total(len(files))
    settings = dict(timeout=timeout, max_memory_mb=max_memory_mb, tag=tag, max_size=max_size,
                    files_per_worker=files_per_worker)
    try:
        convert = will_convert(files)
        with _executor(cluster, workers, cluster_wait, settings, convert) as pool:
            writer.run(iter_candidates(files, max_size=max_size, progress=progress, opened=opened), pool)
        if prune:
            prune_paths(db, writer, paths, files, skipped, opened)
    except KeyboardInterrupt:
        writer.summary.interrupted = True
    writer.summary.seconds = time.monotonic() - started
    return writer.summary


@contextmanager
def _executor(cluster: str | None, workers: int | None, cluster_wait: float | None, settings: dict,
              convert: bool = False):
    """The executor of an import; ``convert``: the walk found files that LibreOffice will
    convert (by their names), so the local pool's LibreOffice starts at once."""
    if cluster is not None:
        from protokoll.pipeline import cluster as dask_cluster

        wait = {} if cluster_wait is None else {"workers_timeout": cluster_wait}
        with dask_cluster.connect(cluster, workers=workers, **wait, **settings) as executor:
            yield executor
        return
    with Service() as service:  # one LibreOffice for all workers, run by this process
        if convert:
            service.warm()
        with LocalPool(workers or os.cpu_count() or 1, converter_address=service.address, **settings) as pool:
            yield pool


def load_files(files: Iterable[str | os.PathLike], db, *, tag: bool = True, progress: Progress = SILENT) -> Summary:
    """Import each of ``files`` as it is, in this process (``protokoll load``): no folder
    walked, no archive opened, nothing skipped by its content (a file that is not a
    protocol is a failure); bytes that failed before are tried again, and a file that
    cannot be read at all is named, not recorded."""
    started = time.monotonic()
    writer = Writer(db, progress, retry_failed=True, select=False, record_unread=False, record_workers=False)
    files = list(files)
    progress.set_total(len(files))
    try:
        nlp = _load_nlp() if tag else None
        converter = Converter()
        try:
            writer.run(read_files(files), Inline(nlp=nlp, converter=converter))
        finally:
            converter.close()
    except KeyboardInterrupt:
        writer.summary.interrupted = True
    writer.summary.seconds = time.monotonic() - started
    return writer.summary


def _load_nlp():
    from protokoll import nlp

    return nlp.load()


class Writer:
    """The one writer of an import: decides per candidate (known, duplicate, skipped or
    to convert), feeds an executor, and commits each result in a transaction of its own."""

    def __init__(self, db, progress: Progress = SILENT, *, retry_failed: bool = False, select: bool = True,
                 record_unread: bool = True, record_workers: bool = True):
        self.db, self.progress, self.summary = db, progress, Summary()
        self.dbs = shards.target(db)  # the database, or the shards of a folder (--shard-by)
        self.started, self.clock = store.now(), time.monotonic()
        self.retry_failed, self.select, self.record_unread = retry_failed, select, record_unread
        self.known = self.dbs.known()  # sha256 -> ok | failed
        self.paths_of = self.dbs.known_paths()  # sha256 -> its stored paths
        self.inflight: dict[str, list[str]] = {}  # sha256 -> other paths with the same bytes
        self.failed_now: dict[str, Failure] = {}  # sha256 -> its failure in this run
        self.seen: set[str] = set()  # every path the walk gave, read or not
        self.tallied = 0.0  # when the files per worker were last kept in the store
        self.record_workers = record_workers

    def tally(self, executor: Executor, *, now: bool = False) -> None:
        """Keep the files done per worker in the store (``protokoll status``), every
        :data:`TALLY_EVERY` seconds and at the end."""
        clock = time.monotonic()
        if not self.record_workers or (not now and clock - self.tallied < TALLY_EVERY):
            return
        self.tallied = clock
        seconds = clock - self.clock
        try:
            self.dbs.record_import({"started": self.started, "seconds": round(seconds, 3),
                                          "workers": dict(sorted(executor.done_by.items()))})
        except Exception as e:  # the counts are worth no failed import
            log.warning("could not record the files per worker: %s", e)

    def run(self, candidates: Iterable[Candidate | Failure], executor: Executor) -> None:
        done: list[tuple[Candidate, Protocol | Failure]] = []  # results to write once the workers are busy again
        if self.progress is not SILENT:
            self.progress.workers = executor.done_by  # files/s per worker in the progress line
        try:
            self._run(candidates, executor, done)
        finally:
            self.tally(executor, now=True)

    def _run(self, candidates, executor: Executor, done: list) -> None:
        for item in candidates:
            self.summary.files += 1
            self.seen.add(item.path)
            if isinstance(item, Failure):
                self.write(None, item)
                continue
            item = self.admit(item)
            if item is None:
                continue
            while True:
                # The writer's turn while every worker has a file: one result at a time,
                # with a look for a finished worker before each, so that a worker waits
                # for at most one commit, not for a whole batch and the next read. At
                # most executor.size results wait, however fast the workers are.
                done.extend(executor.results(wait=0))
                if executor.idle() and len(done) <= executor.size:
                    break
                if done:
                    self.write(*done.pop(0))
                    self.tally(executor)
                else:
                    done.extend(executor.results())
            self.inflight[item.sha256] = []
            executor.submit(item)
            log.debug("started %s", item.path, extra={"path": item.path, "status": "started"})
        for c, result in done:
            self.write(c, result)
        while executor.busy:
            for c, result in executor.results():
                self.write(c, result)
            self.tally(executor)

    def admit(self, item: Candidate) -> Candidate | None:
        """The candidate with its format when it is to be converted, else None (counted)."""
        sha = item.sha256
        status = self.known.get(sha)
        if sha in self.inflight:
            self.inflight[sha].append(item.path)
            return None
        if sha in self.failed_now and item.path not in self.paths_of.get(sha, ()):
            self.same_bytes(item.path, sha)
            return None
        if status == "failed" and self.retry_failed:
            status = None
        if status is not None and item.path not in self.paths_of.get(sha, ()):
            # known bytes at a new path; unless writing a file earlier in this run
            # deleted their document (this path was its only one): then import them
            if self.add_path(sha, item.path):
                self.summary.duplicates += 1
            else:
                status = None
        elif status == "ok":
            self.summary.unchanged += 1
        if status is not None:
            if status == "failed":
                self.summary.failed_earlier.append(item.path)
            self.progress.update(failed=int(status == "failed"))
            return None
        return self.typed(item)

    def typed(self, item: Candidate) -> Candidate | None:
        if not self.select:
            return item
        try:
            return dataclasses.replace(item, format=select(item))
        except (UnsupportedFormat, EmptyDocument, CorruptFile) as e:
            if claims_document(item):
                self.write(item, Failure.from_error(item.path, e, "read"))
            else:
                self.skip(item.path, e.reason)
                self.progress.update()
            return None

    def skip(self, path: str, reason: str) -> None:
        self.summary.skipped.append((path, reason))
        log.info("skipped %s: %s", path, reason, extra={"path": path, "status": "skipped"})

    def write(self, c: Candidate | None, result: Protocol | Failure) -> None:
        """Commit one result: the document, or the failure with the file's sha256."""
        path = c.path if c is not None else result.path
        if isinstance(result, Protocol):
            try:
                self.dbs.save(result, path)
            except Exception as e:  # a store error on one document must not stop the import
                result = Failure.from_error(path, e, "save")
        if isinstance(result, Failure):
            fmt = (c.format if self.select else c.suffix.lstrip(".") or None) if c is not None else result.format
            result = Failure(path, result.code, result.reason, result.stage,
                             c.sha256 if c is not None else result.sha256, fmt, c.size if c is not None else None)
            self.record(result)
        else:
            pages = result.source.pages or 0
            self.summary.imported += 1
            self.summary.pages += pages
            log.info("imported %s", path, extra={"path": path, "status": "ok", "pages": pages})
            self.progress.update(pages=pages)
        if c is None:
            return
        self.known[c.sha256] = "failed" if isinstance(result, Failure) else "ok"
        if isinstance(result, Failure):
            self.failed_now[c.sha256] = result
        self.paths_of.setdefault(c.sha256, set()).add(path)
        for other in self.inflight.pop(c.sha256, []):
            self.same_bytes(other, c.sha256)

    def record(self, f: Failure) -> None:
        if f.sha256 is not None or self.record_unread:
            sha = f.sha256 or store.unread_sha256(f.path)
            self.dbs.record_failure(path=f.path, sha256=sha, format=f.format, error=f, stage=f.stage, size=f.size)
        self.failed(f)

    def failed(self, result: Failure) -> None:
        self.summary.failed.append(result)
        log.warning("failed %s: %s (%s, %s)", result.path, result.reason, result.stage, result.code,
                    extra={"path": result.path, "status": "failed", "stage": result.stage, "code": result.code})
        self.progress.update(failed=1)

    def same_bytes(self, path: str, sha: str) -> None:
        """Another path with bytes this run has already written: one document, both paths.
        If those bytes failed in this run, this path failed too, and says why."""
        self.add_path(sha, path)
        if sha in self.failed_now:
            self.failed(dataclasses.replace(self.failed_now[sha], path=path))
        else:
            self.summary.duplicates += 1
            self.progress.update()

    def add_path(self, sha: str, path: str) -> bool:
        """``path`` now holds the bytes ``sha``. A document that lost its last path to it is
        deleted by the store: forget its sha256, so a later file with those bytes in this
        run is imported again instead of being counted as a duplicate of nothing. Returns
        False, and forgets ``sha``, when no document holds those bytes any more (a save or a
        failure earlier in this run took its last path)."""
        try:
            gone_now = self.dbs.add_path(sha, path)
        except KeyError:
            self.known.pop(sha, None)
            self.paths_of.pop(sha, None)
            return False
        for gone in gone_now:
            self.known.pop(gone, None)
            self.paths_of.pop(gone, None)
        self.paths_of.setdefault(sha, set()).add(path)
        return True
