"""What runs inside a :class:`~protokoll.pipeline.executor.LocalPool` worker process.

The state of one worker (its spaCy pipeline, its converter, the shared stage array)
lives in this module's globals: it is set once by :func:`init`, pebble's initializer,
and read by :func:`work` for each file.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import multiprocessing.util
import os
import signal
import time
from dataclasses import dataclass

from protokoll.pipeline.process import STAGES, Failure, convert
from protokoll.pipeline.walk import read_back

# Workers run this much nicer than the parent. The parent is the import's only writer: when
# the workers take both cores, it waits for CPU, the workers then wait for it to hand out
# the next file, and cores stand idle. With the writer first, 2 workers keep 2 cores busy.
NICENESS = 10
_STAGE_INDEX = {name: i for i, name in enumerate(STAGES)}

_nlp = None  # loaded by the parent before forking (load_nlp), or by init
_state: dict = {}  # set by init: stages, pids, ceiling, max_size, converter, hook, error


@dataclass(frozen=True)
class InitFailed:
    """A worker's answer to every file when it could not start (the parent raises)."""

    reason: str


def load_nlp() -> None:
    """Load the spaCy pipeline once in the parent, before the first worker is forked:
    every worker (and every replacement) inherits it instead of spending ~3 s of CPU
    loading its own. On an error the workers load it themselves and report why."""
    global _nlp
    if _nlp is None:
        from protokoll import nlp

        try:
            _nlp = nlp.load()
        except Exception:
            pass


def nlp_loaded() -> bool:
    return _nlp is not None


def init(stages, pids, max_memory_mb: int | None, tag: bool, max_size: int, converter_address: str | None,
         ocr_processes: int) -> None:
    """Once per worker: process group, niceness, signals, converter, spaCy pipeline."""
    global _nlp
    os.nice(NICENESS)  # the writer goes first (see NICENESS); Tesseract inherits it
    os.setpgrp()  # so a stopped worker is stopped together with its Tesseract/pdftoppm children
    signal.signal(signal.SIGTERM, _on_sigterm)
    try:  # die with the parent, even on kill -9
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    parent = multiprocessing.parent_process()
    if parent is not None and os.getppid() != parent.pid:  # it died before that: nothing to work for
        os._exit(1)
    # This worker's share of the CPUs for Tesseract, unless the user set it: N workers
    # each running one Tesseract per CPU would run N times too many, each with a page image.
    os.environ.setdefault("PROTOKOLL_OCR_PROCESSES", str(ocr_processes))
    _state.update(stages=stages, pids=pids, max_size=max_size, hook=_test_hook(), error=None, ceiling=None)
    try:
        from protokoll.ingest import convert as conversion, shared

        converter = shared.Remote(converter_address) if converter_address else conversion.Converter()
        multiprocessing.util.Finalize(converter, converter.close, exitpriority=10)
        _state["converter"] = converter
        if tag and _nlp is None:  # the parent could not load it: fail here, with the reason
            from protokoll import nlp

            _nlp = nlp.load()
        _state["nlp"] = _nlp if tag else None  # loaded for an earlier pool of this process: not ours
    except Exception as e:
        _state["error"] = Failure.from_error("", e, "tag" if tag else "read").reason
    if max_memory_mb:
        # The ceiling is what one file may take on top of the worker's start-up
        # footprint (interpreter, libraries, spaCy model: 150-300 MB of address space).
        _state["ceiling"] = _address_space() + max_memory_mb * 1024 * 1024


def work(path: str, data: bytes | None, sha256: str, fmt: str | None, slot: int):
    """One file: :func:`convert` under the memory ceiling, telling the parent its stage.
    Without ``data`` the bytes are read from ``path`` here (:func:`.walk.read_back`), and
    must still have ``sha256``."""
    if _state["error"] is not None:
        return InitFailed(_state["error"])
    stages, hook = _state["stages"], _state["hook"]
    _state["pids"][slot] = os.getpid()

    def on_stage(name: str) -> None:
        stages[slot] = _STAGE_INDEX[name]  # shared memory: a store, no system call
        if hook is not None:
            hook(name, path)

    with _ceiling(_state["ceiling"]):
        if data is None:  # sent the path only (a cluster's worker): read the bytes here
            try:
                data = read_back(path, sha256=sha256, max_size=_state["max_size"])
            except Exception as e:
                return Failure.from_error(path, e, "read")
        result = convert(path, data, nlp=_state["nlp"], max_size=_state["max_size"], on_stage=on_stage, sha256=sha256,
                         format=fmt, converter=_state["converter"])
        del data
        if isinstance(result, Failure) and result.code == "internal" and _at_ceiling():
            # C extensions short of memory raise SystemError & co. instead of MemoryError
            result = Failure(path, "memory", "ran out of memory (over the per-worker ceiling)", result.stage)
    return result


class _ceiling:
    """RLIMIT_AS's soft limit at ``limit`` bytes for the length of one file, lifted again
    after it: receiving the next file and sending a result never hit it."""

    def __init__(self, limit: int | None):
        self.limit = limit

    def __enter__(self):
        if self.limit:
            import resource

            resource.setrlimit(resource.RLIMIT_AS, (self.limit, resource.getrlimit(resource.RLIMIT_AS)[1]))

    def __exit__(self, *exc):
        if self.limit:
            import resource

            hard = resource.getrlimit(resource.RLIMIT_AS)[1]
            resource.setrlimit(resource.RLIMIT_AS, (hard, hard))


def _on_sigterm(signum, frame) -> None:
    """pebble stops a worker with SIGTERM (a timeout, the pool stopped): stop its whole
    process group, its OCR children with it."""
    os.killpg(os.getpgrp(), signal.SIGKILL)


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


def _test_hook(environ=os.environ):
    """A test-only way to make a worker hang or crash in a given stage, or None.

    The real causes (a pathological file that makes tagging loop, a segfault in a C
    extension) cannot be produced on demand, so tests/test_bulk.py sets one of these
    environment variables, read once per worker:

    * ``PROTOKOLL_TEST_HANG_STAGE=read|parse|tag``: the worker sleeps forever on entering
      that stage (until the per-file time limit kills it);
    * ``PROTOKOLL_TEST_CRASH_STAGE=read|parse|tag``: the worker kills itself with SIGSEGV
      on entering that stage (core dumps off);
    * ``PROTOKOLL_TEST_ONLY=name``: only for files whose path ends with ``name``.

    Unset (always, outside tests) this returns None and costs nothing per file.
    """
    hang = environ.get("PROTOKOLL_TEST_HANG_STAGE")
    crash = environ.get("PROTOKOLL_TEST_CRASH_STAGE")
    only = environ.get("PROTOKOLL_TEST_ONLY", "")
    if not hang and not crash:
        return None

    def hook(stage: str, path: str) -> None:
        if not path.endswith(only):
            return
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
