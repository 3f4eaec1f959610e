"""The SQLite store: one database file holds every imported protocol.

    >>> from protokoll import store
    >>> db = store.open("protokoll.db")          # a sqlite_utils.Database
    >>> doc_id = store.save(db, protocol)        # one document, one transaction

Schema (``SCHEMA_VERSION`` 7; column names are stable, other modules build on them).
Every id is a :func:`protokoll.records.stable_id` of natural keys, so re-importing the
same bytes gives the same ids. A document's id is a hash of its sha256; the id of every
row under it (:func:`protokoll.records.child_id`) starts with the document's id, so one
document's rows sit together in each index. Children are deleted with their document
(``ON DELETE CASCADE``). Lists are stored as JSON arrays (sqlite-utils convention).

``documents``       id, path, sha256 (unique), format, pages, size, imported_at,
                    status ('ok' | 'failed'), error_code, error, stage
                    ('read' | 'parse' | 'tag' | 'save'), replaces (JSON list of the
                    ids of earlier versions of the file at this path or at one of
                    its other paths, newest first), kind ('protocol' | 'agenda' |
                    'extract', from the document's own title; NULL if failed or
                    stored before version 4)
``document_paths``  document_id, path: every path the same bytes were found under
``meetings``        id (a child id of its main source's document id: it moves with the
                    main source), document_id (its main source), body, date
                    (YYYY-MM-DD), start, end (HH:MM), place, posted, taken_down,
                    kept_at (the ANSLAG/BEVIS block), appeal_last_day, appeal_note (the
                    last day to appeal, or why none: :mod:`protokoll.appeal`), organisation
                    (the municipality, region or authority the protocol names itself by,
                    :mod:`protokoll.parsers.organisation`; NULL if it does not say, and
                    for meetings stored before version 7): one row per meeting however
                    many files hold it
``meeting_sources`` document_id, meeting_id, main (1 for the main source), items (how
                    many the file has), rule (why the file belongs to the meeting:
                    'main source', else the rule of :mod:`protokoll.grouping` by which
                    it matches the main source; see :mod:`.meetings`)
``readings``        document_id, protocol (the file's parse, zlib-compressed JSON; its
                    source's path left out: the document's paths are its own rows)
``items``           id, meeting_id, position (0-based order in the document), number,
                    label ("§ 94/24"), title, kind, page, dnr, presenters, notes, text,
                    immediate (1: justerad omedelbart, OJ), appeal_last_day, appeal_note
                    (the meeting's, an OJ item's own: :func:`protokoll.appeal.item_deadline`),
                    case_id (its row in ``cases``; NULL without a Dnr)
``decisions``       id, item_id, position, by, kind, outcome, text
``clauses``         id, decision_id, item_id, position, text, start/end (offsets of
                    the clause in the item's text, ``Decision.spans``; NULL if not found), amounts (JSON
                    list of the MONEY values inside the clause), amount (their sum),
                    decided_amount (the sum of those whose role is 'decided', in SEK;
                    NULL if none; filled for older rows by the migration, see
                    :func:`.migrations.v4_to_v5`), page (where the clause starts; NULL
                    without pages or span)
``motions``         id, item_id, position, by, text
``people``          id (canonical person id), name, variants (JSON), rule, names (JSON)
``organisations``   id (canonical organisation id), name, variants (JSON), rule, names
                    (both shared by all documents, every saved file adding to them, main
                    source or not, and kept when documents go: ``names`` counts the files
                    per spelling, ``name`` is the spelling most files give, ``variants``
                    and ``rule`` the sorted unions; :func:`.sql.merge_canonicals`)
``attendance``      id, meeting_id, position, name, person_id, status, role, party,
                    organisation, organisation_id, paragraphs (JSON; [] = all)
``entities``        id, document_id, item_id (NULL for header/attendance), label,
                    text, value (number, ISO date or JSON range), currency, start, end,
                    person_id, organisation_id, rule, role and role_rule (MONEY:
                    'decided' | 'breakdown' | 'reference' and the rule that chose it)
``votes``           id, item_id, yes, no, abstain, yes_means, no_means (what a yes and a
                    no vote stood for), members (JSON [{name, vote}])
``person_votes``    id, item_id, position, name (as written), person_id, vote (yes, no,
                    abstain, absent): the roll-call's members one row each, the person
                    resolved as an attendee is (so "how did X vote" is one query)
``reservations``    id, item_id, position, name, person_id
``conflicts``       id, item_id, position, name, person_id   (jäv)
``sent_to``         id, item_id, position, recipient, organisation_id
``cases``           id (stable id of organisation and key; of the meeting and key where
                    the organisation is unknown), organisation, key (the Dnr normalised:
                    "KF 2024:167", :mod:`protokoll.parsers.dnr`), dnr (JSON list of the
                    spellings seen), first_date, last_date, items, meetings, bodies (JSON,
                    in the order they first dealt with it): a summary of the items,
                    rewritten for the cases of every meeting served or deleted
                    (:mod:`.cases`)
``warnings``        id, document_id, position, message
``_meta``           key, value: ``schema_version``
``quality``         one row per document: the self-check of its parse, and view
                    ``documents_to_check`` (see :mod:`protokoll.quality`)

View ``decision_register``: one row per clause of a protocol or extract, never of an
agenda (see :data:`.schema.VIEWS`). Full-text search
tables ``items_fts`` (title, text) and ``clauses_fts`` (text) are external-content
FTS5 tables kept in sync by triggers; see :mod:`protokoll.search`.

One meeting, several files: the meeting's rows (items and everything under them,
attendance, entities) are those of its main source; the other files keep their
``documents``, ``document_paths``, ``warnings`` and ``quality`` rows and their reading.
When the main source is deleted, the next one is served from its reading.

No table depends on the order in which the files of an import are saved (one worker,
several, or a cluster): every choice the store makes among files is made by a fixed rule
over all of them (the main source, the meeting's id, each source's rule, a person's
name), see :mod:`.meetings` and :func:`.sql.merge_canonicals`.

A path belongs to one document at a time: the one for the bytes last found there.
``documents.path`` is the first of the document's paths in code-point order (where the
same bytes lie at several paths, never the one that happened to be read first).
When a path is saved (:func:`save`), recorded as failed (:func:`record_failure`) or
added to another document (:func:`add_path`: its bytes changed into bytes the store
already has), every other document lets go of it. Such a document keeps its row if it
still has another path (``documents.path`` moves to the first remaining one); if the
path was its last one it is deleted like a replaced version, and its id (with its own
``replaces``) goes into ``replaces`` of the document that took the path.
Paths are not removed because a file disappeared, unless asked (:func:`remove_path`,
an import that prunes): without it a renamed file (``a.pdf`` -> ``c.pdf``, same
bytes) is one document listing both paths, ``documents.path`` the first of them in
code-point order (``a.pdf``).

Modules: :mod:`.schema` (the DDL of this version, views, search indexes), :mod:`.cases`
(items' case ids and the ``cases`` rows),
:mod:`.migrations` (one function per version step, run in one transaction),
:mod:`.rows` (a Protocol to rows, pure), :mod:`.meetings` (filing a document under its
meeting, serving the main source, ``readings``), :mod:`.paths` (``document_paths`` and
``replaces``), :mod:`.connection` (opening), :mod:`.sql` (transaction, inserts) and
:mod:`.shards` (a folder of databases, one per year or body: ``ingest --shard-by``).
"""

from __future__ import annotations

import json

import sqlite_utils

from protokoll.records import Protocol, stable_id
from protokoll.store import meetings, paths
from protokoll.store.connection import BUSY_TIMEOUT_MS, open, open_read  # noqa: A004
from protokoll.store.migrations import migrate, schema_version
from protokoll.store.paths import add_path, known_paths, remove_path, stored_paths, unread_sha256
from protokoll.store.rows import canonical_rows, document_rows
from protokoll.store.schema import INDEXES, SCHEMA_VERSION, TABLES, VIEWS
from protokoll.store.sql import insert, now, transaction, unique

__all__ = [
    "BUSY_TIMEOUT_MS", "INDEXES", "SCHEMA_VERSION", "TABLES", "VIEWS", "add_path", "known", "known_paths",
    "last_import", "migrate", "open", "open_read", "record_failure", "record_import", "remove_path", "save",
    "schema_version", "stored_paths", "unread_sha256",
]


def known(db: sqlite_utils.Database) -> dict[str, str]:
    """sha256 -> status ('ok' | 'failed') of every document, to skip files already imported."""
    return dict(db.execute("SELECT sha256, status FROM documents").fetchall())


def record_import(db: sqlite_utils.Database, report: dict) -> None:
    """Keep what the running (or last) import did (its start, seconds, files per worker)
    in ``_meta`` as JSON, for ``protokoll status``: no table of its own, so no schema step."""
    with transaction(db):
        db.execute("INSERT OR REPLACE INTO _meta (key, value) VALUES ('last_import', ?)", [json.dumps(report)])


def last_import(db: sqlite_utils.Database) -> dict | None:
    """What :func:`record_import` kept, or None (no import recorded it yet)."""
    if not db["_meta"].exists():
        return None
    row = db.execute("SELECT value FROM _meta WHERE key = 'last_import'").fetchone()
    return json.loads(row[0]) if row else None


def record_failure(db, *, path, sha256, format, error, stage, size=None, imported_at=None) -> str:  # noqa: A002
    """Record a file that could not be imported; returns its document id.

    ``error`` is a :class:`~protokoll.errors.ProtokollError` (its ``code`` goes to
    ``error_code``) or a plain message. A successful import of the same bytes is kept
    as it is; an earlier failure of the same bytes is replaced by this one.
    """
    doc_id = stable_id(sha256)
    code = getattr(error, "code", "internal")
    reason = getattr(error, "reason", None) or " ".join(str(error).split())
    row = {
        "id": doc_id, "path": str(path), "sha256": sha256, "format": format, "size": size,
        "imported_at": imported_at or now(), "status": "failed", "error_code": code,
        "error": reason, "stage": stage,
    }
    with transaction(db):
        status = db.execute("SELECT status FROM documents WHERE id = ?", [doc_id]).fetchone()
        if status is None:
            _removed, history = paths.release(db, str(path), doc_id)
            row["replaces"] = json.dumps(unique(history)) if history else None
            insert(db, "documents", [row])
            insert(db, "document_paths", [{"document_id": doc_id, "path": str(path)}], ignore=True)
        elif status[0] == "failed":
            _removed, history = paths.release(db, str(path), doc_id)
            history += paths.replaced(db, doc_id)
            row["replaces"] = json.dumps(unique(history)) if history else None
            cols = ", ".join(f"{k} = :{k}" for k in row if k != "id")
            db.execute(f"UPDATE documents SET {cols} WHERE id = :id", row)
            insert(db, "document_paths", [{"document_id": doc_id, "path": str(path)}], ignore=True)
            paths.first_path(db, doc_id)
    return doc_id


def save(db: sqlite_utils.Database, protocol: Protocol, *, path=None, imported_at=None) -> str:
    """Write one whole protocol in one transaction; returns the document id.

    Saving the same bytes (sha256) again changes nothing. Saving new bytes for a path
    that already holds a document replaces that document (and everything under it) in
    the same transaction; its id is kept in ``documents.replaces``. A document that
    still has another path keeps its row and only loses this path (module docstring).
    """
    src = protocol.source
    path = str(path if path is not None else src.path)
    doc_id = stable_id(src.sha256)
    with transaction(db):
        status = db.execute("SELECT status FROM documents WHERE id = ?", [doc_id]).fetchone()
        if status and status[0] == "ok":
            return doc_id
        history = []
        if status:  # an earlier failure of these bytes
            history = paths.replaced(db, doc_id)
            db.execute("DELETE FROM documents WHERE id = ?", [doc_id])
        _removed, released = paths.release(db, path, doc_id)
        history += released
        insert(db, "documents", [{
            "id": doc_id, "path": path, "sha256": src.sha256, "format": src.format,
            "pages": src.pages, "size": src.size, "imported_at": imported_at or now(),
            "status": "ok", "replaces": json.dumps(unique(history)) if history else None,
            "kind": protocol.kind,
        }])
        insert(db, "document_paths", [{"document_id": doc_id, "path": path}])
        for table, rows in {**document_rows(doc_id, protocol), **canonical_rows(protocol)}.items():
            insert(db, table, rows)
        meetings.file(db, doc_id, protocol)
    return doc_id
