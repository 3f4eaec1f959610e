"""Source files: ``/-/source/<database>/<document id>`` sends a document's file, but only
from the archive directory given to ``protokoll serve --archive`` and only for a path
recorded in the ``documents``/``document_paths`` tables: never an arbitrary path."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from datasette.utils import tilde_encode
from datasette.utils.asgi import Response, asgi_send_file

PLUGIN = "protokoll"  # the plugin's name in Datasette's metadata (its configuration)

# What each stored format is sent as. Only PDF and plain text open in the browser; the
# rest download. Nothing is ever sent as HTML, whatever the file holds.
CONTENT_TYPES = {
    "pdf": ("application/pdf", "inline"),
    "txt": ("text/plain; charset=utf-8", "inline"),
    "md": ("text/plain; charset=utf-8", "inline"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "attachment"),
    "doc": ("application/msword", "attachment"),
    "odt": ("application/vnd.oasis.opendocument.text", "attachment"),
    "rtf": ("application/rtf", "attachment"),
}


def archive(datasette) -> Path | None:
    """The archive directory of ``protokoll serve --archive`` (None without one)."""
    config = datasette.plugin_config(PLUGIN) or {}
    return Path(config["archive"]) if config.get("archive") else None


def source_url(datasette, database: str, document_id: str, page=None) -> str:
    """The URL of a document's file (the plugin's ``/-/source`` route), at ``page``."""
    url = datasette.urls.path(f"/-/source/{database}/{document_id}")
    return url + f"#page={page}" if page else url


def source_label(path, page) -> str:
    """A source link's text: the file's name, and ", s. N" where the row has a page."""
    return Path(str(path or "")).name + (f", s. {page}" if page else "")


def page_of(value) -> int | None:
    """A row's page as a link may use it: a page number from 1, else None."""
    return value if isinstance(value, int) and value > 0 else None


def row_links(datasette, database: str, row: dict, *, archived: bool, item: str = "item_id") -> None:
    """A listed item's links (person and case pages): ``item_url`` (the item's row page, its
    id under the key ``item``), ``meeting_url``, and ``source_url`` with ``source_name``: the
    file at the row's page where there is an archive, else the document's row page."""
    if row.get(item):
        row["item_url"] = datasette.urls.row(database, "items", tilde_encode(row[item]))
    if row.get("meeting_id"):
        row["meeting_url"] = datasette.urls.row(database, "meetings", tilde_encode(row["meeting_id"]))
    page = page_of(row.get("page"))
    row["source_name"] = source_label(row.get("source") or row["document_id"], page)
    row["source_url"] = (source_url(datasette, database, row["document_id"], page) if archived
                         else datasette.urls.row(database, "documents", tilde_encode(row["document_id"])))


async def viewable(datasette, request, database: str) -> bool:
    """Whether ``database`` is served and the request may see it."""
    return database in datasette.databases and await datasette.permission_allowed(
        request.actor, "view-database", resource=database, default=True)


async def source(datasette, request, send):
    """Send one document's source file from the archive directory, read-only."""
    root = archive(datasette)
    if root is None:
        return Response.text("No archive directory: start with protokoll serve DB --archive DIR", status=404)
    name = request.url_vars["database"]
    if not await viewable(datasette, request, name):
        return Response.text("Not found", status=404)
    db = datasette.get_database(name)
    document = request.url_vars["document"]
    found = await db.execute(
        "select path, format from documents where id = :id "
        "union all select p.path, d.format from document_paths p "
        "join documents d on d.id = p.document_id where p.document_id = :id",
        {"id": document},
    )
    for path, fmt in found.rows:
        file = inside(root, path)
        if file is not None:
            from protokoll.web.privacy import withheld  # privacy imports this module's PLUGIN

            refused = await withheld(datasette, db, document)
            if refused is not None:
                return refused
            content_type, disposition = CONTENT_TYPES.get(fmt, ("application/octet-stream", "attachment"))
            await asgi_send_file(send, file, content_type=content_type, headers={
                "content-disposition": f"{disposition}; filename*=UTF-8''{quote(file.name)}",
                "x-content-type-options": "nosniff",
                "content-security-policy": "sandbox",
            })
            return
    return Response.text("Source file not in the archive directory", status=404)


def inside(root: Path, path: str) -> Path | None:
    """``path`` (absolute, or relative to the archive or the working directory) as an
    existing file inside ``root`` after resolving symlinks, or None."""
    if not path:
        return None
    root = root.resolve()
    candidates = [Path(path)] if Path(path).is_absolute() else [root / path, Path.cwd() / path]
    for candidate in candidates:
        try:
            resolved = candidate.resolve()
        except (OSError, RuntimeError):  # a symlink loop
            continue
        if resolved.is_file() and resolved.is_relative_to(root):
            return resolved
    return None
