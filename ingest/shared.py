"""One LibreOffice shared by the processes of an import (:mod:`protokoll.pipeline`).

    with Service() as service:   # in the importing process
        ...                      # workers: Remote(service.address).convert(src, dst)

The importing process runs one :class:`~protokoll.ingest.convert.Converter` (~120 MB)
instead of one per worker: a thread answers each :class:`Remote`'s request over a Unix
socket, requests take turns; LibreOffice is started when the import knows it will need
it (:meth:`Service.warm`) or on the first request, and stopped after :data:`IDLE`
seconds without one.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import tempfile
import threading
import time
from pathlib import Path

from protokoll.errors import ConversionFailed, ConverterUnavailable, describe
from protokoll.ingest.convert import TIMEOUT, Converter, sweep, temp_prefix


class Remote:
    """A converter in another process (:class:`Service`): same ``convert`` and errors.
    Falls back to a converter of its own when the socket cannot be reached."""

    def __init__(self, address: str, timeout: float = 3 * TIMEOUT):
        self.address = address
        self.timeout = timeout  # the serving converter's own limit, and a queue of two
        self._local: Converter | None = None

    def convert(self, src: Path, dst: Path) -> None:
        if self._local is None:
            try:
                with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
                    sock.settimeout(self.timeout)
                    sock.connect(self.address)
                    sock.sendall((json.dumps({"in": str(src), "out": str(dst)}) + "\n").encode())
                    reply = json.loads(sock.makefile("rb").readline() or b"null")
            except (OSError, ValueError):
                reply = None
            if isinstance(reply, dict):
                if reply.get("ok"):
                    return
                error = ConverterUnavailable if reply.get("unavailable") else ConversionFailed
                raise error(reply.get("error") or "LibreOffice could not convert the file")
            self._local = Converter()  # the sharing process is gone or hung: our own LibreOffice
        self._local.convert(src, dst)

    def close(self) -> None:
        if self._local is not None:
            self._local.close()


IDLE = 60.0  # seconds without a request after which a shared converter stops LibreOffice


class _Activity:
    """Requests being answered and when the last one ended (for stopping when idle)."""

    def __init__(self):
        self.lock, self.busy, self.last = threading.Lock(), 0, time.monotonic()

    def __enter__(self):
        with self.lock:
            self.busy += 1

    def __exit__(self, *exc):
        with self.lock:
            self.busy -= 1
            self.last = time.monotonic()

    def idle_for(self) -> float:
        with self.lock:
            return 0.0 if self.busy else time.monotonic() - self.last


class Service:
    """One LibreOffice for a whole import, shared with other processes over a Unix socket.

        with Service() as service:   # in the importing process
            ...                      # workers: Remote(service.address).convert(src, dst)

    A thread answers each request with :attr:`local`, this process's :class:`Converter`
    (started on the first request, stopped after ``idle`` seconds without one and when
    the service closes); requests take turns. Opening it first removes what imports
    killed earlier left behind (:func:`sweep`).
    """

    def __init__(self, idle: float = IDLE):
        self.idle, self.local, self.address = idle, Converter(), None
        self._home: tempfile.TemporaryDirectory | None = None
        self._server: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._starting: threading.Thread | None = None

    def warm(self) -> None:
        """Start LibreOffice in the background now, for an import that will convert files:
        the first of them then does not wait the second or two it takes to start (a worker
        would sit idle meanwhile). A request made while it starts waits for it."""
        if self._starting is None:
            self._starting = threading.Thread(target=self.local.start, name="protokoll-converter-start", daemon=True)
            self._starting.start()

    def open(self) -> "Service":
        sweep()  # what imports killed earlier (kill -9) left behind
        self._home = tempfile.TemporaryDirectory(prefix=temp_prefix("conv"))
        self.address = os.path.join(self._home.name, "socket")
        self._server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._server.bind(self.address)
        self._server.listen(16)
        self._server.settimeout(min(self.idle, 5.0))  # accept() wakes to look at the idle time
        self._thread = threading.Thread(target=self._accept, name="protokoll-converter", daemon=True)
        self._thread.start()
        return self

    def __enter__(self) -> "Service":
        return self.open()

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            with contextlib.suppress(OSError):
                server.shutdown(socket.SHUT_RDWR)  # wakes accept() at once
            server.close()
            self._thread.join(5)
        if self._starting is not None:
            self._starting.join()  # else LibreOffice could start after the close below
            self._starting = None
        self.local.close()
        if self._home is not None:
            self._home.cleanup()
            self._home = None

    def _accept(self) -> None:
        """Answer each connection in a thread of its own until the socket is shut down;
        stop LibreOffice after ``idle`` seconds without a request (an archive's .doc files
        are often all in its oldest folders): the next request starts it again."""
        activity, server = _Activity(), self._server
        while True:
            try:
                conn, _ = server.accept()
            except TimeoutError:
                if activity.idle_for() >= self.idle:
                    self.local.close()
                continue
            except OSError:
                return
            conn.settimeout(None)
            threading.Thread(target=self._answer, args=(conn, activity), daemon=True).start()

    def _answer(self, conn: socket.socket, activity: _Activity) -> None:
        with activity, conn, conn.makefile("rb") as rfile:
            try:
                req = json.loads(rfile.readline())
                self.local.convert(Path(req["in"]), Path(req["out"]))
                reply = {"ok": True}
            except ConverterUnavailable as e:
                reply = {"error": e.reason, "unavailable": True}
            except ConversionFailed as e:
                reply = {"error": e.reason}
            except Exception as e:  # a malformed request: say so, keep serving
                reply = {"error": f"conversion request failed: {describe(e)}"}
            with contextlib.suppress(OSError):
                conn.sendall((json.dumps(reply) + "\n").encode())
