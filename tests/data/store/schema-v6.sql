-- The schema of protokoll's store at version 6, as protokoll/store/ (schema.py), protokoll/search.py
-- and protokoll/quality.py made it at commit 406d99e. Used by tests/test_store_migrations.py.

CREATE TABLE _meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE documents (
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
CREATE TABLE document_paths (
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    path TEXT NOT NULL,
    PRIMARY KEY (document_id, path)
);
CREATE TABLE meetings (
    id TEXT PRIMARY KEY,
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    body TEXT,
    date TEXT,
    start TEXT,
    "end" TEXT,
    place TEXT
);
CREATE TABLE meeting_sources (
    document_id TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
    meeting_id TEXT NOT NULL,
    main INTEGER NOT NULL DEFAULT 0,
    items INTEGER,
    rule TEXT
);
CREATE TABLE readings (
    document_id TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
    protocol BLOB
);
CREATE TABLE items (
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
    text TEXT
);
CREATE TABLE decisions (
    id TEXT PRIMARY KEY,
    item_id TEXT NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    position INTEGER,
    "by" TEXT,
    kind TEXT,
    outcome TEXT,
    text TEXT
);
CREATE TABLE clauses (
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
CREATE TABLE motions (
    id TEXT PRIMARY KEY,
    item_id TEXT NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    position INTEGER,
    "by" TEXT,
    text TEXT
);
CREATE TABLE people (
    id TEXT PRIMARY KEY,
    name TEXT,
    variants TEXT,
    rule TEXT,
    names TEXT
);
CREATE TABLE organisations (
    id TEXT PRIMARY KEY,
    name TEXT,
    variants TEXT,
    rule TEXT,
    names TEXT
);
CREATE TABLE attendance (
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
CREATE TABLE entities (
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
CREATE TABLE votes (
    id TEXT PRIMARY KEY,
    item_id TEXT NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    yes INTEGER,
    no INTEGER,
    abstain INTEGER,
    members TEXT,
    yes_means TEXT,
    no_means TEXT
);
CREATE TABLE reservations (
    id TEXT PRIMARY KEY,
    item_id TEXT NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    position INTEGER,
    name TEXT,
    person_id TEXT REFERENCES people(id)
);
CREATE TABLE conflicts (
    id TEXT PRIMARY KEY,
    item_id TEXT NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    position INTEGER,
    name TEXT,
    person_id TEXT REFERENCES people(id)
);
CREATE TABLE sent_to (
    id TEXT PRIMARY KEY,
    item_id TEXT NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    position INTEGER,
    recipient TEXT,
    organisation_id TEXT REFERENCES organisations(id)
);
CREATE TABLE warnings (
    id TEXT PRIMARY KEY,
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    position INTEGER,
    message TEXT
);
CREATE TABLE quality (
    document_id TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
    kind TEXT,
    score INTEGER,
    declared_first TEXT,
    declared_last TEXT,
    declared INTEGER,
    found INTEGER,
    missing TEXT,
    extra TEXT,
    repeated TEXT,
    undecided TEXT,
    warnings INTEGER,
    reasons TEXT
);
CREATE INDEX documents_path ON documents(path);
CREATE INDEX documents_status ON documents(status);
CREATE INDEX document_paths_path ON document_paths(path);
CREATE INDEX meetings_document ON meetings(document_id);
CREATE INDEX meetings_body_date ON meetings(body, date);
CREATE INDEX meetings_date ON meetings(date);
CREATE INDEX meeting_sources_meeting ON meeting_sources(meeting_id);
CREATE INDEX items_meeting ON items(meeting_id);
CREATE INDEX items_kind ON items(kind);
CREATE INDEX decisions_item ON decisions(item_id);
CREATE INDEX decisions_outcome ON decisions(outcome);
CREATE INDEX clauses_decision ON clauses(decision_id);
CREATE INDEX clauses_item ON clauses(item_id);
CREATE INDEX clauses_amount ON clauses(amount);
CREATE INDEX clauses_decided_amount ON clauses(decided_amount);
CREATE INDEX motions_item ON motions(item_id);
CREATE INDEX attendance_meeting ON attendance(meeting_id);
CREATE INDEX attendance_person ON attendance(person_id);
CREATE INDEX attendance_party ON attendance(party);
CREATE INDEX attendance_organisation ON attendance(organisation_id);
CREATE INDEX entities_document ON entities(document_id);
CREATE INDEX entities_item ON entities(item_id, label);
CREATE INDEX entities_person ON entities(person_id);
CREATE INDEX entities_organisation ON entities(organisation_id);
CREATE INDEX votes_item ON votes(item_id);
CREATE INDEX reservations_item ON reservations(item_id);
CREATE INDEX reservations_person ON reservations(person_id);
CREATE INDEX conflicts_item ON conflicts(item_id);
CREATE INDEX conflicts_person ON conflicts(person_id);
CREATE INDEX sent_to_item ON sent_to(item_id);
CREATE INDEX sent_to_organisation ON sent_to(organisation_id);
CREATE INDEX warnings_document ON warnings(document_id);
CREATE INDEX quality_score ON quality(score);
CREATE VIEW decision_register AS
SELECT
    meetings.date AS date,
    meetings.body AS body,
    items.label AS paragraph,
    items.number AS item_number,
    items.position AS item_position,
    items.title AS title,
    items.dnr AS dnr,
    decisions.kind AS decision_kind,
    decisions.outcome AS outcome,
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
    clauses.rowid AS clause_rowid
FROM clauses
JOIN decisions ON decisions.id = clauses.decision_id
JOIN items ON items.id = decisions.item_id
JOIN meetings ON meetings.id = items.meeting_id
JOIN documents ON documents.id = meetings.document_id
WHERE documents.kind IS NOT 'agenda';
CREATE VIEW documents_to_check AS
SELECT
    quality.score AS score,
    documents.path AS source,
    meetings.body AS body,
    meetings.date AS date,
    quality.kind AS kind,
    quality.reasons AS reasons,
    quality.declared_first || '–' || quality.declared_last AS declared_range,
    quality.declared AS declared,
    quality.found AS found,
    quality.missing AS missing,
    quality.extra AS extra,
    quality.repeated AS repeated,
    quality.undecided AS undecided,
    (SELECT group_concat(message, ' | ') FROM
        (SELECT message FROM warnings WHERE warnings.document_id = documents.id ORDER BY position)
    ) AS warnings,
    documents.status AS status,
    documents.id AS document_id
FROM quality
JOIN documents ON documents.id = quality.document_id
LEFT JOIN meeting_sources ON meeting_sources.document_id = documents.id
LEFT JOIN meetings ON meetings.id = meeting_sources.meeting_id
WHERE quality.score > 0
UNION ALL
SELECT 100, documents.path, NULL, NULL, NULL,
    'kunde inte läsas / failed (' || coalesce(documents.stage, '?') || '): '
        || coalesce(documents.error, documents.error_code, ''),
    NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, documents.status, documents.id
FROM documents
WHERE documents.status = 'failed';
CREATE VIRTUAL TABLE [items_fts] USING FTS5 (
    [title], [text],
    tokenize='trigram',
    content=[items]
);
CREATE TRIGGER [items_ai] AFTER INSERT ON [items] BEGIN
  INSERT INTO [items_fts] (rowid, [title], [text]) VALUES (new.rowid, new.[title], new.[text]);
END;
CREATE TRIGGER [items_ad] AFTER DELETE ON [items] BEGIN
  INSERT INTO [items_fts] ([items_fts], rowid, [title], [text]) VALUES('delete', old.rowid, old.[title], old.[text]);
END;
CREATE TRIGGER [items_au] AFTER UPDATE ON [items] BEGIN
  INSERT INTO [items_fts] ([items_fts], rowid, [title], [text]) VALUES('delete', old.rowid, old.[title], old.[text]);
  INSERT INTO [items_fts] (rowid, [title], [text]) VALUES (new.rowid, new.[title], new.[text]);
END;
CREATE VIRTUAL TABLE [clauses_fts] USING FTS5 (
    [text],
    tokenize='trigram',
    content=[clauses]
);
CREATE TRIGGER [clauses_ai] AFTER INSERT ON [clauses] BEGIN
  INSERT INTO [clauses_fts] (rowid, [text]) VALUES (new.rowid, new.[text]);
END;
CREATE TRIGGER [clauses_ad] AFTER DELETE ON [clauses] BEGIN
  INSERT INTO [clauses_fts] ([clauses_fts], rowid, [text]) VALUES('delete', old.rowid, old.[text]);
END;
CREATE TRIGGER [clauses_au] AFTER UPDATE ON [clauses] BEGIN
  INSERT INTO [clauses_fts] ([clauses_fts], rowid, [text]) VALUES('delete', old.rowid, old.[text]);
  INSERT INTO [clauses_fts] (rowid, [text]) VALUES (new.rowid, new.[text]);
END;
INSERT INTO [items_fts]([items_fts], rank) VALUES ('automerge', 16);
INSERT INTO [clauses_fts]([clauses_fts], rank) VALUES ('automerge', 16);
INSERT INTO _meta (key, value) VALUES ('schema_version', '6');
