"""What the benchmarks share: timing, medians and ratios, the Markdown table, peak
memory of a process tree from /proc, and `protokoll` CLI subprocesses.

Benchmarks reach the product only through the CLI (:func:`run_import`, ``protokoll.background.serving``)
or its stable public API (``protokoll.ingest.read``, ``protokoll.parsers.parse``,
``protokoll.nlp.load/tag``, ``protokoll.pipeline.process``, ``protokoll.store.open/save``),
so they keep working while the code behind those names is reshaped.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Sequence, Set
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
# The CLI installed beside the interpreter that runs the benchmark.
PROTOKOLL = str(Path(sys.executable).parent / "protokoll")


# --------------------------------------------------------------------------- timing and figures


def best_of(fn, rounds: int) -> float:
    """The fastest of ``rounds`` wall-clock runs of ``fn`` (the least disturbed by other work)."""
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - started)
    return best


def timed_ms(fn, runs: int) -> list[float]:
    """Milliseconds of each of ``runs`` calls of ``fn``, after one warm-up call."""
    fn()
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


def median(values: Iterable[float]) -> float:
    return statistics.median(list(values))


def percentile(values: Iterable[float], p: float) -> float:
    """The ``p``-th percentile by nearest rank."""
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def ratios(values: Sequence[float], digits: int = 2) -> str:
    """'median 1.23x (rounds 1.20, 1.23, 1.31)' for per-round ratios."""
    rounds = ", ".join(f"{x:.{digits}f}" for x in values)
    return f"median {median(values):.{digits}f}x (rounds {rounds})"


def table(header: Sequence[str], rows: Iterable[Sequence[object]], right_from: int = 1) -> str:
    """A Markdown table; columns from ``right_from`` on are right-aligned (figures)."""
    lines = ["| " + " | ".join(header) + " |",
             "| " + " | ".join("---" if i < right_from else "---:" for i in range(len(header))) + " |"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


# --------------------------------------------------------------------------- memory from /proc


def proc_tree(pid: int) -> list[int]:
    """``pid`` and its descendants (Linux /proc)."""
    out, stack = [], [pid]
    while stack:
        pid = stack.pop()
        out.append(pid)
        try:
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children") as f:
                    stack.extend(int(c) for c in f.read().split())
        except (OSError, ValueError):  # the process ended meanwhile
            continue
    return out


def proc_bytes(pid: int, name: str, field: str) -> int:
    """The kB figure ``field`` of /proc/PID/``name`` in bytes; 0 if the process ended
    meanwhile (or is a zombie, whose status has no memory lines)."""
    try:
        with open(f"/proc/{pid}/{name}") as f:
            return next(int(line.split()[1]) * 1024 for line in f if line.startswith(field + ":"))
    except (OSError, StopIteration, ValueError):
        return 0


def tree_pss(pid: int, names: Set[str] = frozenset()) -> tuple[int, int]:
    """Bytes of proportional set size of ``pid`` and all its descendants, and the part of
    it in processes whose command name is one of ``names``; one walk."""
    total = named = 0
    for pid in proc_tree(pid):
        pss = proc_bytes(pid, "smaps_rollup", "Pss")
        total += pss
        if names:
            try:
                if Path(f"/proc/{pid}/comm").read_text().strip() in names:
                    named += pss
            except OSError:  # the process ended meanwhile
                continue
    return total, named


class TreeMemory:
    """Samples a process tree every ``every`` s in a thread until :meth:`stop`:
    ``hwm`` the largest ``VmHWM`` (peak resident set) of any one process, and ``pss``
    the largest sum of PSS (pages shared after fork counted once) over the tree.

    ``VmHWM`` and not ``ru_maxrss`` from ``wait4``: a child spawned by this process
    inherits this process's own high-water mark when it execs."""

    def __init__(self, pid: int, every: float = 0.2):
        self.pid, self.every, self.hwm, self.pss = pid, every, 0, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            pids = proc_tree(self.pid)  # one walk per sample for both figures
            self.pss = max(self.pss, sum(proc_bytes(pid, "smaps_rollup", "Pss") for pid in pids))
            self.hwm = max([self.hwm, *(proc_bytes(pid, "status", "VmHWM") for pid in pids)])
            self._stop.wait(self.every)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


# --------------------------------------------------------------------------- the CLI


def run_import(paths, db: Path, workers: int | None, tag: bool, prefix: Sequence[str] = (),
               protokoll: str = PROTOKOLL, extra: Sequence[str] = ()) -> dict:
    """One `protokoll ingest --json` subprocess: wall ``seconds``, its JSON ``summary``,
    ``peak_mb`` (largest process), ``tree_mb`` (PSS sum), ``cpu`` (user + system seconds
    of the process and of its workers, which it waits for) and ``exit``. ``prefix`` runs
    it under another command, e.g. ``("taskset", "-c", "0")``; ``protokoll`` is the CLI
    to run (another installation, for a reference); ``extra``: more options (``--cluster
    ADDRESS``, where ``workers`` is None)."""
    cmd = [*prefix, protokoll, "ingest", *map(str, paths), "--db", str(db), "--json", "--quiet", *extra]
    cmd += ["-w", str(workers)] if workers is not None else []
    if not tag:
        cmd.append("--no-tag")
    started = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    memory = TreeMemory(p.pid)
    out = p.stdout.read()
    memory.stop()
    _, status, usage = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    if p.returncode != 0 and not out.strip():
        raise RuntimeError(f"{' '.join(cmd)} exited {p.returncode} without a summary")
    return {"seconds": seconds, "summary": json.loads(out), "peak_mb": memory.hwm / 2**20, "exit": p.returncode,
            "cpu": usage.ru_utime + usage.ru_stime, "tree_mb": memory.pss / 2**20}
