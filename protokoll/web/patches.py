"""Two changes to Datasette 0.65's own classes, installed once by the plugin (:func:`install`).

* Rows without the column asked for raise an error that is both KeyError and IndexError
  (:class:`_MissingColumn`), so a table sorted by ``rowid`` gets its next-page link.
* The count of every table (home and database pages) is kept until the database file
  or its WAL changes (:func:`_table_counts`).
"""

from __future__ import annotations

import os

from datasette import utils as datasette_utils
from datasette.database import Database


class _MissingColumn(KeyError, IndexError):
    """A row without the column asked for. Datasette 0.65 builds the next-page link of a
    table sorted by ``rowid`` (a column it does not select) from ``row["rowid"]`` and, when
    the row is missing it, looks the value up by primary key, but catches only the
    IndexError of sqlite3.Row: its own rows with expanded foreign-key labels raise
    KeyError. This error is both."""


def _row_item(self, key, _get=datasette_utils.CustomRow.__getitem__):
    try:
        return _get(self, key)
    except KeyError as e:
        raise _MissingColumn(*e.args) from None


async def _table_counts(self, limit=10, _count=Database.table_counts):
    """Datasette's count of every table (home and database pages: ~30 tables, each count
    up to ``limit`` ms, on every request) computed once per state of the file: kept
    while neither the database file nor its WAL has changed, recounted after any write.
    Datasette keeps counts the same way for immutable files."""
    if not self.is_mutable or self.is_memory or not self.path:
        return await _count(self, limit)
    stamp = _file_stamp(self.path)
    kept = _COUNTS.get((self.path, limit))
    if kept and kept[0] == stamp:
        return dict(kept[1])
    counts = await _count(self, limit)
    _COUNTS[(self.path, limit)] = (stamp, dict(counts))
    return counts


def _file_stamp(path) -> tuple:
    out = []
    for name in (path, f"{path}-wal"):
        try:
            st = os.stat(name)
            out.append((st.st_mtime_ns, st.st_size))
        except OSError:
            out.append(None)
    return tuple(out)


_COUNTS: dict = {}
_row_item.protokoll = True
_table_counts.protokoll = True


def install() -> None:
    """Patch Datasette's classes, once: Datasette loads the plugin module again for every
    instance (``plugins_dir``), and each load calls this."""
    if not getattr(datasette_utils.CustomRow.__getitem__, "protokoll", False):
        datasette_utils.CustomRow.__getitem__ = _row_item
    if not getattr(Database.table_counts, "protokoll", False):
        Database.table_counts = _table_counts
