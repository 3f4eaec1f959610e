"""The parse-quality table: one row per stored document, and the documents that need a look.

``quality``            document_id, kind, score (0 = nothing to look at; higher is
                       worse, see :mod:`protokoll.parsers.quality`), declared_first,
                       declared_last (the item range the cover states, NULL if none),
                       declared (how many items that is), found (items found), missing,
                       extra, repeated, undecided (JSON lists of item numbers: declared
                       but not found, found outside the range, found twice, without any
                       decision block), warnings (how many), reasons (one line to read)
View ``documents_to_check``: the documents with a score above 0 and the failed ones
(score :data:`FAILED`), with path, body, date and their warnings; Datasette lists it
worst first.

:mod:`protokoll.store` creates these with its own schema (``TABLES``, ``INDEXES``,
``VIEWS``) and writes :func:`rows` with every document it saves; its migration to
version 4 gives documents stored before the table existed a row from their stored items
(their declared range unknown, :func:`protokoll.store.migrations.v3_to_v4`).
"""

from __future__ import annotations

import json

from protokoll.parsers import quality as _quality

FAILED = 100  # the score of a document that could not be read or parsed at all

TABLE = """
CREATE TABLE IF NOT EXISTS quality (
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
"""

INDEX = """
CREATE INDEX IF NOT EXISTS quality_score ON quality(score);
"""

VIEW = f"""
DROP VIEW IF EXISTS documents_to_check;
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
SELECT {FAILED}, documents.path, NULL, NULL, NULL,
    'kunde inte läsas / failed (' || coalesce(documents.stage, '?') || '): '
        || coalesce(documents.error, documents.error_code, ''),
    NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, documents.status, documents.id
FROM documents
WHERE documents.status = 'failed';
"""


def _numbers(numbers) -> str:
    shown = ", ".join(numbers[:10])
    return shown + (f" … (+{len(numbers) - 10})" if len(numbers) > 10 else "")


def reasons(q: _quality.Quality) -> str:
    """What to look at, in one line (Swedish / English)."""
    out = []
    if q.found == 0:
        out.append("inga paragrafer hittade / no items found")
    if q.missing:
        out.append(f"saknas / missing: {_numbers(q.missing)}")
    if q.extra:
        out.append(f"utanför {q.declared[0]}–{q.declared[1]} / outside the declared range: {_numbers(q.extra)}")
    if q.repeated:
        out.append(f"flera gånger / found more than once: {_numbers(q.repeated)}")
    if q.undecided:
        out.append(f"utan beslut / without a decision: {len(q.undecided)} av/of {q.found}")
    if q.warnings:
        out.append(f"varningar / warnings: {len(q.warnings)}")
    return "; ".join(out)


def row(document_id: str, q: _quality.Quality) -> dict:
    """The ``quality`` row of a document."""
    return {
        "document_id": document_id, "kind": q.kind, "score": q.score,
        "declared_first": q.declared[0] if q.declared else None,
        "declared_last": q.declared[1] if q.declared else None,
        "declared": q.declared_count, "found": q.found,
        "missing": json.dumps(list(q.missing)), "extra": json.dumps(list(q.extra)),
        "repeated": json.dumps(list(q.repeated)), "undecided": json.dumps(list(q.undecided)),
        "warnings": len(q.warnings), "reasons": reasons(q),
    }


def rows(document_id: str, protocol) -> list[dict]:
    """The rows :func:`protokoll.store.save` writes for a protocol."""
    return [row(document_id, _quality.of(protocol))]
