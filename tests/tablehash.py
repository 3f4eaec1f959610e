"""A hash of every table and view of a protokoll database, for comparing two imports.

Rows are hashed as sorted JSON, so the order in which parallel workers committed does not
count; what differs between two runs of the same import and is not data is left out: the
time of import, rowids (``clause_rowid``), the files per worker of the last import
(``_meta``'s ``last_import``), and the folders the archive was read from
(replaced by the names given in ``roots``). ``readings`` hold zlib-compressed JSON, hashed
decompressed, by its values and not its spacing. FTS5's own shadow tables are left out; the
indexed text is hashed through the FTS table itself.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import zlib

VOLATILE = {"imported_at", "clause_rowid"}
# Rows that say how an import ran, not what it stored: the files per worker of the last one.
VOLATILE_ROWS = {"_meta": "key != 'last_import'"}
FTS_SHADOW = ("_data", "_idx", "_docsize", "_config", "_content")


def _norm(value, roots):
    if isinstance(value, bytes):
        try:
            value = zlib.decompress(value).decode("utf-8")
        except zlib.error:
            return value.hex()
        # the JSON's values, not its spacing (the standard library's ", " or orjson's ","):
        # written again as json.dumps writes, key order kept
        try:
            value = json.dumps(json.loads(value), ensure_ascii=False)
        except ValueError:
            pass
    if isinstance(value, str):
        for folder, name in roots.items():
            value = value.replace(folder, name)
    return value


def table_hashes(path, roots: dict[str, str]) -> dict[str, str]:
    """{table or view: sha256 of its rows}. ``roots`` maps an absolute folder to a stable name."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        names = [n for (n,) in db.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') ORDER BY name")]
        fts = {n for n in names if n.endswith("_fts")}
        hashes = {}
        for name in names:
            if any(name == f + s for f in fts for s in FTS_SHADOW):
                continue
            where = f" WHERE {VOLATILE_ROWS[name]}" if name in VOLATILE_ROWS else ""
            cursor = db.execute(f'SELECT * FROM "{name}"{where}')
            columns = [c[0] for c in cursor.description]
            keep = [i for i, c in enumerate(columns) if c not in VOLATILE]
            rows = sorted(
                json.dumps([_norm(row[i], roots) for i in keep], ensure_ascii=False, default=str)
                for row in cursor
            )
            digest = hashlib.sha256()
            digest.update(json.dumps([columns[i] for i in keep]).encode())
            for row in rows:
                digest.update(row.encode("utf-8"))
                digest.update(b"\n")
            hashes[name] = f"{len(rows)}:{digest.hexdigest()[:16]}"
        return hashes
    finally:
        db.close()
