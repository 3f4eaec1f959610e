"""Forget the stored paths whose files are gone, judged after a whole walk (an import with ``prune``)."""

from __future__ import annotations

import logging
import os
from typing import Iterable

log = logging.getLogger("protokoll.pipeline")


def prune_paths(db, writer, roots: list[str], files: list[str], skipped: list[tuple[str, str]],
                opened: set[str]) -> None:
    """Remove from the store (``writer.dbs``: the database or its shards; ``db`` is kept for
    callers) each path under ``roots`` that :func:`vanished` finds gone,
    into ``writer.summary.pruned``. A root folder that held no files blocks its part."""
    blocked = [p for p, _reason in skipped]
    for root in roots:
        if os.path.isdir(root) and not any(_under(f, root) for f in files):
            writer.summary.skipped.append((root, "the folder holds no files: nothing under it is pruned"))
            blocked.append(root)
    for path in vanished(writer.dbs.stored_paths(), roots, writer.seen, opened, blocked):
        writer.dbs.remove_path(path)
        writer.summary.pruned.append(path)
        log.info("pruned %s", path, extra={"path": path, "status": "pruned"})


def vanished(stored: Iterable[str], roots: list[str], seen: set[str], opened: set[str],
             blocked: list[str]) -> list[str]:
    """The ``stored`` paths whose files are gone, judged after a whole walk of ``roots``.

    A path is gone when it lies under a root (a folder, or a zip file for its members),
    the walk did not give it, nothing exists there, and it is not under a ``blocked``
    path (a folder that could not be listed, a root that held no files: an unmounted
    disk must not empty the database). An archive member is gone when its archive was
    read in this walk (``opened``) without it, or its archive is gone too; never while
    its archive is there but could not be read.
    """
    def gone(path: str) -> bool:
        if path in seen or any(_under(path, b) for b in blocked) or os.path.lexists(path):
            return False
        head = path
        while "!" in head:  # an archive member: look at its archive, then at that one's
            head = head.rsplit("!", 1)[0]
            if head in opened:
                return True
            if head in seen or os.path.lexists(head):
                return False
        return True

    return sorted(p for p in stored if any(_under(p, r) for r in roots) and gone(p))


def _under(path: str, base: str) -> bool:
    """``path`` is ``base``, in the folder ``base`` or a member of the archive ``base``."""
    return path == base or path.startswith((base + os.sep, base + "!"))
