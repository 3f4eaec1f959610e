""".doc, .odt and .rtf to .docx through headless LibreOffice.

A fresh ``soffice --convert-to`` costs 1.4-1.8 s per file, so a :class:`Converter` keeps
one LibreOffice running behind a small UNO helper (``_uno_helper.py``, run by a Python
that has ``uno``: :func:`uno_python`) and sends it one file after another; threads take
turns. It is restarted if LibreOffice dies or hangs; where the helper cannot start,
each file is converted by a fresh ``soffice --convert-to`` (:func:`convert_once`).

Whoever makes a converter closes it: ``ingest.read`` makes one for the call when it is
given none; an import (:mod:`protokoll.pipeline`) opens one :class:`Service` for its
whole run, which its workers reach with a :class:`Remote` (one LibreOffice, ~120 MB,
instead of one per worker).

After a ``kill -9`` the helper stops its LibreOffice by itself (its parent is gone), and
the next service removes the folders and pipes killed processes left (:func:`sweep`).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import selectors
import shutil
import signal
import socket
import stat
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from protokoll.errors import ConversionFailed, ConverterUnavailable, describe, os_reason

HELPER = Path(__file__).with_name("_uno_helper.py")
# The Python that runs the helper: configured, or the first ``python3`` on PATH that has
# ``uno`` (a virtual environment's own python3 usually has not, the system's has).
UNO_PYTHON = os.environ.get("PROTOKOLL_UNO_PYTHON")
SOFFICE = os.environ.get("PROTOKOLL_SOFFICE")  # LibreOffice's soffice, when not on PATH
TIMEOUT = 120  # seconds for one file (and for LibreOffice to start)


# Temporary folders are named protokoll-<kind>-<pid>-…, LibreOffice's pipes
# OSL_PIPE_<uid>_protokoll-<pid>-…, so that :func:`sweep` can tell whose they are.
_STALE = re.compile(r"^(?:protokoll-(?:lo|conv)-|OSL_PIPE_\d+_protokoll-)(\d+)-")
STALE_AFTER = 3600  # seconds: a folder of a process that is gone is removed after this


def _prefix(kind: str) -> str:
    return f"protokoll-{kind}-{os.getpid()}-"


def sweep(folder: str | None = None, *, older_than: float = STALE_AFTER) -> list[str]:
    """Remove what killed protokoll processes left in the temporary folder: LibreOffice
    profiles, conversion folders and pipes whose process no longer runs (a ``kill -9``
    leaves them; every other way of stopping cleans up). Only this user's entries, only
    when their process id is not running and they are older than ``older_than`` seconds.
    Returns the paths removed."""
    folder = folder or tempfile.gettempdir()
    removed = []
    try:
        names = os.listdir(folder)
    except OSError:
        return removed
    now = time.time()
    for name in names:
        m = _STALE.match(name)
        if not m or _running(int(m.group(1))):
            continue
        path = os.path.join(folder, name)
        try:
            st = os.lstat(path)
            if st.st_uid != os.getuid() or now - st.st_mtime < older_than:
                continue
            if stat.S_ISDIR(st.st_mode):
                shutil.rmtree(path)
            else:
                os.unlink(path)
        except OSError:
            continue
        removed.append(path)
    return removed


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # someone else's process
        pass
    return True


def soffice() -> str:
    exe = SOFFICE or shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        raise ConverterUnavailable("LibreOffice (soffice) is not installed")
    return exe


def uno_python() -> str | None:
    """The Python with LibreOffice's ``uno`` module (:data:`UNO_PYTHON`, else the first
    ``python3`` on PATH that can import it), or None."""
    if UNO_PYTHON is not None:
        return UNO_PYTHON if os.path.exists(UNO_PYTHON) and _has_uno(UNO_PYTHON) else None
    for folder in os.environ.get("PATH", os.defpath).split(os.pathsep):
        exe = shutil.which("python3", path=folder or ".")
        if exe is not None and _has_uno(exe):
            return exe
    return None


class Converter:
    """One long-running LibreOffice. ``convert(src, dst)`` writes ``dst`` as .docx."""

    def __init__(self, timeout: float = TIMEOUT):
        self.timeout = timeout
        self._lock = threading.Lock()
        self._proc: subprocess.Popen | None = None
        self._pid: int | None = None  # the process that started the helper
        self._home: tempfile.TemporaryDirectory | None = None
        self.usable: bool | None = None  # None until the helper has been tried

    def convert(self, src: Path, dst: Path) -> None:
        with self._lock:
            if self.usable is not False and self._ensure():
                error = self._request({"in": str(src), "out": str(dst)})
                if error is None and dst.exists():
                    return
                if self._proc is not None:  # LibreOffice answered: the file is the problem
                    raise ConversionFailed(f"LibreOffice could not convert the file ({error})")
        convert_once(src, dst, self.timeout)

    def start(self) -> None:
        """Start LibreOffice now rather than on the first file (it takes a second or two)."""
        with self._lock:
            if self.usable is not False:
                self._ensure()

    def _ensure(self) -> bool:
        if self._proc is not None and self._pid == os.getpid() and self._proc.poll() is None:
            return True
        if self._pid != os.getpid():
            self._proc = None  # inherited from the parent across fork: not ours to use
        exe = soffice()
        python = uno_python()
        if python is None:
            self.usable = False
            return False
        self._home = tempfile.TemporaryDirectory(prefix=_prefix("lo"))
        profile = Path(self._home.name, "profile").as_uri()
        pipe = f"protokoll-{os.getpid()}-{id(self)}"
        self._proc = subprocess.Popen(
            [python, str(HELPER), exe, profile, pipe],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            start_new_session=True, text=True, bufsize=1,
        )
        self._pid = os.getpid()
        reply = self._read()
        if not (reply and reply.get("ready")):
            self._kill()
            self.usable = False
            return False
        self.usable = True
        return True

    def _request(self, req: dict) -> str | None:
        """Send one request; None on success, else the error (the helper is killed if it hung)."""
        try:
            self._proc.stdin.write(json.dumps(req) + "\n")
            self._proc.stdin.flush()
        except OSError as e:
            self._kill()
            return os_reason(e)
        reply = self._read()
        if reply is None:
            self._kill()
            return "LibreOffice stopped or hung"
        return reply.get("error")

    def _read(self) -> dict | None:
        sel = selectors.DefaultSelector()
        sel.register(self._proc.stdout, selectors.EVENT_READ)
        try:
            if not sel.select(self.timeout):
                return None
            line = self._proc.stdout.readline()
        finally:
            sel.close()
        try:
            return json.loads(line) if line else None
        except ValueError:
            return None

    def _kill(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGKILL)  # the helper and its soffice
            except OSError:
                pass
            proc.wait()
        self._cleanup()

    def _cleanup(self) -> None:
        if self._home is not None:
            self._home.cleanup()
            self._home = None

    def close(self) -> None:
        """Stop LibreOffice cleanly (end of input makes the helper terminate it)."""
        with self._lock:
            proc = self._proc
            if proc is None or self._pid != os.getpid():
                return
            try:
                proc.stdin.close()
                proc.wait(15)
            except (OSError, subprocess.TimeoutExpired):
                pass
            self._kill()


def _has_uno(python: str) -> bool:
    try:
        return subprocess.run([python, "-c", "import uno"], capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def convert_once(src: Path, dst: Path, timeout: float = TIMEOUT) -> None:
    """Convert one file with a fresh ``soffice --convert-to docx`` (the slow fallback)."""
    exe = soffice()
    with tempfile.TemporaryDirectory(prefix=_prefix("lo")) as home:
        outdir = Path(home, "out")
        try:
            proc = subprocess.run(
                [exe, "--headless", "--norestore", f"-env:UserInstallation={Path(home, 'p').as_uri()}",
                 "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(outdir), str(src)],
                capture_output=True, timeout=timeout, start_new_session=True,
            )
        except subprocess.TimeoutExpired:
            raise ConversionFailed(f"LibreOffice took longer than {timeout:.0f} s") from None
        out = outdir / (src.stem + ".docx")
        if proc.returncode != 0 or not out.exists():
            raise ConversionFailed("LibreOffice could not convert the file")
        shutil.move(str(out), dst)


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
        self._home = tempfile.TemporaryDirectory(prefix=_prefix("conv"))
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


def to_docx(data: bytes, fmt: str, path=None, converter: Converter | Remote | None = None) -> bytes:
    """The bytes of a .doc/.odt/.rtf file converted to .docx by ``converter`` (a
    :class:`Converter` started for this one file, and stopped, when none is given)."""
    own = converter is None
    converter = Converter() if own else converter
    with tempfile.TemporaryDirectory(prefix=_prefix("conv")) as tmp:
        src = Path(tmp, f"in.{fmt}")
        dst = Path(tmp, "out.docx")
        src.write_bytes(data)
        try:
            converter.convert(src, dst)
        except (ConversionFailed, ConverterUnavailable) as e:
            e.path = None if path is None else str(path)
            raise
        finally:
            if own:
                converter.close()
        return dst.read_bytes()
