"""Opening a database: :func:`open` to write (creating or migrating its schema),
:func:`open_read` to only read it (nothing written, not even SQLite's ``-wal``/``-shm``),
and the :class:`~protokoll.errors.DatabaseError` of a file that cannot be opened."""

from __future__ import annotations

import os
import sqlite3
import urllib.parse

import sqlite_utils

from protokoll import paths as fspaths
from protokoll.errors import DatabaseError
from protokoll.store import migrations, schema
from protokoll.store.sql import database_error

BUSY_TIMEOUT_MS = 30_000


def open(path) -> sqlite_utils.Database:  # noqa: A001 - mirrors sqlite_utils.Database(path)
    """Open or create the database at ``path`` with WAL, foreign keys and the current schema."""
    try:
        db = sqlite_utils.Database(str(path))
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA foreign_keys = ON")
        db.execute("PRAGMA synchronous = NORMAL")
        migrations.migrate(db)
    except sqlite3.DatabaseError as e:
        raise open_error(e, path) from None
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
        raise DatabaseError("no such database file", path=path, hint="check the path")
    db = _open_uri(path)
    try:
        version = migrations.schema_version(db)
    except sqlite3.DatabaseError as e:
        db.close()
        raise open_error(e, path) from None
    if version > schema.SCHEMA_VERSION:
        db.close()
        raise DatabaseError(f"database schema version {version} is newer than this protokoll ({schema.SCHEMA_VERSION})",
                            path=path, hint="upgrade protokoll")
    if version < schema.SCHEMA_VERSION:
        db.close()
        if fspaths.problem(path, folder_too=True) is None:
            return open(path)
        raise DatabaseError(
            f"database schema version {version} is older than this protokoll ({schema.SCHEMA_VERSION}) "
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
    raise open_error(last, path)


def open_error(e: sqlite3.DatabaseError, path) -> DatabaseError:
    """The error of a database that could not be opened, with its cause where the path says it."""
    message = str(e)
    if "unable to open" in message or "readonly" in message or "read-only" in message:
        found = fspaths.problem(path, folder_too=True)
        if found:
            return DatabaseError(found[0], path=path, hint=found[1])
    if "not a database" in message or "malformed" in message:
        return DatabaseError("not a SQLite database, or a damaged one", path=path,
                             hint="check the path; a damaged database can often be saved with sqlite3's .recover")
    return database_error(e, path, stage=None)
