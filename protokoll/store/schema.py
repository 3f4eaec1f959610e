"""The schema of the current version (:data:`SCHEMA_VERSION`): tables, indexes, views and
the full-text search indexes, and :func:`create`, which gives a new database all of it in
one transaction. What each table holds is in :mod:`protokoll.store`'s docstring; how an
older database gets here is :mod:`.migrations`.
"""

from __future__ import annotations

import sqlite_utils

from protokoll import appeal, quality, search
from protokoll.store.sql import transaction

SCHEMA_VERSION = 7  # 2: votes.yes_means, votes.no_means; 3: search.FTS_SETTINGS (automerge 16);
# 4: documents.kind, the quality table (backfilled from the stored items); 5: one meeting
# for the files that record it (meeting_sources, readings); 6: people.names and
# organisations.names (the spellings counted, so the name is not the order's); 7: the
# ANSLAG/BEVIS block and the last day to appeal (meetings.posted … appeal_note, items.immediate,
# appeal_last_day, appeal_note) and person_votes (each roll-call member's vote, by person);
# and (cases) meetings.organisation, items.case_id and the cases table (protokoll.store.cases)

SET_VERSION = "INSERT OR REPLACE INTO _meta (key, value) VALUES ('schema_version', ?)"

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
    place TEXT,
    posted TEXT,
    taken_down TEXT,
    kept_at TEXT,
    appeal_last_day TEXT,
    appeal_note TEXT,
    organisation TEXT
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
    text TEXT,
    immediate INTEGER,
    appeal_last_day TEXT,
    appeal_note TEXT,
    case_id TEXT
);
CREATE TABLE IF NOT EXISTS decisions (
    id TEXT PRIMARY KEY,
    item_id TEXT NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    position INTEGER,
    "by" TEXT,
    kind TEXT,
    outcome TEXT,
    text TEXT,
    proposed_to TEXT,
    preparatory INTEGER
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
    rule TEXT,
    names TEXT
);
CREATE TABLE IF NOT EXISTS organisations (
    id TEXT PRIMARY KEY,
    name TEXT,
    variants TEXT,
    rule TEXT,
    names TEXT
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
CREATE TABLE IF NOT EXISTS person_votes (
    id TEXT PRIMARY KEY,
    item_id TEXT NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    position INTEGER,
    name TEXT,
    person_id TEXT REFERENCES people(id),
    vote TEXT
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
CREATE TABLE IF NOT EXISTS cases (
    id TEXT PRIMARY KEY,
    organisation TEXT,
    key TEXT,
    dnr TEXT,
    first_date TEXT,
    last_date TEXT,
    items INTEGER,
    meetings INTEGER,
    bodies TEXT
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
CREATE INDEX IF NOT EXISTS items_appeal_last_day ON items(appeal_last_day);
CREATE INDEX IF NOT EXISTS items_case ON items(case_id);
CREATE INDEX IF NOT EXISTS cases_key ON cases(key);
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
CREATE INDEX IF NOT EXISTS person_votes_item ON person_votes(item_id);
CREATE INDEX IF NOT EXISTS person_votes_person ON person_votes(person_id);
CREATE INDEX IF NOT EXISTS reservations_item ON reservations(item_id);
CREATE INDEX IF NOT EXISTS reservations_person ON reservations(person_id);
CREATE INDEX IF NOT EXISTS conflicts_item ON conflicts(item_id);
CREATE INDEX IF NOT EXISTS conflicts_person ON conflicts(person_id);
CREATE INDEX IF NOT EXISTS sent_to_item ON sent_to(item_id);
CREATE INDEX IF NOT EXISTS sent_to_organisation ON sent_to(organisation_id);
CREATE INDEX IF NOT EXISTS warnings_document ON warnings(document_id);
""" + quality.INDEX

# The decision register: one row per clause of a meeting's protocol or extract (an agenda
# decides nothing: its proposals stay out), as read from the meeting's main source;
# ``source`` is that file, ``sources`` every file of the meeting, main source first. Order by date, body, document_id,
# item_position, decision_position, clause_position for the order of the minutes).
# ``clause_rowid`` is the clauses_fts rowid (Datasette: fts_table clauses_fts, fts_pk
# clause_rowid). ``amounts`` is a JSON list, ``amount`` their sum (NULL if none),
# ``decided_amount`` the sum of the decided ones only: the money the clause decides.
# ``page`` is where the clause starts, or the item's page for a clause without one.
# ``case_key`` is the item's case (``cases.key``: its diarienummer normalised,
# parsers/dnr.py), ``case_id`` the row of ``cases`` (the case page /<db>/arende/<case_id>).
# ``appeal_last_day`` is the item's (protokoll.appeal: the protocol's, an OJ item's own) for
# a decision, never for a proposal or a decision to propose to another body (preparatory);
# ``appeal_note`` says why a decision has none (that, or the item's note, else its meeting's).
VIEWS = f"""
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
    cases.key AS case_key,
    decisions.kind AS decision_kind,
    decisions.outcome AS outcome,
    CASE WHEN decisions.kind = 'decision' AND NOT COALESCE(decisions.preparatory, 0)
         THEN items.appeal_last_day END AS appeal_last_day,
    CASE WHEN decisions.kind IS NOT 'decision' THEN '{appeal.PROPOSAL}'
         WHEN decisions.preparatory THEN '{appeal.PREPARATORY}' || decisions.proposed_to
         ELSE COALESCE(items.appeal_note, meetings.appeal_note) END AS appeal_note,
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
    clauses.rowid AS clause_rowid,
    items.case_id AS case_id
FROM clauses
JOIN decisions ON decisions.id = clauses.decision_id
JOIN items ON items.id = decisions.item_id
JOIN meetings ON meetings.id = items.meeting_id
JOIN documents ON documents.id = meetings.document_id
LEFT JOIN cases ON cases.id = items.case_id
WHERE documents.kind IS NOT 'agenda';
""" + quality.VIEW


def create(db: sqlite_utils.Database) -> bool:
    """Give a brand-new database the whole schema in one transaction: a reader (Datasette)
    sees no tables or all of them, and a kill leaves a file with no schema, never half of
    one. The statements are those that :mod:`.migrations` makes, taken from a scratch copy in
    memory. Returns False, changing nothing, if another process created tables first."""
    scratch = sqlite_utils.Database(memory=True)
    scratch.executescript(TABLES + INDEXES + VIEWS)
    search.enable(scratch)
    rows = scratch.execute("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY rowid").fetchall()
    virtual = [name for name, sql in rows if sql.upper().startswith("CREATE VIRTUAL TABLE")]
    shadow = {f"{v}_{part}" for v in virtual for part in ("data", "idx", "content", "docsize", "config")}
    statements = [sql for name, sql in rows if name not in shadow]  # CREATE VIRTUAL TABLE makes them
    scratch.close()
    with transaction(db):
        if db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
            return False
        for sql in statements:
            db.execute(sql)
        search.configure(db)
        db.execute(SET_VERSION, [str(SCHEMA_VERSION)])
    return True


def fts_statements() -> dict[str, list[str]]:
    """Per table with a search index (:data:`protokoll.search.FTS_COLUMNS`): the statements
    that :func:`protokoll.search.enable` runs to create its index, the ``CREATE VIRTUAL
    TABLE`` first and then its triggers (taken from a scratch copy in memory)."""
    scratch = sqlite_utils.Database(memory=True)
    scratch.executescript(TABLES)
    search.enable(scratch)
    out = {}
    for table in search.FTS_COLUMNS:
        fts = scratch.execute("SELECT sql FROM sqlite_master WHERE name = ?", [f"{table}_fts"]).fetchone()[0]
        triggers = [sql for (sql,) in scratch.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ? ORDER BY rowid", [table])]
        out[table] = [fts, *triggers]
    scratch.close()
    return out
