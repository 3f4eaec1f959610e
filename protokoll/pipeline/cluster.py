"""Imports on a Dask (``distributed``) cluster: :class:`DaskExecutor`, behind the same
executor interface as :class:`~.executor.LocalPool`, so the single writer (:mod:`.run`)
stays on the client and does exactly what it does locally.

* The client walks and hashes (the sha256 skip happens before anything is submitted)
  and sends each file's path, sha256 and format, never its bytes: a worker reads them
  itself (:func:`.walk.read_back`: a shared mount, ``zip!member``, or an fsspec URL) and
  fails the file with ``changed`` when their sha256 is no longer the walk's.
* Backpressure: at most :data:`PER_THREAD` files per thread of the cluster are in flight
  (the threads asked of the scheduler again every few seconds, as workers come and go);
  results come back through each future's callback as they finish.
* Once per Dask worker, :class:`WorkerSetup` (a ``distributed.WorkerPlugin``) loads the
  spaCy pipeline, opens a converter :class:`~protokoll.ingest.shared.Service` (one
  LibreOffice per worker) and starts a :class:`~.executor.LocalPool` of ``nthreads``
  processes; each Dask task hands its file to that pool and waits. The pool's protections
  hold as locally: the per-file time limit, the memory ceiling, a crashed or hung file
  (and its OCR children) killed and recorded with its stage, not the Dask worker.
  Why a pool inside the Dask worker rather than the file in the worker's thread: a thread
  cannot be stopped, so a hung file would hold the thread (and the import) forever, and a
  segfault would take the whole Dask worker down.
* Dask's nanny starts workers as daemonic processes, which ``multiprocessing`` forbids to
  have children. ``--cluster local`` starts them with ``distributed.worker.daemon`` off
  (Dask's documented setting); on an external worker started with the default, the plugin
  clears the flag for its own process. The flag only guards against orphans, and the
  pool's processes cannot outlive their worker (PR_SET_PDEATHSIG, process groups).
* A Dask worker that dies mid-file (killed, out of memory) loses nothing: the scheduler
  runs its tasks on another worker. A file whose worker died ``allowed-failures`` + 1
  times (``distributed.scheduler.allowed-failures``: 2 for ``--cluster local``
  (:data:`LOCAL_ENVIRONMENT`), the scheduler's own setting, Dask's default 3, on a cluster) comes
  back as ``KilledWorker`` and is recorded as failed, "killed N workers in a row".
  Dask blames a death on every task the worker held, so a worker should hold only the
  files it runs: ``distributed.scheduler.worker-saturation: 1.0`` (set for ``--cluster
  local``; on a cluster, the scheduler's setting, which defaults to 1.1: with one thread,
  a second file waits on the worker and shares the blame).
* A client killed with ``kill -9`` leaves its plugin on the workers (one pool each, idle)
  until they restart; every other way of ending unregisters it. ``--cluster local``'s
  scheduler and nannies die with the import however it ends (PR_SET_PDEATHSIG, set by
  two small plugins), and their workers with them.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import multiprocessing
import os
import queue
import re
import signal
import socket
import time
import uuid

from concurrent.futures import CancelledError

from distributed import Client, KilledWorker, NannyPlugin, SchedulerPlugin, WorkerPlugin, get_worker

from protokoll import ingest
from protokoll.errors import ClusterError, ProtokollError, os_reason
from protokoll.pipeline.executor import DEFAULT_FILES_PER_WORKER, DEFAULT_MAX_MEMORY, DEFAULT_TIMEOUT, LocalPool
from protokoll.pipeline.process import Failure
from protokoll.pipeline.walk import Candidate
from protokoll.records import Protocol

PER_THREAD = 2  # files in flight per thread of the cluster
CONNECT_TIMEOUT = 5.0  # seconds to reach the scheduler
WORKERS_TIMEOUT = 60.0  # seconds for the first worker to join, and without any worker mid-run
REFRESH = 2.0  # seconds between two looks at the cluster's threads
ADDRESS = re.compile(r"^(tcp|tls)://(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9._-]+):(\d{1,5})$")
# --cluster local's Dask configuration, in the environment of its processes: workers may
# start processes (daemon off), a file may kill 2 workers, a worker holds only the files it
# runs, only errors logged (the scheduler's output goes to a pipe nobody reads).
LOCAL_ENVIRONMENT = {
    "DASK_DISTRIBUTED__WORKER__DAEMON": "False",
    "DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES": str(2),
    "DASK_DISTRIBUTED__SCHEDULER__WORKER_SATURATION": "1.0",
    "DASK_LOGGING__DISTRIBUTED": "error",
}
TEST_HOOKS = "PROTOKOLL_TEST_"  # environment the plugin carries to its workers (tests only)

def check_address(address: str) -> str:
    """``local`` or ``tcp://host:port`` (``tls://`` too); raises ValueError saying why not."""
    if address == "local":
        return address
    m = ADDRESS.match(address)
    if m is None:
        raise ValueError(f"{address!r} is not a scheduler address: give tcp://HOST:PORT or local")
    if not 0 < int(m.group(3)) < 65536:
        raise ValueError(f"port {m.group(3)} is out of range (1-65535)")
    return address


class WorkerSetup(WorkerPlugin):
    """What each Dask worker sets up once for an import: spaCy, a converter service and a
    :class:`LocalPool` of ``nthreads`` processes (see the module's docstring)."""

    def __init__(self, *, tag: bool, timeout: float, max_memory_mb: int | None, max_size: int,
                 files_per_worker: int | None):
        self.settings = dict(timeout=timeout, max_memory_mb=max_memory_mb, tag=tag, max_size=max_size,
                             files_per_worker=files_per_worker)
        self.local = False  # a worker of --cluster local: Ctrl-C is for the import, which closes it
        self.hooks = {k: v for k, v in os.environ.items() if k.startswith(TEST_HOOKS)}
        self.pool: LocalPool | None = None
        self.service = None

    def setup(self, worker) -> None:
        from protokoll.ingest.shared import Service
        from protokoll.pipeline import worker as pool_worker

        os.environ.update(self.hooks)
        if self.local:  # also in a worker its nanny restarted (not started with SIGINT ignored)
            signal.signal(signal.SIGINT, signal.SIG_IGN)
        me = multiprocessing.current_process()
        if me.daemon:  # a nanny's worker: may have children all the same (module docstring)
            me._config["daemon"] = False
        if self.settings["tag"] and not pool_worker.nlp_loaded():
            pool_worker.load_nlp()  # once per worker process; the pool's processes are forked with it
            worker.log_event("protokoll", {"event": "spacy-loaded", "worker": short_name(worker),
                                           "pid": os.getpid()})  # client.get_events("protokoll") counts them
        self.service = Service().open()
        self.pool = LocalPool(worker.state.nthreads, converter_address=self.service.address, **self.settings)

    def teardown(self, worker) -> None:
        if self.pool is not None:
            self.pool.close()
        if self.service is not None:
            self.service.close()
        for k in self.hooks:
            os.environ.pop(k, None)

    def convert(self, path: str, sha256: str, fmt: str | None, size: int) -> Protocol | Failure:
        return self.pool.convert(Candidate(path, None, sha256, fmt, size))


def convert_on_worker(plugin: str, path: str, sha256: str, fmt: str | None, size: int):
    """The Dask task of one file: (its Protocol or Failure, the worker's short name)."""
    worker = get_worker()
    kill = os.environ.get("PROTOKOLL_TEST_KILL_WORKER")  # tests only: this file kills its Dask worker
    if kill and path.endswith(kill):
        os.kill(os.getpid(), signal.SIGKILL)
    return worker.plugins[plugin].convert(path, sha256, fmt, size), short_name(worker)


def short_name(worker) -> str:
    """The worker's name, or its host:port when it was given none (its address)."""
    name = str(worker.name)
    return name.split("://", 1)[-1]


class DaskExecutor:
    """Files of an import as Dask tasks on ``client``'s cluster, read by :class:`WorkerSetup`
    ``plugin`` on each worker; at most :data:`PER_THREAD` per thread of the cluster in flight."""

    def __init__(self, client: Client, plugin: str, *, workers_timeout: float = WORKERS_TIMEOUT):
        self.client, self.plugin, self.workers_timeout = client, plugin, workers_timeout
        self._running: dict = {}  # future -> candidate (without its bytes)
        self._finished: queue.Queue = queue.Queue()
        self._size, self._looked, self._no_workers_since = 1, 0.0, None
        self.done_by: dict[str, int] = {}

    @property
    def size(self) -> int:
        now = time.monotonic()
        if now - self._looked >= REFRESH:
            self._looked = now
            threads = sum(self.client.nthreads().values())
            self._no_workers_since = None if threads else (self._no_workers_since or now)
            self._size = max(1, PER_THREAD * threads)
        return self._size

    @property
    def busy(self) -> int:
        return len(self._running)

    def idle(self) -> bool:
        return len(self._running) < self.size

    def submit(self, c: Candidate) -> None:
        future = self.client.submit(convert_on_worker, self.plugin, c.path, c.sha256, c.format, c.size,
                                    key=f"protokoll-{uuid.uuid4().hex}", pure=False)
        self._running[future] = c.without_data()  # the bytes go with the caller's candidate
        future.add_done_callback(self._finished.put)

    def results(self, wait: float | None = None) -> list[tuple[Candidate, Protocol | Failure]]:
        if not self._running:
            return []
        out = []
        deadline = None if wait is None else time.monotonic() + wait
        while not out:
            try:
                left = REFRESH if deadline is None else max(0.0, deadline - time.monotonic())
                future = self._finished.get(timeout=left)
            except queue.Empty:
                if deadline is not None and time.monotonic() >= deadline:
                    return []
                self._check_workers()
                continue
            out.append(self._outcome(future))
            while True:  # and whatever else has finished by now
                try:
                    out.append(self._outcome(self._finished.get_nowait()))
                except queue.Empty:
                    break
        return out

    def _check_workers(self) -> None:
        self.size  # noqa: B018 - looks at the cluster's threads
        if self._no_workers_since is not None and time.monotonic() - self._no_workers_since > self.workers_timeout:
            raise ClusterError(f"no worker left in the cluster for {self.workers_timeout:g} s")

    def _outcome(self, future) -> tuple[Candidate, Protocol | Failure]:
        c = self._running.pop(future)
        try:
            result, name = future.result()
        except KilledWorker as e:
            result, name = Failure(c.path, "crashed", f"killed {e.allowed_failures + 1} Dask workers in a row "
                                   "(each died while it held this file): not tried again", "read"), None
        except ProtokollError:  # a worker could not start (the pool's InitFailed): stop, as locally
            raise
        except CancelledError as e:  # the scheduler lost (not the file's doing): stop, resume later
            raise ClusterError(f"the cluster dropped the import's files ({_first_line(e)})",
                               hint="check the scheduler, then run the import again to continue") from None
        except Exception as e:
            result, name = Failure.from_error(c.path, e, "read"), None
        finally:
            future.release()
        if name is not None:
            self.done_by[name] = self.done_by.get(name, 0) + 1
        return c, result

    def close(self) -> None:
        for future in list(self._running):
            future.cancel()
        self._running.clear()


@contextlib.contextmanager
def connect(address: str, *, workers: int | None = None, tag: bool = True, timeout: float = DEFAULT_TIMEOUT,
            max_memory_mb: int | None = DEFAULT_MAX_MEMORY, max_size: int = ingest.DEFAULT_MAX_SIZE,
            files_per_worker: int | None = DEFAULT_FILES_PER_WORKER, workers_timeout: float = WORKERS_TIMEOUT):
    """A :class:`DaskExecutor` on the scheduler at ``address``, or on a new
    cluster of ``workers`` processes (one thread each) on this machine for ``local``; the plugin
    registered on its workers, and everything closed again on the way out."""
    check_address(address)
    with contextlib.ExitStack() as stack:
        target = address
        if address == "local":
            target = stack.enter_context(_local_cluster(workers or os.cpu_count() or 1))
        client = stack.enter_context(_client(target, address))
        try:
            client.wait_for_workers(1, timeout=workers_timeout)
        except TimeoutError:
            raise ClusterError(f"no worker joined the scheduler at {address} within {workers_timeout:g} s",
                               hint="start workers: dask worker " + address) from None
        name = f"protokoll-{uuid.uuid4().hex[:12]}"
        plugin = WorkerSetup(tag=tag, timeout=timeout, max_memory_mb=max_memory_mb, max_size=max_size,
                             files_per_worker=files_per_worker)
        plugin.local = address == "local"
        try:
            client.register_plugin(plugin, name=name)
        except Exception as e:
            raise ClusterError(f"the workers could not set up protokoll: {_first_line(e)}",
                               hint="install protokoll (the same version) on every worker host") from None
        executor = DaskExecutor(client, name, workers_timeout=workers_timeout)
        try:
            yield executor
        finally:
            executor.close()
            with contextlib.suppress(Exception):
                client.unregister_worker_plugin(name)


@contextlib.contextmanager
def _local_cluster(workers: int):
    """A scheduler and ``workers`` workers (one thread each) in processes of their own
    (Dask's SubprocessCluster: a LocalCluster's scheduler would run in this process and
    take CPU from the writer), configured through their environment."""
    from distributed.deploy.subprocess import SubprocessCluster

    # Ctrl-C reaches the whole process group: the cluster ignores it (an ignored signal
    # stays ignored in a started program) and this process closes the cluster instead.
    interrupt = signal.signal(signal.SIGINT, signal.SIG_IGN)
    saved = {k: os.environ.get(k) for k in LOCAL_ENVIRONMENT}
    os.environ.update(LOCAL_ENVIRONMENT)
    try:
        cluster = SubprocessCluster(host="127.0.0.1", n_workers=workers, threads_per_worker=1, dashboard_address=None,
                                    silence_logs=logging.ERROR, scheduler_kwargs={"dashboard_address": "127.0.0.1:0"})
    finally:
        signal.signal(signal.SIGINT, interrupt)
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k)
            else:
                os.environ[k] = v
    try:
        with Client(cluster, timeout=CONNECT_TIMEOUT, set_as_default=False) as client:
            client.register_plugin(_SchedulerDiesWithImport(os.getpid()))
            client.register_plugin(_NannyDiesWithImport(os.getpid()))
        yield cluster
    finally:
        cluster.close()


def _die_with(parent: int) -> None:
    """This process gets SIGKILL when ``parent`` (the import) ends, even by ``kill -9``:
    its workers and their processes follow (they die with their parents)."""
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # it is gone already
        os.kill(os.getpid(), signal.SIGKILL)


class _SchedulerDiesWithImport(SchedulerPlugin):
    name = "protokoll-dies-with-import"

    def __init__(self, parent: int):
        self.parent = parent

    async def start(self, scheduler) -> None:
        _die_with(self.parent)


class _NannyDiesWithImport(NannyPlugin):
    name = "protokoll-dies-with-import"

    def __init__(self, parent: int):
        self.parent = parent

    def setup(self, nanny) -> None:
        _die_with(self.parent)


@contextlib.contextmanager
def _client(target, address: str):
    m = ADDRESS.match(address)
    if m is not None:  # a refused connection is known at once: no need to wait out the timeout
        try:
            socket.create_connection((m.group(2).strip("[]"), int(m.group(3))), timeout=CONNECT_TIMEOUT).close()
        except OSError as e:
            raise ClusterError(f"cannot reach a Dask scheduler at {address} ({os_reason(e)})",
                               hint="start one there: dask scheduler") from None
    try:
        client = Client(target, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError) as e:
        raise ClusterError(f"cannot reach a Dask scheduler at {address} ({_first_line(e)})",
                           hint="start one there: dask scheduler") from None
    except Exception as e:  # something else answers there
        raise ClusterError(f"no Dask scheduler answers at {address} ({type(e).__name__})",
                           hint="check the address and port of the scheduler") from None
    try:
        yield client
    finally:
        client.close()


def _first_line(e: BaseException) -> str:
    text = str(e).strip().splitlines()
    return text[0] if text else type(e).__name__
