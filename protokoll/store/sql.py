"""Writing rows: one transaction (:class:`transaction`), multi-row INSERTs under SQLite's
limit on bound parameters (:func:`insert`), people and organisations merged by id, and
SQLite's errors as protokoll's (:func:`database_error`)."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timezone

from protokoll.errors import DatabaseBusy, DatabaseError


def insert(db, table: str, rows: list[dict], *, ignore: bool = False) -> None:
    """INSERT the rows (all with the same keys). People/organisations are merged with
    the stored ones (:func:`merge_canonicals`) unless ``ignore``: then only the missing
    ones go in."""
    if not rows:
        return
    if table in ("people", "organisations") and not ignore:
        merge_canonicals(db, table, rows)
        return
    execute_insert(db, table, rows, "INSERT OR IGNORE" if ignore else "INSERT")


def merge_canonicals(db, table: str, rows: list[dict]) -> None:
    """Insert new people/organisations and add one saved file's to the known ones, so that
    the row does not depend on the order in which files are saved:

    * ``names`` counts, per spelling, the files that named it so (``Canonical.name``, the
      tagger's choice in that file), and ``name`` is the spelling most files gave, a tie
      going to the first in code-point order (upper case before lower, "Kommunstyrelsen"
      before "Kommunstyrelsens");
    * ``variants`` is the sorted union of every file's spellings;
    * ``rule`` is every rule that found or merged it in some file (:func:`merged_rule`).

    Reading and writing only the file's own rows keeps this cheap per file. A row stored
    before version 6 has no ``names``: its stored name counts as one file. An UPDATE, not
    INSERT OR REPLACE: replacing the row would delete it first, which makes SQLite look for
    its children in four tables and gives it a new rowid."""
    ids = [row["id"] for row in rows]
    old = {}
    for start in range(0, len(ids), 500):  # under SQLite's limit on bound parameters
        chunk = ids[start:start + 500]
        old.update((r[0], r[1:]) for r in db.conn.execute(
            f"SELECT id, name, rule, variants, names FROM {table} WHERE id IN ({', '.join('?' * len(chunk))})",
            chunk))
    new, changed = [], []
    for row in rows:
        if row["id"] not in old:
            new.append({**row, "rule": merged_rule(row["rule"])})
            continue
        name, rule, variants, names = old[row["id"]]
        counts = json.loads(names) if names else ({name: 1} if name else {})
        for spelling, files in json.loads(row["names"]).items():
            counts[spelling] = counts.get(spelling, 0) + files
        merged = json.dumps(sorted(set(json.loads(variants or "[]")) | set(json.loads(row["variants"]))),
                            ensure_ascii=False)
        chosen = min(counts, key=lambda s: (-counts[s], s)) if counts else None
        changed.append([chosen, merged_rule(rule, row["rule"]), merged,
                        json.dumps(dict(sorted(counts.items())), ensure_ascii=False), row["id"]])
    if new:
        execute_insert(db, table, new, "INSERT")
    if changed:
        db.conn.executemany(f"UPDATE {table} SET name = ?, rule = ?, variants = ?, names = ? WHERE id = ?", changed)


def merged_rule(*rules: str | None) -> str | None:
    """The rules of several files as one: each part of "attendance+normalised-key" once,
    sorted, the merge rule "normalised-key" last."""
    parts = {p for r in rules if r for p in r.split("+")}
    return "+".join(sorted(parts, key=lambda p: (p == "normalised-key", p))) or None


def execute_insert(db, table, rows, verb) -> None:
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


class transaction:
    """BEGIN IMMEDIATE … COMMIT, or ROLLBACK on any error (sqlite errors become ours)."""

    def __init__(self, db):
        self.conn = db.conn

    def __enter__(self):
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as e:
            raise database_error(e) from None

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            try:
                self.conn.execute("COMMIT")
                return False
            except sqlite3.DatabaseError as e:
                self.conn.execute("ROLLBACK")
                raise database_error(e) from None
        self.conn.execute("ROLLBACK")
        if isinstance(exc, sqlite3.DatabaseError):
            raise database_error(exc) from None
        return False


def database_error(e: sqlite3.DatabaseError, path=None, stage="save") -> DatabaseError:
    if "locked" in str(e) or "busy" in str(e):
        return DatabaseBusy(str(e), path=path, stage=stage)
    return DatabaseError(str(e), path=path, stage=stage)


def unique(ids: list[str]) -> list[str]:
    return list(dict.fromkeys(ids))


def now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()
