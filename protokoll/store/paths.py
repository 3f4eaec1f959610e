"""Path history: which paths a document's bytes were found under (``document_paths``),
and which documents a newer version of a file replaced (``documents.replaces``).

A path belongs to one document at a time (see :mod:`protokoll.store`): :func:`release`
takes it from every other document, deleting one left without a path;
:func:`add_path` and :func:`remove_path` are the public ways to move and forget paths.
``documents.path`` is the first of a document's paths in code-point order
(:func:`first_path`), so it does not depend on which copy of the bytes was read first.
"""

from __future__ import annotations

import hashlib
import json

import sqlite_utils

from protokoll.store import meetings
from protokoll.store.sql import transaction, unique


def add_path(db: sqlite_utils.Database, sha256: str, path) -> list[str]:
    """Record that the bytes with this sha256 (already imported) also live at ``path``.

    Any other document that listed ``path`` (the file there had other bytes before)
    lets go of it (see the module docstring). Returns the sha256 of the documents that
    were deleted because ``path`` was their last path. Raises :class:`KeyError` when no
    document holds these bytes (any more): the file has to be imported, not added.
    """
    path = str(path)
    with transaction(db):
        row = db.execute("SELECT id FROM documents WHERE sha256 = ?", [sha256]).fetchone()
        if row is None:
            raise KeyError(sha256)
        doc_id = row[0]
        removed, history = release(db, path, doc_id)
        db.execute("INSERT OR IGNORE INTO document_paths (document_id, path) VALUES (?, ?)", [doc_id, path])
        db.execute("UPDATE documents SET path = ? WHERE id = ? AND (path IS NULL OR path > ?)", [path, doc_id, path])
        if history:
            db.execute("UPDATE documents SET replaces = ? WHERE id = ?",
                       [json.dumps(unique(history + replaced(db, doc_id))), doc_id])
    return removed


def remove_path(db: sqlite_utils.Database, path) -> list[str]:
    """Forget ``path``: its file is gone (an import asked to prune the walked folders).

    Every document that listed it lets go of it; one left without a path is deleted,
    as a failure recorded for it is. Returns the sha256 of the deleted documents. A
    path the store does not have changes nothing.
    """
    with transaction(db):
        removed, _history = release(db, str(path), "")  # "" is no document's id
    return removed


def release(db, path: str, keep_id: str) -> tuple[list[str], list[str]]:
    """Take ``path`` from every document but ``keep_id``; inside a transaction.

    A document with other paths left keeps its row (``documents.path`` moves to the
    first remaining path); one without is deleted. Returns the sha256 of the deleted
    documents, and their ids and histories (newest first) for ``replaces``.
    """
    removed: list[str] = []
    history: list[str] = []
    for old_id, old_sha, old_path, old_history in db.execute(
        "SELECT id, sha256, path, replaces FROM documents WHERE id != ? AND (path = ? OR id IN "
        "(SELECT document_id FROM document_paths WHERE path = ?)) ORDER BY imported_at DESC, id",
        [keep_id, path, path],
    ).fetchall():
        db.execute("DELETE FROM document_paths WHERE document_id = ? AND path = ?", [old_id, path])
        left = sorted(p for (p,) in db.execute(
            "SELECT path FROM document_paths WHERE document_id = ?", [old_id]))
        if old_path not in (None, path) and old_path not in left:  # a row from before document_paths
            left.insert(0, old_path)
        if left:
            if old_path == path:
                db.execute("UPDATE documents SET path = ? WHERE id = ?", [left[0], old_id])
            continue
        history += [old_id, *json.loads(old_history or "[]")]
        removed.append(old_sha)
        meetings.delete_document(db, old_id)
    return removed, history


def first_path(db, doc_id: str) -> None:
    """Make ``documents.path`` the first of the document's paths in code-point order."""
    db.execute("UPDATE documents SET path = (SELECT min(path) FROM document_paths WHERE document_id = :id) "
               "WHERE id = :id AND EXISTS (SELECT 1 FROM document_paths WHERE document_id = :id "
               "AND path < documents.path)", {"id": doc_id})


def replaced(db, doc_id: str) -> list[str]:
    """The ids the document replaced (its ``documents.replaces``), newest first."""
    row = db.execute("SELECT replaces FROM documents WHERE id = ?", [doc_id]).fetchone()
    return json.loads(row[0]) if row and row[0] else []


def known_paths(db) -> dict[str, set[str]]:
    """sha256 -> every path the store has for it (``documents.path`` and ``document_paths``),
    for documents and recorded failures alike."""
    out: dict[str, set[str]] = {}
    for sha, path in db.execute(
        "SELECT sha256, path FROM documents WHERE path IS NOT NULL "
        "UNION SELECT d.sha256, p.path FROM document_paths p JOIN documents d ON d.id = p.document_id"
    ):
        out.setdefault(sha, set()).add(path)
    return out


def stored_paths(db) -> set[str]:
    """Every path the store has, of documents and of failures (what a prune looks at)."""
    return set().union(*known_paths(db).values())


def unread_sha256(path) -> str:
    """The key a failure of a file that was never read is recorded under (no bytes to hash)."""
    return "unread:" + hashlib.sha256(str(path).encode("utf-8", "surrogateescape")).hexdigest()
