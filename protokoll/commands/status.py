"""``protokoll status``: what a database holds, counted by status, format, body and year."""

from __future__ import annotations

import click

from protokoll import store
from protokoll.cli_options import emit_rows, exit_codes, output_options

COUNTS = """
SELECT 'status' AS "group", status AS value, count(*) AS documents FROM documents GROUP BY status
UNION ALL
SELECT 'format', format, count(*) FROM documents GROUP BY format
UNION ALL
SELECT 'body', meetings.body, count(DISTINCT meetings.document_id) FROM meetings GROUP BY meetings.body
UNION ALL
SELECT 'year', substr(meetings.date, 1, 4), count(DISTINCT meetings.document_id) FROM meetings
GROUP BY substr(meetings.date, 1, 4)
"""

FAILED = """
SELECT path, stage, error_code, error FROM documents WHERE status = 'failed' ORDER BY path
"""


@click.command(epilog=exit_codes("the database cannot be read"))
@click.argument("db_path", metavar="DB", type=click.Path(exists=True, dir_okay=False))
@click.option("--failed", is_flag=True, help="List the files that failed, with stage and reason.")
@output_options
def status(db_path, failed, fmt):
    """Show what the database DB holds: documents by status, format, body and year.

    DB is only read (an older one is upgraded where it can be written): it may be on
    a read-only medium.

    \b
    Examples:
        protokoll status protokoll.db
        protokoll status protokoll.db --json
        protokoll status protokoll.db --failed --csv > failed.csv
    """
    db = store.open_read(db_path)
    rows = [dict(zip(("path", "stage", "error_code", "error"), r)) for r in db.execute(FAILED)] if failed else [
        {"group": g, "value": v, "documents": n} for g, v, n in db.execute(COUNTS)
    ]
    emit_rows(rows, fmt)
