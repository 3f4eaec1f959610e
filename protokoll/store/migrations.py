"""Bringing an older database up to :data:`~protokoll.store.schema.SCHEMA_VERSION`.

Each version step is a function in :data:`STEPS` (``v1_to_v2(db)`` … ``v6_to_v7(db)``,
and ``v0_to_v1`` for a file from before versions were recorded); :func:`migrate` runs the
steps from the database's version on, in order, and then makes the indexes, views and
search indexes those of the current schema, all inside one transaction (with foreign
keys off, as SQLite asks for rebuilding a table). A step adds what its version added and
fills it from the stored rows (the backfills: a search index re-built, quality rows,
amount roles, one meeting source per meeting), so an old database is upgraded without
reading its files again. A brand-new database gets the whole schema from
:func:`~protokoll.store.schema.create`.
"""

from __future__ import annotations

import json
import sqlite3

import sqlite_utils

from protokoll import quality, search
from protokoll.errors import DatabaseError
from protokoll.parsers import quality as parse_quality
from protokoll.records import Decision, Entity, Item, child_id
from protokoll.store import cases, schema
from protokoll.store.sql import insert, transaction

# Columns that a version step adds (in the order of the current tables); every other
# column a file from before versions were recorded lacks is added by v0_to_v1.
ADDED = {
    2: {"votes": ("yes_means", "no_means")},
    4: {"documents": ("kind",)},
    5: {"clauses": ("page", "decided_amount"), "entities": ("role", "role_rule")},
    6: {"people": ("names",), "organisations": ("names",)},
    7: {"meetings": ("posted", "taken_down", "kept_at", "appeal_last_day", "appeal_note", "organisation"),
        "items": ("immediate", "appeal_last_day", "appeal_note", "case_id"),
        "decisions": ("proposed_to", "preparatory")},
}
TABLES_ADDED = {4: ("quality",), 5: ("meeting_sources", "readings"), 7: ("person_votes", "cases")}

# The clauses' decided amounts from their entities (the rule of rows._clause_row).
DECIDED_AMOUNT = """
UPDATE clauses SET decided_amount = (
    SELECT sum(e.value) FROM entities e
    WHERE e.item_id = clauses.item_id AND e.label = 'MONEY' AND e.role = 'decided'
      AND coalesce(e.currency, 'SEK') = 'SEK'
      AND e.start >= clauses.start AND e."end" <= clauses."end")
WHERE clauses.amounts IS NOT NULL AND clauses.decided_amount IS NULL
"""


def schema_version(db: sqlite_utils.Database) -> int:
    """The recorded schema version: 0 for a database made before versions were recorded."""
    if not db["_meta"].exists():
        return 0
    row = db.execute("SELECT value FROM _meta WHERE key = 'schema_version'").fetchone()
    return int(row[0]) if row else 0


def migrate(db: sqlite_utils.Database) -> int:
    """Create the schema, or bring an older database up to the current version: the
    steps of :data:`STEPS` from its version on, in one transaction. Returns the version
    the database had before."""
    new = not db.table_names()
    before = schema.SCHEMA_VERSION if new else schema_version(db)
    if before > schema.SCHEMA_VERSION:
        raise DatabaseError(
            f"database schema version {before} is newer than this protokoll ({schema.SCHEMA_VERSION})",
            hint="upgrade protokoll",
        )
    if before == schema.SCHEMA_VERSION and db["_meta"].exists():
        return before
    if new and schema.create(db):
        return before
    db.execute("PRAGMA foreign_keys = OFF")  # a rebuilt table's rows are copied as they are
    try:
        with transaction(db):
            for version in range(before, schema.SCHEMA_VERSION):
                STEPS[version](db)
            _current(db)
            db.execute(schema.SET_VERSION, [str(schema.SCHEMA_VERSION)])
    finally:
        db.execute("PRAGMA foreign_keys = ON")
    return before


def v0_to_v1(db) -> None:
    """A file from before versions were recorded: the tables it lacks are created and the
    columns it lacks added; tables whose foreign keys do not cascade are rebuilt (their
    rows copied), clauses get their decision's item, and an index of an older kind
    (e.g. ``unicode61``) is replaced by the current one."""
    later = {t for tables in TABLES_ADDED.values() for t in tables}
    _create_tables(db, [t for t in _current_tables() if t not in later])
    skip = {(t, c) for added in ADDED.values() for t, columns in added.items() for c in columns}
    for table in _current_tables():
        if table not in later:
            _add_columns(db, table, [c for c in _current_columns(table) if (table, c) not in skip])
    _rebuild_stale(db)
    db.execute("UPDATE clauses SET item_id = (SELECT item_id FROM decisions WHERE decisions.id = clauses.decision_id) "
               "WHERE item_id IS NULL")
    _search_index(db)


def v1_to_v2(db) -> None:
    """What a yes and a no vote stood for (``votes.yes_means``/``no_means``); the search
    index is re-built from the stored rows (before 2 it could be stale or point at
    renumbered rowids)."""
    _add_columns(db, "votes", ADDED[2]["votes"])
    for table in search.FTS_COLUMNS:
        db.execute(f"INSERT INTO [{table}_fts]([{table}_fts]) VALUES('rebuild')")


def v2_to_v3(db) -> None:
    """The search indexes' settings (:data:`protokoll.search.FTS_SETTINGS`), without re-indexing."""
    search.configure(db)


def v3_to_v4(db) -> None:
    """``documents.kind`` (NULL for the documents stored before it) and the ``quality``
    table, with a row for each stored document from its items, decisions and warnings
    (the declared item range unknown: the cover was not read then)."""
    _add_columns(db, "documents", ADDED[4]["documents"])
    _create_tables(db, TABLES_ADDED[4])
    todo = [r[0] for r in db.execute(
        "SELECT id FROM documents WHERE status = 'ok' AND id NOT IN (SELECT document_id FROM quality)")]
    out = []
    for doc_id in todo:
        items = db.execute(
            "SELECT items.number, EXISTS (SELECT 1 FROM decisions WHERE decisions.item_id = items.id) "
            "FROM items JOIN meetings ON meetings.id = items.meeting_id "
            "WHERE meetings.document_id = ? ORDER BY items.position", [doc_id]).fetchall()
        warnings = [w for (w,) in db.execute(
            "SELECT message FROM warnings WHERE document_id = ? ORDER BY position", [doc_id])]
        kind = db.execute("SELECT kind FROM documents WHERE id = ?", [doc_id]).fetchone()[0]
        q = parse_quality.check([n for n, _ in items], [bool(d) for _, d in items], warnings=warnings, kind=kind)
        out.append(quality.row(doc_id, q))
    if out:
        db.conn.executemany(f"INSERT INTO quality ({', '.join(out[0])}) VALUES ({', '.join('?' * len(out[0]))})",
                            [list(r.values()) for r in out])


def v4_to_v5(db) -> None:
    """One meeting for the files that record it: ``meeting_sources`` (each stored meeting's
    document its only and main source) and ``readings`` (none for the files stored
    before). Also what version 4 gained on the way where a file lacks it: ``clauses.page``
    (NULL for older rows) and the amount roles (``entities.role``/``role_rule``,
    ``clauses.decided_amount``), worked out from the stored rows by the tagger's rules."""
    _add_columns(db, "clauses", ADDED[5]["clauses"])
    _add_columns(db, "entities", ADDED[5]["entities"])
    _create_tables(db, TABLES_ADDED[5])
    db.execute(
        "INSERT OR IGNORE INTO meeting_sources (document_id, meeting_id, main, items, rule) "
        "SELECT document_id, id, 1, (SELECT count(*) FROM items WHERE items.meeting_id = meetings.id), "
        "'main source' FROM meetings")
    _amount_roles(db)


def v5_to_v6(db) -> None:
    """``people.names`` and ``organisations.names``, NULL for the rows stored before: the
    next file that names one counts its stored name as one file
    (:func:`protokoll.store.sql.merge_canonicals`)."""
    for table, columns in ADDED[6].items():
        _add_columns(db, table, columns)


def v6_to_v7(db) -> None:
    """What issue 31 added, one function per part: the columns and tables first, then the
    ANSLAG/BEVIS block and the last day to appeal (:func:`_v7_appeal`), ``person_votes``
    (:func:`_v7_people`) and cases across meetings (:func:`_v7_cases`)."""
    for table, columns in ADDED[7].items():
        _add_columns(db, table, columns)
    _create_tables(db, TABLES_ADDED[7])
    _v7_appeal(db)
    _v7_people(db)
    _v7_cases(db)


STEPS = {0: v0_to_v1, 1: v1_to_v2, 2: v2_to_v3, 3: v3_to_v4, 4: v4_to_v5, 5: v5_to_v6, 6: v6_to_v7}


def _v7_people(db) -> None:
    """``person_votes``: a row per member of every stored roll call, filled exactly as an
    import fills it (:func:`.rows.person_vote_rows`) from the kept parse of each meeting's
    main source, the members' canonical ids made by the tagger's rule. A meeting stored
    before version 5 has no kept parse: its members come from ``votes.members``, each
    with the person id its canonical id gives where the meeting's attendance or its
    document's entities have that person, else NULL (the name-only match needs the parse)."""
    todo = db.execute(
        "SELECT DISTINCT items.meeting_id, meetings.document_id, readings.document_id IS NOT NULL FROM votes "
        "JOIN items ON items.id = votes.item_id JOIN meetings ON meetings.id = items.meeting_id "
        "LEFT JOIN readings ON readings.document_id = meetings.document_id "
        "WHERE votes.members NOT IN ('[]', '') AND votes.members IS NOT NULL "
        "AND NOT EXISTS (SELECT 1 FROM person_votes WHERE person_votes.item_id = votes.item_id)").fetchall()
    if not todo:
        return
    from protokoll.nlp.canonical import canonical_id, person_key  # the tagger's rule, loaded only when needed
    from protokoll.nlp.tagging import with_member_ids
    from protokoll.store import meetings, rows

    out = []
    for meeting_id, doc_id, kept in todo:
        if kept:
            p = meetings.reading(db, doc_id)
            names = rows.protocol_names(p)
            for i, it in enumerate(with_member_ids(p.items)):
                if it.votes is not None and it.votes.members:
                    out += rows.person_vote_rows(child_id(doc_id, "item", i), it.votes, names)
            continue
        known = {r[0] for r in db.execute(
            "SELECT person_id FROM attendance WHERE meeting_id = ? UNION SELECT person_id FROM entities "
            "WHERE document_id = ?", [meeting_id, doc_id]) if r[0]}
        for item_id, members in db.execute(
                "SELECT votes.item_id, votes.members FROM votes JOIN items ON items.id = votes.item_id "
                "WHERE items.meeting_id = ?", [meeting_id]).fetchall():
            for j, m in enumerate(json.loads(members or "[]")):
                person = canonical_id("PER", person_key(m["name"]))
                out.append({"id": child_id(item_id, "person_vote", j), "item_id": item_id, "position": j,
                            "name": m["name"], "person_id": person if person in known else None,
                            "vote": m["vote"]})
    if out:
        insert(db, "person_votes", out)


# Why a meeting stored before version 7 has no last day to appeal.
NOT_READ = "posting not read: stored before schema version 7 (import the file again)"


def _v7_appeal(db) -> None:
    """The ANSLAG/BEVIS block and the last day to appeal (:mod:`protokoll.appeal`): the
    columns, NULL for the rows stored before, and the meetings' ``appeal_note`` saying why
    (:data:`NOT_READ`; ``decision_register`` shows an item's note or else its meeting's, so the
    items are not rewritten: an update of an item re-indexes its text for search).

    None of it can be backfilled exactly. The posting (``meetings.posted``, ``taken_down``,
    ``kept_at``) stands in the protocol's front matter, which no stored row holds (the stored
    readings are parses made before the block was read), so the last days to appeal are
    unknown too. ``items.immediate`` (OJ) stays NULL: an "OJ" beside the § heading is not
    stored (only the label and title as read), so the stored text alone would miss it.
    ``decisions.proposed_to`` and ``preparatory`` (a decision to propose to another body: no last
    day) stay NULL too: they come from the opener line ("Kommunstyrelsen föreslår
    kommunfullmäktige besluta:"), which the stored decision text leaves out.
    Importing the file again fills them all.
    """
    db.execute("UPDATE meetings SET appeal_note = ? WHERE appeal_last_day IS NULL AND appeal_note IS NULL",
               [NOT_READ])


def _v7_cases(db) -> None:
    """Cases across meetings: ``meetings.organisation``, ``items.case_id`` and the ``cases``
    table. ``organisation`` stays NULL for the meetings stored before (it is read from a
    protocol's front matter, which no table keeps), so their items' cases are scoped to
    their own meeting (:mod:`protokoll.store.cases`); ``case_id`` and ``cases`` are then
    backfilled exactly from the stored ``items.dnr``. An import skips the bytes it already
    has, so these meetings keep no organisation until their files are imported into a new
    database (which joins their cases with other meetings')."""
    cases.backfill(db)


def _amount_roles(db) -> None:
    """Every stored MONEY entity in an item without a role gets one (by the rules of
    :mod:`protokoll.nlp.roles`, from the item's text and clauses as stored), and then
    every clause with amounts but no ``decided_amount`` its sum. Nothing to do (and
    nothing written) where every amount has its role."""
    from protokoll.nlp.roles import item_roles  # the tagger's rules, loaded only when needed

    conn = db.conn
    item_ids = [r[0] for r in conn.execute(
        "SELECT DISTINCT item_id FROM entities WHERE label = 'MONEY' AND item_id IS NOT NULL AND role IS NULL")]
    if not item_ids:
        return
    for item_id in item_ids:
        item = _stored_item(conn, item_id)
        money = [(row[0], Entity(label="MONEY", text="", start=row[1], end=row[2], value=row[3]))
                 for row in conn.execute(
                     'SELECT id, start, "end", value FROM entities WHERE item_id = ? AND label = \'MONEY\'', [item_id])
                 if isinstance(row[3], (int, float))]
        conn.executemany("UPDATE entities SET role = ?, role_rule = ? WHERE id = ?",
                         [(role, rule, n) for n, (role, rule) in item_roles(item, money).items()])
    conn.execute(DECIDED_AMOUNT)


def _stored_item(conn, item_id: str) -> Item:
    """An item as the database holds it: its text and its decisions' clauses."""
    text = conn.execute("SELECT text FROM items WHERE id = ?", [item_id]).fetchone()[0] or ""
    decisions = []
    for (decision_id,) in conn.execute("SELECT id FROM decisions WHERE item_id = ? ORDER BY position", [item_id]):
        clauses = tuple(t or "" for (t,) in conn.execute(
            "SELECT text FROM clauses WHERE decision_id = ? ORDER BY position", [decision_id]))
        decisions.append(Decision(by=None, kind="decision", outcome="decided", text="", clauses=clauses))
    return Item(number="", label="", text=text, decisions=tuple(decisions))


def _current(db) -> None:
    """The indexes, views and search indexes of the current schema (whatever the version)."""
    for statement in _statements(schema.INDEXES + schema.VIEWS):
        db.execute(statement)
    _search_index(db)
    search.configure(db)


def _search_index(db) -> None:
    """What :func:`protokoll.search.enable` does, inside the transaction: an index of an
    older kind is dropped, and a missing one (or one without its triggers) is created
    and filled from the stored rows."""
    for table, (create, *triggers) in schema.fts_statements().items():
        fts = db[f"{table}_fts"]
        if fts.exists() and search.TOKENIZE not in fts.schema:
            search._drop_index(db, table)
        names = {t.name for t in db[table].triggers}
        if fts.exists() and fts.schema == create and {f"{table}_{s}" for s in ("ai", "ad", "au")} <= names:
            continue
        if fts.exists():
            search._drop_index(db, table)
        columns = ", ".join(f"[{c}]" for c in search.FTS_COLUMNS[table])
        db.execute(create)
        db.execute(f"INSERT INTO [{table}_fts] (rowid, {columns}) SELECT rowid, {columns} FROM [{table}]")
        for trigger in triggers:
            db.execute(trigger)


def _statements(script: str) -> list[str]:
    """The statements of an SQL script, to run one by one (``executescript`` would commit)."""
    out, pending = [], ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            out.append(pending.strip())
            pending = ""
    return [s for s in out if s.strip(" ;\n")]


def _scratch() -> sqlite3.Connection:
    scratch = sqlite3.connect(":memory:")
    scratch.executescript(schema.TABLES)
    return scratch


def _current_tables() -> dict[str, str]:
    """Table -> its CREATE statement, in the current schema."""
    scratch = _scratch()
    try:
        return dict(scratch.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY rowid"))
    finally:
        scratch.close()


def _current_columns(table: str) -> dict[str, str]:
    """Column -> its type and default as ALTER TABLE … ADD COLUMN writes them."""
    scratch = _scratch()
    try:
        return {name: type_ + (f" DEFAULT {default}" if default is not None else "")
                for _, name, type_, _, default, _ in scratch.execute(f"PRAGMA table_info([{table}])")}
    finally:
        scratch.close()


def _create_tables(db, tables) -> None:
    current = _current_tables()
    for table in tables:
        if not db[table].exists():
            db.execute(current[table])


def _add_columns(db, table: str, columns) -> None:
    """ALTER TABLE … ADD COLUMN for each of ``columns`` the table lacks (as in the current schema)."""
    have = {c.name for c in db[table].columns}
    current = _current_columns(table)
    for name in columns:
        if name not in have:
            db.execute(f'ALTER TABLE [{table}] ADD COLUMN "{name}" {current[name]}')


def _rebuild_stale(db) -> None:
    """Rebuild each table whose foreign keys lack ``ON DELETE CASCADE``, copying its rows."""
    current = _current_tables()
    stale = [t for t, sql in current.items() if "CASCADE" in sql and db[t].exists() and "CASCADE" not in db[t].schema]
    if not stale:
        return
    db.execute("DROP VIEW IF EXISTS decision_register")
    db.execute("DROP VIEW IF EXISTS documents_to_check")
    for table in stale:
        columns = ", ".join(f'"{c.name}"' for c in db[table].columns)
        db.execute(current[table].replace(f"CREATE TABLE {table} ", f"CREATE TABLE _new_{table} ", 1))
        db.execute(f"INSERT INTO _new_{table} ({columns}) SELECT {columns} FROM [{table}]")
        db.execute(f"DROP TABLE [{table}]")
        db.execute(f"ALTER TABLE _new_{table} RENAME TO [{table}]")
