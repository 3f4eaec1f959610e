"""Table statistics for SQLite's query planner (``sqlite_stat1``).

Without statistics SQLite guesses how selective each index is, and on a large archive
it guesses wrong where it matters most: the decision register newest first (``order by
date desc limit 51`` over the five-table view) scanned every clause and sorted them
(14 s on a million clauses) instead of walking ``meetings_date`` from the newest
meeting (under 1 ms). ``ANALYZE`` with a sample of :data:`SAMPLE_ROWS` rows per index
takes about a second on a million clauses.

    >>> from protokoll import planner
    >>> planner.refresh("protokoll.db")      # True if it ran

:func:`refresh` runs it when there are no statistics yet or the clauses table has
grown or shrunk :data:`STALE_FACTOR` times since (``protokoll serve`` calls it before it
starts, so a database built by an import is served with plans that fit its size).
"""

from __future__ import annotations

import sqlite3

SAMPLE_ROWS = 400  # PRAGMA analysis_limit: rows sampled per index
STALE_FACTOR = 2.0
BUSY_MS = 1000  # an import holding the write lock longer: skip, the old plans still work


def refresh(path) -> bool:
    """``ANALYZE`` the database at ``path`` if its statistics are missing or stale.

    Returns True if it ran; False if they were fresh, or the file could not be written
    (read-only, or an import kept it locked for :data:`BUSY_MS`).
    """
    try:
        conn = sqlite3.connect(path, timeout=BUSY_MS / 1000)
    except sqlite3.Error:
        return False
    try:
        if not stale(conn):
            return False
        conn.execute(f"PRAGMA analysis_limit = {SAMPLE_ROWS}")
        conn.execute("ANALYZE")
        conn.commit()
        return True
    except sqlite3.Error:  # read-only file or medium, busy, not a protokoll database
        return False
    finally:
        conn.close()


def stale(conn: sqlite3.Connection) -> bool:
    """True if the clauses table has no statistics, or its size changed by :data:`STALE_FACTOR`."""
    rows = conn.execute("SELECT max(rowid) FROM clauses").fetchone()[0] or 0
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone():
        return True
    stats = [s for (s,) in conn.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = 'clauses'")]
    estimate = max((int(s.split()[0]) for s in stats if s), default=0)
    if not estimate:
        return rows > 0
    return not (1 / STALE_FACTOR <= rows / estimate <= STALE_FACTOR)
