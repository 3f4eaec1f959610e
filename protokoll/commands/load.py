"""``protokoll load``: parse files and save them into a database, one transaction each."""

from __future__ import annotations

import hashlib
import os
import sys
import time
from pathlib import Path

import click

from protokoll import bulk, paths, store
from protokoll.cli_options import EXIT_INTERRUPTED, exit_codes, progress_enabled, silent_option
from protokoll.commands.ingest import report
from protokoll.errors import DatabaseError, ProtokollError, os_reason
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
    started = time.monotonic()
    summary = bulk.Summary()
    try:
        nlp = _load_nlp() if tag else None
        known, paths_of = store.known(db), bulk._known_paths(db)
        with Progress(total=len(files), label="load", enabled=progress_enabled(silent)) as progress:
            for path in files:
                failure = _load_one(db, os.path.abspath(path), nlp, known, paths_of, summary)
                if failure:
                    summary.failed.append(failure)
                progress.update(failed=bool(failure))
    except KeyboardInterrupt:
        summary.interrupted = True
    summary.seconds = time.monotonic() - started
    report(summary, silent, skipped=False)
    sys.exit(EXIT_INTERRUPTED if summary.interrupted else summary.exit_code)


def _load_one(db, path: str, nlp, known: dict[str, str], paths_of: dict, summary: bulk.Summary):
    """Save one file and count it in ``summary``; its Failure, or None."""
    summary.files += 1
    try:
        data = Path(path).read_bytes()
    except OSError as e:
        return bulk.Failure(path, "unreadable", os_reason(e), "read")
    sha = hashlib.sha256(data).hexdigest()
    if known.get(sha) == "ok":
        if path in paths_of.get(sha, ()):
            summary.unchanged += 1
            return None
        # known bytes at a new path; imported again if an earlier file took their last path
        if bulk._add_path(db, sha, path, paths_of, known):
            summary.duplicates += 1
            return None
    result = bulk.convert(path, data, nlp=nlp)
    if isinstance(result, bulk.Failure):
        store.record_failure(db, path=path, sha256=sha, format=Path(path).suffix.lstrip(".").lower() or None,
                             error=result, stage=result.stage, size=len(data))
        known[sha] = "failed"
        return result
    try:
        store.save(db, result, path=path)
    except ProtokollError as e:
        return bulk.Failure(path, e.code, e.reason, "save")
    known[sha] = "ok"
    paths_of.setdefault(sha, set()).add(path)
    summary.imported += 1
    summary.pages += result.source.pages or 0
    return None


def _load_nlp():
    from protokoll import nlp

    return nlp.load()
