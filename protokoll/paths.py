"""Why a file cannot be written where the user asked, said before any work is done.

    >>> from protokoll import paths
    >>> paths.check_writable("out/register.csv")              # OutputError if it cannot be
    >>> paths.check_writable("protokoll.db", DatabaseError, folder_too=True)

The reasons name the cause (a missing folder, a read-only medium, a folder or file you
may not write to) and the hint says what to do, so a command fails with one line before
it spends minutes on work it cannot save.
"""

from __future__ import annotations

import os
import shlex
from pathlib import Path

from protokoll.errors import OutputError, ProtokollError


def read_only_medium(folder) -> bool:
    """True when ``folder`` is on a file system mounted read-only (a DVD, a ``ro`` mount)."""
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def problem(path, *, folder_too: bool = False) -> tuple[str, str] | None:
    """(reason, hint) when a file at ``path`` cannot be created or written, else None.

    ``folder_too``: new files must be made beside it (SQLite's ``-wal`` and ``-shm``, a
    lock file), so the folder must be writable even when the file exists.
    """
    p = Path(os.path.abspath(path))
    folder = p.parent
    if p.is_dir():
        return "this is a folder, not a file", "give a file name, for example " + str(p / "out")
    if not folder.exists():
        return (f"the folder {folder} does not exist",
                f"create it first (mkdir -p {shlex.quote(str(folder))}) or choose another folder")
    if not folder.is_dir():
        return f"{folder} is a file, not a folder", "choose a path inside a folder"
    if read_only_medium(folder):
        return (f"the folder {folder} is on a read-only medium",
                "choose a folder on a writable disk (copy the file there first if it exists)")
    if p.exists() and not os.access(p, os.W_OK):
        return ("the file is read-only for you",
                f"make it writable (chmod u+w {shlex.quote(str(p))}, or ask its owner) or choose another file")
    if (folder_too or not p.exists()) and not os.access(folder, os.W_OK | os.X_OK):
        return (f"you may not write in the folder {folder}",
                "choose a folder you may write to, or ask its owner for write permission")
    return None


def check_writable(path, error: type[ProtokollError] = OutputError, *, folder_too: bool = False) -> None:
    """Raise ``error`` with the reason and hint of :func:`problem`, if there is one."""
    found = problem(path, folder_too=folder_too)
    if found:
        raise error(found[0], path=path, hint=found[1])
