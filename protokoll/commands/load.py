"""``protokoll load``: parse files and save them into a database, one transaction each."""

from __future__ import annotations

import sys

import click

from protokoll import paths, pipeline, store
from protokoll.cli_options import EXIT_INTERRUPTED, exit_codes, progress_enabled, silent_option
from protokoll.commands.ingest import report
from protokoll.errors import DatabaseError
from protokoll.progress import Progress


@click.command(epilog=exit_codes("some file failed, or the database cannot be written"))
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--db", "db_path", required=True, type=click.Path(dir_okay=False), help="The SQLite database to fill.")
@click.option("--tag/--no-tag", default=True, show_default=True,
              help="Tag people, organisations, amounts and dates with spaCy.")
@silent_option
def load(files, db_path, tag, silent):
    """Parse each FILE and save it into the --db database (created if missing).

    Each file is saved in one transaction, under its absolute path. Loading the same
    bytes again changes nothing; new bytes at the same path replace the earlier
    version. A file that cannot be read or parsed is recorded as failed with its
    reason, named on stderr, and the others are still loaded. The summary on stderr
    counts them as `protokoll ingest` does (-s: only the failures).
    For whole archives, in parallel and resumable, use `protokoll ingest`.

    \b
    Examples:
        protokoll load samples/lsvo-2024-12-13.docx --db protokoll.db
        protokoll load samples/*.pdf samples/aldras.txt --db protokoll.db --no-tag
    """
    paths.check_writable(db_path, DatabaseError, folder_too=True)
    db = store.open(db_path)
    with Progress(total=len(files), label="load", enabled=progress_enabled(silent)) as progress:
        summary = pipeline.load_files(files, db, tag=tag, progress=progress)
    report(summary, silent, skipped=False)
    sys.exit(EXIT_INTERRUPTED if summary.interrupted else summary.exit_code)
