"""``protokoll status``: what a database holds, counted by status, format, body and year."""

from __future__ import annotations

import click

from protokoll.store import shards
from protokoll.cli_options import emit_rows, exit_codes, output_options

# Documents and the meetings they record, by status, format, body and year: the same
# meeting in a .docx and a .pdf is two documents and one meeting.
COUNTS = """
SELECT 'status' AS "group", documents.status AS value, count(*) AS documents,
    count(DISTINCT meeting_sources.meeting_id) AS meetings
FROM documents LEFT JOIN meeting_sources ON meeting_sources.document_id = documents.id
GROUP BY documents.status
UNION ALL
SELECT 'format', documents.format, count(*), count(DISTINCT meeting_sources.meeting_id)
FROM documents LEFT JOIN meeting_sources ON meeting_sources.document_id = documents.id
GROUP BY documents.format
UNION ALL
SELECT 'body', meetings.body, count(*), count(DISTINCT meetings.id)
FROM meeting_sources JOIN meetings ON meetings.id = meeting_sources.meeting_id GROUP BY meetings.body
UNION ALL
SELECT 'year', substr(meetings.date, 1, 4), count(*), count(DISTINCT meetings.id)
FROM meeting_sources JOIN meetings ON meetings.id = meeting_sources.meeting_id
GROUP BY substr(meetings.date, 1, 4)
"""

FAILED = """
SELECT path, stage, error_code, error FROM documents WHERE status = 'failed' ORDER BY path
"""


@click.command(epilog=exit_codes("the database cannot be read"))
@click.argument("db_path", metavar="DB", type=click.Path(exists=True))
@click.option("--failed", is_flag=True, help="List the files that failed, with stage and reason.")
@click.option("--workers", "per_worker", is_flag=True,
              help="List the workers of the last import (or the running one) with their files and files/s.")
@output_options
def status(db_path, failed, per_worker, fmt):
    """Show what the database DB holds: documents, and the meetings they record (one meeting
    in a .docx and a .pdf is two documents, one meeting), by status, format, body and year.

    DB is only read (an older one is upgraded where it can be written): it may be on
    a read-only medium. DB may be the folder of an import with --shard-by: its
    databases are summed.

    \b
    Examples:
        protokoll status protokoll.db
        protokoll status protokoll.db --json
        protokoll status protokoll.db --failed --csv > failed.csv
        protokoll status arkiv/ --json
        protokoll status protokoll.db --workers
    """
    if per_worker:
        emit_rows(worker_rows(shards.last_import(db_path)), fmt)
        return
    if failed:
        rows = sorted((r for db in shards.read_each(db_path) for r in db.execute(FAILED).fetchall()),
                      key=lambda r: r[0])
        emit_rows([dict(zip(("path", "stage", "error_code", "error"), r)) for r in rows], fmt)
        return
    emit_rows(summed(db.execute(COUNTS).fetchall() for db in shards.read_each(db_path)), fmt)


def summed(counts) -> list[dict]:
    """The rows of :data:`COUNTS` of one or more databases (shards) added up per group and
    value; meetings never span shards, so their counts add up too."""
    order = {"status": 0, "format": 1, "body": 2, "year": 3}
    total: dict[tuple, list[int]] = {}
    for rows in counts:
        for group, value, documents, meetings in rows:
            n = total.setdefault((group, value), [0, 0])
            n[0] += documents
            n[1] += meetings
    keys = sorted(total, key=lambda k: (order[k[0]], k[1] is not None, k[1] or ""))
    return [{"group": g, "value": v, "documents": total[g, v][0], "meetings": total[g, v][1]} for g, v in keys]


def worker_rows(last: dict | None) -> list[dict]:
    """One row per worker of the import that ``store.record_import`` kept: files, files/s."""
    if not last:
        return []
    seconds = last.get("seconds") or 0
    return [{"worker": name, "files": n, "files_per_second": round(n / seconds, 2) if seconds else None,
             "seconds": seconds, "started": last.get("started")}
            for name, n in sorted(last.get("workers", {}).items(), key=lambda kv: -kv[1])]
