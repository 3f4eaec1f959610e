"""Serve a protokoll database with Datasette: read-only, with the packaged configuration.

    >>> from protokoll import serve
    >>> ds = serve.datasette("protokoll.db", archive="samples")
    >>> response = await ds.client.get("/protokoll/decision_register.json")
    >>> ds = serve.datasette("arkiv/")   # a folder of shards (a sharded import): every database, /-/sok searches all

The configuration lives in the ``datasette/`` directory of the source tree, shipped as
package data ``protokoll.datasette_config``: ``metadata.yml`` (titles, descriptions,
facets, canned queries, licence), ``templates/`` (the register, search, home and row pages) and ``plugins/`` (Swedish search in the normal search
box without a count of every match, read-only guard, links to source files, year facet). :data:`SETTINGS` are the
safe defaults: no write endpoints exist, queries are time-limited and row-capped, and
the database file cannot be downloaded whole unless ``allow_download`` is switched on.
"""

from __future__ import annotations

import copy
import errno
import importlib.resources
import os
import socket
from pathlib import Path

import yaml

from protokoll import paths, planner
from protokoll.store import shards
from protokoll.errors import DOWNLOAD_HINT, PORT_FROM_1024, DatabaseError, ServerError, UnreadableFile, os_reason

# Datasette settings (`datasette --setting NAME VALUE`) every `protokoll serve` starts with.
SETTINGS = {
    "sql_time_limit_ms": 1000,  # any one query, canned or typed, is cut off after 1 s
    "max_returned_rows": 1000,  # cap on rows from any one query or page
    "default_page_size": 50,
    "facet_time_limit_ms": 500,
    "suggest_facets": False,  # suggestions run a query per column: slow on big tables
    "allow_download": False,  # the whole .db holds personal names: opt in to share it
    "default_cache_ttl": 0,  # the database grows while it is served (bulk import)
}

# The database name the metadata is written for; re-keyed to the served file's name.
METADATA_DATABASE = "protokoll"


def config_dir() -> Path:
    """The Datasette configuration directory: package data, or the source tree."""
    try:
        # A data-only package is a namespace package: files() is a MultiplexedPath, whose
        # joinpath() is a real file path (str() of the MultiplexedPath itself is not).
        metadata_file = importlib.resources.files("protokoll.datasette_config").joinpath("metadata.yml")
        root = Path(str(metadata_file)).parent
    except ModuleNotFoundError:  # an editable install does not map a data-only package
        root = Path(__file__).resolve().parent.parent / "datasette"
    if not (root / "metadata.yml").is_file():
        raise DatabaseError(f"Datasette configuration not found in {root}")
    return root


def database_name(db) -> str:
    """The name Datasette gives a database file: its stem (``protokoll.db`` → ``protokoll``)."""
    return Path(db).stem


def database_files(db) -> list[Path]:
    """The files to serve: ``db``, or every database of a folder of shards (a sharded import)."""
    if Path(db).is_dir():
        return [path for _name, path in shards.databases(db)]
    return [Path(db)]


def metadata(db, *, archive=None, show_personnummer: bool = False) -> dict:
    """``metadata.yml`` with its database section re-keyed to ``db``'s name.

    ``archive`` is the one directory whose files the source links may serve; without it
    the source path is shown as text. ``show_personnummer`` serves personal identity
    numbers as stored instead of masked (:mod:`protokoll.web.privacy`).
    """
    with open(config_dir() / "metadata.yml", encoding="utf-8") as f:
        meta = yaml.safe_load(f)
    meta = copy.deepcopy(meta)
    databases = meta.get("databases") or {}
    if METADATA_DATABASE in databases:
        section = databases.pop(METADATA_DATABASE)
        for path in database_files(db) if Path(db).is_dir() else [db]:
            databases[database_name(path)] = copy.deepcopy(section)
    plugin = meta.setdefault("plugins", {}).setdefault("protokoll", {})
    plugin["archive"] = None if archive is None else str(Path(archive).resolve())
    plugin["show_personnummer"] = bool(show_personnummer)
    return meta


def check_database(db) -> Path:
    """The database path, or a :class:`DatabaseError` when it is not a SQLite file (or a
    folder of shards holding no database, or one that is not a SQLite file)."""
    path = Path(db)
    if path.is_dir():
        files = database_files(path)
        if not files:
            raise DatabaseError("the folder of shards holds no database yet", path=db,
                                hint=shards.EMPTY_HINT)
        for file in files:
            check_database(file)
        return path
    if not path.is_file():
        raise DatabaseError("no such database file", path=db)
    with open(path, "rb") as f:
        if f.read(16) != b"SQLite format 3\x00":
            raise DatabaseError("not a SQLite database", path=db)
    return path


def must_be_immutable(db) -> bool:
    """True when SQLite could not read ``db`` as a changing file: it is in WAL mode in a
    folder where its index (``-shm``) cannot be made, such as a read-only medium. Nothing
    can write to it there either, so serving it as immutable shows it as it is. A folder
    of shards: when it is so for each of them."""
    if Path(db).is_dir():
        return all(must_be_immutable(path) for path in database_files(db))
    return paths.problem(db, folder_too=True) is not None and not os.path.exists(f"{db}-shm")


def bind(host: str, port: int) -> socket.socket:
    """A socket bound to ``host``:``port`` for the server, or a :class:`ServerError` that
    says why not (the port is in use, needs root, or the address is not this machine's)."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except socket.gaierror:
        raise ServerError(f"unknown host {host}", hint="use 127.0.0.1, or a name or address of this machine") from None
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError as e:
        sock.close()
        if e.errno == errno.EADDRINUSE:
            raise ServerError(f"port {port} on {host} is already in use",
                              hint=f"{ServerError.hint} (ss -ltnp 'sport = :{port}' names it)") from None
        if e.errno == errno.EACCES:
            raise ServerError(f"port {port} needs root: ports below 1024 are privileged",
                              hint=PORT_FROM_1024) from None
        raise ServerError(f"cannot listen on {host} port {port}: {os_reason(e)}",
                          hint="use 127.0.0.1, or an address of this machine (ip addr lists them)") from None
    sock.listen(2048)  # connections wait in the queue until the server accepts them
    return sock


def check_archive(archive) -> Path | None:
    if archive is None:
        return None
    path = Path(archive)
    if not path.is_dir():
        raise UnreadableFile("the archive is not a directory", path=archive)
    return path


def datasette(db, *, archive=None, immutable: bool = False, settings: dict | None = None,
              show_personnummer: bool = False):
    """A configured, read-only :class:`datasette.app.Datasette` for ``db``.

    ``immutable`` opens the file as never changing (faster counts; only for a finished
    database, never one an import is writing to). ``settings`` override :data:`SETTINGS`.
    Personal identity numbers are masked in everything served unless ``show_personnummer``;
    while they are, the whole file cannot be offered for download (``allow_download``).
    """
    from datasette.app import Datasette

    if not show_personnummer and (settings or {}).get("allow_download"):
        raise ServerError("the whole database file holds personal identity numbers unmasked, "
                          "so it cannot be offered for download while they are masked",
                          hint=DOWNLOAD_HINT)
    path = check_database(db)
    archive = check_archive(archive)
    root = config_dir()
    files = [str(p) for p in database_files(path)]
    for file in files:
        planner.refresh(file)  # plans that fit the archive's size (the register newest first)
    return Datasette(
        files=[] if immutable else files,
        immutables=files if immutable else [],
        metadata=metadata(path, archive=archive, show_personnummer=show_personnummer),
        settings={**SETTINGS, **(settings or {})},
        plugins_dir=str(root / "plugins"),
        template_dir=str(root / "templates"),
    )
