""".doc, .odt and .rtf to .docx through headless LibreOffice.

A fresh ``soffice --convert-to`` costs 1.4-1.8 s per file, so a :class:`Converter` keeps
one LibreOffice running behind a small UNO helper (``_uno_helper.py``, run by a Python
that has ``uno``: :func:`uno_python`) and sends it one file after another; threads take
turns. It is restarted if LibreOffice dies or hangs; where the helper cannot start,
each file is converted by a fresh ``soffice --convert-to`` (:func:`convert_once`).

Whoever makes a converter closes it: ``ingest.read`` makes one for the call when it is
given none; an import (:mod:`protokoll.pipeline`) opens one
:class:`~protokoll.ingest.shared.Service` for its whole run, which its workers reach with
a :class:`~protokoll.ingest.shared.Remote` (one LibreOffice, ~120 MB, instead of one per
worker).

After a ``kill -9`` the helper stops its LibreOffice by itself (its parent is gone), and
the next service removes the folders and pipes killed processes left (:func:`sweep`).
"""

from __future__ import annotations

import json
import os
import re
import selectors
import shutil
import signal
import stat
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

from protokoll.errors import ConversionFailed, ConverterUnavailable, os_reason

if TYPE_CHECKING:
    from protokoll.ingest.shared import Remote

HELPER = Path(__file__).with_name("_uno_helper.py")
# The Python that runs the helper: configured, or the first ``python3`` on PATH that has
# ``uno`` (a virtual environment's own python3 usually has not, the system's has).
UNO_PYTHON = os.environ.get("PROTOKOLL_UNO_PYTHON")
SOFFICE = os.environ.get("PROTOKOLL_SOFFICE")  # LibreOffice's soffice, when not on PATH
TIMEOUT = 120  # seconds for one file (and for LibreOffice to start)


# A fork of this process (an import's worker, forked by the pool in any of its threads)
# while another thread is starting a subprocess copies the pipe by which ``subprocess``
# learns that the new program started: the starting thread then waits on it until that
# worker ends, and the worker may be waiting for the very LibreOffice being started. So a
# subprocess is started here only under this lock, and every fork of the process waits
# for it (a guard, not state: it holds nothing).
_SPAWNING = threading.Lock()
os.register_at_fork(before=_SPAWNING.acquire, after_in_parent=_SPAWNING.release,
                    after_in_child=_SPAWNING.release)


def _spawn(args: list[str], **kw) -> subprocess.Popen:
    """``subprocess.Popen``, never at the moment this process forks (:data:`_SPAWNING`)."""
    with _SPAWNING:
        return subprocess.Popen(args, **kw)


def _run(args: list[str], timeout: float, **kw) -> subprocess.CompletedProcess:
    """``subprocess.run(args, capture_output=True, timeout=timeout)`` through :func:`_spawn`."""
    with _spawn(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw) as proc:
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            raise
    return subprocess.CompletedProcess(args, proc.returncode, out, err)


# Temporary folders are named protokoll-<kind>-<pid>-…, LibreOffice's pipes
# OSL_PIPE_<uid>_protokoll-<pid>-…, so that :func:`sweep` can tell whose they are.
_STALE = re.compile(r"^(?:protokoll-(?:lo|conv)-|OSL_PIPE_\d+_protokoll-)(\d+)-")
STALE_AFTER = 3600  # seconds: a folder of a process that is gone is removed after this


def temp_prefix(kind: str) -> str:
    """The start of the name of a temporary folder of this process (what :func:`sweep` recognises)."""
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
        self._home = tempfile.TemporaryDirectory(prefix=temp_prefix("lo"))
        profile = Path(self._home.name, "profile").as_uri()
        pipe = f"protokoll-{os.getpid()}-{id(self)}"
        self._proc = _spawn(
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
        return _run([python, "-c", "import uno"], timeout=30).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def convert_once(src: Path, dst: Path, timeout: float = TIMEOUT) -> None:
    """Convert one file with a fresh ``soffice --convert-to docx`` (the slow fallback)."""
    exe = soffice()
    with tempfile.TemporaryDirectory(prefix=temp_prefix("lo")) as home:
        outdir = Path(home, "out")
        try:
            proc = _run(
                [exe, "--headless", "--norestore", f"-env:UserInstallation={Path(home, 'p').as_uri()}",
                 "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(outdir), str(src)],
                timeout=timeout, start_new_session=True,
            )
        except subprocess.TimeoutExpired:
            raise ConversionFailed(f"LibreOffice took longer than {timeout:.0f} s") from None
        out = outdir / (src.stem + ".docx")
        if proc.returncode != 0 or not out.exists():
            raise ConversionFailed("LibreOffice could not convert the file")
        shutil.move(str(out), dst)


def to_docx(data: bytes, fmt: str, path=None, converter: Converter | Remote | None = None) -> bytes:
    """The bytes of a .doc/.odt/.rtf file converted to .docx by ``converter`` (a
    :class:`Converter` started for this one file, and stopped, when none is given)."""
    own = converter is None
    converter = Converter() if own else converter
    with tempfile.TemporaryDirectory(prefix=temp_prefix("conv")) as tmp:
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
