"""The SQLite store: one database file holds every imported protocol.

    >>> from protokoll import store
    >>> db = store.open("protokoll.db")          # a sqlite_utils.Database
    >>> doc_id = store.save(db, protocol)        # one document, one transaction

Schema (``SCHEMA_VERSION`` 5; column names are stable, other modules build on them).
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
``meetings``        id, document_id (its main source), body, date (YYYY-MM-DD), start,
                    end (HH:MM), place: one row per meeting however many files hold it
``meeting_sources`` document_id, meeting_id, main (1 for the main source), items (how
                    many the file has), rule (why the file belongs to the meeting:
                    :mod:`protokoll.grouping`)
``readings``        document_id, protocol (the file's parse, zlib-compressed JSON)
``items``           id, meeting_id, position (0-based order in the document), number,
                    label ("§ 94/24"), title, kind, page, dnr, presenters, notes, text
``decisions``       id, item_id, position, by, kind, outcome, text
``clauses``         id, decision_id, item_id, position, text, start/end (offsets of
                    the clause in the item's text, NULL if not found), amounts (JSON
                    list of the MONEY values inside the clause), amount (their sum),
                    decided_amount (the sum of those whose role is 'decided', in SEK;
                    NULL if none; filled for older rows by the migration, see
                    :mod:`protokoll.amounts`), page (where the clause starts; NULL
                    without pages or span)
``motions``         id, item_id, position, by, text
``people``          id (canonical person id), name, variants (JSON), rule
``organisations``   id (canonical organisation id), name, variants (JSON), rule
                    (both shared by all documents: variants are merged, rows kept)
``attendance``      id, meeting_id, position, name, person_id, status, role, party,
                    organisation, organisation_id, paragraphs (JSON; [] = all)
``entities``        id, document_id, item_id (NULL for header/attendance), label,
                    text, value (number, ISO date or JSON range), currency, start, end,
                    person_id, organisation_id, rule, role and role_rule (MONEY:
                    'decided' | 'breakdown' | 'reference' and the rule that chose it)
``votes``           id, item_id, yes, no, abstain, yes_means, no_means (what a yes and a
                    no vote stood for), members (JSON [{name, vote}])
``reservations``    id, item_id, position, name, person_id
``conflicts``       id, item_id, position, name, person_id   (jäv)
``sent_to``         id, item_id, position, recipient, organisation_id
``warnings``        id, document_id, position, message
``_meta``           key, value: ``schema_version``
``quality``         one row per document: the self-check of its parse, and view
                    ``documents_to_check`` (see :mod:`protokoll.quality`)

View ``decision_register``: one row per clause of a protocol or extract, never of an
agenda (see :data:`VIEWS`). Full-text search
tables ``items_fts`` (title, text) and ``clauses_fts`` (text) are external-content
FTS5 tables kept in sync by triggers; see :mod:`protokoll.search`.

One meeting, several files: the meeting's rows (items and everything under them,
attendance, entities) are those of its main source; the other files keep their
``documents``, ``document_paths``, ``warnings`` and ``quality`` rows and their reading.
When the main source is deleted, the next one is served from its reading.

A path belongs to one document at a time: the one for the bytes last found there.
When a path is saved (:func:`save`), recorded as failed (:func:`record_failure`) or
added to another document (:func:`add_path`: its bytes changed into bytes the store
already has), every other document lets go of it. Such a document keeps its row if it
still has another path (``documents.path`` moves to the first remaining one); if the
path was its last one it is deleted like a replaced version, and its id (with its own
``replaces``) goes into ``replaces`` of the document that took the path.
Paths are not removed because a file disappeared, unless asked (:func:`remove_path`,
``protokoll ingest --prune``): without it a renamed file (``a.pdf`` -> ``c.pdf``, same
bytes) is one document listing both paths, ``documents.path`` still the old one.
"""

from __future__ import annotations

import json
import os
import sqlite3
import urllib.parse
import zlib
from datetime import datetime, timezone

import sqlite_utils

from protokoll import amounts, grouping, paths, quality, search
from protokoll.clausespan import item_clause_spans
from protokoll.errors import DatabaseBusy, DatabaseError
from protokoll.records import Protocol, child_id, stable_id, to_dict

SCHEMA_VERSION = 5  # 2: votes.yes_means, votes.no_means; 3: search.FTS_SETTINGS (automerge 16);
# 4: documents.kind, the quality table (backfilled from the stored items); 5: one meeting
# for the files that record it (meeting_sources, readings)
BUSY_TIMEOUT_MS = 30_000

TABLES = """
CREATE TABLE IF NOT EXISTS _meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY,
    path TEXT,
    sha256 TEXT NOT NULL UNIQUE,
    format TEXT,
    pages INTEGER,
    size INTEGER,
    imported_at TEXT,
    status TEXT NOT NULL DEFAULT 'ok',
    error_code TEXT,
    error TEXT,
    stage TEXT,
    replaces TEXT,
    kind TEXT
);
CREATE TABLE IF NOT EXISTS document_paths (
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    path TEXT NOT NULL,
    PRIMARY KEY (document_id, path)
);
CREATE TABLE IF NOT EXISTS meetings (
    id TEXT PRIMARY KEY,
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    body TEXT,
    date TEXT,
    start TEXT,
    "end" TEXT,
    place TEXT
);
CREATE TABLE IF NOT EXISTS meeting_sources (
    document_id TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
    meeting_id TEXT NOT NULL,
    main INTEGER NOT NULL DEFAULT 0,
    items INTEGER,
    rule TEXT
);
CREATE TABLE IF NOT EXISTS readings (
    document_id TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
    protocol BLOB
);
CREATE TABLE IF NOT EXISTS items (
    id TEXT PRIMARY KEY,
    meeting_id TEXT NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    position INTEGER,
    number TEXT,
    label TEXT,
    title TEXT,
    kind TEXT,
    page INTEGER,
    dnr TEXT,
    presenters TEXT,
    notes TEXT,
    text TEXT
);
CREATE TABLE IF NOT EXISTS decisions (
    id TEXT PRIMARY KEY,
    item_id TEXT NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    position INTEGER,
    "by" TEXT,
    kind TEXT,
    outcome TEXT,
    text TEXT
);
CREATE TABLE IF NOT EXISTS clauses (
    id TEXT PRIMARY KEY,
    decision_id TEXT NOT NULL REFERENCES decisions(id) ON DELETE CASCADE,
    item_id TEXT REFERENCES items(id) ON DELETE CASCADE,
    position INTEGER,
    text TEXT,
    start INTEGER,
    "end" INTEGER,
    amounts TEXT,
    amount REAL,
    page INTEGER,
    decided_amount REAL
);
CREATE TABLE IF NOT EXISTS motions (
    id TEXT PRIMARY KEY,
    item_id TEXT NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    position INTEGER,
    "by" TEXT,
    text TEXT
);
CREATE TABLE IF NOT EXISTS people (
    id TEXT PRIMARY KEY,
    name TEXT,
    variants TEXT,
    rule TEXT
);
CREATE TABLE IF NOT EXISTS organisations (
    id TEXT PRIMARY KEY,
    name TEXT,
    variants TEXT,
    rule TEXT
);
CREATE TABLE IF NOT EXISTS attendance (
    id TEXT PRIMARY KEY,
    meeting_id TEXT NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    position INTEGER,
    name TEXT,
    person_id TEXT REFERENCES people(id),
    status TEXT,
    role TEXT,
    party TEXT,
    organisation TEXT,
    organisation_id TEXT REFERENCES organisations(id),
    paragraphs TEXT
);
CREATE TABLE IF NOT EXISTS entities (
    id TEXT PRIMARY KEY,
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    item_id TEXT REFERENCES items(id) ON DELETE CASCADE,
    label TEXT,
    text TEXT,
    value,
    currency TEXT,
    start INTEGER,
    "end" INTEGER,
    person_id TEXT REFERENCES people(id),
    organisation_id TEXT REFERENCES organisations(id),
    rule TEXT,
    role TEXT,
    role_rule TEXT
);
CREATE TABLE IF NOT EXISTS votes (
    id TEXT PRIMARY KEY,
    item_id TEXT NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    yes INTEGER,
    no INTEGER,
    abstain INTEGER,
    members TEXT,
    yes_means TEXT,
    no_means TEXT
);
CREATE TABLE IF NOT EXISTS reservations (
    id TEXT PRIMARY KEY,
    item_id TEXT NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    position INTEGER,
    name TEXT,
    person_id TEXT REFERENCES people(id)
);
CREATE TABLE IF NOT EXISTS conflicts (
    id TEXT PRIMARY KEY,
    item_id TEXT NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    position INTEGER,
    name TEXT,
    person_id TEXT REFERENCES people(id)
);
CREATE TABLE IF NOT EXISTS sent_to (
    id TEXT PRIMARY KEY,
    item_id TEXT NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    position INTEGER,
    recipient TEXT,
    organisation_id TEXT REFERENCES organisations(id)
);
CREATE TABLE IF NOT EXISTS warnings (
    id TEXT PRIMARY KEY,
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    position INTEGER,
    message TEXT
);
""" + quality.TABLE

# Every foreign key is indexed (cascading deletes and joins stay fast on 1M rows).
INDEXES = """
CREATE INDEX IF NOT EXISTS documents_path ON documents(path);
CREATE INDEX IF NOT EXISTS documents_status ON documents(status);
CREATE INDEX IF NOT EXISTS document_paths_path ON document_paths(path);
CREATE INDEX IF NOT EXISTS meetings_document ON meetings(document_id);
CREATE INDEX IF NOT EXISTS meetings_body_date ON meetings(body, date);
CREATE INDEX IF NOT EXISTS meetings_date ON meetings(date);
CREATE INDEX IF NOT EXISTS meeting_sources_meeting ON meeting_sources(meeting_id);
CREATE INDEX IF NOT EXISTS items_meeting ON items(meeting_id);
CREATE INDEX IF NOT EXISTS items_kind ON items(kind);
CREATE INDEX IF NOT EXISTS decisions_item ON decisions(item_id);
CREATE INDEX IF NOT EXISTS decisions_outcome ON decisions(outcome);
CREATE INDEX IF NOT EXISTS clauses_decision ON clauses(decision_id);
CREATE INDEX IF NOT EXISTS clauses_item ON clauses(item_id);
CREATE INDEX IF NOT EXISTS clauses_amount ON clauses(amount);
CREATE INDEX IF NOT EXISTS clauses_decided_amount ON clauses(decided_amount);
CREATE INDEX IF NOT EXISTS motions_item ON motions(item_id);
CREATE INDEX IF NOT EXISTS attendance_meeting ON attendance(meeting_id);
CREATE INDEX IF NOT EXISTS attendance_person ON attendance(person_id);
CREATE INDEX IF NOT EXISTS attendance_party ON attendance(party);
CREATE INDEX IF NOT EXISTS attendance_organisation ON attendance(organisation_id);
CREATE INDEX IF NOT EXISTS entities_document ON entities(document_id);
CREATE INDEX IF NOT EXISTS entities_item ON entities(item_id, label);
CREATE INDEX IF NOT EXISTS entities_person ON entities(person_id);
CREATE INDEX IF NOT EXISTS entities_organisation ON entities(organisation_id);
CREATE INDEX IF NOT EXISTS votes_item ON votes(item_id);
CREATE INDEX IF NOT EXISTS reservations_item ON reservations(item_id);
CREATE INDEX IF NOT EXISTS reservations_person ON reservations(person_id);
CREATE INDEX IF NOT EXISTS conflicts_item ON conflicts(item_id);
CREATE INDEX IF NOT EXISTS conflicts_person ON conflicts(person_id);
CREATE INDEX IF NOT EXISTS sent_to_item ON sent_to(item_id);
CREATE INDEX IF NOT EXISTS sent_to_organisation ON sent_to(organisation_id);
CREATE INDEX IF NOT EXISTS warnings_document ON warnings(document_id);
""" + quality.INDEX

# Derived columns that older versions did not have.
BACKFILL = """
INSERT OR IGNORE INTO meeting_sources (document_id, meeting_id, main, items, rule)
SELECT document_id, id, 1, (SELECT count(*) FROM items WHERE items.meeting_id = meetings.id), 'first source'
FROM meetings;
UPDATE clauses SET item_id = (SELECT item_id FROM decisions WHERE decisions.id = clauses.decision_id)
WHERE item_id IS NULL;
"""

# The decision register: one row per clause of a meeting's protocol or extract (an agenda
# decides nothing: its proposals stay out), as read from the meeting's main source;
# ``source`` is that file, ``sources`` every file of the meeting, main source first. Order by date, body, document_id,
# item_position, decision_position, clause_position for the order of the minutes).
# ``clause_rowid`` is the clauses_fts rowid (Datasette: fts_table clauses_fts, fts_pk
# clause_rowid). ``amounts`` is a JSON list, ``amount`` their sum (NULL if none),
# ``decided_amount`` the sum of the decided ones only: the money the clause decides.
# ``page`` is where the clause starts, or the item's page for a clause without one.
VIEWS = """
DROP VIEW IF EXISTS decision_register;
CREATE VIEW decision_register AS
SELECT
    meetings.date AS date,
    meetings.body AS body,
    items.label AS paragraph,
    items.number AS item_number,
    items.position AS item_position,
    items.title AS title,
    items.dnr AS dnr,
    decisions.kind AS decision_kind,
    decisions.outcome AS outcome,
    decisions."by" AS decided_by,
    decisions.position AS decision_position,
    clauses.position AS clause_position,
    clauses.text AS clause,
    clauses.amounts AS amounts,
    clauses.amount AS amount,
    clauses.decided_amount AS decided_amount,
    (SELECT group_concat(recipient, '; ') FROM
        (SELECT recipient FROM sent_to WHERE sent_to.item_id = items.id ORDER BY position)
    ) AS sent_to,
    documents.path AS source,
    COALESCE(clauses.page, items.page) AS page,
    (SELECT group_concat(path, '; ') FROM
        (SELECT documents.path FROM meeting_sources JOIN documents ON documents.id = meeting_sources.document_id
         WHERE meeting_sources.meeting_id = meetings.id ORDER BY meeting_sources.main DESC, documents.path)
    ) AS sources,
    documents.id AS document_id,
    meetings.id AS meeting_id,
    items.id AS item_id,
    decisions.id AS decision_id,
    clauses.id AS clause_id,
    clauses.rowid AS clause_rowid
FROM clauses
JOIN decisions ON decisions.id = clauses.decision_id
JOIN items ON items.id = decisions.item_id
JOIN meetings ON meetings.id = items.meeting_id
JOIN documents ON documents.id = meetings.document_id
WHERE documents.kind IS NOT 'agenda';
""" + quality.VIEW


def open(path) -> sqlite_utils.Database:  # noqa: A001 - mirrors sqlite_utils.Database(path)
    """Open or create the database at ``path`` with WAL, foreign keys and the current schema."""
    try:
        db = sqlite_utils.Database(str(path))
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA foreign_keys = ON")
        db.execute("PRAGMA synchronous = NORMAL")
        migrate(db)
    except sqlite3.DatabaseError as e:
        raise _open_error(e, path) from None
    return db


def open_read(path) -> sqlite_utils.Database:
    """Open an existing database only to read it: nothing is written, not even SQLite's
    ``-wal``/``-shm`` files, so a database on a read-only medium (a DVD, a ``ro`` mount)
    or in a folder you may not write to can be read.

    An older schema is migrated (:func:`open`) where the file can be written; elsewhere it
    cannot be read (its tables and views are not those of this version): DatabaseError.
    """
    path = os.path.abspath(path)
    if not os.path.isfile(path):
        raise DatabaseError("no such database file", path=path,
                            hint="check the path; `protokoll ingest FOLDER --db DB` creates a database")
    db = _open_uri(path)
    try:
        version = schema_version(db)
    except sqlite3.DatabaseError as e:
        db.close()
        raise _open_error(e, path) from None
    if version > SCHEMA_VERSION:
        db.close()
        raise DatabaseError(f"database schema version {version} is newer than this protokoll ({SCHEMA_VERSION})",
                            path=path, hint="upgrade protokoll")
    if version < SCHEMA_VERSION:
        db.close()
        if paths.problem(path, folder_too=True) is None:
            return open(path)
        raise DatabaseError(
            f"database schema version {version} is older than this protokoll ({SCHEMA_VERSION}) "
            "and cannot be upgraded where it is (read-only)", path=path,
            hint="copy it to a writable disk and open it there once to upgrade it")
    return db


def _open_uri(path: str) -> sqlite_utils.Database:
    """A read-only connection; ``immutable`` where SQLite cannot make the WAL index beside a
    WAL database (the folder is read-only, so no one else can change the file either)."""
    last = None
    for params in ("mode=ro", "mode=ro&immutable=1"):
        try:
            conn = sqlite3.connect(f"file:{urllib.parse.quote(path)}?{params}", uri=True, check_same_thread=False)
        except sqlite3.DatabaseError as e:
            last = e
            continue
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return sqlite_utils.Database(conn)
        except sqlite3.DatabaseError as e:
            conn.close()
            last = e
            if "unable to open" not in str(e) and "readonly" not in str(e):
                break
    raise _open_error(last, path)


def _open_error(e: sqlite3.DatabaseError, path) -> DatabaseError:
    """The error of a database that could not be opened, with its cause where the path says it."""
    message = str(e)
    if "unable to open" in message or "readonly" in message or "read-only" in message:
        found = paths.problem(path, folder_too=True)
        if found:
            return DatabaseError(found[0], path=path, hint=found[1])
    if "not a database" in message or "malformed" in message:
        return DatabaseError("not a SQLite database, or a damaged one", path=path,
                             hint="check the path; a damaged database can often be saved with sqlite3's .recover")
    return _database_error(e, path, stage=None)


def schema_version(db: sqlite_utils.Database) -> int:
    """The recorded schema version: 0 for a database made before versions were recorded."""
    if not db["_meta"].exists():
        return 0
    row = db.execute("SELECT value FROM _meta WHERE key = 'schema_version'").fetchone()
    return int(row[0]) if row else 0


def migrate(db: sqlite_utils.Database) -> int:
    """Create the schema, or bring an older database up to :data:`SCHEMA_VERSION`.

    Missing tables, columns, indexes, views and search indexes are created, tables
    whose foreign keys do not cascade are rebuilt, the search index is rebuilt from the
    stored rows (from versions before 2) and its settings are stored; amounts stored
    before they had roles get them (:func:`protokoll.amounts.backfill`). Returns the
    version the database had before.
    """
    new = not db.table_names()
    before = SCHEMA_VERSION if new else schema_version(db)
    if before > SCHEMA_VERSION:
        raise DatabaseError(
            f"database schema version {before} is newer than this protokoll ({SCHEMA_VERSION})",
            hint="upgrade protokoll",
        )
    if before == SCHEMA_VERSION and db["_meta"].exists():
        return before
    if new and _create(db):
        return before
    db.executescript(TABLES)
    roles_missing = "decided_amount" not in {c.name for c in db["clauses"].columns}
    _upgrade_tables(db)
    db.executescript(BACKFILL)
    if roles_missing:
        amounts.backfill(db)  # amount roles and decided_amount for the stored rows
    db.executescript(INDEXES)
    db.executescript(VIEWS)
    if before < 4:
        quality.backfill(db)
    # Before version 2 an index could be stale or point at renumbered rowids; from 2 to 3
    # only the index settings change, and re-indexing a large archive takes minutes.
    search.enable(db, rebuild=before < 2)
    with db.conn:
        db.execute(_SET_VERSION, [str(SCHEMA_VERSION)])
    return before


_SET_VERSION = "INSERT OR REPLACE INTO _meta (key, value) VALUES ('schema_version', ?)"


def _create(db: sqlite_utils.Database) -> bool:
    """Give a brand-new database the whole schema in one transaction: a reader (Datasette)
    sees no tables or all of them, and a kill leaves a file with no schema, never half of
    one. The statements are those that :func:`migrate` runs, taken from a scratch copy in
    memory. Returns False, changing nothing, if another process created tables first."""
    scratch = sqlite_utils.Database(memory=True)
    scratch.executescript(TABLES + INDEXES + VIEWS)
    search.enable(scratch)
    rows = scratch.execute("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY rowid").fetchall()
    virtual = [name for name, sql in rows if sql.upper().startswith("CREATE VIRTUAL TABLE")]
    shadow = {f"{v}_{part}" for v in virtual for part in ("data", "idx", "content", "docsize", "config")}
    statements = [sql for name, sql in rows if name not in shadow]  # CREATE VIRTUAL TABLE makes them
    scratch.close()
    with _transaction(db):
        if db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
            return False
        for sql in statements:
            db.execute(sql)
        search.configure(db)
        db.execute(_SET_VERSION, [str(SCHEMA_VERSION)])
    return True


def _upgrade_tables(db: sqlite_utils.Database) -> None:
    """Bring older tables to :data:`TABLES`: add missing columns, and rebuild a table
    whose foreign keys lack ``ON DELETE CASCADE`` (copying its rows)."""
    scratch = sqlite3.connect(":memory:")
    scratch.executescript(TABLES)
    current = dict(scratch.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'"))
    for table, sql in current.items():
        have = {c.name for c in db[table].columns}
        for _, name, type_, _, default, _ in scratch.execute(f"PRAGMA table_info([{table}])"):
            if name not in have:
                default_sql = f" DEFAULT {default}" if default is not None else ""
                db.execute(f'ALTER TABLE [{table}] ADD COLUMN "{name}" {type_}{default_sql}')
    scratch.close()
    stale = [t for t, sql in current.items() if "CASCADE" in sql and "CASCADE" not in db[t].schema]
    if not stale:
        return
    db.execute("PRAGMA foreign_keys = OFF")  # rows are copied as they are
    db.execute("DROP VIEW IF EXISTS decision_register")
    db.execute("DROP VIEW IF EXISTS documents_to_check")
    with _transaction(db):
        for table in stale:
            columns = ", ".join(f'"{c.name}"' for c in db[table].columns)
            db.execute(current[table].replace(f"CREATE TABLE {table} ", f"CREATE TABLE _new_{table} ", 1))
            db.execute(f"INSERT INTO _new_{table} ({columns}) SELECT {columns} FROM [{table}]")
            db.execute(f"DROP TABLE [{table}]")
            db.execute(f"ALTER TABLE _new_{table} RENAME TO [{table}]")
    db.execute("PRAGMA foreign_keys = ON")


def known(db: sqlite_utils.Database) -> dict[str, str]:
    """sha256 -> status ('ok' | 'failed') of every document, to skip files already imported."""
    return dict(db.execute("SELECT sha256, status FROM documents").fetchall())


def add_path(db: sqlite_utils.Database, sha256: str, path) -> list[str]:
    """Record that the bytes with this sha256 (already imported) also live at ``path``.

    Any other document that listed ``path`` (the file there had other bytes before)
    lets go of it (see the module docstring). Returns the sha256 of the documents that
    were deleted because ``path`` was their last path. Raises :class:`KeyError` when no
    document holds these bytes (any more): the file has to be imported, not added.
    """
    path = str(path)
    with _transaction(db):
        row = db.execute("SELECT id FROM documents WHERE sha256 = ?", [sha256]).fetchone()
        if row is None:
            raise KeyError(sha256)
        doc_id = row[0]
        removed, history = _release_path(db, path, doc_id)
        db.execute("INSERT OR IGNORE INTO document_paths (document_id, path) VALUES (?, ?)", [doc_id, path])
        if history:
            db.execute("UPDATE documents SET replaces = ? WHERE id = ?",
                       [json.dumps(_unique(history + _history(db, doc_id))), doc_id])
    return removed


def remove_path(db: sqlite_utils.Database, path) -> list[str]:
    """Forget ``path``: its file is gone (``protokoll ingest --prune``).

    Every document that listed it lets go of it; one left without a path is deleted,
    as a failure recorded for it is. Returns the sha256 of the deleted documents. A
    path the store does not have changes nothing.
    """
    with _transaction(db):
        removed, _history = _release_path(db, str(path), "")  # "" is no document's id
    return removed


def _release_path(db, path: str, keep_id: str) -> tuple[list[str], list[str]]:
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
        _delete_document(db, old_id)
    return removed, history


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
        "imported_at": imported_at or _now(), "status": "failed", "error_code": code,
        "error": reason, "stage": stage,
    }
    with _transaction(db):
        status = db.execute("SELECT status FROM documents WHERE id = ?", [doc_id]).fetchone()
        if status is None:
            _removed, history = _release_path(db, str(path), doc_id)
            row["replaces"] = json.dumps(_unique(history)) if history else None
            _insert(db, "documents", [row])
            _insert(db, "document_paths", [{"document_id": doc_id, "path": str(path)}], ignore=True)
        elif status[0] == "failed":
            _removed, history = _release_path(db, str(path), doc_id)
            history += _history(db, doc_id)
            row["replaces"] = json.dumps(_unique(history)) if history else None
            cols = ", ".join(f"{k} = :{k}" for k in row if k != "id")
            db.execute(f"UPDATE documents SET {cols} WHERE id = :id", row)
            _insert(db, "document_paths", [{"document_id": doc_id, "path": str(path)}], ignore=True)
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
    with _transaction(db):
        status = db.execute("SELECT status FROM documents WHERE id = ?", [doc_id]).fetchone()
        if status and status[0] == "ok":
            return doc_id
        history = []
        if status:  # an earlier failure of these bytes
            history = _history(db, doc_id)
            db.execute("DELETE FROM documents WHERE id = ?", [doc_id])
        _removed, released = _release_path(db, path, doc_id)
        history += released
        _insert(db, "documents", [{
            "id": doc_id, "path": path, "sha256": src.sha256, "format": src.format,
            "pages": src.pages, "size": src.size, "imported_at": imported_at or _now(),
            "status": "ok", "replaces": json.dumps(_unique(history)) if history else None,
            "kind": protocol.kind,
        }])
        _insert(db, "document_paths", [{"document_id": doc_id, "path": path}])
        _insert(db, "warnings", [
            {"id": child_id(doc_id, "warning", i), "document_id": doc_id, "position": i, "message": w}
            for i, w in enumerate(protocol.warnings)
        ])
        _insert(db, "quality", quality.rows(doc_id, protocol))
        _file(db, doc_id, protocol)
    return doc_id


def _file(db, doc_id: str, protocol: Protocol) -> None:
    """Make the document a source of its meeting (:mod:`protokoll.grouping`): of a meeting
    already stored that it records too, or of a new one; then serve the meeting's main
    source. The parse is kept (``readings``) to serve it if the main source goes away."""
    meeting_id, rule = _same_meeting(db, protocol)
    if meeting_id is None:
        meeting_id, rule = child_id(doc_id, "meeting"), "first source"
    _insert(db, "meeting_sources", [{
        "document_id": doc_id, "meeting_id": meeting_id, "main": 0, "items": len(protocol.items),
        "rule": rule,
    }])
    # default=repr: a value that is not JSON fails where it is stored as a row, not here
    blob = zlib.compress(json.dumps(to_dict(protocol), ensure_ascii=False, default=repr).encode("utf-8"), 1)
    _insert(db, "readings", [{"document_id": doc_id, "protocol": blob}])
    _serve(db, meeting_id, (doc_id, protocol))


def _same_meeting(db, protocol: Protocol) -> tuple[str | None, str | None]:
    """The stored meeting that ``protocol`` records too (compared with the reading that
    meeting serves), and the rule that matched; (None, None) if there is none.

    Candidates share the date (an index lookup: a day has few meetings). Undated ones
    must also share the body as written: an archive may hold thousands of undated
    protocols, and comparing each new one with all of them would grow with the square."""
    date, body = protocol.meeting.date, protocol.meeting.body
    if date is None and not body:
        return None, None  # nothing to go by (grouping.same_meeting)
    where = "meetings.date = ?" if date else "meetings.date IS NULL AND meetings.body = ?"
    reading = None
    for meeting_id, served_body, kind in db.execute(
        "SELECT meetings.id, meetings.body, documents.kind FROM meetings "
        f"JOIN documents ON documents.id = meetings.document_id WHERE {where} ORDER BY meetings.id",
        [date or body],
    ).fetchall():
        if body and served_body and not grouping.bodies_alike(body, served_body):
            continue  # before reading the items
        reading = reading or grouping.reading(protocol)
        items = tuple(grouping.item(*row) for row in db.execute(
            "SELECT number, title, text FROM items WHERE meeting_id = ? ORDER BY position", [meeting_id]))
        served = grouping.Reading(kind, served_body, date, items)
        rule = grouping.same_meeting(reading, served)
        if rule:
            return meeting_id, rule
    return None, None


def _serve(db, meeting_id: str, new: tuple[str, Protocol] | None = None) -> None:
    """Serve the meeting from its main source (:func:`grouping.rank`), writing that
    source's rows if it is not the one served; delete the meeting if no source is left.

    ``new`` is a source's id and protocol in hand. A meeting served from a database older
    than version 5 has no kept reading of that source: it stays as it is."""
    sources = db.execute(
        "SELECT meeting_sources.document_id, documents.kind, meeting_sources.items, documents.format, "
        "documents.sha256, readings.protocol IS NOT NULL FROM meeting_sources "
        "JOIN documents ON documents.id = meeting_sources.document_id "
        "LEFT JOIN readings ON readings.document_id = meeting_sources.document_id "
        "WHERE meeting_sources.meeting_id = ?", [meeting_id]).fetchall()
    row = db.execute("SELECT document_id FROM meetings WHERE id = ?", [meeting_id]).fetchone()
    served = row[0] if row else None
    if not sources:
        db.execute("DELETE FROM meetings WHERE id = ?", [meeting_id])
        return
    kept = {doc for doc, *_rest, has_reading in sources if has_reading}
    if served and served not in kept:
        return
    best = min((s for s in sources if s[0] in kept), key=lambda s: grouping.rank(*s[1:5]))[0]
    if best != served:
        if served:
            db.execute("DELETE FROM entities WHERE document_id = ?", [served])
            db.execute("DELETE FROM meetings WHERE id = ?", [meeting_id])
        protocol = new[1] if new and new[0] == best else _reading(db, best)
        for table, rows in _rows(best, protocol, meeting_id).items():
            _insert(db, table, rows)
    db.execute("UPDATE meeting_sources SET main = (document_id = ?) WHERE meeting_id = ?", [best, meeting_id])


def _reading(db, doc_id: str) -> Protocol:
    (blob,) = db.execute("SELECT protocol FROM readings WHERE document_id = ?", [doc_id]).fetchone()
    return Protocol.from_dict(json.loads(zlib.decompress(blob)))


def _delete_document(db, doc_id: str) -> None:
    """Delete a document and everything under it; if its meeting was served from it,
    serve the meeting from its next best source (or delete it, if none is left)."""
    row = db.execute("SELECT meeting_id FROM meeting_sources WHERE document_id = ?", [doc_id]).fetchone()
    db.execute("DELETE FROM documents WHERE id = ?", [doc_id])
    if row:
        _serve(db, row[0])


def _history(db, doc_id: str) -> list[str]:
    row = db.execute("SELECT replaces FROM documents WHERE id = ?", [doc_id]).fetchone()
    return json.loads(row[0]) if row and row[0] else []


def _rows(doc_id: str, p: Protocol, meeting_id: str) -> dict[str, list[dict]]:
    """The meeting as read from its main source ``doc_id``: rows per table, in
    foreign-key order."""
    people = {c.id: c for c in p.canonicals if c.label == "PER"}
    orgs = {c.id: c for c in p.canonicals if c.label == "ORG"}
    person_by_name = _by_name(people.values())
    org_by_name = _by_name(orgs.values())

    def person(canonical, name):
        return canonical if canonical in people else person_by_name.get(_key(name))

    m = p.meeting
    rows: dict[str, list[dict]] = {
        "people": [_canonical_row(c) for c in people.values()],
        "organisations": [_canonical_row(c) for c in orgs.values()],
        "meetings": [{
            "id": meeting_id, "document_id": doc_id, "body": m.body, "date": m.date,
            "start": m.start, "end": m.end, "place": m.place,
        }],
        "items": [], "decisions": [], "clauses": [], "motions": [], "attendance": [],
        "entities": [], "votes": [], "reservations": [], "conflicts": [], "sent_to": [],
    }
    for i, a in enumerate(p.attendance):
        rows["attendance"].append({
            "id": child_id(meeting_id, "attendance", i), "meeting_id": meeting_id, "position": i,
            "name": a.name, "person_id": person(a.canonical, a.name), "status": a.status,
            "role": a.role, "party": a.party, "organisation": a.organisation,
            "organisation_id": org_by_name.get(_key(a.organisation)),
            "paragraphs": json.dumps(list(a.paragraphs)),
        })
    positions = p.entity_items()  # per entity: the position of its item, or None
    money: dict[int, list] = {}  # item position -> its MONEY entities
    for e, pos in zip(p.entities, positions):
        if e.label == "MONEY" and isinstance(e.value, (int, float)) and pos is not None:
            money.setdefault(pos, []).append(e)
    item_ids: dict[int, str] = {}
    for i, it in enumerate(p.items):
        item_id = item_ids[i] = child_id(doc_id, "item", i)
        rows["items"].append({
            "id": item_id, "meeting_id": meeting_id, "position": i, "number": it.number,
            "label": it.label, "title": it.title, "kind": it.kind, "page": it.page, "dnr": it.dnr,
            "presenters": json.dumps(list(it.presenters), ensure_ascii=False),
            "notes": json.dumps(list(it.notes), ensure_ascii=False), "text": it.text,
        })
        item_money = money.get(i, [])
        spans = item_clause_spans(it)
        for j, d in enumerate(it.decisions):
            decision_id = child_id(item_id, "decision", j)
            rows["decisions"].append({
                "id": decision_id, "item_id": item_id, "position": j, "by": d.by,
                "kind": d.kind, "outcome": d.outcome, "text": d.text,
            })
            for k, clause in enumerate(d.clauses):
                rows["clauses"].append(_clause_row(decision_id, item_id, k, clause, spans[j][k], item_money, it))
        for j, mo in enumerate(it.motions):
            rows["motions"].append(
                {"id": child_id(item_id, "motion", j), "item_id": item_id, "position": j,
                 "by": mo.by, "text": mo.text})
        if it.votes is not None:
            v = it.votes
            rows["votes"].append({
                "id": child_id(item_id, "votes"), "item_id": item_id, "yes": v.yes, "no": v.no,
                "abstain": v.abstain, "yes_means": v.yes_means, "no_means": v.no_means,
                "members": json.dumps([{"name": mv.name, "vote": mv.vote} for mv in v.members],
                                      ensure_ascii=False),
            })
        for table, names in (("reservations", it.reservations), ("conflicts", it.conflicts)):
            rows[table] += [
                {"id": child_id(item_id, table, j), "item_id": item_id, "position": j,
                 "name": name, "person_id": person(None, name)}
                for j, name in enumerate(names)
            ]
        rows["sent_to"] += [
            {"id": child_id(item_id, "sent_to", j), "item_id": item_id, "position": j,
             "recipient": r, "organisation_id": org_by_name.get(_key(r))}
            for j, r in enumerate(it.sent_to)
        ]
    for i, (e, pos) in enumerate(zip(p.entities, positions)):
        rows["entities"].append({
            "id": child_id(doc_id, "entity", i), "document_id": doc_id,
            # An item_index out of range gets an id no item has: the insert fails on it.
            "item_id": None if pos is None else item_ids.get(pos) or child_id(doc_id, "item", pos),
            "label": e.label, "text": e.text,
            "value": json.dumps(e.value, ensure_ascii=False) if isinstance(e.value, (dict, list)) else e.value,
            "currency": e.currency, "start": e.start, "end": e.end,
            "person_id": e.canonical if e.canonical in people else None,
            "organisation_id": e.canonical if e.canonical in orgs else None, "rule": e.rule,
            "role": e.role, "role_rule": e.role_rule,
        })
    return rows


def _clause_row(decision_id, item_id, position, clause, span, money, item) -> dict:
    """A clause with its span in the item's text, the page where it starts and the amounts
    (MONEY entities) inside it; ``decided_amount`` sums those in SEK whose role is
    ``decided`` (see nlp.roles)."""
    inside = [e for e in money if span and span[0] <= e.start and e.end <= span[1]]
    amounts = [e.value for e in inside]
    decided = [e.value for e in inside if e.role == "decided" and e.currency in ("SEK", None)]
    return {
        "id": child_id(decision_id, "clause", position), "decision_id": decision_id,
        "item_id": item_id, "position": position, "text": clause,
        "start": span[0] if span else None, "end": span[1] if span else None,
        "amounts": json.dumps(amounts) if amounts else None,
        "amount": sum(amounts) if amounts else None,
        "decided_amount": sum(decided) if decided else None,
        "page": item.page_at(span[0]) if span else None,
    }


def _canonical_row(c) -> dict:
    return {"id": c.id, "name": c.name, "rule": c.rule,
            "variants": json.dumps(sorted(set(c.variants)), ensure_ascii=False)}


def _by_name(canonicals) -> dict[str, str]:
    """Lower-cased name and variants -> canonical id."""
    out = {}
    for c in canonicals:
        for name in (c.name, *c.variants):
            out.setdefault(_key(name), c.id)
    return out


def _key(name) -> str | None:
    return " ".join(name.lower().split()) if name else None


def _insert(db, table: str, rows: list[dict], *, ignore: bool = False) -> None:
    """INSERT the rows (all with the same keys). People/organisations merge variants."""
    if not rows:
        return
    if table in ("people", "organisations"):
        _merge_canonicals(db, table, rows)
        return
    _execute_insert(db, table, rows, "INSERT OR IGNORE" if ignore else "INSERT")


def _merge_canonicals(db, table: str, rows: list[dict]) -> None:
    """Insert new people/organisations; for known ones take this row's name and rule and
    the union of the variants, writing only rows that change (most names recur in every
    meeting). An UPDATE, not INSERT OR REPLACE: replacing the row would delete it first,
    which makes SQLite look for its children in four tables and gives it a new rowid."""
    ids = [row["id"] for row in rows]
    old = {}
    for start in range(0, len(ids), 500):  # under SQLite's limit on bound parameters
        chunk = ids[start:start + 500]
        old.update((r[0], r[1:]) for r in db.conn.execute(
            f"SELECT id, name, rule, variants FROM {table} WHERE id IN ({', '.join('?' * len(chunk))})", chunk))
    new, changed = [], []
    for row in rows:
        if row["id"] not in old:
            new.append(row)
            continue
        name, rule, variants = old[row["id"]]
        merged = sorted(set(json.loads(variants or "[]")) | set(json.loads(row["variants"])))
        merged_json = json.dumps(merged, ensure_ascii=False)
        if (name, rule, variants) != (row["name"], row["rule"], merged_json):
            changed.append([row["name"], row["rule"], merged_json, row["id"]])
    if new:
        _execute_insert(db, table, new, "INSERT")
    if changed:
        db.conn.executemany(f"UPDATE {table} SET name = ?, rule = ?, variants = ? WHERE id = ?", changed)


def _execute_insert(db, table, rows, verb) -> None:
    """INSERT ``rows`` with as few statements as SQLite's limit on parameters allows.

    For the tables with a search index this halves the index's cost: the trigger that
    indexes a row runs inside its statement's savepoint, and FTS5 (SQLite 3.40) writes
    its pending terms out as a new segment at every savepoint, so a statement per row
    (``executemany``) made a segment per item and per clause, and merging those segments
    nearly doubled the work (8.9 → 5.3 ms per document). Other tables gain a little.
    """
    cols = list(rows[0])
    head = "{} INTO [{}] ({}) VALUES ".format(verb, table, ", ".join(f'"{c}"' for c in cols))
    row = "(" + ", ".join("?" * len(cols)) + ")"
    per_statement = max(1, _max_variables(db.conn) // len(cols))
    for start in range(0, len(rows), per_statement):
        chunk = rows[start:start + per_statement]
        db.conn.execute(head + ", ".join([row] * len(chunk)), [r[c] for r in chunk for c in cols])


def _max_variables(conn) -> int:
    """How many ``?`` one statement may bind (32766 since SQLite 3.32, 999 before)."""
    return conn.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)


class _transaction:
    """BEGIN IMMEDIATE … COMMIT, or ROLLBACK on any error (sqlite errors become ours)."""

    def __init__(self, db):
        self.conn = db.conn

    def __enter__(self):
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as e:
            raise _database_error(e) from None

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            try:
                self.conn.execute("COMMIT")
                return False
            except sqlite3.DatabaseError as e:
                self.conn.execute("ROLLBACK")
                raise _database_error(e) from None
        self.conn.execute("ROLLBACK")
        if isinstance(exc, sqlite3.DatabaseError):
            raise _database_error(exc) from None
        return False


def _database_error(e: sqlite3.DatabaseError, path=None, stage="save") -> DatabaseError:
    if "locked" in str(e) or "busy" in str(e):
        return DatabaseBusy(str(e), path=path, stage=stage)
    return DatabaseError(str(e), path=path, stage=stage)


def _unique(ids: list[str]) -> list[str]:
    return list(dict.fromkeys(ids))


def _now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


# ---- path history and failures used by the pipeline (issue 29)


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
    import hashlib

    return "unread:" + hashlib.sha256(str(path).encode("utf-8", "surrogateescape")).hexdigest()
