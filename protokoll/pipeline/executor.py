"""Where :func:`~protokoll.pipeline.process.convert` runs for each file of an import.

One small interface, so the writer (:mod:`.run`) does not care where files are read:

* ``size``: how many files may be in flight; ``idle()``: one more may be submitted now;
* ``submit(candidate)``, only when ``idle()``; ``results(wait)``: finished ``(candidate, Protocol | Failure)``
  pairs, waiting up to ``wait`` seconds for the first; ``busy``: files in flight;
* ``close()``; ``done_by``: files finished per worker name (a short name: ``pid1234``
  for a local worker process), for the progress line and ``protokoll status``.

:class:`Inline` runs each file in this process (``protokoll load``). :class:`LocalPool`
runs them in worker processes, on :class:`pebble.ProcessPool`, which gives the per-file
time limit, the replacement of a worker that was killed or died, and a fresh worker
after ``files_per_worker`` files. What pebble cannot do is kept here, small:

* a memory ceiling per file (RLIMIT_AS, set around each file, see :func:`_work`);
* each worker leads its own process group, and stopping it stops the group, so a
  killed worker's Tesseract or pdftoppm do not run on (:func:`_on_sigterm`, and the
  parent kills the group of a worker that timed out or died); a worker dies with its
  parent (PR_SET_PDEATHSIG);
* workers run :data:`WORKER_NICENESS` nicer than the parent (the only writer);
* each worker writes the stage it is entering (read, parse, tag) into a shared array,
  so a file whose worker was killed is recorded with the stage it was in.
"""

from __future__ import annotations

import concurrent.futures
import ctypes
import gc
import multiprocessing
import os
import signal
import threading
from typing import Protocol as Interface

import pebble

from protokoll import ingest
from protokoll.errors import ProtokollError, TimeLimitExceeded
from protokoll.pipeline import worker
from protokoll.pipeline.process import STAGES, Failure, convert
from protokoll.pipeline.walk import Candidate
from protokoll.records import Protocol

DEFAULT_TIMEOUT = 300.0  # seconds per file
DEFAULT_MAX_MEMORY = 4096  # MB of address space one file may take in a worker, beyond start-up
DEFAULT_FILES_PER_WORKER = 1000  # then the worker is replaced by a fresh fork
WORKER_NICENESS = worker.NICENESS


class Executor(Interface):
    size: int
    busy: int
    done_by: dict[str, int]

    def idle(self) -> bool: ...
    def submit(self, candidate: Candidate) -> None: ...
    def results(self, wait: float | None = None) -> list[tuple[Candidate, Protocol | Failure]]: ...
    def close(self) -> None: ...


class Inline:
    """Each file converted in this process as it is submitted."""

    size = 1

    def __init__(self, *, nlp=None, max_size: int = ingest.DEFAULT_MAX_SIZE, converter=None):
        self.nlp, self.max_size, self.converter = nlp, max_size, converter
        self.done_by = {f"pid{os.getpid()}": 0}
        self._done: list[tuple[Candidate, Protocol | Failure]] = []

    @property
    def busy(self) -> int:
        return len(self._done)

    def idle(self) -> bool:
        return True

    def submit(self, c: Candidate) -> None:
        self._done.append((c, convert(c.path, c.data, nlp=self.nlp, max_size=self.max_size, sha256=c.sha256,
                                      format=c.format, converter=self.converter)))
        self.done_by[f"pid{os.getpid()}"] += 1

    def results(self, wait: float | None = None) -> list[tuple[Candidate, Protocol | Failure]]:
        out, self._done = self._done, []
        return out

    def close(self) -> None:
        self._done = []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class LocalPool:
    """``workers`` processes (forked, so they start in milliseconds with this process's
    imports and spaCy pipeline), one file at a time each. A worker that runs past
    ``timeout`` or dies (segfault, killed) is replaced, and only its file fails."""

    def __init__(self, workers: int, *, timeout: float = DEFAULT_TIMEOUT,
                 max_memory_mb: int | None = DEFAULT_MAX_MEMORY, tag: bool = False,
                 max_size: int = ingest.DEFAULT_MAX_SIZE,
                 files_per_worker: int | None = DEFAULT_FILES_PER_WORKER, converter_address: str | None = None):
        self.size = max(1, workers)
        self.timeout = timeout
        self.files_per_worker = files_per_worker
        self.tag = tag
        self._ctx = multiprocessing.get_context("fork")
        self._stages = self._ctx.RawArray(ctypes.c_int, self.size)  # slot -> index into STAGES
        self._pids = self._ctx.RawArray(ctypes.c_int, self.size)  # slot -> the worker running it
        self._args = (self._stages, self._pids, max_memory_mb, tag, max_size, converter_address,
                      max(1, (os.cpu_count() or 1) // self.size))
        self._free = list(range(self.size))
        self._running: dict[concurrent.futures.Future, tuple[Candidate, int]] = {}
        self._pool: pebble.ProcessPool | None = None
        self.worker_pids: list[int] = []  # the worker that did each finished file, in order
        self.done_by: dict[str, int] = {}
        self._lock = threading.Lock()  # for convert(), called from several threads

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    @property
    def busy(self) -> int:
        return len(self._running)

    def idle(self) -> bool:
        return bool(self._free)

    def submit(self, c: Candidate) -> None:
        self._schedule(c)

    def _schedule(self, c: Candidate) -> concurrent.futures.Future:
        if self._pool is None:
            self._start()
        slot = self._free.pop()
        self._stages[slot], self._pids[slot] = 0, 0  # read, until the worker says otherwise
        future = self._pool.schedule(worker.work, (c.path, c.data, c.sha256, c.format, slot), timeout=self.timeout)
        self._running[future] = (c, slot)
        return future

    def convert(self, c: Candidate) -> Protocol | Failure:
        """One file, waited for: for callers with threads of their own (the cluster's worker
        plugin, one thread per slot). Thread-safe; ``c`` may come without its bytes (the
        worker reads them from its path)."""
        with self._lock:
            future = self._schedule(c)
        concurrent.futures.wait([future])
        with self._lock:
            if future not in self._running:  # the pool was closed meanwhile (the import ends)
                return Failure(c.path, "internal", "the worker's pool was closed while it read the file", "read")
            return self._finish(future)

    def _start(self) -> None:
        if self.tag:
            worker.load_nlp()  # once, here: every worker (and replacement) inherits it
        # Objects that exist now are never collected in the parent, and the garbage
        # collector of a worker does not write to them: their pages stay shared.
        gc.freeze()
        self._pool = pebble.ProcessPool(self.size, max_tasks=self.files_per_worker or 0,
                                        initializer=worker.init, initargs=self._args, context=self._ctx)

    def results(self, wait: float | None = None) -> list[tuple[Candidate, Protocol | Failure]]:
        if not self._running:
            return []
        done, _ = concurrent.futures.wait(self._running, timeout=wait,
                                          return_when=concurrent.futures.FIRST_COMPLETED)
        return [(self._running[future][0], self._finish(future)) for future in done]

    def _finish(self, future) -> Protocol | Failure:
        c, slot = self._running.pop(future)
        result = self._outcome(future, c.path, slot)
        pid = self._pids[slot]
        self.worker_pids.append(pid)
        if pid:
            self.done_by[f"pid{pid}"] = self.done_by.get(f"pid{pid}", 0) + 1
        self._free.append(slot)
        return result

    def _outcome(self, future, path: str, slot: int) -> Protocol | Failure:
        try:
            result = future.result()
        except concurrent.futures.TimeoutError:
            stage = STAGES[self._stages[slot]]  # the stage it was stuck in
            _kill_group(self._pids[slot])
            return Failure.from_error(path, TimeLimitExceeded(f"took longer than {self.timeout:g} s: stopped"), stage)
        except pebble.ProcessExpired as e:
            stage = STAGES[self._stages[slot]]  # where the worker was when it died
            _kill_group(self._pids[slot])
            code = e.exitcode
            how = f"signal {-code}" if code is not None and code < 0 else f"exit code {code}"
            if code == -signal.SIGKILL:
                how += ", out of memory?"
            return Failure(path, "crashed", f"the worker process died ({how})", stage)
        except Exception as e:  # a result that does not pickle
            return Failure.from_error(path, e, "parse")
        if isinstance(result, worker.InitFailed):
            raise ProtokollError(f"a worker could not start: {result.reason}",
                                 hint="check the installation (scripts/setup)")
        return result

    def close(self) -> None:
        if self._pool is None:
            return
        pool, self._pool = self._pool, None
        if self._running:  # interrupted: stop the files in flight
            pool.stop()
            for _c, slot in self._running.values():
                _kill_group(self._pids[slot])
            self._running.clear()
        else:
            pool.close()
        pool.join(10)
        if pool.active:
            pool.stop()
            pool.join()


def _kill_group(pid: int) -> None:
    """Kill what is left of a worker's process group (its OCR children)."""
    if pid > 0:
        try:
            os.killpg(pid, signal.SIGKILL)
        except OSError:  # nothing left
            pass
