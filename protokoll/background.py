"""A real ``protokoll serve`` in a child process for as long as a ``with`` block runs.

    >>> from protokoll.background import serving
    >>> with serving("protokoll.db", archive="samples") as base:
    ...     urllib.request.urlopen(f"{base}/protokoll/decision_register.json")

For whatever needs the server as a user runs it, over HTTP: ``scripts/screenshot.py``,
the browser tests and the benchmarks (``bench.serve``, which also starts plain
``datasette serve`` through ``command`` as its reference).
"""

from __future__ import annotations

import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from protokoll.errors import ServerError

# The CLI installed beside the interpreter that runs this.
PROTOKOLL = str(Path(sys.executable).parent / "protokoll")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(db, *, archive=None, command: Sequence[str] | None = None, timeout: float = 30.0) -> Iterator[str]:
    """Run ``protokoll serve DB`` (or ``command`` + DB, e.g. plain ``datasette serve``) on
    127.0.0.1 and a free port until the block ends; yields its base URL
    (``http://127.0.0.1:PORT``) once it answers. A server that exits or does not answer
    within ``timeout`` seconds is a :class:`ServerError` with its own error output."""
    port = free_port()
    args = [*(command or [PROTOKOLL, "serve"]), str(db), "--port", str(port)]
    if archive is not None:
        args += ["--archive", str(archive)]
    log = tempfile.TemporaryFile()  # not a pipe: a full pipe would stall the server
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                log.seek(0)
                raise ServerError(f"{args[0]} exited: {log.read().decode(errors='replace')}", hint=None)
            try:
                with urllib.request.urlopen(f"{base}/-/versions.json", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise ServerError(f"{args[0]} did not answer on {base} within {timeout:g} s", hint=None) from None
                time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
