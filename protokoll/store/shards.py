"""A folder of databases, one per year or per body (``protokoll ingest --shard-by``).

    >>> from protokoll import pipeline
    >>> from protokoll.store import shards
    >>> target = shards.Shards.create("arkiv", "year")   # arkiv/2024.db, arkiv/_undated.db, …
    >>> pipeline.import_archive(["archive/"], target)
    >>> shards.databases("arkiv")                         # [(name, path)], for serve
    >>> [db.execute("select count(*) from meetings").fetchone() for db in shards.read_each("arkiv")]

An import writes through one of two objects with the same methods (``known``,
``known_paths``, ``save``, ``record_failure``, ``add_path``, ``remove_path``,
``stored_paths``): :class:`One` (one database, every call the plain ``store`` function)
or :class:`Shards`, which routes each document to its shard and keeps the store's rules
across them: a sha256 is in one shard only, and a path belongs to one document in one
shard at a time (the other shards let go of it first, so a kill between two shards
leaves nothing the next run does not set right).

File names (ASCII, stable, one file per year or per body and never one for two of them):

* ``--shard-by year``: ``2024.db`` (the year of the meeting's date), ``_undated.db``;
* ``--shard-by body``: the body as :func:`slug` (``kommunstyrelsen.db``,
  ``barn-och-utbildningsnamnden.db``), ``_unknown.db`` when the parse found no body. A
  body is its name as the protocol writes it: "Kommunstyrelsen" of two municipalities
  shares one shard (import each organisation into its own folder to keep them apart);
* ``_failures.db``: every file that failed (a failure has neither a date nor a body).

Slugs are lower-case ``[a-z0-9-]`` and never start with ``_``, so they never meet the
reserved names. The folder carries :data:`MARKER` (``{"shard_by": "year"}``), so it is
known as a folder of shards and an import with the other ``--shard-by`` (or none) is
refused instead of mixing two layouts.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import unicodedata
from collections import OrderedDict
from pathlib import Path

from protokoll import store
from protokoll.errors import DatabaseError
from protokoll.records import Protocol, stable_id
from protokoll.store import meetings
from protokoll.store.sql import transaction

MARKER = "protokoll-shards.json"
NOT_SHARDS_HINT = "give a database file, or the folder of a sharded import"
EMPTY_HINT = "import into the folder first, sharded by year or body"
BY = ("year", "body")
FAILURES = "_failures"
LAST_IMPORT = "protokoll-last-import.json"  # the files per worker of the last import into a folder
NONE = {"year": "_undated", "body": "_unknown"}
SLUG_MAX = 60
OPEN_MAX = 32  # shards an import keeps open at once
_LETTERS = str.maketrans({"æ": "ae", "ø": "o", "ß": "ss", "þ": "th", "đ": "d", "ł": "l", "œ": "oe"})


def slug(body: str) -> str:
    """The file name of a body's shard: ASCII, lower case, words joined by "-"
    ("Barn- och utbildningsnämnden" → "barn-och-utbildningsnamnden"). Spellings that differ
    only in case, accents and punctuation are one body; a long name is cut and given a
    hash of the whole slug, a name without a Latin letter or digit a hash of itself."""
    folded = unicodedata.normalize("NFKD", body.casefold().translate(_LETTERS))
    text = re.sub(r"[^a-z0-9]+", "-", folded.encode("ascii", "ignore").decode()).strip("-")
    if not text:
        return "body-" + hashlib.sha1(body.strip().encode()).hexdigest()[:8]
    if len(text) > SLUG_MAX:
        return text[:SLUG_MAX - 9].rstrip("-") + "-" + hashlib.sha1(text.encode()).hexdigest()[:8]
    return text


def shard_of(protocol: Protocol, by: str) -> str:
    """The name of the shard (file stem) a document goes to."""
    meeting = protocol.meeting
    if by == "year":
        year = (meeting.date or "")[:4]
        return year if len(year) == 4 and year.isdigit() else NONE["year"]
    body = (meeting.body or "").strip()
    return slug(body) if body else NONE["body"]


def shard_by(folder) -> str | None:
    """The ``--shard-by`` a folder of shards was made with; None when it is not one."""
    marker = Path(folder) / MARKER
    if not marker.is_file():
        return None
    try:
        by = json.loads(marker.read_text(encoding="utf-8")).get("shard_by")
    except (OSError, ValueError, AttributeError):
        by = None
    if by not in BY:
        raise DatabaseError(f"{MARKER} is damaged: it names no layout (year or body)", path=folder,
                            hint=f'write {{"shard_by": "year"}} or {{"shard_by": "body"}} into {marker}')
    return by


def databases(folder) -> list[tuple[str, Path]]:
    """[(name, path)] of the shards of a folder made by ``ingest --shard-by``, by name."""
    if shard_by(folder) is None:
        raise DatabaseError(f"not a folder of databases made by a sharded import (no {MARKER} in it)",
                            path=folder, hint=NOT_SHARDS_HINT)
    return [(p.stem, p) for p in sorted(Path(folder).glob("*.db")) if p.is_file()]


def read_each(db_path):
    """Each database of ``db_path`` (a file, or a folder of shards) opened read-only
    (``store.open_read``) in turn and closed before the next: ``status`` and ``export``."""
    paths = [p for _name, p in databases(db_path)] if Path(db_path).is_dir() else [db_path]
    for path in paths:
        db = store.open_read(path)
        try:
            yield db
        finally:
            db.close()


def last_import(db_path) -> dict | None:
    """What the last import into ``db_path`` (a database, or a folder of shards) kept of
    its files per worker (``store.record_import``, :meth:`Shards.record_import`), or None."""
    if not Path(db_path).is_dir():
        return next((store.last_import(db) for db in read_each(db_path)), None)
    try:
        return json.loads((Path(db_path) / LAST_IMPORT).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


class One:
    """One database (``store.open``): every call is the plain ``store`` function."""

    def __init__(self, db):
        self.db = db

    def known(self) -> dict[str, str]:
        return store.known(self.db)

    def known_paths(self) -> dict[str, set[str]]:
        return store.known_paths(self.db)

    def save(self, protocol: Protocol, path: str) -> None:
        store.save(self.db, protocol, path=path)

    def record_failure(self, **failure) -> None:
        store.record_failure(self.db, **failure)

    def add_path(self, sha: str, path: str) -> list[str]:
        return store.add_path(self.db, sha, path)

    def record_import(self, report: dict) -> None:
        store.record_import(self.db, report)

    def remove_path(self, path: str) -> list[str]:
        return store.remove_path(self.db, path)

    def stored_paths(self) -> set[str]:
        return store.stored_paths(self.db)


def target(db) -> One | Shards:
    """``db`` as the writer's target: a :class:`Shards` as it is, a database as :class:`One`."""
    return db if isinstance(db, One | Shards) else One(db)


class Shards:
    """The databases of a shard folder, opened as needed; routes writes (module docstring)."""

    def __init__(self, folder, by: str, *, open_max: int = OPEN_MAX):
        self.folder, self.by, self.open_max = Path(folder), by, open_max
        self.names = {name for name, _path in databases(folder)}
        self.dbs: OrderedDict[str, object] = OrderedDict()  # the open ones, least recently used first
        self.where: dict[str, str] = {}  # sha256 -> the shard holding it
        self.holders: dict[str, set[str]] = {}  # path -> the shards that have it

    @classmethod
    def create(cls, folder, by: str, **options) -> Shards:
        """Open the shard folder ``folder`` for an import with ``--shard-by by``, making it
        (and its :data:`MARKER`) if it is new; a folder of the other layout, or a folder
        that already holds databases of no layout, is a :class:`DatabaseError`."""
        folder = Path(folder)
        if folder.exists() and not folder.is_dir():
            raise DatabaseError("a sharded import writes a folder of databases, and this is a file",
                                path=folder, hint="give a folder (new or sharded before), or import without shards")
        found = shard_by(folder) if folder.is_dir() else None
        if found is not None and found != by:
            raise DatabaseError(f"this folder holds databases sharded by {found}, not by {by}", path=folder,
                                hint=f"shard the import by {found}, or import into another folder")
        if found is None:
            if folder.is_dir() and any(folder.glob("*.db")):
                raise DatabaseError("this folder holds databases that no sharded import made", path=folder,
                                    hint="give a new or empty folder for the shards")
            folder.mkdir(parents=True, exist_ok=True)
            (folder / MARKER).write_text(json.dumps({"shard_by": by}) + "\n", encoding="utf-8")
        return cls(folder, by, **options)

    def db(self, name: str):
        """Shard ``name``, opened (made) if need be; at most ``open_max`` stay open, so a
        folder of a thousand bodies needs no more file descriptors than a few dozen."""
        if name in self.dbs:
            self.dbs.move_to_end(name)
            return self.dbs[name]
        while len(self.dbs) >= self.open_max:
            self.dbs.popitem(last=False)[1].close()
        self.dbs[name] = store.open(self.folder / f"{name}.db")
        self.names.add(name)
        return self.dbs[name]

    def each(self):
        """(name, database) of every shard, in name order."""
        for name in sorted(self.names):
            yield name, self.db(name)

    def close(self) -> None:
        while self.dbs:
            self.dbs.popitem()[1].close()

    def known(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for name, db in self.each():
            for sha, status in store.known(db).items():
                if out.get(sha) != "ok":  # a document beats a failure of the same bytes
                    out[sha], self.where[sha] = status, name
        return out

    def known_paths(self) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        for name, db in self.each():
            for sha, paths in store.known_paths(db).items():
                out.setdefault(sha, set()).update(paths)
                for path in paths:
                    self.holders.setdefault(path, set()).add(name)
        return out

    def _claim(self, path: str, name: str, sha: str) -> list[str]:
        """Before ``path`` goes to shard ``name`` with the bytes ``sha``: every other shard
        lets go of the path, and a failure of these bytes in another shard is forgotten."""
        removed = []
        for other in sorted(self.holders.get(path, set()) - {name}):
            removed += store.remove_path(self.db(other), path)
        held = self.where.get(sha)
        if held is not None and held != name:
            with transaction(self.db(held)):
                meetings.delete_document(self.db(held), stable_id(sha))
        for gone in removed:
            self.where.pop(gone, None)
        self.holders[path] = {name}
        return removed

    def save(self, protocol: Protocol, path: str) -> None:
        name = shard_of(protocol, self.by)
        self._claim(path, name, protocol.source.sha256)
        store.save(self.db(name), protocol, path=path)
        self.where[protocol.source.sha256] = name

    def record_failure(self, *, path, sha256, **failure) -> None:
        if self.where.get(sha256, FAILURES) != FAILURES:
            return  # imported in another shard: kept as it is, as in one database
        self._claim(str(path), FAILURES, sha256)
        store.record_failure(self.db(FAILURES), path=path, sha256=sha256, **failure)
        self.where[sha256] = FAILURES

    def record_import(self, report: dict) -> None:
        """The files per worker of the import (``protokoll status --workers``): beside the
        shards in :data:`LAST_IMPORT` (no shard is made for it), replaced atomically."""
        tmp = self.folder / f".{LAST_IMPORT}.tmp"
        tmp.write_text(json.dumps(report) + "\n", encoding="utf-8")
        os.replace(tmp, self.folder / LAST_IMPORT)

    def add_path(self, sha: str, path: str) -> list[str]:
        name = self.where.get(sha)
        if name is None:
            raise KeyError(sha)
        removed = self._claim(path, name, sha)
        return removed + store.add_path(self.db(name), sha, path)

    def remove_path(self, path: str) -> list[str]:
        removed = []
        for _name, db in self.each():
            removed += store.remove_path(db, path)
        self.holders.pop(path, None)
        return removed

    def stored_paths(self) -> set[str]:
        return set().union(*(store.stored_paths(db) for _name, db in self.each()))
